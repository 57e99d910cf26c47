"""Progress over time: one record a day per unit (with its subtree) and
status, written from RekapUnit, so that it grows with units × days and never
with employees. Rekap compares with it; Beranda charts it. Beside it, the
day's spreading figures per unit (RekapSebaranHarian) for the contents of
the 30 days up to that day, from the stored spreading counts."""

from collections import defaultdict
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from registry import angka_sebar
from registry.models import Instansi, RekapHarian, RekapSebaranHarian, RekapUnit, figures
from registry.pohon import path_ids


def record_day(day=None):
    """Write ``day``'s figures (today's by default) per unit, counting
    everything below it, and per status, from RekapUnit, and its spreading
    figures; a second run the same day replaces the first with the figures of now."""
    day = day or timezone.localdate()
    counts = RekapUnit.objects.values_list("instansi_id", "status_kepegawaian", "kepatuhan", "jumlah")
    written = record_counts(day, counts.iterator(chunk_size=5000))
    record_spread_days({day: spread_of_day(day)})
    return written


# Beranda's spreading trend: the contents published in this many days up to each day.
SPREAD_WINDOW = 30


def spread_of_day(day):
    """{unit path: Angka} of each unit's own staff for the contents of the 30 days up to ``day``, as stored now."""
    periode = angka_sebar.Periode(day - timedelta(days=SPREAD_WINDOW - 1), day)
    return angka_sebar.period_figures(None, "", periode, lambda jalur: jalur)


def record_spread_days(figures_by_day):
    """Write each day's RekapSebaranHarian from {day: {unit path: Angka}}
    of units without their sub-units, summed up the tree."""
    rows = []
    for day, per_unit in figures_by_day.items():
        totals = defaultdict(angka_sebar.Angka)
        for jalur, angka in per_unit.items():
            for unit in path_ids(jalur):
                totals[unit].add(angka)
        rows += [RekapSebaranHarian(tanggal=day, instansi_id=unit, terikat=a.terikat, tepat=a.tepat,
                                    terlambat=a.terlambat) for unit, a in totals.items()]
    with transaction.atomic():
        RekapSebaranHarian.objects.filter(tanggal__in=list(figures_by_day)).delete()
        RekapSebaranHarian.objects.bulk_create(rows, batch_size=2000)


def record_counts(day, counts):
    """Write ``day``'s record from (unit, status, state, active staff) rows
    of units without their sub-units, summed up the tree."""
    return record_days({day: counts})


def record_days(counts_by_day):
    """Write each day's record of {day: (unit, status, state, active staff) rows}."""
    paths = dict(Instansi.objects.values_list("pk", "jalur"))
    rows = []
    for day, counts in counts_by_day.items():
        totals = defaultdict(lambda: defaultdict(int))
        for unit, status, state, n in counts:
            for above in path_ids(paths[unit]):
                totals[(above, status)][state] += n
        rows += [RekapHarian(tanggal=day, instansi_id=unit, status_kepegawaian=status, **figures(states))
                 for (unit, status), states in totals.items()]
    with transaction.atomic():
        RekapHarian.objects.filter(tanggal__in=list(counts_by_day)).delete()
        RekapHarian.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def record_day_if_missing():
    """The night's ``catat_rekap`` did not run: the first report of the day records it."""
    today = timezone.localdate()
    if RekapHarian.objects.filter(tanggal=today).exists() or not RekapUnit.objects.exists():
        return
    try:
        with transaction.atomic():
            record_day(today)
    except IntegrityError:
        pass  # a colleague's page recorded it a moment earlier
