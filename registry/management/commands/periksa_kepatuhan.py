"""Compare the stored compliance state with the rule, and repair it.

Every write keeps ``Pegawai.kepatuhan``, the required accounts per unit
(WajibIkuti), the counts (RekapUnit) and the owner's unit of every account
and verification (``unit_pemilik``, scope) true in its own transaction; this
is how a deployment proves it, nightly or after a restore from backup.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from registry.kepatuhan import drift, misplaced, refresh_all
from registry.models import Instansi

SHOWN = 10


class Command(BaseCommand):
    help = (
        "Bandingkan kepatuhan tersimpan dengan aturan untuk setiap pegawai. Keluar dengan kode 1 bila "
        "ada yang berbeda; --perbaiki menghitung ulang semuanya."
    )

    def add_arguments(self, parser):
        parser.add_argument("--perbaiki", action="store_true", help="Hitung ulang semua yang tersimpan.")

    def handle(self, *args, perbaiki=False, **options):
        differing, first, units = drift(shown=SHOWN)
        wrong_scope = misplaced()
        if not differing and not units and not wrong_scope:
            self.stdout.write(self.style.SUCCESS("Kepatuhan tersimpan sesuai aturan untuk semua pegawai."))
            return
        self.stdout.write(f"{differing} pegawai dengan kepatuhan tersimpan yang keliru.")
        for nip, nik, stored in first:
            self.stdout.write(f"  {nip or nik}: tersimpan {stored or 'kosong'}")
        if units:
            names = Instansi.objects.filter(pk__in=sorted(units)[:SHOWN]).values_list("kode", flat=True)
            self.stdout.write(f"{len(units)} instansi dengan rekap atau daftar akun wajib yang keliru: "
                              f"{', '.join(names)}{' …' if len(units) > SHOWN else ''}")
        if wrong_scope:
            self.stdout.write(f"{wrong_scope} akun atau verifikasi dengan unit pemilik yang keliru "
                              "(menentukan operator mana yang melihatnya).")
        if perbaiki:
            with transaction.atomic():
                refresh_all()
            self.stdout.write(self.style.SUCCESS("Diperbaiki: semua kepatuhan dan rekap dihitung ulang."))
            return
        self.stderr.write("Jalankan ulang dengan --perbaiki untuk memperbaikinya.")
        raise SystemExit(1)
