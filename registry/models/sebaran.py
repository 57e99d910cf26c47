"""Spreading official content (DESIGN §9): the contents staff must repost,
the proofs that they did, and what is stored so that reports never read
proofs. The rules that keep the stored fields and tables true live in
registry.sebaran; the rules a link must pass, in registry.aturan_sebar."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from registry.cakupan import ScopedQuerySet, scope_paths
from registry.models.akun import AkunMedsos, Platform
from registry.models.instansi import Instansi, unit_pemilik_field
from registry.models.pegawai import Pegawai, StatusKepegawaian
from registry.models.pengaturan import Pengaturan
from registry.pohon import path_ids
from registry.unggahan import image_validators, validate_screenshot_size


# Konten's fields that registry.sebaran keeps by difference.
KONTEN_TOTALS = ("tepat", "terlambat", "bukti_masuk")


class KontenQuerySet(ScopedQuerySet):
    path_field = "unit_pemilik__jalur"

    def for_user(self, user):
        """The contents a user sees: those of their units' official accounts,
        and those that bind their staff, of the units above them (an OPD's
        operator enters proofs of the regent's contents)."""
        paths = scope_paths(user)
        if paths is None:
            return self
        above = {pk for path in paths for pk in path_ids(path)}
        return self.filter(Q(unit_pemilik_id__in=above) | Q(pk__in=self.owned_by(user).values("pk")))

    def owned_by(self, user):
        """The contents a user may register and change: their units' own."""
        return super().for_user(user)


class Konten(models.Model):
    """One post of an official account that staff must spread."""

    akun = models.ForeignKey(
        AkunMedsos,
        verbose_name="akun resmi",
        on_delete=models.PROTECT,
        related_name="konten",
        limit_choices_to={"instansi__isnull": False},
    )
    platform = models.CharField("platform", max_length=10, choices=Platform.choices, editable=False)
    # The post's id on its platform ("p/Cx1AbC", "video/7312…"), from handles.parse_post.
    kode = models.CharField("kode unggahan", max_length=220, editable=False)
    tautan = models.CharField(
        "tautan unggahan",
        max_length=500,
        help_text="Tempel alamat unggahan akun resmi (menu Bagikan › Salin tautan); disimpan dalam bentuk baku.",
    )
    judul = models.CharField(
        "judul", max_length=300, blank=True, help_text="Misalnya: Peluncuran Mal Pelayanan Publik."
    )
    terbit = models.DateField("tanggal terbit", default=timezone.localdate)
    batas = models.DateField(
        "batas menyebarkan",
        blank=True,
        help_text="Kosongkan untuk memakai tanggal terbit ditambah hari batas menyebarkan di Pengaturan.",
    )
    wajib = models.BooleanField(
        "wajib disebarkan", default=True, help_text="Hanya konten wajib yang dihitung pada evaluasi dan rekap periode."
    )
    # The official account's unit: whose staff the content binds, and scope.
    unit_pemilik = unit_pemilik_field()
    # Its proofs in the whole registry, kept by registry.sebaran: the
    # content list of those who see every unit reads these, not the proofs.
    tepat = models.PositiveIntegerField("disebarkan tepat waktu", default=0, editable=False)
    terlambat = models.PositiveIntegerField("disebarkan terlambat", default=0, editable=False)
    bukti_masuk = models.PositiveIntegerField("bukti masuk", default=0, editable=False)
    dibuat_pada = models.DateTimeField("dibuat pada", auto_now_add=True)

    objects = KontenQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["unit_pemilik", "platform", "kode", "dibuat_pada", "tepat", "terlambat", "bukti_masuk"],
        verbose_name="riwayat konten",
    )

    class Meta:
        verbose_name = "konten untuk disebarkan"
        verbose_name_plural = "konten untuk disebarkan"
        ordering = ["-terbit", "-pk"]
        permissions = [
            ("import_konten", "Dapat mengimpor konten"),
            ("export_konten", "Dapat mengekspor konten"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "kode"],
                name="%(app_label)s_%(class)s_unggahan_unik",
                violation_error_message="Unggahan ini sudah terdaftar sebagai konten.",
            ),
            models.CheckConstraint(
                condition=Q(batas__gte=F("terbit")),
                name="%(app_label)s_%(class)s_batas_setelah_terbit",
                violation_error_message="Batas menyebarkan tidak boleh sebelum tanggal terbit.",
            ),
        ]
        indexes = [
            # The contents of a period: WHERE terbit BETWEEN a AND b [AND wajib].
            models.Index(fields=["terbit", "wajib"], name="registry_konten_terbit_idx"),
            # An operator's contents, newest first: unit_pemilik IN (…) ORDER BY terbit DESC.
            models.Index(fields=["unit_pemilik", "-terbit"], name="registry_konten_unit_idx"),
        ]

    def __str__(self):
        label = self.judul or self.tautan
        return f"{label} ({self.terbit:%d-%m-%Y})" if self.terbit else label

    def save(self, *args, **kwargs):
        if self.batas is None and self.terbit is not None:
            self.batas = Pengaturan.current().default_deadline(self.terbit)
        if not self._state.adding and kwargs.get("update_fields") is None:
            # The totals are kept by adding to them in the database
            # (registry.sebaran): a save of this object, loaded before, must
            # not write its old totals back.
            kwargs["update_fields"] = [f.name for f in self._meta.concrete_fields
                                       if not f.primary_key and f.name not in KONTEN_TOTALS]
        super().save(*args, **kwargs)


