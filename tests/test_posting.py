"""Official accounts' posts (DESIGN §10): every source, the owner check,
uploading again, bad files, the upload page, the command, the figures and
the lists, and a post made a content to spread."""

import datetime
import io
import json
import zipfile
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from registry import keaktifan, posting, sheets
from registry.models import AkunMedsos, Impor, JenisPosting, Konten, Posting, StatusImpor
from tests.conftest import make_akun
from tests.data.make_posting import FEED, REELS, STORIES

DATA = Path(__file__).parent / "data" / "posting"
UTC = datetime.UTC


@pytest.fixture
def world(tree):
    """@humas.uji (Instagram, TikTok) of the regency; @dinkes.uji (Instagram) of Dinas Kesehatan."""
    return SimpleNamespace(
        tree=tree,
        humas=make_akun(tree.pemda, "instagram", "humas.uji", wajib_diikuti=True),
        humas_tt=make_akun(tree.pemda, "tiktok", "humas.uji"),
        dinkes=make_akun(tree.dinkes, "instagram", "dinkes.uji"),
    )


def read(name, official):
    return posting.read((DATA / name).read_bytes(), name, official)


def kinds(found):
    return sorted((item.jenis, item.waktu) for item in found.items)


def expected(feed=FEED, reels=(), stories=()):
    return sorted([(JenisPosting.FEED, m) for m in feed] + [(JenisPosting.REELS, m) for m in reels]
                  + [(JenisPosting.STORY, m) for m in stories])


# Sources -------------------------------------------------------------------


def test_instagram_archive_of_the_newer_layout(world):
    found = read("instagram-humas.uji-2026-11-30-Pq7Rs2Tu.zip", world.humas)
    assert kinds(found) == expected(FEED, REELS, STORIES)
    assert found.owners == {"personal_information.json": "humas.uji",
                            "nama berkas instagram-humas.uji-2026-11-30-Pq7Rs2Tu.zip": "humas.uji"}
    assert {item.judul for item in found.items if item.jenis == JenisPosting.REELS} == {"Reels 1", "Reels 2"}


def test_instagram_archive_of_the_older_layout_and_its_mojibake(world):
    found = read("instagram_lama.zip", world.humas)
    assert kinds(found) == expected(FEED, stories=STORIES)
    assert "Peresmian Puskesmas \u2014 Sukamaju 1" in {item.judul for item in found.items}


def test_instagram_html_export_reads_the_times_in_the_units_zone(world):
    assert kinds(read("posts_1.html", world.humas)) == expected(FEED)


def test_another_accounts_archive_is_refused_naming_whose_it_is(world):
    with pytest.raises(sheets.FileRejected, match="data posting @dinkes.uji .*bukan @humas.uji"):
        read("instagram-dinkes.uji-2026-11-30-Ab1Cd2Ef.zip", world.humas)


def test_tiktok_export_reads_the_accounts_own_posts_only(world):
    found = read("tiktok_user_data.json", world.humas_tt)
    assert kinds(found) == sorted((JenisPosting.REELS, m) for m in FEED + REELS)
    assert sorted(item.tautan for item in found.items)[0] == "https://www.tiktok.com/@humas.uji/video/7312000000000000001"
    # The browsing history and likes beside the posts are other people's videos.
    assert not any("73999" in item.tautan for item in found.items)
    with pytest.raises(sheets.FileRejected, match="@humas.uji .*bukan @dinkes.uji"):
        read("tiktok_user_data.json", make_akun(world.tree.dinkes, "tiktok", "dinkes.uji"))


def test_meta_business_suite_in_english_and_indonesian(world):
    english = read("meta_business_suite.csv", world.humas)
    assert kinds(english) == expected(FEED, REELS)
    assert "https://www.instagram.com/reel/CmbsReel01/" in {item.tautan for item in english.items}
    indonesian = read("meta_business_suite_id.xlsx", world.humas)
    assert kinds(indonesian) == expected(FEED)
    assert posting.apply(world.humas, english.items) == 7
    # The same posts under the other language's headers: nothing new.
    assert posting.match(world.humas, indonesian.items).new == []


