"""Follower lists of official accounts: every format, preview, confirm, limits."""

import datetime
import re
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import formats, timezone

from registry import arsip, followers, sheets
from registry.models import Impor, Kepatuhan, Pegawai, StatusImpor, Verifikasi
from tests.conftest import SESSION_RENEWAL, make_akun, make_pegawai, verify

DATA = Path(__file__).parent / "data"


@pytest.fixture
def world(tree):
    """@humas.uji on Instagram and TikTok; Siti, Nur and Rudi with valid accounts."""
    humas = make_akun(tree.pemda, "instagram", "humas.uji", wajib_diikuti=True)
    humas_tt = make_akun(tree.pemda, "tiktok", "humas.uji", wajib_diikuti=True)
    people = {}
    for nama, handle in [("Siti", "siti.rahayu"), ("Nur", "nur.aini"), ("Rudi", "rudi.h")]:
        person = make_pegawai(tree.dinkes, nama)
        verify(make_akun(person, "instagram", handle), "VALID", checked=[])
        verify(make_akun(person, "tiktok", handle.replace(".", "_")), "VALID", [humas_tt])
        people[nama] = person
    # Rudi followed before; the new list no longer has him.
    people["Rudi"].akun.get(platform="instagram").mengikuti.add(humas)
    return SimpleNamespace(humas=humas, humas_tt=humas_tt, **people)


def handles_in(name, platform="instagram"):
    return followers.read((DATA / name).read_bytes(), name, platform)


@pytest.mark.parametrize(
    "name,expected,unreadable",
    [
        ("followers_1.json", {"siti.rahayu", "nur.aini", "warga.sukamaju"}, 0),
        ("followers_1.html", {"siti.rahayu", "nur.aini", "warga.sukamaju"}, 0),
        ("instagram_unduhan.zip", {"siti.rahayu", "nur.aini", "warga.sukamaju"}, 0),
        ("pengikut.txt", {"siti.rahayu", "nur.aini", "warga.sukamaju"}, 1),
        ("pengikut.csv", {"siti.rahayu", "nur.aini", "warga.sukamaju"}, 0),
        ("pengikut.xlsx", {"siti.rahayu", "nur.aini", "warga.sukamaju"}, 0),
    ],
)
def test_every_instagram_format_gives_the_same_followers(name, expected, unreadable):
    found = handles_in(name)
    assert (found.usernames, found.unreadable) == (expected, unreadable)


def test_tiktok_export():
    assert handles_in("tiktok_user_data.json", "tiktok").usernames == {"siti_rahayu", "warga_sukamaju"}


@pytest.mark.parametrize(
    "name,message",
    [
        ("bom_zip.zip", "terlalu besar"),
        ("dokumen_word.xlsx", "tidak berisi daftar pengikut"),
        ("rusak.xlsx", "rusak"),
        ("kosong.xlsx", "kosong"),
    ],
)
def test_bad_files_are_refused(monkeypatch, name, message):
    monkeypatch.setattr(arsip, "MAX_UNPACKED", 1024 * 1024)
    with pytest.raises(sheets.FileRejected, match=message):
        handles_in(name)


def upload(client, official, name):
    with open(DATA / name, "rb") as handle:
        return client.post(reverse("admin:registry_akunmedsos_pengikut", args=[official.pk]), {"berkas": handle})


def test_preview_then_confirm_sets_follows_for_the_whole_platform(client, world, vina):
    client.force_login(vina)
    preview = upload(client, world.humas, "instagram_unduhan.zip")
    result = preview.context["result"]
    assert (result.followers, len(result.found), len(result.absent), result.unregistered) == (3, 2, 1, 1)
    assert world.Rudi.akun.get(platform="instagram").mengikuti.filter(pk=world.humas.pk).exists()
    assert not Verifikasi.objects.filter(akun=world.humas).exists(), "nothing changes before confirm"

    record = preview.context["record"]
    response = client.post(
        reverse("admin:registry_akunmedsos_pengikut", args=[world.humas.pk]), {"impor": record.pk}
    )
    assert response.status_code == 302
    following = set(Pegawai.objects.filter(akun__mengikuti=world.humas).values_list("nama", flat=True))
    assert following == {"Siti", "Nur"}
    check = Verifikasi.objects.get(akun=world.humas)
    assert (check.sumber, check.jumlah_pengikut, check.pemeriksa) == ("DAFTAR_PENGIKUT", 3, vina)
    assert "instagram_unduhan.zip" in check.catatan
    record.refresh_from_db()
    assert (record.status, record.rencana, record.baru, record.berubah) == (StatusImpor.SELESAI, None, 2, 1)
    states = dict(Pegawai.objects.values_list("nama", "kepatuhan"))
    assert states == {"Siti": Kepatuhan.PATUH, "Nur": Kepatuhan.PATUH, "Rudi": Kepatuhan.BELUM_MENGIKUTI}


