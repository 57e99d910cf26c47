"""Bulk import through the admin, with the sample files of tests/data.

Oki operates DINKES (and PKM below it); Dedi operates DISDIK (and SMPN1).
"""

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registry.models import AkunMedsos, Impor, Instansi, Pegawai, StatusImpor
from tests.conftest import make_akun, make_pegawai

DATA = Path(__file__).parent / "data"


def upload(client, model, name, **fields):
    with open(DATA / name, "rb") as handle:
        response = client.post(reverse(f"admin:registry_{model}_import"), {"berkas": handle, **fields})
    assert response.status_code == 200
    return response


def confirm(client, model, preview, **fields):
    record = preview.context["record"]
    return client.post(reverse(f"admin:registry_{model}_process_import"), {"impor": record.pk, **fields})


def rejected(preview):
    return {(number, column): message for number, column, message in preview.context["rejected"]}


# Pegawai -----------------------------------------------------------------


def test_roster_with_title_rows_aliases_and_merged_cells(client, tree, oki):
    client.force_login(oki)
    preview = upload(client, "pegawai", "pegawai_nominatif.xlsx")
    assert preview.context["counts"] == {"baru": 5, "berubah": 0, "tetap": 0, "ditolak": 0}
    assert not Pegawai.objects.exists(), "nothing is written before confirm"

    assert confirm(client, "pegawai", preview).status_code == 302
    people = {p.nama: p for p in Pegawai.objects.select_related("instansi")}
    assert people["dr. Siti Rahayu"].nip == "198503122010011003"
    # The merged UNIT KERJA cell covers rows 6 to 8.
    assert {people[n].instansi.kode for n in ("Rudi Hartono", "Nur Aini", "Agus Saputra")} == {"PKM"}
    assert people["Rudi Hartono"].status_kepegawaian == "PPPK"
    assert people["Nur Aini"].status_kepegawaian == "PPPK_PW"
    assert (people["Agus Saputra"].status_kepegawaian, people["Agus Saputra"].nik) == ("NON_ASN", "1671011203850001")
    assert people["Hendra Wijaya"].nip == "197508172001121456"
    record = Impor.objects.get()
    assert (record.status, record.baru, record.rencana) == (StatusImpor.SELESAI, 5, None)


def test_reimporting_the_same_file_changes_nothing(client, tree, oki):
    client.force_login(oki)
    confirm(client, "pegawai", upload(client, "pegawai", "pegawai_nominatif.xlsx"))
    before = list(Pegawai.objects.order_by("pk").values_list("pk", "diubah_pada"))
    preview = upload(client, "pegawai", "pegawai_nominatif.xlsx")
    assert preview.context["counts"] == {"baru": 0, "berubah": 0, "tetap": 5, "ditolak": 0}
    confirm(client, "pegawai", preview)
    assert list(Pegawai.objects.order_by("pk").values_list("pk", "diubah_pada")) == before


def test_every_bad_row_is_named_with_its_column_and_reason(client, tree, oki):
    client.force_login(oki)
    preview = upload(client, "pegawai", "pegawai_salah.xlsx")
    reasons = rejected(preview)
    assert "format kolom NIP sebagai Teks" in reasons[(2, "NIP BARU")]
    assert "format kolom NIP sebagai Teks" in reasons[(3, "NIP BARU")]
    assert "baris 5" in reasons[(4, "NIP")] and "baris 4" in reasons[(5, "NIP")]
    assert "Pegawai Tetap" in reasons[(6, "JENIS PEGAWAI")]
    assert "Dinas Pariwisata" in reasons[(7, "UNIT KERJA")]
    assert "NIP dan NIK kosong" in reasons[(8, "NIP/NIK")]
    assert "tanggal lahir" in reasons[(9, "NIK")]
    assert "nama kosong" in reasons[(10, "NAMA LENGKAP")]
    assert preview.context["counts"] == {"baru": 1, "berubah": 0, "tetap": 0, "ditolak": 9}
    page = preview.content.decode()
    assert "Impor hanya baris yang valid" in page


def test_rejected_rows_download_with_keterangan(client, tree, oki):
    client.force_login(oki)
    preview = upload(client, "pegawai", "pegawai_salah.xlsx")
    url = reverse("admin:registry_pegawai_import_rejected", args=[preview.context["record"].pk])
    response = client.get(url)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][0] == "Baris" and rows[0][-1] == "Keterangan"
    assert len(rows) == 10
    assert rows[1][0] == 2 and "Teks" in rows[1][-1]


