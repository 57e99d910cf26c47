"""Personas and a small hand-built tree shared by the tests.

    Pemerintah Kabupaten Uji (PEMDA)
    ├── Dinas Kesehatan (DINKES)        operated by Oki
    │   └── UPTD Puskesmas Kota (PKM)
    └── Dinas Pendidikan (DISDIK)       operated by Dedi
        └── SMP Negeri 1 (SMPN1)

Ani is the Admin BKD (superuser), Vina the Verifikator BKD.
"""

import itertools
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry import sebaran
from registry.kepatuhan import drift, misplaced
from registry.models import AkunMedsos, Instansi, Pegawai
from registry.verifikasi import record_verification

_sequence = itertools.count(1)


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    """Personas are made in every test: a password hashed with Django's
    production cost (about a third of a second each) is most of the suite's
    time, and no test is about the hash's strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def stored_compliance_stays_true(request):
    """After every test that wrote to the database, what is stored for
    compliance (each employee's state, the required accounts per unit, the
    counts) equals what the rule computes, every account and verification
    is scoped by its owner's unit, and so is everything stored for
    spreading (registry.sebaran): a write path that forgets to keep it true
    fails whichever test exercises it."""
    database = next((name for name in ("transactional_db", "db") if name in request.fixturenames), None)
    if database is None or request.node.get_closest_marker("drift_expected"):
        yield
        return
    # Requested here, so that the database outlives this check.
    request.getfixturevalue(database)
    yield
    differing, first, units = drift()
    assert (differing, units) == (0, set()), f"kepatuhan tersimpan keliru: {first}, unit {units}"
    assert misplaced() == 0, "unit_pemilik akun atau verifikasi tidak sama dengan unit pemiliknya"
    assert sebaran.drift() == {}, "sebaran tersimpan keliru"


def recreate_roles():
    """The roles and their permissions, as the data migrations made them: a
    test on a transactional database empties every table after it, groups
    included, and the next one needs them again."""
    from importlib import import_module

    from django.apps import apps

    folder = Path(__file__).resolve().parent.parent / "registry" / "migrations"
    for path in sorted(folder.glob("0*_peran*.py")):
        module = import_module(f"registry.migrations.{path.stem}")
        (getattr(module, "create_roles", None) or module.grant)(apps, None)


def nip_pns(born="19850312", tmt=None, gender="1", seq=None):
    # Appointed a year after the sample files' staff (tests/data: 201001),
    # so that a made employee never takes a NIP a sample roster brings,
    # however many were made before. Numbered by the running sequence, a
    # month later than one a test numbers itself (seq=): the sequence wraps
    # at 999, and in a long run it met a test's own 902.
    if seq is None:
        return f"{born}{tmt or '201102'}{gender}{next(_sequence) % 999 + 1:03d}"
    return f"{born}{tmt or '201101'}{gender}{seq:03d}"


def nik(day="12", month="03", year="85", seq=None):
    return f"167101{day}{month}{year}{(seq or next(_sequence)):04d}"


@pytest.fixture
def tree(db):
    pemda = Instansi.objects.create(kode="PEMDA", nama="Pemerintah Kabupaten Uji", singkatan="Pemkab")
    dinkes = Instansi.objects.create(kode="DINKES", nama="Dinas Kesehatan", induk=pemda)
    pkm = Instansi.objects.create(kode="PKM", nama="UPTD Puskesmas Kota", induk=dinkes)
    disdik = Instansi.objects.create(kode="DISDIK", nama="Dinas Pendidikan", induk=pemda)
    smpn1 = Instansi.objects.create(kode="SMPN1", nama="SMP Negeri 1", induk=disdik)
    return SimpleNamespace(pemda=pemda, dinkes=dinkes, pkm=pkm, disdik=disdik, smpn1=smpn1)


def _staff(username, group=None, **extra):
    user = User.objects.create_user(username, password="rahasia-uji-123", is_staff=True, **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def ani(db):
    """Admin BKD."""
    return _staff("ani.admin", is_superuser=True)


@pytest.fixture
def vina(db):
    """Verifikator BKD."""
    return _staff("vina.verifikator", "Verifikator BKD")


@pytest.fixture
def oki(tree):
    """Operator OPD of Dinas Kesehatan."""
    user = _staff("oki.dinkes", "Operator OPD")
    tree.dinkes.operator.add(user)
    return user


@pytest.fixture
def dedi(tree):
    """Operator OPD of Dinas Pendidikan."""
    user = _staff("dedi.disdik", "Operator OPD")
    tree.disdik.operator.add(user)
    return user


def make_pegawai(instansi, nama, status="PNS", **fields):
    if status == "NON_ASN":
        fields.setdefault("nik", nik())
    else:
        fields.setdefault("nip", nip_pns())
    return Pegawai.objects.create(instansi=instansi, nama=nama, status_kepegawaian=status, **fields)


def make_akun(owner, platform="instagram", username=None, **fields):
    key = "instansi" if isinstance(owner, Instansi) else "pegawai"
    username = username or f"akun{next(_sequence)}"
    return AkunMedsos.objects.create(platform=platform, username=username, **{key: owner}, **fields)


def verify(akun, hasil="VALID", follows=(), pemeriksa=None, checked=None):
    """A manual check; by default it looked for every required account."""
    checked = akun.required_official() if checked is None else checked
    return record_verification(akun, pemeriksa, hasil, seen=follows, checked=checked)


@pytest.fixture
def staff(tree):
    """One employee in each unit below the root, with an account each."""
    people = SimpleNamespace(
        siti=make_pegawai(tree.dinkes, "Siti Rahayu"),
        rudi=make_pegawai(tree.pkm, "Rudi Hartono", status="PPPK", nip="199001152021011002"),
        maya=make_pegawai(tree.disdik, "Maya Sari", status="NON_ASN"),
        joko=make_pegawai(tree.smpn1, "Joko Susilo"),
    )
    for person in vars(people).values():
        make_akun(person, username=person.nama.lower().replace(" ", "."))
    return people


# Every request renews the session (SESSION_SAVE_EVERY_REQUEST, the idle
# timeout): an UPDATE, inside a savepoint of the test's transaction.
SESSION_RENEWAL = 3


def queries(client, url, params=None):
    """How many queries one page takes; it must answer 200."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
        assert response.status_code == 200
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    return len(ctx)


def assert_fixed_queries(client, url, params, grow, most):
    """The page takes the same number of queries before and after ``grow()``."""
    before = queries(client, url, params)
    grow()
    after = queries(client, url, params)
    assert before == after <= most, (before, after)


def posted(response, **changes):
    """The change form as the browser would submit it untouched, with ``changes``."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
        forms += formset.initial_forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is True:
                value = "on"
            if value not in (None, False, ""):
                data[form.add_prefix(name)] = value
    data.update(changes)
    return data