def test_plain_list_refuses_profiles_future_dates_and_other_accounts_posts(world):
    found = read("daftar_posting.xlsx", world.humas_tt)
    assert len(found.items) == 3
    reasons = dict(found.refused)
    assert "profil @humas.uji" in reasons["baris 6"]
    assert "masa depan" in reasons["baris 7"]
    assert "unggahan @dinkes.uji, bukan @humas.uji" in reasons["baris 8"]
    assert found.items[0].waktu == datetime.datetime(2026, 11, 3, 2, 30, tzinfo=UTC)


def test_the_same_or_an_overlapping_export_adds_only_new_posts(world):
    newer = read("instagram-humas.uji-2026-11-30-Pq7Rs2Tu.zip", world.humas)
    assert posting.apply(world.humas, newer.items) == 10
    assert posting.apply(world.humas, newer.items) == 0
    older = read("instagram_lama.zip", world.humas)
    assert posting.match(world.humas, older.items).new == []
    world.humas.refresh_from_db()
    assert world.humas.posting_terakhir == max(FEED + REELS + STORIES)
    assert world.humas.data_posting_diunggah is not None


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize("name,data,message", [
    ("potong.zip", (DATA / "instagram_lama.zip").read_bytes()[:300], "rusak"),
    ("posts_1.json", b'[{"media": [{"creation_timestamp": 17', "rusak"),
    ("posts_1.json", b"<html><body>Halaman masuk Instagram</body></html>", "tidak berisi posting"),
    ("kosong.zip", _zip({"content/liked_posts.json": "[]"}), "tidak berisi data posting"),
])
def test_bad_files_are_refused_with_what_to_do(world, name, data, message):
    with pytest.raises(sheets.FileRejected, match=message):
        posting.read(data, name, world.humas)


def test_items_without_a_time_or_out_of_range_are_refused_one_by_one(world):
    items = [{"media": [{"uri": "a.jpg"}]}, {"creation_timestamp": 946684800}, "rusak",
             {"creation_timestamp": 4102444800}, {"creation_timestamp": int(FEED[0].timestamp())},
             {"media": [[{"uri": "v.mp4", "creation_timestamp": int(FEED[1].timestamp())}]]}]
    found = posting.read(json.dumps(items).encode(), "posts_1.json", world.humas)
    assert [item.waktu for item in found.items] == FEED[:2]
    assert [why for _, why in found.refused] == [
        "waktu posting tidak terbaca",
        "waktu 01-01-2000 di luar rentang yang mungkin (sebelum 2004 atau di masa depan)",
        "waktu posting tidak terbaca",
        "waktu 01-01-2100 di luar rentang yang mungkin (sebelum 2004 atau di masa depan)",
    ]


def test_a_unit_in_another_zone_counts_its_own_days(world):
    world.tree.dinkes.zona_waktu = "Asia/Jayapura"
    world.tree.dinkes.save()
    late = datetime.datetime(2026, 11, 10, 16, 30, tzinfo=UTC)  # 01.30 WIT on the 11th, 23.30 WIB on the 10th
    posting.apply(world.dinkes, [posting.Item(late, JenisPosting.FEED)])
    day = datetime.date(2026, 11, 11)
    assert dict(keaktifan.strip(world.dinkes, today=day))[day] == 1
    assert dict(keaktifan.strip(world.humas, today=day)).get(day) == 0


# Figures and lists ---------------------------------------------------------


