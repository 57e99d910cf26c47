"""Units of government: the tree every scope, obligation and count hangs from."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat, Lower, Substr
from django.dispatch import Signal
from simple_history.models import HistoricalRecords

from registry.cakupan import ScopedQuerySet
from registry.pohon import path_depth, path_ids

# Sent inside the save's transaction when a unit was created or moved with
# everything below it (``paths``: where they are now): what their staff must
# follow comes from other units above them now (registry.kepatuhan).
tree_changed = Signal()


class InstansiQuerySet(ScopedQuerySet):
    path_field = "jalur"

    def subtree(self, instansi):
        """``instansi`` and every unit below it."""
        return self.filter(jalur__startswith=instansi.jalur)


class Instansi(models.Model):
    kode = models.CharField("kode", max_length=30)
    nama = models.CharField("nama", max_length=200)
    singkatan = models.CharField("singkatan", max_length=50, blank=True)
    induk = models.ForeignKey(
        "self",
        verbose_name="induk",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="anak",
    )
    aktif = models.BooleanField("aktif", default=True)
    operator = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="operator",
        blank=True,
        related_name="instansi_dioperasikan",
        help_text="Operator OPD yang mengelola instansi ini dan semua unit di bawahnya.",
    )
    kepala_jabatan = models.CharField(
        "jabatan penandatangan", max_length=200, blank=True, help_text="Misalnya: Kepala Dinas Kesehatan."
    )
    kepala_nama = models.CharField(
        "nama penandatangan",
        max_length=200,
        blank=True,
        help_text="Menandatangani daftar cetak instansi ini dan unit di bawahnya yang tidak memiliki penandatangan.",
    )
    kepala_nip = models.CharField("NIP penandatangan", max_length=18, blank=True)
    zona_waktu = models.CharField(
        "zona waktu",
        max_length=20,
        blank=True,
        # Also for rows the bulk loaders write with COPY, naming their columns.
        db_default="",
        choices=[("Asia/Jakarta", "WIB"), ("Asia/Makassar", "WITA"), ("Asia/Jayapura", "WIT")],
        help_text="Kosongkan untuk mengikuti unit di atasnya (paling atas: zona waktu registri). Dipakai untuk "
        "menghitung hari posting akun resmi.",
    )
    # Materialised path of zero-padded ids ("000001/000004/"), so that a
    # subtree is one indexed prefix match on any database.
    jalur = models.CharField("jalur pohon", max_length=255, editable=False, default="")

    objects = InstansiQuerySet.as_manager()
    # Who changed what, when and through what (README, "Riwayat"); the
    # path is derived from the parent, which is recorded.
    history = HistoricalRecords(excluded_fields=["jalur"], m2m_fields=[operator], verbose_name="riwayat instansi")

    class Meta:
        verbose_name = "instansi"
        verbose_name_plural = "instansi"
        ordering = ["jalur"]
        permissions = [
            ("lihat_semua_instansi", "Dapat melihat data semua instansi"),
            ("import_instansi", "Dapat mengimpor instansi"),
            ("export_instansi", "Dapat mengekspor instansi"),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("kode"),
                name="%(app_label)s_%(class)s_kode_unik",
                violation_error_message="Kode instansi ini sudah dipakai instansi lain.",
            ),
            models.CheckConstraint(
                condition=~Q(kode=""),
                name="%(app_label)s_%(class)s_kode_terisi",
                violation_error_message="Kode instansi wajib diisi.",
            ),
        ]
        indexes = [
            # The changelist's tree order, ORDER BY jalur.
            models.Index(fields=["jalur"], name="registry_inst_jalur_idx"),
            # Scoping and subtree filters, jalur LIKE 'prefix%': PostgreSQL
            # uses a plain index for LIKE only under the C collation, so its
            # pattern operator class. SQLite ignores the class and keeps a
            # second plain index, cheap on a table of units.
            models.Index(fields=["jalur"], name="registry_inst_jalur_pola_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return f"{self.nama} ({self.singkatan})" if self.singkatan else self.nama

    @property
    def kedalaman(self):
        return path_depth(self.jalur)

    @property
    def ancestor_ids(self):
        """Ids from the root down to this unit, read from the path."""
        return path_ids(self.jalur)

    def clean(self):
        self.kode = self.kode.strip()
        self.nama = " ".join(self.nama.split())
        if self.induk_id and self.pk:
            if self.induk_id == self.pk or self.induk.jalur.startswith(self.jalur):
                raise ValidationError(
                    {"induk": "Induk tidak boleh instansi ini sendiri atau unit di bawahnya."}
                )

    @transaction.atomic
    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        parent_path = ""
        if self.induk_id:
            parent_path = Instansi.objects.values_list("jalur", flat=True).get(pk=self.induk_id)
        path = f"{parent_path}{self.pk:06d}/"
        if path != self.jalur:
            old = self.jalur
            Instansi.objects.filter(pk=self.pk).update(jalur=path)
            if old:
                Instansi.objects.filter(jalur__startswith=old).exclude(pk=self.pk).update(
                    jalur=Concat(Value(path), Substr("jalur", len(old) + 1))
                )
            self.jalur = path
            tree_changed.send(sender=Instansi, paths=[path])


def unit_pemilik_field():
    """The owner's unit stored on a row, for scope. Not indexed alone: each
    model's index on (unit_pemilik, …) serves scope and its own order."""
    return models.ForeignKey(
        Instansi,
        verbose_name="unit pemilik",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
    )
