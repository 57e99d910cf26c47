"""registry/sql.py: the set-based pieces the reports share, on both databases."""

import datetime

from django.db import connection
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Cast, Concat, Upper
from django.utils import timezone

from registry.models import AkunMedsos, Pegawai, PemetaanKolom
from registry.sql import AnyOf, any_of, insert_rows
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


def test_any_of_binds_text_that_an_array_literal_must_quote(tree):
    awkward = ['Dr. "Abdul" Rahman', "Back\\slash", "Koma, Titik", "{Kurung}", "NULL", "  spasi  "]
    for nama in awkward:
        make_pegawai(tree.dinkes, nama)
    make_pegawai(tree.dinkes, "Rudi Hartono")
    found = set(Pegawai.objects.filter(any_of("nama", [*awkward, "Tidak Ada"])).values_list("nama", flat=True))
    assert found == set(awkward)


def test_insert_rows_writes_columns_constants_defaults_and_computed_values(ani):
    when = [timezone.make_aware(datetime.datetime(2026, 12, 1, 8, 30)), timezone.now()]
    rows = insert_rows(
        PemetaanKolom,
        {"jenis": ["pegawai", "bukti"], "tanda": ["", ""], "diubah_pada": when},
        computed={"tanda": Concat(Upper(F("jenis")), Value("-"), Cast("pengguna_id", CharField()))},
        returning=["jenis"],
        pengguna_id=ani.pk,
    )
    assert sorted(jenis for _, jenis in rows) == ["bukti", "pegawai"]
    stored = PemetaanKolom.objects.filter(pk__in=[pk for pk, _ in rows]).order_by("diubah_pada")
    assert [(p.jenis, p.tanda, p.pengguna_id, p.judul, p.kolom, p.diubah_pada) for p in stored] == [
        ("pegawai", f"PEGAWAI-{ani.pk}", ani.pk, [], {}, when[0]),
        ("bukti", f"BUKTI-{ani.pk}", ani.pk, [], {}, when[1]),
    ]


def test_usernames_looked_up_by_pairs_without_bitmap_scans_for_the_block_only(tree):
    from registry.sql import AnyPairOf, btree_lookups
    from tests.conftest import make_akun

    def bitmap_scans():
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_bitmapscan")
            return cursor.fetchone()[0]

    rudi = make_pegawai(tree.dinkes, "Rudi Hartono")
    ig, tt = make_akun(rudi, "instagram", "rudi.h"), make_akun(rudi, "tiktok", "rudi.h")
    make_akun(rudi, "instagram", "rudi.lain")
    names = ["rudi.h", *(f"orang.{n}" for n in range(3000))]
    before = bitmap_scans()
    with btree_lookups():
        assert list(AkunMedsos.objects.filter(AnyPairOf("platform", "instagram", "username", names))) == [ig]
        assert list(AkunMedsos.objects.filter(AnyPairOf("platform", "tiktok", "username", names))) == [tt]
        assert not AkunMedsos.objects.filter(AnyPairOf("platform", "instagram", "username", [])).exists()
        assert bitmap_scans() in (None, "off")
    assert bitmap_scans() == before
