"""Progress over time: the daily record, the recap's comparison, the home
page's chart, and the nightly proof that what is stored is true."""

import datetime
import io
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, timezone

from registry.kemajuan import record_day
from registry.kepatuhan import misplaced
from registry.models import AkunMedsos, Kepatuhan, Pegawai, RekapHarian, RekapUnit
from tests.conftest import make_akun, make_pegawai, verify

K = Kepatuhan


@pytest.fixture
def world(tree):
    """Four DINKES staff and two DISDIK staff, none with an account; the root requires its Instagram."""
    humas = make_akun(tree.pemda, "instagram", "humas.uji", wajib_diikuti=True)
    dinkes = [make_pegawai(tree.dinkes if i < 2 else tree.pkm, f"Staf Dinkes {i}") for i in range(4)]
    disdik = [make_pegawai(tree.disdik, f"Guru {i}") for i in range(2)]
    return humas, dinkes, disdik


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


def comply(pegawai, humas):
    verify(make_akun(pegawai, "instagram"), "VALID", [humas])


def rekap(client, view="admin:registry_rekap", **query):
    return client.get(reverse(view), query)


# catat_rekap ---------------------------------------------------------------


def test_catat_rekap_records_subtree_totals_once_a_day(world, tree):
    out = StringIO()
    call_command("catat_rekap", stdout=out)
    assert "dicatat" in out.getvalue()
    first = set(RekapHarian.objects.values_list("instansi__kode", "status_kepegawaian", "aktif", "patuh"))
    assert ("PEMDA", "PNS", 6, 0) in first and ("DINKES", "PNS", 4, 0) in first and ("PKM", "PNS", 2, 0) in first
    call_command("catat_rekap", stdout=StringIO())
    assert set(RekapHarian.objects.values_list("instansi__kode", "status_kepegawaian", "aktif", "patuh")) == first
    assert RekapHarian.objects.count() == len(first), "a second run the same day replaces, never adds"
    comply(world[1][0], world[0])
    call_command("catat_rekap", stdout=StringIO())
    assert RekapHarian.objects.get(instansi=tree.pemda).patuh == 1, "the day's record is of now"


def test_the_first_report_of_a_day_records_it_when_the_night_run_is_missing(client, world, vina):
    assert not RekapHarian.objects.exists()
    client.force_login(vina)
    assert client.get(reverse("admin:index")).status_code == 200
    assert set(RekapHarian.objects.values_list("tanggal", flat=True)) == {timezone.localdate()}
    count = RekapHarian.objects.count()
    rekap(client)
    assert RekapHarian.objects.count() == count


# Bandingkan ------------------------------------------------------------------


@pytest.fixture
def a_week_ago(world, tree):
    """Recorded a week ago; since then two DINKES staff and one teacher comply."""
    humas, dinkes, disdik = world
    record_day(days_ago(7))
    for person in (dinkes[0], dinkes[2], disdik[0]):
        comply(person, humas)
    return days_ago(7)


def test_rekap_compares_each_row_with_a_past_date(client, a_week_ago, tree, vina):
    client.force_login(vina)
    page = rekap(client, instansi=tree.dinkes.pk, bandingkan=(a_week_ago + datetime.timedelta(days=2)).isoformat())
    rows = {row["nama"]: row for row in page.context["rows"]}
    direct, pkm = rows["Dinas Kesehatan (langsung)"], rows["UPTD Puskesmas Kota"]
    assert (direct["dulu"]["patuh"], direct["patuh"], direct["selisih"]["patuh"]) == (0, 1, 1)
    assert (pkm["selisih"]["patuh"], pkm["selisih_persen"]["patuh"]) == (1, 50.0)
    total = page.context["total"]
    assert (total["selisih"]["patuh"], total["selisih_persen"]["patuh"]) == (2, 50.0)
    html = page.content.decode()
    assert "▲ 2 (▲ 50,0 poin)" in html
    # The latest record on or before the chosen date is the one compared.
    assert page.context["form"].chosen["bandingkan"] == a_week_ago


def test_salin_ringkasan_reads_well_in_a_chat(client, a_week_ago, tree, vina):
    client.force_login(vina)
    page = rekap(client, instansi=tree.dinkes.pk, bandingkan=(a_week_ago + datetime.timedelta(days=2)).isoformat())
    summary = page.context["ringkasan"]
    lines = summary.splitlines()
    assert lines[0] == "*Rekap kepatuhan media sosial ASN — Dinas Kesehatan*"
    assert lines[1].startswith("Per ") and lines[1].endswith(f"{timezone.localdate().year}")
    assert "Pegawai aktif: 4" in lines and "Patuh: 2 (50,0%)" in lines
    assert f"Sejak {formats.date_format(a_week_ago, 'j F Y')}: patuh ▲ 2 (▲ 50,0 poin)" in lines
    per_unit = lines[lines.index("Patuh per unit:") + 1:]
    assert per_unit[0].startswith("- ") and len(per_unit) == len(page.context["rows"])
    assert [float(line.split(": ")[1].split("%")[0].replace(",", ".")) for line in per_unit] == sorted(
        row["patuh_persen"] for row in page.context["rows"])
    html = page.content.decode()
    assert 'id="salin-ringkasan"' in html and "*Rekap kepatuhan media sosial ASN — Dinas Kesehatan*" in html


