from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry import followers, sheets
from registry.management.resmi import official_account
from registry.models import Platform


class Command(BaseCommand):
    help = (
        "Terapkan daftar pengikut sebuah akun resmi (ZIP/JSON/HTML Instagram, JSON TikTok, "
        "atau daftar txt/csv/xlsx): tandai akun pegawai terdaftar yang ada di daftar sebagai mengikuti, "
        "yang tidak ada sebagai tidak mengikuti."
    )

    def add_arguments(self, parser):
        parser.add_argument("platform", choices=Platform.values)
        parser.add_argument("username", help="Nama akun resmi, misalnya humas.sukamaju")
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Tampilkan hasil pencocokan saja.")
        parser.add_argument(
            "--turun-diperiksa",
            action="store_true",
            help=f"Terapkan juga bila jumlah pengikut turun lebih dari {followers.DROP_WARNING:.0%} sejak daftar "
                 "terakhir.",
        )

    def handle(self, platform, username, file, dry_run, turun_diperiksa, **options):
        official = official_account(platform, username)
        try:
            found = followers.read(file.read_bytes(), file.name, official.platform)
            followers.check_owner(found, official)
        except OSError as e:
            raise CommandError(f"Berkas {file} tidak dapat dibaca: {e.strerror}.") from None
        except sheets.FileRejected as e:
            raise CommandError(str(e)) from None
        result = followers.match(official, found)
        self.stdout.write(
            f"Pengikut di berkas: {result.followers}\n"
            f"Akun pegawai terdaftar yang ada di daftar: {len(result.found)}\n"
            f"Akun pegawai terdaftar yang tidak ada di daftar: {len(result.absent)}\n"
            f"Pengikut yang tidak terdaftar: {result.unregistered}\n"
            f"Baris yang bukan nama akun: {result.unreadable}\n"
            f"Perubahan: {len(result.to_add)} mulai mengikuti, {len(result.to_remove)} berhenti mengikuti"
        )
        if dry_run:
            self.stdout.write("Uji coba (--dry-run): tidak ada yang diubah.")
            return
        last = followers.last_count(official)
        if followers.dropped(result.followers, last) and not turun_diperiksa:
            raise CommandError(
                f"Jumlah pengikut turun dari {last[0]} menjadi {result.followers}; periksa bahwa berkasnya lengkap "
                "dan untuk akun yang benar, lalu ulangi dengan --turun-diperiksa."
            )
        followers.apply(official, found, None, file.name, found.exported, units=followers.changed_units(result))
        self.stdout.write(self.style.SUCCESS("Daftar pengikut diterapkan."))
