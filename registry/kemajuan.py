"""Progress over time: one record a day per unit (with its subtree) and
status, written from RekapUnit, so that it grows with units × days and never
with employees. Rekap compares with it; Beranda charts it."""

from collections import defaultdict

from django.db import IntegrityError, transaction
from django.utils import timezone

from registry.models import Instansi, RekapHarian, RekapUnit, figures
from registry.pohon import path_ids


def record_day(day=None):
    """Write ``day``'s figures (today's by default) per unit, counting
    everything below it, and per status, from RekapUnit; a second run the
    same day replaces the first with the figures of now."""
    counts = RekapUnit.objects.values_list("instansi_id", "status_kepegawaian", "kepatuhan", "jumlah")
    return record_counts(day or timezone.localdate(), counts.iterator(chunk_size=5000))


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
