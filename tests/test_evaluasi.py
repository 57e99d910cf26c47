"""Evaluation lists, recap, home page: scope, filters, counts, queries."""

import base64
import io
import re
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registry.kemajuan import record_day
from registry.kepatuhan import kepatuhan_expression
from registry.models import Instansi, Kepatuhan, Pegawai, Pengaturan
from tests.conftest import SESSION_RENEWAL, assert_fixed_queries, make_akun, make_pegawai, posted, verify


@pytest.fixture
def world(tree):
    """One employee per state in DINKES/PKM, and in DISDIK/SMPN1."""
    humas = make_akun(tree.pemda, "instagram", "humas.uji", wajib_diikuti=True)
    people = {}
    for unit, suffix in [(tree.dinkes, "Dinkes"), (tree.pkm, "Puskesmas"), (tree.disdik, "Disdik"), (tree.smpn1, "SMP")]:
        people[f"tanpa_{suffix}"] = make_pegawai(unit, f"Tanpa Akun {suffix}")
        unverified = make_pegawai(unit, f"Belum Dicek {suffix}")
        make_akun(unverified, "tiktok")
        people[f"belum_{suffix}"] = unverified
        lazy = make_pegawai(unit, f"Tidak Ikut {suffix}", status="NON_ASN")
        verify(make_akun(lazy, "instagram"), "VALID", [])
        people[f"lazy_{suffix}"] = lazy
        good = make_pegawai(unit, f"Patuh {suffix}")
        verify(make_akun(good, "instagram"), "VALID", [humas])
        people[f"good_{suffix}"] = good
    make_pegawai(tree.dinkes, "Pensiunan", aktif=False)
    return SimpleNamespace(humas=humas, **people)


def names(response):
    return {p.nama for p in response.context["page"]}


def evaluasi(client, jenis="tidak-patuh", **query):
    return client.get(reverse("admin:registry_evaluasi", args=[jenis]), query)


def test_each_question_lists_its_state(client, world, vina):
    client.force_login(vina)
    assert names(evaluasi(client, "belum-punya-akun")) == {
        "Tanpa Akun Dinkes", "Tanpa Akun Puskesmas", "Tanpa Akun Disdik", "Tanpa Akun SMP"}
    assert all(n.startswith("Belum Dicek") for n in names(evaluasi(client, "belum-diverifikasi")))
    assert all(n.startswith("Tidak Ikut") for n in names(evaluasi(client, "belum-mengikuti")))
    everyone = names(evaluasi(client))
    assert len(everyone) == 12 and not any(n.startswith(("Patuh", "Pensiunan")) for n in everyone)


def test_scope_and_sub_units(client, world, tree, oki, dedi):
    client.force_login(oki)
    assert {n.split()[-1] for n in names(evaluasi(client))} == {"Dinkes", "Puskesmas"}
    assert names(evaluasi(client, instansi=tree.pkm.pk)) == {
        "Tanpa Akun Puskesmas", "Belum Dicek Puskesmas", "Tidak Ikut Puskesmas"}
    client.force_login(dedi)
    assert {n.split()[-1] for n in names(evaluasi(client))} == {"Disdik", "SMP"}


@pytest.mark.parametrize("query", [{"instansi": "99999"}, {"status_kepegawaian": "PEGAWAI_TETAP"},
                                   {"platform": "myspace"}, {"kepatuhan": "PATUH"}])
def test_an_invalid_filter_shows_an_error_never_the_whole_list(client, world, vina, query):
    client.force_login(vina)
    page = evaluasi(client, **query)
    assert not page.context["valid"] and names(page) == set()
    assert "Saringan tidak sah" in page.content.decode()
    assert client.get(reverse("admin:registry_evaluasi_cetak", args=["tidak-patuh"]), query).status_code == 404
    assert client.get(reverse("admin:registry_evaluasi_unduh", args=["tidak-patuh"]), query).status_code == 404


