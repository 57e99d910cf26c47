"""Import and export permissions for the roles (DESIGN §4)."""

from django.db import migrations

from registry.migrations import _roles

GRANTS = {
    # Everything the role may see, it may take out to Excel; it imports no
    # employees (follower lists come with their own permission).
    "Verifikator BKD": [
        "registry.export_instansi",
        "registry.export_pegawai",
        "registry.export_akunmedsos",
        "registry.export_verifikasi",
        "registry.view_impor",
    ],
    # Its own scope, in and out.
    "Operator OPD": [
        "registry.import_pegawai",
        "registry.export_pegawai",
        "registry.import_akunmedsos",
        "registry.export_akunmedsos",
        "registry.export_instansi",
        "registry.export_verifikasi",
        "registry.view_impor",
    ],
}


def grant(apps, schema_editor):
    _roles.grant(apps, GRANTS, admin_group="Admin BKD")


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_impor")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
