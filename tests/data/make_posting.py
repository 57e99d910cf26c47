"""Write the posting samples: python tests/data/make_posting.py

Shapes as the platforms document them (and as public code that reads the
exports spells them); every account, post and caption is invented. The
official accounts are those of tests/test_posting.py: @humas.uji on
Instagram and TikTok (Pemerintah Kabupaten Uji), @dinkes.uji on Instagram.

- ``posting/instagram-humas.uji-2026-11-30-Pq7Rs2Tu.zip``: the newer layout,
  ``your_instagram_activity/media/posts_1.json``, ``reels.json``,
  ``stories.json``, and ``personal_information/personal_information/
  personal_information.json`` naming the owner;
- ``posting/instagram_lama.zip``: the older layout, ``content/posts_1.json``
  and ``content/stories.json``, no profile, with a caption in Instagram's
  Latin-1 mojibake;
- ``posting/posts_1.html``: the HTML export of the same posts;
- ``posting/instagram-dinkes.uji-2026-11-30-Ab1Cd2Ef.zip``: another
  account's archive, to be refused for @humas.uji;
- ``posting/tiktok_user_data.json``: TikTok's export with the account's
  posts, and the browsing history and likes beside them that must not count;
- ``posting/meta_business_suite.csv`` (English headers) and
  ``posting/meta_business_suite_id.xlsx`` (Indonesian headers);
- ``posting/daftar_posting.xlsx``: a plain list of links and dates, with a
  profile link, a date in the future and another account's post among them.
"""

import csv
import datetime
import io
import json
import zipfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent / "posting"
UTC = datetime.UTC
# Five feed posts, two reels, three stories, in November 2026 (UTC).
FEED = [datetime.datetime(2026, 11, day, 2, 30, tzinfo=UTC) for day in (3, 6, 10, 17, 24)]
REELS = [datetime.datetime(2026, 11, day, 9, 0, tzinfo=UTC) for day in (12, 26)]
STORIES = [datetime.datetime(2026, 11, day, 11, 15, tzinfo=UTC) for day in (20, 21, 22)]


def _media(moment, uri, title):
    return {"uri": uri, "creation_timestamp": int(moment.timestamp()), "title": title,
            "media_metadata": {"photo_metadata": {"exif_data": [{"latitude": 0, "longitude": 0}]}}}


def instagram_posts(caption="Bupati meninjau pasar"):
    return [{"media": [_media(m, f"media/posts/202611/{i}.jpg", "")], "title": f"{caption} {i}",
             "creation_timestamp": int(m.timestamp())} for i, m in enumerate(FEED, 1)]


def instagram_reels():
    return {"ig_reels_media": [{"media": [_media(m, f"media/reels/202611/{i}.mp4", f"Reels {i}")]}
                               for i, m in enumerate(REELS, 1)]}


def instagram_stories():
    return {"ig_stories": [_media(m, f"media/stories/202611/{i}.jpg", "") for i, m in enumerate(STORIES, 1)]}


def profile(username):
    return {"profile_user": [{"media_map_data": {}, "string_map_data": {
        "Username": {"href": "", "value": username, "timestamp": 0},
        "Name": {"href": "", "value": "Humas", "timestamp": 0}}}]}


def _zip(path, members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content if isinstance(content, str) else json.dumps(content, indent=2))
    path.write_bytes(buffer.getvalue())


def instagram_archives():
    media = "your_instagram_activity/media/"
    _zip(HERE / "instagram-humas.uji-2026-11-30-Pq7Rs2Tu.zip", {
        f"{media}posts_1.json": instagram_posts(),
        f"{media}reels.json": instagram_reels(),
        f"{media}stories.json": instagram_stories(),
        "personal_information/personal_information/personal_information.json": profile("humas.uji"),
    })
    # Instagram writes UTF-8 as if each byte were a Latin-1 character.
    mojibake = "Peresmian Puskesmas \u2014 Sukamaju".encode().decode("latin-1")
    _zip(HERE / "instagram_lama.zip", {
        "content/posts_1.json": instagram_posts(mojibake),
        "content/stories.json": instagram_stories(),
    })
    _zip(HERE / "instagram-dinkes.uji-2026-11-30-Ab1Cd2Ef.zip", {
        f"{media}posts_1.json": instagram_posts("Senam sehat"),
        "personal_information/personal_information/personal_information.json": profile("dinkes.uji"),
    })


