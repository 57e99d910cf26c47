import base64
import datetime
import re
from collections import defaultdict

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import IntegrityError, connection, connections, models, transaction
from django.db.models import Case, Count, Exists, F, Func, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Concat, Length, Lower, Substr
from django.db.models.lookups import Exact
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from simple_history import register
from simple_history.models import HistoricalRecords

from registry import handles, identity

SEE_ALL_PERMISSION = "registry.lihat_semua_instansi"


ADMIN_BKD, VERIFIKATOR_BKD, OPERATOR_OPD = "Admin BKD", "Verifikator BKD", "Operator OPD"
# DESIGN §4's roles: the group of each, and what it does, for the user form.
ROLES = {
    ADMIN_BKD: "Admin BKD: semua data, pengguna dan peran",
    VERIFIKATOR_BKD: "Verifikator BKD: memverifikasi akun semua instansi",
    OPERATOR_OPD: "Operator OPD: mengelola pegawai satu instansi beserta sub-unitnya",
}


def role_of(user):
    """The user's role ("" for none): a superuser is the Admin BKD."""
    if user.is_superuser:
        return ADMIN_BKD
    names = set(user.groups.values_list("name", flat=True))
    return next((role for role in ROLES if role in names), "")


def sees_full_nik(user):
    """Whether ``user`` sees NIKs in full (UU 27/2022, minimum exposure):
    only those who edit staff, Non-ASN included; others see them masked
    (identity.masked). None is the command line, run by the server's admin."""
    return user is None or user.has_perm("registry.change_pegawai")


def scope_paths(user):
    """The tree paths under which ``user`` may see data, or None for everything.

    This is the only place that decides scope: every queryset's ``for_user``
    goes through it. Operators see the instansi they are assigned to
    (``Instansi.operator``) and everything below; a user with neither that
    nor the see-all permission sees nothing. Cached on the user object, which
    lives for one request.
    """
    if not user.is_authenticated or not user.is_active:
        return []
    if user.has_perm(SEE_ALL_PERMISSION):
        return None
    if not hasattr(user, "_registry_scope_paths"):
        user._registry_scope_paths = list(
            Instansi.objects.filter(operator=user).values_list("jalur", flat=True)
        )
    return user._registry_scope_paths


def _under(model, paths, field):
    """Q matching rows of ``model`` whose path (``field``) is in scope: nested
    ``IN (SELECT …)``, not joins, so that PostgreSQL builds the set once, from
    the units in scope down, and probes it per row (bench/skala_bench.py,
    one OPD's operator at 1M: account list 1.5 s → 0.3 s, verification list
    1.4 s → 0.2 s). Every path is ORed inside the innermost subquery."""
    if not paths:
        return Q(pk__in=[])
    head, _, rest = field.partition("__")
    if not rest:
        q = Q(pk__in=[])
        for path in paths:
            q |= Q(**{f"{head}__startswith": path})
        return q
    related = model._meta.get_field(head).related_model
    return Q(**{f"{head}__in": related.objects.filter(_under(related, paths, rest)).order_by().values("pk")})


def subquery_count(queryset):
    """COUNT(*) of a correlated queryset, as an expression for annotate()."""
    return subquery_aggregate(queryset, "COUNT", "pk")


def subquery_aggregate(queryset, function, field):
    """``function(field)`` over a correlated queryset (0 when it is empty), as
    an expression for annotate(): one subquery per row, no GROUP BY outside."""
    return Coalesce(
        Subquery(queryset.order_by().annotate(n=Func(F(field), function=function)).values("n")[:1]),
        0,
    )


def outermost(paths):
    """The paths not below another of ``paths``: each subtree once."""
    paths = set(paths)
    return sorted(p for p in paths if not any(p != q and p.startswith(q) for q in paths))


class ScopedQuerySet(models.QuerySet):
    path_field = ""

    def for_user(self, user):
        paths = scope_paths(user)
        if paths is None:
            return self
        return self.filter(_under(self.model, paths, self.path_field))


def path_depth(jalur):
    """How far below the root the unit at ``jalur`` is (the root: 0)."""
    return max(jalur.count("/") - 1, 0)


def path_ids(jalur):
    """Unit ids from the root down to the unit at ``jalur``."""
    return [int(segment) for segment in jalur.split("/") if segment]