def test_another_agencys_unit_is_an_invalid_filter(client, world, tree, oki):
    client.force_login(oki)
    page = evaluasi(client, instansi=tree.disdik.pk)
    assert not page.context["valid"] and names(page) == set()


def test_status_and_platform_filters(client, world, vina):
    client.force_login(vina)
    assert names(evaluasi(client, status_kepegawaian="NON_ASN")) == {
        "Tidak Ikut Dinkes", "Tidak Ikut Puskesmas", "Tidak Ikut Disdik", "Tidak Ikut SMP"}
    # Without a TikTok account: everyone but the four who have one.
    no_tiktok = names(evaluasi(client, "belum-punya-akun", platform="tiktok"))
    assert len(no_tiktok) == 12 and not any(n.startswith("Belum Dicek") for n in no_tiktok)
    assert names(evaluasi(client, kepatuhan="BELUM_DIVERIFIKASI")) == names(evaluasi(client, "belum-diverifikasi"))


def downloaded(response):
    """(title lines, table rows) of a downloaded list: above its header row, and below."""
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] in ("NO", "UNIT"))
    return [row[0] for row in rows[:header] if row[0]], rows[header + 1:]


def test_print_and_excel_hold_the_same_rows(client, world, tree, vina):
    tree.dinkes.kepala_jabatan, tree.dinkes.kepala_nama, tree.dinkes.kepala_nip = (
        "Kepala Dinas Kesehatan", "dr. Kepala Dinkes", "197001011995031001")
    tree.dinkes.save()
    client.force_login(vina)
    printed = client.get(reverse("admin:registry_evaluasi_cetak", args=["tidak-patuh"]), {"instansi": tree.pkm.pk})
    html = printed.content.decode()
    assert "PEMERINTAH KABUPATEN SUKAMAJU" in html
    assert "Instansi: UPTD Puskesmas Kota beserta sub-unitnya" in html
    assert "dr. Kepala Dinkes" in html and "NIP. 19700101 199503 1 001" in html, "signed by the nearest head"
    assert html.count("<tr>") - 1 == 3
    excel = client.get(reverse("admin:registry_evaluasi_unduh", args=["tidak-patuh"]), {"instansi": tree.pkm.pk})
    title, table = downloaded(excel)
    assert title[0] == "PEGAWAI YANG BELUM MEMENUHI KEWAJIBAN MEDIA SOSIAL — UPTD PUSKESMAS KOTA"
    assert "Instansi: UPTD Puskesmas Kota beserta sub-unitnya" in title
    assert {row[3] for row in table} == {
        "Tanpa Akun Puskesmas", "Belum Dicek Puskesmas", "Tidak Ikut Puskesmas"}
    assert re.fullmatch(r"attachment; filename=\"evaluasi-tidak-patuh-pkm-\d{4}-\d{2}-\d{2}\.xlsx\"",
                        excel["Content-Disposition"])


def test_operators_list_is_signed_by_its_own_head(client, world, tree, oki):
    tree.dinkes.kepala_nama = "dr. Kepala Dinkes"
    tree.dinkes.save()
    Pengaturan.objects.update_or_create(pk=1, defaults={"ttd_nama": "Kepala BKD"})
    client.force_login(oki)
    html = client.get(reverse("admin:registry_evaluasi_cetak", args=["tidak-patuh"])).content.decode()
    assert "dr. Kepala Dinkes" in html and "Kepala BKD" not in html


@pytest.mark.parametrize("view", ["admin:registry_evaluasi", "admin:registry_evaluasi_cetak",
                                  "admin:registry_evaluasi_unduh"])
@pytest.mark.parametrize("persona", ["vina", "oki"])
def test_lists_run_a_fixed_number_of_queries(client, world, tree, view, persona, request):
    client.force_login(request.getfixturevalue(persona))

    def grow():
        for i in range(60):
            make_pegawai(tree.pkm if i % 2 else tree.smpn1, f"Tambahan {i}")

    # Fixed: the Keterangan of a whole batch of rows takes three queries,
    # the print's unit headings one more.
    assert_fixed_queries(client, reverse(view, args=["tidak-patuh"]), {}, grow, most=16 + SESSION_RENEWAL)


