"""Write the spreading samples: python tests/data/make_sebaran.py

The world of tests/test_sebaran.py (``sebaran`` fixture): the official
accounts @humas.uji (Instagram, TikTok) of Pemerintah Kabupaten Uji and
@dinkes.uji (Instagram) of Dinas Kesehatan; three contents; four staff with
their accounts. Every person and link is invented.

- ``konten_daftar.xlsx``: the BKD's list of links to spread, with a title row,
  a profile link, a short link and another account's post among them;
- ``bukti_google_form.xlsx``: a Google Form's responses in wide form, one
  column per content headed by the question with the content's link in it;
- ``bukti_panjang.csv``: proofs one a row, as an operator collects them.
"""

import csv
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent

# The contents (as the ``sebaran`` fixture registers them) and the staff.
K1 = "https://www.instagram.com/p/CkontenSatu1/"
K2 = "https://www.tiktok.com/@humas.uji/video/7312000000000000001"
K3 = "https://www.instagram.com/p/CkontenDinkes/"
SITI, RUDI, MAYA_NIK, JOKO = "198503122010012001", "199001152021011002", "1671015203900001", "198007042005011003"


def konten_daftar():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["DAFTAR KONTEN WAJIB DISEBARKAN — DESEMBER 2026"])
    sheet.append([])
    sheet.append(["No", "Akun resmi", "Link konten", "Judul", "Tanggal terbit"])
    rows = [
        ("@humas.uji", "https://www.instagram.com/p/CbaruSatu01/?igsh=MWx2bWRlcWJ4", "Bupati resmikan pasar",
         "01-12-2026"),
        ("", "https://www.tiktok.com/@humas.uji/video/7312000000000000009?is_from_webapp=1", "Video pasar",
         "01/12/2026"),
        ("dinkes.uji", "https://www.instagram.com/reel/CbaruDinkes2/", "Senam sehat", "2 Desember 2026"),
        ("", "https://www.instagram.com/humas.uji/", "Profil, bukan unggahan", "01-12-2026"),
        ("", "https://vt.tiktok.com/ZSabc123/", "Tautan pendek", "01-12-2026"),
        ("", "https://x.com/warga_biasa/status/1860000000000000001", "Unggahan orang lain", "01-12-2026"),
        ("@humas.uji", "https://www.instagram.com/p/CbaruSatu01/", "Baris ganda", "01-12-2026"),
    ]
    for n, row in enumerate(rows, start=1):
        sheet.append([n, *row])
    book.save(HERE / "konten_daftar.xlsx")


def bukti_google_form():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Stempel waktu", "NIP/NIK", "Nama lengkap", "Unit kerja",
                  f"Link repost konten 1 ({K1})", f"Link repost konten 2 {K2}", f"Bukti sebar konten Dinkes {K3}"])
    rows = [
        ("01/12/2026 09.05.11", SITI, "Siti Rahayu", "Dinkes",
         "https://www.instagram.com/stories/siti.rahayu/3300000000000000001/",
         "https://www.tiktok.com/@siti_rahayu/video/7312000000000000101", "https://www.instagram.com/p/CsitiDinkes1/"),
        ("01/12/2026 10.15.00", RUDI, "Rudi Hartono", "Puskesmas",
         "https://www.instagram.com/p/CrudiRepost1/?igsh=abc", "", "-"),
        ("01/12/2026 11.00.00", MAYA_NIK, "Maya Sari", "Disdik",
         "https://www.instagram.com/stories/siti.rahayu/3300000000000000002/", "", ""),
        ("01/12/2026 12.30.00", JOKO, "Joko Susilo", "SMPN 1", K1, "", ""),
        ("01/12/2026 13.00.00", "19990909", "Tanpa NIP", "?", "https://www.instagram.com/p/Cxxxxxxxxx1/", "", ""),
    ]
    for row in rows:
        sheet.append(list(row))
    for row in sheet.iter_rows(min_row=2, max_col=2, min_col=2):
        row[0].number_format = "@"
    book.save(HERE / "bukti_google_form.xlsx")


def bukti_panjang():
    with open(HERE / "bukti_panjang.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["NIP", "NIK", "Konten", "Tautan bukti", "Platform", "Waktu"])
        writer.writerow([SITI, "", K1, "https://www.instagram.com/stories/siti.rahayu/3300000000000000009/", "",
                         "01-12-2026 08:00"])
        writer.writerow([JOKO, "", K1, "https://www.instagram.com/p/CjokoRepost1/", "Instagram", "01-12-2026 08:30"])
        writer.writerow([RUDI, "", K3, "https://vt.tiktok.com/ZSxyz987/", "", "01-12-2026 09:00"])
        writer.writerow([JOKO, "", K3, "https://www.instagram.com/p/CjokoDinkes1/", "", "01-12-2026 09:30"])


if __name__ == "__main__":
    konten_daftar()
    bukti_google_form()
    bukti_panjang()
