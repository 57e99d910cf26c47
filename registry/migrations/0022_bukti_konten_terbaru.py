"""A content's proofs indexed newest first within each unit instead of by
their sample draw: the proof list of one content reads a page's keys from
this index alone, unit by unit (bench/README.md, 6 December). The draws
never read the old order (a bitmap scan, then a sort, on both)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("registry", "0021_peran_posting")]

    operations = [
        migrations.RemoveIndex(model_name="buktisebar", name="registry_bukti_konten_unit_idx"),
        migrations.AddIndex(
            model_name="buktisebar",
            index=models.Index(fields=["konten", "unit_pemilik", "-id"], name="registry_bukti_konten_unit_idx"),
        ),
    ]
