"""Bad input at volume: the malformed corpus of tests/fuzz.py through every
import path, as a clerk's upload (preview, then confirm without ticking
anything) and from the command line (--dry-run).

For every case: no page answers 500 or shows a traceback, a rejected file
or a dry run writes nothing, no uploaded file is left in the media or
upload folders, and the case finishes within a time and memory bound.
CI runs a sample holding one of each damage done to each type of file
(REGISTRI_FUZZ cases, default 80); ``make fuzz`` runs the whole corpus
(REGISTRI_FUZZ=semua).
"""

import io
import os
import resource
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from registry import followers, handles, sheets
from registry.models import (AkunMedsos, BuktiSebar, Impor, Instansi, Konten, Pegawai, Posting, StatusImpor,
                             Verifikasi)
from tests import fuzz
from tests.conftest import make_akun, make_pegawai, nip_pns

SIZE = os.environ.get("REGISTRI_FUZZ", "80")
CASES = fuzz.sample(None if SIZE == "semua" else int(SIZE))
SECONDS, MEGABYTES = 60, 1500
IMPORT_URL = {"pegawai": "pegawai", "akunmedsos": "akunmedsos", "instansi": "instansi", "konten": "konten",
              "buktisebar": "buktisebar"}
COMMAND_KIND = {"pegawai": "pegawai", "akunmedsos": "akun", "instansi": "instansi", "konten": "konten",
                "buktisebar": "bukti"}


def written():
    follows = AkunMedsos.mengikuti.through.objects.count()
    return (Pegawai.objects.count(), AkunMedsos.objects.count(), Instansi.objects.count(),
            Verifikasi.objects.count(), follows, Konten.objects.count(), BuktiSebar.objects.count(),
            Posting.objects.count())


def leftovers(*folders):
    return [str(p) for folder in folders for p in folder.rglob("*") if p.is_file()]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_malformed_file_is_refused_or_read_and_never_breaks_anything(
    case, client, tree, oki, vina, ani, settings, tmp_path
):
    media, uploads = tmp_path / "media", tmp_path / "unggah"
    media.mkdir(), uploads.mkdir()
    settings.MEDIA_ROOT, settings.FILE_UPLOAD_TEMP_DIR = media, str(uploads)
    official = make_akun(tree.pemda, "instagram", "humas.uji", wajib_diikuti=True)
    before = written()
    started = time.monotonic()

    upload = SimpleUploadedFile(case.file_name, case.data)
    if case.kind in ("pengikut", "posting"):
        client.force_login(vina)
        page = "pengikut" if case.kind == "pengikut" else "posting"
        response = client.post(reverse(f"admin:registry_akunmedsos_{page}", args=[official.pk]), {"berkas": upload})
    else:
        client.force_login(ani if case.kind in ("instansi", "konten", "buktisebar") else oki)
        model = IMPORT_URL[case.kind]
        response = client.post(reverse(f"admin:registry_{model}_import"), {"berkas": upload})
    assert response.status_code < 500
    page = response.content.decode(errors="replace")
    assert "Traceback" not in page
    assert written() == before, "a preview writes nothing"

    record = response.context.get("record") if response.context else None
    if record is not None and case.kind == "posting":
        assert client.post(reverse("admin:registry_akunmedsos_posting", args=[official.pk]),
                           {"impor": record.pk}).status_code == 302
    elif record is not None and case.kind != "pengikut":
        rejected = record.ditolak or response.context.get("rejected")
        confirmed = client.post(reverse(f"admin:registry_{IMPORT_URL[case.kind]}_process_import"),
                                {"impor": record.pk})
        assert confirmed.status_code < 500
        if rejected:
            assert written() == before, "a file with rejected rows writes nothing unless asked"
            assert Impor.objects.get(pk=record.pk).status == StatusImpor.PRATINJAU

    before = written()  # a clean file's confirm wrote its rows
    path = tmp_path / case.file_name
    path.write_bytes(case.data)
    try:
        if case.kind in ("pengikut", "posting"):
            command = "import_followers" if case.kind == "pengikut" else "import_posting"
            call_command(command, "instagram", "humas.uji", str(path), "--dry-run", stdout=open(os.devnull, "w"))
        else:
            call_command("import_data", COMMAND_KIND[case.kind], str(path), "--dry-run", stdout=open(os.devnull, "w"))
    except CommandError:
        pass  # refused, in words, as a clerk at the server's console reads it
    path.unlink()
    assert written() == before, "a dry run writes nothing"

    assert leftovers(media, uploads) == []
    assert time.monotonic() - started < SECONDS
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < MEGABYTES * 1024


