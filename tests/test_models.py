"""Database rules hold even for code that skips model validation."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from registry.models import AkunMedsos, Instansi, Pegawai, Verifikasi
from tests.conftest import make_akun, make_pegawai, nip_pns, verify


def _rejected_by_database(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Pegawai.objects.create(**fields)


def test_asn_needs_nip_and_non_asn_needs_nik_without_nip(tree):
    _rejected_by_database(nama="A", instansi=tree.dinkes, status_kepegawaian="PNS", nik="1671011203850001")
    _rejected_by_database(nama="B", instansi=tree.dinkes, status_kepegawaian="NON_ASN", nip=nip_pns())
    _rejected_by_database(nama="C", instansi=tree.dinkes, status_kepegawaian="NON_ASN")
    _rejected_by_database(nama="D", instansi=tree.dinkes, status_kepegawaian="PNS", nip="12345")


def test_nip_and_nik_are_unique(tree):
    siti = make_pegawai(tree.dinkes, "Siti", nik="1671015203850001")
    _rejected_by_database(nama="X", instansi=tree.disdik, status_kepegawaian="PNS", nip=siti.nip)
    _rejected_by_database(
        nama="Y", instansi=tree.disdik, status_kepegawaian="NON_ASN", nik="1671015203850001"
    )


def test_instansi_kode_is_unique_whatever_the_case(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Instansi.objects.create(kode="dinkes", nama="Dinas Kesehatan Lain")
    with pytest.raises(ValidationError) as e:
        Instansi(kode="Dinkes", nama="Lain").full_clean()
    assert "sudah dipakai" in str(e.value)


def test_an_account_has_exactly_one_owner(tree):
    siti = make_pegawai(tree.dinkes, "Siti")
    for owners in ({}, {"pegawai": siti, "instansi": tree.dinkes}):
        with pytest.raises(IntegrityError), transaction.atomic():
            AkunMedsos.objects.create(platform="instagram", username="dua.pemilik", **owners)


def test_only_official_accounts_can_be_required(tree):
    siti = make_pegawai(tree.dinkes, "Siti")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_akun(siti, wajib_diikuti=True)
    with pytest.raises(ValidationError) as e:
        AkunMedsos(platform="instagram", username="siti.r", pegawai=siti, wajib_diikuti=True).full_clean()
    assert "Hanya akun resmi" in str(e.value)


def test_one_handle_cannot_be_claimed_twice(tree):
    make_akun(make_pegawai(tree.dinkes, "Siti"), username="siti.r")
    rudi = make_pegawai(tree.pkm, "Rudi")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_akun(rudi, username="siti.r")
    with pytest.raises(ValidationError) as e:
        AkunMedsos(platform="instagram", username="https://instagram.com/Siti.R/", pegawai=rudi).full_clean()
    assert "sudah terdaftar" in str(e.value)
    make_akun(rudi, platform="tiktok", username="siti.r")


def test_usernames_are_stored_normalised(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_akun(tree.dinkes, username="Humas.Dinkes")
    akun = AkunMedsos(username="https://www.tiktok.com/@Humas.Dinkes?lang=id", instansi=tree.dinkes)
    akun.full_clean()
    assert (akun.platform, akun.username) == ("tiktok", "humas.dinkes")


def test_pasted_nip_is_normalised_by_full_clean(tree):
    p = Pegawai(
        nama="  Siti   Rahayu ",
        nip="NIP. 19850312 201001 2 003",
        instansi=tree.dinkes,
        status_kepegawaian="PNS",
    )
    p.full_clean()
    assert (p.nip, p.nama, p.jenis_kelamin) == ("198503122010012003", "Siti Rahayu", "P")


@pytest.mark.parametrize(
    "status,nip,nik,field,message",
    [
        ("PNS", "", "", "nip", "wajib diisi NIP"),
        ("PNS", "199001152021131002", "", "nip", "01–12"),  # a PPPK NIP given to a PNS
        ("PPPK", "1,99001E+17", "", "nip", "Teks"),
        ("NON_ASN", "198503122010011003", "1671011203850001", "nip", "tidak memiliki NIP"),
        ("NON_ASN", "", "", "nik", "wajib diisi NIK"),
        ("NON_ASN", "", "1671013203850001", "nik", "tanggal lahir"),
    ],
)
def test_identity_errors_point_at_their_field(tree, status, nip, nik, field, message):
    p = Pegawai(nama="X", nip=nip, nik=nik, instansi=tree.dinkes, status_kepegawaian=status)
    with pytest.raises(ValidationError) as e:
        p.full_clean()
    assert message in " ".join(e.value.message_dict[field])


def test_moving_a_unit_moves_its_subtree(tree):
    assert Instansi.objects.subtree(tree.dinkes).count() == 2
    tree.dinkes.induk = tree.disdik
    tree.dinkes.save()
    tree.pkm.refresh_from_db()
    assert tree.pkm.jalur.startswith(tree.disdik.jalur)
    assert tree.pkm.kedalaman == 3
    assert set(Instansi.objects.subtree(tree.disdik)) == {tree.disdik, tree.smpn1, tree.dinkes, tree.pkm}


def test_a_unit_cannot_be_placed_below_itself(tree):
    tree.dinkes.induk = tree.pkm
    with pytest.raises(ValidationError) as e:
        tree.dinkes.full_clean()
    assert "induk" in e.value.message_dict


def test_latest_verification_sets_the_account_state(tree, vina):
    humas = make_akun(tree.pemda, username="humas.uji", wajib_diikuti=True)
    akun = make_akun(make_pegawai(tree.dinkes, "Siti"))
    verify(akun, "VALID", [humas], pemeriksa=vina)
    assert (akun.hasil_terakhir, list(akun.mengikuti.all())) == ("VALID", [humas])
    later = verify(akun, "TIDAK_AKTIF", [], pemeriksa=vina)
    akun.refresh_from_db()
    assert akun.hasil_terakhir == "TIDAK_AKTIF"
    assert akun.diverifikasi_pada == later.waktu
    assert list(akun.mengikuti.all()) == []
    assert Verifikasi.objects.filter(akun=akun).count() == 2


def test_accounts_with_history_cannot_be_deleted_silently(tree):
    akun = make_akun(make_pegawai(tree.dinkes, "Siti"))
    verify(akun)
    with pytest.raises(Exception) as e:
        akun.delete()
    assert "protected" in type(e.value).__name__.lower()