def test_figures_of_a_period(world):
    world.humas.target_posting = 3
    world.humas.save()
    start = datetime.date(2026, 11, 1)
    moments = [datetime.datetime(2026, 11, d, h, tzinfo=UTC) for d, h in ((1, 3), (2, 3), (2, 5), (9, 3))]
    posting.apply(world.humas, [posting.Item(m, JenisPosting.FEED) for m in moments]
                  + [posting.Item(datetime.datetime(2026, 11, 5, 3, tzinfo=UTC), JenisPosting.STORY)])
    world.humas.refresh_from_db()
    figures = keaktifan.figures(world.humas, start, start + datetime.timedelta(days=13))
    # The target counts feed and reels: the story is shown, not counted.
    assert (figures.by_kind[JenisPosting.FEED], figures.by_kind[JenisPosting.STORY]) == (4, 1)
    assert (figures.counted, figures.target, figures.met) == (4, 6, False)
    # Posts on the 1st, 2nd and 9th: 11 of 14 days without, 3rd–8th the longest gap.
    assert (figures.days_without, figures.longest_gap) == (11, 6)


def test_quiet_and_without_data_lists_in_scope(world, vina, oki):
    now = timezone.now()
    posting.apply(world.humas, [posting.Item(now - datetime.timedelta(days=20), JenisPosting.FEED)])
    posting.apply(world.dinkes, [posting.Item(now - datetime.timedelta(days=1), JenisPosting.FEED)])
    assert list(keaktifan.quiet(vina)) == [world.humas]
    assert list(keaktifan.without_data(vina)) == [world.humas_tt]
    # Oki sees Dinas Kesehatan's account only, which posts.
    assert list(keaktifan.quiet(oki)) == []
    AkunMedsos.objects.filter(pk=world.dinkes.pk).update(data_posting_diunggah=now - datetime.timedelta(days=40),
                                                        posting_terakhir=now - datetime.timedelta(days=41))
    assert list(keaktifan.without_data(oki)) == [world.dinkes]
    # Stale data says nothing of whether it still posts: listed once, as without data.
    assert list(keaktifan.quiet(oki)) == []


@pytest.mark.parametrize("suffix", ["", "_cetak", "_unduh"])
def test_list_pages_answer_in_a_fixed_number_of_queries(client, world, vina, suffix, django_assert_max_num_queries):
    now = timezone.now()
    for i in range(15):
        quiet = make_akun(world.tree.disdik, "instagram", f"sekolah{i}.uji")
        posting.apply(quiet, [posting.Item(now - datetime.timedelta(days=30 + i), JenisPosting.FEED)])
    client.force_login(vina)
    url = reverse(f"admin:registry_akunmedsos_keaktifan{suffix}", args=["tidak-aktif"])
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200
    if suffix == "_unduh":
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        assert sum(1 for row in sheet.iter_rows(values_only=True) if "sekolah" in str(row[3])) == 15
    else:
        assert response.content.decode().count("sekolah") == 15


def test_official_account_page_shows_figures_strip_and_weeks(client, world, vina, django_assert_max_num_queries):
    today = timezone.localdate()
    posting.apply(world.humas, [posting.Item(timezone.now() - datetime.timedelta(days=d), JenisPosting.FEED)
                                for d in (0, 1, 3, 40)])
    client.force_login(vina)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("admin:registry_akunmedsos_statistik", args=[world.humas.pk]))
    html = response.content.decode()
    assert 'id="strip-posting"' in html and 'id="grafik-mingguan"' in html
    assert html.count('class="ada"') == 4
    assert html.count('class="kosong"') == keaktifan.STRIP_DAYS - 4
    assert today.strftime("%Y-%m-%d") in html
    bad = client.get(reverse("admin:registry_akunmedsos_statistik", args=[world.humas.pk]), {"dari": "kemarin"})
    assert bad.context["angka"].days == 30
    ancient = client.get(reverse("admin:registry_akunmedsos_statistik", args=[world.humas.pk]), {"dari": "0001-01-01"})
    assert ancient.context["angka"].start == datetime.date(2004, 1, 1)


# The upload page and the command ------------------------------------------


