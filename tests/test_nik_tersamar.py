"""UU 27/2022, minimum exposure: a NIK in full only to those who edit staff.

Maya (Non-ASN, DISDIK) has a NIK. Dedi operates DISDIK and edits her;
Vina (Verifikator) only looks, and sees the NIK masked on every page,
print and download; Ani (Admin BKD) edits everyone.
"""

import io

import openpyxl
from django.urls import reverse

from registry import identity
from tests.test_export import PEGAWAI_FIELDS, export, sheet_rows


def page(client, user, name, *args, **query):
    client.force_login(user)
    response = client.get(reverse(f"admin:registry_{name}", args=args), query)
    assert response.status_code == 200
    return response


def test_masked_keeps_the_region_and_the_last_two_digits():
    assert identity.masked("3273015505880001") == "3273**********01"
    assert identity.masked(None) == ""


def test_a_verifikator_sees_the_nik_masked_everywhere(client, staff, vina):
    full, shown = staff.maya.nik, identity.masked(staff.maya.nik)
    for response in [
        page(client, vina, "evaluasi", "belum-diverifikasi"),
        page(client, vina, "evaluasi_cetak", "belum-diverifikasi"),
        page(client, vina, "pegawai_change", staff.maya.pk),
        page(client, vina, "akunmedsos_changelist"),
        page(client, vina, "akunmedsos_antrean"),
    ]:
        html = response.content.decode()
        assert full not in html, response.request["PATH_INFO"]
    assert shown in page(client, vina, "evaluasi", "belum-diverifikasi").content.decode()
    assert shown in page(client, vina, "pegawai_change", staff.maya.pk).content.decode()

    rows = sheet_rows(export(client, "pegawai", "pegawairesource", PEGAWAI_FIELDS))
    assert shown in {r[1] for r in rows[1:]} and full not in {r[1] for r in rows[1:]}
    downloaded = page(client, vina, "evaluasi_unduh", "belum-diverifikasi")
    cells = [c for row in openpyxl.load_workbook(io.BytesIO(b"".join(downloaded.streaming_content))).active.values
             for c in row]
    assert shown in cells and full not in cells


def test_those_who_edit_the_employee_see_it_in_full(client, staff, dedi, ani):
    full = staff.maya.nik
    form = page(client, dedi, "pegawai_change", staff.maya.pk).context["adminform"].form
    assert form["nik"].value() == full
    assert full in page(client, dedi, "evaluasi", "belum-diverifikasi").content.decode()
    rows = sheet_rows(export(client, "pegawai", "pegawairesource", PEGAWAI_FIELDS))
    assert full in {r[1] for r in rows[1:]}
    assert page(client, ani, "pegawai_change", staff.maya.pk).context["adminform"].form["nik"].value() == full


def test_the_name_of_an_employee_everywhere_masks_the_nik(staff):
    assert str(staff.maya) == f"Maya Sari ({identity.masked(staff.maya.nik)})"
    assert str(staff.siti) == f"Siti Rahayu ({staff.siti.nip})"


def listed(client, query):
    response = client.get(reverse("admin:registry_pegawai_changelist"), {"q": query, "keaktifan": "semua"})
    assert response.status_code == 200
    return {p.pk for p in response.context["cl"].result_list}


def test_a_verifikator_cannot_unmask_a_nik_by_searching_for_it(client, staff, vina):
    """The digit walk: from the four digits the mask shows, try each next
    digit and keep the one that still lists her. Nothing lists her, so
    nothing is learnt, however long the prefix."""
    client.force_login(vina)
    nik = staff.maya.nik
    for length in range(6, 17):
        for digit in "0123456789":
            assert staff.maya.pk not in listed(client, nik[: length - 1] + digit)
    assert staff.maya.pk not in listed(client, nik)
    assert staff.maya.pk not in listed(client, f"NIK {nik[:4]} {nik[4:10]} {nik[10:]}")
    # Searching by NIP still works for her.
    assert staff.siti.pk in listed(client, staff.siti.nip[:8])


def test_the_autocomplete_confirms_no_nik_guess_either(client, staff, vina):
    client.force_login(vina)
    for term in (staff.maya.nik, staff.maya.nik[:8]):
        response = client.get(
            "/autocomplete/",
            {"app_label": "registry", "model_name": "akunmedsos", "field_name": "pegawai", "term": term},
        )
        assert response.status_code == 200
        assert response.json()["results"] == [], term


def test_those_who_see_the_nik_in_full_search_by_it(client, staff, dedi, ani):
    for user in (dedi, ani):
        client.force_login(user)
        assert listed(client, staff.maya.nik[:8]) == {staff.maya.pk}
        response = client.get(
            "/autocomplete/",
            {"app_label": "registry", "model_name": "akunmedsos", "field_name": "pegawai", "term": staff.maya.nik},
        )
        assert [r["id"] for r in response.json()["results"]] == [str(staff.maya.pk)]