def test_confirm_with_rejections_needs_an_explicit_choice(client, tree, oki):
    client.force_login(oki)
    preview = upload(client, "pegawai", "pegawai_salah.xlsx")
    again = confirm(client, "pegawai", preview)
    assert again.status_code == 200
    assert "9 baris ditolak" in again.content.decode()
    assert not Pegawai.objects.exists()
    assert confirm(client, "pegawai", preview, hanya_valid="1").status_code == 302
    assert list(Pegawai.objects.values_list("nama", flat=True)) == ["Yang Benar"]
    assert Impor.objects.get().ditolak == 9


def test_operator_cannot_touch_another_agencys_staff(client, tree, oki, dedi):
    make_pegawai(tree.smpn1, "Hendra Wijaya", nip="197508172001121456")
    client.force_login(oki)
    preview = upload(client, "pegawai", "pegawai_nominatif.xlsx")
    assert rejected(preview)[(10, "NIP")] == "NIP terdaftar di instansi lain; hubungi BKD untuk mutasi"
    client.force_login(dedi)
    preview = upload(client, "pegawai", "pegawai_nominatif.xlsx")
    # Another agency's unit, named rightly: not a typo, and not Dedi's to fill.
    assert "berada di luar instansi yang Anda kelola" in rejected(preview)[(5, "UNIT KERJA")]
    assert preview.context["counts"]["baru"] == 0


def test_csv_from_indonesian_excel_and_with_bom(client, tree, dedi, ani):
    client.force_login(dedi)
    confirm(client, "pegawai", upload(client, "pegawai", "pegawai_excel_id.csv"))
    assert set(Pegawai.objects.values_list("nama", flat=True)) == {"Ma\u2019ruf Amin", "Dewi Lestari"}
    client.force_login(ani)
    confirm(client, "pegawai", upload(client, "pegawai", "pegawai_utf8_bom.csv"))
    assert Pegawai.objects.get(nip="197508172001121456").nama == "Hendra Wijaya, S.T."


def test_changes_are_previewed_then_applied(client, tree, oki):
    siti = make_pegawai(tree.dinkes, "Siti R.", nip="198503122010011003", jabatan="Dokter")
    client.force_login(oki)
    preview = upload(client, "pegawai", "pegawai_nominatif.xlsx")
    assert preview.context["counts"]["berubah"] == 1
    row = preview.context["changed"][0]
    assert row.changes["nama"] == ["Siti R.", "dr. Siti Rahayu"]
    siti.refresh_from_db()
    assert siti.nama == "Siti R."
    confirm(client, "pegawai", preview)
    siti.refresh_from_db()
    assert (siti.nama, siti.jabatan) == ("dr. Siti Rahayu", "Dokter Ahli Muda")


def test_roster_sync_deactivates_only_when_asked(client, tree, oki):
    gone = make_pegawai(tree.pkm, "Sudah Pindah")
    client.force_login(oki)
    preview = upload(client, "pegawai", "pegawai_nominatif.xlsx", instansi=tree.dinkes.pk, sinkron="on")
    assert [m[1] for m in preview.context["missing"]] == ["Sudah Pindah"]
    confirm(client, "pegawai", preview)
    gone.refresh_from_db()
    assert gone.aktif

    preview = upload(client, "pegawai", "pegawai_nominatif.xlsx", instansi=tree.dinkes.pk, sinkron="on")
    confirm(client, "pegawai", preview, nonaktifkan="1")
    gone.refresh_from_db()
    assert not gone.aktif
    assert Pegawai.objects.filter(pk=gone.pk).exists(), "never deleted"
    assert Impor.objects.order_by("-pk").first().dinonaktifkan == 1


def test_sync_is_refused_for_a_unit_outside_scope(client, tree, oki):
    client.force_login(oki)
    response = upload(client, "pegawai", "pegawai_nominatif.xlsx", instansi=tree.disdik.pk, sinkron="on")
    assert "instansi" in response.context["form"].errors
    assert not Impor.objects.exists()


def test_verifikator_exports_but_imports_no_employees(client, tree, vina):
    client.force_login(vina)
    assert client.get(reverse("admin:registry_pegawai_import")).status_code == 403
    with open(DATA / "pegawai_nominatif.xlsx", "rb") as handle:
        assert client.post(reverse("admin:registry_pegawai_import"), {"berkas": handle}).status_code == 403
    assert client.get(reverse("admin:registry_pegawai_export")).status_code == 200


