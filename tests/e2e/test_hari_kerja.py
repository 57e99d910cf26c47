"""A clerk's whole day, in a real browser: what each persona does, click by click."""

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl

from registry.kepatuhan import kepatuhan_expression
from registry.models import AkunMedsos, Instansi, Kepatuhan, Pegawai, Verifikasi

DATA = Path(__file__).resolve().parent.parent / "data"


def workbook_rows(download):
    return list(openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active.values)


def test_operator_imports_a_roster_and_adds_an_account(site):
    page = site.page
    site.login("oki.dinkes")
    site.go("/registry/pegawai/")
    page.click("a.import_link")
    page.wait_for_selector("text=Kolom yang dikenali")
    site.shot("halaman-impor")

    with page.expect_download() as template:
        page.click("text=Unduh templat .xlsx")
    header = workbook_rows(template.value)[0]
    assert header[:3] == ("NIP", "NIK", "NAMA")

    page.set_input_files("input[name=berkas]", DATA / "e2e_roster_salah.xlsx")
    page.click("input[value='Unggah dan pratinjau']")
    page.wait_for_selector("text=Pratinjau: e2e_roster_salah.xlsx")
    rejected = page.locator("table.ditolak tbody tr")
    assert rejected.count() == 2
    reasons = rejected.all_inner_texts()
    assert "5\tNIP" in reasons[0] and "format kolom NIP sebagai Teks" in reasons[0]
    assert "7\tSTATUS KEPEGAWAIAN" in reasons[1] and "Pegawai Harian" in reasons[1]
    site.shot("pratinjau-dua-baris-ditolak")

    with page.expect_download() as download:
        page.click("text=Unduh baris yang ditolak")
    rows = workbook_rows(download.value)
    assert rows[0][-1] == "Keterangan" and [r[0] for r in rows[1:]] == [5, 7]
    assert not Pegawai.objects.filter(nama="Ratna Dewi Purnama").exists()

    page.set_input_files("input[name=berkas]", DATA / "e2e_roster_benar.xlsx")
    page.click("input[value='Unggah dan pratinjau']")
    page.wait_for_selector("text=Pratinjau: e2e_roster_benar.xlsx")
    assert page.locator("table.ringkasan tbody td").all_inner_texts() == ["6", "0", "0", "0"]
    page.click("input[value='Konfirmasi impor']")
    page.wait_for_selector(".messagelist .success")
    assert "6 baru" in page.inner_text(".messagelist")
    site.shot("impor-selesai")
    assert Pegawai.objects.filter(nama__in=["Ratna Dewi Purnama", "Darman Sitompul"]).count() == 2

    page.fill("#searchbar", "Ratna Dewi")
    page.press("#searchbar", "Enter")
    page.click("text=Ratna Dewi Purnama")
    page.fill("input[name='akun-0-username']", "https://www.instagram.com/Ratna.Dewi.P/?hl=id")
    site.shot("tempel-alamat-profil")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    akun = AkunMedsos.objects.get(pegawai__nama="Ratna Dewi Purnama")
    assert (akun.platform, akun.username) == ("instagram", "ratna.dewi.p")


def test_operator_stays_inside_its_own_units(site):
    page = site.page
    own = set(Instansi.objects.subtree(Instansi.objects.get(kode="DINKES")).values_list("nama", flat=True))
    site.login("oki.dinkes")

    other = Pegawai.objects.filter(instansi__kode="DISDIK").first()
    response = site.go(f"/registry/pegawai/{other.pk}/change/")
    assert response.status == 404
    assert other.nama not in page.content()
    site.shot("pegawai-instansi-lain")

    site.go("/registry/pegawai/")
    sidebar = page.locator("#changelist-filter details", has_text="instansi").first
    offered = {t.strip() for t in sidebar.locator("li a").all_inner_texts()} - {"Semua"}
    assert offered and offered <= own

    for path, selector in [
        ("/registry/pegawai/import/", "select[name=instansi]"),
        ("/registry/pegawai/evaluasi/tidak-patuh/", "select[name=instansi]"),
        ("/registry/pegawai/rekap/", "select[name=instansi]"),
        ("/registry/akunmedsos/antrean/", "select[name=instansi]"),
    ]:
        response = site.go(path)
        if response.status == 403:
            continue
        options = {o.strip() for o in page.locator(f"{selector} option").all_inner_texts()}
        options -= {"---------", "Semua instansi"}
        assert options and options <= own, path
    site.shot("saringan-hanya-unit-sendiri")


