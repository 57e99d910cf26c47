"""The three roles of DESIGN §4, so that a fresh install has them."""

from django.db import migrations

from registry.migrations import _roles

ADMIN_BKD = "Admin BKD"
VERIFIKATOR_BKD = "Verifikator BKD"
OPERATOR_OPD = "Operator OPD"

ROLES = {
    VERIFIKATOR_BKD: [
        "registry.lihat_semua_instansi",
        "registry.view_instansi",
        "registry.view_pegawai",
        "registry.view_akunmedsos",
        "registry.add_verifikasi",
        "registry.view_verifikasi",
    ],
    # No delete on pegawai: people who leave are deactivated, never deleted.
    OPERATOR_OPD: [
        "registry.view_instansi",
        "registry.add_pegawai",
        "registry.change_pegawai",
        "registry.view_pegawai",
        "registry.add_akunmedsos",
        "registry.change_akunmedsos",
        "registry.delete_akunmedsos",
        "registry.view_akunmedsos",
        "registry.view_verifikasi",
    ],
}


def create_roles(apps, schema_editor):
    _roles.grant(apps, ROLES, admin_group=ADMIN_BKD)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