def test_cancel_and_abandoned_previews_leave_no_rows_behind(client, tree, oki, settings):
    client.force_login(oki)
    preview = upload(client, "pegawai", "pegawai_nominatif.xlsx")
    confirm(client, "pegawai", preview, batal="1")
    record = Impor.objects.get()
    assert (record.status, record.rencana) == (StatusImpor.DIBATALKAN, None)

    upload(client, "pegawai", "pegawai_nominatif.xlsx")
    settings.REGISTRI_IMPORT_TTL_MINUTES = -1
    upload(client, "pegawai", "pegawai_excel_id.csv")
    statuses = list(Impor.objects.order_by("pk").values_list("status", "rencana"))
    assert statuses[1] == (StatusImpor.KEDALUWARSA, None)
    assert not Pegawai.objects.exists()


def test_a_preview_stored_before_an_upgrade_is_gone_not_a_traceback(client, tree, oki):
    """Previews kept in the format before windows (one stream, "rows"): the
    confirm and the rejected rows' download answer 404, nothing is written."""
    import json
    import zlib

    client.force_login(oki)
    preview = upload(client, "pegawai", "pegawai_nominatif.xlsx")
    record = Impor.objects.get()
    record.rencana = zlib.compress(json.dumps({"kind": "pegawai", "file_name": "a.xlsx", "headers": [],
                                               "options": {}, "ignored": [], "rows": []}).encode())
    record.save()
    assert confirm(client, "pegawai", preview).status_code == 404
    assert client.get(reverse("admin:registry_pegawai_import_rejected", args=[record.pk])).status_code == 404
    assert not Pegawai.objects.exists()


def test_abandoned_previews_show_as_expired_in_the_history(client, tree, oki, settings):
    client.force_login(oki)
    upload(client, "pegawai", "pegawai_nominatif.xlsx")
    history = reverse("admin:registry_impor_changelist")
    cell = '<td class="field-status_tampil">{}</td>'
    assert cell.format("Pratinjau, menunggu konfirmasi") in client.get(history).content.decode()
    settings.REGISTRI_IMPORT_TTL_MINUTES = -1
    html = client.get(history).content.decode()
    assert cell.format("Kedaluwarsa (tidak dikonfirmasi)") in html
    assert cell.format("Pratinjau, menunggu konfirmasi") not in html


def test_a_preview_belongs_to_its_uploader(client, tree, oki, django_user_model):
    client.force_login(oki)
    preview = upload(client, "pegawai", "pegawai_nominatif.xlsx")
    other = django_user_model.objects.create_user("oki2", is_staff=True)
    other.groups.set(oki.groups.all())
    tree.dinkes.operator.add(other)
    client.force_login(other)
    assert confirm(client, "pegawai", preview).status_code == 404
    assert not Pegawai.objects.exists()


# Bad files ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name,message",
    [
        ("dokumen_word.xlsx", "dokumen Word"),
        ("rusak.xlsx", "rusak atau tidak lengkap"),
        ("kosong.xlsx", "kosong"),
        ("judul_saja.xlsx", "hanya berisi baris judul"),
        ("tanpa_judul_kolom.xlsx", "Baris judul kolom tidak ditemukan"),
    ],
)
def test_unreadable_files_get_a_clear_message_and_write_nothing(client, tree, oki, name, message):
    client.force_login(oki)
    response = upload(client, "pegawai", name)
    assert message in " ".join(response.context["form"].errors["berkas"])
    assert not Impor.objects.exists() and not Pegawai.objects.exists()


@pytest.mark.parametrize(
    "name,row,column,message",
    [
        ("angka_raksasa.xlsx", 2, "NAMA", "berisi angka"),
        ("rumus.xlsx", 2, "NIP", "rumus yang belum dihitung"),
        ("rumus.xlsx", 3, "NAMA", "rumus yang belum dihitung"),
        ("nip_angka.xlsx", 2, "NIP", "format kolom NIP sebagai Teks"),
    ],
)
def test_bad_cells_reject_their_row(client, tree, oki, name, row, column, message):
    client.force_login(oki)
    preview = upload(client, "pegawai", name)
    assert message in rejected(preview)[(row, column)]
    confirm(client, "pegawai", preview, hanya_valid="1")
    assert not Pegawai.objects.exists()


