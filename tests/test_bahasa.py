"""Everything a clerk reads is Indonesian, including the libraries' strings."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import formats, translation
from django.utils.timezone import datetime

from tests.conftest import make_pegawai

PO = Path(__file__).resolve().parent.parent / "locale" / "id" / "LC_MESSAGES" / "django.po"


def catalogue():
    text = PO.read_text(encoding="utf-8")
    for msgid, msgstr in re.findall(r'\nmsgid "(.+)"\nmsgstr "(.*)"\n', text):
        yield msgid.replace('\\"', '"'), msgstr.replace('\\"', '"')


def test_the_compiled_catalogue_matches_the_po_file():
    with translation.override("id"):
        for msgid, msgstr in catalogue():
            assert translation.gettext(msgid) == msgstr, msgid


@pytest.mark.parametrize("page,words", [
    ("admin:registry_pegawai_changelist", ["Impor", "Ekspor"]),
    ("admin:registry_pegawai_export", ["Kolom yang akan diekspor", 'value="Ekspor"', "Pilih semua"]),
])
def test_library_pages_speak_indonesian(client, tree, ani, page, words):
    client.force_login(ani)
    html = client.get(reverse(page)).content.decode()
    for word in words:
        assert word in html
    for english in (">Import<", ">Export<", "This exporter will export", ">Submit<", "Select all", "Kirim"):
        assert english not in html


def test_dates_read_in_full(client, tree, ani):
    with translation.override("id"):
        assert formats.date_format(datetime(2026, 11, 21)) == "21 November 2026"
    siti = make_pegawai(tree.dinkes, "Siti")
    client.force_login(ani)
    html = client.get(reverse("admin:registry_pegawai_change", args=[siti.pk])).content.decode()
    assert re.search(r"\d{1,2} (Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|"
                     r"November|Desember) \d{4}", html)


def test_the_two_box_selector_names_its_arrows_in_indonesian(client, ani):
    client.force_login(ani)
    catalogue = client.get(reverse("admin:jsi18n")).content.decode()
    assert 'tombol panah \\"Pilih\\"' in catalogue and 'tombol panah \\"Pindahkan\\"' in catalogue
    assert 'tombol panah \\"Choose\\"' not in catalogue and 'tombol panah \\"Remove\\"' not in catalogue


WRONG = ["RUBAH", "Rubah", "merubah", "Autentidikasi", "berdasarkan-sandi", "Diadakan", "Ditiadakan", "dibawah",
         "waktu berkualitas", "Can add", "Can change", "Can delete", "Can view", "atau sedikit", ">Buka<",
         'value="Buka"']


def test_no_page_shows_djangos_wrong_indonesian(client, tree, ani, oki):
    siti = make_pegawai(tree.dinkes, "Siti")
    client.force_login(ani)
    pages = [reverse("admin:index"), reverse("admin:auth_user_change", args=[oki.pk]),
             reverse("admin:auth_user_add"), reverse("admin:auth_user_password_change", args=[oki.pk]),
             reverse("admin:auth_group_add"), reverse("admin:registry_pegawai_change", args=[siti.pk]),
             reverse("admin:registry_pegawai_changelist"), reverse("admin:registry_pegawai_export"),
             reverse("admin:password_change"), reverse("admin:registry_akunmedsos_changelist")]
    seen = {url: client.get(url).content.decode() for url in pages}
    invalid = client.post(reverse("admin:auth_user_add"), {"username": ""}).content.decode()
    seen["tambah pengguna, isian salah"] = invalid
    seen["keluar"] = client.post(reverse("admin:logout")).content.decode()
    for where, html in seen.items():
        for wrong in WRONG:
            assert wrong.lower() not in html.lower(), f"{wrong!r} on {where}"
        # "Anda" is capitalised when it addresses the reader.
        assert not re.search(r"\banda\b", html), f"'anda' on {where}"
    assert "Perbaiki kesalahan di bawah ini." in invalid
    assert "Dapat menambah pegawai" in seen[reverse("admin:auth_group_add")]
    assert "Anda sudah keluar" in seen["keluar"]


def test_export_form_names_columns_as_in_the_file_and_picks_excel(client, tree, ani):
    client.force_login(ani)
    html = client.get(reverse("admin:registry_pegawai_export")).content.decode()
    labels = re.findall(r"<label[^>]*>\s*(.*?)\s*</label>", html, re.S)
    assert "NIP" in labels and "KODE INSTANSI" in labels and "Nip (NIP)" not in labels
    assert '<option value="0" selected>xlsx</option>' in html and ">---<" not in html
