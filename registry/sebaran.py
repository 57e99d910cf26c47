"""Spreading official content (DESIGN §9): how a proof counts, and
everything stored so that figures never read proofs.

The invariant: after every write, inside the write's transaction,

- ``BuktiSebar.hitungan`` equals ``hitungan_expression()`` and
  ``BuktiSebar.unit_pemilik`` is the employee's unit, for every proof;
- ``Konten.unit_pemilik`` is its official account's unit;
- ``RekapSebaran`` counts the proofs of each content, unit and status;
- ``SebaranBulanan`` holds, per active employee and month, how many of the
  month's wajib contents they spread (counted proofs);
- ``RekapSebaranBulanan`` counts ``SebaranBulanan`` per unit, month, status
  and number spread.

``hitungan_expression`` is the one definition of how a proof counts; the
stored value is written from it by ``refresh_spread`` and
``refresh_contents``, which then recount what depends on it. They recount
(rather than add and subtract) every (content, unit) and (unit, month) a
change touched, from the rows as they are now, so that a write that
forgot an earlier one cannot leave a count wrong. The write paths:

- a proof added, changed, checked or deleted, alone: the BuktiSebar receivers;
- an employee saved (unit, status, activity): the Pegawai receivers;
- an account's latest result or owner changed (a check, its undo, an
  account edited): the AkunMedsos receiver; a bulk result calls
  ``accounts_changed``;
- a content's account, date, deadline or *wajib* changed: the Konten receivers
  (*wajib* alone: ``wajib_toggled``, which moves monthly counts by one);
- a unit moved with its subtree: the ``tree_changed`` receiver;
- imports: the resources' ``write()`` (proofs through ``AddedProofs``, rosters);
- a fixture loaded raw, a backup restored: ``refresh_all_spread``
  (``siapkan_demo``, ``periksa_sebaran --perbaiki``).

The sample a Verifikator checks is drawn when a (content, unit)'s proofs
are recounted: the proofs with the smallest ``acak`` (a number fixed by
content and employee), as many as ``Pengaturan.sample_size`` says.

``drift`` proves it (``periksa_sebaran``, and every test of the suite
through tests/conftest.py). Locks follow registry.kunci: every change
locks the units whose counts it rewrites before it writes.
"""

from collections import defaultdict
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, TruncDate, TruncMonth
from django.db.models.lookups import Exact, LessThanOrEqual
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from registry.kunci import all_units, lock_units, lock_units_of, staff_units
from registry.models import (
    AkunMedsos,
    BuktiSebar,
    HasilBukti,
    HasilVerifikasi,
    Hitungan,
    Instansi,
    Konten,
    Pegawai,
    Pengaturan,
    RekapSebaran,
    RekapSebaranBulanan,
    RekapSebaranUnit,
    SebaranBulanan,
    draw,
    tree_changed,
)
from registry.sql import any_batches, any_of, chunked, insert_rows, subquery_aggregate


def hitungan_expression():
    """How the outer BuktiSebar row counts now, as one SQL expression: None
    (it does not), ``TEPAT`` or ``TERLAMBAT``.

    A proof counts when it was not found invalid, its account is its
    employee's and verified valid, and its employee is active in the unit
    of the content's official account or below it; on time when it was
    shared (Jakarta's date) on or before the content's deadline. It names
    no joined column of the outer row, so that it can be an UPDATE's value.
    """
    content_path = Konten.objects.filter(pk=OuterRef(OuterRef("konten_id"))).values("unit_pemilik__jalur")[:1]
    bound = Pegawai.objects.filter(
        pk=OuterRef("pegawai_id"), aktif=True, instansi__jalur__startswith=Subquery(content_path)
    )
    valid = AkunMedsos.objects.filter(
        pk=OuterRef("akun_id"), pegawai_id=OuterRef("pegawai_id"), hasil_terakhir=HasilVerifikasi.VALID
    )
    deadline = Konten.objects.filter(pk=OuterRef("konten_id")).values("batas")[:1]
    return Case(
        When(Q(hasil=HasilBukti.TIDAK_SAH) | ~Exists(valid) | ~Exists(bound), then=Value(None)),
        When(LessThanOrEqual(TruncDate("waktu"), Subquery(deadline)), then=Value(Hitungan.TEPAT)),
        default=Value(Hitungan.TERLAMBAT),
        output_field=CharField(),
    )


