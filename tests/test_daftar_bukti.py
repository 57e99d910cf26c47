"""The proof list's pages (views.dasar.KeysFirstPaginator): read by their
keys, and on PostgreSQL unit by unit for a list of some units (an
operator's scope, a unit picked in the filter; not a search); the same
rows in the same order as reading the rows themselves, whoever looks and
however the list is narrowed, and nothing outside the scope."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.admin.bukti_sebar import BuktiSebarAdmin
from registry.models import BuktiSebar, Instansi
from registry.views import dasar
from tests.conftest import assert_fixed_queries, make_akun, make_pegawai
from tests.sebaran_world import make_konten, sebaran  # noqa: F401

URL = reverse("admin:registry_buktisebar_changelist")
ON_POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture
def spread(sebaran, monkeypatch):
    """Four contents, each spread by two employees of each of three units
    (two of Dinas Kesehatan's, one of Dinas Pendidikan's), entered unit by
    unit as imports would; pages of three."""
    monkeypatch.setattr(BuktiSebarAdmin, "list_per_page", 3)
    tree = sebaran.tree
    contents = [make_konten(sebaran.humas_ig, f"https://www.instagram.com/p/Chalaman{n:04d}/", f"Halaman {n}")
                for n in range(4)]
    for unit in (tree.dinkes, tree.pkm, tree.smpn1):
        for n in range(2):
            person = make_pegawai(unit, f"Penyebar {n} {unit.kode}")
            akun = make_akun(person, "instagram", f"penyebar.{n}.{unit.kode.lower()}")
            for konten in contents:
                BuktiSebar.objects.create(konten=konten, pegawai=person, akun=akun)
    sebaran.contents = contents
    return sebaran


def every_page(client, query):
    """The rows of every page of the list, in order; the list's queryset; the SQL of the pages."""
    shown, page, statements = [], 1, []
    while True:
        with CaptureQueriesContext(connection) as captured:
            cl = client.get(URL, {**query, "p": page}).context["cl"]
        statements += [q["sql"] for q in captured.captured_queries]
        shown += [proof.pk for proof in cl.result_list]
        if page >= cl.paginator.num_pages:
            return shown, cl.queryset, statements
        page += 1


def read_unit_by_unit(statements):
    return any("CROSS JOIN LATERAL" in sql for sql in statements)


@pytest.mark.parametrize("persona, query, by_unit", [
    ("oki", {}, True),
    ("oki", {"o": "1"}, False),
    ("oki", {"o": "-6.1"}, False),
    ("oki", {"instansi": "pkm"}, True),
    ("oki", {"konten": "first"}, True),
    ("oki", {"q": "Penyebar"}, False),
    ("vina", {}, False),
    ("vina", {"instansi": "dinkes"}, True),
    ("vina", {"instansi": "pemda", "konten": "first"}, True),
])
def test_every_page_holds_the_rows_reading_rows_would_give(client, spread, oki, vina, persona, query, by_unit):
    named = {"pkm": spread.tree.pkm.pk, "dinkes": spread.tree.dinkes.pk, "pemda": spread.tree.pemda.pk,
             "first": spread.contents[0].pk}
    query = {name: named.get(value, value) for name, value in query.items()}
    user = {"oki": oki, "vina": vina}[persona]
    client.force_login(user)
    shown, listed, statements = every_page(client, query)
    expected = list(listed.values_list("pk", flat=True))
    assert shown == expected and expected
    assert set(shown) <= set(BuktiSebar.objects.for_user(user).values_list("pk", flat=True))
    assert read_unit_by_unit(statements) == (by_unit and ON_POSTGRESQL)


def test_an_operator_never_pages_into_another_agencys_proofs(client, spread, oki):
    client.force_login(oki)
    shown, _, _ = every_page(client, {})
    assert len(shown) == 16, "eight proofs each of Dinas Kesehatan and its puskesmas"
    assert not BuktiSebar.objects.filter(pk__in=shown, unit_pemilik=spread.tree.smpn1).exists()


def test_a_unit_out_of_scope_in_the_filter_shows_nothing(client, spread, oki):
    client.force_login(oki)
    response = client.get(URL, {"instansi": spread.tree.smpn1.pk})
    assert response.status_code == 200 and list(response.context["cl"].result_list) == []


def test_more_units_than_merged_units_are_paged_by_keys_alone(client, spread, oki, monkeypatch):
    monkeypatch.setattr(dasar, "MERGED_UNITS", 1)
    client.force_login(oki)
    shown, listed, statements = every_page(client, {})
    assert shown == list(listed.values_list("pk", flat=True)) and len(shown) == 16
    assert not read_unit_by_unit(statements)


def test_a_page_takes_the_same_queries_however_many_units_and_proofs(client, spread, oki):
    def grow():
        unit = Instansi.objects.create(kode="PKM2", nama="UPTD Puskesmas Desa", induk=spread.tree.dinkes)
        person = make_pegawai(unit, "Penyebar Desa")
        akun = make_akun(person, "instagram", "penyebar.desa")
        for konten in spread.contents:
            BuktiSebar.objects.create(konten=konten, pegawai=person, akun=akun)

    client.force_login(oki)
    assert_fixed_queries(client, URL, {"p": 2}, grow, most=16)
