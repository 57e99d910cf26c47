"""What each role may do with contents and proofs (DESIGN §4, §9)."""

from django.db import migrations

from registry.migrations import _roles

GRANTS = {
    # Registers contents of any official account, enters proofs, and
    # checks the sample; sees every unit's.
    "Verifikator BKD": [
        "registry.view_konten",
        "registry.add_konten",
        "registry.change_konten",
        "registry.export_konten",
        "registry.view_buktisebar",
        "registry.add_buktisebar",
        "registry.export_buktisebar",
        "registry.periksa_buktisebar",
    ],
    # Its own units' contents and its own staff's proofs, in and out.
    "Operator OPD": [
        "registry.view_konten",
        "registry.add_konten",
        "registry.change_konten",
        "registry.import_konten",
        "registry.export_konten",
        "registry.view_buktisebar",
        "registry.add_buktisebar",
        "registry.change_buktisebar",
        "registry.delete_buktisebar",
        "registry.import_buktisebar",
        "registry.export_buktisebar",
    ],
}


def grant(apps, schema_editor):
    _roles.grant(apps, GRANTS, admin_group="Admin BKD")


class Migration(migrations.Migration):
    dependencies = [("registry", "0018_sebaran_konten")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