def chunked(values, size=1000):
    """``values`` in lists small enough for one IN (...) on any database."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


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
            # A new unit, or one moved with everything below it: what they
            # must follow comes from other units above them now.
            refresh_subtrees([path])


class StatusKepegawaian(models.TextChoices):
    PNS = "PNS", "PNS"
    PPPK = "PPPK", "PPPK"
    PPPK_PW = "PPPK_PW", "PPPK Paruh Waktu"
    NON_ASN = "NON_ASN", "Non-ASN"


class Kepatuhan(models.TextChoices):
    BELUM_PUNYA_AKUN = "BELUM_PUNYA_AKUN", "Belum punya akun"
    BELUM_DIVERIFIKASI = "BELUM_DIVERIFIKASI", "Belum diverifikasi"
    BELUM_MENGIKUTI = "BELUM_MENGIKUTI", "Belum mengikuti akun resmi"
    PATUH = "PATUH", "Patuh"


ASN_STATUSES = (StatusKepegawaian.PNS, StatusKepegawaian.PPPK, StatusKepegawaian.PPPK_PW)


def identity_errors(status, nip, nik, skip=()):
    """{field: [message]} for normalised NIP/NIK that do not fit ``status``.

    The one statement of DESIGN §5's rules per status, shared by the model
    and the bulk import. Fields named in ``skip`` already failed.
    """
    errors = {}
    if "nip" not in skip:
        if status in ASN_STATUSES and not nip:
            errors["nip"] = ["PNS dan PPPK wajib diisi NIP-nya."]
        elif status == StatusKepegawaian.NON_ASN and nip:
            errors["nip"] = ["Non-ASN tidak memiliki NIP; kosongkan NIP atau ubah status kepegawaian."]
        elif nip and status in ASN_STATUSES:
            validate = (
                identity.validate_nip_pns
                if status == StatusKepegawaian.PNS
                else identity.validate_nip_pppk
            )
            try:
                validate(nip)
            except ValidationError as e:
                errors["nip"] = e.messages
    if "nik" not in skip:
        if status == StatusKepegawaian.NON_ASN and not nik:
            errors["nik"] = ["Non-ASN wajib diisi NIK-nya."]
        elif nik:
            try:
                identity.validate_nik(nik)
            except ValidationError as e:
                errors["nik"] = e.messages
    return errors


# What a name search reads as words: letters and digits, joined by dots
# and hyphens as PostgreSQL's parser joins them ("S.Kep", "Ayu-Lestari");
# anything else, tsquery's operators and the underscore included,
# separates words.
NOT_NAME_TEXT = re.compile(r"(?:[^\w.\-]|_)+")
# The name as words, the expression of migration 0016's index: a query
# uses that index only through this very expression.
NAME_WORDS = SearchVector("nama", config="simple")


class PegawaiQuerySet(ScopedQuerySet):
    path_field = "instansi__jalur"

    def named(self, term):
        """Employees whose name holds every word of ``term``.

        On PostgreSQL each word must begin a word of the name ("rah" finds
        Siti Rahayu, "ayu" does not), read from a full-text index on the
        name (migration 0016). A substring search read the trigram index,
        whose posting lists every name shares ("peg", "ega", …, "000"):
        it walked them whole, growing with the registry (bench/skala_bench.py,
        "Pegawai 0000123" at 1M: 250–300 ms, 50 ms at 100k). SQLite, a
        small registry, finds each word anywhere in the name.
        """
        words = [w.strip(".-") for w in NOT_NAME_TEXT.sub(" ", term.lower()).split()]
        words = [w for w in words if w]
        if not words:
            return self.none()
        if connections[self.db].vendor == "postgresql":
            query = SearchQuery(" & ".join(f"{w}:*" for w in words), search_type="raw", config="simple")
            return self.alias(kata_nama=NAME_WORDS).filter(kata_nama=query)
        return self.filter(*[Q(nama__icontains=w) for w in words])


def valid_follows(pegawai, official, platform):
    """The accounts by which ``pegawai`` follows ``official`` as DESIGN §3 counts it:
    valid ones, on the official account's platform."""
    return AkunMedsos.objects.filter(
        pegawai=pegawai, hasil_terakhir=HasilVerifikasi.VALID, platform=platform, mengikuti=official
    )


def kepatuhan_expression(platform=None):
    """The compliance state of the outer Pegawai row, as one SQL expression.

    The one definition of DESIGN §3's rule. It names no joined column of
    the outer row, so that it can be the value of an UPDATE as well as an
    annotation. With ``platform``, the question is asked of that platform
    alone: an account there, a valid one, following the required accounts
    there.
    """
    accounts = AkunMedsos.objects.filter(pegawai=OuterRef("pk"))
    # The official accounts the employee's unit must follow (its own and
    # those of every unit above it), kept per unit in WajibIkuti.
    required = WajibIkuti.objects.filter(instansi=OuterRef("instansi_id"))
    if platform:
        accounts = accounts.filter(platform=platform)
        required = required.filter(akun__platform=platform)
    valid = accounts.filter(hasil_terakhir=HasilVerifikasi.VALID)
    followed_by_valid = valid_follows(
        pegawai=OuterRef(OuterRef("pk")), official=OuterRef("akun_id"), platform=OuterRef("akun__platform")
    )
    missed = required.filter(~Exists(followed_by_valid))
    return Case(
        When(aktif=False, then=Value(None)),
        When(~Exists(accounts), then=Value(Kepatuhan.BELUM_PUNYA_AKUN)),
        When(~Exists(valid), then=Value(Kepatuhan.BELUM_DIVERIFIKASI)),
        When(Exists(missed), then=Value(Kepatuhan.BELUM_MENGIKUTI)),
        default=Value(Kepatuhan.PATUH),
        output_field=models.CharField(),
    )