def _employee_unit():
    return Subquery(Pegawai.objects.filter(pk=OuterRef("pegawai_id")).values("instansi_id")[:1])


def _content_unit():
    return Subquery(AkunMedsos.objects.filter(pk=OuterRef("akun_id")).values("instansi_id")[:1])


def _differs(field, value, empty):
    return ~Q(Exact(Coalesce(F(field), Value(empty)), Coalesce(value, Value(empty))))


def _stale():
    """Proofs whose stored count or unit is not what the rule gives now."""
    return _differs("hitungan", hitungan_expression(), "") | _differs("unit_pemilik_id", _employee_unit(), 0)


def _rewrite(proofs):
    """Store the count and unit of ``proofs`` (a queryset); the (content,
    unit) pairs they were and are in."""
    proofs = proofs.order_by()
    pairs = set(proofs.values_list("konten_id", "unit_pemilik_id").distinct())
    if proofs.filter(_stale()).update(hitungan=hitungan_expression(), unit_pemilik=_employee_unit()):
        pairs |= set(proofs.values_list("konten_id", "unit_pemilik_id").distinct())
    return pairs


def _with_proofs(pegawai_ids):
    """Those of the employees who have proofs or monthly rows: the others
    have nothing to rewrite (most of a roster)."""
    found = set()
    for chunk in chunked(pegawai_ids):
        found.update(BuktiSebar.objects.filter(pegawai_id__in=chunk).values_list("pegawai_id", flat=True).distinct())
        found.update(SebaranBulanan.objects.filter(pegawai_id__in=chunk).values_list("pegawai_id", flat=True))
    return sorted(found)


@transaction.atomic
def refresh_spread(pegawai_ids, left=(), pairs=()):
    """After the proofs of these employees, or their unit, status or
    activity, or their accounts' results changed: store their proofs'
    counts and units, rewrite their monthly rows, and recount the (content,
    unit) pairs and (unit, month) cells involved; ``left`` are units they
    were moved out of, ``pairs`` (content, unit) of proofs just deleted."""
    staff = _with_proofs(set(pegawai_ids) - {None})
    pairs = set(pairs)
    if not staff and not pairs:
        return
    lock_units_of(lambda: staff_units(staff) | set(left) | {unit for _, unit in pairs} | _proof_units(staff))
    cells = set()
    for chunk in chunked(staff):
        pairs |= _rewrite(BuktiSebar.objects.filter(pegawai_id__in=chunk))
        cells |= _rewrite_monthly(chunk)
    recount_pairs(pairs)
    recount_cells(cells)


class AddedProofs:
    """Proofs inserted in bulk (an import, its units locked), a batch at a
    time (the import's windows): each batch with its counts and monthly rows
    as it comes, the pairs and cells they touch counted once at the end
    (``finish``), not once a batch.

    New proofs can only add to what their employees spread, so the monthly
    rows grow by what they add instead of being counted again: one
    ``INSERT … SELECT … ON CONFLICT DO UPDATE`` a batch adds each employee's
    new count to their row or creates it (a 50,000-row import built and
    saved 50,000 rows one by one in Python before). The batches and the
    final recount are one change: the caller's transaction holds them
    together (the import's ``apply``)."""

    def __init__(self):
        self.pairs, self.cells = set(), set()

    def insert(self, columns, **constants):
        """Insert proofs (``sql.insert_rows``: ``columns`` as it says, without
        ``unit_pemilik``), each with its count and unit computed as it is
        inserted; their employees' monthly rows grow by them. The new ids."""
        table = connection.ops.quote_name(SebaranBulanan._meta.db_table)
        month = SebaranBulanan._meta.get_field("bulan")
        inserted = insert_rows(BuktiSebar, columns, returning=["konten_id", "unit_pemilik_id"], **constants,
                               computed={"hitungan": hitungan_expression(), "unit_pemilik_id": _employee_unit()})
        self.pairs |= {(konten, unit) for _, konten, unit in inserted}
        ids = [pk for pk, _, _ in inserted]
        for chunk in any_batches(ids):
            select, params = monthly_counts(BuktiSebar.objects.filter(any_of("pk", chunk))).query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {table} (pegawai_id, bulan, instansi_id, status_kepegawaian, tersebar) {select} "
                    f"ON CONFLICT (pegawai_id, bulan) DO UPDATE SET tersebar = {table}.tersebar + EXCLUDED.tersebar "
                    f"RETURNING instansi_id, bulan",
                    params,
                )
                self.cells |= {(unit, month.to_python(bulan)) for unit, bulan in cursor.fetchall()}
        return ids

    def finish(self):
        recount_pairs(self.pairs)
        recount_cells(self.cells)


