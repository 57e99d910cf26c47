"""The printed list as paper: headless Chromium prints it to PDF, pdftotext reads it back."""

import datetime
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.models import Pegawai, Pengaturan, ProfilPengguna
from tests.conftest import make_pegawai

CHROMIUM = shutil.which("chromium")
HEADER_WORDS = ["No.", "Nama", "NIP", "NIK", "Jabatan", "Status", "Keterangan"]
PDFTOTEXT = shutil.which("pdftotext")
ARTIFACTS = Path(__file__).parent / "e2e" / "artifacts"

# Skipped on a developer's machine without them; in CI they must run.
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and PDFTOTEXT) and not os.environ.get("CI"),
    reason="needs Debian's chromium and poppler-utils (apt-get install chromium poppler-utils)",
)


def print_to_pdf(html, tmp_path, layout=False):
    """The pages of the printed ``html``: with ``layout``, as lines laid out
    as on paper; else in reading order, white space folded, so that a cell
    that wraps reads as one phrase."""
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
    options = ["-layout"] if layout else []
    text = subprocess.run([PDFTOTEXT, *options, str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    return pages if layout else [" ".join(p.split()) for p in pages]


ROW = re.compile(r"^\s*(\d+)\s+Pegawai Cetak \d{3}", re.M)


def rows_per_page(pages):
    return [len(ROW.findall(page)) for page in pages]


@pytest.fixture
def printed_500(client, tree, vina, tmp_path):
    """A 500-row list printed by Vina, whose NIP the print names as its preparer."""
    Pengaturan.objects.filter(pk=1).update(
        tempat="Palembang", ttd_nama="Drs. Kepala Badan", ttd_nip="196801011990031001")
    vina.first_name, vina.last_name = "Vina", "Oktaviani"
    vina.save()
    ProfilPengguna.objects.create(pengguna=vina, nip="199003152015032001")
    for i in range(500):
        make_pegawai(tree.pkm if i % 2 else tree.smpn1, f"Pegawai Cetak {i:03d}",
                     jabatan="Pengadministrasi Perkantoran" if i % 3 else "")
    client.force_login(vina)

    def render(**params):
        url = reverse("admin:registry_evaluasi_cetak", args=["belum-punya-akun"])
        return client.get(url, params).content.decode()

    return render


def test_a_500_row_list_prints_as_a_proper_a4_document(printed_500, tmp_path):
    html = printed_500()
    pages = print_to_pdf(html, tmp_path)
    laid_out = print_to_pdf(html, tmp_path, layout=True)

    counts = rows_per_page(laid_out)
    assert sum(counts) == 500 and min(counts[:-1]) >= 30, f"rows per page: {counts}"
    # Every page holds rows: the signatures never stand alone.
    assert all(counts), f"rows per page: {counts}"
    for number, page in enumerate(pages, start=1):
        words = page.split()
        for word in HEADER_WORDS:
            assert word in words, f"table header ({word}) missing on page {number}"
        assert f"Halaman {number} dari {len(pages)}" in page
    # Each NIP on one line, in its official grouping.
    nips = re.findall(r"\b\d{8} \d{6} \d \d{3}\b", "\n".join(laid_out))
    assert len(nips) >= 500
    first, last = pages[0], pages[-1]
    assert "PEMERINTAH KABUPATEN SUKAMAJU" in first
    assert "PEGAWAI YANG BELUM MEMILIKI AKUN MEDIA SOSIAL" in first
    assert "Instansi: semua instansi" in first
    assert re.search(r"Palembang, \d{1,2} \w+ \d{4}", last)
    assert "Mengetahui," in last and "Drs. Kepala Badan" in last and "NIP. 19680101 199003 1 001" in last
    assert "Dibuat oleh," in last and "Vina Oktaviani" in last and "NIP. 19900315 201503 2 001" in last
    assert re.search(r"Dicetak \d{1,2} \w+ \d{4} \d{2}\.\d{2} WIB oleh Vina Oktaviani · Instansi: semua instansi", last)
    assert "Keterangan" in first and "Belum mendaftarkan akun" in first
    assert "Pengadministr asi" not in " ".join(pages) and "Pengadministr\n" not in "\n".join(laid_out)
    printed = set(re.findall(r"Pegawai Cetak \d{3}", "\n".join(pages)))
    assert len(printed) == 500
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "cetak-500-baris.txt").write_text("\f".join(laid_out), encoding="utf-8")
    print(f"rows per page: {counts}")


def test_the_signatures_take_the_last_rows_with_them(printed_500, tmp_path):
    """Rows that end a page exactly would leave the signatures alone on the
    next: the last rows go over with them."""
    counts = rows_per_page(print_to_pdf(printed_500(), tmp_path, layout=True))
    # Keep only as many rows as fill the first two pages.
    keep = counts[0] + counts[1]
    Pegawai.objects.exclude(pk__in=Pegawai.objects.order_by("instansi__jalur", "nama", "pk")[:keep]).delete()
    pages = print_to_pdf(printed_500(), tmp_path, layout=True)
    counts = rows_per_page(pages)
    assert sum(counts) == keep
    assert "Mengetahui," in pages[-1] and counts[-1] >= 3, f"rows per page: {counts}"


def test_landscape_on_request(printed_500, tmp_path):
    html = printed_500(orientasi="lanskap")
    assert "size: A4 landscape" in html and "Cetak tegak (potret)" in html
    portrait = printed_500()
    assert "size: A4 portrait" in portrait and "?orientasi=lanskap" in portrait


def test_rekap_prints_with_its_bars(client, tree, vina, tmp_path):
    make_pegawai(tree.pkm, "Satu")
    client.force_login(vina)
    html = client.get(reverse("admin:registry_rekap_cetak"), {"instansi": tree.pemda.pk}).content.decode()
    pages = print_to_pdf(html, tmp_path)
    assert len(pages) == 1
    assert "Dinas Kesehatan" in pages[0] and "Jumlah" in pages[0] and "Mengetahui," in pages[0]


DEMO_ROW = re.compile(r"^\s*\d+ +[A-Z][a-z]", re.M)


def test_the_demo_regency_prints_at_least_30_rows_a_page(client, db, tmp_path):
    """On the demo regency's own long names, units and remarks (DESIGN §8),
    as the Admin BKD and as the operator of Dinas Kesehatan: every page but
    the last, which carries the signatures, holds 30 rows or more."""
    from django.contrib.auth.models import Group, User

    from registry.demo import load_demo
    from registry.models import Instansi

    load_demo()
    admin = User.objects.create_user("ani.admin", is_staff=True, is_superuser=True)
    operator = User.objects.create_user("oki.dinkes", is_staff=True)
    operator.groups.add(Group.objects.get(name="Operator OPD"))
    Instansi.objects.get(kode="DINKES").operator.add(operator)
    measured = {}
    for user in (admin, operator):
        client.force_login(user)
        month = {"dari": (timezone.localdate() - datetime.timedelta(days=29)).isoformat(),
                 "sampai": timezone.localdate().isoformat()}
        for jenis, params in [("tidak-patuh", {}), ("belum-punya-akun", {}), ("belum-mengikuti", {}),
                              ("belum-menyebarkan", month)]:
            response = client.get(reverse("admin:registry_evaluasi_cetak", args=[jenis]), params)
            pages = print_to_pdf(response.content.decode(), tmp_path, layout=True)
            counts = [len(DEMO_ROW.findall(page)) for page in pages]
            measured[(user.username, jenis)] = counts
            assert sum(counts) == response.context["jumlah"], (user.username, jenis, counts)
            assert all(count >= 30 for count in counts[:-1]), (user.username, jenis, counts)
    print("rows per page on the demo regency:", measured)