# Rekap -----------------------------------------------------------------------


def independent_counts(units):
    staff = list(Pegawai.objects.filter(aktif=True, instansi__in=units).annotate(kini=kepatuhan_expression()))
    states = [p.kini for p in staff]
    return {
        "aktif": len(staff),
        "punya_akun": sum(s != Kepatuhan.BELUM_PUNYA_AKUN for s in states),
        "terverifikasi": sum(s in (Kepatuhan.BELUM_MENGIKUTI, Kepatuhan.PATUH) for s in states),
        "patuh": sum(s == Kepatuhan.PATUH for s in states),
        "tanpa_akun": sum(s == Kepatuhan.BELUM_PUNYA_AKUN for s in states),
    }


def test_rekap_rows_and_total_match_an_independent_count(client, world, tree, vina):
    client.force_login(vina)
    page = client.get(reverse("admin:registry_rekap"), {"instansi": tree.pemda.pk})
    rows = {row["nama"]: row for row in page.context["rows"]}
    keys = ["aktif", "punya_akun", "terverifikasi", "patuh", "tanpa_akun"]
    assert {k: rows["Dinas Kesehatan"][k] for k in keys} == independent_counts([tree.dinkes, tree.pkm])
    assert {k: rows["Dinas Pendidikan"][k] for k in keys} == independent_counts([tree.disdik, tree.smpn1])
    total = page.context["total"]
    assert {k: total[k] for k in keys} == independent_counts(Instansi.objects.all())
    assert total["patuh_persen"] == 25.0
    assert rows["Dinas Kesehatan"]["punya_akun_persen"] == 75.0


def test_rekap_by_status_and_for_an_operator(client, world, tree, oki):
    client.force_login(oki)
    page = client.get(reverse("admin:registry_rekap"))
    assert page.context["unit"] == tree.dinkes
    assert [row["nama"] for row in page.context["rows"]] == ["Dinas Kesehatan (langsung)", "UPTD Puskesmas Kota"]
    assert page.context["total"]["aktif"] == 8
    page = client.get(reverse("admin:registry_rekap"), {"instansi": tree.dinkes.pk, "status_kepegawaian": "NON_ASN"})
    assert page.context["total"]["aktif"] == 2
    page = client.get(reverse("admin:registry_rekap"), {"instansi": tree.disdik.pk})
    assert page.context["unit"] is None and "Saringan tidak sah" in page.content.decode()
    assert client.get(reverse("admin:registry_rekap_cetak"), {"instansi": tree.disdik.pk}).status_code == 404


def test_rekap_print_and_excel(client, world, tree, vina):
    client.force_login(vina)
    html = client.get(reverse("admin:registry_rekap_cetak"), {"instansi": tree.pemda.pk}).content.decode()
    assert "Dinas Kesehatan" in html and "<svg" in html and "Mengetahui," in html
    default = client.get(reverse("admin:registry_rekap_cetak")).content.decode()
    assert "Instansi: Pemerintah Kabupaten Uji beserta sub-unitnya · Status kepegawaian: semua" in default
    excel = client.get(reverse("admin:registry_rekap_unduh"), {"instansi": tree.pemda.pk})
    assert re.search(r'filename="rekap-kepatuhan-pemkab-\d{4}-\d{2}-\d{2}\.xlsx"', excel["Content-Disposition"])
    title, rows = downloaded(excel)
    assert title[0] == "REKAPITULASI KEPATUHAN MEDIA SOSIAL PEGAWAI — PEMERINTAH KABUPATEN UJI"
    assert rows[-1][0] == "JUMLAH" and rows[-1][1] == 16


