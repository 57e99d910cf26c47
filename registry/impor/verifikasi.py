"""Checks, exported (never imported: a check is a clerk's act)."""

from import_export import fields

from registry.impor.mesin import RegistryResource
from registry.models import HasilVerifikasi, Platform, SumberVerifikasi, Verifikasi


class VerifikasiResource(RegistryResource):
    waktu = fields.Field(attribute="waktu", column_name="WAKTU")
    platform = fields.Field(attribute="akun__platform", column_name="PLATFORM")
    akun = fields.Field(attribute="akun__username", column_name="AKUN")
    nip = fields.Field(attribute="akun__pegawai__nip", column_name="NIP")
    pemilik = fields.Field(attribute="akun__pegawai__nama", column_name="NAMA PEMILIK")
    hasil = fields.Field(attribute="hasil", column_name="HASIL")
    sumber = fields.Field(attribute="sumber", column_name="SUMBER")
    pemeriksa = fields.Field(attribute="pemeriksa__username", column_name="PEMERIKSA")
    jumlah_pengikut = fields.Field(attribute="jumlah_pengikut", column_name="JUMLAH PENGIKUT")
    catatan = fields.Field(attribute="catatan", column_name="CATATAN")

    class Meta:
        model = Verifikasi
        fields = ["waktu", "platform", "akun", "nip", "pemilik", "hasil", "sumber", "pemeriksa",
                  "jumlah_pengikut", "catatan"]
        export_order = fields

    export_converters = {
        "akun__platform": lambda v: Platform(v).label,
        "hasil": lambda v: HasilVerifikasi(v).label,
        "sumber": lambda v: SumberVerifikasi(v).label,
    }