def accounts_changed(akun_ids):
    """The latest results of these employees' accounts changed in bulk."""
    owners = set()
    for chunk in chunked(akun_ids):
        owners.update(BuktiSebar.objects.filter(akun_id__in=chunk).values_list("pegawai_id", flat=True).distinct())
    refresh_spread(owners)


@transaction.atomic
def refresh_contents(konten_ids, monthly=True, months=()):
    """After contents' deadline, date, *wajib* or unit changed: every proof
    of them; with ``monthly``, their holders' monthly rows too (a deadline
    alone only moves proofs between on time and late); ``months`` those
    the contents counted in before."""
    konten_ids = sorted(set(konten_ids))
    units = set()
    for chunk in chunked(konten_ids):
        units.update(BuktiSebar.objects.filter(konten_id__in=chunk).values_list("unit_pemilik_id", flat=True)
                     .distinct())
    lock_units(units)
    pairs, holders = set(), set()
    for chunk in chunked(konten_ids, 20):
        proofs = BuktiSebar.objects.filter(konten_id__in=chunk)
        pairs |= _rewrite(proofs)
        if monthly:
            holders.update(proofs.values_list("pegawai_id", flat=True).distinct())
    lock_units_of(lambda: units | staff_units(holders))
    cells = set()
    for chunk in chunked(sorted(holders)):
        cells |= _rewrite_monthly(chunk)
    recount_pairs(pairs, months)
    recount_cells(cells)


@transaction.atomic
def wajib_toggled(konten):
    """After ``wajib`` alone changed: how each proof counts does not depend
    on it, so neither the proofs nor RekapSebaran change; the holders of a
    counted proof spread one content more or fewer in its month, and the
    month's figures of their units are recounted.

    The one place that adds and subtracts instead of recounting from the
    proofs: a root content binds everyone, and recounting each holder's
    months from all their proofs took 22 to 26 s at 100,000 employees
    (minutes at 1M), moving each holder's row by one 2 s
    (bench/skala_bench.py, same registry). ``drift`` proves it like every count."""
    month = konten.terbit.replace(day=1)
    proofs = BuktiSebar.objects.filter(konten=konten).order_by()
    units = lock_units_of(lambda: set(proofs.values_list("unit_pemilik_id", flat=True).distinct()))
    counted = proofs.filter(hitungan__isnull=False)
    rows = SebaranBulanan.objects.filter(bulan=month, pegawai_id__in=counted.values("pegawai_id"))
    cells = set(rows.values_list("instansi_id", "bulan").distinct())
    if konten.wajib:
        rows.update(tersebar=F("tersebar") + 1)
        # NOT EXISTS, not NOT IN: at 1M the month's 600,000 rows do not fit
        # a hashed NOT IN, and PostgreSQL scanned them once per holder (the
        # benchmark's toggle was stopped after 7 minutes in that query).
        first = counted.filter(~Exists(SebaranBulanan.objects.filter(bulan=month, pegawai_id=OuterRef("pegawai_id"))))
        select, params = first.annotate(month=Value(month), one=Value(1)).values_list(
            "pegawai_id", "month", "pegawai__instansi_id", "pegawai__status_kepegawaian", "one"
        ).query.sql_with_params()
        table = connection.ops.quote_name(SebaranBulanan._meta.db_table)
        with connection.cursor() as cursor:
            # Those for whom it is the month's only content: their rows made
            # by the database, not as one Python object each.
            cursor.execute(f"INSERT INTO {table} (pegawai_id, bulan, instansi_id, status_kepegawaian, tersebar) "
                           f"{select} RETURNING instansi_id", params)
            cells |= {(unit, month) for unit, in cursor.fetchall()}
    else:
        rows.filter(tersebar__lte=1).delete()
        rows.update(tersebar=F("tersebar") - 1)
    recount_cells(cells)
    recount_unit_months({(unit, month) for unit in units if unit is not None})