class HasilBukti(models.TextChoices):
    BELUM_DIPERIKSA = "BELUM_DIPERIKSA", "Belum diperiksa"
    SAH = "SAH", "Sah"
    TIDAK_SAH = "TIDAK_SAH", "Tidak sah"


class SumberBukti(models.TextChoices):
    FORMULIR = "FORMULIR", "Formulir"
    IMPOR = "IMPOR", "Impor berkas"
    PERINTAH = "PERINTAH", "Baris perintah"


class Hitungan(models.TextChoices):
    TEPAT = "TEPAT", "Tepat waktu"
    TERLAMBAT = "TERLAMBAT", "Terlambat"


def draw(konten_id, pegawai_id):
    """The proof's place in its sample draw: a number fixed by the content
    and the employee, so that the sample is random and drawn again the same."""
    digest = hashlib.blake2b(f"{konten_id}:{pegawai_id}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") >> 1


class BuktiSebarQuerySet(ScopedQuerySet):
    path_field = "unit_pemilik__jalur"


class BuktiSebar(models.Model):
    """A proof that one employee spread one content."""

    konten = models.ForeignKey(
        Konten, verbose_name="konten", on_delete=models.PROTECT, related_name="bukti",
        # satu_per_konten (konten, pegawai) and registry_bukti_konten_unit_idx
        # serve every lookup by content; a third index on 36 million proofs
        # would only cost every insert.
        db_index=False,
    )
    # Evidence is deleted on purpose, one proof at a time or by retention
    # (bersihkan_data_lama), never as a side effect of deleting its
    # employee or account.
    pegawai = models.ForeignKey(
        Pegawai, verbose_name="pegawai", on_delete=models.PROTECT, related_name="bukti_sebar",
        # registry_bukti_peg_idx (pegawai, konten) serves every lookup by employee.
        db_index=False,
    )
    akun = models.ForeignKey(
        AkunMedsos,
        verbose_name="akun yang menyebarkan",
        on_delete=models.PROTECT,
        related_name="bukti_sebar",
        limit_choices_to={"pegawai__isnull": False},
    )
    tautan = models.CharField(
        "tautan bukti",
        max_length=500,
        blank=True,
        help_text="Alamat unggahan ulang pegawai. Boleh kosong bila platform tidak memberinya "
        "(repost Instagram, TikTok atau X); lampirkan tangkapan layar.",
    )
    platform = models.CharField("platform tautan", max_length=10, choices=Platform.choices, blank=True, editable=False)
    kode = models.CharField("kode tautan", max_length=220, blank=True, editable=False)
    bukti = models.FileField(
        "tangkapan layar",
        upload_to="sebar/%Y/%m/",
        blank=True,
        validators=image_validators("Tangkapan layar", validate_screenshot_size),
    )
    waktu = models.DateTimeField("waktu menyebarkan", default=timezone.now)
    sumber = models.CharField("sumber", max_length=10, choices=SumberBukti.choices, default=SumberBukti.FORMULIR)
    hasil = models.CharField(
        "hasil pemeriksaan", max_length=16, choices=HasilBukti.choices, default=HasilBukti.BELUM_DIPERIKSA
    )
    pemeriksa = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="pemeriksa", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    diperiksa_pada = models.DateTimeField("diperiksa pada", null=True, blank=True)
    catatan = models.TextField("catatan", blank=True)
    # Derived (registry.sebaran): the employee's unit, for scope and counts;
    # how the proof counts now (None: it does not); its sample draw and
    # whether the draw put it in its unit's sample for the content.
    unit_pemilik = unit_pemilik_field()
    hitungan = models.CharField("dihitung", max_length=10, choices=Hitungan.choices, null=True, editable=False)
    acak = models.PositiveIntegerField("urutan acak", default=0, editable=False)
    sampel = models.BooleanField("masuk sampel", default=False, editable=False)
    dibuat_pada = models.DateTimeField("dicatat pada", auto_now_add=True)

    objects = BuktiSebarQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["unit_pemilik", "hitungan", "acak", "sampel", "platform", "kode", "dibuat_pada"],
        verbose_name="riwayat bukti sebar",
    )

    class Meta:
        verbose_name = "bukti sebar"
        verbose_name_plural = "bukti sebar"
        ordering = ["-pk"]
        permissions = [
            ("import_buktisebar", "Dapat mengimpor bukti sebar"),
            ("export_buktisebar", "Dapat mengekspor bukti sebar"),
            ("periksa_buktisebar", "Dapat memeriksa sampel bukti sebar"),
        ]
        constraints = [
            # Its index serves "has P spread K" (Evaluasi for one content)
            # and the import's look-up of existing proofs.
            models.UniqueConstraint(
                fields=["konten", "pegawai"],
                name="%(app_label)s_%(class)s_satu_per_konten",
                violation_error_message="Pegawai ini sudah memiliki bukti sebar untuk konten ini.",
            ),
            # A share link proves one employee's share.
            models.UniqueConstraint(
                fields=["platform", "kode"],
                condition=~Q(kode=""),
                name="%(app_label)s_%(class)s_tautan_unik",
                violation_error_message="Tautan bukti ini sudah dipakai sebagai bukti pegawai lain.",
            ),
            models.CheckConstraint(
                condition=Q(hasil=HasilBukti.BELUM_DIPERIKSA, diperiksa_pada__isnull=True)
                | (~Q(hasil=HasilBukti.BELUM_DIPERIKSA) & Q(diperiksa_pada__isnull=False)),
                name="%(app_label)s_%(class)s_waktu_periksa",
                violation_error_message="Bukti yang sudah diperiksa harus mencatat waktu pemeriksaannya.",
            ),
        ]
        indexes = [
            # Per employee: the period's share (pegawai = P AND konten IN
            # …), the employee's page, and refresh_spread.
            models.Index(fields=["pegawai", "konten"], name="registry_bukti_peg_idx"),
            # Recounts and sample draws of a content's proofs in a unit
            # (konten = K AND unit_pemilik IN (…)), and the proof list of
            # one content, newest first unit by unit, from the index alone
            # (konten = K AND unit_pemilik = U ORDER BY id DESC LIMIT n).
            models.Index(fields=["konten", "unit_pemilik", "-id"], name="registry_bukti_konten_unit_idx"),
            # An operator's proof list, newest first: unit_pemilik IN (…) ORDER BY id DESC.
            models.Index(fields=["unit_pemilik", "-id"], name="registry_bukti_unit_idx"),
            # The spot-check queue: sampled, unchecked, in scope, in order.
            models.Index(
                fields=["unit_pemilik", "id"],
                condition=Q(sampel=True, hasil=HasilBukti.BELUM_DIPERIKSA),
                name="registry_bukti_antrean_idx",
            ),
        ]

    def __str__(self):
        return f"Bukti sebar #{self.pk or 'baru'}"


