"""Social-media accounts (employees' and official ones) and the checks of them."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from registry import handles
from registry.cakupan import ScopedQuerySet
from registry.models.instansi import Instansi, unit_pemilik_field
from registry.models.pegawai import Pegawai
from registry.models.pengaturan import Pengaturan
from registry.sql import AnyPairOf, any_batches, btree_lookups
from registry.unggahan import image_validators, validate_screenshot_size


class HasilVerifikasi(models.TextChoices):
    VALID = "VALID", "Valid"
    TIDAK_DITEMUKAN = "TIDAK_DITEMUKAN", "Tidak ditemukan"
    BUKAN_MILIK = "BUKAN_MILIK", "Bukan milik pegawai"
    TIDAK_AKTIF = "TIDAK_AKTIF", "Tidak aktif"


class Platform(models.TextChoices):
    INSTAGRAM = handles.INSTAGRAM, "Instagram"
    FACEBOOK = handles.FACEBOOK, "Facebook"
    TIKTOK = handles.TIKTOK, "TikTok"
    X = handles.X, "X (Twitter)"
    YOUTUBE = handles.YOUTUBE, "YouTube"
    THREADS = handles.THREADS, "Threads"


# "Never checked" as a time before any check (the latest result and its
# time are set and cleared together), so that "awaiting verification" is one
# range of one indexed expression instead of an OR that no index serves.
NEVER_CHECKED = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)


def last_checked():
    return Coalesce("diverifikasi_pada", Value(NEVER_CHECKED, output_field=models.DateTimeField()))


class JenisPosting(models.TextChoices):
    """Kinds of an official account's post (DESIGN §10, registry.models.posting)."""

    FEED = "FEED", "Feed"
    REELS = "REELS", "Reels/video"
    STORY = "STORY", "Story"


class TargetJenis(models.TextChoices):
    """Which posts an official account's weekly target counts: a story
    lasts a day, so one that posts only stories does not keep a feed."""

    UNGGAHAN = "UNGGAHAN", "Feed dan reels/video"
    STORY = "STORY", "Story"
    SEMUA = "SEMUA", "Semua jenis"

    @property
    def kinds(self):
        return {
            TargetJenis.UNGGAHAN: [JenisPosting.FEED, JenisPosting.REELS],
            TargetJenis.STORY: [JenisPosting.STORY],
            TargetJenis.SEMUA: list(JenisPosting),
        }[self]


class AkunMedsosQuerySet(ScopedQuerySet):
    path_field = "unit_pemilik__jalur"

    def awaiting_verification(self):
        """Accounts of active staff never checked, or checked too long ago."""
        stale = timezone.now() - datetime.timedelta(days=Pengaturan.current().kedaluwarsa_hari)
        return self.filter(pegawai__aktif=True).alias(diperiksa=last_checked()).filter(diperiksa__lt=stale)

    def named(self, wanted, *fields):
        """``values_list(*fields)`` of the accounts ``wanted`` names
        ({platform: usernames}), however many: by (platform, username)
        through their btree, never the search's trigram index (sql.btree_lookups)."""
        rows = []
        with btree_lookups():
            for platform, usernames in wanted.items():
                for chunk in any_batches(usernames):
                    rows += self.filter(AnyPairOf("platform", platform, "username", chunk)).values_list(*fields)
        return rows