def _proof_units(pegawai_ids):
    units = set()
    for chunk in chunked(pegawai_ids):
        units.update(BuktiSebar.objects.filter(pegawai_id__in=chunk).values_list("unit_pemilik_id", flat=True)
                     .distinct())
    return units


def monthly_counts(proofs):
    """(employee, month, unit, status, contents spread) of ``proofs``:
    what SebaranBulanan holds, from the counted proofs of wajib contents
    (a counted proof's employee is active)."""
    return (
        proofs.filter(hitungan__isnull=False, konten__wajib=True)
        .annotate(bulan=TruncMonth("konten__terbit"))
        .values_list("pegawai_id", "bulan", "pegawai__instansi_id", "pegawai__status_kepegawaian")
        .annotate(n=Count("pk"))
        .order_by()
    )


def _rewrite_monthly(pegawai_ids):
    """Rewrite the employees' monthly rows; the (unit, month) cells they were and are in."""
    old = SebaranBulanan.objects.filter(pegawai_id__in=pegawai_ids)
    cells = set(old.values_list("instansi_id", "bulan").distinct())
    old.delete()
    rows = [SebaranBulanan(pegawai_id=p, bulan=bulan, instansi_id=unit, status_kepegawaian=status, tersebar=n)
            for p, bulan, unit, status, n in monthly_counts(BuktiSebar.objects.filter(pegawai_id__in=pegawai_ids))]
    SebaranBulanan.objects.bulk_create(rows, batch_size=2000)
    return cells | {(row.instansi_id, row.bulan) for row in rows}


def pair_counts(proofs):
    """(content, unit, status, on time, late, proofs, checked, valid) of ``proofs``: what RekapSebaran holds."""
    return (
        proofs.values_list("konten_id", "unit_pemilik_id", "pegawai__status_kepegawaian")
        .annotate(
            tepat=Count("pk", filter=Q(hitungan=Hitungan.TEPAT)),
            terlambat=Count("pk", filter=Q(hitungan=Hitungan.TERLAMBAT)),
            jumlah=Count("pk"),
            diperiksa=Count("pk", filter=~Q(hasil=HasilBukti.BELUM_DIPERIKSA)),
            sah=Count("pk", filter=Q(hasil=HasilBukti.SAH)),
        )
        .order_by()
    )


def _pairs_q(pairs, content="konten_id", unit="unit_pemilik_id"):
    by_content = defaultdict(set)
    for konten, instansi in pairs:
        if instansi is not None:
            by_content[konten].add(instansi)
    q = Q(pk__in=[])
    for konten, units in by_content.items():
        q |= Q(**{content: konten, f"{unit}__in": sorted(units)})
    return q


# (content, unit) pairs per recount statement.
PAIRS_PER_QUERY = 200
TOTALS = ("tepat", "terlambat", "jumlah")


