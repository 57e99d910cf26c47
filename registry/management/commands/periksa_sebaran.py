"""Compare what is stored for spreading with the proofs, and repair it.

Every write keeps each proof's count and unit, the counts per content and
unit (RekapSebaran), per unit and month (RekapSebaranUnit), each content's
totals, and the monthly rows per employee and their counts true in its own
transaction (registry.sebaran); this is how a deployment proves it, nightly
beside ``periksa_kepatuhan`` or after a restore from backup.
"""

from django.core.management.base import BaseCommand

from registry.sebaran import drift, refresh_all_spread

WHAT = {
    "konten": "konten dengan unit akun resmi yang keliru",
    "bukti": "bukti dengan hitungan atau unit pegawai yang keliru",
    "rekap": "rekap konten per unit yang keliru",
    "konten_jumlah": "konten dengan jumlah bukti yang keliru",
    "rekap_unit": "rekap bulanan per unit yang keliru",
    "bulanan": "sebaran bulanan pegawai yang keliru",
    "sebaran_bulanan": "rekap sebaran bulanan per unit yang keliru",
}


class Command(BaseCommand):
    help = (
        "Bandingkan angka sebaran konten yang tersimpan dengan bukti-buktinya. Keluar dengan kode 1 bila ada "
        "yang berbeda; --perbaiki menghitung ulang semuanya."
    )

    def add_arguments(self, parser):
        parser.add_argument("--perbaiki", action="store_true", help="Hitung ulang semua yang tersimpan.")

    def handle(self, *args, perbaiki=False, **options):
        wrong = drift()
        if not wrong:
            self.stdout.write(self.style.SUCCESS("Angka sebaran tersimpan sesuai bukti-buktinya."))
            return
        for what, n in wrong.items():
            self.stdout.write(f"{n} {WHAT[what]}.")
        if perbaiki:
            refresh_all_spread()
            self.stdout.write(self.style.SUCCESS("Diperbaiki: semua angka sebaran dihitung ulang."))
            return
        self.stderr.write("Jalankan ulang dengan --perbaiki untuk memperbaikinya.")
        raise SystemExit(1)
