"""Write rosters shaped as the systems export them: python tests/data/make_rosters.py

Column names as the systems' own data fields, as public code that reads
them spells them: SIASN's *data utama* (BKN's national system) and two
regional SIMPEG layouts; a clerk's roster where unit names repeat under
every dinas; and one whose header takes three rows. The units are those
of tests/test_roster.py's regency: Pemerintah Kabupaten Uji › Dinas
Kesehatan (Sekretariat, UPTD Puskesmas Kota) and Dinas Pendidikan
(Sekretariat, SMP Negeri 1). Every person is invented.
"""

from pathlib import Path

import openpyxl

HERE = Path(__file__).parent
PEMDA = "Pemerintah Kabupaten Uji"

SIASN = ["PNS_ID", "NIP_BARU", "NIP_LAMA", "NAMA", "GELAR_DEPAN", "GELAR_BELAKANG", "TGL_LAHIR", "JENIS_KELAMIN",
         "JENIS_PEGAWAI_NAMA", "KEDUDUKAN_HUKUM_NAMA", "JABATAN_NAMA", "UNOR_NAMA", "UNOR_INDUK_NAMA",
         "INSTANSI_KERJA_NAMA", "EMAIL", "NOMOR_HP"]

# (NIP, old NIP, name, front title, back title, birth date, sex, type, legal standing, position, unit, parent)
PEOPLE = [
    ("198001152005012003", "140212345", "Dewi Marlina", "dr.", "M.Kes.", "15-01-1980", "Perempuan",
     "PNS Daerah Otonom", "Aktif", "Kepala Dinas Kesehatan", "Dinas Kesehatan", "Dinas Kesehatan"),
    ("198503122010011003", "140212346", "Budi Santoso", "", "S.Kom.", "12-03-1985", "Laki-laki",
     "PNS Daerah Otonom", "Aktif", "Pranata Komputer", "Sekretariat", "Dinas Kesehatan"),
    ("199203052024212001", "", "Sari Wulandari", "", "A.Md.Kep.", "05-03-1992", "Perempuan",
     "PPPK", "Aktif", "Perawat Terampil", "UPTD Puskesmas Kota", "Dinas Kesehatan"),
    ("199807142025011002", "", "Rizky Pratama", "", "S.Pd.", "14-07-1998", "Laki-laki",
     "CPNS Daerah", "CPNS", "Guru Ahli Pertama", "SMP Negeri 1", "Dinas Pendidikan"),
    ("197005201995032001", "140198765", "Endang Susilowati", "Dra.", "", "20-05-1970", "Perempuan",
     "PNS Daerah Otonom", "Aktif", "Kepala Sekretariat", "Sekretariat", "Dinas Pendidikan"),
    ("196305101985031004", "140112233", "Suparman", "", "", "10-05-1963", "Laki-laki",
     "PNS Daerah Otonom", "Pensiun", "Pengadministrasi Umum", "Sekretariat", "Dinas Pendidikan"),
    ("197708172003121005", "140155667", "Hasan Basri", "", "S.E.", "17-08-1977", "Laki-laki",
     "PNS Daerah Otonom", "Meninggal", "Bendahara", "Sekretariat", "Dinas Kesehatan"),
]


def xlsx(name, rows, merge=()):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cells in merge:
        sheet.merge_cells(cells)
    workbook.save(HERE / name)


def siasn(people, pemda=PEMDA):
    rows = [SIASN]
    for n, (nip, old, nama, depan, belakang, lahir, sex, jenis, kedudukan, jabatan, unit, parent) in enumerate(people):
        rows.append([f"8ae48{n:05d}a1b2c3", nip, old, nama, depan, belakang, lahir, sex, jenis, kedudukan, jabatan,
                     unit, parent, pemda, f"pegawai{n}@example.go.id", f"08123456{n:04d}"])
    return rows


