"""Official accounts' activity at a province's scale (issue 19), on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/registri \\
        .venv/bin/python bench/posting_bench.py [--sizes 700 7036] [--repeat 5] [--keep]

For each size, a scratch database (registri_posting_bench) gets the
province's tree (bangun.py's shape, 7,036 units, 10,000 staff) and one
official Instagram account per unit for the first N units, each with two
years of posts at three a day (15.4 million at 7,036), loaded with one
INSERT … SELECT on the server. One account in ten went quiet 10 to 40 days
ago, one in twenty has never had data. Then, as a Verifikator, the operator
of one OPD and the operator of one regency: the official account's page
(figures, 90-day strip, weeks), every account's figures for the month,
the two activity lists, their print and Excel, the posts' list; and the preview of a five-year Instagram export of
one account (5,475 posts) through the upload page. It prints the p50 of
each at both sizes and their growth, and the targets it missed (pages
≤ 300 ms and ≤ 1.5× from the smallest to the largest; the preview ≤ 2 s).
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import time

from gudang import database_url, recreate, require_postgresql

require_postgresql("posting_bench")
SCRATCH = "registri_posting_bench"
recreate(SCRATCH)
os.environ["BENCH_DATABASE_URL"] = database_url(SCRATCH)

import harness  # noqa: E402  (after the scratch database exists)
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bangun import build, bulk_load, copy, personas, reset_sequences  # noqa: E402
from registry.models import AkunMedsos, Impor, Instansi  # noqa: E402

PAGE_TARGET, GROWTH_TARGET, PREVIEW_TARGET = 0.300, 1.5, 2.0
STAFF = 10000
DAYS, PER_DAY, EXPORT_DAYS = 730, 3, 1825


def load_posts(accounts):
    """One Instagram account per unit for the first ``accounts`` units, and their posts."""
    now = timezone.now()
    first = AkunMedsos.objects.order_by("-pk").values_list("pk", flat=True).first() + 1
    units = list(Instansi.objects.order_by("pk").values_list("pk", flat=True)[:accounts])
    copy("registry_akunmedsos",
         ["id", "platform", "username", "instansi_id", "wajib_diikuti", "dibuat_pada", "target_jenis",
          "unit_pemilik_id"],
         ((first + n, "instagram", f"unit{unit}.resmi", unit, False, now, "UNGGAHAN", unit)
          for n, unit in enumerate(units)))
    reset_sequences("registry_akunmedsos")
    started = time.perf_counter()
    with bulk_load("registry_posting"), connection.cursor() as cursor:
        # Every tenth account stopped 10 to 40 days ago; every twentieth has no data.
        cursor.execute(
            """
            INSERT INTO registry_posting (akun_id, waktu, jenis, tautan, judul, dicatat_pada)
            SELECT a.id, %(now)s - make_interval(hours => (g * (24 / %(per_day)s))::int)
                              - make_interval(days => (CASE WHEN a.id %% 10 = 3 THEN 10 + a.id %% 31 ELSE 0 END)::int),
                   CASE WHEN g %% 3 = 0 THEN 'REELS' ELSE 'FEED' END, '', '', %(now)s
            FROM registry_akunmedsos a CROSS JOIN generate_series(1, %(posts)s) g
            WHERE a.id >= %(first)s AND a.id %% 20 <> 7
            """,
            {"now": now, "per_day": PER_DAY, "posts": DAYS * PER_DAY, "first": first},
        )
        posts = cursor.rowcount
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE registry_akunmedsos a SET posting_terakhir = p.terakhir, data_posting_diunggah = %s
            FROM (SELECT akun_id, max(waktu) AS terakhir FROM registry_posting GROUP BY akun_id) p
            WHERE p.akun_id = a.id
            """, [now])
        cursor.execute("VACUUM ANALYZE")
    return first, posts, time.perf_counter() - started


