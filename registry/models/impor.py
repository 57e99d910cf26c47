"""Imports: each upload's record, and its parsed rows between preview and confirm."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class JenisImpor(models.TextChoices):
    INSTANSI = "instansi", "Instansi"
    PEGAWAI = "pegawai", "Pegawai"
    AKUN = "akun", "Akun media sosial"
    PENGIKUT = "pengikut", "Daftar pengikut akun resmi"
    KONTEN = "konten", "Konten untuk disebarkan"
    BUKTI = "bukti", "Bukti sebar"
    POSTING = "posting", "Posting akun resmi"


class StatusImpor(models.TextChoices):
    PRATINJAU = "PRATINJAU", "Pratinjau, menunggu konfirmasi"
    SELESAI = "SELESAI", "Selesai"
    DIBATALKAN = "DIBATALKAN", "Dibatalkan"
    KEDALUWARSA = "KEDALUWARSA", "Kedaluwarsa (tidak dikonfirmasi)"


class ImporQuerySet(models.QuerySet):
    def for_user(self, user):
        # An import record names a file and its counts; each clerk sees
        # their own, the Admin BKD everybody's.
        return self if user.is_superuser else self.filter(pengguna=user)


class Impor(models.Model):
    pengguna = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="pengguna",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Kosong: diimpor dari baris perintah tanpa --user.",
    )
    waktu = models.DateTimeField("waktu unggah", auto_now_add=True)
    selesai_pada = models.DateTimeField("selesai pada", null=True, blank=True)
    jenis = models.CharField("jenis", max_length=10, choices=JenisImpor.choices)
    nama_berkas = models.CharField("nama berkas", max_length=255)
    status = models.CharField(
        "status", max_length=12, choices=StatusImpor.choices, default=StatusImpor.PRATINJAU
    )
    baru = models.PositiveIntegerField("baru", default=0)
    berubah = models.PositiveIntegerField("berubah", default=0)
    tetap = models.PositiveIntegerField("tidak berubah", default=0)
    ditolak = models.PositiveIntegerField("ditolak", default=0)
    dinonaktifkan = models.PositiveIntegerField("dinonaktifkan", default=0)
    # The parsed rows between preview and confirm, compressed. Kept in the
    # database so that any server process can confirm, and emptied on
    # confirm, on cancel, or when the preview is abandoned.
    rencana = models.BinaryField("rencana impor", null=True, editable=False)

    objects = ImporQuerySet.as_manager()

    class Meta:
        verbose_name = "riwayat impor"
        verbose_name_plural = "riwayat impor"
        ordering = ["-waktu", "-pk"]
        indexes = [
            # Abandoned previews: status = PRATINJAU AND waktu < cutoff.
            models.Index(fields=["status", "waktu"], name="registry_impor_status_idx"),
        ]

    def __str__(self):
        return f"{self.get_jenis_display()}: {self.nama_berkas} ({timezone.localtime(self.waktu):%d-%m-%Y %H:%M})"


class PemetaanKolom(models.Model):
    """Which column is which field, as a clerk corrected it in a preview,
    for the next file of that kind with the same headers (impor.kolom)."""

    jenis = models.CharField("jenis", max_length=10, choices=JenisImpor.choices)
    tanda = models.CharField("tanda susunan kolom", max_length=40, help_text="Sidik judul-judul kolom berkas.")
    judul = models.JSONField("judul kolom", default=list)
    kolom = models.JSONField("pemetaan", default=dict, help_text="Nomor kolom → isian yang dibacanya.")
    pengguna = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="diatur oleh", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    diubah_pada = models.DateTimeField("diubah pada", auto_now=True)

    class Meta:
        verbose_name = "pemetaan kolom"
        verbose_name_plural = "pemetaan kolom"
        constraints = [
            # Its index serves the lookup of every upload: WHERE jenis = K AND tanda = S.
            models.UniqueConstraint(
                fields=["jenis", "tanda"],
                name="%(app_label)s_%(class)s_unik",
                violation_error_message="Pemetaan untuk susunan kolom ini sudah ada.",
            )
        ]

    def __str__(self):
        return f"{self.get_jenis_display()}: {', '.join(self.judul)[:80]}"