def main():
    # SIASN's data utama as BKN exports it for the regency.
    xlsx("siasn_data_utama.xlsx", siasn(PEOPLE))
    # The same people in a new dinas the registry does not have yet, and a
    # unit under it: the roster grows the tree (Admin BKD).
    newcomers = [
        ("199104022019032007", "", "Maya Kartika", "", "S.Par.", "02-04-1991", "Perempuan",
         "PNS Daerah Otonom", "Aktif", "Analis Pariwisata", "Bidang Destinasi", "Dinas Pariwisata"),
        ("198812122015031002", "", "Andi Wijaya", "", "S.T.", "12-12-1988", "Laki-laki",
         "PNS Daerah Otonom", "Aktif", "Penata Kelola Pariwisata", "Sekretariat", "Dinas Pariwisata"),
    ]
    xlsx("siasn_unit_baru.xlsx", siasn(PEOPLE[:2] + newcomers))

    # A SIMPEG: NIP is the old 9-digit one, NIP_BARU the 18-digit, units as SATKER levels.
    rows = [["NIP", "NIP_BARU", "NAMA_LENGKAP", "TAMPIL_JABATAN", "SATKER_2", "SATKER_3", "SATKER_4",
             "STATUS_PEGAWAI"]]
    for nip, old, nama, depan, belakang, _, _, jenis, _, jabatan, unit, parent in PEOPLE[:5]:
        full = " ".join(p for p in (depan, nama) if p) + (f", {belakang}" if belakang else "")
        level3 = "" if unit == parent else unit
        rows.append([old or "", nip, full, jabatan, parent, level3, "", "CPNS" if jenis.startswith("CPNS") else
                     ("PPPK" if jenis == "PPPK" else "PNS")])
    rows.append(["140299887", "199401012019031004", "Teguh Prasetyo, S.Kep.", "Perawat Pelaksana",
                 "Dinas Kesehatan", "UPTD Puskesmas Kota", "", "PNS"])
    xlsx("simpeg_satker.xlsx", rows)

    # Another SIMPEG: titles apart, units as eselon levels, a title row above.
    rows = [["DAFTAR PEGAWAI PER UNIT ORGANISASI"], [],
            ["NIP_BARU", "NAMA", "GELAR_DEPAN", "GELAR_BELAKANG", "NAMA_JABATAN", "NAMA_UNOR_ESELON_2",
             "NAMA_UNOR_ESELON_3", "NAMA_UNOR_ESELON_4", "KEDUDUKAN_PEGAWAI"]]
    for nip, _, nama, depan, belakang, _, _, jenis, _, jabatan, unit, parent in PEOPLE[:5]:
        rows.append([nip, nama, depan, belakang, jabatan, parent, "" if unit == parent else unit, "",
                     "PPPK" if jenis == "PPPK" else ("CPNS" if jenis.startswith("CPNS") else "PNS")])
    xlsx("simpeg_eselon.xlsx", rows)

    # A clerk's roster: the unit and its parent in two columns; the same
    # name under two dinas, and once without its parent (which one?).
    xlsx("roster_unit_kembar.xlsx", [
        ["NIP", "NAMA", "JABATAN", "UNIT KERJA", "INDUK UNIT KERJA", "STATUS"],
        ["'198503122010011003", "Budi Santoso, S.Kom.", "Pranata Komputer", "Sekretariat", "Dinas Kesehatan", "PNS"],
        ["'197005201995032001", "Dra. Endang Susilowati", "Kepala Sekretariat", "Sekretariat", "Dinas Pendidikan",
         "PNS"],
        ["'199203052024212001", "Sari Wulandari, A.Md.Kep.", "Perawat", "Sekretariat", "", "PPPK"],
        ["'199807142025011002", "Rizky Pratama, S.Pd.", "Guru", "Sekretariat", "Dinas Pariwisata", "PNS"],
    ])

    # A printed roster whose header takes three rows: UNIT KERJA over its two
    # parts, then the columns numbered.
    xlsx("roster_tiga_baris_judul.xlsx", [
        ["DAFTAR NOMINATIF PEGAWAI"],
        ["PEMERINTAH KABUPATEN UJI"],
        [],
        ["NO", "NIP", "NAMA", "JABATAN", "UNIT KERJA", None, "STATUS"],
        [None, None, None, None, "INDUK", "UNIT", None],
        [1, 2, 3, 4, 5, 6, 7],
        [1, "'198503122010011003", "Budi Santoso, S.Kom.", "Pranata Komputer", "Dinas Kesehatan", "Sekretariat", "PNS"],
        [2, "'197005201995032001", "Dra. Endang Susilowati", "Kepala Sekretariat", "Dinas Pendidikan",
         "Sekretariat", "PNS"],
        [3, "'199203052024212001", "Sari Wulandari, A.Md.Kep.", "Perawat", "Dinas Kesehatan", "UPTD Puskesmas Kota",
         "PPPK"],
    ], merge=["E4:F4"])
    print("written: siasn_data_utama.xlsx, siasn_unit_baru.xlsx, simpeg_satker.xlsx, simpeg_eselon.xlsx, "
          "roster_unit_kembar.xlsx, roster_tiga_baris_judul.xlsx")


if __name__ == "__main__":
    main()
