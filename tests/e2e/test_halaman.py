"""Every admin page of the demo, opened in Chromium by each role: no script
error, no Content-Security-Policy violation. The export form's *Pilih
semua*, whose inline handler the CSP blocked, works.

The URLs come from the URL resolver (tests/test_url_walk.py), each id
pointing at an object of the demo in the role's scope, so that a new page
cannot be left out. Files (downloads, screenshots) and the JSON endpoints
are not pages and are left to the client tests.
"""

import pytest
from django.contrib.auth.models import Group

from registry.models import AkunMedsos, Impor, Instansi, Pegawai, Verifikasi
from tests.test_url_walk import fill, routes

NOT_PAGES = ("unduh", "templat", "ditolak", "bukti", "autocomplete", "jsi18n", "logout", "favicon")
# Collects what the page's CSP refused, before any script of the page runs.
LISTEN = """
window.__pelanggaran = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__pelanggaran.push(`${e.violatedDirective}: ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
});
"""


def demo_targets(user):
    """One object of each model in ``user``'s scope (the Operator's: Dinas Kesehatan)."""
    Impor.objects.get_or_create(pengguna=user, jenis="pegawai", nama_berkas="contoh.xlsx")
    targets = {
        "pegawai": Pegawai.objects.for_user(user).order_by("pk").first(),
        "akunmedsos": AkunMedsos.objects.for_user(user).filter(instansi__isnull=False).order_by("pk").first()
        or AkunMedsos.objects.for_user(user).order_by("pk").first(),
        "verifikasi": Verifikasi.objects.for_user(user).order_by("pk").first(),
        "instansi": Instansi.objects.for_user(user).order_by("pk").first(),
        "impor": Impor.objects.filter(pengguna=user).first(),
        "user": user,
        "group": Group.objects.get(name="Operator OPD"),
        "pengaturan": None,
    }
    # The demo is loaded raw, without history: one saved version each, for the history pages.
    for name in ("pegawai", "akunmedsos", "verifikasi", "instansi"):
        targets[name].save()
    return targets


def pages_of(user):
    return sorted({url for route, name in routes() if not any(word in route for word in NOT_PAGES)
                   for url in fill(route, demo_targets(user)) if not any(word in url for word in NOT_PAGES)})


@pytest.mark.parametrize("username", ["ani.admin", "vina.verifikator", "oki.dinkes"])
def test_every_page_opens_without_a_script_error(site, demo, username):
    site.login(username)
    page = site.page
    page.add_init_script(LISTEN)
    problems, heard = [], []
    page.on("console", lambda message: heard.append(message) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    opened = 0
    for path in pages_of(demo[username]):
        heard.clear()
        response = page.goto(site.base + path, wait_until="load")
        assert response.status < 500, path
        for message in heard:
            # A refused page (an operator on an Admin BKD page) logs its own status: that is the point.
            if not (message.text.startswith("Failed to load resource") and message.location["url"] == page.url):
                problems.append(f"{path}: console: {message.text} ({message.location['url']})")
        for violation in page.evaluate("window.__pelanggaran"):
            problems.append(f"{path}: CSP {violation}")
        opened += 1
    assert opened > 40
    assert not problems, "\n".join(problems)


def test_select_all_on_the_export_form_ticks_and_clears_every_column(site):
    site.login("ani.admin")
    page = site.page
    site.go("/registry/pegawai/export/")
    columns = page.locator('.selectable-field-export-row input[type="checkbox"]')
    assert columns.count() >= 5
    page.click("label[for=id_pilih_semua]")
    assert not any(columns.nth(i).is_checked() for i in range(columns.count()))
    page.check("#id_pilih_semua")
    assert all(columns.nth(i).is_checked() for i in range(columns.count()))
    columns.nth(0).uncheck()
    assert not page.is_checked("#id_pilih_semua")
    assert page.locator('input[type=submit][value="Ekspor"]').count() == 1
    site.shot("ekspor-pilih-semua")
