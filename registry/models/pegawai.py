"""Staff: who they are (NIP, NIK, name), where they work, and their stored
compliance state (kept by registry.kepatuhan, never written here)."""

import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from simple_history.models import HistoricalRecords

from registry import identity
from registry.cakupan import ScopedQuerySet
from registry.models.instansi import Instansi


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
