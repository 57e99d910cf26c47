"""Clerks at once, on PostgreSQL, over real HTTP: what one writes while
another writes the same employees and units is neither lost nor half
kept, and a clerk never sees a conflict between them.

Five clerk processes work for 40 seconds against gunicorn (four workers)
on the test database: Vina and Wulan (Verifikator) check accounts in the
queue, take some back and apply follower lists; Ani (Admin BKD) imports
rosters that move staff between units and deactivate those a unit's roster
leaves out, toggles *wajib* and moves a puskesmas between two dinas; Oki
and Dedi (operators) add and delete accounts on the employee form and
deactivate and reactivate staff. Afterwards no request answered 500, the
stored compliance, counts and owners' units are all true
(``periksa_kepatuhan``), and every check, import and follower list a clerk
saw succeed is there.
"""

import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.db import connection, connections

from registry.kepatuhan import drift, misplaced
from registry.models import AkunMedsos, Impor, Pegawai, StatusImpor, Verifikasi
from tests import juru
from tests.conftest import make_akun, make_pegawai, nip_pns, recreate_roles

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="konkurensi diuji pada PostgreSQL")

ROOT = Path(__file__).resolve().parent.parent
SECONDS = int(os.environ.get("REGISTRI_SERENTAK_DETIK", "40"))
CLERKS = {
    "vina": {"periksa": 8, "batal": 2, "pengikut": 1},
    "wulan": {"periksa": 6, "batal": 1, "pengikut": 2},
    "ani": {"impor": 4, "sinkron": 1, "wajib": 2, "pindah": 2},
    "oki": {"akun": 3, "hapus": 2, "aktif": 2},
    "dedi": {"akun": 3, "hapus": 2, "aktif": 2},
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def staff_user(username, group=None, superuser=False):
    if group and not Group.objects.filter(name=group).exists():
        recreate_roles()
    user = User.objects.create_user(username, is_staff=True, is_superuser=superuser)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def registry(transactional_db, tree):
    """120 staff in four units, with Instagram and TikTok accounts; official
    accounts to follow at the root and at Dinas Kesehatan."""
    officials = [
        make_akun(tree.pemda, "instagram", "humas.uji", wajib_diikuti=True),
        make_akun(tree.pemda, "tiktok", "humas.uji", wajib_diikuti=True),
        make_akun(tree.dinkes, "instagram", "dinkes.uji", wajib_diikuti=True),
    ]
    units = [tree.dinkes, tree.pkm, tree.disdik, tree.smpn1]
    for i in range(120):
        person = make_pegawai(units[i % 4], f"Pegawai Serentak {i:03d}", nip=nip_pns(seq=i + 1))
        make_akun(person, "instagram", f"serentak{i}.ig")
        make_akun(person, "tiktok", f"serentak{i}_tt")
    users = {
        "vina": staff_user("vina.verifikator", "Verifikator BKD"),
        "wulan": staff_user("wulan.verifikator", "Verifikator BKD"),
        "ani": staff_user("ani.admin", superuser=True),
        "oki": staff_user("oki.dinkes", "Operator OPD"),
        "dedi": staff_user("dedi.disdik", "Operator OPD"),
    }
    tree.dinkes.operator.add(users["oki"])
    tree.disdik.operator.add(users["dedi"])

    def people(*scope):
        return [(p.pk, p.nip, p.nama) for p in Pegawai.objects.filter(instansi__in=scope)]

    world = {
        "resmi": [(a.pk, a.platform) for a in officials],
        "akun": {platform: list(AkunMedsos.objects.filter(platform=platform, pegawai__isnull=False)
                                .values_list("username", flat=True)) for platform in ("instagram", "tiktok")},
        "unit_impor": [u.nama for u in units],
        "unit_sinkron": tree.smpn1.pk,
        "pindah": [(tree.pkm.pk, [tree.dinkes.pk, tree.disdik.pk])],
    }
    worlds = {
        "vina": {**world, "pegawai": people(*units)},
        "wulan": {**world, "pegawai": people(*units)},
        "ani": {**world, "pegawai": people(*units)},
        "oki": {**world, "pegawai": people(tree.dinkes, tree.pkm)},
        "dedi": {**world, "pegawai": people(tree.disdik, tree.smpn1)},
    }
    return users, worlds


@pytest.fixture
def server(registry, tmp_path):
    """gunicorn, four workers, on the test database."""
    settings = connection.settings_dict
    database = (f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/"
                f"{settings['NAME']}")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REGISTRI_"))}
    # The test's own key: a session's login is signed with it.
    env.update(DJANGO_SECRET_KEY=django_settings.SECRET_KEY, DJANGO_ALLOWED_HOSTS="127.0.0.1",
               DATABASE_URL=database, REGISTRI_HTTP_POLOS="1", DJANGO_LOG_LEVEL="WARNING")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    # Its log to a file: a pipe nobody reads fills up and stops every worker mid-request.
    log = open(tmp_path / "gunicorn.log", "w+")
    process = subprocess.Popen(
        [str(gunicorn), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "4", "--timeout", "300"],
        cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
        try:
            urllib.request.urlopen(f"{base}/login/", timeout=5).read()
            break
        except OSError:
            assert time.monotonic() < deadline, "gunicorn tidak menjawab"
            time.sleep(0.3)
    yield base
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)
    served = (tmp_path / "gunicorn.log").read_text()
    print(f"gunicorn: {served.count('kalah dalam konflik')} transaksi diulang setelah kalah dalam konflik")
    # A 500 in the assertion says only which page; the server's traceback says why.
    if "Traceback" in served:
        print(served[served.index("Traceback") - 300:][:12000])
    connections.close_all()


def test_clerks_at_once_lose_nothing_and_leave_everything_true(registry, server):
    users, worlds = registry
    sessions = {name: juru.session_cookie(user) for name, user in users.items()}
    connections.close_all()
    context = multiprocessing.get_context("spawn")
    with context.Pool(len(CLERKS)) as pool:
        runs = {
            name: pool.apply_async(juru.run_clerk, (server, sessions[name], name, worlds[name],
                                                    mix, SECONDS, i))
            for i, (name, mix) in enumerate(CLERKS.items())
        }
        results = {name: run.get(timeout=SECONDS + 600) for name, run in runs.items()}

    requests = sum(len(log) for log, _, _ in results.values())
    errors = [f"{name}: {error}" for name, (_, _, errs) in results.items() for error in errs]
    assert not errors, "\n".join(errors[:20])
    writes = {name: written for name, (_, written, _) in results.items()}
    statuses = Counter((page, method, status) for log, _, _ in results.values() for page, method, status, _ in log)
    assert sum(len(w) for w in writes.values()) >= 40, ({n: len(w) for n, w in writes.items()}, statuses)

    differing, first, units = drift()
    assert (differing, units) == (0, set()), first
    assert misplaced() == 0

    for name in ("vina", "wulan"):
        checks = []
        for done in writes[name]:
            if done[0] == "periksa":
                checks.append(done)
            elif done[0] == "batal" and checks:
                checks.pop()
        for _, akun, hasil in checks:
            assert Verifikasi.objects.filter(akun_id=akun, pemeriksa=users[name], hasil=hasil).exists(), (
                name, akun, hasil)
    for name, done_list in writes.items():
        for done in done_list:
            if done[0] in ("impor", "pengikut"):
                record = Impor.objects.get(pk=done[1])
                assert record.status == StatusImpor.SELESAI, (name, done)
            if done[0] == "impor":
                written = Pegawai.history.filter(history_change_reason=f"impor #{done[1]}").count()
                assert written == record.baru + record.berubah + record.dinonaktifkan, (name, done)
            if done[0] == "pengikut":
                assert Verifikasi.objects.filter(sumber="DAFTAR_PENGIKUT", catatan__contains=done[2]).exists()
            if done[0] == "akun":
                assert AkunMedsos.history.filter(username=done[1], history_type="+").exists(), (name, done)
    print(f"{requests} permintaan, {sum(len(w) for w in writes.values())} tulisan tercatat dalam {SECONDS} s: "
          + ", ".join(f"{n} {len(w)}" for n, w in writes.items()))
