"""Import and export speed, as ratios to plain baselines measured in the same run.

    .venv/bin/python bench/import_bench.py [--rows 50000] [--export-rows 100000]

Runs on a fresh SQLite database in a temporary folder. Absolute times drift
on a shared machine; the ratios are what the targets (README, issue 3) are
about:

- Pegawai, admin flow (upload + preview, then confirm, through the test
  client) vs python-calamine parse + dict lookup + bulk_create;
- the same file again (every row unchanged) vs the same baseline;
- accounts in wide form vs their own parse + lookup + bulk_create baseline;
- export of N Pegawai to .xlsx through the admin vs a raw openpyxl
  write-only writer of the same rows, and the export's peak Python memory
  at N/5 and N rows.
"""

import argparse
import io
import sys
import tempfile
import time
import tracemalloc

import harness  # first: sets up Django on a fresh database

import openpyxl
import python_calamine
from django.contrib.auth.models import User
from django.urls import reverse

from registry.models import AkunMedsos, Instansi, Pegawai

UNITS = 40


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def nip(i):
    # A valid PNS NIP, unique for i < lcm(40, 28, 12, 2, 999) = 279,720.
    year, day = 1960 + i % 40, 1 + i % 28
    return f"{year}01{day:02d}{year + 25}{1 + i % 12:02d}{1 + i % 2}{1 + i % 999:03d}"


def make_units():
    root = Instansi.objects.create(kode="PEMDA", nama="Pemerintah Kabupaten Bench")
    return [Instansi.objects.create(kode=f"OPD{u}", nama=f"Dinas Nomor {u}", induk=root) for u in range(UNITS)]


