"""Content-Security-Policy: on every page, and no page needs an inline script.

Vina (Verifikator) opens the pages that carry the registry's own scripts
(the queue, Rekap and its print, an Evaluasi print) and the admin's own.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import make_akun

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)


def policy(response):
    return dict(
        (part.split(" ", 1) + [""])[:2] for part in (p.strip() for p in response["Content-Security-Policy"].split(";"))
    )


def test_the_login_page_carries_the_policy(client):
    directives = policy(client.get(reverse("admin:login")))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"


@pytest.mark.parametrize("name, args, query", [
    ("admin:index", [], {}),
    ("admin:registry_pegawai_changelist", [], {}),
    ("admin:registry_verifikasi_add", [], {}),
    ("admin:registry_akunmedsos_antrean", [], {}),
    ("admin:registry_rekap", [], {}),
    ("admin:registry_rekap_cetak", [], {}),
    ("admin:registry_evaluasi", ["tidak-patuh"], {}),
    ("admin:registry_evaluasi_cetak", ["tidak-patuh"], {}),
])
def test_pages_with_scripts_keep_them_in_static_files(client, tree, vina, name, args, query):
    make_akun(tree.pemda, username="humas.uji", wajib_diikuti=True)
    client.force_login(vina)
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200
    assert policy(response)["script-src"] == "'self'"
    page = response.content.decode()
    assert not INLINE_SCRIPT.search(page), INLINE_SCRIPT.search(page)
    assert not HANDLER.search(page), HANDLER.search(page)


def test_no_template_of_the_project_writes_an_inline_script_or_handler():
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for pattern in (INLINE_SCRIPT, HANDLER)
        for match in pattern.finditer(path.read_text())
    ]
    assert found == []


STATIC_TAG = re.compile(r"""{%\s*static\s+['"]([^'"]+)['"]\s*%}""")


def test_every_script_a_template_names_is_in_the_repository():
    # A script the .gitignore swallowed works on the machine that wrote it
    # and nowhere else; the finders read the app's static folder as CI has it.
    from django.contrib.staticfiles import finders

    named = {name for path in TEMPLATES.rglob("*.html") for name in STATIC_TAG.findall(path.read_text())}
    assert {"registry/antrean.js", "registry/rekap.js", "registry/cetak.js"} <= named
    assert [name for name in sorted(named) if not finders.find(name)] == []
