"""Proofs of spreading imported from a sheet (issue 18), as ratios to a plain baseline measured in the same run.

    .venv/bin/python bench/sebaran_bench.py [--rows 50000] [--bad-rows 100000]

Runs on a fresh SQLite database in a temporary folder (bench/harness.py).
The registry: 40 OPD under a root with its official Instagram account and
a content of it; ``--rows`` employees, each with a valid Instagram account.
The file is a Google Form's answers in long form (NIP, the content's link,
the repost's link, the time), as an OPD collects them.

- the admin flow (upload + preview, then confirm, history recorded) vs
  python-calamine parse + dict look-ups + ``bulk_create`` of the proofs;
- the peak Python memory of the admin flow (upload and preview, then
  confirm) at a fifth of the rows and at all of them (flat in the file's
  size is the target);
- a preview of ``--bad-rows`` rows, one in ten bad in one of four ways,
  and whether every bad row is named with its reason.
"""

import argparse
import io
import sys

import harness  # first: sets up Django on a fresh database

import openpyxl
import python_calamine
from django.contrib.auth.models import User
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from import_bench import admin_import, nip, peak_memory, timed

from registry.models import AkunMedsos, BuktiSebar, Instansi, Konten, Pegawai, draw
from registry.sebaran import refresh_all_spread

UNITS = 40
KONTEN = "https://www.instagram.com/p/CbenchKonten1/"
RATIO = 3.0


def registry(employees):
    root = Instansi.objects.create(kode="PEMDA", nama="Pemerintah Kabupaten Bench")
    units = [Instansi.objects.create(kode=f"OPD{u}", nama=f"Dinas Nomor {u}", induk=root) for u in range(UNITS)]
    humas = AkunMedsos.objects.create(platform="instagram", username="humas.bench", instansi=root)
    Pegawai.objects.bulk_create(
        Pegawai(nip=nip(i), nama=f"Pegawai Nomor {i}", jabatan="Staf", instansi=units[i % UNITS],
                status_kepegawaian="PNS")
        for i in range(employees)
    )
    now = timezone.now()
    AkunMedsos.objects.bulk_create(
        AkunMedsos(platform="instagram", username=f"pegawai.{pk}", pegawai_id=pk, hasil_terakhir="VALID",
                   diverifikasi_pada=now)
        for pk in Pegawai.objects.values_list("pk", flat=True)
    )
    konten = Konten.objects.create(akun=humas, tautan=KONTEN, platform="instagram", kode="p/CbenchKonten1",
                                   judul="Konten bench", terbit=timezone.localdate())
    refresh_all_spread()
    return konten


def proof_file(rows, bad_every=0):
    """Long form; every ``bad_every``-th row bad in one of four ways."""
    staff = list(Pegawai.objects.order_by("pk").values_list("nip", "pk")[:rows])
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["Stempel waktu", "NIP", "Link konten", "Link repost"])
    when = timezone.localtime().strftime("%d/%m/%Y %H.%M.%S")
    for n, (number, pk) in enumerate(staff):
        link = f"https://www.instagram.com/stories/pegawai.{pk}/{3300000000000000000 + pk}/?igsh=MWx2bWRl"
        if bad_every and n % bad_every == bad_every - 1:
            kind = n // bad_every % 4
            if kind == 0:
                number = number[:14]  # a NIP cut short
            elif kind == 1:
                link = "https://www.instagram.com/humas.bench/"  # a profile, not a share
            elif kind == 2:
                link = f"https://www.instagram.com/stories/pegawai.{staff[n - 1][1]}/1{pk}/"  # someone else's
            else:
                link = "https://vt.tiktok.com/ZSbench1/"  # a short link
        sheet.append([when, number, KONTEN, link])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def baseline(data, konten):
    owners = dict(Pegawai.objects.values_list("nip", "pk"))
    accounts = dict(AkunMedsos.objects.filter(pegawai__isnull=False).values_list("pegawai_id", "pk"))
    units = dict(Pegawai.objects.values_list("pk", "instansi_id"))
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    proofs = []
    for row in sheet.to_python()[1:]:
        pk = owners[str(row[1])]
        link = row[3].split("?")[0]
        proofs.append(BuktiSebar(konten=konten, pegawai_id=pk, akun_id=accounts[pk], tautan=link,
                                 platform="instagram", kode="stories/" + link.rstrip("/").rsplit("/", 1)[1],
                                 sumber="IMPOR", unit_pemilik_id=units[pk], acak=draw(konten.pk, pk)))
    BuktiSebar.objects.bulk_create(proofs, batch_size=2000)