def test_operator_uploads_for_their_units_account_and_not_for_another(client, world, oki):
    client.force_login(oki)
    url = reverse("admin:registry_akunmedsos_posting", args=[world.dinkes.pk])
    with open(DATA / "instagram-humas.uji-2026-11-30-Pq7Rs2Tu.zip", "rb") as upload:
        refused = client.post(url, {"berkas": upload})
    assert "data posting @humas.uji" in refused.content.decode()
    assert not Impor.objects.exists()
    # The regency's own account is outside Oki's units.
    assert client.get(reverse("admin:registry_akunmedsos_posting", args=[world.humas.pk])).status_code == 404

    with open(DATA / "instagram-dinkes.uji-2026-11-30-Ab1Cd2Ef.zip", "rb") as upload:
        preview = client.post(url, {"berkas": upload})
    assert preview.context["result"].new and not Posting.objects.exists()
    record = Impor.objects.get()
    done = client.post(url, {"impor": record.pk}, follow=True)
    assert "5 posting baru" in done.content.decode()
    assert Posting.objects.filter(akun=world.dinkes).count() == 5
    record.refresh_from_db()
    assert (record.status, record.rencana, record.baru) == (StatusImpor.SELESAI, None, 5)


def test_verifikator_cannot_confirm_another_users_preview(client, world, oki, vina):
    client.force_login(oki)
    url = reverse("admin:registry_akunmedsos_posting", args=[world.dinkes.pk])
    with open(DATA / "instagram-dinkes.uji-2026-11-30-Ab1Cd2Ef.zip", "rb") as upload:
        client.post(url, {"berkas": upload})
    client.force_login(vina)
    assert client.post(url, {"impor": Impor.objects.get().pk}).status_code == 404
    assert not Posting.objects.exists()


def test_import_posting_command(world):
    out = StringIO()
    path = DATA / "meta_business_suite.csv"
    call_command("import_posting", "instagram", "humas.uji", str(path), "--dry-run", stdout=out)
    assert "Posting baru: 7" in out.getvalue() and not Posting.objects.exists()
    call_command("import_posting", "instagram", "@humas.uji", str(path), stdout=out)
    assert Posting.objects.count() == 7
    with pytest.raises(CommandError, match="data posting @humas.uji"):
        call_command("import_posting", "instagram", "dinkes.uji", str(path), stdout=out)


# From post to content ------------------------------------------------------


def test_posts_with_a_link_become_contents_to_spread(client, world, vina):
    found = read("meta_business_suite.csv", world.humas)
    posting.apply(world.humas, found.items)
    posting.apply(world.humas, [posting.Item(STORIES[0], JenisPosting.STORY)])
    client.force_login(vina)
    chosen = list(Posting.objects.values_list("pk", flat=True))
    response = client.post(reverse("admin:registry_posting_changelist"),
                           {"action": "jadikan_konten", "_selected_action": chosen}, follow=True)
    assert "7 posting menjadi konten" in response.content.decode()
    assert "1 dilewati" in response.content.decode()
    konten = Konten.objects.get(tautan="https://www.instagram.com/reel/CmbsReel01/")
    assert (konten.akun, konten.terbit, konten.judul) == (world.humas, datetime.date(2026, 11, 12), "Reels 1")
    # Again: every one is a content already.
    again = client.post(reverse("admin:registry_posting_changelist"),
                        {"action": "jadikan_konten", "_selected_action": chosen}, follow=True)
    assert "0 posting menjadi konten" in again.content.decode()
    assert Konten.objects.count() == 7


def test_rekap_shows_each_units_official_accounts_by_activity(client, world, vina):
    now = timezone.now()
    posting.apply(world.humas, [posting.Item(now - datetime.timedelta(days=1), JenisPosting.FEED)])
    posting.apply(world.dinkes, [posting.Item(now - datetime.timedelta(days=12), JenisPosting.FEED)])
    client.force_login(vina)
    response = client.get(reverse("admin:registry_rekap"), {"instansi": world.tree.pemda.pk})
    rows = {row["nama"]: row["keaktifan"] for row in response.context["rows"]}
    assert vars(rows["Dinas Kesehatan"]) == {"akun": 1, "aktif": 0, "tidak_aktif": 1, "tanpa_data": 0}
    assert vars(response.context["total"]["keaktifan"]) == {"akun": 3, "aktif": 1, "tidak_aktif": 1,
                                                           "tanpa_data": 1}
    assert 'id="tabel-keaktifan"' in response.content.decode()
    assert "Akun resmi: 1 aktif dari 3; 1 tidak aktif, 1 belum ada data" in response.context["ringkasan"]
    download = client.get(reverse("admin:registry_rekap_unduh"), {"instansi": world.tree.pemda.pk})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(row for row in rows if row[0] == "UNIT")
    total = rows[-1]
    assert total[header.index("AKUN RESMI TIDAK AKTIF")] == 1
    assert total[header.index("AKUN RESMI BELUM ADA DATA")] == 1


