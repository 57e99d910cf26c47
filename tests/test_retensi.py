"""Retention: `bersihkan_data_lama` anonymises people who left years ago and
deletes old screenshots, and a dry run changes nothing.

In DINKES: Lama left six years ago (with an account, a check and its
screenshot), Baru left last year, Aktif still works there and has a
three-year-old screenshot. Honor (Non-ASN) left six years ago too.
"""

import datetime
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from registry.models import AkunMedsos, Pegawai, Verifikasi
from tests.conftest import make_akun, make_pegawai, verify


def years_ago(n):
    return timezone.now() - datetime.timedelta(days=365 * n + 1)


def with_screenshot(check, name):
    check.bukti.save(name, ContentFile(b"\x89PNG layar"), save=True)
    return check.bukti.path


@pytest.fixture
def people(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    lama, baru, aktif = (make_pegawai(tree.dinkes, nama) for nama in ("Lama Pensiun", "Baru Pindah", "Masih Aktif"))
    honor = make_pegawai(tree.dinkes, "Honor Lama", status="NON_ASN")
    lama_shot = with_screenshot(verify(make_akun(lama, username="lama.pensiun")), "lama.png")
    old_check = verify(make_akun(aktif, username="masih.aktif"))
    aktif_shot = with_screenshot(old_check, "aktif.png")
    Verifikasi.objects.filter(pk=old_check.pk).update(waktu=years_ago(3))
    for person in (lama, baru, honor):
        person.aktif = False
        person.save()
    Pegawai.objects.filter(pk__in=[lama.pk, honor.pk]).update(diubah_pada=years_ago(6))
    Pegawai.objects.filter(pk=baru.pk).update(diubah_pada=years_ago(1))
    return SimpleNamespace(lama=lama, baru=baru, aktif=aktif, honor=honor, lama_shot=lama_shot,
                           aktif_shot=aktif_shot, old_check=old_check)


def run(*args):
    out = StringIO()
    call_command("bersihkan_data_lama", *args, stdout=out)
    return out.getvalue()


def test_dry_run_counts_and_changes_nothing(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        said = run("--tahun", "5", "--dry-run")
    assert "2 pegawai yang nonaktif lebih dari 5 tahun akan dianonimkan (1 akun, 1 verifikasi" in said
    assert "1 tangkapan layar lebih tua dari 730 hari akan dihapus" in said and "tidak ada yang diubah" in said
    assert Pegawai.objects.get(pk=people.lama.pk).nama == "Lama Pensiun"
    assert AkunMedsos.objects.filter(pegawai=people.lama).exists()
    assert open(people.lama_shot, "rb").read() and open(people.aktif_shot, "rb").read()


def test_people_who_left_long_ago_are_anonymised_and_old_screenshots_deleted(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        said = run("--tahun", "5")
    assert "2 pegawai yang nonaktif lebih dari 5 tahun telah dianonimkan" in said
    lama, honor = Pegawai.objects.get(pk=people.lama.pk), Pegawai.objects.get(pk=people.honor.pk)
    assert lama.nama == f"Dianonimkan #{lama.pk}" and lama.nip == f"99{lama.pk:016d}" and lama.jabatan == ""
    assert honor.nik == f"99{honor.pk:014d}" and honor.nip is None
    for person in (lama, honor):
        person.validate_constraints()  # the fake numbers are no valid NIP by design
        assert (person.instansi_id, person.aktif) == (people.lama.instansi_id, False), "still counted where it was"
    assert not AkunMedsos.objects.filter(pegawai=lama).exists()
    assert not Verifikasi.objects.filter(akun__username="lama.pensiun").exists()
    with pytest.raises(FileNotFoundError):
        open(people.lama_shot, "rb")

    assert Pegawai.objects.get(pk=people.baru.pk).nama == "Baru Pindah", "left last year: kept"
    assert Pegawai.objects.get(pk=people.aktif.pk).nama == "Masih Aktif"
    old_check = Verifikasi.objects.get(pk=people.old_check.pk)
    assert old_check.bukti.name == "" and old_check.hasil == "VALID", "the result stays, the picture goes"
    with pytest.raises(FileNotFoundError):
        open(people.aktif_shot, "rb")

    assert "0 pegawai" in run("--tahun", "5"), "a second run has nothing left to do"


def test_a_shorter_retention_reaches_last_years_leavers(people):
    run("--tahun", "0")
    assert Pegawai.objects.get(pk=people.baru.pk).nama.startswith("Dianonimkan")