@pytest.mark.parametrize("view", ["admin:registry_rekap", "admin:registry_rekap_cetak", "admin:registry_rekap_unduh"])
def test_rekap_runs_a_fixed_number_of_queries(client, world, tree, vina, view):
    client.force_login(vina)

    def grow():
        for i in range(15):
            unit = Instansi.objects.create(kode=f"SD{i}", nama=f"SD Negeri {i}", induk=tree.pemda)
            make_pegawai(unit, f"Guru {i}")

    record_day()  # the night's catat_rekap ran
    # Twelve for compliance, three for spreading (the period's contents, active staff, proofs counted),
    # two for the official accounts' activity (the accounts, the settings that say "aktif").
    assert_fixed_queries(client, reverse(view), {"instansi": tree.pemda.pk}, grow, most=17 + SESSION_RENEWAL)


# Beranda ---------------------------------------------------------------------


def test_home_page_figures_agree_with_the_rekap(client, world, tree, vina, oki):
    client.force_login(vina)
    home = client.get(reverse("admin:index")).content.decode()
    assert '<strong id="angka-aktif">16</strong>' in home
    assert '<strong id="angka-patuh">25,0%</strong>' in home
    assert '<strong id="angka-menunggu">4</strong>' in home
    assert reverse("admin:registry_akunmedsos_antrean") in home
    client.force_login(oki)
    home = client.get(reverse("admin:index")).content.decode()
    assert '<strong id="angka-aktif">8</strong>' in home
    assert reverse("admin:registry_akunmedsos_antrean") not in home


def test_operators_print_and_excel_stay_in_scope(client, world, tree, dedi):
    client.force_login(dedi)
    html = client.get(reverse("admin:registry_evaluasi_cetak", args=["tidak-patuh"])).content.decode()
    excel = client.get(reverse("admin:registry_evaluasi_unduh", args=["tidak-patuh"]))
    title, table = downloaded(excel)
    printed = {row[3] for row in table}
    assert printed == {n for n in names(evaluasi(client))}
    assert printed and all(n.endswith(("Disdik", "SMP")) for n in printed)
    assert "Dinkes" not in html and "Puskesmas" not in html
    # Whose list it is, not "semua instansi" on a list of one dinas.
    assert "Instansi: Dinas Pendidikan beserta sub-unitnya" in html and "semua instansi" not in html
    assert '<h1 class="subjudul">Dinas Pendidikan</h1>' in html
    assert title[0].endswith("— DINAS PENDIDIKAN") and "Instansi: Dinas Pendidikan beserta sub-unitnya" in title
    assert client.get(reverse("admin:registry_rekap_unduh"), {"instansi": tree.dinkes.pk}).status_code == 404


def test_letterhead_is_edited_in_the_admin(client, world, ani):
    client.force_login(ani)
    settings_url = reverse("admin:registry_pengaturan_changelist")
    change = client.get(settings_url)
    assert change.status_code == 302 and change["Location"].endswith("/1/change/")
    data = {"kop_pemda": "PEMERINTAH PROVINSI SUMATERA SELATAN", "kop_instansi": "BADAN KEPEGAWAIAN DAERAH",
            "kop_alamat": "Jalan Kapten A. Rivai", "tempat": "Palembang", "ttd_jabatan": "Kepala BKD",
            "ttd_nama": "Drs. Kepala", "ttd_nip": "196801011990031001", "kedaluwarsa_hari": "90"}
    assert client.post(change["Location"], posted(client.get(change["Location"]), **data)).status_code == 302
    html = client.get(reverse("admin:registry_evaluasi_cetak", args=["tidak-patuh"])).content.decode()
    assert "PEMERINTAH PROVINSI SUMATERA SELATAN" in html and "Palembang, " in html
    assert Pengaturan.objects.count() == 1
    form = client.get(change["Location"]).content.decode()
    assert 'name="kop_instansi"' in form and 'size="80"' in form, "letterhead lines fit their field"


