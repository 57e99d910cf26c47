"""A province's registry, loaded with COPY on PostgreSQL, for the benchmarks
that need one at scale (skala_bench.py, beban.py). Import harness first.

The shape (issue 8): a root, regencies × OPD × sub-units; 30 % of
employees with no account, the others two or three; latest results mixed;
required official accounts at the root (Instagram, TikTok) and at every
fifth OPD (Instagram); half the valid accounts follow what they must; 0.3
verifications per employee.
"""

import datetime
import time

from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from registry.kemajuan import record_day
from registry.kepatuhan import refresh_all

# The tree: regencies × OPD × sub-units under one root. "provinsi" is issue
# 8's shape (7,036 units); "kabupaten" the second, independent shape issue 15
# measured the regency operator's Beranda on (30 × 12 × 4: 1,831 units, five
# times the staff per unit).
SHAPES = {"provinsi": (35, 40, 4), "kabupaten": (30, 12, 4)}
PLATFORMS = ["instagram", "tiktok", "facebook"]


def nip(i):
    """A well-formed PNS NIP, unique per i; TMT 22 years after birth, so it
    never meets import_bench's (25 years)."""
    year = 1960 + i % 40
    return (f"{year}{1 + i // 40 % 12:02d}{1 + i // 480 % 28:02d}{year + 22}{1 + i // 13440 % 12:02d}"
            f"{1 + i // 161280 % 2}{1 + i // 322560 % 999:03d}")


def copy(table, columns, rows):
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as stream:
            for row in rows:
                stream.write_row(row)


def reset_sequences(*tables):
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


def build(employees, shape="provinsi"):
    """The registry, loaded with COPY; then what every write path keeps stored."""
    regencies_n, opds_n, subunits_n = SHAPES[shape]
    now = timezone.now()
    units = [(1, "PROV", "Pemerintah Provinsi Bench", None, "000001/")]
    regencies, opds, leaves = [], [], []
    for r in range(regencies_n):
        pk = len(units) + 1
        units.append((pk, f"KAB{r}", f"Pemerintah Kabupaten {r}", 1, f"000001/{pk:06d}/"))
        regencies.append(pk)
        for o in range(opds_n):
            opd = len(units) + 1
            # Regency 0's OPDs carry the names import_bench's file uses.
            name = f"Dinas Nomor {o}" if r == 0 else f"Dinas {o} Kabupaten {r}"
            units.append((opd, f"K{r}-D{o}", name, pk, f"{units[pk - 1][4]}{opd:06d}/"))
            opds.append(opd)
            leaves.append(opd)
            for s in range(subunits_n):
                sub = len(units) + 1
                units.append((sub, f"K{r}-D{o}-U{s}", f"UPTD {s} Dinas {o} Kabupaten {r}", opd,
                              f"{units[opd - 1][4]}{sub:06d}/"))
                leaves.append(sub)
    copy("registry_instansi",
         ["id", "kode", "nama", "singkatan", "induk_id", "aktif", "kepala_jabatan", "kepala_nama", "kepala_nip",
          "jalur"],
         ((pk, kode, nama, "", induk, True, "", "", "", jalur) for pk, kode, nama, induk, jalur in units))
    path = {pk: jalur for pk, _, _, _, jalur in units}
    opd_of = {leaf: int(path[leaf].split("/")[2]) for leaf in leaves}

    statuses = ["PNS"] * 12 + ["PPPK"] * 4 + ["PPPK_PW"] + ["NON_ASN"] * 3
    copy("registry_pegawai",
         ["id", "nip", "nik", "nama", "jabatan", "instansi_id", "status_kepegawaian", "aktif", "dibuat_pada",
          "diubah_pada"],
         ((i + 1, None if statuses[i % 20] == "NON_ASN" else nip(i),
           f"32{i:014d}" if statuses[i % 20] == "NON_ASN" else None, f"Pegawai {i:07d}", "Staf",
           leaves[i % len(leaves)], statuses[i % 20], i % 50 != 0, now, now)
          for i in range(employees)))

    # Official accounts first: ids 1.., then employees' accounts.
    officials = [(1, "instagram", "humas.prov", 1, True), (2, "tiktok", "humas.prov", 1, True),
                 (3, "facebook", "pemprov.bench", 1, False)]
    opd_ig = {}
    for n, opd in enumerate(opds[::5]):
        officials.append((len(officials) + 1, "instagram", f"dinas.{opd}", opd, True))
        opd_ig[opd] = len(officials)
    copy("registry_akunmedsos",
         ["id", "platform", "username", "pegawai_id", "instansi_id", "wajib_diikuti", "dibuat_pada"],
         ((pk, platform, name, None, unit, wajib, now) for pk, platform, name, unit, wajib in officials))

    results = ["VALID"] * 6 + ["TIDAK_DITEMUKAN", "BUKAN_MILIK", None, None]
    accounts, follows, checks = [], [], []
    pk = len(officials)
    for i in range(employees):
        if i % 10 < 3:
            continue
        for platform in PLATFORMS[: 3 if i % 7 == 0 else 2]:
            pk += 1
            result = results[(i + len(platform)) % 10]
            accounts.append((pk, platform, f"p{i}.{platform[:2]}", i + 1, result, now if result else None, now))
            if result and len(checks) < employees * 3 // 10:
                checks.append((pk, now, result))
            if result == "VALID" and i % 4 < 2:
                if platform == "instagram":
                    follows.append((pk, 1))
                    opd = opd_of[leaves[i % len(leaves)]]
                    if opd in opd_ig:
                        follows.append((pk, opd_ig[opd]))
                elif platform == "tiktok":
                    follows.append((pk, 2))
    copy("registry_akunmedsos",
         ["id", "platform", "username", "pegawai_id", "wajib_diikuti", "hasil_terakhir", "diverifikasi_pada",
          "dibuat_pada"],
         ((pk, platform, name, owner, False, result, when, created)
          for pk, platform, name, owner, result, when, created in accounts))
    copy("registry_akunmedsos_mengikuti", ["from_akunmedsos_id", "to_akunmedsos_id"], follows)
    checker = User.objects.create_user("pemeriksa.bench")
    copy("registry_verifikasi", ["akun_id", "waktu", "pemeriksa_id", "hasil", "sumber", "catatan", "bukti"],
         ((akun, when, checker.pk, result, "MANUAL", "", "") for akun, when, result in checks))
    reset_sequences("registry_instansi", "registry_pegawai", "registry_akunmedsos")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    started = time.perf_counter()
    refresh_all()
    stored = time.perf_counter() - started
    record_day(timezone.localdate() - datetime.timedelta(days=7))
    record_day()
    with connection.cursor() as cursor:
        # refresh_all rewrote every employee: vacuum now, as autovacuum
        # would have long before a province's day, instead of during the
        # timings (it ran there, and doubled some pages at 1M).
        cursor.execute("VACUUM ANALYZE")
    return {"units": len(units), "accounts": len(accounts), "follows": len(follows), "checks": len(checks),
            "refresh_all": stored, "regency": regencies[0], "opd": opds[0]}
