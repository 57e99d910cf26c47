"""Who has not spread what (issue 18): Evaluasi *Belum menyebarkan* on
screen, in print and in Excel; spreading in Rekap and on Beranda; the
Verifikator's spot check of the sampled proofs; retention and the data
subject's export."""

import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from registry.kemajuan import record_day
from registry.models import BuktiSebar, HasilBukti, Pegawai, Pengaturan
from tests.conftest import SESSION_RENEWAL, assert_fixed_queries, make_akun, make_pegawai, nip_pns, verify
from tests.sebaran_world import make_konten, sebaran  # noqa: F401

EVALUASI = reverse("admin:registry_evaluasi", args=["belum-menyebarkan"])
DECEMBER = {"dari": "2026-12-01", "sampai": "2026-12-31"}


def spread(person, akun, konten, day=1):
    return BuktiSebar.objects.create(konten=konten, pegawai=person, akun=akun,
                                     waktu=timezone.make_aware(datetime.datetime(2026, 12, day, 9)))


@pytest.fixture
def spreading(sebaran):
    """Siti spread all three contents, Rudi K1 late, Joko K1; Maya nothing."""
    for konten in (sebaran.k1, sebaran.k2, sebaran.k3):
        spread(sebaran.siti, sebaran.akun.siti_tt if konten == sebaran.k2 else sebaran.akun.siti_ig, konten)
    spread(sebaran.rudi, sebaran.akun.rudi_ig, sebaran.k1, day=9)
    spread(sebaran.joko, sebaran.akun.joko_ig, sebaran.k1)
    return sebaran


def listed(client, params):
    page = client.get(EVALUASI, params)
    assert page.status_code == 200
    return {p.nama: keterangan for _, p, _, keterangan in page.context["rows"]}, page


def test_who_has_not_spread_one_content(client, spreading, vina):
    client.force_login(vina)
    rows, page = listed(client, {"konten": spreading.k1.pk})
    assert rows == {"Maya Sari": "Peluncuran Mal Pelayanan Publik"}
    assert page.context["page"].paginator.count == 1, "the total read from the stored counts"
    rows, _ = listed(client, {"konten": spreading.k3.pk})
    assert rows == {"Rudi Hartono": "Cek kesehatan gratis"}, "K3 binds Dinas Kesehatan's staff only"


def test_an_invalid_proof_lists_its_employee_again_with_the_reason(client, spreading, vina):
    proof = BuktiSebar.objects.get(pegawai=spreading.joko)
    proof.hasil, proof.diperiksa_pada, proof.catatan = HasilBukti.TIDAK_SAH, timezone.now(), "Bukan konten ini"
    proof.save()
    client.force_login(vina)
    rows, _ = listed(client, {"konten": spreading.k1.pk})
    assert rows["Joko Susilo"] == "Peluncuran Mal Pelayanan Publik (bukti tidak sah: Bukan konten ini)"


def test_who_spread_less_than_the_months_share(client, spreading, vina):
    settings_row = Pengaturan.current()
    settings_row.ambang_sebar_persen = 60
    settings_row.save()
    client.force_login(vina)
    rows, page = listed(client, DECEMBER)
    # Siti 3 of 3 and no more; Rudi 1 of 3 (late, but spread), Joko 1 of 2, Maya 0 of 2: below 60 %.
    assert set(rows) == {"Rudi Hartono", "Joko Susilo", "Maya Sari"}
    assert rows["Joko Susilo"] == "Menyebarkan 1 dari 2 konten; belum: Cara mengurus KTP"
    assert rows["Rudi Hartono"] == "Menyebarkan 1 dari 3 konten; belum: Cara mengurus KTP; Cek kesehatan gratis"
    assert page.context["page"].paginator.count == 3, "read from the monthly counts"
    # Any dates: counted from the proofs of the contents in them, the same list.
    rows, page = listed(client, {"dari": "2026-11-15", "sampai": "2026-12-15"})
    assert set(rows) == {"Rudi Hartono", "Joko Susilo", "Maya Sari"}
    rows, _ = listed(client, {**DECEMBER, "instansi": spreading.tree.disdik.pk, "status_kepegawaian": "NON_ASN"})
    assert set(rows) == {"Maya Sari"}


def test_an_operator_lists_its_own_staff_only(client, spreading, oki):
    client.force_login(oki)
    rows, _ = listed(client, {**DECEMBER})
    assert set(rows) <= {"Siti Rahayu", "Rudi Hartono"}
    rows, _ = listed(client, {"konten": spreading.k1.pk})
    assert rows == {}