def test_cancel_changes_nothing(client, world, vina):
    client.force_login(vina)
    preview = upload(client, world.humas, "followers_1.json")
    client.post(
        reverse("admin:registry_akunmedsos_pengikut", args=[world.humas.pk]),
        {"impor": preview.context["record"].pk, "batal": "1"},
    )
    assert Impor.objects.get().status == StatusImpor.DIBATALKAN
    assert not Verifikasi.objects.filter(akun=world.humas).exists()


def test_operators_cannot_apply_follower_lists(client, world, oki):
    client.force_login(oki)
    assert upload(client, world.humas, "followers_1.json").status_code == 403


def test_bad_upload_shows_the_reason(client, world, vina):
    client.force_login(vina)
    response = upload(client, world.humas, "dokumen_word.xlsx")
    assert "tidak berisi daftar pengikut" in " ".join(response.context["form"].errors["berkas"])


def test_official_account_statistics(client, world, vina):
    client.force_login(vina)
    preview = upload(client, world.humas, "followers_1.json")
    client.post(reverse("admin:registry_akunmedsos_pengikut", args=[world.humas.pk]),
                {"impor": preview.context["record"].pk})
    page = client.get(reverse("admin:registry_akunmedsos_statistik", args=[world.humas.pk]))
    official = page.context["official"]
    assert (official.wajib_mengikuti, official.sudah_mengikuti) == (3, 2)
    assert [h["jumlah_pengikut"] for h in page.context["history"]] == [3]
    listing = client.get(reverse("admin:registry_akunmedsos_resmi"))
    rows = {a.pk: (a.wajib_mengikuti, a.sudah_mengikuti) for a in listing.context["accounts"]}
    assert rows[world.humas.pk] == (3, 2) and rows[world.humas_tt.pk] == (3, 3)


def test_official_account_list_runs_a_fixed_number_of_queries(client, world, vina, django_assert_max_num_queries):
    client.force_login(vina)
    with django_assert_max_num_queries(6 + SESSION_RENEWAL):
        assert client.get(reverse("admin:registry_akunmedsos_resmi")).status_code == 200


def test_command_line(world):
    out = StringIO()
    call_command("import_followers", "instagram", "@humas.uji", str(DATA / "followers_1.json"), "--dry-run", stdout=out)
    assert "Akun pegawai terdaftar yang ada di daftar: 2" in out.getvalue()
    assert not Verifikasi.objects.filter(akun=world.humas).exists()
    call_command("import_followers", "instagram", "humas.uji", str(DATA / "followers_1.json"), stdout=StringIO())
    assert Verifikasi.objects.get(akun=world.humas).jumlah_pengikut == 3
    with pytest.raises(CommandError, match="tidak terdaftar"):
        call_command("import_followers", "x", "entah", str(DATA / "followers_1.json"))


def test_a_mangled_preview_id_is_not_found(client, world, vina):
    client.force_login(vina)
    url = reverse("admin:registry_akunmedsos_pengikut", args=[world.humas.pk])
    assert client.post(url, {"impor": "abc"}).status_code == 404
    assert not Verifikasi.objects.filter(akun=world.humas).exists()


@pytest.mark.parametrize(
    "name,platform,owner,source",
    [
        ("unduhan_dinkes.zip", "instagram", "dinkes.uji", "personal_information.json"),
        ("tiktok_dinkes.json", "tiktok", "dinkes_uji", "profil di tiktok_dinkes.json"),
    ],
)
def test_the_export_says_whose_list_it_is(name, platform, owner, source):
    found = handles_in(name, platform)
    assert found.owners == {source: owner}
    assert owner not in found.usernames, "the exporting account is not its own follower"


def test_an_instagram_archive_name_says_whose_it_is():
    data = (DATA / "instagram_unduhan.zip").read_bytes()
    found = followers.read(data, "instagram-Humas.Uji-2026-11-21-Xk3Lm9Qa.zip", "instagram")
    assert found.owners == {"nama berkas instagram-Humas.Uji-2026-11-21-Xk3Lm9Qa.zip": "humas.uji"}
    assert followers.read(data, "instagram_unduhan.zip", "instagram").owners == {}


