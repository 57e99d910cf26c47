"""Who uploads official accounts' posts (DESIGN §4, §10): the BKD for any
account, an Operator for its own units' accounts."""

from django.db import migrations

from registry.migrations import _roles

GRANTS = {
    "Verifikator BKD": ["registry.view_posting", "registry.add_posting", "registry.delete_posting"],
    "Operator OPD": ["registry.view_posting", "registry.add_posting", "registry.delete_posting"],
}


def grant(apps, schema_editor):
    _roles.grant(apps, GRANTS, admin_group="Admin BKD")


class Migration(migrations.Migration):
    dependencies = [("registry", "0020_posting_akun_resmi")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
