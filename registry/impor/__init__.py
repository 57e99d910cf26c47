"""Bulk import and export: the engine (``mesin``), the plan a preview shows
(``rencana``), an import's record from upload to confirm (``pratinjau``),
unit lookup (``unit``), and one module per kind of file."""

from registry.impor.akun import AkunMedsosResource
from registry.impor.bukti import BuktiSebarResource
from registry.impor.instansi import InstansiResource
from registry.impor.konten import KontenResource
from registry.impor.pegawai import PegawaiResource
from registry.impor.verifikasi import VerifikasiResource
from registry.models import JenisImpor

__all__ = ["AkunMedsosResource", "BuktiSebarResource", "InstansiResource", "KontenResource", "PegawaiResource",
           "VerifikasiResource", "RESOURCES"]

RESOURCES = {
    JenisImpor.INSTANSI: InstansiResource,
    JenisImpor.PEGAWAI: PegawaiResource,
    JenisImpor.AKUN: AkunMedsosResource,
    JenisImpor.KONTEN: KontenResource,
    JenisImpor.BUKTI: BuktiSebarResource,
}
