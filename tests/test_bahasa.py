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
    ("admin:registry_pegawai_export", ["Kolom yang akan diekspor", "Kirim", "Pilih semua"]),
])
def test_library_pages_speak_indonesian(client, tree, ani, page, words):
    client.force_login(ani)
    html = client.get(reverse(page)).content.decode()
    for word in words:
        assert word in html
    for english in (">Import<", ">Export<", "This exporter will export", ">Submit<", "Select all"):
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
