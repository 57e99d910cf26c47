"""Clerks at work: 30 of all roles for 5 minutes against `make serve` with
5 workers on PostgreSQL, over a 100,000-employee registry, on loopback.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/registri \\
        .venv/bin/python bench/beban.py [--pegawai 100000] [--juru 30] [--detik 300]

The registry is bangun.py's (a scratch database, registri_beban, dropped
afterwards); `make serve` runs the production server on it (gunicorn,
WORKERS=5 of THREADS=4, plain HTTP on purpose). Each clerk is a process (tests/juru.py)
with a session of its own and does what its role does, in a clerk's
proportions: mostly reading lists and reports, then checking accounts in
the queue (and now and then taking one back), applying a follower list,
importing a roster that moves staff and deactivates some, adding and
deleting accounts, toggling *wajib*, with some thought between two
steps (five seconds on average, `--pikir`). Prints per page the requests, p50, p95 and p99, the errors (any
answer ≥ 500) and, afterwards, what `periksa_kepatuhan` finds. Targets
(issue 15): 0 errors, p95 ≤ 500 ms, drift 0.
"""

import argparse
import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

from gudang import database_url, recreate

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = "registri_beban"
P95_TARGET = 0.500
# Per role: share of the clerks, and the weight of each task in their day.
ROLES = {
    "verifikator": (0.3, {"baca": 10, "periksa": 6, "batal": 1, "pengikut": 0.2}),
    "operator": (0.6, {"baca": 14, "akun": 2, "hapus": 0.5, "aktif": 0.5}),
    "admin": (0.1, {"baca": 12, "impor": 1, "sinkron": 0.3, "wajib": 0.1, "pindah": 0.2}),
}


def set_up():
    """The scratch database, and Django on it (the clerks' processes, which
    import this module anew, never run this)."""
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("beban.py mengukur PostgreSQL: jalankan dengan DATABASE_URL=postgres://postgres@127.0.0.1:5432/registri")
    recreate(SCRATCH)
    os.environ["BENCH_DATABASE_URL"] = database_url(SCRATCH)
    import harness  # noqa: F401  (after the scratch database exists)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clerks(count, shape):
    """(name, user, world, mix) for ``count`` clerks of all roles."""
    from django.contrib.auth.models import Group, User

    from registry.models import AkunMedsos, Instansi, Pegawai

    regency = Instansi.objects.get(pk=shape["regency"])
    opds = list(Instansi.objects.filter(induk=regency).order_by("pk"))
    officials = [(a.pk, a.platform) for a in AkunMedsos.objects.filter(wajib_diikuti=True).order_by("pk")[:6]]
    handles = {platform: list(AkunMedsos.objects.filter(platform=platform, pegawai__isnull=False,
                                                        pegawai__instansi__jalur__startswith=regency.jalur)
                              .values_list("username", flat=True)[:3000]) for platform in ("instagram", "tiktok")}
    # Each official account's followers among the staff, for the lists a Verifikator uploads (juru.follower_names).
    followers = defaultdict(list)
    for official, username in AkunMedsos.mengikuti.through.objects.filter(
            to_akunmedsos__in=[pk for pk, _ in officials]).values_list("to_akunmedsos_id", "from_akunmedsos__username"):
        followers[official].append(username)
    roles = [role for role, (share, _) in ROLES.items() for _ in range(round(share * count))]
    roles += ["operator"] * (count - len(roles))
    made = []
    for number, role in enumerate(roles[:count]):
        name = f"{role}.{number}"
        user = User.objects.create_user(name, is_staff=True, is_superuser=role == "admin")
        opd = opds[number % len(opds)]
        if role == "verifikator":
            user.groups.add(Group.objects.get(name="Verifikator BKD"))
        if role == "operator":
            user.groups.add(Group.objects.get(name="Operator OPD"))
            opd.operator.add(user)
        scope = opd if role == "operator" else regency
        staff = list(Pegawai.objects.filter(instansi__jalur__startswith=scope.jalur, nip__isnull=False)
                     .order_by("pk").values_list("pk", "nip", "nama")[:200])
        sub = Instansi.objects.filter(induk=opd).order_by("pk").first()
        world = {
            "resmi": officials, "akun": handles, "pegawai": staff,
            "unit_impor": [u.nama for u in Instansi.objects.filter(induk=opd).order_by("pk")] or [opd.nama],
            "unit_sinkron": sub.pk if sub else opd.pk,
            "pindah": [(sub.pk, [opd.pk, opds[(number + 1) % len(opds)].pk])] if sub else [],
        }
        if role == "verifikator":
            world["pengikut"] = dict(followers)
        mix = dict(ROLES[role][1])
        if not world["pindah"]:
            mix.pop("pindah", None)
        made.append((name, user, world, mix))
    return made