class Pegawai(models.Model):
    nip = models.CharField(
        "NIP",
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        error_messages={"unique": "NIP ini sudah terdaftar."},
        help_text="18 digit, wajib untuk PNS dan PPPK. Spasi dan titik boleh ikut ditempel.",
    )
    nik = models.CharField(
        "NIK",
        max_length=16,
        unique=True,
        null=True,
        blank=True,
        error_messages={"unique": "NIK ini sudah terdaftar."},
        help_text="16 digit, wajib untuk Non-ASN.",
    )
    nama = models.CharField("nama", max_length=200)
    jabatan = models.CharField("jabatan", max_length=200, blank=True)
    instansi = models.ForeignKey(
        Instansi, verbose_name="instansi", on_delete=models.PROTECT, related_name="pegawai"
    )
    status_kepegawaian = models.CharField(
        "status kepegawaian", max_length=10, choices=StatusKepegawaian.choices
    )
    aktif = models.BooleanField(
        "aktif", default=True, help_text="Kosongkan bila pensiun atau pindah; data tidak dihapus."
    )
    # DESIGN §3's state, stored so that lists and counts read it instead
    # of computing it; kept true by refresh_kepatuhan on every write.
    kepatuhan = models.CharField(
        "kepatuhan", max_length=20, choices=Kepatuhan.choices, null=True, blank=True, editable=False
    )
    dibuat_pada = models.DateTimeField("dibuat pada", auto_now_add=True)
    diubah_pada = models.DateTimeField("diubah pada", auto_now=True)

    objects = PegawaiQuerySet.as_manager()
    # The stored state is derived from accounts and checks, which are recorded.
    # History is read by the row's id, never by NIP/NIK: their copies of the
    # unique indexes would only slow every import.
    history = HistoricalRecords(
        excluded_fields=["kepatuhan", "dibuat_pada", "diubah_pada"],
        no_db_index=["nip", "nik"],
        verbose_name="riwayat pegawai",
    )

    class Meta:
        verbose_name = "pegawai"
        verbose_name_plural = "pegawai"
        ordering = ["nama", "pk"]
        permissions = [
            ("import_pegawai", "Dapat mengimpor pegawai"),
            ("export_pegawai", "Dapat mengekspor pegawai"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(status_kepegawaian=StatusKepegawaian.NON_ASN, nip__isnull=True, nik__isnull=False)
                    | Q(status_kepegawaian__in=ASN_STATUSES, nip__isnull=False)
                ),
                name="%(app_label)s_%(class)s_identitas_sesuai_status",
                violation_error_message="PNS dan PPPK wajib ber-NIP; Non-ASN wajib ber-NIK dan tanpa NIP.",
            ),
            models.CheckConstraint(
                condition=Q(nip__isnull=True) | Q(Exact(Length("nip"), 18)),
                name="%(app_label)s_%(class)s_nip_18_digit",
                violation_error_message="NIP harus 18 digit.",
            ),
            models.CheckConstraint(
                condition=Q(nik__isnull=True) | Q(Exact(Length("nik"), 16)),
                name="%(app_label)s_%(class)s_nik_16_digit",
                violation_error_message="NIK harus 16 digit.",
            ),
        ]
        indexes = [
            # Lists of one unit's active staff: instansi = X AND aktif, and
            # the evaluation lists that start from them.
            models.Index(fields=["instansi", "aktif"], name="registry_peg_inst_aktif_idx"),
            # The changelist's default order, ORDER BY nama.
            models.Index(fields=["nama"], name="registry_peg_nama_idx"),
            # Evaluasi, unit by unit in tree order: instansi = U AND
            # kepatuhan IN (...) ORDER BY nama, id.
            models.Index(fields=["instansi", "kepatuhan", "nama", "id"], name="registry_peg_inst_kep_idx"),
            # The changelist filtered by state: kepatuhan = X ORDER BY nama, id.
            models.Index(fields=["kepatuhan", "nama", "id"], name="registry_peg_kep_nama_idx"),
        ]

    def __str__(self):
        # Shown to every role (lists, drop-downs, links): a NIK masked.
        return f"{self.nama} ({self.nip or identity.masked(self.nik)})"

    @property
    def jenis_kelamin(self):
        return identity.gender_from_nip(self.nip or "") or identity.gender_from_nik(self.nik or "")

    def clean_fields(self, exclude=None):
        # Normalise first, so that a pasted "NIP. 19850312 201001 1 003" is
        # judged as its 18 digits rather than failing max_length. Which
        # number is required, and by which rule, depends on the status.
        self.nama = " ".join((self.nama or "").split())
        self.jabatan = " ".join((self.jabatan or "").split())
        errors = {}
        for field in ("nip", "nik"):
            try:
                setattr(self, field, identity.normalise(getattr(self, field), field.upper()) or None)
            except ValidationError as e:
                errors[field] = e.messages
        errors.update(identity_errors(self.status_kepegawaian, self.nip, self.nik, skip=errors))
        exclude = set(exclude or ()) | set(errors)
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


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


