"""Evaluation, recap, print and follower-list speed on a large registry.

    .venv/bin/python bench/laporan_bench.py [--employees 100000]

Builds a fresh SQLite database in a temporary folder: a regency of 400
units on three levels, N employees of whom most have accounts in every
compliance state, two official accounts to follow. Then times, through the
admin as a Verifikator would use it:

- the rekap of the whole regency, on screen;
- the first page of the "all non-compliant" evaluation list;
- the printed list of one dinas (about 5,000 rows);
- matching a follower list of 100,000 names against the registered accounts.

It prints figures, not ratios: there is no baseline to compare with. The
README records them; targets for 1,000,000 employees on PostgreSQL follow
in a later issue.
"""

import argparse
import time

import harness  # first: sets up Django on a fresh database

from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry import followers
from registry.models import AkunMedsos, Instansi, Pegawai

PRINTED = 5000


def timed(function):
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = function()
    return time.perf_counter() - start, len(queries), result


def build(employees):
    root = Instansi.objects.create(kode="PEMDA", nama="Pemerintah Provinsi Bench")
    dinas = [Instansi.objects.create(kode=f"D{d}", nama=f"Dinas {d}", induk=root) for d in range(20)]
    units = [Instansi.objects.create(kode=f"D{d}-U{u}", nama=f"UPTD {d}.{u}", induk=dinas[d])
             for d in range(20) for u in range(19)]
    humas = AkunMedsos.objects.create(platform="instagram", username="humas.bench", instansi=root, wajib_diikuti=True)
    dinas_ig = AkunMedsos.objects.create(platform="instagram", username="dinas0.bench", instansi=dinas[0],
                                         wajib_diikuti=True)
    # Dinas 0 and its units hold PRINTED employees with no account: the
    # printed list. Everyone else is spread over the other units.
    printed = [dinas[0], *(u for u in units if u.induk_id == dinas[0].pk)]
    places = [u for u in [*dinas, *units] if u not in printed]
    staff = [
        # A valid-shaped NIK, unique for i < 999,900.
        Pegawai(nik=f"3273{(i // 9999) % 100:02d}010190{i % 9999 + 1:04d}",
                nama=f"Pegawai {i:06d}", status_kepegawaian="NON_ASN",
                instansi=printed[i % len(printed)] if i < PRINTED else places[i % len(places)])
        for i in range(employees)
    ]
    Pegawai.objects.bulk_create(staff, batch_size=2000)
    # Three in four of the others have an account; most are checked, most follow.
    accounts = [
        AkunMedsos(platform="instagram", username=f"pegawai.{p.pk}", pegawai_id=p.pk,
                   hasil_terakhir=None if p.pk % 5 == 0 else "VALID")
        for p in Pegawai.objects.exclude(instansi__in=printed).only("pk").iterator() if p.pk % 4
    ]
    AkunMedsos.objects.bulk_create(accounts, batch_size=2000)
    through = AkunMedsos.mengikuti.through
    follows = [through(from_akunmedsos_id=a.pk, to_akunmedsos_id=humas.pk)
               for a in AkunMedsos.objects.filter(pegawai__isnull=False).only("pk") if a.pk % 3]
    through.objects.bulk_create(follows, batch_size=5000)
    return root, dinas, humas, dinas_ig


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=100000)
    parser.add_argument("--followers", type=int, default=100000)
    args = parser.parse_args()

    start = time.perf_counter()
    root, dinas, humas, _ = build(args.employees)
    print(f"built {Pegawai.objects.count():,} employees, {AkunMedsos.objects.count():,} accounts "
          f"in {time.perf_counter() - start:.1f}s")

    user = User.objects.create_user("verifikator", is_staff=True)
    user.groups.add(Group.objects.get(name="Verifikator BKD"))
    client = harness.client(user)

    def get(url, params=None):
        response = client.get(url, params or {})
        assert response.status_code == 200, response.status_code
        return response

    results = []
    results.append(("rekap, whole regency (20 dinas rows)",
                    *timed(lambda: get(reverse("admin:registry_rekap"), {"instansi": root.pk}))))
    results.append(("evaluation list, all non-compliant, page 1",
                    *timed(lambda: get(reverse("admin:registry_evaluasi", args=["tidak-patuh"])))))
    printed = get(reverse("admin:registry_evaluasi_cetak", args=["belum-punya-akun"]), {"instansi": dinas[0].pk})
    rows = printed.content.count(b"<tr>") - 1
    results.append((f"print view, belum punya akun in one dinas ({rows:,} rows)",
                    *timed(lambda: get(reverse("admin:registry_evaluasi_cetak", args=["belum-punya-akun"]),
                                       {"instansi": dinas[0].pk}))))
    registered = list(AkunMedsos.objects.filter(pegawai__isnull=False).values_list("username", flat=True))
    names = set(registered[: args.followers // 2]) | {f"warga.{i}" for i in range(args.followers - args.followers // 2)}
    found = followers.FollowerList(names, 0)
    seconds, queries, result = timed(lambda: followers.match(humas, found))
    results.append((f"match a {len(names):,}-name follower list", seconds, queries, result))
    seconds_apply, queries_apply, _ = timed(lambda: followers.apply(humas, found, user, "bench",
                                                                    units=followers.changed_units(result)))
    results.append((f"apply it ({len(result.to_add):,} follows added, {len(result.to_remove):,} removed)",
                    seconds_apply, queries_apply, None))

    print(f"\n{'case':75} {'seconds':>8} {'queries':>8}")
    for name, seconds, queries, _ in results:
        print(f"{name:75} {seconds:8.2f} {queries:8d}")


if __name__ == "__main__":
    main()
