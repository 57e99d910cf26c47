"""registry/sql.py: the set-based pieces the reports share, on both databases."""

from django.db.models import F, Q

from registry.models import Pegawai
from registry.sql import AnyOf
from tests.conftest import make_pegawai


def test_any_of_selects_what_in_selects_whatever_its_size(tree):
    rudi = make_pegawai(tree.dinkes, "Rudi Hartono")
    make_pegawai(tree.disdik, "Siti Aminah")
    maya = make_pegawai(tree.pkm, "Maya Sari")
    # Thousands of ids that are no unit, as a province's month list sends them, and two that are.
    units = [tree.dinkes.pk, tree.pkm.pk, *range(10**6, 10**6 + 7000)]
    chosen = Pegawai.objects.filter(AnyOf(F("instansi_id"), units))
    assert set(chosen) == {rudi, maya}
    assert set(Pegawai.objects.filter(~Q(AnyOf(F("instansi_id"), units)))) == set(Pegawai.objects.exclude(
        instansi_id__in=units[:2]))
    assert not Pegawai.objects.filter(AnyOf(F("instansi_id"), [])).exists()
    assert Pegawai.objects.filter(~Q(AnyOf(F("instansi_id"), []))).count() == 3