@pytest.mark.parametrize("block", [7, 64, 1 << 20])
def test_formulas_without_a_value_are_found_across_the_blocks_the_sheet_is_read_in(block):
    """The sheet's XML is scanned a block at a time: a cell cut by a block's
    end is found all the same."""
    import zipfile

    from registry.sheets import _formulas_without_value

    archive = zipfile.ZipFile(DATA / "rumus.xlsx")
    member = next(name for name in archive.namelist() if name.startswith("xl/worksheets/sheet"))
    assert _formulas_without_value(archive, member, size=block) == {(2, 0), (3, 1)}


def test_files_over_the_limit_are_refused(client, tree, oki, settings, tmp_path):
    settings.REGISTRI_IMPORT_MAX_MB = 1
    big = tmp_path / "besar.csv"
    big.write_bytes(b"NIP;NAMA\n" + b"198503122010011003;Nama Panjang Sekali\n" * 40000)
    client.force_login(oki)
    with open(big, "rb") as handle:
        response = client.post(reverse("admin:registry_pegawai_import"), {"berkas": handle})
    assert "melebihi batas 1 MB" in " ".join(response.context["form"].errors["berkas"])


# Akun and instansi ---------------------------------------------------------


@pytest.fixture
def roster(client, tree, oki):
    client.force_login(oki)
    confirm(client, "pegawai", upload(client, "pegawai", "pegawai_nominatif.xlsx"))


def test_accounts_in_long_form(client, roster, tree):
    preview = upload(client, "akunmedsos", "akun_panjang.xlsx")
    reasons = rejected(preview)
    assert "bukan profil" in reasons[(6, "AKUN")]
    assert preview.context["counts"] == {"baru": 4, "berubah": 0, "tetap": 1, "ditolak": 1}
    confirm(client, "akunmedsos", preview, hanya_valid="1")
    assert set(AkunMedsos.objects.values_list("platform", "username")) == {
        ("instagram", "siti.rahayu"), ("tiktok", "siti_rahayu"), ("tiktok", "rudi.h"), ("facebook", "agus.saputra"),
    }


def test_accounts_in_wide_form_from_a_google_form(client, roster):
    preview = upload(client, "akunmedsos", "akun_google_form.csv")
    reasons = rejected(preview)
    assert "tautan pendek" in reasons[(3, "Akun TikTok")]
    confirm(client, "akunmedsos", preview, hanya_valid="1")
    assert set(AkunMedsos.objects.values_list("platform", "username")) == {
        ("instagram", "siti.rahayu"), ("tiktok", "siti_rahayu"), ("instagram", "nur.aini"), ("x", "nur_aini"),
    }
    assert upload(client, "akunmedsos", "akun_google_form.csv").context["counts"]["tetap"] == 2


def test_claimed_accounts_name_the_owner_only_within_scope(client, roster, tree, dedi):
    make_akun(make_pegawai(tree.smpn1, "Guru Lain"), "instagram", "siti.rahayu")
    make_akun(Pegawai.objects.get(nama="Rudi Hartono"), "tiktok", "siti_rahayu")
    preview = upload(client, "akunmedsos", "akun_panjang.xlsx")
    reasons = rejected(preview)
    assert reasons[(2, "Instagram @siti.rahayu")] == (
        "akun ini sudah terdaftar atas nama pegawai di instansi lain; hubungi BKD bila ini keliru"
    )
    assert reasons[(3, "TikTok @siti_rahayu")] == "akun ini sudah terdaftar atas nama Rudi Hartono"


def test_units_with_parents_in_any_order(client, tree, ani):
    client.force_login(ani)
    preview = upload(client, "instansi", "instansi.xlsx")
    assert preview.context["counts"] == {"baru": 3, "berubah": 0, "tetap": 0, "ditolak": 0}
    confirm(client, "instansi", preview)
    barat = Instansi.objects.get(kode="PKM-B")
    assert barat.induk.kode == "DINKES-2" and barat.induk.induk == tree.pemda
    assert Instansi.objects.get(kode="SMPN2").induk == tree.disdik
    assert barat.jalur.startswith(tree.pemda.jalur)
    assert upload(client, "instansi", "instansi.xlsx").context["counts"]["tetap"] == 3


