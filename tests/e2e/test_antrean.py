"""The verification queue under a hurried keyboard: letters typed into the
page's controls never record a result, and a slip is taken back in one click."""

from registry.models import AkunMedsos, Instansi, Verifikasi


def test_typing_into_every_control_of_the_queue_records_nothing(site):
    page = site.page
    site.login("vina.verifikator")
    site.go("/registry/akunmedsos/antrean/")
    page.wait_for_selector("#antrean")
    shown = int(page.get_attribute("input[name=akun]", "value"))
    recorded = Verifikasi.objects.count()

    # Finding "Dinas Pendidikan" by typing, as a clerk does in a drop-down.
    page.focus("#id_q_instansi")
    page.keyboard.type("Din")
    page.focus("#id_q_platform")
    page.keyboard.type("t")
    page.keyboard.press("b")
    page.focus("textarea[name=catatan]")
    page.keyboard.type("tidak valid, nama beda")
    page.focus("input[name=bukti]")
    page.keyboard.type("vtbn")
    for checkbox in page.locator("input[name=mengikuti]").all():
        checkbox.focus()
        page.keyboard.type("vtbnl")
    # A modifier with a shortcut letter is the browser's, never a result.
    page.locator("#buka-profil").focus()
    page.keyboard.press("Control+b")
    page.keyboard.press("Shift+V")
    page.wait_for_timeout(300)
    site.shot("antrean-diketik-tanpa-tercatat")
    assert Verifikasi.objects.count() == recorded
    assert page.url.endswith("/antrean/") and int(page.get_attribute("input[name=akun]", "value")) == shown
    assert page.input_value("textarea[name=catatan]") == "tidak valid, nama beda"

    # Esc leaves the note; then a letter is a shortcut again.
    page.focus("textarea[name=catatan]")
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.keyboard.press("n")
    assert Verifikasi.objects.count() == recorded + 1
    assert Verifikasi.objects.values_list("akun_id", "hasil", "catatan").latest("pk") == (
        shown, "TIDAK_AKTIF", "tidak valid, nama beda")


def test_a_slip_is_undone_and_the_account_comes_back(site):
    page = site.page
    dinkes = Instansi.objects.get(kode="DINKES")
    site.login("vina.verifikator")
    site.go(f"/registry/akunmedsos/antrean/?instansi={dinkes.pk}")
    page.wait_for_selector("#antrean")
    shown = int(page.get_attribute("input[name=akun]", "value"))
    before = AkunMedsos.objects.values_list("hasil_terakhir", "diverifikasi_pada").get(pk=shown)
    with page.expect_navigation():
        page.keyboard.press("t")
    slip = Verifikasi.objects.latest("pk")
    assert (slip.akun_id, slip.hasil) == (shown, "TIDAK_DITEMUKAN")
    assert int(page.get_attribute("input[name=akun]", "value")) != shown
    site.shot("antrean-tombol-batalkan")

    with page.expect_navigation():
        page.click("text=Batalkan hasil ini")
    page.wait_for_selector(".messagelist .success")
    assert "dibatalkan" in page.inner_text(".messagelist")
    assert int(page.get_attribute("input[name=akun]", "value")) == shown
    assert not Verifikasi.objects.filter(pk=slip.pk).exists()
    assert AkunMedsos.objects.values_list("hasil_terakhir", "diverifikasi_pada").get(pk=shown) == before
    assert page.locator("text=Batalkan hasil ini").count() == 0

    # Back in history and the stale undo form posted again: refused, nothing lost.
    page.go_back()
    page.go_back()
    if page.locator("text=Batalkan hasil ini").count():
        with page.expect_navigation():
            page.click("text=Batalkan hasil ini")
        assert "tidak dapat dibatalkan lagi" in page.inner_text(".messagelist")
    assert AkunMedsos.objects.values_list("hasil_terakhir", "diverifikasi_pada").get(pk=shown) == before
