"""Spreading in the browser, on the demo regency: an Operator OPD enters a
proof on an employee's page (and is told whose a wrong link is), a clerk
imports a Google Form's answers, and a Verifikator works the spot-check
queue by keyboard, slips and takes it back."""

import openpyxl
from django.db.models import Exists, OuterRef
from django.utils import timezone

from registry.admin.bukti_sebar import open_contents
from registry.models import AkunMedsos, BuktiSebar, HasilBukti, Instansi, Konten, Pegawai, Platform


def open_dinkes_content(user):
    """A content still open for proofs that binds Dinas Kesehatan's staff."""
    dinkes = Instansi.objects.get(kode="DINKES")
    for konten in open_contents(user):
        if dinkes.jalur.startswith(konten.unit_pemilik.jalur):
            return konten
    raise AssertionError("the demo has an open content binding Dinas Kesehatan")


def instagram_staff_without_proof(konten, unit, count):
    """Active staff of the unit with one Instagram account, no proof of the content yet."""
    proofs = BuktiSebar.objects.filter(konten=konten, pegawai=OuterRef("pk"))
    accounts = AkunMedsos.objects.filter(pegawai=OuterRef("pk"), platform=Platform.INSTAGRAM)
    staff = (Pegawai.objects.filter(aktif=True, instansi__jalur__startswith=unit.jalur)
             .filter(Exists(accounts), ~Exists(proofs)).order_by("pk")[:count])
    assert len(staff) == count, "the demo has enough staff without a proof"
    return [(p, AkunMedsos.objects.filter(pegawai=p, platform=Platform.INSTAGRAM).first()) for p in staff]


def story(akun, n):
    return f"https://www.instagram.com/stories/{akun.username}/33{n:017d}/"


def test_an_operator_pastes_a_proof_on_the_employees_page_and_is_told_whose_a_wrong_link_is(site, demo):
    page = site.page
    konten = open_dinkes_content(demo["oki.dinkes"])
    dinkes = Instansi.objects.get(kode="DINKES")
    (pegawai, akun), (other, other_akun) = instagram_staff_without_proof(konten, dinkes, 2)
    site.login("oki.dinkes")
    site.go(f"/registry/pegawai/{pegawai.pk}/change/")
    # The empty row below the employee's earlier proofs.
    row = f"#id_bukti_sebar-{page.input_value('#id_bukti_sebar-INITIAL_FORMS')}"

    # She first picks a content by typing, presses a wrong key, then picks the right one.
    page.focus(f"{row}-konten")
    page.keyboard.type("zzz")
    page.select_option(f"{row}-konten", str(konten.pk))
    page.fill(f"{row}-tautan", story(other_akun, 1) + "?igsh=MWx2bWRl")
    page.click("input[name=_continue]")
    page.wait_for_selector(".errornote")
    said = page.inner_text("#bukti_sebar-group")
    assert f"@{other_akun.username}" in said and other.nama in said and pegawai.nama in said, said
    assert not BuktiSebar.objects.filter(pegawai__in=[pegawai, other], konten=konten).exists()
    site.shot("bukti-orang-lain-ditolak")

    page.fill(f"{row}-tautan", story(akun, 2))
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success, .errornote")
    assert not page.locator(".errornote").count(), page.inner_text("#bukti_sebar-group")
    proof = BuktiSebar.objects.get(pegawai=pegawai, konten=konten)
    assert (proof.akun_id, proof.tautan, proof.sumber) == (akun.pk, story(akun, 2), "FORMULIR")
    assert proof.history.get().history_change_reason == "halaman pegawai"
    assert konten.judul[:20] in page.inner_text("#bukti_sebar-group")
    site.shot("bukti-tersimpan")

    # Entering the same proof again in the new empty row is refused, and says why.
    row = f"#id_bukti_sebar-{page.input_value('#id_bukti_sebar-INITIAL_FORMS')}"
    page.select_option(f"{row}-konten", str(konten.pk))
    page.fill(f"{row}-tautan", story(akun, 2))
    page.click("input[name=_continue]")
    page.wait_for_selector(".errornote")
    assert "sudah punya bukti untuk konten ini" in page.inner_text("#bukti_sebar-group")
    assert BuktiSebar.objects.filter(pegawai=pegawai, konten=konten).count() == 1