def test_print_and_excel_of_the_list(client, spreading, vina):
    client.force_login(vina)
    printed = client.get(reverse("admin:registry_evaluasi_cetak", args=["belum-menyebarkan"]), DECEMBER)
    html = printed.content.decode()
    assert "PEGAWAI YANG BELUM MENYEBARKAN KONTEN" in html.upper() and "Maya Sari" in html
    assert "0/2; belum no. 1, 2" in html, "Maya missed the first two contents of the list printed above"
    assert "Peluncuran Mal Pelayanan Publik" in html and printed.context["legenda"][2][2] == "Cek kesehatan gratis"
    download = client.get(reverse("admin:registry_evaluasi_unduh", args=["belum-menyebarkan"]), DECEMBER)
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = [row for row in sheet.iter_rows(values_only=True) if row and isinstance(row[0], int)]
    joko = next(row for row in rows if row[3] == "Joko Susilo")
    assert joko[1] == spreading.joko.nip and joko[-1].startswith("Menyebarkan 1 dari 2 konten")
    nip_cell = next(c for row in sheet.iter_rows() for c in row if c.value == spreading.joko.nip)
    assert nip_cell.number_format == "@"


@pytest.mark.parametrize("params", [{"konten": "konten"}, DECEMBER, {"dari": "2026-11-20", "sampai": "2026-12-05"}])
def test_the_list_takes_a_fixed_number_of_queries(client, spreading, vina, params):
    if params.get("konten") == "konten":
        params = {"konten": spreading.k1.pk}
    client.force_login(vina)
    n = iter(range(1000))

    def grow():
        for _ in range(15):
            person = make_pegawai(spreading.tree.pkm, f"Perawat {next(n)}")
            akun = make_akun(person, "instagram", f"perawat.{person.pk}")
            verify(akun)
            if person.pk % 2:
                spread(person, akun, spreading.k3)
    for view in ("admin:registry_evaluasi", "admin:registry_evaluasi_cetak"):
        assert_fixed_queries(client, reverse(view, args=["belum-menyebarkan"]), params, grow,
                             most=16 + SESSION_RENEWAL)


def test_a_wrong_filter_shows_no_list_rather_than_a_wrong_one(client, spreading, vina, oki):
    client.force_login(vina)
    page = client.get(EVALUASI, {"dari": "2026-12-31", "sampai": "2026-12-01"})
    assert page.status_code == 200 and page.context["rows"] == []
    assert "Tanggal akhir periode sebelum tanggal awalnya" in page.content.decode()
    other = make_konten(spreading.humas_ig, "https://www.instagram.com/p/ClainLagi01/")
    client.force_login(oki)
    assert client.get(EVALUASI, {"konten": "abc"}).context["rows"] == []
    assert client.get(EVALUASI, {"konten": other.pk}).status_code == 200


# Rekap and Beranda -------------------------------------------------------------


def test_rekap_shows_spreading_per_unit_in_print_excel_and_summary(client, spreading, vina):
    client.force_login(vina)
    page = client.get(reverse("admin:registry_rekap"), {"instansi": spreading.tree.pemda.pk, **DECEMBER})
    rows = {row["nama"]: row["sebaran"] for row in page.context["rows"]}
    dinkes, disdik = rows["Dinas Kesehatan"], rows["Dinas Pendidikan"]
    assert (dinkes.terikat, dinkes.tepat, dinkes.terlambat, dinkes.belum) == (6, 3, 1, 2)
    assert (disdik.terikat, disdik.tepat, disdik.belum) == (4, 1, 3)
    assert page.context["total"]["sebaran"].persen == 50.0
    assert "Sebaran konten Desember 2026: 50,0% (tepat waktu 4, terlambat 1, belum 5 dari 10 kewajiban)" in \
        page.context["ringkasan"]
    printed = client.get(reverse("admin:registry_rekap_cetak"), {"instansi": spreading.tree.pemda.pk, **DECEMBER})
    assert "Sebaran konten Desember 2026" in printed.content.decode()
    download = client.get(reverse("admin:registry_rekap_unduh"), {"instansi": spreading.tree.pemda.pk, **DECEMBER})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    values = list(sheet.iter_rows(values_only=True))
    header = next(row for row in values if row and row[0] == "UNIT")
    total = next(row for row in values if row and row[0] == "JUMLAH")
    assert total[header.index("KEWAJIBAN SEBAR")] == 10 and total[header.index("% TERSEBAR")] == 50.0


