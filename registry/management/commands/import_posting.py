from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry import posting, sheets
from registry.management.resmi import official_account
from registry.models import JenisPosting, Platform


class Command(BaseCommand):
    help = (
        "Catat posting sebuah akun resmi dari data yang diunduh pengelolanya sendiri (ZIP/JSON/HTML Instagram, "
        "user_data.json TikTok, ekspor Meta Business Suite, atau daftar berkolom Tautan dan Tanggal). Posting "
        "yang sudah tercatat tidak dicatat dua kali."
    )

    def add_arguments(self, parser):
        parser.add_argument("platform", choices=Platform.values)
        parser.add_argument("akun", help="Nama akun resmi, misalnya humas.sukamaju")
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Tampilkan pratinjau saja; tidak menyimpan.")

    def handle(self, platform, akun, file, dry_run, **options):
        official = official_account(platform, akun)
        try:
            found = posting.read(file.read_bytes(), file.name, official)
        except OSError as e:
            raise CommandError(f"Berkas {file} tidak dapat dibaca: {e.strerror}.") from None
        except sheets.FileRejected as e:
            raise CommandError(str(e)) from None
        result = posting.match(official, found.items)
        kinds = ", ".join(f"{JenisPosting(k).label} {n}" for k, n in result.by_kind.items())
        self.stdout.write(f"Posting baru: {len(result.new)} ({kinds})\n"
                          f"Sudah tercatat: {result.known}\nDitolak: {len(found.refused)}")
        for where, why in found.refused[:20]:
            self.stdout.write(f"  {where}: {why}")
        if dry_run:
            self.stdout.write("Uji coba (--dry-run): tidak ada yang disimpan.")
            return
        added = posting.apply(official, result.new)
        self.stdout.write(self.style.SUCCESS(f"{added} posting baru tercatat untuk {official}."))