def test_a_clerk_imports_a_google_forms_answers_and_downloads_the_refused_rows(site, demo, tmp_path):
    page = site.page
    konten = open_dinkes_content(demo["ani.admin"])
    dinkes = Instansi.objects.get(kode="DINKES")
    people = instagram_staff_without_proof(konten, dinkes, 3)
    sheet_path = tmp_path / "Jawaban formulir bukti sebar.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Stempel waktu", "NIP/NIK", "Nama lengkap", f"Link repost konten ({konten.tautan})"])
    when = timezone.localtime().strftime("%d/%m/%Y %H.%M.%S")
    (first, first_akun), (second, second_akun), (third, _) = people
    sheet.append([when, first.nip or first.nik, first.nama, story(first_akun, 11)])
    sheet.append([when, second.nip or second.nik, second.nama, story(second_akun, 12)])
    # The third pasted the second's link: refused, named.
    sheet.append([when, third.nip or third.nik, third.nama, story(second_akun, 13)])
    for row in sheet.iter_rows(min_row=2, max_col=2):
        row[1].number_format = "@"
    book.save(sheet_path)

    site.login("ani.admin")
    site.go("/registry/buktisebar/import/")
    page.set_input_files("#id_berkas", str(sheet_path))
    page.click("input[value='Unggah dan pratinjau']")
    page.wait_for_selector("table.ditolak")
    refused = page.inner_text("table.ditolak")
    assert "Baris 4" in refused or "4" in refused.split()[:40], refused
    assert f"@{second_akun.username}" in refused and third.nama in refused, refused
    site.shot("impor-bukti-pratinjau")
    with page.expect_download() as download:
        page.click("text=Unduh baris yang ditolak")
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as downloaded:
        rejected = openpyxl.load_workbook(downloaded).active
    header = [c.value for c in rejected[1]]
    assert "Keterangan" in header and rejected.max_row == 2
    assert not BuktiSebar.objects.filter(konten=konten, pegawai__in=[p for p, _ in people]).exists()

    page.check("input[name=hanya_valid]")
    page.click("input[value='Konfirmasi impor']")
    page.wait_for_selector(".messagelist")
    assert "selesai" in page.inner_text(".messagelist")
    stored = BuktiSebar.objects.filter(konten=konten, pegawai__in=[p for p, _ in people])
    assert sorted(stored.values_list("pegawai_id", "sumber")) == sorted([(first.pk, "IMPOR"), (second.pk, "IMPOR")])
    site.shot("impor-bukti-selesai")


def test_a_verifikator_works_the_spot_check_queue_by_keyboard_and_takes_a_slip_back(site):
    page = site.page
    site.login("vina.verifikator")
    site.go("/registry/buktisebar/antrean/")
    page.wait_for_selector("#antrean")
    shown = int(page.get_attribute("input[name=bukti]", "value"))
    checked = BuktiSebar.objects.exclude(hasil=HasilBukti.BELUM_DIPERIKSA).count()

    # Letters typed into the note never record a result.
    page.focus("textarea[name=catatan]")
    page.keyboard.type("stn akun berbeda")
    page.keyboard.press("Escape")
    assert BuktiSebar.objects.exclude(hasil=HasilBukti.BELUM_DIPERIKSA).count() == checked
    site.shot("antrean-bukti")
    with page.expect_navigation():
        page.keyboard.press("t")
    slip = BuktiSebar.objects.get(pk=shown)
    assert (slip.hasil, slip.catatan, slip.pemeriksa.username) == (
        HasilBukti.TIDAK_SAH, "stn akun berbeda", "vina.verifikator")
    assert int(page.get_attribute("input[name=bukti]", "value")) != shown

    with page.expect_navigation():
        page.click("text=Batalkan hasil ini")
    assert "dibatalkan" in page.inner_text(".messagelist")
    assert int(page.get_attribute("input[name=bukti]", "value")) == shown
    assert BuktiSebar.objects.get(pk=shown).hasil == HasilBukti.BELUM_DIPERIKSA

    with page.expect_navigation():
        page.keyboard.press("s")
    assert BuktiSebar.objects.get(pk=shown).hasil == HasilBukti.SAH
    assert BuktiSebar.objects.exclude(hasil=HasilBukti.BELUM_DIPERIKSA).count() == checked + 1


def test_a_contents_page_and_its_printed_list_of_who_has_not_spread_it(site):
    page = site.page
    konten = Konten.objects.filter(wajib=True, unit_pemilik__induk__isnull=True).order_by("-terbit").first()
    site.login("ani.admin")
    site.go(f"/registry/konten/{konten.pk}/change/")
    page.wait_for_selector("#angka-konten")
    figures = page.inner_text("#angka-konten p")
    bound = Pegawai.objects.filter(aktif=True).count()
    assert f"Terikat {bound:,} pegawai aktif".replace(",", ".") in figures, figures
    site.shot("halaman-konten")

    with site.context.expect_page() as printed:
        page.click("a:has-text('Cetak yang belum')")
    listing = printed.value
    listing.wait_for_load_state()
    text = listing.inner_text("body")
    assert "Belum menyebarkan" in text or "BELUM MENYEBARKAN" in text.upper(), text[:300]
    assert str(konten.judul)[:20] in text
    listing.screenshot(path=site.shot("cetak").with_name("cetak-belum-menyebarkan-konten.png"), full_page=True)
