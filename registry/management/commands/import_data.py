from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from registry import impor, sheets
from registry.impor import pratinjau
from registry.impor.rencana import DITOLAK, ImportCancelled
from registry.models import Impor, Instansi, StatusImpor

KINDS = {"instansi": "instansi", "pegawai": "pegawai", "akun": "akun", "konten": "konten", "bukti": "bukti"}


class Command(BaseCommand):
    help = (
        "Impor berkas instansi, pegawai, akun, konten atau bukti sebar (.xlsx/.csv) dengan aturan yang sama "
        "dengan admin. "
        "Menampilkan jumlah baris baru/berubah/tetap/ditolak dan setiap baris yang ditolak."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Periksa saja; tidak menyimpan apa pun.")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Simpan baris yang valid meski ada baris ditolak."
        )
        parser.add_argument(
            "--user", help="Impor atas nama pengguna ini, dengan wilayah (scope) dan pencatatannya."
        )
        parser.add_argument("--instansi", help="Kode instansi untuk baris yang kolom unit kerjanya kosong.")
        parser.add_argument(
            "--buat-instansi", action="store_true",
            help="Buat unit yang disebut berkas (rantai UNOR/SATKER) tetapi belum ada, di bawah induknya.",
        )

    def handle(self, kind, file, dry_run, skip_invalid, user, instansi, buat_instansi, **options):
        account = self._user(user)
        resource = impor.RESOURCES[KINDS[kind]](user=account)
        resource.create_units = buat_instansi
        plan_options = {}
        if instansi:
            unit = Instansi.objects.for_user(account).filter(kode__iexact=instansi).first()
            if unit is None:
                raise CommandError(f"Instansi dengan kode {instansi!r} tidak ditemukan.")
            plan_options["instansi"] = unit.pk
        try:
            data = file.read_bytes()
        except OSError as e:
            raise CommandError(f"Berkas {file} tidak dapat dibaca: {e.strerror}.") from None
        try:
            plan = resource.plan(data, file.name, plan_options, progress=self._progress, each=self._rejected)
        except sheets.FileRejected as e:
            raise CommandError(str(e)) from None

        counts = plan.counts
        if plan.ignored:
            self.stdout.write(f"Kolom yang tidak dibaca: {', '.join(plan.ignored)}")
        for note in plan.notes:
            self.stdout.write(note)
        if plan.new_units:
            self.stdout.write(f"{len(plan.new_units)} instansi baru dibuat dari berkas ini: "
                              + ", ".join(nama for _, _, nama in plan.new_units))
        self.stdout.write(
            f"Baru: {counts['baru']}  Berubah: {counts['berubah']}  "
            f"Tidak berubah: {counts['tetap']}  Ditolak: {counts['ditolak']}"
        )

        if dry_run:
            self.stdout.write("Uji coba (--dry-run): tidak ada yang disimpan.")
        elif counts["ditolak"] and not skip_invalid:
            self.stdout.write("Tidak ada yang disimpan karena ada baris ditolak (gunakan --skip-invalid).")
        else:
            try:
                resource.melalui = f"impor baris perintah {Path(file).name}"
                counts = resource.apply(plan)
            except ImportCancelled as e:
                raise CommandError(str(e)) from None
            record = Impor(pengguna=account if account.pk else None, jenis=plan.kind, nama_berkas=file.name[:255])
            pratinjau.close_import(record, StatusImpor.SELESAI, plan)
            self.stdout.write(self.style.SUCCESS(f"Tersimpan: {counts['baru']} baru, {counts['berubah']} berubah."))
            return
        if counts["ditolak"]:
            raise CommandError(f"{counts['ditolak']} baris ditolak; tidak ada yang disimpan.")

    def _user(self, username):
        User = get_user_model()
        if username is None:
            # IT staff on the server act for the whole registry.
            return User(username="baris-perintah", is_superuser=True, is_active=True)
        try:
            return User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"Pengguna aktif {username!r} tidak ditemukan.") from None

    def _rejected(self, plan):
        """Each window's rejected rows as soon as they are checked."""
        for row in plan.rows:
            if row.action == DITOLAK:
                for column, message in row.reasons:
                    self.stdout.write(f"Baris {row.number}, kolom {column}: {message}")

    def _progress(self, done, total):
        width = 30
        filled = width * done // max(total, 1)
        ending = "\n" if done == total else ""
        self.stderr.write(f"\rMemeriksa baris [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending=ending)
        self.stderr.flush()
