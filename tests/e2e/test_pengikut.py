"""A follower list in a real browser: the wrong account's export is refused
by name, and a list far shorter than the last needs a deliberate tick."""

import json
import zipfile

from registry.models import AkunMedsos, Verifikasi


def _archive(path, owner, usernames):
    entries = [{"title": "", "string_list_data": [{"href": f"https://www.instagram.com/{u}", "value": u}]}
               for u in usernames]
    profile = {"profile_user": [{"string_map_data": {"Nama pengguna": {"value": owner}}}]}
    with zipfile.ZipFile(path, "w") as target:
        target.writestr("personal_information/personal_information/personal_information.json", json.dumps(profile))
        target.writestr("connections/followers_and_following/followers_1.json", json.dumps(entries))
    return path


def _open_upload(site, username):
    page = site.page
    site.go("/registry/akunmedsos/resmi/")
    page.locator("tr", has_text=f"@{username}").filter(has_text="Instagram").locator(
        "text=Unggah daftar pengikut").click()
    page.wait_for_selector("input[name=berkas]")


def test_wrong_account_refused_and_a_drop_needs_a_tick(site, tmp_path):
    page = site.page
    dinkes = AkunMedsos.objects.get(platform="instagram", username="dinkes.sukamaju")
    Verifikasi.objects.create(akun=dinkes, hasil="VALID", jumlah_pengikut=37538)
    lists = Verifikasi.objects.filter(akun=dinkes, sumber="DAFTAR_PENGIKUT")
    before = lists.count()
    site.login("vina.verifikator")

    _open_upload(site, "dinkes.sukamaju")
    page.set_input_files("input[name=berkas]", _archive(tmp_path / "unduhan.zip", "humas.sukamaju", ["a.b"]))
    page.click("input[value='Unggah dan pratinjau']")
    error = page.inner_text(".errorlist")
    assert "daftar pengikut @humas.sukamaju (menurut personal_information.json), bukan @dinkes.sukamaju" in error
    site.shot("daftar-pengikut-akun-lain")

    registered = list(AkunMedsos.objects.filter(platform="instagram", pegawai__isnull=False)
                      .values_list("username", flat=True)[:40])
    page.set_input_files("input[name=berkas]", _archive(tmp_path / "dinkes.zip", "dinkes.sukamaju", registered))
    page.click("input[value='Unggah dan pratinjau']")
    page.wait_for_selector("#peringatan-turun")
    assert "Jumlah pengikut turun" in page.inner_text("#peringatan-turun")
    assert page.inner_text("#jumlah-terakhir").startswith("37.538")
    site.shot("daftar-pengikut-turun")
    page.click("input[value='Konfirmasi dan terapkan']")
    page.wait_for_selector("#peringatan-turun.errornote")
    assert lists.count() == before
    page.check("#turun-diperiksa")
    page.click("input[value='Konfirmasi dan terapkan']")
    page.wait_for_selector(".messagelist .success")
    assert lists.count() == before + 1 and lists.latest("waktu").jumlah_pengikut == len(registered)