class AkunMedsos(models.Model):
    platform = models.CharField("platform", max_length=10, choices=Platform.choices)
    username = models.CharField(
        "nama akun",
        max_length=100,
        help_text="Boleh menempel alamat profil atau @nama; disimpan sebagai nama akun saja.",
    )
    pegawai = models.ForeignKey(
        Pegawai,
        verbose_name="pegawai",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="akun",
    )
    instansi = models.ForeignKey(
        Instansi,
        verbose_name="instansi (akun resmi)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="akun_resmi",
    )
    wajib_diikuti = models.BooleanField(
        "wajib diikuti",
        default=False,
        help_text="Hanya untuk akun resmi: pegawai instansi ini dan semua unit di bawahnya wajib mengikutinya.",
    )
    hasil_terakhir = models.CharField(
        "hasil verifikasi terakhir",
        max_length=20,
        choices=HasilVerifikasi.choices,
        null=True,
        blank=True,
        editable=False,
    )
    diverifikasi_pada = models.DateTimeField("diverifikasi pada", null=True, editable=False)
    mengikuti = models.ManyToManyField(
        "self",
        verbose_name="mengikuti akun resmi",
        symmetrical=False,
        blank=True,
        related_name="pengikut",
        limit_choices_to={"instansi__isnull": False},
    )
    dibuat_pada = models.DateTimeField("dibuat pada", auto_now_add=True)
    target_posting = models.PositiveSmallIntegerField(
        "target posting per minggu",
        null=True,
        blank=True,
        help_text="Hanya untuk akun resmi. Kosongkan untuk memakai target bawaan di Pengaturan.",
    )
    target_jenis = models.CharField(
        "target menghitung",
        max_length=10,
        choices=TargetJenis.choices,
        default=TargetJenis.UNGGAHAN,
        # Also for rows the bulk loaders write with COPY, naming their columns.
        db_default=TargetJenis.UNGGAHAN,
    )
    # Kept by registry.posting.apply, the one write of posts: the newest
    # post and the last upload, which the activity lists read for every
    # official account at once instead of a MAX over millions of posts.
    posting_terakhir = models.DateTimeField("posting terakhir", null=True, editable=False)
    data_posting_diunggah = models.DateTimeField("data posting terakhir diunggah", null=True, editable=False)
    # The unit whose data this account is (its owner's unit, or the official
    # account's own), kept by sync_units: scope is then one indexed IN on
    # the table itself instead of a way through the owner.
    unit_pemilik = unit_pemilik_field()

    objects = AkunMedsosQuerySet.as_manager()
    # The latest result and the owner's unit are derived (from the checks,
    # from the owner), and recorded there.
    history = HistoricalRecords(
        excluded_fields=["hasil_terakhir", "diverifikasi_pada", "unit_pemilik", "dibuat_pada", "posting_terakhir",
                         "data_posting_diunggah"],
        verbose_name="riwayat akun",
    )

    class Meta:
        verbose_name = "akun media sosial"
        verbose_name_plural = "akun media sosial"
        ordering = ["platform", "username"]
        permissions = [
            ("import_akunmedsos", "Dapat mengimpor akun media sosial"),
            ("export_akunmedsos", "Dapat mengekspor akun media sosial"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "username"],
                name="%(app_label)s_%(class)s_platform_username_unik",
                violation_error_message="Akun ini sudah terdaftar atas nama pemilik lain.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(pegawai__isnull=False, instansi__isnull=True)
                    | Q(pegawai__isnull=True, instansi__isnull=False)
                ),
                name="%(app_label)s_%(class)s_satu_pemilik",
                violation_error_message="Akun harus dimiliki tepat satu: seorang pegawai atau sebuah instansi.",
            ),
            models.CheckConstraint(
                condition=Q(wajib_diikuti=False) | Q(instansi__isnull=False),
                name="%(app_label)s_%(class)s_wajib_hanya_akun_resmi",
                violation_error_message="Hanya akun resmi instansi yang dapat ditandai wajib diikuti.",
            ),
            models.CheckConstraint(
                condition=Q(username=Lower("username")) & ~Q(username=""),
                name="%(app_label)s_%(class)s_username_ternormalisasi",
                violation_error_message="Nama akun harus diisi dalam huruf kecil tanpa alamat atau @.",
            ),
        ]
        indexes = [
            # Compliance: EXISTS (account of pegawai P with hasil = VALID on
            # platform X), and the pegawai inline.
            models.Index(
                fields=["pegawai", "hasil_terakhir", "platform"], name="registry_akun_peg_hasil_idx"
            ),
            # Required accounts, looked up once per employee by compliance:
            # WHERE wajib_diikuti [AND platform = X]. Partial, so that the
            # few official rows are found without scanning every account.
            models.Index(
                fields=["platform", "instansi"],
                condition=Q(wajib_diikuti=True),
                name="registry_akun_wajib_idx",
            ),
            # The changelist's order, ORDER BY username, platform LIMIT 50:
            # read from the index instead of sorting 1.5 M accounts.
            models.Index(fields=["username", "platform"], name="registry_akun_username_idx"),
            # An operator's scope, unit_pemilik IN (units below X), and the
            # accounts there awaiting verification (Beranda's count, the
            # queue): per unit, one range of last_checked(). One regency's
            # operator at 1M: 223 → 27 ms.
            models.Index(F("unit_pemilik"), last_checked(), name="registry_akun_unit_tunggu_idx"),
            # The queue: awaiting accounts, oldest check first, ORDER BY
            # last_checked(), id LIMIT 1, read from the index.
            models.Index(last_checked(), F("id"), name="registry_akun_tunggu_idx"),
        ]

    def __str__(self):
        return f"{self.get_platform_display()} @{self.username}"

    @property
    def url(self):
        return handles.profile_url(self.platform, self.username)

    @property
    def pemilik(self):
        return self.pegawai or self.instansi

    def clean_fields(self, exclude=None):
        # A pasted profile URL can be longer than the stored handle and can
        # name the platform itself: parse before the field checks. The
        # owner rules are left to the check constraints, which full_clean
        # validates, and which an inline skips while its parent is unsaved.
        errors = {}
        if self.username and "username" not in (exclude or ()):
            try:
                handle = handles.parse(self.username, self.platform or None)
            except ValidationError as e:
                errors["username"] = e.messages
            else:
                self.platform, self.username = handle.platform, handle.username
        exclude = set(exclude or ()) | set(errors)
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def refresh_status(self):
        """Set the latest result and time from the history.

        Follows are not recomputed: each check or follower list updates
        only the follows it observed (``record_verification``,
        ``followers.apply``), and an older entry says nothing about now.
        """
        latest = self.verifikasi.order_by("-waktu", "-pk").first()
        self.hasil_terakhir = latest.hasil if latest else None
        self.diverifikasi_pada = latest.waktu if latest else None
        # Derived from the checks, whose own history says it all.
        self.skip_history_when_saving = True
        try:
            self.save(update_fields=["hasil_terakhir", "diverifikasi_pada"])
        finally:
            del self.skip_history_when_saving

    def required_official(self):
        """The official accounts on this platform that the owner must follow."""
        if self.pegawai_id is None:
            return AkunMedsos.objects.none()
        return AkunMedsos.objects.filter(
            wajib_diikuti=True, platform=self.platform, instansi__in=self.pegawai.instansi.ancestor_ids
        )


