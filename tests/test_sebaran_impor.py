"""Contents and proofs from files (issue 18): the BKD's list of links, a
Google Form's responses in wide form, an operator's list in long form;
through the admin (preview, confirm) and the command line, with the
samples of tests/data/make_sebaran.py."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from registry.models import BuktiSebar, Hitungan, Impor, Konten
from tests.data.make_sebaran import JOKO, K1, RUDI, SITI
from tests.sebaran_world import sebaran  # noqa: F401
from tests.test_import import DATA, confirm, rejected, upload

HERE = Path(__file__).parent


def reasons(preview):
    """{Excel row: every reason said for it, one lower-case string}."""
    said = {}
    for (number, column), message in rejected(preview).items():
        said[number] = f"{said.get(number, '')} {column}: {message}".lower()
    return said


# Contents --------------------------------------------------------------------


def test_a_list_of_links_becomes_contents_and_says_why_for_the_rest(client, sebaran, ani):
    client.force_login(ani)
    preview = upload(client, "konten", "konten_daftar.xlsx")
    counts, said = preview.context["counts"], reasons(preview)
    assert (counts["baru"], counts["ditolak"]) == (2, 5), said
    assert "bukan satu unggahan" in said[7] and "tautan pendek" in said[8]
    assert "@warga_biasa di x (twitter) bukan akun resmi yang terdaftar" in said[9]
    assert "baris 10" in said[4] and "baris 4" in said[10], "a link twice: each row names the other"
    confirmed = confirm(client, "konten", preview, hanya_valid="on")
    assert confirmed.status_code == 302
    tiktok = Konten.objects.get(kode="video/7312000000000000009")
    assert (tiktok.akun, str(tiktok.terbit), str(tiktok.batas)) == (sebaran.humas_tt, "2026-12-01", "2026-12-04")
    assert tiktok.judul == "Video pasar" and "is_from_webapp" not in tiktok.tautan
    reel = Konten.objects.get(kode="reel/CbaruDinkes2")
    assert (reel.akun, str(reel.terbit)) == (sebaran.dinkes_ig, "2026-12-02")
    assert reel.history.get().history_change_reason == f"impor #{Impor.objects.order_by('-pk').first().pk}"
    # The same list again changes nothing.
    again = upload(client, "konten", "konten_daftar.xlsx")
    assert (again.context["counts"]["baru"], again.context["counts"]["tetap"]) == (0, 2)


def test_an_operator_lists_contents_of_its_own_units_accounts_only(client, sebaran, oki):
    client.force_login(oki)
    said = reasons(upload(client, "konten", "konten_daftar.xlsx"))
    assert "@humas.uji adalah akun resmi pemerintah kabupaten uji, di luar instansi anda" in said[5]
    assert 6 not in said, "the reel of @dinkes.uji is Oki's unit's"


def test_contents_from_the_command_line(sebaran, capsys):
    with pytest.raises(CommandError, match="5 baris ditolak"):
        call_command("import_data", "konten", str(DATA / "konten_daftar.xlsx"))
    call_command("import_data", "konten", str(DATA / "konten_daftar.xlsx"), "--skip-invalid")
    assert Konten.objects.filter(kode__in=["video/7312000000000000009", "reel/CbaruDinkes2"]).count() == 2


# Proofs ----------------------------------------------------------------------


def test_a_google_forms_responses_in_wide_form(client, sebaran, ani):
    client.force_login(ani)
    preview = upload(client, "buktisebar", "bukti_google_form.xlsx")
    counts, said = preview.context["counts"], reasons(preview)
    assert (counts["baru"], counts["ditolak"]) == (2, 3), said
    assert "tautan ini unggahan @siti.rahayu, akun siti rahayu, bukan akun maya sari" in said[4]
    assert "ini tautan konten aslinya" in said[5]
    assert "nip 19990909 berisi 8 digit, nip harus 18 digit" in said[6], "a number cut short is a typo"
    confirm(client, "buktisebar", preview, hanya_valid="on")
    siti = {p.konten: p for p in BuktiSebar.objects.filter(pegawai=sebaran.siti)}
    assert set(siti) == {sebaran.k1, sebaran.k2, sebaran.k3}
    assert siti[sebaran.k2].akun == sebaran.akun.siti_tt and siti[sebaran.k3].hitungan == Hitungan.TEPAT
    assert timezone.localtime(siti[sebaran.k1].waktu).hour == 9 and siti[sebaran.k1].sumber == "IMPOR"
    rudi = BuktiSebar.objects.get(pegawai=sebaran.rudi)
    assert (rudi.konten, rudi.akun) == (sebaran.k1, sebaran.akun.rudi_ig), "the cell with - is no proof"
    record = Impor.objects.order_by("-pk").first()
    assert rudi.history.get().history_change_reason == f"impor #{record.pk}"
    again = upload(client, "buktisebar", "bukti_google_form.xlsx")
    assert (again.context["counts"]["baru"], again.context["counts"]["tetap"]) == (0, 2)


def test_an_operator_imports_its_own_staffs_proofs_only(client, sebaran, oki):
    client.force_login(oki)
    preview = upload(client, "buktisebar", "bukti_google_form.xlsx")
    said = reasons(preview)
    assert "nik terdaftar di instansi lain" in said[4] and "nip terdaftar di instansi lain" in said[5]
    assert preview.context["counts"]["baru"] == 2


def test_proofs_one_a_row_and_the_rejected_rows_file(client, sebaran, ani):
    client.force_login(ani)
    preview = upload(client, "buktisebar", "bukti_panjang.csv")
    said = reasons(preview)
    assert preview.context["counts"]["baru"] == 2, said
    assert "tautan pendek" in said[4]
    assert "konten ini mengikat pegawai dinas kesehatan" in said[5]
    record = preview.context["record"]
    download = client.get(reverse("admin:registry_buktisebar_import_rejected", args=[record.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][-1] == "Keterangan" and [r[0] for r in rows[1:]] == [4, 5]
    assert rows[1][1] == RUDI and sheet.cell(2, 2).number_format == "@", "NIP kept as text"
    confirm(client, "buktisebar", preview, hanya_valid="on")
    joko = BuktiSebar.objects.get(pegawai=sebaran.joko)
    assert (joko.konten, joko.akun, joko.tautan) == (sebaran.k1, sebaran.akun.joko_ig,
                                                    "https://www.instagram.com/p/CjokoRepost1/")


def test_contents_named_by_their_number(client, sebaran, ani):
    client.force_login(ani)
    long_form = (f"NIP;Konten;Tautan bukti\n{SITI};{sebaran.k2.pk};"
                 f"https://www.tiktok.com/@siti_rahayu/video/7312000000000000102\n").encode()
    wide = f"NIP;Konten #{sebaran.k1.pk}\n{JOKO};https://www.instagram.com/p/CjokoRepost9/\n".encode()
    for name, data in [("panjang.csv", long_form), ("lebar.csv", wide)]:
        preview = client.post(reverse("admin:registry_buktisebar_import"),
                              {"berkas": SimpleUploadedFile(name, data)})
        assert preview.context["counts"]["baru"] == 1, reasons(preview)
        confirm(client, "buktisebar", preview)
    assert BuktiSebar.objects.filter(konten=sebaran.k2, pegawai=sebaran.siti).exists()
    assert BuktiSebar.objects.filter(konten=sebaran.k1, pegawai=sebaran.joko).exists()


def test_a_sheet_with_no_content_column_is_refused_in_words(client, sebaran, ani):
    client.force_login(ani)
    response = client.post(reverse("admin:registry_buktisebar_import"), {
        "berkas": SimpleUploadedFile("x.csv", f"NIP;Platform;Waktu\n{SITI};Instagram;01-12-2026\n".encode())})
    assert "Kolom Konten dan Tautan bukti tidak ditemukan" in response.content.decode()
    assert not BuktiSebar.objects.exists()


def test_proofs_from_the_command_line(sebaran, capsys):
    with pytest.raises(CommandError, match="2 baris ditolak"):
        call_command("import_data", "bukti", str(DATA / "bukti_panjang.csv"), "--dry-run")
    out = capsys.readouterr().out
    assert "Baru: 2" in out and "Baris 4, kolom Tautan bukti: " in out
    assert not BuktiSebar.objects.exists()
    call_command("import_data", "bukti", str(DATA / "bukti_panjang.csv"), "--skip-invalid")
    assert set(BuktiSebar.objects.values_list("sumber", flat=True)) == {"PERINTAH"}


def test_a_big_sheet_with_bad_rows_names_a_reason_for_each(client, sebaran, ani):
    """Issue 18's 100,000 rows with 10 % bad, a fiftieth of it here (bench/import_bench.py times the whole)."""
    from tests.conftest import make_akun, make_pegawai, nip_pns

    client.force_login(ani)
    people = []
    for n in range(200):
        person = make_pegawai(sebaran.tree.pkm, f"Perawat {n}", nip=nip_pns(born="19900101", seq=n + 1))
        make_akun(person, "instagram", f"perawat.{n}")
        people.append(person)
    lines = ["NIP;Konten;Tautan bukti"]
    for n in range(2000):
        person = people[n % 200]
        content = [sebaran.k1, sebaran.k3][n // 200 % 2]
        link = f"https://www.instagram.com/stories/perawat.{n % 200}/33{n:017d}/"
        if n % 10 == 0:
            link = ["https://vt.tiktok.com/ZS1/", "https://www.instagram.com/perawat/", K1,
                    "bukan tautan", "https://www.instagram.com/stories/orang.asing/331/"][n // 10 % 5]
        lines.append(f"{person.nip};{content.tautan};{link}")
    preview = client.post(reverse("admin:registry_buktisebar_import"), {
        "berkas": SimpleUploadedFile("besar.csv", "\n".join(lines).encode())})
    assert preview.status_code == 200, preview.status_code
    counts = preview.context["counts"]
    # Two contents for 200 people: the rest repeat a pair and say so, each row its own reason.
    assert counts["ditolak"] + counts["baru"] == 2000
    record = preview.context["record"]
    download = client.get(reverse("admin:registry_buktisebar_import_rejected", args=[record.pk]))
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.values)[1:]
    assert len(rows) == counts["ditolak"] and all(row[-1] for row in rows)


def test_a_sheet_checked_in_chunks_says_the_same_as_checked_at_once(client, sebaran, ani, monkeypatch):
    """Rows repeating a proof many rows apart, or a proof already stored,
    are found whatever the chunk they are checked in."""
    from registry.impor import bukti, mesin
    from tests.conftest import make_akun, make_pegawai, nip_pns

    client.force_login(ani)
    people = [make_pegawai(sebaran.tree.pkm, f"Bidan {n}", nip=nip_pns(born="19910101", seq=n + 1)) for n in range(12)]
    for n, person in enumerate(people):
        make_akun(person, "instagram", f"bidan.{n}")
    lines = ["NIP;Konten;Tautan bukti"]
    for n in range(24):
        content = sebaran.k1 if n < 12 else sebaran.k3
        story = f"https://www.instagram.com/stories/bidan.{n % 12}/33{n:017d}/"
        lines.append(f"{people[n % 12].nip};{content.tautan};{story}")
    lines.append(lines[2])  # row 3 again, 23 rows later
    data = "\n".join(lines).encode()
    before = BuktiSebar.objects.count()
    preview = client.post(reverse("admin:registry_buktisebar_import"), {"berkas": SimpleUploadedFile("a.csv", data)})
    confirm(client, "buktisebar", preview, hanya_valid="on")
    assert BuktiSebar.objects.count() - before == 23
    # Again without the first row, whose proof another row now replaces.
    lines = [lines[0], *lines[2:], f"{people[0].nip};{sebaran.k1.tautan};https://www.instagram.com/stories/bidan.0/3399/"]
    data = "\n".join(lines).encode()

    said = {}
    monkeypatch.setattr(mesin, "FOOTER_ROWS", 3)
    for size in (5000, 7):
        monkeypatch.setattr(bukti.BuktiSebarResource, "window_rows", size)
        preview = client.post(reverse("admin:registry_buktisebar_import"),
                              {"berkas": SimpleUploadedFile("a.csv", data)})
        said[size] = (preview.context["counts"], reasons(preview))
    assert said[7] == said[5000]
    counts, why = said[7]
    assert counts["tetap"] == 22 and "sudah punya bukti lain" in why[26]
    assert "tautan bukti yang sama juga ada di baris 2" in why[25] and "baris 25" in why[2]


def _windowed_sheet(sebaran, people):
    """A long sheet of one proof per person, each in its own row."""
    lines = ["NIP;Konten;Tautan bukti"]
    for n, person in enumerate(people):
        lines.append(f"{person.nip};{sebaran.k1.tautan};https://www.instagram.com/stories/bidan.{n}/35{n:017d}/")
    return lines


def test_a_long_sheet_is_held_a_window_at_a_time(client, sebaran, ani, monkeypatch):
    """Issue 18: memory flat in the file's size. The rows are read, checked
    and written a window at a time: no check and no write ever holds more
    than one window (and the rows kept back for a footer) of the sheet."""
    from registry.impor import bukti, mesin
    from tests.conftest import make_akun, make_pegawai, nip_pns

    monkeypatch.setattr(bukti.BuktiSebarResource, "window_rows", 4)
    monkeypatch.setattr(mesin, "FOOTER_ROWS", 2)
    held = []
    for name in ("check_rows", "write"):
        original = getattr(bukti.BuktiSebarResource, name)

        def spy(self, plan, original=original):
            held.append(len(plan.rows))
            return original(self, plan)

        monkeypatch.setattr(bukti.BuktiSebarResource, name, spy)
    client.force_login(ani)
    people = [make_pegawai(sebaran.tree.pkm, f"Bidan {n}", nip=nip_pns(born="19920101", seq=n + 1)) for n in range(17)]
    for n, person in enumerate(people):
        make_akun(person, "instagram", f"bidan.{n}")
    data = "\n".join(_windowed_sheet(sebaran, people)).encode()
    preview = client.post(reverse("admin:registry_buktisebar_import"), {"berkas": SimpleUploadedFile("a.csv", data)})
    assert preview.context["counts"]["baru"] == 17
    assert confirm(client, "buktisebar", preview).status_code == 302
    assert BuktiSebar.objects.filter(pegawai__in=people).count() == 17
    assert max(held) <= 4 + 2 and len(held) >= 2 * 5, held


def test_a_confirm_refused_after_its_first_windows_were_written_writes_nothing(client, sebaran, ani, monkeypatch):
    """A windowed confirm writes each window as it is checked; when the last
    window has a rejected row the clerk did not agree to skip, the windows
    written before it are undone and the preview stays open."""
    from registry.impor import bukti, mesin
    from registry.models import StatusImpor
    from tests.conftest import make_akun, make_pegawai, nip_pns

    monkeypatch.setattr(bukti.BuktiSebarResource, "window_rows", 3)
    monkeypatch.setattr(mesin, "FOOTER_ROWS", 1)
    client.force_login(ani)
    people = [make_pegawai(sebaran.tree.pkm, f"Bidan {n}", nip=nip_pns(born="19930101", seq=n + 1)) for n in range(9)]
    for n, person in enumerate(people):
        make_akun(person, "instagram", f"bidan.{n}")
    lines = _windowed_sheet(sebaran, people)
    data = "\n".join(lines).encode()
    preview = client.post(reverse("admin:registry_buktisebar_import"), {"berkas": SimpleUploadedFile("a.csv", data)})
    assert preview.context["counts"] == {"baru": 9, "berubah": 0, "tetap": 0, "ditolak": 0}
    # Between preview and confirm the last person leaves: their row is now refused.
    people[-1].aktif = False
    people[-1].save()
    before = BuktiSebar.objects.count()
    answer = confirm(client, "buktisebar", preview)
    assert answer.status_code == 200 and "1 baris ditolak" in answer.context["error"]
    assert BuktiSebar.objects.count() == before
    assert Impor.objects.get(pk=preview.context["record"].pk).status == StatusImpor.PRATINJAU
    assert confirm(client, "buktisebar", preview, hanya_valid="on").status_code == 302
    assert BuktiSebar.objects.count() == before + 8


def test_the_registrys_own_proofs_imported_back_after_the_deadline_read_as_unchanged(client, sebaran, ani):
    """A clerk exports the proofs and imports the file back weeks later: every
    proof stored as the sheet gives it is unchanged, none refused for a
    deadline that has passed since; a new proof is still refused for it."""
    import datetime

    from registry.models import Pengaturan
    from tests.conftest import make_akun, make_pegawai, nip_pns

    client.force_login(ani)
    people = [make_pegawai(sebaran.tree.pkm, f"Bidan {n}", nip=nip_pns(born="19940101", seq=n + 1)) for n in range(4)]
    for n, person in enumerate(people):
        make_akun(person, "instagram", f"bidan.{n}")
    lines = _windowed_sheet(sebaran, people)
    data = "\n".join(lines[:4]).encode()
    preview = client.post(reverse("admin:registry_buktisebar_import"), {"berkas": SimpleUploadedFile("a.csv", data)})
    assert confirm(client, "buktisebar", preview).status_code == 302
    settings_row = Pengaturan.current()
    settings_row.tenggang_bukti_hari = 7
    settings_row.save()
    content = Konten.objects.get(pk=sebaran.k1.pk)
    today = timezone.localdate()
    content.terbit, content.batas = today - datetime.timedelta(days=60), today - datetime.timedelta(days=58)
    content.save()
    again = client.post(reverse("admin:registry_buktisebar_import"), {"berkas": SimpleUploadedFile("a.csv", data)})
    assert again.context["counts"] == {"baru": 0, "berubah": 0, "tetap": 3, "ditolak": 0}, reasons(again)
    late = client.post(reverse("admin:registry_buktisebar_import"),
                       {"berkas": SimpleUploadedFile("b.csv", "\n".join(lines).encode())})
    assert late.context["counts"]["tetap"] == 3
    assert "tidak diterima lagi" in reasons(late)[5]


def test_rows_that_name_one_proof_only_after_the_preview_cancel_the_confirm(client, sebaran, ani):
    """The rows repeating a proof are found once, by the preview, and kept
    with it for the confirm. Should the registry change in between so that
    two rows name one employee after all, the database refuses the second
    proof: nothing is written and the clerk is asked for a new preview."""
    from registry.models import StatusImpor
    from tests.conftest import nik

    client.force_login(ani)
    maya_nik = sebaran.maya.nik
    lines = ["NIP;NIK;Konten;Tautan bukti",
             f"{sebaran.siti.nip};;{sebaran.k1.tautan};https://www.instagram.com/p/CsitiBukti1/",
             f";{maya_nik};{sebaran.k1.tautan};https://www.instagram.com/p/CmayaBukti1/"]
    preview = client.post(reverse("admin:registry_buktisebar_import"),
                          {"berkas": SimpleUploadedFile("a.csv", "\n".join(lines).encode())})
    assert preview.context["counts"]["baru"] == 2, reasons(preview)
    # Maya's NIK was Siti's, typed into the wrong record: now both rows name Siti.
    sebaran.maya.nik = nik(seq=77)
    sebaran.maya.save()
    sebaran.siti.nik = maya_nik
    sebaran.siti.save()
    before = BuktiSebar.objects.count()
    answer = confirm(client, "buktisebar", preview)
    assert answer.status_code == 302
    assert "Data berubah oleh pengguna lain" in str(list(answer.wsgi_request._messages)[0])
    assert BuktiSebar.objects.count() == before
    assert Impor.objects.get(pk=preview.context["record"].pk).status == StatusImpor.DIBATALKAN
