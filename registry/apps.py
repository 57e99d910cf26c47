from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
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


def last_login_without_history(sender, user, **kwargs):
    from django.contrib.auth.models import update_last_login

    user.skip_history_when_saving = True
    try:
        update_last_login(sender, user, **kwargs)
    finally:
        del user.skip_history_when_saving


class RegistryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registry"
    verbose_name = "Registri akun media sosial"

    def ready(self):
        # The receivers that keep stored compliance and spreading true on
        # every save; spreading's run after compliance's, whose reads they use.
        from registry import kepatuhan, sebaran  # noqa: F401

        post_migrate.connect(name_permissions_in_indonesian, dispatch_uid="registry_izin_berbahasa_indonesia")
        # django-axes's section of the admin, where the Admin BKD unlocks a
        # login; its models are named in locale/id (django.po).
        self.apps.get_app_config("axes").verbose_name = "Keamanan masuk"
        # A login stamps last_login with save(): not a change of the user.
        # Connected under django.contrib.auth's own dispatch_uid, which this
        # app's ready() (listed first) takes before auth's: auth's connect of
        # update_last_login is then ignored, and this one calls it instead.
        user_logged_in.connect(last_login_without_history, dispatch_uid="update_last_login")