def pegawai_file(rows):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["DAFTAR NOMINATIF PEGAWAI"])
    sheet.append(["NIP", "NAMA", "JABATAN", "UNIT KERJA", "STATUS"])
    for i in range(rows):
        sheet.append([nip(i), f"Pegawai Nomor {i}", "Staf Pelaksana", f"Dinas Nomor {i % UNITS}", "PNS"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def accounts_file(nips):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["Timestamp", "NIP", "Akun Instagram", "Akun TikTok"])
    for i, number in enumerate(nips):
        sheet.append(["2026/11/01", number, f"https://www.instagram.com/pegawai.{i}/", f"@pegawai_{i}"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def baseline_pegawai(data):
    units = {u.nama: u.pk for u in Instansi.objects.all()}
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    rows = sheet.to_python()[2:]
    Pegawai.objects.bulk_create(
        Pegawai(nip=r[0], nama=r[1], jabatan=r[2], instansi_id=units[r[3]], status_kepegawaian="PNS")
        for r in rows
    )


def baseline_accounts(data):
    owners = dict(Pegawai.objects.values_list("nip", "pk"))
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    accounts = []
    for r in sheet.to_python()[1:]:
        accounts.append(AkunMedsos(platform="instagram", username=r[2].rstrip("/").rsplit("/", 1)[1], pegawai_id=owners[r[1]]))
        accounts.append(AkunMedsos(platform="tiktok", username=r[3][1:], pegawai_id=owners[r[1]]))
    AkunMedsos.objects.bulk_create(accounts)


def admin_import(client, model, name, data):
    upload = io.BytesIO(data)
    upload.name = name
    preview = client.post(reverse(f"admin:registry_{model}_import"), {"berkas": upload})
    assert preview.status_code == 200, preview.content[:300]
    counts = preview.context["counts"]
    assert counts["ditolak"] == 0, preview.context["rejected"][:5]
    record = preview.context["record"].pk
    # A server lets go of the preview's response before the confirm comes;
    # the test client's would otherwise count in the confirm's memory.
    del preview
    done = client.post(reverse(f"admin:registry_{model}_process_import"), {"impor": record})
    assert done.status_code == 302
    return counts


def admin_export(client, query=""):
    fields = ["nip", "nik", "nama", "jabatan", "kode_instansi", "instansi", "status", "aktif", "kepatuhan"]
    data = {"format": "0", "resource": "0", **{f"pegawairesource_{f}": "on" for f in fields}}
    response = client.post(reverse("admin:registry_pegawai_export") + query, data)
    return sum(len(chunk) for chunk in response.streaming_content)


def raw_export(rows):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["NIP", "NIK", "NAMA", "JABATAN", "KODE INSTANSI", "INSTANSI", "STATUS", "AKTIF", "KEPATUHAN"])
    for row in rows:
        sheet.append(row)
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)


def peak_memory(function):
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50000)
    parser.add_argument("--export-rows", type=int, default=100000)
    args = parser.parse_args()

    make_units()
    admin = User.objects.create_superuser("bench", password="x")
    client = harness.client(admin)
    results = []

    data = pegawai_file(args.rows)
    base, _ = timed(lambda: baseline_pegawai(data))
    Pegawai.objects.all().delete()
    flow, counts = timed(lambda: admin_import(client, "pegawai", "pegawai.xlsx", data))
    assert counts["baru"] == args.rows, counts
    again, counts = timed(lambda: admin_import(client, "pegawai", "pegawai.xlsx", data))
    assert counts["tetap"] == args.rows, counts
    results += [
        (f"{args.rows:,} Pegawai, admin preview + confirm", flow, base, 3.0),
        (f"{args.rows:,} Pegawai again, all unchanged", again, base, 3.0),
    ]

    nips = list(Pegawai.objects.order_by("pk").values_list("nip", flat=True))
    data = accounts_file(nips)
    base, _ = timed(lambda: baseline_accounts(data))
    AkunMedsos.objects.all().delete()
    flow, counts = timed(lambda: admin_import(client, "akunmedsos", "akun.xlsx", data))
    assert counts["baru"] == len(nips), counts
    results.append((f"{len(nips):,} rows of accounts, wide form (2 per row)", flow, base, 3.0))

    extra = args.export_rows - Pegawai.objects.count()
    if extra > 0:
        units = list(Instansi.objects.filter(induk__isnull=False).values_list("pk", flat=True))
        Pegawai.objects.bulk_create(
            Pegawai(nip=None, nik=f"16710112038{i:05d}"[:16], nama=f"Honorer {i}", instansi_id=units[i % UNITS],
                    status_kepegawaian="NON_ASN")
            for i in range(1, extra + 1)
        )
    rows = [
        [r[0], r[1], r[2], r[3], r[4], r[5], r[6], "Ya", "Belum punya akun"]
        for r in Pegawai.objects.values_list(
            "nip", "nik", "nama", "jabatan", "instansi__kode", "instansi__nama", "status_kepegawaian"
        )
    ]
    base, _ = timed(lambda: raw_export(rows))
    ours, size = timed(lambda: admin_export(client))
    results.append((f"export {len(rows):,} Pegawai to .xlsx ({size / 1e6:.1f} MB)", ours, base, 1.5))

    one_unit = Instansi.objects.get(kode="OPD0")
    small_rows = Pegawai.objects.filter(instansi=one_unit).count()
    small_peak = peak_memory(lambda: admin_export(client, f"?instansi={one_unit.pk}"))
    full_peak = peak_memory(lambda: admin_export(client))

    print(f"\n{'case':58} {'ours':>8} {'baseline':>9} {'ratio':>6} {'target':>7}")
    failed = False
    for name, ours, base, target in results:
        ratio = ours / base
        failed |= ratio > target
        print(f"{name:58} {ours:7.2f}s {base:8.2f}s {ratio:5.2f}x {'≤' + str(target) + 'x':>7}"
              f"{'' if ratio <= target else '  MISSED'}")
    print(f"\nexport peak Python memory: {small_peak / 1e6:.1f} MB for {small_rows:,} rows, "
          f"{full_peak / 1e6:.1f} MB for {len(rows):,} rows")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
