"""Shared by the data migrations that give the roles their permissions."""

from django.contrib.auth.management import create_permissions


def grant(apps, grants, admin_group=None):
    """Add permissions ("app.codename") to groups, creating the groups if needed.

    ``admin_group`` receives every permission of the registry and auth apps.
    Permissions are normally created after the last migration; the groups
    need them now, so they are created here first.
    """
    for app_label in ("auth", "registry"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    every = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
        if p.content_type.app_label in ("registry", "auth")
    }
    if admin_group:
        grants = {**grants, admin_group: list(every)}
    for name, codes in grants.items():
        missing = set(codes) - every.keys()
        assert not missing, f"missing permissions: {sorted(missing)}"
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*(every[code] for code in codes))
