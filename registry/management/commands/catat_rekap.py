from django.core.management.base import BaseCommand
from django.utils import formats, timezone

from registry.kemajuan import record_day


class Command(BaseCommand):
    help = (
        "Catat rekap harian (angka per instansi beserta sub-unitnya, per status kepegawaian) untuk hari ini. "
        "Dijalankan cron setiap malam; menjalankannya lagi pada hari yang sama menimpa catatan hari itu."
    )

    def handle(self, *args, **options):
        rows = record_day()
        today = formats.date_format(timezone.localdate(), "j F Y")
        self.stdout.write(self.style.SUCCESS(f"Rekap harian {today} dicatat: {rows} baris."))