def clear():
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM registry_historicalbuktisebar")
    BuktiSebar.objects.all()._raw_delete(BuktiSebar.objects.db)
    refresh_all_spread()


def admin_flow(client, data):
    """Upload and preview, then confirm, as the clerk does (import_bench's flow)."""
    return admin_import(client, "buktisebar", "Jawaban formulir bukti sebar.xlsx", data)


def preview_only(client, data):
    upload = io.BytesIO(data)
    upload.name = "Jawaban formulir bukti sebar.xlsx"
    preview = client.post(reverse("admin:registry_buktisebar_import"), {"berkas": upload})
    assert preview.status_code == 200, preview.content[:300]
    return preview


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50000)
    parser.add_argument("--bad-rows", type=int, default=100000)
    args = parser.parse_args()

    konten = registry(max(args.rows, args.bad_rows))
    admin = User.objects.create_superuser("bench", password="x")
    client = harness.client(admin)

    data = proof_file(args.rows)
    base, _ = timed(lambda: baseline(data, konten))
    clear()
    flow, counts = timed(lambda: admin_flow(client, data))
    assert counts["baru"] == args.rows, counts
    stored = BuktiSebar.objects.filter(hitungan__isnull=False).count()
    assert stored == args.rows, stored
    again, counts = timed(lambda: admin_flow(client, data))
    assert counts["tetap"] == args.rows, counts

    # The files are made first: the peak is the import's, not the benchmark's.
    fifth = args.rows // 5
    small = proof_file(fifth)
    clear()
    small_peak = peak_memory(lambda: admin_flow(client, small))
    clear()
    full_peak = peak_memory(lambda: admin_flow(client, data))

    clear()
    bad = proof_file(args.bad_rows, bad_every=10)
    seconds, preview = timed(lambda: preview_only(client, bad))
    assert preview.context["counts"]["ditolak"] == args.bad_rows // 10, preview.context["counts"]
    shown = [f"baris {number}, {column}: {message}" for number, column, message in preview.context["rejected"]]
    download = client.get(reverse("admin:registry_buktisebar_import_rejected", args=[preview.context["record"].pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content) if download.streaming
                                              else download.content), read_only=True).active
    rows = list(sheet.values)
    reason = rows[0].index("Keterangan")
    named = sum(bool(row[reason]) for row in rows[1:])

    print(f"\n{'case':52} {'ours':>8} {'baseline':>9} {'ratio':>6} {'target':>7}")
    failed = False
    for name, ours in [(f"{args.rows:,} proofs, admin preview + confirm", flow),
                       (f"{args.rows:,} proofs again, all unchanged", again)]:
        ratio = ours / base
        failed |= ratio > RATIO
        print(f"{name:52} {ours:7.2f}s {base:8.2f}s {ratio:5.2f}x {'≤' + str(RATIO) + 'x':>7}"
              f"{'' if ratio <= RATIO else '  MISSED'}")
    print(f"\nimport peak Python memory: {small_peak / 1e6:.1f} MB for {fifth:,} rows, "
          f"{full_peak / 1e6:.1f} MB for {args.rows:,} rows")
    print(f"preview of {args.bad_rows:,} rows, {args.bad_rows // 10:,} bad: {seconds:.1f} s; "
          f"{named:,} of {len(rows) - 1:,} rows of the rejected file with a Keterangan; the first four:")
    for text in shown[:4]:
        print(f"  {text}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
