"""What the second day's walk-through found, checked again in the browser:
an operator's list names the missing official accounts and the operator's
own unit, and its Excel keeps NIPs as text."""

import io
from pathlib import Path

import openpyxl

from registry.models import Instansi, Kepatuhan, Pegawai


def test_operator_list_names_missing_accounts_its_unit_and_keeps_nips_as_text(site):
    page = site.page
    dinkes = Instansi.objects.get(kode="DINKES")
    staff = Pegawai.objects.filter(instansi__jalur__startswith=dinkes.jalur, kepatuhan=Kepatuhan.BELUM_MENGIKUTI)
    assert staff.exists(), "the demo has Dinas Kesehatan staff who do not follow yet"
    site.login("oki.dinkes")
    site.go("/registry/pegawai/evaluasi/belum-mengikuti/")
    cells = page.locator("table.registri-tabel tbody tr td:last-child").all_inner_texts()
    assert cells and all(c.startswith("Belum mengikuti ") and "@" in c for c in cells), cells[:3]
    site.shot("evaluasi-belum-mengikuti-keterangan")

    with site.context.expect_page() as printed:
        page.click("a:has-text('Cetak')")
    paper = printed.value
    paper.wait_for_load_state()
    text = paper.inner_text("body")
    assert "Instansi: Dinas Kesehatan beserta sub-unitnya" in text and "semua instansi" not in text
    assert "DINAS KESEHATAN" in paper.inner_text("h1.subjudul").upper()
    assert "Dibuat oleh," in text and "Operator OPD" in text
    site.shot("cetak-operator")
    paper.close()

    with page.expect_download() as download:
        page.click("text=Unduh Excel")
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    header = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "NO")
    nips = [sheet.cell(r, 2) for r in range(header + 1, sheet.max_row + 1)]
    assert nips and all(c.number_format == "@" for c in nips)
    assert all(c.value is None or isinstance(c.value, str) for c in nips)
    assert sheet.freeze_panes == f"A{header + 1}"
