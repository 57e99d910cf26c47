"""Compliance states (DESIGN §3) on the hand-built tree of conftest.

The root (PEMDA) requires its Instagram and TikTok accounts to be followed;
DINKES requires its own Instagram account, which binds DINKES and PKM staff
but not DISDIK's. A PEMDA Facebook page exists but is not required.
"""

from types import SimpleNamespace

import pytest

from registry.kepatuhan import kepatuhan_expression
from registry.models import Kepatuhan, Pegawai
from tests.conftest import make_akun, make_pegawai, verify


@pytest.fixture
def resmi(tree):
    return SimpleNamespace(
        pemda_ig=make_akun(tree.pemda, "instagram", "humas.uji", wajib_diikuti=True),
        pemda_tt=make_akun(tree.pemda, "tiktok", "humas.uji", wajib_diikuti=True),
        pemda_fb=make_akun(tree.pemda, "facebook", "pemkab.uji"),
        dinkes_ig=make_akun(tree.dinkes, "instagram", "dinkes.uji", wajib_diikuti=True),
    )


def state(pegawai):
    """The stored state; the suite's drift check holds it to the rule."""
    return Pegawai.objects.get(pk=pegawai.pk).kepatuhan


def fully_following(pegawai, resmi, instagram_follows):
    verify(make_akun(pegawai, "instagram"), "VALID", instagram_follows)
    verify(make_akun(pegawai, "tiktok"), "VALID", [resmi.pemda_tt])


def test_no_account(tree, resmi):
    assert state(make_pegawai(tree.pkm, "Tanpa Akun")) == Kepatuhan.BELUM_PUNYA_AKUN


def test_accounts_none_valid(tree, resmi):
    p = make_pegawai(tree.pkm, "Belum Dicek")
    make_akun(p, "instagram")
    assert state(p) == Kepatuhan.BELUM_DIVERIFIKASI
    verify(make_akun(p, "tiktok"), "TIDAK_DITEMUKAN")
    verify(make_akun(p, "facebook", "belum.dicek"), "BUKAN_MILIK")
    assert state(p) == Kepatuhan.BELUM_DIVERIFIKASI


def test_required_account_inherited_from_a_unit_above(tree, resmi):
    # PKM sits under DINKES: following the root's accounts is not enough.
    p = make_pegawai(tree.pkm, "Staf Puskesmas")
    fully_following(p, resmi, [resmi.pemda_ig])
    assert state(p) == Kepatuhan.BELUM_MENGIKUTI
    p.akun.get(platform="instagram").mengikuti.add(resmi.dinkes_ig)
    assert state(p) == Kepatuhan.PATUH


def test_a_sibling_units_account_does_not_bind(tree, resmi):
    p = make_pegawai(tree.smpn1, "Guru SMP")
    fully_following(p, resmi, [resmi.pemda_ig])
    assert state(p) == Kepatuhan.PATUH


def test_a_required_platform_without_an_account_means_not_following(tree, resmi):
    p = make_pegawai(tree.disdik, "Hanya Instagram")
    verify(make_akun(p, "instagram"), "VALID", [resmi.pemda_ig])
    assert state(p) == Kepatuhan.BELUM_MENGIKUTI


def test_only_a_valid_account_counts_as_following(tree, resmi):
    p = make_pegawai(tree.disdik, "Dua Instagram")
    fully_following(p, resmi, [])
    verify(make_akun(p, "instagram"), "BUKAN_MILIK", [resmi.pemda_ig])
    assert state(p) == Kepatuhan.BELUM_MENGIKUTI


def test_a_follow_from_another_platform_does_not_count(tree, resmi):
    p = make_pegawai(tree.disdik, "Salah Platform")
    verify(make_akun(p, "instagram"), "VALID", [resmi.pemda_ig])
    verify(make_akun(p, "tiktok"), "VALID", [])
    # Crafted directly: a TikTok account cannot follow an Instagram account,
    # and must not make the Instagram requirement count twice.
    p.akun.get(platform="tiktok").mengikuti.add(resmi.pemda_ig)
    assert state(p) == Kepatuhan.BELUM_MENGIKUTI


def test_not_required_official_accounts_are_ignored(tree, resmi):
    p = make_pegawai(tree.disdik, "Tanpa Facebook")
    fully_following(p, resmi, [resmi.pemda_ig])
    assert not p.akun.filter(mengikuti=resmi.pemda_fb).exists()
    assert state(p) == Kepatuhan.PATUH


def test_inactive_staff_have_no_state(tree, resmi):
    p = make_pegawai(tree.disdik, "Pensiun", aktif=False)
    assert state(p) is None


def test_a_unit_without_required_accounts_complies_with_one_valid_account(tree):
    p = make_pegawai(tree.disdik, "Tanpa Kewajiban")
    verify(make_akun(p, "x"), "VALID")
    assert state(p) == Kepatuhan.PATUH


def test_states_are_computed_in_one_query(tree, resmi, django_assert_num_queries):
    for i in range(10):
        make_pegawai(tree.pkm, f"Staf {i}")
    with django_assert_num_queries(1):
        states = [p.kini for p in Pegawai.objects.annotate(kini=kepatuhan_expression())]
    assert states == [Kepatuhan.BELUM_PUNYA_AKUN] * 10
