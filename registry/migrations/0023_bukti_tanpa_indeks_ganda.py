"""Proofs lose the two indexes their foreign keys made on their own,
(konten) and (pegawai): each is the first column of an index kept for the
queries (satu_per_konten and registry_bukti_konten_unit_idx; registry_bukti_peg_idx),
and at 36.5 million proofs they were 500 MB written on every insert."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("registry", "0022_bukti_konten_terbaru")]

    operations = [
        migrations.AlterField(
            model_name="buktisebar",
            name="konten",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="bukti",
                                    to="registry.konten", verbose_name="konten"),
        ),
        migrations.AlterField(
            model_name="buktisebar",
            name="pegawai",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="bukti_sebar", to="registry.pegawai", verbose_name="pegawai"),
        ),
    ]