def test_a_list_of_another_account_is_refused(client, world, vina):
    client.force_login(vina)
    for official, name, says in [
        (world.humas, "unduhan_dinkes.zip", "@dinkes.uji (menurut personal_information.json)"),
        (world.humas_tt, "tiktok_dinkes.json", "@dinkes_uji (menurut profil di tiktok_dinkes.json)"),
    ]:
        response = upload(client, official, name)
        errors = " ".join(response.context["form"].errors["berkas"])
        assert f"Berkas ini daftar pengikut {says}, bukan @humas.uji" in errors
        assert "result" not in response.context
    renamed = DATA / "instagram-humas.uji-2026-11-21-Xk3Lm9Qa.zip"
    other = make_akun(world.humas.instansi, "instagram", "dinkes.uji", wajib_diikuti=True)
    errors = upload(client, other, renamed.name).context["form"].errors["berkas"]
    assert "Berkas ini daftar pengikut @humas.uji (menurut personal_information.json), bukan @dinkes.uji" in errors[0]
    assert not Impor.objects.exists() and not Verifikasi.objects.filter(akun__instansi__isnull=False).exists()
    # Its own account's archive goes through.
    assert upload(client, world.humas, renamed.name).context["result"].followers == 3


def test_a_large_drop_in_followers_needs_a_tick(client, world, vina):
    Verifikasi.objects.create(akun=world.humas, hasil="VALID", jumlah_pengikut=4)
    client.force_login(vina)
    url = reverse("admin:registry_akunmedsos_pengikut", args=[world.humas.pk])
    preview = upload(client, world.humas, "followers_1.json")
    html = preview.content.decode()
    assert preview.context["turun"] == 25 and "Jumlah pengikut turun 25%" in html
    assert 'name="turun_diperiksa"' in html

    refused = client.post(url, {"impor": preview.context["record"].pk})
    assert refused.status_code == 200 and refused.context["turun_belum_dicentang"]
    assert "Centang kotak di bawah" in refused.content.decode()
    assert not Verifikasi.objects.filter(akun=world.humas, sumber="DAFTAR_PENGIKUT").exists()

    applied = client.post(url, {"impor": preview.context["record"].pk, "turun_diperiksa": "1"})
    assert applied.status_code == 302
    assert Verifikasi.objects.get(akun=world.humas, sumber="DAFTAR_PENGIKUT").jumlah_pengikut == 3


def test_a_small_drop_needs_no_tick(client, world, vina):
    Verifikasi.objects.create(akun=world.humas, hasil="VALID", jumlah_pengikut=3)
    client.force_login(vina)
    preview = upload(client, world.humas, "followers_1.json")
    assert not preview.context["turun"] and 'name="turun_diperiksa"' not in preview.content.decode()
    url = reverse("admin:registry_akunmedsos_pengikut", args=[world.humas.pk])
    assert client.post(url, {"impor": preview.context["record"].pk}).status_code == 302


def test_command_line_refuses_the_wrong_account_and_an_unchecked_drop(world):
    with pytest.raises(CommandError, match="bukan @humas.uji"):
        call_command("import_followers", "instagram", "humas.uji", str(DATA / "unduhan_dinkes.zip"))
    Verifikasi.objects.create(akun=world.humas, hasil="VALID", jumlah_pengikut=40)
    with pytest.raises(CommandError, match="turun dari 40 menjadi 3"):
        call_command("import_followers", "instagram", "humas.uji", str(DATA / "followers_1.json"), stdout=StringIO())
    call_command("import_followers", "instagram", "humas.uji", str(DATA / "followers_1.json"), "--turun-diperiksa",
                 stdout=StringIO())
    assert Verifikasi.objects.filter(akun=world.humas, sumber="DAFTAR_PENGIKUT").get().jumlah_pengikut == 3


def test_follower_chart_has_dated_axes_from_zero(client, world, vina):
    for days, count in [(30, 36120), (9, 37538), (2, 37902)]:
        Verifikasi.objects.create(akun=world.humas, hasil="VALID", jumlah_pengikut=count,
                                  waktu=timezone.now() - datetime.timedelta(days=days))
    client.force_login(vina)
    html = client.get(reverse("admin:registry_akunmedsos_statistik", args=[world.humas.pk])).content.decode()
    assert 'id="grafik-pengikut"' in html
    assert ">0</text>" in html and ">50.000</text>" in html, "the y axis starts at zero, up to a round top"
    first = formats.date_format(timezone.localdate() - datetime.timedelta(days=30), "j M Y")
    assert f">{first}</text>" in html, "the x axis is dated"
    assert ">37.538<" in html, "thousand separators in the table"
    # Points are placed by date: the gap of 21 days is wider than the gap of 7.
    xs = [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', html)]
    assert xs[1] - xs[0] > 2 * (xs[2] - xs[1])