def instagram_html():
    items = "".join(
        f'<div class="pam"><div class="_3-95">Kegiatan {i}</div>'
        f'<div class="_3-94">{(m + datetime.timedelta(hours=7)).strftime("%b %d, %Y %I:%M %p").replace(" 0", " ")}'
        "</div></div>"
        for i, m in enumerate(FEED, 1)
    )
    (HERE / "posts_1.html").write_text(f"<html><head><title>Posts</title></head><body>{items}</body></html>")


def tiktok():
    def video(moment, number):
        return {"Date": moment.strftime("%Y-%m-%d %H:%M:%S"),
                "Link": f"https://www.tiktokv.com/share/video/73120000000000000{number:02d}/", "Likes": "12"}
    export = {
        "Profile": {"Profile Information": {"ProfileMap": {"userName": "humas.uji", "bioDescription": ""}}},
        "Post": {"Posts": {"VideoList": [video(m, i) for i, m in enumerate(FEED + REELS, 1)]}},
        "Activity": {
            "Video Browsing History": {"VideoList": [
                {"Date": "2026-11-05 10:00:00", "Link": "https://www.tiktokv.com/share/video/7399999999999999999/"}]},
            "Like List": {"ItemFavoriteList": [
                {"Date": "2026-11-05 10:00:00", "Link": "https://www.tiktokv.com/share/video/7399999999999999998/"}]},
        },
    }
    (HERE / "tiktok_user_data.json").write_text(json.dumps(export, indent=2))


def meta_business_suite():
    # Business Suite writes the page's local time, month first in English.
    local = datetime.timedelta(hours=7)
    with open(HERE / "meta_business_suite.csv", "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Post ID", "Account ID", "Account username", "Account name", "Description",
                         "Duration (sec)", "Publish time", "Permalink", "Post type", "Data comment"])
        for i, m in enumerate(FEED, 1):
            writer.writerow([f"1790000000000{i}", "1784", "humas.uji", "Humas Kabupaten Uji", f"Kegiatan {i}", "0",
                             (m + local).strftime("%m/%d/%Y %H:%M"), f"https://www.instagram.com/p/CmbsPost{i:02d}/",
                             "IG image", "Lifetime"])
        for i, m in enumerate(REELS, 1):
            writer.writerow([f"1791000000000{i}", "1784", "humas.uji", "Humas Kabupaten Uji", f"Reels {i}", "30",
                             (m + local).strftime("%m/%d/%Y %H:%M"), f"https://www.instagram.com/reel/CmbsReel{i:02d}/",
                             "IG reel", "Lifetime"])
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ID Postingan", "Nama pengguna akun", "Deskripsi", "Waktu publikasi", "Tautan permanen",
                  "Jenis postingan"])
    for i, m in enumerate(FEED, 1):
        sheet.append([f"1790000000000{i}", "humas.uji", f"Kegiatan {i}", (m + local).strftime("%d/%m/%Y %H:%M"),
                      f"https://www.instagram.com/p/CmbsPost{i:02d}/", "Gambar IG"])
    book.save(HERE / "meta_business_suite_id.xlsx")


def daftar_posting():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["DAFTAR POSTING AKUN RESMI — NOVEMBER 2026"])
    sheet.append(["No", "Tanggal", "Tautan", "Judul"])
    rows = [
        ("03/11/2026 09.30", "https://www.tiktok.com/@humas.uji/video/7312000000000000101?is_from_webapp=1",
         "Pasar murah"),
        ("2026-11-10 10:00", "https://www.tiktok.com/@humas.uji/video/7312000000000000102", "Senam pagi"),
        ("17 November 2026", "https://www.tiktok.com/@humas.uji/photo/7312000000000000103", "Foto kegiatan"),
        ("20/11/2026", "https://www.tiktok.com/@humas.uji", "Profil, bukan posting"),
        ("24/11/2099", "https://www.tiktok.com/@humas.uji/video/7312000000000000104", "Tanggal salah ketik"),
        ("25/11/2026", "https://www.tiktok.com/@dinkes.uji/video/7312000000000000105", "Posting akun lain"),
    ]
    for i, row in enumerate(rows, 1):
        sheet.append([i, *row])
    book.save(HERE / "daftar_posting.xlsx")


if __name__ == "__main__":
    HERE.mkdir(exist_ok=True)
    instagram_archives()
    instagram_html()
    tiktok()
    meta_business_suite()
    daftar_posting()
