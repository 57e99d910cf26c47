from django.conf import settings
from django.core.management.base import BaseCommand

from registry.impor.pratinjau import discard_stale_imports


class Command(BaseCommand):
    help = (
        "Buang baris berkas impor yang pratinjaunya tidak dikonfirmasi dalam "
        "REGISTRI_IMPORT_TTL_MINUTES menit. Jalankan berkala (cron), misalnya tiap jam."
    )

    def handle(self, *args, **options):
        count = discard_stale_imports()
        self.stdout.write(
            f"{count} pratinjau impor lebih dari {settings.REGISTRI_IMPORT_TTL_MINUTES} menit dibuang."
        )