def test_verifier_works_the_queue_by_keyboard_and_applies_a_follower_list(site, tmp_path):
    page = site.page
    dinkes = Instansi.objects.get(kode="DINKES")
    site.login("vina.verifikator")
    site.go(f"/registry/akunmedsos/antrean/?instansi={dinkes.pk}")
    site.shot("antrean")

    checked = []
    for _ in range(5):
        page.wait_for_selector("#antrean")
        checked.append(int(page.get_attribute("input[name=akun]", "value")))
        assert page.evaluate("document.activeElement.id") == "buka-profil"
        if page.locator("input[name=mengikuti]").count():
            page.keyboard.press("Tab")
            page.keyboard.press("Space")
            page.keyboard.press("v")
            assert not Verifikasi.objects.filter(akun_id=checked[-1]).exists(), "V on a checkbox records nothing"
            page.keyboard.press("Escape")
        with page.expect_navigation():
            page.keyboard.press("v")
    site.shot("antrean-lima-selesai")
    recorded = Verifikasi.objects.filter(pemeriksa__username="vina.verifikator", hasil="VALID")
    assert sorted(recorded.values_list("akun_id", flat=True)) == sorted(checked)
    assert len(set(checked)) == 5

    humas = AkunMedsos.objects.get(platform="instagram", username="humas.sukamaju")
    registered = list(AkunMedsos.objects.filter(platform="instagram", pegawai__isnull=False)
                      .order_by("pk").values_list("username", flat=True))
    following = registered[::2]
    entries = [{"title": "", "string_list_data": [{"href": f"https://www.instagram.com/{u}", "value": u}]}
               for u in [*following, "warga.biasa", "penggemar.kuliner"]]
    archive = tmp_path / "instagram-humas.sukamaju-2026-11-21.zip"
    with zipfile.ZipFile(archive, "w") as target:
        target.writestr("connections/followers_and_following/followers_1.json", json.dumps(entries))

    site.go("/registry/akunmedsos/resmi/")
    page.locator("tr", has_text="@humas.sukamaju").filter(has_text="Instagram").locator(
        "text=Unggah daftar pengikut").click()
    page.set_input_files("input[name=berkas]", archive)
    page.click("input[value='Unggah dan pratinjau']")
    page.wait_for_selector("#jumlah-pengikut")
    assert page.inner_text("#jumlah-pengikut") == str(len(following) + 2)
    assert page.inner_text("#jumlah-ditemukan") == str(len(following))
    # The demo's last list of @humas.sukamaju counted every employee account.
    assert "Jumlah pengikut turun" in page.inner_text("#peringatan-turun")
    site.shot("pratinjau-daftar-pengikut")
    page.check("#turun-diperiksa")
    page.click("input[value='Konfirmasi dan terapkan']")
    page.wait_for_selector(".messagelist .success")
    site.shot("daftar-pengikut-diterapkan")
    now_following = set(AkunMedsos.objects.filter(mengikuti=humas).values_list("username", flat=True))
    assert now_following == set(following)
    assert Verifikasi.objects.filter(akun=humas, sumber="DAFTAR_PENGIKUT").latest("waktu").jumlah_pengikut == (
        len(following) + 2
    )