def test_beranda_shows_the_months_spreading_and_its_trend(client, spreading, vina, monkeypatch):
    client.force_login(vina)
    december = datetime.date(2026, 12, 20)
    monkeypatch.setattr(timezone, "localdate", lambda *args: december)
    for day in (18, 19, 20):
        record_day(datetime.date(2026, 12, day))
    page = client.get(reverse("admin:index"))
    figure = page.context["sebaran"]
    assert (figure.terikat, figure.tersebar) == (10, 5)
    assert page.context["tren_sebaran"] is not None
    assert 'id="grafik-sebaran"' in page.content.decode()


# The spot check ----------------------------------------------------------------


QUEUE = reverse("admin:registry_buktisebar_antrean")


def test_the_verifier_checks_the_sample_with_notes_and_can_take_it_back(client, spreading, vina):
    client.force_login(vina)
    page = client.get(QUEUE)
    first = page.context["bukti"]
    assert first is not None and first.sampel
    # Not valid needs its reason.
    refused = client.post(QUEUE, {"bukti": first.pk, "hasil": "TIDAK_SAH", "catatan": ""})
    assert "Tulis alasan bukti ini tidak sah" in refused.content.decode()
    assert client.post(QUEUE, {"bukti": first.pk, "hasil": "TIDAK_SAH", "catatan": "Unggahan lain"}).status_code == 302
    checked = BuktiSebar.objects.get(pk=first.pk)
    assert (checked.hasil, checked.pemeriksa, checked.hitungan) == (HasilBukti.TIDAK_SAH, vina, None)
    assert checked.history.first().history_change_reason == "antrean bukti sebar"
    assert client.get(QUEUE).context["bukti"] != checked
    client.post(QUEUE, {"batalkan": "1"})
    back = BuktiSebar.objects.get(pk=first.pk)
    assert (back.hasil, back.diperiksa_pada, back.hitungan) == (HasilBukti.BELUM_DIPERIKSA, None, first.hitungan)
    assert client.get(QUEUE).context["bukti"] == back, "the proof taken back is shown again first"


def test_keandalan_bukti_is_valid_of_checked(client, spreading, vina):
    client.force_login(vina)
    results = iter(["SAH", "SAH", "TIDAK_SAH"])
    for hasil in results:
        proof = client.get(QUEUE).context["bukti"]
        if proof is None:
            break
        client.post(QUEUE, {"bukti": proof.pk, "hasil": hasil, "catatan": "periksa"})
    page = client.get(reverse("admin:registry_rekap"), {"instansi": spreading.tree.pemda.pk, **DECEMBER})
    total = page.context["total"]["sebaran"]
    assert total.diperiksa == BuktiSebar.objects.exclude(hasil=HasilBukti.BELUM_DIPERIKSA).count() > 0
    assert total.keandalan == round(100 * total.sah / total.diperiksa, 1)


def test_only_checkers_open_the_queue(client, spreading, oki):
    client.force_login(oki)
    assert client.get(QUEUE).status_code == 403


# Retention and the data subject ------------------------------------------------


def test_retention_deletes_an_old_leavers_proofs_and_old_screenshots(spreading, settings, tmp_path,
                                                                     django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    proof = BuktiSebar.objects.get(pegawai=spreading.joko)
    proof.bukti.save("tangkapan.png", io.BytesIO(b"\x89PNG\r\n"), save=True)
    Pegawai.objects.filter(pk=spreading.joko.pk).update(
        aktif=False, diubah_pada=timezone.now() - datetime.timedelta(days=365 * 6))
    from registry.kepatuhan import refresh_staff
    from registry.sebaran import refresh_spread

    refresh_staff([spreading.joko.pk], recount=True)
    refresh_spread([spreading.joko.pk])
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("bersihkan_data_lama", "--tahun", "5", stdout=out)
    assert "1 bukti sebar" in out.getvalue()
    assert not BuktiSebar.objects.filter(pegawai=spreading.joko).exists()
    assert not list(tmp_path.rglob("*.png"))


def test_the_subject_access_export_holds_the_proofs(client, spreading, oki):
    client.force_login(oki)
    page = client.get(reverse("admin:registry_pegawai_data_pribadi", args=[spreading.siti.pk]))
    html = page.content.decode()
    assert "Bukti sebar konten" in html and "Cek kesehatan gratis" in html and "@siti_rahayu" in html


def test_an_employee_who_never_spread_is_not_counted_as_spreading(spreading):
    newcomer = make_pegawai(spreading.tree.smpn1, "Pendatang Baru", nip=nip_pns(seq=900))
    assert not BuktiSebar.objects.filter(pegawai=newcomer).exists()
