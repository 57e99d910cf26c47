"""An Admin BKD starts a registry from SIASN's export: she uploads it into
an empty registry, sees the tree the roster names, corrects a column the
registry read wrongly, lets the preview create the units, and confirms."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User

from registry.models import Instansi, Pegawai
from tests.e2e.conftest import ARTIFACTS, PASSWORD

SIASN = Path(__file__).resolve().parent.parent / "data" / "siasn_data_utama.xlsx"


@pytest.fixture
def page(browser, live_server, transactional_db, request):
    User.objects.create_user("ani.admin", password=PASSWORD, is_staff=True, is_superuser=True)
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="id-ID")
    tab = context.new_page()
    tab.base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    tab.shot = lambda name: tab.screenshot(path=ARTIFACTS / f"{request.node.name}-{name}.png", full_page=True)
    yield tab
    context.close()


def test_an_admin_builds_the_registry_from_a_siasn_export(page):
    page.goto(page.base + "/login/")
    page.fill("#id_username", "ani.admin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(page.base + "/registry/pegawai/import/")
    page.set_input_files("#id_berkas", str(SIASN))
    page.click("input[value='Unggah dan pratinjau']")
    page.wait_for_selector("#judul-unit-baru")
    assert "7 instansi baru dari berkas ini" in page.inner_text("#judul-unit-baru")
    assert "Pemerintah Kabupaten Uji" in page.inner_text("ul.unit-baru")
    assert "EMAIL" in page.inner_text("#tidak-dibaca")
    page.shot("01-pratinjau")

    # The clerk meant the position from JABATAN_NAMA; she first picks the
    # wrong column by typing into the drop-down, then puts it right.
    mapping = page.locator("#pemetaan-kolom")
    if not mapping.evaluate("element => element.open"):
        page.click("#pemetaan-kolom summary")
    jabatan = page.locator("tr", has_text="JABATAN_NAMA").locator("select")
    lama = page.locator("tr", has_text="NIP_LAMA").locator("select")
    lama.focus()
    page.keyboard.type("Jab")
    assert lama.input_value() == "jabatan"
    jabatan.select_option("")
    page.click("input[name=terapkan_pemetaan]")
    page.wait_for_selector("#pemetaan-kolom")
    assert "JABATAN_NAMA" in page.inner_text("#tidak-dibaca")
    page.locator("tr", has_text="NIP_LAMA").locator("select").select_option("")
    page.locator("tr", has_text="JABATAN_NAMA").locator("select").select_option("jabatan")
    page.click("input[name=terapkan_pemetaan]")
    page.wait_for_selector("#judul-unit-baru")
    assert "JABATAN_NAMA" not in page.inner_text("#tidak-dibaca")
    page.shot("02-pemetaan-diperbaiki")

    # Confirming without the tick is refused, and creates nothing.
    page.click("input[value='Konfirmasi impor']")
    assert "Centang" in page.inner_text(".errornote")
    assert not Instansi.objects.exists()
    page.check("#buat-instansi")
    page.click("input[value='Konfirmasi impor']")
    page.wait_for_selector(".messagelist")
    assert "selesai" in page.inner_text(".messagelist")
    page.shot("03-selesai")

    root = Instansi.objects.get(induk__isnull=True)
    assert root.nama == "Pemerintah Kabupaten Uji"
    assert Instansi.objects.filter(nama="Sekretariat").count() == 2
    budi = Pegawai.objects.get(nama="Budi Santoso, S.Kom.")
    assert (budi.jabatan, budi.instansi.nama, budi.instansi.induk.nama) == (
        "Pranata Komputer", "Sekretariat", "Dinas Kesehatan")