class RekapSebaranQuerySet(ScopedQuerySet):
    path_field = "instansi__jalur"


class RekapSebaran(models.Model):
    """The proofs of one content by the staff of one unit (without its
    sub-units) and status: what every spreading figure reads."""

    konten = models.ForeignKey(Konten, verbose_name="konten", on_delete=models.CASCADE, related_name="+")
    instansi = models.ForeignKey(Instansi, verbose_name="instansi", on_delete=models.CASCADE, related_name="+")
    status_kepegawaian = models.CharField("status kepegawaian", max_length=10, choices=StatusKepegawaian.choices)
    tepat = models.PositiveIntegerField("tepat waktu")
    terlambat = models.PositiveIntegerField("terlambat")
    jumlah = models.PositiveIntegerField("bukti masuk")
    diperiksa = models.PositiveIntegerField("sampel diperiksa")
    sah = models.PositiveIntegerField("sah")

    objects = RekapSebaranQuerySet.as_manager()

    class Meta:
        verbose_name = "rekap sebaran"
        verbose_name_plural = "rekap sebaran"
        constraints = [
            # Its index serves the recount (konten IN … AND instansi IN …)
            # and the figures of one content.
            models.UniqueConstraint(
                fields=["konten", "instansi", "status_kepegawaian"],
                name="%(app_label)s_%(class)s_unik",
                violation_error_message="Rekap sebaran ini sudah ada.",
            )
        ]
        indexes = [
            # The figures of a subtree: instansi IN (…) AND konten IN (the period's).
            models.Index(fields=["instansi", "konten"], name="registry_rsebar_inst_idx"),
        ]

    def __str__(self):
        return f"{self.konten_id} {self.instansi_id} {self.status_kepegawaian}"