def test_operators_do_not_import_units(client, tree, oki):
    client.force_login(oki)
    assert client.get(reverse("admin:registry_instansi_import")).status_code == 403


# Templates and the import record -----------------------------------------


@pytest.mark.parametrize("model,first", [("pegawai", "NIP"), ("akunmedsos", "NIP"), ("instansi", "KODE")])
def test_templates_are_ready_to_fill(client, tree, ani, model, first):
    client.force_login(ani)
    response = client.get(reverse(f"admin:registry_{model}_import_template"))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Data", "Petunjuk", "Daftar instansi"]
    data = workbook["Data"]
    assert data["A1"].value == first
    assert data.max_row >= 2
    if first == "NIP":
        assert data["A2"].number_format == "@" and data["B2"].number_format == "@"
        assert data.data_validations.dataValidation
    assert "Petunjuk" in workbook["Petunjuk"]["A1"].value


def test_import_records_are_listed_per_user(client, tree, oki, ani, dedi):
    client.force_login(oki)
    confirm(client, "pegawai", upload(client, "pegawai", "pegawai_nominatif.xlsx"))
    client.force_login(dedi)
    assert client.get(reverse("admin:registry_impor_changelist")).context["cl"].result_count == 0
    client.force_login(ani)
    page = client.get(reverse("admin:registry_impor_changelist"))
    assert page.context["cl"].result_count == 1
    assert "pegawai_nominatif.xlsx" in page.content.decode()


def test_accounts_of_another_agencys_staff_are_refused(client, roster, dedi):
    client.force_login(dedi)
    preview = upload(client, "akunmedsos", "akun_panjang.xlsx")
    reasons = rejected(preview)
    assert reasons[(2, "NIP")] == "NIP terdaftar di instansi lain; hubungi BKD"
    assert reasons[(5, "NIK")] == "NIK terdaftar di instansi lain; hubungi BKD"
    assert preview.context["counts"]["baru"] == 0


@pytest.mark.parametrize("value", ["abc", "", "1 OR 1=1", "99999"])
def test_a_mangled_preview_id_is_not_found_never_a_crash(client, tree, oki, value):
    client.force_login(oki)
    response = client.post(reverse("admin:registry_pegawai_process_import"), {"impor": value})
    assert response.status_code == 404


def test_the_same_unit_code_twice_names_both_rows(client, tree, ani):
    client.force_login(ani)
    upload_file = io.BytesIO(b"KODE;NAMA;INDUK\nDISPAR;Dinas Pariwisata;PEMDA\ndispar;Dinas Pariwisata Lagi;PEMDA\n")
    upload_file.name = "instansi.csv"
    preview = client.post(reverse("admin:registry_instansi_import"), {"berkas": upload_file})
    reasons = rejected(preview)
    assert reasons[(2, "KODE")] == "KODE yang sama juga ada di baris 3; hapus salah satu"
    assert reasons[(3, "KODE")] == "KODE yang sama juga ada di baris 2; hapus salah satu"


def test_an_export_of_another_application_shows_what_it_did_not_read(client, tree, oki):
    upload_file = io.BytesIO(
        "NO,NAMA PEGAWAI,NIP,GENDER,JABATAN TERAKHIR,UNIT RUANGAN,STATUS\r\n"
        "1,Siti Aminah,-,Perempuan,Petugas Kebersihan,Umum,Honor\r\n"
        "2,Andi Pratama,'197803122005011002,Laki-laki,Dokter,Poli,PNS\r\n".encode()
    )
    upload_file.name = "ekspor_simpeg.csv"
    client.force_login(oki)
    preview = client.post(reverse("admin:registry_pegawai_import"), {"berkas": upload_file, "instansi": tree.dinkes.pk})
    # JABATAN TERAKHIR is how SIMPEGs call the position: read (issue 17).
    assert preview.context["plan"].ignored == ["NO", "GENDER", "UNIT RUANGAN"]
    assert "Kolom yang tidak dibaca: <strong>NO, GENDER, UNIT RUANGAN</strong>" in preview.content.decode()
    # "Honor" is a known status: the reason is the missing number.
    assert rejected(preview) == {(2, "NIP/NIK"): "NIP dan NIK kosong; isi NIP (ASN) atau NIK (Non-ASN)"}
    assert preview.context["counts"]["baru"] == 1


