"""The registry's data, one module per family; every model and its choices
are importable from here. The rules that keep derived fields true live
beside, not here: registry.kepatuhan (stored compliance, counts, owners'
units), registry.verifikasi (checks), registry.kemajuan (daily records)."""

from registry.models.akun import (
    NEVER_CHECKED,
    AkunMedsos,
    HasilVerifikasi,
    JenisPosting,
    Platform,
    SumberVerifikasi,
    TargetJenis,
    Verifikasi,
    last_checked,
)
from registry.models.impor import Impor, JenisImpor, PemetaanKolom, StatusImpor
from registry.models.instansi import Instansi, InstansiQuerySet, tree_changed, unit_pemilik_field
from registry.models.pegawai import (
    ASN_STATUSES,
    NAME_WORDS,
    Kepatuhan,
    Pegawai,
    PegawaiQuerySet,
    StatusKepegawaian,
    identity_errors,
)
from registry.models.pengaturan import Pengaturan
from registry.models.pengguna import ProfilPengguna
from registry.models.posting import Posting
from registry.models.rekap import FIGURES, RekapHarian, RekapUnit, WajibIkuti, figures
from registry.models.sebaran import (
    BuktiSebar,
    HasilBukti,
    Hitungan,
    Konten,
    RekapSebaran,
    RekapSebaranBulanan,
    RekapSebaranHarian,
    RekapSebaranUnit,
    SebaranBulanan,
    SumberBukti,
    draw,
)

# Named by path in migrations 0007, 0011 and 0015 (field validators).
from registry.unggahan import validate_logo_size, validate_screenshot_size

__all__ = [
    "ASN_STATUSES",
    "FIGURES",
    "NAME_WORDS",
    "NEVER_CHECKED",
    "AkunMedsos",
    "BuktiSebar",
    "HasilBukti",
    "HasilVerifikasi",
    "Hitungan",
    "Impor",
    "Instansi",
    "InstansiQuerySet",
    "JenisImpor",
    "JenisPosting",
    "Kepatuhan",
    "Konten",
    "Pegawai",
    "PegawaiQuerySet",
    "PemetaanKolom",
    "Pengaturan",
    "Platform",
    "Posting",
    "ProfilPengguna",
    "RekapHarian",
    "RekapSebaran",
    "RekapSebaranBulanan",
    "RekapSebaranHarian",
    "RekapSebaranUnit",
    "RekapUnit",
    "SebaranBulanan",
    "StatusImpor",
    "StatusKepegawaian",
    "SumberBukti",
    "SumberVerifikasi",
    "TargetJenis",
    "Verifikasi",
    "WajibIkuti",
    "draw",
    "figures",
    "identity_errors",
    "last_checked",
    "tree_changed",
    "unit_pemilik_field",
    "validate_logo_size",
    "validate_screenshot_size",
]
