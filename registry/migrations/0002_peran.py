"""The three roles of DESIGN §4, so that a fresh install has them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

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
    # Permissions are normally created after the last migration; the groups
    # need them now.
    for app_label in ("auth", "registry"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(codes):
        wanted = {tuple(code.split(".")) for code in codes}
        found = [
            p
            for p in Permission.objects.select_related("content_type")
            if (p.content_type.app_label, p.codename) in wanted
        ]
        assert len(found) == len(wanted), f"missing permissions: {sorted(wanted)}"
        return found

    admin_codes = [
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type")
        if p.content_type.app_label in ("registry", "auth")
    ]
    for name, codes in {ADMIN_BKD: admin_codes, **ROLES}.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions(codes))


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
