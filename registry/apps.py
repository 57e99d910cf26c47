from django.apps import AppConfig
from django.db.models.signals import post_migrate

# Django names its default permissions in English ("Can add log entry"),
# stored in the database where no translation reaches them; the user and
# group forms show them to the Admin BKD.
VERBS = {"add": "menambah", "change": "mengubah", "delete": "menghapus", "view": "melihat"}


def name_permissions_in_indonesian(app_config, using="default", **kwargs):
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission

    # This app is listed before django.contrib.auth, so its handler runs
    # first: create this app's permissions now (idempotent) to name them.
    create_permissions(app_config, verbosity=0, using=using)
    renamed = []
    for permission in Permission.objects.using(using).select_related("content_type").filter(name__startswith="Can "):
        verb, _, _ = permission.codename.partition("_")
        model = permission.content_type.model_class()
        if verb in VERBS and model is not None:
            permission.name = f"Dapat {VERBS[verb]} {model._meta.verbose_name}"[:255]
            renamed.append(permission)
    Permission.objects.using(using).bulk_update(renamed, ["name"], batch_size=500)


class RegistryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registry"
    verbose_name = "Registri akun media sosial"

    def ready(self):
        post_migrate.connect(name_permissions_in_indonesian, dispatch_uid="registry_izin_berbahasa_indonesia")
