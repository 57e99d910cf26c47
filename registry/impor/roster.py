"""What rosters say, as the systems that export them say it: the national
civil-service system (SIASN's *data utama*: ``NIP_BARU``, ``NAMA``,
``GELAR_DEPAN``, ``JENIS_PEGAWAI_NAMA``, ``KEDUDUKAN_HUKUM_NAMA``,
``UNOR_NAMA`` under ``UNOR_INDUK_NAMA`` under ``INSTANSI_KERJA_NAMA`` …),
regional SIMPEGs (``NIP`` the old 9-digit one beside ``NIP_BARU``,
``NAMA_LENGKAP``, ``TAMPIL_JABATAN``, ``SATKER_2`` › ``SATKER_3`` ›
``SATKER_4``, ``STATUS_PEGAWAI``), and the rosters clerks type.

Fields the registry does not need (``PNS_ID``, ``NIP_LAMA``, birth date,
sex, e-mail, phone …) have no alias here: the preview lists them as not
read, and nothing of them is stored (UU 27/2022, minimum data).
"""

from registry import sheets
from registry.impor.kolom import Kolom
from registry.models import StatusKepegawaian

# Unit columns, from the top of the tree down: a row's unit is the deepest
# one named, found under the ones above it.
LEVELS = 6
UNIT_FIELDS = ["unit_atas", *(f"unit_{n}" for n in range(1, LEVELS + 1)), "unit_induk", "unit"]
ROMAN = ["I", "II", "III", "IV", "V", "VI"]

KOLOM = [
    Kolom("nip", "NIP", ["NIP BARU", "NIP"]),
    Kolom("nik", "NIK", ["NIK", "NO KTP", "NOMOR KTP", "NOMOR INDUK KEPENDUDUKAN"]),
    Kolom("nip_nik", "NIP/NIK", ["NIP/NIK", "NIK/NIP"]),
    Kolom("nama", "Nama", ["NAMA LENGKAP", "NAMA PEGAWAI", "NAMA"]),
    Kolom("gelar_depan", "Gelar depan", ["GELAR DEPAN"]),
    Kolom("gelar_belakang", "Gelar belakang", ["GELAR BELAKANG"]),
    Kolom("jabatan", "Jabatan", ["JABATAN", "NAMA JABATAN", "JABATAN NAMA", "TAMPIL JABATAN", "JABATAN TERAKHIR"]),
    Kolom("unit_atas", "Instansi kerja (pemerintah daerah)", ["INSTANSI KERJA NAMA", "INSTANSI KERJA"]),
    *(Kolom(f"unit_{n}", f"Unit tingkat {n} (SATKER/eselon {ROMAN[n - 1]})",
            [f"SATKER {n}", f"NAMA UNOR ESELON {n}", f"UNOR ESELON {n}", f"ESELON {ROMAN[n - 1]}"])
      for n in range(1, LEVELS + 1)),
    Kolom("unit_induk", "Induk unit kerja", ["UNOR INDUK NAMA", "UNOR INDUK", "INDUK UNIT KERJA", "UNIT KERJA INDUK",
                                              "UNIT INDUK", "INDUK", "NAMA UNOR INDUK"]),
    Kolom("unit", "Unit kerja", ["UNIT KERJA", "UNOR NAMA", "NAMA UNOR", "UNOR", "SUB UNIT", "UNIT KERJA UNIT", "UNIT",
                                 "SATUAN KERJA", "INSTANSI", "OPD"], second="unit_induk"),
    Kolom("kode_instansi", "Kode instansi", ["KODE INSTANSI", "KODE UNIT", "KODE UNOR"]),
    Kolom("status", "Status kepegawaian", ["STATUS KEPEGAWAIAN", "JENIS PEGAWAI NAMA", "JENIS PEGAWAI",
                                           "STATUS PEGAWAI", "KEDUDUKAN PEGAWAI", "STATUS"]),
    Kolom("kedudukan", "Kedudukan hukum", ["KEDUDUKAN HUKUM NAMA", "KEDUDUKAN HUKUM"]),
    Kolom("aktif", "Aktif", ["AKTIF"]),
]

STATUS_HELP = "isi PNS, PPPK, PPPK Paruh Waktu atau Non-ASN"
_NON_ASN = ("nonasn", "nonpns", "honor", "tenagakontrak", "kontrak", "thl", "tkk", "ptt", "tenagaharian")


def status_of(text):
    """The status a roster's word gives: ``PNS Daerah Otonom`` and ``CPNS``
    are PNS, ``P3K Paruh Waktu`` is PPPK Paruh Waktu; None when unknown."""
    key = sheets.match_key(text)
    if not key:
        return None
    if key.startswith(_NON_ASN) or key in ("honorer", "nonasn"):
        return StatusKepegawaian.NON_ASN
    if key.startswith(("pppk", "p3k")):
        rest = key[4:] if key.startswith("pppk") else key[3:]
        return StatusKepegawaian.PPPK_PW if rest.startswith(("paruhwaktu", "pw")) else (
            StatusKepegawaian.PPPK if not rest or rest.startswith(("penuhwaktu", "daerah", "pusat", "instansi"))
            else None)
    if key.startswith(("cpns", "pns")):
        return StatusKepegawaian.PNS
    return None


# KEDUDUKAN_HUKUM_NAMA: those still employed, and those who left (kept,
# deactivated, never deleted). An unknown word is asked about, not guessed.
STILL = ("aktif", "cpns", "pns", "tugasbelajar", "cltn", "cutidiluartanggungannegara", "masapersiapanpensiun",
         "mpp", "pemberhentiansementara", "diberhentikansementara", "hukumandisiplin", "perpanjangan")
LEFT = ("pensiun", "diberhentikan", "pemberhentian", "berhenti", "meninggal", "wafat", "mutasikeluar",
        "pindahkeluar", "keluar", "mengundurkandiri", "pemutusan", "putus", "purna", "tidakaktif", "nonaktif")
KEDUDUKAN_HELP = "isi Aktif, atau sebab berhenti: Pensiun, Diberhentikan, Meninggal, Mutasi keluar"


def active_of(text):
    """Whether a roster's *kedudukan hukum* is still employed; None when unknown."""
    key = sheets.match_key(text)
    if key.startswith(STILL):
        return True
    if key.startswith(LEFT):
        return False
    return None


def full_name(nama, depan, belakang):
    """The name a letter prints: "dr. Dewi Marlina, M.Kes."."""
    name = " ".join(part for part in (depan, nama) if part)
    return f"{name}, {belakang}" if belakang and nama else name


def chain_of(table, cells):
    """The row's unit columns that are filled: (field, text) from the top
    down, a name repeated by the level below it said once."""
    chain = []
    for name in UNIT_FIELDS:
        text = sheets.cell_text(table.cell(cells, name)) if name in table.columns else ""
        if text and not (chain and sheets.match_key(chain[-1][1]) == sheets.match_key(text)):
            chain.append((name, text))
    return chain
