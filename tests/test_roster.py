"""Rosters as clerks get them (issue 17): SIASN's and SIMPEG's exports
imported as they come, units found by their chain, the tree grown from a
roster, and the column mapping a clerk corrects and the registry remembers.

The regency: Pemerintah Kabupaten Uji › Dinas Kesehatan (Sekretariat,
UPTD Puskesmas Kota) and Dinas Pendidikan (Sekretariat, SMP Negeri 1): a
"Sekretariat" under each dinas. Files: tests/data/make_rosters.py.
"""

from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from registry.models import Impor, Instansi, Pegawai, PemetaanKolom, StatusImpor
from tests.test_import import confirm, rejected, upload

DATA = Path(__file__).parent / "data"


@pytest.fixture
def sekretariat(tree):
    """A Sekretariat under each dinas: the same name twice."""
    return (Instansi.objects.create(kode="DINKES-SEKR", nama="Sekretariat", induk=tree.dinkes),
            Instansi.objects.create(kode="DISDIK-SEKR", nama="Sekretariat", induk=tree.disdik))


def people():
    return {p.nama: p for p in Pegawai.objects.select_related("instansi")}


def test_a_siasn_export_is_read_as_it_comes(client, tree, sekretariat, ani):
    client.force_login(ani)
    preview = upload(client, "pegawai", "siasn_data_utama.xlsx")
    plan = preview.context["plan"]
    assert plan.ignored == ["PNS_ID", "NIP_LAMA", "TGL_LAHIR", "JENIS_KELAMIN", "EMAIL", "NOMOR_HP"]
    assert preview.context["counts"] == {"baru": 7, "berubah": 0, "tetap": 0, "ditolak": 0}
    assert not preview.context["unit_baru"]
    assert confirm(client, "pegawai", preview).status_code == 302
    staff = people()
    dinkes_sekr, disdik_sekr = sekretariat
    assert staff["dr. Dewi Marlina, M.Kes."].instansi == tree.dinkes
    assert staff["Budi Santoso, S.Kom."].instansi == dinkes_sekr
    assert staff["Dra. Endang Susilowati"].instansi == disdik_sekr
    assert staff["Sari Wulandari, A.Md.Kep."].status_kepegawaian == "PPPK"
    assert staff["Rizky Pratama, S.Pd."].status_kepegawaian == "PNS", "CPNS counts as PNS"
    # Retired and deceased: kept, inactive, never deleted.
    assert (staff["Suparman"].aktif, staff["Hasan Basri, S.E."].aktif) == (False, False)
    assert staff["dr. Dewi Marlina, M.Kes."].aktif


def test_nothing_the_registry_does_not_need_is_stored(client, tree, sekretariat, ani):
    """Birth dates, e-mail addresses and phone numbers are not read, and no
    table, history included, holds them (UU 27/2022, minimum data)."""
    client.force_login(ani)
    confirm(client, "pegawai", upload(client, "pegawai", "siasn_data_utama.xlsx"))
    for model in apps.get_models(include_auto_created=True):
        for row in model._base_manager.values_list():
            text = repr(row)
            assert "@example.go.id" not in text and "081234560000" not in text and "15-01-1980" not in text, model
            assert "140212345" not in text, f"the old NIP is not kept: {model}"


def test_a_simpeg_export_with_its_old_nip_and_satker_levels(client, tree, sekretariat, ani):
    client.force_login(ani)
    preview = upload(client, "pegawai", "simpeg_satker.xlsx")
    html = preview.content.decode()
    assert "Kolom NIP berisi NIP lama (9 digit) dan tidak dibaca; NIP dibaca dari kolom NIP_BARU." in html
    assert preview.context["counts"]["ditolak"] == 0, preview.context["rejected"]
    confirm(client, "pegawai", preview)
    staff = people()
    assert staff["Budi Santoso, S.Kom."].instansi == sekretariat[0]
    assert staff["Teguh Prasetyo, S.Kep."].instansi == tree.pkm
    assert staff["dr. Dewi Marlina, M.Kes."].nip == "198001152005012003"


def test_a_simpeg_export_with_eselon_levels_and_titles_apart(client, tree, sekretariat, oki):
    """Dinas Kesehatan's operator: its own staff are read, the others are outside its units."""
    client.force_login(oki)
    preview = upload(client, "pegawai", "simpeg_eselon.xlsx")
    reasons = rejected(preview)
    assert preview.context["counts"]["baru"] == 3
    assert "berada di luar instansi yang Anda kelola" in reasons[(7, "UNIT KERJA")]
    confirm(client, "pegawai", preview, hanya_valid="1")
    assert set(people()) == {"dr. Dewi Marlina, M.Kes.", "Budi Santoso, S.Kom.", "Sari Wulandari, A.Md.Kep."}