def test_a_roster_with_a_signature_block_typos_and_a_nik_in_the_nip_column(client, tree, oki):
    client.force_login(oki)
    preview = upload(client, "pegawai", "roster_dengan_kaki.xlsx")
    html = preview.content.decode()
    reasons = rejected(preview)
    # The place, date and signatures under the table are not employees.
    assert "Baris 8–12 di bawah tabel dibaca sebagai" in html and preview.context["footer"] == [8, 12]
    assert not any(number >= 8 for number, _ in reasons)
    # A typo of a unit in scope is answered with the unit meant.
    assert "maksud Anda: Dinas Kesehatan?" in reasons[(6, "UNIT KERJA")]
    # A Non-ASN's 16 digits in the NIP column are her NIK, and the preview says so.
    assert "Baris 5: 16 digit di kolom NIP dibaca sebagai NIK" in html
    assert preview.context["counts"] == {"baru": 2, "berubah": 0, "tetap": 0, "ditolak": 1}
    # New rows are listed, open when few.
    assert '<details class="baru" open>' in html and "Rina Honorer" in html and "Budi Santoso" in html
    # A confirm without the tick says what to do, not that the file field is empty.
    again = confirm(client, "pegawai", preview)
    assert "1 baris ditolak" in again.content.decode()
    assert "Bidang ini tidak boleh kosong" not in again.content.decode()
    confirm(client, "pegawai", preview, hanya_valid="1")
    rina = Pegawai.objects.get(nama="Rina Honorer")
    assert (rina.nip, rina.nik, rina.status_kepegawaian) == (None, "1671011203850001", "NON_ASN")


def test_account_import_counts_accounts_not_rows(client, tree, oki):
    make_pegawai(tree.dinkes, "Budi", nip="198503122010011003")
    make_pegawai(tree.pkm, "Sari", nip="199001152019032005")
    client.force_login(oki)
    preview = upload(client, "akunmedsos", "akun_lebar_dua_baris.xlsx")
    assert "4 akun baru</strong> dari 2 baris" in preview.content.decode()
    done = confirm(client, "akunmedsos", preview)
    assert "4 akun baru dari 2 baris" in client.get(done["Location"]).content.decode()
    assert AkunMedsos.objects.count() == 4


def test_one_nip_nik_column_as_offices_keep_it(client, tree, oki):
    """A roster from another office: one "NIP / NIK" column (dotted NIP, a NIP
    typed as a number, NIKs of contract staff), a typo of the unit, a signature block."""
    client.force_login(oki)
    preview = upload(client, "pegawai", "nominatif_nip_nik.xlsx")
    reasons = rejected(preview)
    assert reasons[(6, "NIP / NIK")].startswith("NIP/NIK tersimpan sebagai angka")
    assert "maksud Anda: Dinas Kesehatan?" in reasons[(7, "UNIT KERJA")]
    assert preview.context["footer"] == [10, 15]
    assert preview.context["plan"].ignored == ["No."]
    assert preview.context["counts"] == {"baru": 2, "berubah": 0, "tetap": 0, "ditolak": 2}
    confirm(client, "pegawai", preview, hanya_valid="1")
    people = {p.nama: (p.nip, p.nik, p.status_kepegawaian) for p in Pegawai.objects.all()}
    assert people == {
        "Hj. Sri Wahyuni, S.Kep": ("198503122010011003", None, "PNS"),
        "Deni Saputra": (None, "1671024507950004", "NON_ASN"),
    }


def test_the_cycle_collector_is_paused_for_an_import_and_runs_again_after(client, tree, oki, monkeypatch):
    """mesin.paused_gc: off while the rows are checked, on again after the
    preview, and after a file refused half-way through reading."""
    import gc

    from registry.impor import mesin

    during = []
    original = mesin.RegistryResource.check

    def spy(self, plan, each=None):
        during.append(gc.isenabled())
        return original(self, plan, each)

    monkeypatch.setattr(mesin.RegistryResource, "check", spy)
    client.force_login(oki)
    assert upload(client, "pegawai", "pegawai_nominatif.xlsx").context["counts"]["baru"] == 5
    assert during == [False] and gc.isenabled()
    refused = client.post(reverse("admin:registry_pegawai_import"),
                          {"berkas": SimpleUploadedFile("a.csv", b"NAMA;JABATAN\nBudi;Staf\n")})
    assert "tidak ditemukan di baris judul" in refused.context["form"].errors["berkas"][0]
    assert gc.isenabled()
