"""Retention (UU 27/2022): personal data kept no longer than it is needed.

Employees inactive for more than ``--tahun`` years (their last change, the
deactivation or later, is older than that) are anonymised: name, NIP/NIK
and position replaced, accounts deleted with their checks, proofs of
spreading and screenshots, and the change history of all of these deleted.
The row itself stays, with its unit and status, so that old recaps keep
adding up; its NIP or NIK becomes "99" and its id, which no person has (no
birth year or region code starts so). Screenshots older than ``--bukti-hari`` days are deleted from
every check, whose result stays. Run nightly from cron (README).
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Cast, Concat, LPad
from django.utils import timezone

from registry.models import AkunMedsos, BuktiSebar, Pegawai, StatusKepegawaian, Verifikasi
from registry.sebaran import refresh_spread
from registry.sql import chunked

ANONYMOUS = "Dianonimkan"


class DryRun(Exception):
    pass


def delete_screenshots(checks):
    """Clear the screenshots of ``checks`` (or proofs), deleting the files after the commit."""
    files = [name for name in checks.exclude(bukti="").values_list("bukti", flat=True)]
    checks.exclude(bukti="").update(bukti="")
    storage = checks.model._meta.get_field("bukti").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in files])
    return len(files)


class Command(BaseCommand):
    help = (
        "Anonimkan pegawai yang nonaktif lebih dari N tahun (nama, NIP/NIK dan jabatan diganti; akun, "
        "verifikasi, bukti sebar dan tangkapan layarnya dihapus; jumlah pada rekap tetap) dan hapus tangkapan layar "
        "yang lebih tua dari batasnya."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tahun", type=int, default=settings.REGISTRI_RETENSI_TAHUN,
                            help="Nonaktif lebih dari sekian tahun (bawaan REGISTRI_RETENSI_TAHUN).")
        parser.add_argument("--bukti-hari", type=int, default=settings.REGISTRI_RETENSI_BUKTI_HARI,
                            help="Tangkapan layar lebih tua dari sekian hari (bawaan REGISTRI_RETENSI_BUKTI_HARI).")
        parser.add_argument("--dry-run", action="store_true", help="Hanya hitung; tidak mengubah apa pun.")

    def handle(self, *args, tahun, bukti_hari, dry_run, **options):
        now = timezone.now()
        try:
            with transaction.atomic():
                people, accounts, checks, proofs, shots = self.anonymise(now - datetime.timedelta(days=365 * tahun))
                old = now - datetime.timedelta(days=bukti_hari)
                old_shots = delete_screenshots(Verifikasi.objects.filter(waktu__lt=old)) + delete_screenshots(
                    BuktiSebar.objects.filter(waktu__lt=old))
                if dry_run:
                    raise DryRun
        except DryRun:
            pass
        verb = "akan" if dry_run else "telah"
        self.stdout.write(
            f"{people} pegawai yang nonaktif lebih dari {tahun} tahun {verb} dianonimkan ({accounts} akun, "
            f"{checks} verifikasi, {proofs} bukti sebar dan {shots} tangkapan layarnya dihapus).\n"
            f"{old_shots} tangkapan layar lebih tua dari {bukti_hari} hari {verb} dihapus."
        )
        if dry_run:
            self.stdout.write("Uji coba (--dry-run): tidak ada yang diubah.")

    def anonymise(self, before):
        people = list(
            Pegawai.objects.filter(aktif=False, diubah_pada__lt=before)
            .exclude(nama__startswith=ANONYMOUS)
            .values_list("pk", flat=True)
        )
        accounts = checks = proofs = shots = 0
        for chunk in chunked(people):
            # Their history would keep what is being removed.
            account_ids = list(AkunMedsos.objects.filter(pegawai__in=chunk).values_list("pk", flat=True))
            Verifikasi.history.filter(akun_id__in=account_ids).delete()
            BuktiSebar.history.filter(pegawai_id__in=chunk).delete()
            owned_proofs = BuktiSebar.objects.filter(pegawai__in=chunk)
            pairs = set(owned_proofs.values_list("konten_id", "unit_pemilik_id").distinct())
            shots += delete_screenshots(owned_proofs)
            # Deleted in one statement, not one receiver per proof (a province
            # retires thousands of people a year, each with dozens of
            # proofs); what they were counted in is recounted once after.
            proofs += owned_proofs._raw_delete(owned_proofs.db)
            # Write path: proofs deleted with their (inactive, uncounted) employees.
            refresh_spread(chunk, pairs=pairs)
            AkunMedsos.history.filter(pegawai_id__in=chunk).delete()
            Pegawai.history.filter(id__in=chunk).delete()
            owned = Verifikasi.objects.filter(akun__pegawai__in=chunk)
            shots += delete_screenshots(owned)
            checks += owned.delete()[1].get("registry.Verifikasi", 0)
            accounts += AkunMedsos.objects.filter(pegawai__in=chunk).delete()[1].get("registry.AkunMedsos", 0)
            number = Cast("pk", models.CharField())
            non_asn = Q(status_kepegawaian=StatusKepegawaian.NON_ASN)
            Pegawai.objects.filter(pk__in=chunk).update(
                nama=Concat(Value(f"{ANONYMOUS} #"), number),
                jabatan="",
                nip=Case(When(non_asn, then=None), default=Concat(Value("99"), LPad(number, 16, Value("0")))),
                nik=Case(When(non_asn, then=Concat(Value("99"), LPad(number, 14, Value("0")))), default=None),
            )
        return len(people), accounts, checks, proofs, shots