# "Never checked" as a time before any check (the latest result and its
# time are set and cleared together), so that "awaiting verification" is one
# range of one indexed expression instead of an OR that no index serves.
NEVER_CHECKED = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)


def last_checked():
    return Coalesce("diverifikasi_pada", Value(NEVER_CHECKED, output_field=models.DateTimeField()))


class AkunMedsosQuerySet(ScopedQuerySet):
    path_field = "unit_pemilik__jalur"

    def awaiting_verification(self):
        """Accounts of active staff never checked, or checked too long ago."""
        stale = timezone.now() - datetime.timedelta(days=Pengaturan.current().kedaluwarsa_hari)
        return self.filter(pegawai__aktif=True).alias(diperiksa=last_checked()).filter(diperiksa__lt=stale)


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
    # The unit whose data this account is (its owner's unit, or the official
    # account's own), kept by sync_units: scope is then one indexed IN on
    # the table itself instead of a way through the owner.
    unit_pemilik = unit_pemilik_field()

    objects = AkunMedsosQuerySet.as_manager()
    # The latest result and the owner's unit are derived (from the checks,
    # from the owner), and recorded there.
    history = HistoricalRecords(
        excluded_fields=["hasil_terakhir", "diverifikasi_pada", "unit_pemilik", "dibuat_pada"],
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


def apply_verification(verifikasi, checked=()):
    """Make a recorded check the account's current state.

    ``checked`` are the official accounts the checker looked for; follows
    to those are set from what the check saw (``verifikasi.mengikuti``),
    follows to any other account are left as they were.
    """
    akun = verifikasi.akun
    seen = {a.pk for a in verifikasi.mengikuti.all()}
    set_follows(akun, {a.pk for a in checked}, seen)
    akun.refresh_status()


def set_follows(akun, looked_at, following):
    """Follows of ``akun`` to the official accounts ``looked_at`` (ids):
    those in ``following`` and no others; other follows are left alone."""
    not_following = set(looked_at) - set(following)
    if not_following:
        akun.mengikuti.remove(*not_following)
    if following:
        akun.mengikuti.add(*following)


@transaction.atomic
def record_verification(akun, pemeriksa, hasil, seen=(), checked=(), melalui="", **fields):
    """Record one check of ``akun`` (see ``apply_verification``); ``melalui``
    names the screen in its history ("antrean verifikasi")."""
    verifikasi = Verifikasi(akun=akun, pemeriksa=pemeriksa, hasil=hasil, **fields)
    verifikasi._change_reason = melalui
    verifikasi.save()
    verifikasi.mengikuti.set(seen)
    apply_verification(verifikasi, checked)
    return verifikasi


@transaction.atomic
def undo_verification(verifikasi, checked, followed_before):
    """Take back a check recorded by mistake: the follows it looked for
    (``checked``) return to ``followed_before``, the check and its
    screenshot are deleted, and the account's state comes from the history
    again. Only for the latest check of its account: undoing an older one
    would leave the newer check's follows half-applied."""
    akun = verifikasi.akun
    set_follows(akun, checked, set(followed_before) & set(checked))
    screenshot = verifikasi.bukti.name
    verifikasi.delete()
    if screenshot:
        # After the commit: a rolled-back undo must keep its evidence.
        transaction.on_commit(lambda: verifikasi.bukti.storage.delete(screenshot))
    akun.refresh_status()


# Ids per INSERT … SELECT: within the 999 parameters Django assumes SQLite takes.
HISTORY_BATCH = 900


def record_history(model, pks, kind, user=None, reason=""):
    """History records of rows already written, copied by the database.

    simple-history's ``bulk_create_with_history`` builds a Python model
    instance per row and inserts it value by value: with it a 50,000-row
    import took 1.7x as long as without history (bench/import_bench.py).
    One ``INSERT … SELECT`` per batch of ids does the same in the database
    and records exactly what was stored. ``kind`` is simple-history's "+"
    (created) or "~" (changed); ``user`` and ``reason`` its who and through
    what. Call it in the transaction that wrote the rows.
    """
    history = model.history.model
    quote = connection.ops.quote_name
    copied = ", ".join(quote(f.column) for f in history.tracked_fields)
    constants = [
        connection.ops.adapt_datetimefield_value(timezone.now()),
        kind,
        user.pk if user is not None and user.pk else None,
        reason,
    ]
    pks = list(pks)
    for start in range(0, len(pks), HISTORY_BATCH):
        batch = pks[start:start + HISTORY_BATCH]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} "
                f"({copied}, history_date, history_type, history_user_id, history_change_reason) "
                f"SELECT {copied}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(model._meta.pk.column)} IN ({', '.join(['%s'] * len(batch))})",
                [*constants, *batch],
            )


