"""The data subject's access: everything the registry holds about Siti, as a
printable page and one .xlsx, from her page; each access recorded.

Oki operates DINKES (Siti's unit), Dedi DISDIK; Vina checked Siti's account.
"""

import io

import openpyxl
from django.urls import reverse

from registry.models import Pegawai
from tests.conftest import make_akun, verify
from tests.test_kepatuhan_tersimpan import resubmit


def cells(response):
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [[c.value for c in row] for row in sheet.iter_rows()], sheet


def test_everything_about_her_in_one_file_and_the_access_recorded(client, staff, tree, oki, vina):
    humas = make_akun(tree.pemda, username="humas.uji", wajib_diikuti=True)
    verify(staff.siti.akun.get(), "VALID", [humas], pemeriksa=vina)
    client.force_login(oki)
    resubmit(client, "pegawai", staff.siti.pk, instansi=tree.pkm.pk)
    page = client.get(reverse("admin:registry_pegawai_change", args=[staff.siti.pk])).content.decode()
    download = reverse("admin:registry_pegawai_data_pribadi_unduh", args=[staff.siti.pk])
    assert download in page and staff.siti.nip not in download

    table, sheet = cells(client.get(download))
    text = " ".join(str(v) for row in table for v in row if v)
    assert "Siti Rahayu" in text and staff.siti.nip in text
    assert "UPTD Puskesmas Kota" in text and "Dinas Kesehatan" in text, "her unit history, from the change log"
    assert "@siti.rahayu" in text and "@humas.uji" in text, "her account and what it follows"
    assert "pemeriksa: Verifikator BKD" in text and vina.username not in text, "the checker's role, not name"
    nip_cell = next(row[3] for row in table if row[2] == "NIP")
    assert nip_cell == staff.siti.nip
    assert Pegawai.history.filter(id=staff.siti.pk, history_user=oki,
                                  history_change_reason="akses subjek data: unduh data pribadi").exists()

    printed = client.get(reverse("admin:registry_pegawai_data_pribadi", args=[staff.siti.pk]))
    html = printed.content.decode()
    assert printed.status_code == 200 and "Riwayat data dan unit kerja" in html and "Verifikasi" in html
    assert Pegawai.history.filter(id=staff.siti.pk, history_change_reason="akses subjek data: cetak data pribadi").exists()


def test_out_of_scope_is_absent_and_the_nik_masked_for_a_verifikator(client, staff, dedi, vina):
    client.force_login(dedi)
    assert client.get(reverse("admin:registry_pegawai_data_pribadi_unduh", args=[staff.siti.pk])).status_code == 404
    assert client.get(reverse("admin:registry_pegawai_data_pribadi", args=[staff.siti.pk])).status_code == 404
    client.force_login(vina)
    table, _ = cells(client.get(reverse("admin:registry_pegawai_data_pribadi_unduh", args=[staff.maya.pk])))
    nik = next(row[3] for row in table if row[2] == "NIK")
    assert nik != staff.maya.nik and nik.endswith(staff.maya.nik[-2:]) and "*" in nik


def test_the_imports_that_wrote_her_row_are_named(client, tree, oki):
    from tests.test_import import confirm, upload

    client.force_login(oki)
    confirm(client, "pegawai", upload(client, "pegawai", "pegawai_nominatif.xlsx"))
    rudi = Pegawai.objects.get(nama="Rudi Hartono")
    table, _ = cells(client.get(reverse("admin:registry_pegawai_data_pribadi_unduh", args=[rudi.pk])))
    assert any(row[0] == "Impor yang mengubah data ini" and "pegawai_nominatif.xlsx" in row[3] for row in table)
