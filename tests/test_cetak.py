"""The printed list as paper: headless Chromium prints it to PDF, pdftotext reads it back."""

import os
import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from registry.models import Pengaturan
from tests.conftest import make_pegawai

CHROMIUM = shutil.which("chromium")
HEADER_WORDS = ["No.", "Nama", "NIP", "NIK", "Jabatan", "Unit", "kerja", "Status", "Keterangan"]
PDFTOTEXT = shutil.which("pdftotext")

# Skipped on a developer's machine without them; in CI they must run.
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and PDFTOTEXT) and not os.environ.get("CI"),
    reason="needs Debian's chromium and poppler-utils (apt-get install chromium poppler-utils)",
)


def print_to_pdf(html, tmp_path):
    assert CHROMIUM and PDFTOTEXT, "CI must have chromium and pdftotext"
    page = tmp_path / "cetak.html"
    page.write_text(html, encoding="utf-8")
    pdf = tmp_path / "cetak.pdf"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run", f"--user-data-dir={tmp_path / 'profil'}", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )
    # Reading order, white space folded: a cell that wraps reads as one phrase.
    text = subprocess.run([PDFTOTEXT, str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return [" ".join(p.split()) for p in text.split("\f") if p.strip()]


def test_a_500_row_list_prints_as_a_proper_a4_document(client, tree, vina, tmp_path):
    Pengaturan.objects.filter(pk=1).update(tempat="Palembang", ttd_nama="Drs. Kepala Badan", ttd_nip="196801011990031001")
    for i in range(500):
        make_pegawai(tree.pkm if i % 2 else tree.smpn1, f"Pegawai Cetak {i:03d}")
    client.force_login(vina)
    html = client.get(reverse("admin:registry_evaluasi_cetak", args=["belum-punya-akun"])).content.decode()
    pages = print_to_pdf(html, tmp_path)

    assert len(pages) >= 10
    # The signature block may turn onto a page of its own, the last.
    assert all("Pegawai Cetak" in p for p in pages[:-1])
    for number, page in enumerate([p for p in pages if "Pegawai Cetak" in p], start=1):
        words = page.split()
        for word in HEADER_WORDS:
            assert word in words, f"table header ({word}) missing on page {number}"
        assert f"Halaman {number} dari {len(pages)}" in page
    first, last = pages[0], pages[-1]
    assert "PEMERINTAH KABUPATEN SUKAMAJU" in first
    assert "PEGAWAI YANG BELUM MEMILIKI AKUN MEDIA SOSIAL" in first
    assert "Instansi: semua instansi" in first
    assert re.search(r"Palembang, \d{1,2} \w+ \d{4}", last)
    assert "Mengetahui," in last and "Drs. Kepala Badan" in last and "NIP. 196801011990031001" in last
    printed = set(re.findall(r"Pegawai Cetak \d{3}", "\n".join(pages)))
    assert len(printed) == 500


def test_rekap_prints_with_its_bars(client, tree, vina, tmp_path):
    make_pegawai(tree.pkm, "Satu")
    client.force_login(vina)
    html = client.get(reverse("admin:registry_rekap_cetak"), {"instansi": tree.pemda.pk}).content.decode()
    pages = print_to_pdf(html, tmp_path)
    assert len(pages) == 1
    assert "Dinas Kesehatan" in pages[0] and "Jumlah" in pages[0] and "Mengetahui," in pages[0]