@transaction.atomic
def record_bulk_result(accounts, pemeriksa, hasil, catatan=""):
    """One check with the same result for each of ``accounts``, in a few queries.

    Nothing was looked for, so follows stay as they were; the new checks are
    the latest, so the accounts' state is set without reading the history.
    """
    now = timezone.now()
    rows = list(accounts.values_list("pk", "unit_pemilik_id"))
    pks = [pk for pk, _ in rows]
    checks = Verifikasi.objects.bulk_create(
        [Verifikasi(akun_id=pk, unit_pemilik_id=unit, waktu=now, pemeriksa=pemeriksa, hasil=hasil, catatan=catatan)
         for pk, unit in rows],
        batch_size=500,
    )
    record_history(Verifikasi, [check.pk for check in checks], "+", pemeriksa, "hasil massal")
    AkunMedsos.objects.filter(pk__in=pks).update(hasil_terakhir=hasil, diverifikasi_pada=now)
    refresh_owners(pks)
    return len(pks)


class SumberVerifikasi(models.TextChoices):
    MANUAL = "MANUAL", "Pemeriksaan manual"
    DAFTAR_PENGIKUT = "DAFTAR_PENGIKUT", "Daftar pengikut"


def image_validators(what, size_validator):
    """An uploaded picture (screenshot, logo): its type, then its size."""
    return [
        FileExtensionValidator(
            ["png", "jpg", "jpeg", "webp"], message=f"{what} harus berupa gambar PNG, JPG atau WEBP."
        ),
        size_validator,
    ]


def validate_screenshot_size(file):
    if file.size > 5 * 1024 * 1024:
        raise ValidationError("Tangkapan layar paling besar 5 MB; perkecil gambarnya lalu unggah ulang.")


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


class JenisImpor(models.TextChoices):
    INSTANSI = "instansi", "Instansi"
    PEGAWAI = "pegawai", "Pegawai"
    AKUN = "akun", "Akun media sosial"
    PENGIKUT = "pengikut", "Daftar pengikut akun resmi"


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


LOGO_MAX_BYTES = 512 * 1024


def validate_logo_size(file):
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError("Logo paling besar 512 KB; perkecil gambarnya lalu unggah ulang.")


class ProfilPengguna(models.Model):
    """What the registry knows of a user beyond Django's ``User``: the NIP
    printed beside *Dibuat oleh* on the lists the user prints."""

    pengguna = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="pengguna", on_delete=models.CASCADE, related_name="profil_registri"
    )
    nip = models.CharField(
        "NIP",
        max_length=18,
        blank=True,
        validators=[identity.validate_nip_any],
        help_text="NIP petugas, dicetak pada baris Dibuat oleh di daftar yang dicetaknya.",
    )

    class Meta:
        verbose_name = "profil pengguna"
        verbose_name_plural = "profil pengguna"

    def __str__(self):
        return f"Profil {self.pengguna}"


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


# Compliance kept true on every write ------------------------------------------


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


@transaction.atomic
def refresh_kepatuhan(*staff, left=(), recount=False):
    """Store the compliance state of the employees in ``staff`` (Pegawai
    querysets) and recount their units.

    The one function through which every write keeps ``Pegawai.kepatuhan``
    and RekapUnit true, inside the write's transaction. Set-based: one
    UPDATE of ``kepatuhan_expression`` per queryset, whatever its size, that
    rewrites only the rows whose state differs; callers give id lists in
    ``chunked`` pieces. The units are recounted when a state changed, or
    when the write changed what is counted besides (``recount``: a unit,
    status or aktif), with ``left`` the units employees were moved out of.
    """
    state = kepatuhan_expression()
    differs = ~Q(Exact(Coalesce(F("kepatuhan"), Value("")), Coalesce(state, Value(""))))
    changed = sum(queryset.order_by().filter(differs).update(kepatuhan=state) for queryset in staff)
    if changed or recount or left:
        units = set(left)
        for queryset in staff:
            units.update(queryset.order_by().values_list("instansi_id", flat=True).distinct())
        recount_units(units)