def recount_pairs(pairs, months=()):
    """Recount RekapSebaran for (content, unit) ``pairs`` from the proofs as
    they are now, the contents' totals by the difference, each pair's
    sample drawn again, and RekapSebaranUnit for the pairs' units in their
    contents' months (and in ``months``, where contents were before)."""
    pairs = sorted(p for p in pairs if p[1] is not None)
    settings_row = Pengaturan.current()
    change = defaultdict(lambda: [0, 0, 0])
    for start in range(0, len(pairs), PAIRS_PER_QUERY):
        chunk = pairs[start:start + PAIRS_PER_QUERY]
        stored = RekapSebaran.objects.filter(_pairs_q(chunk, "konten_id", "instansi_id"))
        for konten, *counts in stored.values_list("konten_id", *TOTALS):
            change[konten] = [total - n for total, n in zip(change[konten], counts)]
        stored.delete()
        counts = list(pair_counts(BuktiSebar.objects.filter(_pairs_q(chunk))))
        RekapSebaran.objects.bulk_create(
            [RekapSebaran(konten_id=k, instansi_id=u, status_kepegawaian=s, tepat=tepat, terlambat=late,
                          jumlah=n, diperiksa=checked, sah=valid)
             for k, u, s, tepat, late, n, checked, valid in counts],
            batch_size=2000,
        )
        sizes = defaultdict(int)
        for k, u, _, tepat, late, n, _, _ in counts:
            sizes[(k, u)] += n
            change[k] = [total + n for total, n in zip(change[k], (tepat, late, n))]
        _draw_samples(chunk, sizes, settings_row)
    for konten, (tepat, late, n) in sorted(change.items()):
        if tepat or late or n:
            Konten.objects.filter(pk=konten).update(tepat=F("tepat") + tepat, terlambat=F("terlambat") + late,
                                                    bukti_masuk=F("bukti_masuk") + n)
    content_months = dict(Konten.objects.filter(pk__in={k for k, _ in pairs}, wajib=True).annotate(
        bulan=TruncMonth("terbit")).values_list("pk", "bulan"))
    units = {u for _, u in pairs}
    recount_unit_months({(u, content_months[k]) for k, u in pairs if k in content_months}
                        | {(u, m) for u in units for m in months})


def unit_month_counts(rekap):
    """(unit, status, on time, late, proofs, checked, valid) of RekapSebaran ``rekap``: what RekapSebaranUnit holds."""
    return (rekap.values_list("instansi_id", "status_kepegawaian")
            .annotate(*[Sum(name) for name in ("tepat", "terlambat", "jumlah", "diperiksa", "sah")]).order_by())


def recount_unit_months(cells):
    """Recount RekapSebaranUnit for (unit, month) ``cells`` from RekapSebaran."""
    by_month = defaultdict(set)
    for unit, bulan in cells:
        by_month[bulan].add(unit)
    for bulan, units in sorted(by_month.items()):
        contents = month_contents(bulan)
        for chunk in chunked(sorted(units)):
            RekapSebaranUnit.objects.filter(bulan=bulan, instansi_id__in=chunk).delete()
            RekapSebaranUnit.objects.bulk_create(
                [RekapSebaranUnit(instansi_id=u, bulan=bulan, status_kepegawaian=s, tepat=tepat, terlambat=late,
                                  jumlah=n, diperiksa=checked, sah=valid)
                 for u, s, tepat, late, n, checked, valid in unit_month_counts(
                     RekapSebaran.objects.filter(instansi_id__in=chunk, konten__in=contents))],
                batch_size=2000,
            )


def month_contents(bulan):
    """The wajib contents published in the month of ``bulan``."""
    end = (bulan.replace(day=28) + timedelta(days=4)).replace(day=1)
    return Konten.objects.filter(wajib=True, terbit__gte=bulan.replace(day=1), terbit__lt=end).values("pk")


def _draw_samples(pairs, sizes, settings_row):
    """Each pair's sample: its ``sample_size`` proofs of smallest ``acak``."""
    wanted = {pair: settings_row.sample_size(sizes.get(pair, 0)) for pair in pairs}
    most = max(wanted.values(), default=0)
    chosen = set()
    if most:
        ranked = BuktiSebar.objects.filter(_pairs_q(pairs)).annotate(
            urutan=Window(RowNumber(), partition_by=[F("konten_id"), F("unit_pemilik_id")],
                          order_by=[F("acak").asc(), F("pk").asc()])
        ).filter(urutan__lte=most)
        chosen = {pk for pk, k, u, n in ranked.values_list("pk", "konten_id", "unit_pemilik_id", "urutan")
                  if n <= wanted.get((k, u), 0)}
    sampled = set(BuktiSebar.objects.filter(_pairs_q(pairs), sampel=True).values_list("pk", flat=True))
    for chunk in chunked(sorted(sampled - chosen)):
        BuktiSebar.objects.filter(pk__in=chunk).update(sampel=False)
    for chunk in chunked(sorted(chosen - sampled)):
        BuktiSebar.objects.filter(pk__in=chunk).update(sampel=True)


