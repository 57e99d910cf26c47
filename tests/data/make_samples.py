"""Write the sample files the import tests read: python tests/data/make_samples.py

They imitate what clerks bring: title rows above the header, aliases for
column names, grouped NIPs, merged unit cells, Windows-1252 CSV with `;`,
Google-Form exports, and the broken files of every kind. Units refer to the
tree of tests/conftest.py (PEMDA, DINKES, PKM, DISDIK, SMPN1).
"""

import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent


def xlsx(name, rows, merge=(), after=None):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cells in merge:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    if after:
        data = after(data)
    (HERE / name).write_bytes(data)


def rewrite_sheet(data, change):
    """Edit the first sheet's XML, for cells openpyxl will not write."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(item, content)
    return out.getvalue()


TITLE = ["DAFTAR NOMINATIF PEGAWAI"]
HEADER = ["NO", "NIP BARU", "NIK", "NAMA LENGKAP", "NAMA JABATAN", "UNIT KERJA", "JENIS PEGAWAI"]


def main():
    # A clean roster as a BKD would print it: two title rows, a blank row,
    # aliases, grouped NIPs, units by name, code and abbreviation in odd
    # case and with a non-breaking space, a merged unit cell over 3 rows.
    xlsx(
        "pegawai_nominatif.xlsx",
        [
            TITLE,
            ["DINAS KESEHATAN KABUPATEN UJI"],
            [],
            HEADER,
            [1, "19850312 201001 1 003", "", "dr. Siti Rahayu", "Dokter Ahli Muda", "Dinas Kesehatan", "PNS"],
            [2, "199001152021011002", "", "Rudi Hartono", "Perawat Terampil", "uptd\u00a0puskesmas  kota", "P3K"],
            [3, "NIP. 198811112023001999", "", "Nur Aini", "Bidan", None, "PPPK Paruh Waktu"],
            [4, "", "1671011203850001", "Agus Saputra", "Pengemudi", None, "Honorer"],
            [],
            [5, "'197508172001121456", "", "Hendra Wijaya", "Kepala Seksi", "DINKES", "PNS"],
        ],
        merge=["F6:F8"],
    )
    # Every kind of bad row, each with one reason.
    xlsx(
        "pegawai_salah.xlsx",
        [
            HEADER,
            [1, 198503122010011003, "", "NIP Angka", "Staf", "DINKES", "PNS"],  # number cell
            [2, "1,98503E+17", "", "NIP Ilmiah", "Staf", "DINKES", "PNS"],  # scientific text
            [3, "197002282000031001", "", "Kembar Satu", "Staf", "DINKES", "PNS"],
            [4, "197002282000031001", "", "Kembar Dua", "Staf", "DINKES", "PNS"],
            [5, "199001152021011004", "", "Status Aneh", "Staf", "DINKES", "Pegawai Tetap"],
            [6, "199001152021011005", "", "Unit Asing", "Staf", "Dinas Pariwisata", "PNS"],
            [7, "", "", "Honorer Tanpa NIK", "Staf", "DINKES", "Honorer"],
            [8, "", "1671013203850001", "NIK Salah", "Staf", "DINKES", "THL"],
            [9, "196612311990012001", "", "", "Staf", "DINKES", "PNS"],  # no name
            [10, "196612311990012002", "", "Yang Benar", "Staf", "DINKES", "PNS"],
        ],
    )
    # Windows-1252 (Ma’ruf's apostrophe is byte 0x92) with `;`, as
    # Indonesian Excel saves "CSV (Comma delimited)".
    (HERE / "pegawai_excel_id.csv").write_bytes(
        "NIP;NAMA;JABATAN;OPD;STATUS\r\n"
        "198001012005102123;Ma\u2019ruf Amin;Guru;SMPN1;PNS\r\n"
        "200002292024122999;Dewi Lestari;Guru;smpn1;PNS\r\n".encode("cp1252")
    )
    (HERE / "pegawai_utf8_bom.csv").write_bytes(
        "\ufeffNIP,Nama Pegawai,Jabatan,Instansi,Status Kepegawaian\n"
        '197508172001121456,"Hendra Wijaya, S.T.",Kepala Seksi,DINKES,PNS\n'.encode("utf-8")
    )
    # Accounts, long form: handles in every shape a clerk pastes.
    xlsx(
        "akun_panjang.xlsx",
        [
            ["NIP", "NIK", "PLATFORM", "AKUN"],
            ["19850312 201001 1 003", "", "Instagram", "https://www.instagram.com/siti.rahayu/?hl=id"],
            ["198503122010011003", "", "TikTok", "@siti_rahayu"],
            ["199001152021011002", "", "", "https://www.tiktok.com/@rudi.h?lang=id"],
            ["", "1671011203850001", "FB", "https://m.facebook.com/agus.saputra"],
            ["199001152021011002", "", "Instagram", "https://www.instagram.com/p/C1a2b3c4d5/"],
            ["198811112023001999", "", "Instagram", "tidak ada"],
        ],
    )
    # Accounts, wide form, as a Google Form exports it (CSV, UTF-8).
    (HERE / "akun_google_form.csv").write_bytes(
        "Timestamp,NIP,Nama,Akun Instagram,Akun TikTok,Akun Facebook,Akun X\n"
        "2026/11/01 8:01:02,198503122010011003,Siti,@siti.rahayu,siti_rahayu,-,tidak punya\n"
        "2026/11/01 8:05:40,199001152021011002,Rudi,rudi.hartono,https://vt.tiktok.com/ZSabc123/,,\n"
        "2026/11/01 9:10:00,198811112023001999,Nur,nur.aini,0,belum ada,x.com/nur_aini\n".encode("utf-8")
    )
    # Units: a child listed before its parent, parents by code and by name.
    xlsx(
        "instansi.xlsx",
        [
            ["DAFTAR UNIT KERJA"],
            ["KODE", "NAMA INSTANSI", "SINGKATAN", "INDUK"],
            ["PKM-B", "UPTD Puskesmas Barat", "", "DINKES-2"],
            ["DINKES-2", "Dinas Kesehatan Dua", "Dinkes 2", "PEMDA"],
            ["SMPN2", "SMP Negeri 2", "", "Dinas Pendidikan"],
        ],
    )

    # Broken files.
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    (HERE / "dokumen_word.xlsx").write_bytes(docx.getvalue())
    whole = (HERE / "pegawai_nominatif.xlsx").read_bytes()
    (HERE / "rusak.xlsx").write_bytes(whole[: len(whole) // 2])
    (HERE / "kosong.xlsx").write_bytes(b"")
    xlsx("judul_saja.xlsx", [TITLE, HEADER])
    xlsx("tanpa_judul_kolom.xlsx", [["Laporan bulanan"], ["a", "b", "c"], [1, 2, 3]])
    xlsx(
        "angka_raksasa.xlsx",
        [["NIP", "NAMA", "UNIT KERJA", "STATUS"], ["198503122010011003", 12345, "DINKES", "PNS"]],
        after=lambda data: rewrite_sheet(
            data, lambda xml: re.sub(rb"<v>12345</v>", b"<v>1e1000000</v>", xml)
        ),
    )
    # Formulas as another program writes them: no calculated value stored.
    xlsx(
        "rumus.xlsx",
        [
            ["NIP", "NAMA", "UNIT KERJA", "STATUS"],
            ['="19850312"&"2010011003"', "Pakai Rumus", "DINKES", "PNS"],
            ["199001152021011002", "=UPPER(\"rudi\")", "DINKES", "PPPK"],
        ],
    )
    xlsx(
        "nip_angka.xlsx",
        [["NIP", "NAMA", "UNIT KERJA", "STATUS"], [198503122010011003, "Angka", "DINKES", "PNS"]],
    )
    # The operator's walk-through in the browser (tests/e2e), against the
    # demo regency: a Dinas Kesehatan roster with two bad rows, then fixed.
    roster = [
        ["DAFTAR NOMINATIF PEGAWAI DINAS KESEHATAN KABUPATEN SUKAMAJU"],
        [],
        ["NO", "NIP", "NIK", "NAMA LENGKAP", "JABATAN", "UNIT KERJA", "STATUS KEPEGAWAIAN"],
        [1, "196103151990031001", "", "Ratna Dewi Purnama", "Perawat Ahli Madya", "DINKES", "PNS"],
        [2, 196204201991032002, "", "Yusuf Mahendra", "Sanitarian", "Puskesmas Sukamaju", "PNS"],
        [3, "196305252021011003", "", "Lina Marlina", "Bidan Terampil", "Puskesmas Cibiru", "PPPK"],
        [4, "196406101992031004", "", "Darman Sitompul", "Pengemudi Ambulans", "RSUD", "Pegawai Harian"],
        [5, "", "1671015506640005", "Wati Suryani", "Petugas Kebersihan", "DINKES", "Honorer"],
        [6, "196507151993032006", "", "Sri Handayani", "Apoteker", "RSUD", "PNS"],
    ]
    xlsx("e2e_roster_salah.xlsx", roster)
    fixed = [list(row) for row in roster]
    fixed[4][1] = "196204201991032002"
    fixed[6][6] = "Tenaga Kontrak"
    fixed[6][1], fixed[6][2] = "", "1671011006640004"
    xlsx("e2e_roster_benar.xlsx", fixed)

    # Follower lists of @humas.uji (Instagram) and @humas.uji (TikTok):
    # two registered employees, one unregistered follower, one odd line.
    instagram = [
        {"title": "", "media_list_data": [], "string_list_data": [
            {"href": "https://www.instagram.com/siti.rahayu", "value": "siti.rahayu", "timestamp": 1762000000}]},
        # Newer exports: the name in "title", the link through /_u/.
        {"title": "nur.aini", "media_list_data": [], "string_list_data": [
            {"href": "https://www.instagram.com/_u/nur.aini", "timestamp": 1762000100}]},
        {"title": "", "media_list_data": [], "string_list_data": [
            {"href": "https://www.instagram.com/warga.sukamaju", "value": "warga.sukamaju", "timestamp": 1762000200}]},
    ]
    followers_json = json.dumps(instagram, indent=2).encode()
    (HERE / "followers_1.json").write_bytes(followers_json)
    (HERE / "followers_1.html").write_bytes(
        b"<html><head><title>Followers</title></head><body><main>"
        b'<div><a target="_blank" href="https://www.instagram.com/siti.rahayu">siti.rahayu</a></div>'
        b'<div><a target="_blank" href="https://www.instagram.com/nur.aini">nur.aini</a></div>'
        b'<div><a target="_blank" href="https://www.instagram.com/warga.sukamaju">warga.sukamaju</a></div>'
        b"</main></body></html>"
    )
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("personal_information/personal_information.json", "{}")
        target.writestr("connections/followers_and_following/followers_1.json", followers_json)
        target.writestr("connections/followers_and_following/following.json", "[]")
    (HERE / "instagram_unduhan.zip").write_bytes(archive.getvalue())
    tiktok = {"Activity": {"Follower List": {"FansList": [
        {"Date": "2026-11-01 08:00:00", "UserName": "siti_rahayu"},
        {"Date": "2026-11-01 09:00:00", "UserName": "warga_sukamaju"},
    ]}}}
    (HERE / "tiktok_user_data.json").write_bytes(json.dumps(tiktok).encode())
    (HERE / "pengikut.txt").write_bytes(
        b"@siti.rahayu\nhttps://www.instagram.com/nur.aini/\nwarga.sukamaju\nini bukan akun!\n"
    )
    (HERE / "pengikut.csv").write_bytes(b"username;tanggal\nsiti.rahayu;2026-11-01\nnur.aini;2026-11-02\nwarga.sukamaju;2026-11-03\n")
    xlsx("pengikut.xlsx", [["Akun"], ["siti.rahayu"], ["@nur.aini"], ["warga.sukamaju"]])
    # A ZIP bomb: megabytes of spaces that pack into a few kilobytes.
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("followers_1.json", b" " * (3 * 1024 * 1024))
    (HERE / "bom_zip.zip").write_bytes(bomb.getvalue())

    print("written:", ", ".join(sorted(p.name for p in HERE.iterdir() if p.suffix in (".xlsx", ".csv", ".json", ".html", ".zip", ".txt"))))


if __name__ == "__main__":
    main()
