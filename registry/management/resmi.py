"""The official account a command line names, for the commands that read its exports."""

from django.core.management.base import CommandError

from registry import handles
from registry.models import AkunMedsos, Platform


def official_account(platform, username):
    """The official account @``username`` on ``platform``, or CommandError saying why not."""
    try:
        handle = handles.parse(username, platform)
    except Exception as e:
        raise CommandError(f"Nama akun tidak sah: {e}") from None
    official = AkunMedsos.objects.filter(
        platform=handle.platform, username=handle.username, instansi__isnull=False
    ).select_related("instansi").first()
    if official is None:
        raise CommandError(f"Akun resmi {Platform(platform).label} @{handle.username} tidak terdaftar.")
    return official
