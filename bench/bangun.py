"""A province's registry, loaded with COPY on PostgreSQL, for the benchmarks
that need one at scale (skala_bench.py, beban.py). Import harness first.

The shape (issue 8): a root, regencies × OPD × sub-units; 30 % of
employees with no account, the others two or three; latest results mixed;
required official accounts at the root (Instagram, TikTok) and at every
fifth OPD (Instagram); half the valid accounts follow what they must; 0.3
verifications per employee.
"""

import contextlib
import datetime
import time

from django.contrib.auth.models import Group, User
from django.db import connection
from django.utils import timezone

from registry.kemajuan import record_day
from registry.kepatuhan import refresh_all
from registry.models import Hitungan, Instansi, draw
from registry.sebaran import refresh_all_spread

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


@contextlib.contextmanager
def bulk_load(table):
    """Load ``table`` as a bulk loader does: its unique constraints and
    indexes (but the primary key) dropped and built again after, and its
    foreign-key triggers off while the rows, generated consistent, go in.
    Tens of millions of rows otherwise insert into indexes larger than the
    cache, and queue a deferred check per row and key in memory."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE conrelid = %s::regclass AND contype = 'u'", [table])
        constraints = cursor.fetchall()
        for name, _ in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT LIKE "
                       "'%%pkey'", [table])
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER ALL")
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for _, definition in indexes:
                cursor.execute(definition)
            for name, definition in constraints:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            cursor.execute("RESET maintenance_work_mem")


def reset_sequences(*tables):
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


def personas(shape):
    """The users the benchmarks time pages as: a Verifikator, the operator of
    one OPD and the operator of one regency of the built ``shape``."""
    vina = User.objects.create_user("vina.verifikator", is_staff=True)
    vina.groups.add(Group.objects.get(name="Verifikator BKD"))
    people = {"Verifikator": vina}
    for label, unit in [("Operator OPD", shape["opd"]), ("Operator kabupaten", shape["regency"])]:
        user = User.objects.create_user(f"operator.{unit}", is_staff=True)
        user.groups.add(Group.objects.get(name="Operator OPD"))
        Instansi.objects.get(pk=unit).operator.add(user)
        people[label] = user
    return people


def build(employees, shape="provinsi", spreading=False):
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
    built = {"units": len(units), "accounts": len(accounts), "follows": len(follows), "checks": len(checks),
             "refresh_all": stored, "regency": regencies[0], "opd": opds[0]}
    if spreading:
        built.update(build_spreading(employees, leaves, opds, opd_of, opd_ig, accounts, len(officials)))
    return built


def build_spreading(employees, leaves, opds, opd_of, opd_ig, accounts, officials):
    """Issue 18's shape: 60 contents of the root's Instagram over the last two
    months, bound to everyone, and one content per OPD (from its official
    account; an OPD without one gets an official account that no one must
    follow, so compliance is as before); 60 % of staff spread each content
    they are bound by, four in five on time. Proofs are loaded with COPY with
    what the write paths would have stored (count, unit, draw); then
    ``refresh_all_spread`` proves it and builds every count and sample."""
    today = timezone.localdate()
    now = timezone.now()
    next_official = officials + len(accounts) + 1
    extra = []
    for opd in opds:
        if opd not in opd_ig:
            extra.append((next_official, "instagram", f"opd.{opd}", opd, False))
            opd_ig[opd] = next_official
            next_official += 1
    copy("registry_akunmedsos", ["id", "platform", "username", "pegawai_id", "instansi_id", "wajib_diikuti",
                                 "dibuat_pada"],
         ((pk, platform, name, None, unit, wajib, now) for pk, platform, name, unit, wajib in extra))
    contents = []
    for n in range(60):
        terbit = today - datetime.timedelta(days=59 - n)
        contents.append((n + 1, 1, 1, f"CkontenProv{n:04d}", terbit))
    for opd in opds:
        terbit = today - datetime.timedelta(days=opd % 50)
        contents.append((len(contents) + 1, opd_ig[opd], opd, f"CkontenOpd{opd:05d}", terbit))
    copy("registry_konten",
         ["id", "akun_id", "platform", "kode", "tautan", "judul", "terbit", "batas", "wajib", "unit_pemilik_id",
          "tepat", "terlambat", "bukti_masuk", "dibuat_pada"],
         ((pk, akun, "instagram", f"p/{kode}", f"https://www.instagram.com/p/{kode}/", f"Konten {kode}", terbit,
           terbit + datetime.timedelta(days=3), True, unit, 0, 0, 0, now)
          for pk, akun, unit, kode, terbit in contents))
    root_contents = contents[:60]
    opd_content = {unit: (pk, terbit) for pk, _, unit, _, terbit in contents[60:]}
    first_account = {}
    valid = set()
    for pk, platform, _, owner, result, _, _ in accounts:
        first_account.setdefault(owner, pk)
        if result == "VALID":
            valid.add(pk)

    latest = now - datetime.timedelta(hours=1)

    def proofs():
        pk = 0
        for i in range(employees):
            akun = first_account.get(i + 1)
            if akun is None:
                continue
            unit = leaves[i % len(leaves)]
            active = i % 50 != 0
            bound = [(k, terbit) for k, _, _, _, terbit in root_contents] + [opd_content[opd_of[unit]]]
            for konten, terbit in bound:
                # 60 % of all staff; only the 70 % with an account can.
                if (i * 7 + konten * 13) % 70 >= 60:
                    continue
                pk += 1
                waktu = min(latest, datetime.datetime.combine(
                    terbit + datetime.timedelta(days=5 if (i + konten) % 5 == 0 else 1), datetime.time(9),
                    tzinfo=datetime.timezone.utc))
                counted = None
                if active and akun in valid:
                    late = timezone.localtime(waktu).date() > terbit + datetime.timedelta(days=3)
                    counted = Hitungan.TERLAMBAT if late else Hitungan.TEPAT
                yield (pk, konten, i + 1, akun, f"https://www.instagram.com/stories/p{i}/{pk}/", "instagram",
                       f"stories/{pk}", "", waktu, "IMPOR", "BELUM_DIPERIKSA", "", unit, counted,
                       draw(konten, i + 1), False, now)

    started = time.perf_counter()
    with bulk_load("registry_buktisebar"):
        copy("registry_buktisebar",
             ["id", "konten_id", "pegawai_id", "akun_id", "tautan", "platform", "kode", "bukti", "waktu", "sumber",
              "hasil", "catatan", "unit_pemilik_id", "hitungan", "acak", "sampel", "dibuat_pada"],
             proofs())
    reset_sequences("registry_akunmedsos", "registry_konten", "registry_buktisebar")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM registry_buktisebar")
        loaded = cursor.fetchone()[0]
    copied = time.perf_counter() - started
    started = time.perf_counter()
    refresh_all_spread()
    recounted = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"contents": len(contents), "proofs": loaded, "proofs_copy": copied, "refresh_all_spread": recounted,
            "konten": 60, "opd_konten": opd_content[opds[0]][0]}