def test_a_logo_prints_at_the_left_of_the_letterhead(client, world, ani, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(ani)
    url = reverse("admin:registry_pengaturan_change", args=[Pengaturan.current().pk])
    data = {"kop_pemda": "PEMERINTAH KABUPATEN SUKAMAJU", "kop_instansi": "BKPSDM", "kop_alamat": "",
            "tempat": "Sukamaju", "ttd_jabatan": "Kepala BKD", "ttd_nama": "", "ttd_nip": "", "kedaluwarsa_hari": "180"}
    data = posted(client.get(url), **data)
    too_big = SimpleUploadedFile("logo.png", b"\x89PNG" + b"0" * (600 * 1024), content_type="image/png")
    refused = client.post(url, {**data, "kop_logo": too_big})
    assert "Logo paling besar 512 KB" in refused.content.decode()
    logo = SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n-logo-", content_type="image/png")
    assert client.post(url, {**data, "kop_logo": logo}).status_code == 302
    html = client.get(reverse("admin:registry_evaluasi_cetak", args=["tidak-patuh"])).content.decode()
    assert '<img class="logo" src="data:image/png;base64,' in html
    assert base64.b64encode(b"\x89PNG\r\n\x1a\n-logo-").decode() in html


def test_keterangan_names_what_each_person_lacks(client, tree, vina, django_assert_max_num_queries):
    """Staff of Dinas Kesehatan must follow @humas.uji and @dinkes.uji; the
    list says which one each person still misses, on screen, in print and in Excel."""
    humas = make_akun(tree.pemda, "instagram", "humas.uji", wajib_diikuti=True)
    make_akun(tree.dinkes, "instagram", "dinkes.uji", wajib_diikuti=True)
    make_akun(tree.dinkes, "tiktok", "dinkes_tt", wajib_diikuti=True)
    siti, rudi, nur = (make_pegawai(tree.dinkes, n) for n in ("Siti", "Rudi", "Nur"))
    verify(make_akun(siti, "instagram", "siti.ig"), "VALID", [humas])
    verify(make_akun(siti, "tiktok", "siti.tt"), "VALID", checked=[])
    verify(make_akun(rudi, "instagram", "rudi.ig"), "TIDAK_DITEMUKAN", checked=[])
    make_akun(rudi, "tiktok", "rudi.tt")
    expected = {
        "Siti": "Belum mengikuti IG @dinkes.uji, TikTok @dinkes_tt",
        "Rudi": "Belum ada akun terverifikasi valid: IG @rudi.ig (tidak ditemukan), TikTok @rudi.tt (belum diperiksa)",
        "Nur": "Belum mendaftarkan akun",
    }
    client.force_login(vina)
    url = reverse("admin:registry_evaluasi", args=["tidak-patuh"])
    with django_assert_max_num_queries(16):
        page = client.get(url)
    assert {p.nama: said for _, p, _, said in page.context["rows"]} == expected
    # In print the unit's heading names what its staff must follow; a line
    # names a handle only where the platform alone does not say which.
    html = client.get(reverse("admin:registry_evaluasi_cetak", args=["tidak-patuh"])).content.decode()
    assert "wajib diikuti: IG @dinkes.uji, IG @humas.uji, TikTok @dinkes_tt" in html
    for said in ("Belum mengikuti IG @dinkes.uji, TikTok<", "Akun IG tidak ditemukan; TikTok belum diperiksa<",
                 "Belum mendaftarkan akun<"):
        assert said in html
    _, table = downloaded(client.get(reverse("admin:registry_evaluasi_unduh", args=["tidak-patuh"])))
    assert {row[3]: row[-1] for row in table} == expected

    # Asked of one platform, only that platform's accounts are named.
    tiktok = client.get(url, {"platform": "tiktok"})
    assert {p.nama: said for _, p, _, said in tiktok.context["rows"]} == {
        "Siti": "Belum mengikuti TikTok @dinkes_tt",
        "Rudi": "Belum ada akun terverifikasi valid: TikTok @rudi.tt (belum diperiksa)",
        "Nur": "Belum mendaftarkan akun TikTok",
    }


def test_state_drop_down_offers_every_state_once(client, tree, vina):
    client.force_login(vina)
    html = client.get(reverse("admin:registry_evaluasi", args=["tidak-patuh"])).content.decode()
    assert html.count("Semua keadaan") == 1
    assert html.count(">Belum mengikuti akun resmi<") == 1