def test_rekap_comparison_in_print_and_excel(client, a_week_ago, tree, vina):
    client.force_login(vina)
    query = {"instansi": tree.pemda.pk, "bandingkan": a_week_ago.isoformat()}
    html = rekap(client, "admin:registry_rekap_cetak", **query).content.decode()
    assert f"Patuh sejak {a_week_ago.day}" in html and "▲ 3 (▲ 50,0 poin)" in html
    assert "Dibandingkan dengan" in html
    excel = rekap(client, "admin:registry_rekap_unduh", **query)
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(excel.streaming_content))).active.values)
    header = rows[0] if rows[0][0] == "UNIT" else next(r for r in rows if r[0] == "UNIT")
    total = dict(zip(header, rows[-1]))
    assert (total["PATUH"], total["PERUBAHAN PATUH"], total["PERUBAHAN % PATUH (POIN)"]) == (3, 3, 50.0)


def test_today_cannot_be_compared(client, a_week_ago, tree, vina):
    client.force_login(vina)
    page = rekap(client, instansi=tree.pemda.pk, bandingkan=days_ago(0).isoformat())
    assert "Pilih tanggal sebelum hari ini" in page.content.decode()
    assert page.context["rows"] is None


def test_a_date_before_the_first_record_shows_the_recap_and_offers_the_first_record(client, a_week_ago, tree, vina):
    client.force_login(vina)
    page = rekap(client, instansi=tree.pemda.pk, bandingkan=days_ago(30).isoformat())
    html = page.content.decode()
    assert page.context["rows"] and page.context["total"]["aktif"] > 0
    assert "Saringan tidak sah" not in html
    assert f"pertama tercatat {formats.date_format(a_week_ago, 'j F Y')}" in html
    note = page.context["catatan_banding"]
    assert note["pertama"] == a_week_ago
    compared = client.get(reverse("admin:registry_rekap") + note["url"])
    assert compared.context["form"].chosen["bandingkan"] == a_week_ago
    assert "selisih" in compared.context["total"]


def test_before_any_record_the_recap_says_comparing_starts_tomorrow(client, tree, vina):
    client.force_login(vina)
    RekapHarian.objects.all().delete()
    page = rekap(client, instansi=tree.pemda.pk, bandingkan=days_ago(3).isoformat())
    assert "perbandingan tersedia mulai besok" in page.content.decode()
    assert page.context["rows"] is not None and page.context["catatan_banding"]["url"] is None


def test_an_operator_compares_only_its_own_units(client, a_week_ago, tree, oki):
    client.force_login(oki)
    page = rekap(client, bandingkan=a_week_ago.isoformat())
    assert page.context["total"]["selisih"]["patuh"] == 2
    assert rekap(client, instansi=tree.pemda.pk, bandingkan=a_week_ago.isoformat()).context["rows"] is None


# Beranda -----------------------------------------------------------------------


def test_home_page_charts_the_scopes_progress(client, world, tree, vina, oki):
    humas, dinkes, disdik = world
    record_day(days_ago(40))
    for person in dinkes:
        comply(person, humas)
    client.force_login(oki)
    html = client.get(reverse("admin:index")).content.decode()
    assert 'id="grafik-kemajuan"' in html
    assert ">0%</text>" in html and ">100%</text>" in html, "the y axis runs from 0 to 100 %"
    assert f">{formats.date_format(days_ago(89), 'j M Y')}</text>" in html, "the x axis is dated"
    assert f"{formats.date_format(days_ago(40), 'j F Y')}: 0,0%" in html
    assert f"terakhir 100,0% pada {formats.date_format(timezone.localdate(), 'j F Y')}" in html
    client.force_login(vina)
    html = client.get(reverse("admin:index")).content.decode()
    assert "terakhir 66,7% pada" in html, "four of six comply across the whole registry"


def test_no_chart_before_two_days_are_recorded(client, world, vina):
    client.force_login(vina)
    html = client.get(reverse("admin:index")).content.decode()
    assert 'id="grafik-kemajuan"' not in html
    assert RekapHarian.objects.exists()


# periksa_kepatuhan ---------------------------------------------------------


@pytest.mark.drift_expected
def test_periksa_kepatuhan_finds_and_repairs_drift(world, tree):
    humas, dinkes, _ = world
    out = StringIO()
    call_command("periksa_kepatuhan", stdout=out)
    assert "sesuai aturan" in out.getvalue()
    # Written past every write path, as a restore from an old backup would.
    Pegawai.objects.filter(pk=dinkes[0].pk).update(kepatuhan=K.PATUH)
    RekapUnit.objects.filter(instansi=tree.disdik).delete()
    AkunMedsos.objects.filter(pk=humas.pk).update(unit_pemilik=tree.disdik)
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("periksa_kepatuhan", stdout=out, stderr=err)
    assert exit_.value.code == 1
    assert "1 pegawai" in out.getvalue() and dinkes[0].nip in out.getvalue()
    assert "DISDIK" in out.getvalue() and "--perbaiki" in err.getvalue()
    assert "akun atau verifikasi dengan unit pemilik yang keliru" in out.getvalue()
    call_command("periksa_kepatuhan", "--perbaiki", stdout=StringIO())
    assert Pegawai.objects.get(pk=dinkes[0].pk).kepatuhan == K.BELUM_PUNYA_AKUN
    assert misplaced() == 0
    out = StringIO()
    call_command("periksa_kepatuhan", stdout=out)
    assert "sesuai aturan" in out.getvalue()