def test_repeated_unit_names_are_found_by_their_parent(client, tree, sekretariat, ani):
    client.force_login(ani)
    preview = upload(client, "pegawai", "roster_unit_kembar.xlsx")
    reasons = rejected(preview)
    ambiguous = reasons[(4, "UNIT KERJA")]
    assert "'Sekretariat' ada di beberapa tempat (di bawah Dinas Kesehatan, Dinas Pendidikan)" in ambiguous
    assert "isi juga kolom induknya" in ambiguous
    # A dinas the registry lacks: the Admin BKD is offered to create it.
    assert [nama for _, nama, _ in preview.context["unit_baru"]] == ["Dinas Pariwisata", "Sekretariat"]
    confirm(client, "pegawai", preview, hanya_valid="1", buat_instansi="1")
    staff = people()
    assert staff["Budi Santoso, S.Kom."].instansi == sekretariat[0]
    assert staff["Dra. Endang Susilowati"].instansi == sekretariat[1]
    created = staff["Rizky Pratama, S.Pd."].instansi
    assert (created.nama, created.induk.nama, created.induk.induk) == ("Sekretariat", "Dinas Pariwisata", tree.pemda)


def test_an_operator_is_refused_a_unit_that_does_not_exist_with_the_chain_and_the_nearest_units(
    client, tree, sekretariat, oki
):
    client.force_login(oki)
    preview = upload(client, "pegawai", "roster_unit_kembar.xlsx")
    reasons = rejected(preview)
    assert "'Dinas Pariwisata › Sekretariat' tidak ditemukan di instansi yang Anda kelola" in reasons[(5, "UNIT KERJA")]
    assert "maksud Anda: Sekretariat (Dinas Kesehatan)?" in reasons[(5, "UNIT KERJA")]
    assert not preview.context["unit_baru"]


def test_a_header_of_three_rows(client, tree, sekretariat, ani):
    client.force_login(ani)
    preview = upload(client, "pegawai", "roster_tiga_baris_judul.xlsx")
    plan = preview.context["plan"]
    assert plan.ignored == ["NO"]
    assert [row.number for row in plan.rows] == [7, 8, 9], "the numbering row is not data"
    assert preview.context["counts"]["baru"] == 3, preview.context["rejected"]
    confirm(client, "pegawai", preview)
    staff = people()
    assert staff["Budi Santoso, S.Kom."].instansi == sekretariat[0]
    assert staff["Dra. Endang Susilowati"].instansi == sekretariat[1]
    assert staff["Sari Wulandari, A.Md.Kep."].instansi == tree.pkm


def test_the_roster_grows_the_tree_only_on_confirm_with_the_tick(client, tree, sekretariat, ani):
    client.force_login(ani)
    preview = upload(client, "pegawai", "siasn_unit_baru.xlsx")
    html = preview.content.decode()
    assert "3 instansi baru dari berkas ini" in html
    assert [(depth, nama) for depth, nama, _ in preview.context["unit_baru"]] == [
        (0, "Dinas Pariwisata"), (1, "Bidang Destinasi"), (1, "Sekretariat")]
    assert not Instansi.objects.filter(nama="Dinas Pariwisata").exists(), "nothing before confirm"
    refused = confirm(client, "pegawai", preview)
    assert "Centang" in refused.content.decode() and not Pegawai.objects.exists()
    assert confirm(client, "pegawai", preview, buat_instansi="1").status_code == 302
    pariwisata = Instansi.objects.get(nama="Dinas Pariwisata")
    assert pariwisata.induk == tree.pemda and pariwisata.kode.startswith("PEMDA-")
    assert set(Instansi.objects.filter(induk=pariwisata).values_list("nama", flat=True)) == {
        "Bidang Destinasi", "Sekretariat"}
    assert people()["Maya Kartika, S.Par."].instansi.nama == "Bidang Destinasi"
    assert Instansi.history.filter(history_change_reason__startswith="impor #").count() == 3


def test_into_an_empty_registry_the_whole_tree_comes_from_the_roster(client, db, ani):
    client.force_login(ani)
    preview = upload(client, "pegawai", "siasn_data_utama.xlsx")
    assert [nama for _, nama, _ in preview.context["unit_baru"]][:2] == ["Pemerintah Kabupaten Uji", "Dinas Kesehatan"]
    confirm(client, "pegawai", preview, buat_instansi="1")
    root = Instansi.objects.get(induk__isnull=True)
    assert root.nama == "Pemerintah Kabupaten Uji"
    assert Instansi.objects.filter(nama="Sekretariat").count() == 2
    assert Pegawai.objects.count() == 7