def new_staff_state(aktif):
    """What ``kepatuhan_expression`` gives an employee inserted a moment
    ago, who can have no account yet. Bulk inserts store it up front, and
    refresh_kepatuhan, which still checks every new row against the rule,
    then finds nothing to rewrite: a rewrite writes a new entry into every
    index of the table, the GIN index of names included (bench/skala_bench.py,
    50,000 new employees into 1M: 85 ms per thousand rewritten, 2 ms checked)."""
    return Kepatuhan.BELUM_PUNYA_AKUN if aktif else None


def refresh_staff(pegawai_ids, left=(), recount=False):
    refresh_kepatuhan(
        *[Pegawai.objects.filter(pk__in=chunk) for chunk in chunked(pegawai_ids)], left=left, recount=recount
    )


def refresh_owners(akun_ids):
    """The owners of these accounts, after their results or follows changed."""
    refresh_kepatuhan(*[Pegawai.objects.filter(akun__pk__in=chunk) for chunk in chunked(akun_ids)])


# Units below which a recompute is a long scan worth compiling (see analytical()).
LARGE_SUBTREE = 500


def analytical():
    """Let PostgreSQL JIT-compile the rest of this transaction: a recompute
    of a large subtree is the one long scan the registry runs, and gains
    30 % from it (bench/skala_bench.py, the root's wajib toggled at 1M: 74 s
    → 53 s); config/settings.py turns JIT off for everything else."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = on")


@transaction.atomic
def refresh_subtrees(paths):
    """Everything below the units at ``paths``, after the tree or a required
    account changed there: first what each unit must follow, then its staff."""
    for path in outermost(paths):
        units = list(Instansi.objects.filter(jalur__startswith=path).values_list("pk", "jalur"))
        if len(units) >= LARGE_SUBTREE:
            analytical()
        rebuild_required(units)
        # What must be followed changed, nothing else: only staff with a
        # valid account can move between these two states.
        refresh_kepatuhan(
            Pegawai.objects.filter(
                instansi__jalur__startswith=path, kepatuhan__in=[Kepatuhan.BELUM_MENGIKUTI, Kepatuhan.PATUH]
            )
        )


def required_by_unit(units):
    """{unit id: [required official account ids]} for (pk, jalur) pairs."""
    owned = defaultdict(list)
    for pk, owner in AkunMedsos.objects.filter(wajib_diikuti=True).values_list("pk", "instansi_id"):
        owned[owner].append(pk)
    return {pk: [akun for unit in path_ids(path) for akun in owned.get(unit, ())] for pk, path in units}


def rebuild_required(units):
    """Rewrite WajibIkuti for ``units``, (pk, jalur) pairs."""
    for chunk in chunked([pk for pk, _ in units]):
        WajibIkuti.objects.filter(instansi_id__in=chunk).delete()
    WajibIkuti.objects.bulk_create(
        [WajibIkuti(instansi_id=unit, akun_id=akun) for unit, required in required_by_unit(units).items()
         for akun in required],
        batch_size=1000,
    )


def unit_counts(staff):
    """(unit, status, state, active staff) rows of ``staff``: what RekapUnit holds."""
    return (
        staff.filter(aktif=True, kepatuhan__isnull=False)
        .values_list("instansi_id", "status_kepegawaian", "kepatuhan")
        .annotate(n=Count("pk"))
        .order_by()
    )


def recount_units(unit_ids=None):
    """Recount RekapUnit for ``unit_ids`` (every unit when None) from the stored states.

    The units are locked first (SELECT … FOR UPDATE in id order), so that two
    writes touching one unit recount it one after the other, the second one
    counting the first one's employees.
    """
    if unit_ids is None:
        unit_ids = Instansi.objects.values_list("pk", flat=True)
    for chunk in chunked(sorted(unit_ids)):
        list(Instansi.objects.select_for_update().filter(pk__in=chunk).order_by("pk").values_list("pk", flat=True))
        RekapUnit.objects.filter(instansi_id__in=chunk).delete()
        counts = unit_counts(Pegawai.objects.filter(instansi_id__in=chunk))
        RekapUnit.objects.bulk_create(
            [RekapUnit(instansi_id=unit, status_kepegawaian=status, kepatuhan=state, jumlah=n)
             for unit, status, state, n in counts],
            batch_size=1000,
        )


@transaction.atomic
def refresh_all():
    """Every unit's required accounts, every employee's state, every count,
    every account's unit: after loading a fixture, which bypasses the write
    paths, and by ``periksa_kepatuhan``."""
    analytical()
    rebuild_required(list(Instansi.objects.values_list("pk", "jalur")))
    Pegawai.objects.update(kepatuhan=kepatuhan_expression())
    recount_units()
    sync_units(AkunMedsos.objects.all())


def _owner_unit():
    """The unit of the outer account's owner: the official account's own, or its employee's."""
    return Coalesce(F("instansi_id"), Subquery(Pegawai.objects.filter(pk=OuterRef("pegawai_id")).values("instansi_id")))


