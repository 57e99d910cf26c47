"""The whole product is this admin: one module per model (and the site and
its shared pieces in ``dasar``, import and export in ``impor_ekspor``).
Importing them registers each model admin with the site."""

from registry.admin import (  # noqa: F401
    akun,
    bukti_sebar,
    dasar,
    impor_ekspor,
    instansi,
    konten,
    pegawai,
    pengaturan,
    pengguna,
    posting,
    riwayat_impor,
    verifikasi,
)