class SumberVerifikasi(models.TextChoices):
    MANUAL = "MANUAL", "Pemeriksaan manual"
    DAFTAR_PENGIKUT = "DAFTAR_PENGIKUT", "Daftar pengikut"


class VerifikasiQuerySet(ScopedQuerySet):
    path_field = "unit_pemilik__jalur"


class Verifikasi(models.Model):
    akun = models.ForeignKey(
        AkunMedsos, verbose_name="akun", on_delete=models.PROTECT, related_name="verifikasi"
    )
    waktu = models.DateTimeField("waktu", default=timezone.now)
    pemeriksa = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="pemeriksa",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hasil = models.CharField("hasil", max_length=20, choices=HasilVerifikasi.choices)
    mengikuti = models.ManyToManyField(
        AkunMedsos,
        verbose_name="terlihat mengikuti",
        blank=True,
        related_name="+",
        limit_choices_to={"instansi__isnull": False},
        help_text="Akun resmi yang terlihat diikuti akun ini saat diperiksa.",
    )
    sumber = models.CharField(
        "sumber", max_length=20, choices=SumberVerifikasi.choices, default=SumberVerifikasi.MANUAL
    )
    catatan = models.TextField("catatan", blank=True)
    bukti = models.FileField(
        "bukti (tangkapan layar)",
        upload_to="bukti/%Y/%m/",
        blank=True,
        validators=image_validators("Tangkapan layar", validate_screenshot_size),
    )
    jumlah_pengikut = models.PositiveIntegerField(
        "jumlah pengikut", null=True, blank=True, help_text="Untuk akun resmi: jumlah pengikut yang terlihat."
    )
    # Its account's unit_pemilik, for scope (see AkunMedsos.unit_pemilik).
    unit_pemilik = unit_pemilik_field()

    objects = VerifikasiQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["unit_pemilik"], verbose_name="riwayat verifikasi")

    class Meta:
        verbose_name = "verifikasi"
        verbose_name_plural = "verifikasi"
        ordering = ["-waktu", "-pk"]
        permissions = [("export_verifikasi", "Dapat mengekspor verifikasi")]
        indexes = [
            # An account's latest verification and its history inline:
            # WHERE akun = X ORDER BY waktu DESC.
            models.Index(fields=["akun", "-waktu"], name="registry_verif_akun_waktu_idx"),
            # The changelist's default order, newest first, ORDER BY waktu
            # DESC, id DESC LIMIT 50: read from the index, not sorted.
            models.Index(fields=["-waktu", "-id"], name="registry_verif_waktu_idx"),
            # An operator's scope, unit_pemilik IN (units below X), newest
            # first, and the date drill-down over it.
            models.Index(fields=["unit_pemilik", "-waktu"], name="registry_verif_unit_waktu_idx"),
        ]

    def __str__(self):
        return f"{self.akun} — {self.get_hasil_display()} ({timezone.localtime(self.waktu):%d-%m-%Y %H:%M})"