def cell_counts(rows):
    """(unit, month, status, contents spread, staff) of SebaranBulanan ``rows``."""
    return (rows.values_list("instansi_id", "bulan", "status_kepegawaian", "tersebar")
            .annotate(n=Count("pk")).order_by())


def recount_cells(cells):
    """Recount RekapSebaranBulanan for (unit, month) ``cells``."""
    by_month = defaultdict(set)
    for unit, bulan in cells:
        by_month[bulan].add(unit)
    for bulan, units in sorted(by_month.items()):
        for chunk in chunked(sorted(units)):
            RekapSebaranBulanan.objects.filter(bulan=bulan, instansi_id__in=chunk).delete()
            RekapSebaranBulanan.objects.bulk_create(
                [RekapSebaranBulanan(instansi_id=u, bulan=m, status_kepegawaian=s, tersebar=t, jumlah=n)
                 for u, m, s, t, n in cell_counts(SebaranBulanan.objects.filter(bulan=bulan, instansi_id__in=chunk))],
                batch_size=2000,
            )


@transaction.atomic
def refresh_all_spread():
    """Every content's unit, every proof's count, unit and draw, every
    count and sample: after loading a fixture, which bypasses the write
    paths, and by ``periksa_sebaran --perbaiki``."""
    lock_units(all_units())
    Konten.objects.filter(_differs("unit_pemilik_id", _content_unit(), 0)).update(unit_pemilik=_content_unit())
    BuktiSebar.objects.filter(_stale()).update(hitungan=hitungan_expression(), unit_pemilik=_employee_unit())
    undrawn = [BuktiSebar(pk=pk, acak=draw(konten, pegawai)) for pk, konten, pegawai, acak in
               BuktiSebar.objects.values_list("pk", "konten_id", "pegawai_id", "acak").iterator(chunk_size=5000)
               if acak != draw(konten, pegawai)]
    BuktiSebar.objects.bulk_update(undrawn, ["acak"], batch_size=1000)
    SebaranBulanan.objects.all().delete()
    SebaranBulanan.objects.bulk_create(
        (SebaranBulanan(pegawai_id=p, bulan=m, instansi_id=u, status_kepegawaian=s, tersebar=n)
         for p, m, u, s, n in monthly_counts(BuktiSebar.objects.all()).iterator(chunk_size=5000)),
        batch_size=5000,
    )
    RekapSebaranBulanan.objects.all().delete()
    RekapSebaranBulanan.objects.bulk_create(
        [RekapSebaranBulanan(instansi_id=u, bulan=m, status_kepegawaian=s, tersebar=t, jumlah=n)
         for u, m, s, t, n in cell_counts(SebaranBulanan.objects.all())],
        batch_size=5000,
    )
    RekapSebaran.objects.all().delete()
    RekapSebaranUnit.objects.all().delete()
    Konten.objects.update(tepat=0, terlambat=0, bukti_masuk=0)
    recount_pairs(set(BuktiSebar.objects.values_list("konten_id", "unit_pemilik_id").distinct()))


def _compare(stored, computed):
    """How many keys of two {key: values} maps differ, either way."""
    stored = dict(stored)
    differing = sum(stored.pop(key, None) != values for key, values in computed)
    return differing + len(stored)