def test_every_accounts_figures_for_a_period_in_a_fixed_number_of_queries(client, world, vina, oki,
                                                                          django_assert_max_num_queries):
    world.tree.disdik.zona_waktu = "Asia/Jayapura"
    world.tree.disdik.save()
    week = [datetime.datetime(2026, 11, d, 3, tzinfo=UTC) for d in (2, 3, 4)]
    posting.apply(world.humas, [posting.Item(m, JenisPosting.FEED) for m in week])
    posting.apply(world.dinkes, [posting.Item(week[0], JenisPosting.STORY)])
    for i in range(12):
        school = make_akun(world.tree.smpn1, "instagram", f"smp{i}.uji")
        # 16.30 UTC on the 1st is 01.30 WIT on the 2nd: inside the period for a unit in Papua.
        posting.apply(school, [posting.Item(datetime.datetime(2026, 11, 1, 16, 30, tzinfo=UTC), JenisPosting.FEED)])
    period = {"dari": "2026-11-02", "sampai": "2026-11-08"}
    client.force_login(vina)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("admin:registry_akunmedsos_keaktifan_periode"), period)
    figures = {str(akun): f for akun, f in response.context["figures"]}
    assert len(figures) == 15
    humas = figures["Instagram @humas.uji"]
    assert (humas.counted, humas.target, humas.met, humas.days_without, humas.longest_gap) == (3, 7, False, 4, 4)
    assert figures["Instagram @dinkes.uji"].by_kind[JenisPosting.STORY] == 1
    assert figures["Instagram @smp0.uji"].counted == 1
    # Oki sees Dinas Kesehatan's account only.
    client.force_login(oki)
    response = client.get(reverse("admin:registry_akunmedsos_keaktifan_periode"), period)
    assert [str(akun) for akun, _ in response.context["figures"]] == ["Instagram @dinkes.uji"]
    download = client.get(reverse("admin:registry_akunmedsos_keaktifan_periode_unduh"), period)
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = [row for row in sheet.iter_rows(values_only=True) if row[0] == "Dinas Kesehatan"]
    assert len(rows) == 1 and rows[0][5] == 1  # the story


def test_a_wrong_upload_is_removed_and_the_newest_post_counted_again(client, world, oki):
    now = timezone.now()
    posting.apply(world.dinkes, [posting.Item(now - datetime.timedelta(days=d), JenisPosting.FEED) for d in (1, 9)])
    posting.apply(world.humas, [posting.Item(now, JenisPosting.FEED)])
    client.force_login(oki)
    wrong = Posting.objects.get(akun=world.dinkes, waktu__gt=now - datetime.timedelta(days=2))
    others = list(Posting.objects.filter(akun=world.humas).values_list("pk", flat=True))
    response = client.post(reverse("admin:registry_posting_changelist"),
                           {"action": "hapus_posting", "_selected_action": [wrong.pk, *others]}, follow=True)
    assert "1 posting dihapus" in response.content.decode()
    # The regency's post was outside Oki's units: untouched.
    assert Posting.objects.filter(akun=world.humas).count() == 1
    world.dinkes.refresh_from_db()
    assert world.dinkes.posting_terakhir == Posting.objects.get(akun=world.dinkes).waktu
    assert list(keaktifan.quiet(oki)) == [world.dinkes]