def test_verifier_prints_and_downloads_an_evaluation_list(site, tmp_path):
    page = site.page
    dinkes = Instansi.objects.get(kode="DINKES")
    expected = set(
        Pegawai.objects.filter(aktif=True, instansi__jalur__startswith=dinkes.jalur)
        .annotate(kini=kepatuhan_expression()).filter(kini=Kepatuhan.BELUM_PUNYA_AKUN).values_list("nama", flat=True)
    )
    site.login("vina.verifikator")
    site.go("/registry/pegawai/evaluasi/belum-punya-akun/")
    page.select_option("select[name=instansi]", str(dinkes.pk))
    page.click("input[value='Terapkan saringan']")
    page.wait_for_selector(f"text={len(expected)} pegawai.")
    site.shot("evaluasi-belum-punya-akun-dinkes")

    with site.context.expect_page() as printed:
        page.click("a:has-text('Cetak')")
    paper = printed.value
    paper.wait_for_load_state()
    pdf = tmp_path / "evaluasi.pdf"
    paper.pdf(path=str(pdf), prefer_css_page_size=True)
    shot = site.shot("cetak")
    shutil.copy(pdf, shot.with_suffix(".pdf"))
    paper.screenshot(path=shot.with_name(shot.stem + "-kertas.png"), full_page=True)
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    pages = [" ".join(p.split()) for p in text.split("\f") if p.strip()]
    # The signatures never stand alone: every page holds rows.
    assert all("Belum mendaftarkan akun" in p for p in pages)
    for number, content in enumerate(pages, start=1):
        for word in ["No.", "Nama", "NIP", "NIK", "Jabatan", "Status", "Keterangan"]:
            assert word in content.split(), (word, number)
        assert f"Halaman {number} dari {len(pages)}" in content
    assert "Mengetahui," in pages[-1] and "dr. Bambang Wijanarko, M.Kes." in pages[-1]
    assert "Dibuat oleh," in pages[-1] and "vina.verifikator" in pages[-1]
    whole = " ".join(pages)
    missing = [name for name in expected if name not in whole]
    assert not missing, (missing, whole[:3000])
    assert len(re.findall(r"Belum mendaftarkan akun", whole)) == len(expected)

    with page.expect_download() as download:
        page.click("text=Unduh Excel")
    assert re.fullmatch(r"evaluasi-belum-punya-akun-dinkes-\d{4}-\d{2}-\d{2}\.xlsx", download.value.suggested_filename)
    rows = workbook_rows(download.value)
    header = next(i for i, row in enumerate(rows) if row[0] == "NO")
    assert {row[3] for row in rows[header + 1:]} == expected

    # The print opened in its own tab, with nothing to go back to: Kembali closes it.
    with paper.expect_event("close"):
        paper.click("text=Kembali")
    assert paper.is_closed() and not page.is_closed()


def test_admin_sees_rekap_and_beranda_agree_with_the_database(site):
    page = site.page
    staff = Pegawai.objects.filter(aktif=True)
    active = staff.count()
    compliant = staff.annotate(kini=kepatuhan_expression()).filter(kini=Kepatuhan.PATUH).count()
    site.login("ani.admin")
    site.go("/")
    site.shot("beranda")
    assert page.inner_text("#angka-aktif") == str(active)
    home_percent = page.inner_text("#angka-patuh")
    assert home_percent == f"{100 * compliant / active:.1f}%".replace(".", ",")

    page.click("a.button:has-text('Rekap')")
    page.wait_for_selector("#tabel-kepatuhan tfoot")
    site.shot("rekap")
    total = page.locator("#tabel-kepatuhan tfoot th").all_inner_texts()
    assert total[0] == "Jumlah" and total[1] == str(active)
    assert total[4] == f"{compliant} ({home_percent})"
    rows = page.locator("#tabel-kepatuhan tbody tr")
    assert sum(int(r.locator("td").nth(1).inner_text()) for r in rows.all()) == active

    # What a head sends to the WhatsApp group, in one click.
    site.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.click("#salin-ringkasan")
    page.wait_for_selector("#ringkasan-tersalin:has-text('tersalin')")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("*Rekap kepatuhan media sosial ASN — ")
    assert f"Pegawai aktif: {active}" in copied and f"({home_percent})" in copied