class RekapSebaranUnitQuerySet(ScopedQuerySet):
    path_field = "instansi__jalur"


class RekapSebaranUnit(models.Model):
    """RekapSebaran of one unit and status summed over the wajib contents
    published in one month: what the month's figures read (Rekap, Beranda),
    units × months, whatever the number of contents."""

    instansi = models.ForeignKey(Instansi, verbose_name="instansi", on_delete=models.CASCADE, related_name="+")
    bulan = models.DateField("bulan")
    status_kepegawaian = models.CharField("status kepegawaian", max_length=10, choices=StatusKepegawaian.choices)
    tepat = models.PositiveIntegerField("tepat waktu")
    terlambat = models.PositiveIntegerField("terlambat")
    jumlah = models.PositiveIntegerField("bukti masuk")
    diperiksa = models.PositiveIntegerField("sampel diperiksa")
    sah = models.PositiveIntegerField("sah")

    objects = RekapSebaranUnitQuerySet.as_manager()

    class Meta:
        verbose_name = "rekap sebaran unit"
        verbose_name_plural = "rekap sebaran unit"
        constraints = [
            # Its index serves the recount of a unit's month and the
            # figures of a subtree: instansi IN (…) AND bulan = M.
            models.UniqueConstraint(
                fields=["instansi", "bulan", "status_kepegawaian"],
                name="%(app_label)s_%(class)s_unik",
                violation_error_message="Rekap sebaran unit ini untuk bulan ini sudah ada.",
            )
        ]

    def __str__(self):
        return f"{self.instansi_id} {self.bulan:%Y-%m} {self.status_kepegawaian}"


