"""The owner's unit stored on accounts and verifications, for scope; filled
here in two set-based UPDATEs that read the same on SQLite and PostgreSQL,
before the indexes are built."""

import datetime
import django.db.models.deletion
import django.db.models.functions.comparison
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0013_pencarian_trigram'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='verifikasi',
            name='registry_verif_waktu_idx',
        ),
        migrations.AddField(
            model_name='akunmedsos',
            name='unit_pemilik',
            field=models.ForeignKey(db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.instansi', verbose_name='unit pemilik'),
        ),
        migrations.AddField(
            model_name='verifikasi',
            name='unit_pemilik',
            field=models.ForeignKey(db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.instansi', verbose_name='unit pemilik'),
        ),
        migrations.RunSQL(
            """
            UPDATE registry_akunmedsos SET unit_pemilik_id = COALESCE(
                instansi_id,
                (SELECT p.instansi_id FROM registry_pegawai p WHERE p.id = registry_akunmedsos.pegawai_id)
            )
            """,
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL(
            """
            UPDATE registry_verifikasi SET unit_pemilik_id = (
                SELECT a.unit_pemilik_id FROM registry_akunmedsos a WHERE a.id = registry_verifikasi.akun_id
            )
            """,
            migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name='akunmedsos',
            index=models.Index(models.F('unit_pemilik'), django.db.models.functions.comparison.Coalesce('diverifikasi_pada', models.Value(datetime.datetime(2000, 1, 1, 0, 0, tzinfo=datetime.timezone.utc), output_field=models.DateTimeField())), name='registry_akun_unit_tunggu_idx'),
        ),
        migrations.AddIndex(
            model_name='akunmedsos',
            index=models.Index(django.db.models.functions.comparison.Coalesce('diverifikasi_pada', models.Value(datetime.datetime(2000, 1, 1, 0, 0, tzinfo=datetime.timezone.utc), output_field=models.DateTimeField())), models.F('id'), name='registry_akun_tunggu_idx'),
        ),
        migrations.AddIndex(
            model_name='verifikasi',
            index=models.Index(fields=['-waktu', '-id'], name='registry_verif_waktu_idx'),
        ),
        migrations.AddIndex(
            model_name='verifikasi',
            index=models.Index(fields=['unit_pemilik', '-waktu'], name='registry_verif_unit_waktu_idx'),
        ),
    ]
