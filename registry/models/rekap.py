"""What is stored so that reports never read employee rows: the required
accounts per unit, the counts per unit and state, and the daily records.
Derived data, written only by registry.kepatuhan and registry.kemajuan."""

from django.db import models

from registry.cakupan import ScopedQuerySet
from registry.models.akun import AkunMedsos
from registry.models.instansi import Instansi
from registry.models.pegawai import Kepatuhan, StatusKepegawaian


class WajibIkuti(models.Model):
    """The required official accounts that bind the staff of each unit: the
    wajib accounts of the unit and of every unit above it (DESIGN §3).

    Derived from the tree and the wajib flags, rebuilt for a subtree when
    either changes (``refresh_subtrees``). It lets compliance ask "what must
    staff of unit U follow" with one indexed lookup, where comparing each
    employee's path with every official account costs employees × accounts.
    """

    instansi = models.ForeignKey(Instansi, verbose_name="instansi", on_delete=models.CASCADE, related_name="+")
    akun = models.ForeignKey(
        AkunMedsos, verbose_name="akun resmi wajib", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = "kewajiban mengikuti"
        verbose_name_plural = "kewajiban mengikuti"
        constraints = [
            # Its index serves compliance: WHERE instansi = U.
            models.UniqueConstraint(
                fields=["instansi", "akun"],
                name="%(app_label)s_%(class)s_unik",
                violation_error_message="Kewajiban mengikuti akun ini sudah tercatat untuk instansi ini.",
            )
        ]

    def __str__(self):
        return f"{self.instansi_id} wajib mengikuti {self.akun_id}"


class RekapUnitQuerySet(ScopedQuerySet):
    path_field = "instansi__jalur"


class RekapUnit(models.Model):
    """Active staff of one unit (without its sub-units) per status and state.

    What Rekap, Beranda and the totals of Evaluasi read: grouped counts,
    units × states, never employee rows. Recounted by ``recount_units``
    for the units a write touched.
    """

    instansi = models.ForeignKey(Instansi, verbose_name="instansi", on_delete=models.CASCADE, related_name="+")
    status_kepegawaian = models.CharField(
        "status kepegawaian", max_length=10, choices=StatusKepegawaian.choices
    )
    kepatuhan = models.CharField("kepatuhan", max_length=20, choices=Kepatuhan.choices)
    jumlah = models.PositiveIntegerField("jumlah pegawai aktif")

    objects = RekapUnitQuerySet.as_manager()

    class Meta:
        verbose_name = "rekap unit"
        verbose_name_plural = "rekap unit"
        constraints = [
            # Its index serves the recount (WHERE instansi IN ...) and the
            # reports' join from a subtree of units.
            models.UniqueConstraint(
                fields=["instansi", "status_kepegawaian", "kepatuhan"],
                name="%(app_label)s_%(class)s_unik",
                violation_error_message="Rekap unit ini sudah ada.",
            )
        ]

    def __str__(self):
        return f"{self.instansi_id} {self.status_kepegawaian} {self.kepatuhan}: {self.jumlah}"


FIGURES = ["aktif", "punya_akun", "terverifikasi", "patuh", "tanpa_akun"]


def figures(per_state):
    """The five figures a head of agency reports, from {kepatuhan: active staff}."""
    K = Kepatuhan

    def total(*states):
        return sum(per_state.get(state, 0) for state in states)

    return {
        "aktif": total(*K.values),
        "punya_akun": total(K.BELUM_DIVERIFIKASI, K.BELUM_MENGIKUTI, K.PATUH),
        "terverifikasi": total(K.BELUM_MENGIKUTI, K.PATUH),
        "patuh": total(K.PATUH),
        "tanpa_akun": total(K.BELUM_PUNYA_AKUN),
    }


class RekapHarian(models.Model):
    """One day's figures of a unit with everything below it, per status.

    Progress over time (Rekap's comparison, Beranda's chart). Written by
    ``record_day`` from RekapUnit: it grows with units × days, never with
    employees.
    """

    tanggal = models.DateField("tanggal")
    instansi = models.ForeignKey(Instansi, verbose_name="instansi", on_delete=models.CASCADE, related_name="+")
    status_kepegawaian = models.CharField(
        "status kepegawaian", max_length=10, choices=StatusKepegawaian.choices
    )
    aktif = models.PositiveIntegerField("pegawai aktif")
    punya_akun = models.PositiveIntegerField("punya akun")
    terverifikasi = models.PositiveIntegerField("terverifikasi")
    patuh = models.PositiveIntegerField("patuh")
    tanpa_akun = models.PositiveIntegerField("tanpa akun")

    class Meta:
        verbose_name = "rekap harian"
        verbose_name_plural = "rekap harian"
        constraints = [
            # Its index serves Rekap's comparison: WHERE tanggal = D AND
            # instansi IN (the rows of the recap).
            models.UniqueConstraint(
                fields=["tanggal", "instansi", "status_kepegawaian"],
                name="%(app_label)s_%(class)s_unik",
                violation_error_message="Rekap harian unit ini untuk tanggal ini sudah ada.",
            )
        ]
        indexes = [
            # Beranda's chart: WHERE instansi IN (top of scope) AND tanggal >= D.
            models.Index(fields=["instansi", "tanggal"], name="registry_harian_inst_tgl_idx"),
        ]

    def __str__(self):
        return f"{self.tanggal} {self.instansi_id} {self.status_kepegawaian}"