def drift(batch=50000):
    """What is stored for spreading but no longer true: {what: how many},
    empty when all is true; compared in batches, never the whole table at once."""
    wrong = {"konten": Konten.objects.filter(_differs("unit_pemilik_id", _content_unit(), 0)).count()}
    last = BuktiSebar.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    wrong["bukti"] = sum(BuktiSebar.objects.filter(pk__gte=start, pk__lt=start + batch).filter(_stale()).count()
                         for start in range(0, last + 1, batch))
    wrong["rekap"] = 0
    for chunk in chunked(Konten.objects.order_by("pk").values_list("pk", flat=True), 20):
        stored = RekapSebaran.objects.filter(konten_id__in=chunk).values_list(
            "konten_id", "instansi_id", "status_kepegawaian", "tepat", "terlambat", "jumlah", "diperiksa", "sah")
        wrong["rekap"] += _compare(((row[:3], row[3:]) for row in stored),
                                   ((row[:3], row[3:]) for row in pair_counts(BuktiSebar.objects.filter(
                                       konten_id__in=chunk))))
    totals = Konten.objects.annotate(**{
        f"n_{name}": subquery_aggregate(RekapSebaran.objects.filter(konten=OuterRef("pk")), "SUM", name)
        for name in TOTALS})
    wrong["konten_jumlah"] = totals.exclude(tepat=F("n_tepat"), terlambat=F("n_terlambat"),
                                            bukti_masuk=F("n_jumlah")).count()
    wrong["rekap_unit"] = 0
    months = set(RekapSebaranUnit.objects.values_list("bulan", flat=True).distinct())
    for bulan in sorted(months | set(Konten.objects.filter(wajib=True).dates("terbit", "month"))):
        stored = RekapSebaranUnit.objects.filter(bulan=bulan).values_list(
            "instansi_id", "status_kepegawaian", "tepat", "terlambat", "jumlah", "diperiksa", "sah")
        wrong["rekap_unit"] += _compare(
            ((row[:2], row[2:]) for row in stored),
            ((row[:2], row[2:]) for row in unit_month_counts(RekapSebaran.objects.filter(
                konten__in=month_contents(bulan)))))
    wrong["bulanan"] = 0
    last = Pegawai.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for start in range(0, last + 1, batch):
        staff = {"pegawai_id__gte": start, "pegawai_id__lt": start + batch}
        stored = SebaranBulanan.objects.filter(**staff).values_list(
            "pegawai_id", "bulan", "instansi_id", "status_kepegawaian", "tersebar")
        wrong["bulanan"] += _compare(((row[:2], row[2:]) for row in stored),
                                     ((row[:2], row[2:]) for row in monthly_counts(BuktiSebar.objects.filter(**staff))))
    wrong["sebaran_bulanan"] = 0
    for chunk in chunked(Instansi.objects.order_by("pk").values_list("pk", flat=True)):
        stored = RekapSebaranBulanan.objects.filter(instansi_id__in=chunk).values_list(
            "instansi_id", "bulan", "status_kepegawaian", "tersebar", "jumlah")
        wrong["sebaran_bulanan"] += _compare(
            ((row[:4], row[4]) for row in stored),
            ((row[:4], row[4]) for row in cell_counts(SebaranBulanan.objects.filter(instansi_id__in=chunk))))
    return {what: n for what, n in wrong.items() if n}


# Single-object writes reach spreading through these receivers; bulk writes
# call refresh_spread, accounts_changed or refresh_contents themselves.


@receiver(pre_save, sender=BuktiSebar)
def _bukti_before(sender, instance, raw, **kwargs):
    instance._unit_before = None
    if raw:
        return
    stored = BuktiSebar.objects.filter(pk=instance.pk) if instance.pk else BuktiSebar.objects.none()
    lock_units_of(lambda: staff_units([instance.pegawai_id]) | set(stored.values_list("unit_pemilik_id", flat=True)))
    # Read under the lock: where the proof was counted, where its employee is now.
    instance._unit_before = stored.values_list("unit_pemilik_id", "konten_id").first()
    instance.unit_pemilik_id = next(iter(staff_units([instance.pegawai_id])), None)
    instance.acak = draw(instance.konten_id, instance.pegawai_id)


@receiver(post_save, sender=BuktiSebar)
def _bukti_saved(sender, instance, raw, **kwargs):
    if raw:
        return
    before = instance._unit_before
    refresh_spread([instance.pegawai_id], pairs=[(before[1], before[0])] if before else [])


