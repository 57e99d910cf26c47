"""An official account's posts in the browser, on the demo regency: the
Operator OPD of Dinas Kesehatan first uploads the regency's archive by
mistake and is told whose it is, then her own account's, cancels the first
preview, uploads again, confirms, and sees the new posts in the figures and
the 90-day strip; the account leaves *Akun resmi tidak aktif*."""

import datetime

from django.utils import timezone

from registry import keaktifan
from registry.models import AkunMedsos, Posting
from tests.data.make_posting import _zip, profile


def instagram_archive(path, username, days):
    """An Instagram archive of ``username`` with a feed post on each of the last ``days`` days."""
    now = timezone.now().replace(microsecond=0)
    posts = [{"media": [{"uri": f"media/posts/{i}.jpg", "creation_timestamp": int((now - datetime.timedelta(
        days=i, hours=1)).timestamp()), "title": f"Kegiatan {i}"}]} for i in range(days)]
    name = path / f"instagram-{username}-{timezone.localdate():%Y-%m-%d}-Zz9Yy8Xx.zip"
    _zip(name, {"your_instagram_activity/media/posts_1.json": posts,
                "personal_information/personal_information/personal_information.json": profile(username)})
    return name


def test_an_operator_uploads_her_accounts_posts_and_is_refused_anothers(site, demo, tmp_path):
    page = site.page
    dinkes = AkunMedsos.objects.get(platform="instagram", username="dinkes.sukamaju")
    assert dinkes in keaktifan.quiet(demo["oki.dinkes"])
    before = Posting.objects.filter(akun=dinkes).count()
    site.login("oki.dinkes")
    site.go("/registry/akunmedsos/resmi/")
    page.click("text=Instagram @dinkes.sukamaju")
    page.wait_for_selector("#strip-posting")
    days_before = page.locator("#strip-posting rect.ada").count()
    page.click("text=Unggah data posting")

    page.set_input_files("#id_berkas", str(instagram_archive(tmp_path, "humas.sukamaju", 5)))
    page.click("input[type=submit][value='Unggah dan pratinjau']")
    page.wait_for_selector(".errorlist")
    said = page.inner_text(".errorlist")
    assert "@humas.sukamaju" in said and "bukan @dinkes.sukamaju" in said, said
    site.shot("arsip-akun-lain-ditolak")

    own = instagram_archive(tmp_path, "dinkes.sukamaju", 5)
    page.set_input_files("#id_berkas", str(own))
    page.click("input[type=submit][value='Unggah dan pratinjau']")
    page.wait_for_selector("#jumlah-baru")
    assert page.inner_text("#jumlah-baru") == "5"
    # Not yet: she cancels, and nothing is saved.
    page.click("input[name=batal]")
    page.wait_for_selector(".messagelist")
    assert Posting.objects.filter(akun=dinkes).count() == before
    page.click("text=Unggah data posting")

    page.set_input_files("#id_berkas", str(own))
    page.click("input[type=submit][value='Unggah dan pratinjau']")
    page.wait_for_selector("#jumlah-baru")
    site.shot("pratinjau-posting")
    page.click("input[type=submit][value='Konfirmasi dan simpan']")
    page.wait_for_selector(".messagelist .success")
    assert "5 posting baru" in page.inner_text(".messagelist")
    assert page.locator("#strip-posting rect.ada").count() == days_before + 5
    assert timezone.localdate().strftime("%-d") in page.inner_text("#posting-terakhir")
    site.shot("strip-posting")
    assert Posting.objects.filter(akun=dinkes).count() == before + 5
    assert dinkes not in keaktifan.quiet(demo["oki.dinkes"])

    # The same archive again adds nothing.
    page.click("text=Unggah data posting")
    page.set_input_files("#id_berkas", str(own))
    page.click("input[type=submit][value='Unggah dan pratinjau']")
    page.wait_for_selector("#jumlah-baru")
    assert (page.inner_text("#jumlah-baru"), page.inner_text("#jumlah-lama")) == ("0", "5")