# What the corpus found, each as its own small case ----------------------


def archive_of_a_future_zip_version(source, member):
    """``source``'s members rewritten, ``member`` claiming zip version 13.7
    as one flipped byte in its header did: zipfile raises NotImplementedError."""
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in original.infolist():
            copy = zipfile.ZipInfo(info.filename, info.date_time)
            copy.compress_type = zipfile.ZIP_DEFLATED
            if info.filename == member:
                copy.extract_version = 137
            target.writestr(copy, original.read(info.filename))
    return out.getvalue()


def test_an_archive_zipfile_cannot_open_is_refused_in_words(client, tree, oki):
    client.force_login(oki)
    response = client.post(reverse("admin:registry_pegawai_import"),
                           {"berkas": SimpleUploadedFile("roster.xlsx", archive_of_a_future_zip_version(
                               fuzz.DATA / "pegawai_nominatif.xlsx", "xl/workbook.xml"))})
    assert response.status_code == 200
    assert "Berkas Excel rusak atau tidak lengkap" in response.content.decode()
    assert not Pegawai.objects.exists()


def test_a_follower_zip_with_an_unreadable_member_is_refused_in_words():
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("followers_1.json", (fuzz.DATA / "followers_1.json").read_bytes())
    data = archive_of_a_future_zip_version(zipped, "followers_1.json")
    with pytest.raises(sheets.FileRejected, match="Arsip ZIP rusak"):
        followers.read(data, "unduhan.zip", "instagram")


def test_a_wide_row_shorter_than_its_header_is_read(client, tree, oki):
    owner = make_pegawai(tree.dinkes, "Budi", nip=nip_pns(seq=1))
    csv_file = f"NIP;Instagram;TikTok\n{owner.nip};budi.dinkes\n".encode()
    client.force_login(oki)
    response = client.post(reverse("admin:registry_akunmedsos_import"),
                           {"berkas": SimpleUploadedFile("akun.csv", csv_file)})
    assert response.status_code == 200
    assert response.context["counts"]["baru"] == 1 and response.context["counts"]["ditolak"] == 0


def test_a_csv_cell_of_a_megabyte_is_refused_with_where_to_look(client, tree, oki):
    csv_file = b'NIP;NAMA\n198503122010011003;"' + b"x" * 200_000 + b"\n"
    client.force_login(oki)
    response = client.post(reverse("admin:registry_pegawai_import"),
                           {"berkas": SimpleUploadedFile("roster.csv", csv_file)})
    assert response.status_code == 200
    assert "tanda kutip (&quot;) yang tidak ditutup" in response.content.decode()
    assert not Pegawai.objects.exists()


def test_a_link_with_a_broken_host_is_a_wrong_handle_not_an_error():
    with pytest.raises(ValidationError, match="bukan tautan yang sah"):
        handles.parse("https://[instagram.com/budi", "instagram")
    listed = followers.read(b'<html><a href="https://[instagram.com/x">x</a></html>', "followers_1.html", "instagram")
    assert (listed.usernames, listed.unreadable) == (set(), 1)


def test_json_nested_beyond_reason_is_refused():
    with pytest.raises(sheets.FileRejected, match="rusak"):
        followers.read(b"[" * 100_000 + b"]" * 100_000, "followers_1.json", "instagram")