@receiver(pre_delete, sender=BuktiSebar)
def _bukti_deleting(sender, instance, **kwargs):
    lock_units_of(lambda: staff_units([instance.pegawai_id]) | {instance.unit_pemilik_id})


@receiver(post_delete, sender=BuktiSebar)
def _bukti_deleted(sender, instance, **kwargs):
    refresh_spread([instance.pegawai_id], pairs=[(instance.konten_id, instance.unit_pemilik_id)])


# What an employee was before a save, when it has anything counted.
_STAFF_FIELDS = ("instansi_id", "aktif", "status_kepegawaian")


@receiver(pre_save, sender=Pegawai)
def _pegawai_before(sender, instance, raw, **kwargs):
    instance._spread_before = None
    if raw or instance._state.adding:
        return
    instance._spread_before = (
        Pegawai.objects.filter(pk=instance.pk)
        .filter(Exists(BuktiSebar.objects.filter(pegawai=OuterRef("pk"))))
        .values_list(*_STAFF_FIELDS)
        .first()
    )


@receiver(post_save, sender=Pegawai)
def _pegawai_saved(sender, instance, raw, **kwargs):
    before = getattr(instance, "_spread_before", None)
    if raw or before is None or before == tuple(getattr(instance, f) for f in _STAFF_FIELDS):
        return
    refresh_spread([instance.pk], left=[before[0]])


@receiver(post_save, sender=AkunMedsos)
def _akun_saved(sender, instance, raw, **kwargs):
    """An account's latest result or owner changed (registry.kepatuhan
    keeps what it was, read under the lock, as ``_before``); an official
    account moved to another unit takes its contents along."""
    if raw:
        return
    before = getattr(instance, "_before", None) or (None,) * 5
    if instance.instansi_id and before[1] not in (None, instance.instansi_id):
        contents = list(Konten.objects.filter(akun=instance).values_list("pk", flat=True))
        Konten.objects.filter(pk__in=contents).update(unit_pemilik=instance.instansi_id)
        refresh_contents(contents)
    if (before[0], before[4]) != (instance.pegawai_id, instance.hasil_terakhir) and (
        BuktiSebar.objects.filter(akun=instance).exists()
    ):
        refresh_spread(set(BuktiSebar.objects.filter(akun=instance).values_list("pegawai_id", flat=True))
                       | {before[0]} - {None})


_KONTEN_FIELDS = ("unit_pemilik_id", "batas", "terbit", "wajib")


@receiver(pre_save, sender=Konten)
def _konten_before(sender, instance, raw, **kwargs):
    instance._konten_before = None
    if raw:
        return
    instance.unit_pemilik_id = AkunMedsos.objects.filter(pk=instance.akun_id).values_list(
        "instansi_id", flat=True).first()
    if instance.pk:
        instance._konten_before = Konten.objects.filter(pk=instance.pk).values_list(*_KONTEN_FIELDS).first()


@receiver(post_save, sender=Konten)
def _konten_saved(sender, instance, raw, **kwargs):
    before = getattr(instance, "_konten_before", None)
    if raw or before is None:
        return
    unit, batas, terbit, wajib = before
    if (unit, batas, terbit, wajib) == tuple(getattr(instance, f) for f in _KONTEN_FIELDS):
        return
    if (unit, batas, terbit) == (instance.unit_pemilik_id, instance.batas, instance.terbit):
        wajib_toggled(instance)
        return
    monthly = (unit, wajib, terbit.replace(day=1)) != (
        instance.unit_pemilik_id, instance.wajib, instance.terbit.replace(day=1))
    refresh_contents([instance.pk], monthly=monthly, months=[terbit.replace(day=1)] if monthly else [])


@receiver(tree_changed, sender=Instansi)
def _tree_changed(sender, paths, **kwargs):
    """Staff below a moved unit are bound to other contents now."""
    for path in paths:
        refresh_spread(Pegawai.objects.filter(instansi__jalur__startswith=path).values_list("pk", flat=True))