def _account_unit():
    """The unit_pemilik of the outer verification's account."""
    return Subquery(AkunMedsos.objects.filter(pk=OuterRef("akun_id")).values("unit_pemilik_id"))


def _differs(field, value):
    return ~Q(Exact(Coalesce(F(field), Value(0)), Coalesce(value, Value(0))))


def sync_units(accounts):
    """Store ``unit_pemilik`` on ``accounts`` (an AkunMedsos queryset) and on
    their verifications: after an owner moved to another unit or an account
    to another owner in bulk (single saves set it in ``_akun_before``). One
    UPDATE each, of the rows that differ."""
    accounts = accounts.order_by()
    accounts.filter(_differs("unit_pemilik_id", _owner_unit())).update(unit_pemilik=_owner_unit())
    Verifikasi.objects.filter(akun__in=accounts.values("pk")).filter(
        _differs("unit_pemilik_id", _account_unit())
    ).update(unit_pemilik=_account_unit())


def misplaced():
    """How many accounts and verifications have a unit_pemilik that is not their owner's."""
    return (
        AkunMedsos.objects.filter(_differs("unit_pemilik_id", _owner_unit())).count()
        + Verifikasi.objects.filter(_differs("unit_pemilik_id", _account_unit())).count()
    )


def drift(batch=50000, shown=10):
    """What is stored but no longer true, compared in batches of employees:
    (how many employees' stored state differs from the rule, the first
    ``shown`` of them as (nip, nik, stored), the units whose required
    accounts or counts differ)."""
    computed = Coalesce(kepatuhan_expression(), Value(""))
    differing, first = 0, []
    last = Pegawai.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for start in range(0, last + 1, batch):
        wrong = (
            Pegawai.objects.filter(pk__gte=start, pk__lt=start + batch)
            .alias(kini=computed)
            .exclude(kini=Coalesce(F("kepatuhan"), Value("")))
        )
        found = wrong.count()
        if found and len(first) < shown:
            first += wrong.order_by("pk").values_list("nip", "nik", "kepatuhan")[: shown - len(first)]
        differing += found
    units = list(Instansi.objects.values_list("pk", "jalur"))
    stored = defaultdict(set)
    for unit, akun in WajibIkuti.objects.values_list("instansi_id", "akun_id").iterator(chunk_size=5000):
        stored[unit].add(akun)
    wrong_units = {pk for pk, required in required_by_unit(units).items() if set(required) != stored.get(pk, set())}
    counted = {}
    for unit, status, state, n in RekapUnit.objects.values_list(
        "instansi_id", "status_kepegawaian", "kepatuhan", "jumlah"
    ).iterator(chunk_size=5000):
        counted[(unit, status, state)] = n
    for unit, status, state, n in unit_counts(Pegawai.objects.all()).iterator(chunk_size=5000):
        if counted.pop((unit, status, state), 0) != n:
            wrong_units.add(unit)
    wrong_units.update(unit for unit, _, _ in counted)
    return differing, first, wrong_units


def record_day(day=None):
    """Write ``day``'s figures (today's by default) per unit, counting
    everything below it, and per status, from RekapUnit; a second run the
    same day replaces the first with the figures of now."""
    day = day or timezone.localdate()
    paths = dict(Instansi.objects.values_list("pk", "jalur"))
    totals = defaultdict(lambda: defaultdict(int))
    for unit, status, state, n in RekapUnit.objects.values_list(
        "instansi_id", "status_kepegawaian", "kepatuhan", "jumlah"
    ).iterator(chunk_size=5000):
        for above in path_ids(paths[unit]):
            totals[(above, status)][state] += n
    with transaction.atomic():
        RekapHarian.objects.filter(tanggal=day).delete()
        RekapHarian.objects.bulk_create(
            [RekapHarian(tanggal=day, instansi_id=unit, status_kepegawaian=status, **figures(states))
             for (unit, status), states in totals.items()],
            batch_size=2000,
        )
    return len(totals)


def record_day_if_missing():
    """The night's ``catat_rekap`` did not run: the first report of the day records it."""
    today = timezone.localdate()
    if RekapHarian.objects.filter(tanggal=today).exists() or not RekapUnit.objects.exists():
        return
    try:
        with transaction.atomic():
            record_day(today)
    except IntegrityError:
        pass  # a colleague's page recorded it a moment earlier


