"""Every file the registry writes keeps identity numbers as text: a clerk who
types a NIP into a rejected-rows file, a template or an export gets text back,
never a number Excel rounds. Header frozen, columns as wide as their content."""

import io

import openpyxl
import pytest
from django.urls import reverse

from registry import sheets
from tests.test_export import PEGAWAI_FIELDS, export
from tests.test_import import upload


def workbook(response):
    content = response if isinstance(response, bytes) else (
        b"".join(response.streaming_content) if response.streaming else response.content)
    return openpyxl.load_workbook(io.BytesIO(content))


def columns(sheet, header_row, *names):
    headers = [c.value for c in sheet[header_row]]
    return [headers.index(name) + 1 for name in names]


def assert_identity_cells_are_text(sheet, header_row, *names):
    for column in columns(sheet, header_row, *names):
        letter = openpyxl.utils.get_column_letter(column)
        filled = 0
        for row in range(header_row + 1, sheet.max_row + 1):
            cell = sheet.cell(row, column)
            assert cell.number_format == "@", f"{letter}{row} is {cell.number_format}, not Text"
            assert cell.value is None or isinstance(cell.value, str), f"{letter}{row} holds {cell.value!r}"
            filled += cell.value is not None
        assert sheet.column_dimensions[letter].number_format == "@", "rows typed below the data are Text too"
        assert filled, f"column {names} has values to check"


def test_rejected_rows_hold_nips_as_text(client, tree, oki):
    client.force_login(oki)
    preview = upload(client, "pegawai", "nip_angka.xlsx")
    url = reverse("admin:registry_pegawai_import_rejected", args=[preview.context["record"].pk])
    sheet = workbook(client.get(url)).active
    assert sheet.freeze_panes == "A2"
    assert_identity_cells_are_text(sheet, 1, "NIP")
    nip_column = openpyxl.utils.get_column_letter(columns(sheet, 1, "NIP")[0])
    assert sheet.column_dimensions[nip_column].width >= 18, "a NIP fits its column"


def test_exports_hold_identity_numbers_as_text(client, staff, ani):
    client.force_login(ani)
    sheet = workbook(export(client, "pegawai", "pegawairesource", PEGAWAI_FIELDS)).active
    assert sheet.freeze_panes == "A2"
    assert_identity_cells_are_text(sheet, 1, "NIP", "NIK")
    names = openpyxl.utils.get_column_letter(columns(sheet, 1, "NAMA")[0])
    assert sheet.column_dimensions[names].width >= len("Rudi Hartono")


@pytest.mark.parametrize("jenis", ["tidak-patuh", "belum-diverifikasi"])
def test_evaluation_downloads_hold_identity_numbers_as_text(client, staff, vina, jenis):
    client.force_login(vina)
    response = client.get(reverse("admin:registry_evaluasi_unduh", args=[jenis]))
    sheet = workbook(response).active
    header_row = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "NO")
    assert sheet.freeze_panes == f"A{header_row + 1}"
    assert_identity_cells_are_text(sheet, header_row, "NIP", "NIK")


@pytest.mark.parametrize("model", ["pegawai", "akunmedsos"])
def test_templates_hold_the_example_nip_as_text_and_fit_it(client, tree, ani, model):
    client.force_login(ani)
    sheet = workbook(client.get(reverse(f"admin:registry_{model}_import_template")))["Data"]
    assert sheet["A2"].value == "198503122010011003" and sheet["A2"].number_format == "@"
    assert sheet.freeze_panes == "A2"
    for column in range(1, sheet.max_column + 1):
        letter = openpyxl.utils.get_column_letter(column)
        longest = max(len(str(sheet.cell(r, column).value or "")) for r in (1, 2))
        assert sheet.column_dimensions[letter].width >= longest, f"column {letter} cuts its content"


def test_template_example_and_unit_sheet_follow_the_clerks_scope(client, tree, oki, ani):
    client.force_login(oki)
    book = workbook(client.get(reverse("admin:registry_pegawai_import_template")))
    assert book.sheetnames == ["Data", "Petunjuk", "Daftar instansi"]
    headers = [c.value for c in book["Data"][1]]
    assert book["Data"].cell(2, headers.index("UNIT KERJA") + 1).value == "Dinas Kesehatan"
    assert [r[:2] for r in book["Daftar instansi"].iter_rows(values_only=True)] == [
        ("KODE", "NAMA"), ("DINKES", "Dinas Kesehatan"), ("PKM", "UPTD Puskesmas Kota")]

    client.force_login(ani)
    book = workbook(client.get(reverse("admin:registry_pegawai_import_template")))
    assert book["Data"].cell(2, headers.index("UNIT KERJA") + 1).value == "Dinas Kesehatan"
    assert book["Daftar instansi"].max_row == 6
    units = workbook(client.get(reverse("admin:registry_instansi_import_template")))["Data"]
    assert units["D2"].value == "PEMDA", "the example's parent is a unit that exists"


def test_a_large_export_streams_past_the_width_sample():
    """Rows past the first WIDTH_SAMPLE are written straight through, still as text."""
    writer = sheets.XlsxWriter(["NIP", "NAMA"], text_columns={"NIP"}, title=["Daftar uji", "Saringan: semua"])
    for i in range(sheets.XlsxWriter.WIDTH_SAMPLE + 20):
        writer.append([f"19850312201001{i:04d}", "Nama"])
    sheet = openpyxl.load_workbook(writer.close()).active
    assert [sheet["A1"].value, sheet["A2"].value, sheet["A4"].value] == ["Daftar uji", "Saringan: semua", "NIP"]
    assert sheet.freeze_panes == "A5"
    assert sheet.max_row == 4 + sheets.XlsxWriter.WIDTH_SAMPLE + 20
    assert_identity_cells_are_text(sheet, 4, "NIP")
