"""The registry's one row of settings: letterhead, signatory, verification age,
spreading deadlines, sample and threshold."""

import base64
import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from registry.models.instansi import Instansi
from registry.unggahan import LOGO_MAX_BYTES, image_validators, validate_logo_size


class Pengaturan(models.Model):
    """The letterhead and the BKD's signatory of printed lists: one row."""

    kop_pemda = models.CharField(
        "kop: pemerintah daerah", max_length=200, default="PEMERINTAH KABUPATEN SUKAMAJU"
    )
    kop_instansi = models.CharField(
        "kop: badan kepegawaian",
        max_length=200,
        default="BADAN KEPEGAWAIAN DAN PENGEMBANGAN SUMBER DAYA MANUSIA",
    )
    kop_alamat = models.CharField(
        "kop: alamat", max_length=300, blank=True, default="Jalan Merdeka Nomor 1, Sukamaju"
    )
    kop_logo = models.FileField(
        "kop: logo",
        upload_to="kop/",
        blank=True,
        validators=image_validators("Logo", validate_logo_size),
        help_text="Opsional. Dicetak di kiri kop surat; PNG, JPG atau WEBP, paling besar 512 KB.",
    )
    tempat = models.CharField(
        "tempat penandatanganan", max_length=100, default="Sukamaju", help_text="Misalnya: Palembang."
    )
    ttd_jabatan = models.CharField("jabatan penandatangan BKD", max_length=200, default="Kepala BKPSDM")
    ttd_nama = models.CharField("nama penandatangan BKD", max_length=200, blank=True)
    ttd_nip = models.CharField("NIP penandatangan BKD", max_length=18, blank=True)
    kedaluwarsa_hari = models.PositiveIntegerField(
        "verifikasi kedaluwarsa setelah (hari)",
        default=180,
        help_text="Akun yang terakhir diperiksa lebih lama dari ini masuk lagi ke antrean verifikasi.",
    )
    batas_sebar_hari = models.PositiveIntegerField(
        "batas menyebarkan (hari setelah terbit)",
        default=3,
        help_text="Batas bawaan konten baru: tanggal terbit ditambah sekian hari.",
    )
    tenggang_bukti_hari = models.PositiveIntegerField(
        "bukti terlambat diterima sampai (hari setelah batas)",
        default=7,
        help_text="Bukti yang masuk sesudah batas dihitung terlambat; lewat sekian hari sesudah batas, ditolak.",
    )
    sampel_persen = models.PositiveIntegerField(
        "sampel pemeriksaan bukti (%)",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Bagian bukti tiap unit dan konten yang diambil acak untuk diperiksa Verifikator. Berlaku untuk "
        "bukti yang masuk sesudahnya.",
    )
    sampel_minimal = models.PositiveIntegerField(
        "sampel paling sedikit (bukti)",
        default=1,
        validators=[MinValueValidator(1)],
        help_text="Per unit dan konten, sekurang-kurangnya sekian bukti diperiksa.",
    )
    ambang_sebar_persen = models.PositiveIntegerField(
        "ambang belum menyebarkan (%)",
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Evaluasi periode mendaftar pegawai yang menyebarkan kurang dari sekian persen konten wajib "
        "periode itu.",
    )

    target_posting = models.PositiveIntegerField(
        "target posting akun resmi per minggu",
        default=7,
        help_text="Berlaku untuk akun resmi yang target posting-nya dikosongkan.",
    )
    tidak_aktif_hari = models.PositiveIntegerField(
        "akun resmi tidak aktif setelah (hari tanpa posting)",
        default=7,
        validators=[MinValueValidator(1)],
    )
    tanpa_data_hari = models.PositiveIntegerField(
        "data posting dianggap usang setelah (hari)",
        default=30,
        validators=[MinValueValidator(1)],
        help_text="Akun resmi yang data posting-nya tidak diunggah selama ini masuk daftar Belum ada data.",
    )

    class Meta:
        verbose_name = "pengaturan cetak dan verifikasi"
        verbose_name_plural = "pengaturan cetak dan verifikasi"
        constraints = [
            models.CheckConstraint(
                condition=Q(pk=1),
                name="%(app_label)s_%(class)s_satu_baris",
                violation_error_message="Pengaturan hanya satu.",
            )
        ]

    def __str__(self):
        return "Pengaturan cetak dan verifikasi"

    @classmethod
    def current(cls):
        return cls.objects.get_or_create(pk=1)[0]

    def default_deadline(self, terbit):
        return terbit + datetime.timedelta(days=self.batas_sebar_hari)

    def late_proofs_until(self, batas):
        """The last day a proof of a content due on ``batas`` is accepted (as late)."""
        return batas + datetime.timedelta(days=self.tenggang_bukti_hari)

    def sample_size(self, proofs):
        """How many of a unit's ``proofs`` of one content its sample holds."""
        return min(proofs, max(self.sampel_minimal, -(-proofs * self.sampel_persen // 100)))

    def signatory(self, instansi):
        """(jabatan, nama, nip) for a list of ``instansi``: its head, the nearest
        head above it, or the BKD's."""
        if instansi is not None:
            ancestors = instansi.ancestor_ids
            heads = {
                unit.pk: unit
                for unit in Instansi.objects.filter(pk__in=ancestors).exclude(kepala_nama="")
            }
            for pk in reversed(ancestors):
                if pk in heads:
                    unit = heads[pk]
                    return unit.kepala_jabatan or f"Kepala {unit.nama}", unit.kepala_nama, unit.kepala_nip
        return self.ttd_jabatan, self.ttd_nama, self.ttd_nip

    def logo_data_uri(self):
        """The letterhead logo inline, so that a print and its PDF carry it
        without the media files being served; "" without a logo or its file."""
        if not self.kop_logo:
            return ""
        try:
            with self.kop_logo.open("rb") as handle:
                data = handle.read(LOGO_MAX_BYTES + 1)
        except (FileNotFoundError, ValueError):
            return ""
        extension = self.kop_logo.name.rsplit(".", 1)[-1].lower()
        kind = "jpeg" if extension == "jpg" else extension
        return f"data:image/{kind};base64,{base64.b64encode(data[:LOGO_MAX_BYTES]).decode()}"