class SebaranBulanan(models.Model):
    """How many of a month's wajib contents one active employee spread
    (counted proofs): rows only for those who spread at least one."""

    pegawai = models.ForeignKey(Pegawai, verbose_name="pegawai", on_delete=models.CASCADE, related_name="+")
    bulan = models.DateField("bulan")
    # Where the employee was counted, so that a recount knows which
    # unit's figures the row was in.
    instansi = models.ForeignKey(Instansi, verbose_name="instansi", on_delete=models.CASCADE, related_name="+")
    status_kepegawaian = models.CharField("status kepegawaian", max_length=10, choices=StatusKepegawaian.choices)
    tersebar = models.PositiveIntegerField("konten disebarkan")

    class Meta:
        verbose_name = "sebaran bulanan pegawai"
        verbose_name_plural = "sebaran bulanan pegawai"
        constraints = [
            # Its index serves Evaluasi's month list: NOT EXISTS (pegawai = P
            # AND bulan = M AND tersebar >= n), and refresh_spread.
            models.UniqueConstraint(
                fields=["pegawai", "bulan"],
                name="%(app_label)s_%(class)s_unik",
                violation_error_message="Sebaran bulanan pegawai ini sudah ada.",
            )
        ]
        indexes = [
            # The recount of a unit's month: instansi = U AND bulan = M.
            models.Index(fields=["instansi", "bulan"], name="registry_sbulan_inst_idx"),
        ]

    def __str__(self):
        return f"{self.pegawai_id} {self.bulan:%Y-%m}: {self.tersebar}"


class RekapSebaranBulanan(models.Model):
    """How many active staff of a unit (without its sub-units) spread
    exactly ``tersebar`` of a month's wajib contents, per status: the
    counts of Evaluasi's month list, whatever share is asked."""

    instansi = models.ForeignKey(Instansi, verbose_name="instansi", on_delete=models.CASCADE, related_name="+")
    bulan = models.DateField("bulan")
    status_kepegawaian = models.CharField("status kepegawaian", max_length=10, choices=StatusKepegawaian.choices)
    tersebar = models.PositiveIntegerField("konten disebarkan")
    jumlah = models.PositiveIntegerField("jumlah pegawai")

    class Meta:
        verbose_name = "rekap sebaran bulanan"
        verbose_name_plural = "rekap sebaran bulanan"
        constraints = [
            # Its index serves the count: instansi IN (…) AND bulan = M AND tersebar >= n.
            models.UniqueConstraint(
                fields=["instansi", "bulan", "status_kepegawaian", "tersebar"],
                name="%(app_label)s_%(class)s_unik",
                violation_error_message="Rekap sebaran bulanan ini sudah ada.",
            )
        ]

    def __str__(self):
        return f"{self.instansi_id} {self.bulan:%Y-%m} {self.status_kepegawaian} {self.tersebar}: {self.jumlah}"


class RekapSebaranHarian(models.Model):
    """One day's spreading figures of a unit with everything below it, for
    the contents published in the 30 days up to that day: Beranda's trend."""

    tanggal = models.DateField("tanggal")
    instansi = models.ForeignKey(Instansi, verbose_name="instansi", on_delete=models.CASCADE, related_name="+")
    terikat = models.PositiveIntegerField("kewajiban (pegawai × konten)")
    tepat = models.PositiveIntegerField("tepat waktu")
    terlambat = models.PositiveIntegerField("terlambat")

    class Meta:
        verbose_name = "rekap sebaran harian"
        verbose_name_plural = "rekap sebaran harian"
        constraints = [
            # Its index serves the rewrite of a day: WHERE tanggal = D.
            models.UniqueConstraint(
                fields=["tanggal", "instansi"],
                name="%(app_label)s_%(class)s_unik",
                violation_error_message="Rekap sebaran harian unit ini untuk tanggal ini sudah ada.",
            )
        ]
        indexes = [
            # Beranda's trend: WHERE instansi IN (top of scope) AND tanggal >= D.
            models.Index(fields=["instansi", "tanggal"], name="registry_hsebar_inst_tgl_idx"),
        ]

    def __str__(self):
        return f"{self.tanggal} {self.instansi_id}"