def pages(shape):
    own = AkunMedsos.objects.get(instansi_id=shape["opd"], username=f"unit{shape['opd']}.resmi")
    return [
        ("Halaman akun resmi (keaktifan)", reverse("admin:registry_akunmedsos_statistik", args=[own.pk]), {}),
        ("Halaman akun resmi, satu tahun", reverse("admin:registry_akunmedsos_statistik", args=[own.pk]),
         {"dari": (timezone.localdate() - datetime.timedelta(days=365)).isoformat()}),
        ("Keaktifan per periode (bulan ini)", reverse("admin:registry_akunmedsos_keaktifan_periode"),
         {"dari": timezone.localdate().replace(day=1).isoformat()}),
        ("Akun resmi tidak aktif", reverse("admin:registry_akunmedsos_keaktifan", args=["tidak-aktif"]), {}),
        ("Belum ada data", reverse("admin:registry_akunmedsos_keaktifan", args=["belum-ada-data"]), {}),
        ("Cetak tidak aktif", reverse("admin:registry_akunmedsos_keaktifan_cetak", args=["tidak-aktif"]), {}),
        ("Unduh tidak aktif", reverse("admin:registry_akunmedsos_keaktifan_unduh", args=["tidak-aktif"]), {}),
        ("Posting: daftar", reverse("admin:registry_posting_changelist"), {}),
        ("Posting: saring jenis", reverse("admin:registry_posting_changelist"), {"jenis__exact": "REELS"}),
    ], own


def five_years(official):
    """An Instagram posts_1.json of ``official``: three posts a day for five years, as Instagram writes it."""
    now = int(time.time())
    posts = [{"media": [{"uri": f"media/posts/{i}.jpg", "creation_timestamp": now - i * 28800 - 3600,
                         "title": f"Kegiatan {i}"}]} for i in range(EXPORT_DAYS * PER_DAY)]
    return json.dumps(posts).encode()


def time_preview(client, official, repeat):
    data = five_years(official)
    url = reverse("admin:registry_akunmedsos_posting", args=[official.pk])
    times = []
    for _ in range(repeat):
        upload = SimpleUploadedFile("posts_1.json", data)
        started = time.perf_counter()
        response = client.post(url, {"berkas": upload})
        times.append(time.perf_counter() - started)
        assert response.status_code == 200 and response.context["result"].new, response.status_code
    Impor.objects.all().delete()
    return statistics.median(times), len(data)


def measure(accounts, repeat):
    started = time.perf_counter()
    shape = build(STAFF)
    first, posts, loaded = load_posts(accounts)
    print(f"\n{accounts:,} akun resmi: {posts:,} posting dimuat dalam {loaded:.0f} s "
          f"(seluruhnya {time.perf_counter() - started:.0f} s)", flush=True)
    results = {}
    people = personas(shape)
    for label, user in people.items():
        client = harness.client(user)
        listed, own = pages(shape)
        for name, url, query in listed:
            results[(name, label)] = harness.time_page(client, url, query, repeat)[0]
    seconds, size = time_preview(harness.client(people["Operator OPD"]), own, repeat)
    results[(f"Pratinjau ekspor 5 tahun ({EXPORT_DAYS * PER_DAY:,} posting, {size // 1024:,} KB)",
             "Operator OPD")] = seconds
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[700, 7036])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true",
                        help=f"leave the last registry in {SCRATCH}, to read query plans (EXPLAIN ANALYZE)")
    args = parser.parse_args()
    by_size = {}
    try:
        for n, accounts in enumerate(args.sizes):
            if n:
                connection.close()
                recreate(SCRATCH)
                call_command("migrate", verbosity=0)
            by_size[accounts] = measure(accounts, args.repeat)
    finally:
        connection.close()
        if not args.keep:
            recreate(SCRATCH, create=False)

    small, large = args.sizes[0], args.sizes[-1]
    print(f"\n{'kasus':58} {'persona':20} {f'p50 {small:,}':>11} {f'p50 {large:,}':>11} {'tumbuh':>7}")
    missed = []
    for (name, persona), seconds in by_size[large].items():
        before = by_size[small][(name, persona)]
        growth = seconds / before
        print(f"{name:58} {persona:20} {before * 1000:9.0f}ms {seconds * 1000:9.0f}ms {growth:6.2f}x")
        if name.startswith("Pratinjau"):
            if seconds > PREVIEW_TARGET:
                missed.append(f"{name}: {seconds:.1f} s > {PREVIEW_TARGET:.0f} s")
            continue
        # A print and a download grow with their list; the pages must not.
        if not name.startswith(("Cetak", "Unduh")) and growth > GROWTH_TARGET:
            missed.append(f"{name} ({persona}): tumbuh {growth:.2f}x > {GROWTH_TARGET}x")
        if not name.startswith(("Cetak", "Unduh")) and seconds > PAGE_TARGET:
            missed.append(f"{name} ({persona}): {seconds * 1000:.0f} ms > {PAGE_TARGET * 1000:.0f} ms")
    print("\n" + ("\n".join(f"MELESET: {m}" for m in missed) if missed else "Semua target terpenuhi."))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