@pytest.mark.parametrize("sample, staff", [("simpeg_satker.xlsx", 6), ("simpeg_eselon.xlsx", 5)])
def test_into_an_empty_registry_a_simpeg_export_brings_its_units_level_by_level(client, db, ani, sample, staff):
    """Someone at the second level (SATKER_2 and nothing below) stands in a
    new unit as surely as the staff of its sub-units: a level column is a
    place in the tree, not a name that may be a typo."""
    client.force_login(ani)
    preview = upload(client, "pegawai", sample)
    assert preview.context["counts"]["ditolak"] == 0, preview.context["rejected"]
    confirm(client, "pegawai", preview, buat_instansi="1")
    assert Pegawai.objects.count() == staff
    dinkes = Instansi.objects.get(nama="Dinas Kesehatan")
    assert set(Instansi.objects.filter(induk=dinkes).values_list("nama", flat=True)) >= {"Sekretariat"}
    assert Pegawai.objects.filter(instansi=dinkes).exists()


def test_one_unknown_name_in_a_unit_column_is_a_typo_to_correct_not_a_unit_to_create(client, db, ani):
    client.force_login(ani)
    Instansi.objects.create(kode="PEMKAB", nama="Pemerintah Kabupaten Uji")
    preview = upload(client, "pegawai", "pegawai_salah.xlsx")
    assert not preview.context["unit_baru"]
    assert any("'Dinas Pariwisata'" in reason and "tidak ditemukan" in reason
               for reason in rejected(preview).values())


def test_a_corrected_mapping_is_applied_and_remembered(client, tree, sekretariat, ani):
    client.force_login(ani)
    preview = upload(client, "pegawai", "siasn_data_utama.xlsx")
    record = preview.context["record"]
    columns = {f"kolom_{index}": name for index, _, name in preview.context["pemetaan"]}
    # The clerk reads the position from NIP_LAMA by mistake, then puts it right.
    jabatan = next(index for index, header, _ in preview.context["pemetaan"] if header == "JABATAN_NAMA")
    columns[f"kolom_{jabatan}"] = ""
    url = reverse("admin:registry_pegawai_process_import")
    remapped = client.post(url, {"impor": record.pk, "terapkan_pemetaan": "1", **columns})
    assert "JABATAN_NAMA" in remapped.context["plan"].ignored
    assert str(jabatan) not in PemetaanKolom.objects.get(jenis="pegawai").kolom
    # The next file with these headers is read the same way, and says so.
    again = upload(client, "pegawai", "siasn_data_utama.xlsx")
    assert "JABATAN_NAMA" in again.context["plan"].ignored
    assert "terakhir Anda atur" in again.content.decode()
    columns[f"kolom_{jabatan}"] = "jabatan"
    client.post(url, {"impor": again.context["record"].pk, "terapkan_pemetaan": "1", **columns})
    confirm(client, "pegawai", again)
    assert people()["Budi Santoso, S.Kom."].jabatan == "Pranata Komputer"


def test_a_mapping_without_a_required_column_is_refused_in_words(client, tree, sekretariat, ani):
    client.force_login(ani)
    preview = upload(client, "pegawai", "siasn_data_utama.xlsx")
    columns = {f"kolom_{index}": ("" if name == "nama" else name) for index, _, name in preview.context["pemetaan"]}
    remapped = client.post(reverse("admin:registry_pegawai_process_import"),
                           {"impor": preview.context["record"].pk, "terapkan_pemetaan": "1", **columns})
    assert "Kolom Nama tidak ditemukan" in remapped.content.decode()
    assert Impor.objects.get().status == StatusImpor.PRATINJAU


def test_google_form_headers_for_accounts(client, tree, staff, oki):
    """A form's questions around the platform's name: read as its column."""
    import io

    client.force_login(oki)
    form = io.BytesIO(
        "Timestamp,NIP,Akun Instagram (tanpa @),Link TikTok,Sudah follow Instagram Humas?\r\n"
        f"2026-11-20 10:00,'{staff.siti.nip},siti.baru,https://www.tiktok.com/@siti_baru,Ya\r\n".encode()
    )
    form.name = "jawaban_form.csv"
    preview = client.post(reverse("admin:registry_akunmedsos_import"), {"berkas": form})
    plan = preview.context["plan"]
    assert set(plan.mapping.values()) == {"nip", "wide:instagram", "wide:tiktok"}
    assert plan.ignored == ["Timestamp", "Sudah follow Instagram Humas?"]
    assert preview.context["new_accounts"] == 2


def test_command_line_grows_the_tree_only_when_asked(tree, sekretariat):
    from io import StringIO

    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="ditolak"):
        call_command("import_data", "pegawai", str(DATA / "siasn_unit_baru.xlsx"), stdout=StringIO(),
                     stderr=StringIO())
    out = StringIO()
    call_command("import_data", "pegawai", str(DATA / "siasn_unit_baru.xlsx"), "--buat-instansi", stdout=out,
                 stderr=StringIO())
    assert "3 instansi baru dibuat dari berkas ini: Dinas Pariwisata, Bidang Destinasi, Sekretariat" in out.getvalue()
    assert Instansi.objects.filter(nama="Dinas Pariwisata", induk=tree.pemda).exists()
