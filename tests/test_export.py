"""Export from the admin: scope, filters, columns, cell types, round trip."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from registry import identity
from registry.models import Pegawai
from tests.conftest import SESSION_RENEWAL, make_akun, make_pegawai, verify

XLSX, CSV = "0", "1"


def export(client, model, resource, fields, file_format=XLSX, query="", **extra):
    data = {"format": file_format, "resource": "0", **{f"{resource}_{name}": "on" for name in fields}, **extra}
    response = client.post(reverse(f"admin:registry_{model}_export") + query, data)
    assert response.status_code == 200, response.content[:500]
    return b"".join(response.streaming_content)


def sheet_rows(content):
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.values)


PEGAWAI_FIELDS = ["nip", "nik", "nama", "jabatan", "kode_instansi", "instansi", "status", "aktif", "kepatuhan"]


def test_export_follows_scope_and_filters(client, staff, tree, oki, vina):
    client.force_login(oki)
    rows = sheet_rows(export(client, "pegawai", "pegawairesource", PEGAWAI_FIELDS))
    assert rows[0] == ("NIP", "NIK", "NAMA", "JABATAN", "KODE INSTANSI", "INSTANSI", "STATUS KEPEGAWAIAN",
                       "AKTIF", "KEPATUHAN")
    assert {r[2] for r in rows[1:]} == {"Siti Rahayu", "Rudi Hartono"}

    client.force_login(vina)
    rows = sheet_rows(export(client, "pegawai", "pegawairesource", PEGAWAI_FIELDS, query=f"?instansi={tree.disdik.pk}"))
    assert {r[2] for r in rows[1:]} == {"Maya Sari", "Joko Susilo"}
    rows = sheet_rows(export(client, "pegawai", "pegawairesource", PEGAWAI_FIELDS, query="?status_kepegawaian__exact=PPPK"))
    assert [r[2] for r in rows[1:]] == ["Rudi Hartono"]


def test_cells_have_the_right_types(client, staff, tree, vina):
    make_pegawai(tree.dinkes, "=HYPERLINK(\"http://jahat\")", jabatan="-Kepala", status="PNS")
    client.force_login(vina)
    workbook = openpyxl.load_workbook(io.BytesIO(export(client, "pegawai", "pegawairesource", PEGAWAI_FIELDS)))
    sheet = workbook.active
    rows = list(sheet.values)
    by_name = {r[2]: r for r in rows[1:]}
    siti = by_name["Siti Rahayu"]
    assert isinstance(siti[0], str) and len(siti[0]) == 18
    assert sheet.column_dimensions["A"].number_format == "@"
    assert siti[8] == "Belum diverifikasi"
    evil = next(r for r in rows[1:] if "HYPERLINK" in r[2])
    assert evil[2].startswith("'=") and evil[3] == "'-Kepala"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    # A Verifikator does not edit staff: the NIK masked (UU 27/2022), as text.
    assert by_name["Maya Sari"][1] == identity.masked(staff.maya.nik) and by_name["Maya Sari"][0] is None


def test_choice_of_columns(client, staff, vina):
    client.force_login(vina)
    rows = sheet_rows(export(client, "pegawai", "pegawairesource", ["nama", "status"]))
    assert rows[0] == ("NAMA", "STATUS KEPEGAWAIAN")
    assert ("Maya Sari", "Non-ASN") in rows


def test_dates_and_numbers_stay_dates_and_numbers(client, staff, tree, vina):
    humas = make_akun(tree.pemda, username="humas.uji", wajib_diikuti=True)
    v = verify(humas, "VALID", pemeriksa=vina)
    v.jumlah_pengikut = 1300
    v.save()
    client.force_login(vina)
    fields = ["waktu", "platform", "akun", "hasil", "jumlah_pengikut"]
    rows = sheet_rows(export(client, "verifikasi", "verifikasiresource", fields))
    assert isinstance(rows[1][0], datetime.datetime)
    assert rows[1][1:] == ("Instagram", "humas.uji", "Valid", 1300)


def test_csv_export_uses_semicolons_and_escapes_formulas(client, tree, vina):
    make_pegawai(tree.dinkes, "+62 Nama Aneh")
    client.force_login(vina)
    text = export(client, "pegawai", "pegawairesource", ["nip", "nama"], file_format=CSV).decode("utf-8-sig")
    assert text.splitlines()[0] == "NIP;NAMA"
    assert "'+62 Nama Aneh" in text


def test_export_selected_cannot_reach_outside_scope(client, staff, oki):
    client.force_login(oki)
    data = {"format": XLSX, "resource": "0", "pegawairesource_nama": "on"}
    crafted = client.post(
        reverse("admin:registry_pegawai_export"), {**data, "export_items": [staff.siti.pk, staff.maya.pk]}
    )
    assert not crafted.streaming and "Maya" not in crafted.content.decode()
    content = export(client, "pegawai", "pegawairesource", ["nama"], export_items=[staff.siti.pk])
    assert [r[0] for r in sheet_rows(content)[1:]] == ["Siti Rahayu"]


def test_export_selected_action_offers_the_form(client, staff, oki):
    client.force_login(oki)
    response = client.post(
        reverse("admin:registry_pegawai_changelist"),
        {"action": "export_admin_action", "_selected_action": [staff.siti.pk]},
    )
    assert response.status_code == 200
    assert "export_items" in response.content.decode()


@pytest.mark.parametrize("model,resource,fields", [
    ("pegawai", "pegawairesource", PEGAWAI_FIELDS),
    ("akunmedsos", "akunmedsosresource", ["nip", "nik", "pemilik", "kode_instansi", "platform", "akun", "wajib",
                                          "hasil", "waktu"]),
    ("instansi", "instansiresource", ["kode", "nama", "singkatan", "induk", "aktif"]),
])
def test_export_then_import_changes_nothing(client, staff, tree, ani, model, resource, fields):
    humas = make_akun(tree.pemda, username="humas.uji", wajib_diikuti=True)
    verify(staff.siti.akun.get(), "VALID", [humas])
    make_akun(staff.joko, "youtube", "---")
    client.force_login(ani)
    content = export(client, model, resource, fields)
    response = client.post(
        reverse(f"admin:registry_{model}_import"),
        {"berkas": _named(content, f"{model}.xlsx")},
    )
    assert response.status_code == 200
    counts = response.context["counts"]
    assert counts["baru"] == counts["berubah"] == counts["ditolak"] == 0, response.context["rejected"]
    assert counts["tetap"] > 0


def _named(content, name):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def test_export_reads_the_database_in_a_fixed_number_of_queries(client, staff, tree, vina, django_assert_max_num_queries):
    for i in range(40):
        make_pegawai(tree.pkm, f"Tambahan {i}")
    client.force_login(vina)
    with django_assert_max_num_queries(8 + SESSION_RENEWAL):
        export(client, "pegawai", "pegawairesource", PEGAWAI_FIELDS)


def test_nobody_without_permission_exports(client, staff, django_user_model):
    someone = django_user_model.objects.create_user("tamu", is_staff=True)
    client.force_login(someone)
    assert client.get(reverse("admin:registry_pegawai_export")).status_code == 403
    assert Pegawai.objects.count() == 4


@pytest.mark.parametrize("model,buttons", [
    ("pegawai", {"import", "export"}),
    ("akunmedsos", {"import", "export"}),
    ("verifikasi", {"export"}),
])
def test_lists_offer_import_and_export_buttons(client, tree, oki, model, buttons):
    client.force_login(oki)
    page = client.get(reverse(f"admin:registry_{model}_changelist")).content.decode()
    for button in ("import", "export"):
        assert (f'class="{button}_link"' in page) == (button in buttons), button
