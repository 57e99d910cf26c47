"""Every URL the project defines, walked from the URL resolver as an
attacker would: a new view cannot be forgotten.

Oki operates DINKES and tries everything against DISDIK's data (Maya,
Non-ASN, and Joko, with their accounts, a check, an import by Dedi and
DISDIK's official account): reading by URL, then writing with crafted
POSTs. A staff user with no role and an anonymous visitor try the same.
Ani and Vina walk every page once with names, positions, unit names and
notes that carry markup, which must come back escaped everywhere.
"""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver

from registry.models import AkunMedsos, Impor, Instansi, Pegawai, Verifikasi
from registry.verifikasi import record_verification
from tests.conftest import _staff, make_akun, make_pegawai

XSS = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>']


def routes(patterns=None, prefix=""):
    """(route, name) of every pattern, the admin's included."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name


def fill(route, targets):
    """Concrete URLs for ``route``, its ids pointing at ``targets`` (by model name)."""
    app_list = re.match(r"\^\(\?P<app_label>([\w|]+)\)/\$", route)
    if app_list:
        return [f"/{label}/" for label in app_list.group(1).split("|")]
    if route.startswith("r/"):
        pegawai = targets["pegawai"]
        return [f"/r/{ContentType.objects.get_for_model(pegawai).pk}/{pegawai.pk}/"]
    model = re.match(r"\w+/(\w+)/", route)
    obj = targets.get(model.group(1)) if model else None
    if "^" in route:  # simple_history's version page: the object, then a version of it
        if obj is None:
            return []
        history = type(obj).history.filter(**{type(obj)._meta.pk.attname: obj.pk}).latest("history_date")
        route = route.replace("([^/]+)", str(obj.pk), 1).replace("([^/]+)", str(history.history_id), 1)
        return ["/" + route.replace("^", "").replace("$", "")]
    route = route.replace("<slug:jenis>", "tidak-patuh")
    if re.search(r"<[\w:]+>", route):
        if obj is None:
            return []
        route = re.sub(r"<[\w:]+>", str(obj.pk), route)
    return ["/" + route]


def urls(targets):
    return [url for route, name in routes() if name != "logout"  # POST only; would end the walker's session
            for url in fill(route, targets)]


def body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@pytest.fixture
def disdik(tree, staff, dedi, vina):
    """DISDIK's data, out of Oki's scope, and what must never reach him."""
    official = make_akun(tree.disdik, username="disdik.resmi", wajib_diikuti=True)
    check = record_verification(staff.maya.akun.get(), vina, "VALID", catatan="catatan rahasia disdik")
    record = Impor.objects.create(pengguna=dedi, jenis="pegawai", nama_berkas="disdik.xlsx")
    targets = {
        "pegawai": staff.maya, "akunmedsos": official, "verifikasi": check, "instansi": tree.disdik,
        "impor": record, "user": dedi, "group": Group.objects.get(name="Operator OPD"),
        "pengaturan": None,
    }
    secrets = ["Maya Sari", staff.maya.nik, "Joko Susilo", staff.joko.nip, "maya.sari", "joko.susilo",
               "disdik.resmi", "catatan rahasia disdik", "disdik.xlsx"]
    return targets, [s.encode() for s in secrets]


@pytest.fixture
def tanpa_peran(db):
    """A staff user whose role was never set."""
    return _staff("tanpa.peran")


def test_an_operator_reads_nothing_of_another_agency_through_any_url(client, disdik, oki):
    targets, secrets = disdik
    walked = urls(targets)
    assert len(walked) > 80 and "/registry/pegawai/evaluasi/tidak-patuh/cetak/" in walked
    client.force_login(oki)
    for url in walked:
        response = client.get(url)
        assert response.status_code < 500, url
        content = body(response)
        leaked = [s for s in secrets if s in content]
        assert not leaked, f"{url} ({response.status_code}) shows {leaked}"


@pytest.mark.parametrize("who", ["anonymous", "tanpa_peran"])
def test_no_role_and_no_login_read_nothing(client, disdik, request, who):
    targets, secrets = disdik
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    for url in urls(targets):
        response = client.get(url)
        assert response.status_code < 500, url
        assert not [s for s in secrets if s in body(response)], url
        # The login page, its translations, and the site's (empty) icon are public.
        if who == "anonymous" and url not in ("/login/", "/jsi18n/", "/favicon.ico"):
            assert response.status_code == 302 and "/login/" in response["Location"], url


def test_crafted_posts_to_every_url_write_nothing_outside_the_scope(client, disdik, tree, staff, oki):
    targets, _ = disdik

    def snapshot():
        return (
            list(Pegawai.objects.filter(instansi=tree.disdik).order_by("pk").values()),
            list(AkunMedsos.objects.filter(unit_pemilik=tree.disdik).order_by("pk").values()),
            list(Verifikasi.objects.filter(unit_pemilik=tree.disdik).order_by("pk").values()),
            list(Instansi.objects.filter(pk=tree.disdik.pk).values()),
            list(User.objects.filter(pk=targets["user"].pk).values()),
            Pegawai.objects.filter(nama="DIRETAS").count(),
        )

    before = snapshot()
    client.force_login(oki)
    crafted = {
        "nama": "DIRETAS", "jabatan": "DIRETAS", "instansi": tree.disdik.pk, "status_kepegawaian": "NON_ASN",
        "nik": "1671011203850077", "aktif": "on", "pegawai": staff.maya.pk, "platform": "instagram",
        "username": "diretas", "akun": staff.maya.akun.get().pk, "hasil": "TIDAK_AKTIF", "post": "yes",
        "action": "delete_selected", "_selected_action": [staff.maya.pk, staff.joko.pk], "konfirmasi": "1",
        "kode": "DISDIK", "induk": "", "operator": [oki.pk], "peran": "Admin BKD", "groups": [1],
        "is_superuser": "on", "catatan": "DIRETAS",
        "akun-TOTAL_FORMS": "0", "akun-INITIAL_FORMS": "0", "verifikasi-TOTAL_FORMS": "0",
              "bukti_sebar-TOTAL_FORMS": "0", "bukti_sebar-INITIAL_FORMS": "0",
        "verifikasi-INITIAL_FORMS": "0",
    }
    for url in urls(targets):
        response = client.post(url, crafted)
        assert response.status_code < 500, url
    assert snapshot() == before


def test_markup_in_names_positions_units_and_notes_comes_back_escaped_everywhere(client, tree, ani, vina):
    unit = Instansi.objects.create(kode="XSS", nama=f"Dinas {XSS[0]}", singkatan=XSS[1][:40], induk=tree.pemda,
                                   kepala_nama=XSS[1], kepala_jabatan=XSS[0])
    person = make_pegawai(unit, f"Nama {XSS[0]}", jabatan=XSS[1])
    akun = make_akun(person, username="xss.uji")
    official = make_akun(unit, username="xss.resmi", wajib_diikuti=True)
    check = record_verification(akun, vina, "VALID", catatan=" ".join(XSS))
    targets = {"pegawai": person, "akunmedsos": official, "verifikasi": check, "instansi": unit,
               "impor": Impor.objects.create(pengguna=ani, jenis="pegawai", nama_berkas=f"{XSS[1]}.xlsx"),
               "user": vina, "group": Group.objects.first(), "pengaturan": None}
    for user in (ani, vina):
        client.force_login(user)
        for url in urls(targets) + [f"/registry/akunmedsos/{akun.pk}/change/", "/registry/pegawai/?q=Nama"]:
            response = client.get(url)
            assert response.status_code < 500, url
            if "html" not in response.get("Content-Type", ""):
                continue
            page = body(response).decode()
            assert "<script>alert" not in page and "<img src=x onerror" not in page, url