def serve(port):
    import harness
    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REGISTRI_"))}
    env.update(DJANGO_SECRET_KEY=settings.SECRET_KEY, DJANGO_ALLOWED_HOSTS="127.0.0.1",
               DATABASE_URL=database_url(SCRATCH), REGISTRI_HTTP_POLOS="1", REGISTRI_BIND=f"127.0.0.1:{port}",
               WORKERS="5", DJANGO_STATIC_ROOT=str(Path(harness.WORKDIR) / "static"), DJANGO_LOG_LEVEL="WARNING")
    # Its log to a file: a pipe nobody reads fills up and stops every worker mid-request.
    log = open(Path(harness.WORKDIR) / "serve.log", "w+")
    process = subprocess.Popen(["make", "serve"], cwd=ROOT, env=env, start_new_session=True,
                               stdout=log, stderr=subprocess.STDOUT, text=True)
    process.log = log
    deadline = time.monotonic() + 300
    while True:
        if process.poll() is not None:
            log.seek(0)
            sys.exit(log.read())
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5).read()
            return process
        except OSError:
            if time.monotonic() > deadline:
                sys.exit("make serve tidak menjawab dalam 5 menit")
            time.sleep(0.5)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pegawai", type=int, default=100000)
    parser.add_argument("--juru", type=int, default=30)
    parser.add_argument("--detik", type=int, default=300)
    # A clerk reads a page, types, looks at a profile: seconds between two steps.
    parser.add_argument("--pikir", type=float, default=5.0, help="mean seconds a clerk thinks between two steps")
    args = parser.parse_args()
    set_up()
    from bangun import build
    from django.db import connections

    from registry.kepatuhan import drift, misplaced
    from tests import juru

    started = time.perf_counter()
    shape = build(args.pegawai)
    team = clerks(args.juru, shape)
    sessions = {name: juru.session_cookie(user) for name, user, _, _ in team}
    roles = ", ".join(f"{sum(n.startswith(r) for n, *_ in team)} {r}" for r in ROLES)
    print(f"{args.pegawai:,} pegawai dimuat dalam {time.perf_counter() - started:.0f} s; "
          f"{args.pikir:g} s berpikir rata-rata di antara dua langkah; {args.juru} juru: {roles}", flush=True)
    connections.close_all()
    port = free_port()
    server = serve(port)
    base = f"http://127.0.0.1:{port}"
    try:
        with multiprocessing.get_context("spawn").Pool(args.juru) as pool:
            runs = [pool.apply_async(juru.run_clerk,
                                     (base, sessions[name], name, world, mix, args.detik, n, args.pikir))
                    for n, (name, _, world, mix) in enumerate(team)]
            results = [run.get(timeout=args.detik + 900) for run in runs]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        server.log.seek(0)
        output = server.log.read()
    by_page, errors, written = defaultdict(list), [], 0
    for log, done, errs in results:
        written += len(done)
        errors += errs
        for page, method, status, seconds in log:
            by_page[page].append(seconds)
    total = sum(len(v) for v in by_page.values())
    print(f"\n{total:,} permintaan dalam {args.detik} s ({total / args.detik:.1f}/s), {written} tulisan berhasil, "
          f"{len(errors)} galat; {output.count('kalah dalam konflik')} transaksi diulang setelah konflik")
    print(f"\n{'halaman':32} {'n':>6} {'p50':>8} {'p95':>8} {'p99':>8}")
    missed = []
    for page, times in sorted(by_page.items()):
        p50, p95, p99 = statistics.median(times), percentile(times, 0.95), percentile(times, 0.99)
        print(f"{page:32} {len(times):6} {p50 * 1000:6.0f}ms {p95 * 1000:6.0f}ms {p99 * 1000:6.0f}ms")
        if p95 > P95_TARGET:
            missed.append(f"{page}: p95 {p95 * 1000:.0f} ms > {P95_TARGET * 1000:.0f} ms")
    for error in errors[:20]:
        print(f"GALAT: {error}")
    differing, first, units = drift()
    misplaced_rows = misplaced()
    print(f"\nperiksa_kepatuhan: {differing} pegawai berbeda, {len(units)} unit berbeda, "
          f"{misplaced_rows} baris salah unit")
    if errors:
        missed.append(f"{len(errors)} galat")
    if differing or units or misplaced_rows:
        missed.append("keadaan tersimpan tidak benar")
    connections.close_all()
    recreate(SCRATCH, create=False)
    print("\n" + ("\n".join(f"MELESET: {m}" for m in missed) if missed else "Semua target terpenuhi."))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