# Single-object writes reach compliance through these receivers: the admin's
# forms and inlines, the queue and the Verifikasi admin (through
# AkunMedsos.refresh_status), a unit import (Instansi.save), deletes and
# their cascades. Bulk writes call refresh_* themselves: the importers'
# write(), record_bulk_result, followers.apply. Fixtures are loaded raw and
# followed by refresh_all.


def _account_concerns(values):
    """Who an account's state concerns, from (pegawai, instansi, platform, wajib, hasil)."""
    if values is None:
        return None
    pegawai, instansi, platform, wajib, hasil = values
    if pegawai:
        return ("pegawai", pegawai, platform, hasil)
    return ("wajib", instansi, platform) if wajib else None


def account_changed(before, after):
    """An account added, edited, moved to another owner or deleted."""
    before, after = _account_concerns(before), _account_concerns(after)
    if before == after:
        return
    concerned = [c for c in (before, after) if c]
    units = [c[1] for c in concerned if c[0] == "wajib"]
    if units:
        refresh_subtrees(Instansi.objects.filter(pk__in=units).values_list("jalur", flat=True))
    owners = [c[1] for c in concerned if c[0] == "pegawai"]
    if owners:
        refresh_staff(owners)


ACCOUNT_FIELDS = ["pegawai_id", "instansi_id", "platform", "wajib_diikuti", "hasil_terakhir"]


@receiver(pre_save, sender=Pegawai)
def _pegawai_before(sender, instance, raw, **kwargs):
    instance._unit_before = None
    if not raw and not instance._state.adding:
        instance._unit_before = Pegawai.objects.filter(pk=instance.pk).values_list("instansi_id", flat=True).first()


@receiver(post_save, sender=Pegawai)
def _pegawai_saved(sender, instance, raw, **kwargs):
    """An employee added, edited, moved, deactivated or reactivated."""
    if raw:
        return
    moved = instance._unit_before not in (None, instance.instansi_id)
    if moved:
        sync_units(AkunMedsos.objects.filter(pegawai=instance))
    refresh_staff([instance.pk], left=[instance._unit_before] if moved else [], recount=True)
    instance.kepatuhan = Pegawai.objects.values_list("kepatuhan", flat=True).get(pk=instance.pk)


@receiver(post_delete, sender=Pegawai)
def _pegawai_deleted(sender, instance, **kwargs):
    recount_units([instance.instansi_id])


@receiver(pre_save, sender=AkunMedsos)
def _akun_before(sender, instance, raw, update_fields, **kwargs):
    instance._before = None
    if raw:
        return
    if not instance._state.adding:
        instance._before = AkunMedsos.objects.filter(pk=instance.pk).values_list(*ACCOUNT_FIELDS).first()
    if update_fields is None or "unit_pemilik" in update_fields:
        instance.unit_pemilik_id = instance.instansi_id or (
            instance.pegawai.instansi_id if instance.pegawai_id else None
        )


@receiver(post_save, sender=AkunMedsos)
def _akun_saved(sender, instance, raw, **kwargs):
    if raw:
        return
    after = tuple(getattr(instance, f) for f in ACCOUNT_FIELDS)
    if instance._before and instance._before[:2] != after[:2]:
        # Moved to another owner: its checks follow it into the new scope.
        sync_units(AkunMedsos.objects.filter(pk=instance.pk))
    account_changed(instance._before, after)


@receiver(pre_save, sender=Verifikasi)
def _verifikasi_before(sender, instance, raw, **kwargs):
    if not raw and instance.unit_pemilik_id is None:
        instance.unit_pemilik_id = instance.akun.unit_pemilik_id


@receiver(post_delete, sender=AkunMedsos)
def _akun_deleted(sender, instance, **kwargs):
    """Deleted alone, in a list, or with its owner (cascade)."""
    account_changed(tuple(getattr(instance, f) for f in ACCOUNT_FIELDS), None)


@receiver(m2m_changed, sender=AkunMedsos.mengikuti.through)
def _follows_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Follows set through the relation itself (``akun.mengikuti.add``)."""
    if action == "pre_clear" and reverse:
        instance._cleared_followers = list(instance.pengikut.values_list("pk", flat=True))
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    followers = (pk_set or getattr(instance, "_cleared_followers", [])) if reverse else [instance.pk]
    refresh_owners(followers)


# Users and their roles (groups) have a history too; the password hash and
# the last login are not history (logins are kept by django-axes).
register(
    User,
    app="registry",
    m2m_fields=["groups"],
    excluded_fields=["password", "last_login"],
    verbose_name="riwayat pengguna",
)
