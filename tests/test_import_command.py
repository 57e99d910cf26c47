"""manage.py import_data: the same rules and counts as the admin, for IT staff."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from registry.models import Impor, Pegawai

DATA = Path(__file__).parent / "data"


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_data", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_clean_file_is_imported_with_counts_and_progress(tree):
    out, err = run("pegawai", str(DATA / "pegawai_nominatif.xlsx"))
    assert "Baru: 5  Berubah: 0  Tidak berubah: 0  Ditolak: 0" in out
    assert "5/5" in err
    assert Pegawai.objects.count() == 5
    record = Impor.objects.get()
    assert (record.pengguna, record.baru, record.rencana) == (None, 5, None)
    out, _ = run("pegawai", str(DATA / "pegawai_nominatif.xlsx"))
    assert "Tidak berubah: 5" in out


def test_dry_run_writes_nothing(tree):
    out, _ = run("pegawai", str(DATA / "pegawai_nominatif.xlsx"), "--dry-run")
    assert "Baru: 5" in out and "tidak ada yang disimpan" in out
    assert not Pegawai.objects.exists() and not Impor.objects.exists()


def test_rejected_rows_are_printed_and_stop_the_import(tree):
    with pytest.raises(CommandError, match="9 baris ditolak"):
        out = StringIO()
        try:
            call_command("import_data", "pegawai", str(DATA / "pegawai_salah.xlsx"), stdout=out, stderr=StringIO())
        finally:
            printed = out.getvalue()
    assert "Baris 2, kolom NIP BARU: NIP tersimpan sebagai angka" in printed
    assert "Baris 4, kolom NIP: NIP yang sama juga ada di baris 5" in printed
    assert not Pegawai.objects.exists()


def test_skip_invalid_imports_the_valid_rows(tree):
    out, _ = run("pegawai", str(DATA / "pegawai_salah.xlsx"), "--skip-invalid")
    assert "Tersimpan: 1 baru" in out
    assert list(Pegawai.objects.values_list("nama", flat=True)) == ["Yang Benar"]


def test_user_scope_applies(tree, dedi):
    with pytest.raises(CommandError):
        run("pegawai", str(DATA / "pegawai_nominatif.xlsx"), "--user", "dedi.disdik")
    assert not Pegawai.objects.exists()


@pytest.mark.parametrize("args,message", [
    (["pegawai", "tidak-ada.xlsx"], "tidak dapat dibaca"),
    (["pegawai", str(DATA / "dokumen_word.xlsx")], "dokumen Word"),
    (["pegawai", str(DATA / "pegawai_nominatif.xlsx"), "--user", "siapa"], "tidak ditemukan"),
    (["pegawai", str(DATA / "pegawai_nominatif.xlsx"), "--instansi", "ENTAH"], "tidak ditemukan"),
])
def test_bad_arguments_fail_with_a_message(tree, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_accounts_and_units_from_the_command_line(tree):
    run("pegawai", str(DATA / "pegawai_nominatif.xlsx"))
    out, _ = run("akun", str(DATA / "akun_google_form.csv"), "--skip-invalid")
    assert "Baris 3, kolom Akun TikTok" in out
    out, _ = run("instansi", str(DATA / "instansi.xlsx"))
    assert "Baru: 3" in out


def test_stale_previews_are_discarded_by_the_cleanup_command(client, tree, oki, settings):
    client.force_login(oki)
    with open(DATA / "pegawai_nominatif.xlsx", "rb") as handle:
        client.post("/registry/pegawai/import/", {"berkas": handle})
    out = StringIO()
    call_command("bersihkan_impor", stdout=out)
    assert out.getvalue().startswith("0 pratinjau")
    settings.REGISTRI_IMPORT_TTL_MINUTES = -1
    call_command("bersihkan_impor", stdout=out)
    assert "1 pratinjau" in out.getvalue()
    assert Impor.objects.get().rencana is None
