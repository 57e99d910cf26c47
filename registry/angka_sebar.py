"""Spreading figures (DESIGN §9), for a content or a period, per unit with
its sub-units: staff bound, spread on time, late, not spread, and how
reliable a unit's proofs are (*keandalan bukti*: valid of checked).

Read from what registry.sebaran keeps, never from proofs or employees:

- *bound* (``terikat``) is counted in pairs of (employee, content): each
  unit's active staff (RekapUnit) times the contents binding the unit (the
  contents of its own and every higher unit's official accounts);
- what was spread, from RekapSebaran for one content or any dates, and
  from RekapSebaranUnit for whole months;
- who spread less than a share of a month's contents, from the
  RekapSebaranBulanan counts (``below_share``).
"""

import calendar
import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, fields

from django.db.models import F, Q, Sum
from django.utils import formats, timezone

from registry.models import Konten, RekapSebaran, RekapSebaranBulanan, RekapSebaranUnit, RekapUnit
from registry.sql import AnyOf

MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]


@dataclass(frozen=True)
class Periode:
    """From ``dari`` to ``sampai``, both included."""

    dari: datetime.date
    sampai: datetime.date

    @classmethod
    def month_of(cls, day):
        last = calendar.monthrange(day.year, day.month)[1]
        return cls(day.replace(day=1), day.replace(day=last))

    @classmethod
    def this_month(cls):
        return cls.month_of(timezone.localdate())

    @property
    def months(self):
        """The calendar months the period is made of exactly, or None when it cuts one."""
        if self.dari.day != 1 or self.sampai != Periode.month_of(self.sampai).sampai or self.sampai < self.dari:
            return None
        months, day = [], self.dari
        while day <= self.sampai:
            months.append(day)
            day = Periode.month_of(day).sampai + datetime.timedelta(days=1)
        return months

    def __str__(self):
        months = self.months
        if months and len(months) == 1:
            return f"{MONTHS[self.dari.month - 1]} {self.dari.year}"
        return f"{formats.date_format(self.dari, 'j F Y')} s.d. {formats.date_format(self.sampai, 'j F Y')}"

    def contents(self):
        """The wajib contents published in the period."""
        return Konten.objects.filter(wajib=True, terbit__gte=self.dari, terbit__lte=self.sampai)


@dataclass
class Angka:
    terikat: int = 0  # (employee, content) pairs
    tepat: int = 0
    terlambat: int = 0
    bukti: int = 0  # proofs received, counted or not
    diperiksa: int = 0
    sah: int = 0

    def add(self, other):
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self

    @property
    def tersebar(self):
        return self.tepat + self.terlambat

    @property
    def belum(self):
        return max(self.terikat - self.tersebar, 0)

    @property
    def persen(self):
        return round(100 * self.tersebar / self.terikat, 1) if self.terikat else 0.0

    @property
    def keandalan(self):
        """Valid of checked, in %; None before any check."""
        return round(100 * self.sah / self.diperiksa, 1) if self.diperiksa else None


def scoped(manager, user):
    """The rows of ``manager`` in the user's scope; every row for None (the
    nightly record, the command line)."""
    return manager.all() if user is None else manager.for_user(user)


def active_staff(user, base_path, status=None):
    """{unit: (jalur, active staff)} below ``base_path`` in the user's scope, from RekapUnit."""
    counts = scoped(RekapUnit.objects, user).filter(instansi__jalur__startswith=base_path)
    if status:
        counts = counts.filter(status_kepegawaian=status)
    return {unit: (jalur, n) for unit, jalur, n in counts.values_list("instansi_id", "instansi__jalur").annotate(
        n=Sum("jumlah")).order_by()}


def binding(content_paths, unit_path):
    """How many contents (``content_paths``: a Counter of their units' paths) bind a unit at ``unit_path``:
    those of every prefix of its path, read off the string (thousands of units per page)."""
    n, end = 0, unit_path.find("/")
    while end != -1:
        n += content_paths.get(unit_path[: end + 1], 0)
        end = unit_path.find("/", end + 1)
    return n


def _spread(rows, group, figures):
    for unit_path, *counts in rows:
        key = group(unit_path)
        if key is not None:
            figures[key].add(Angka(0, *counts))


SUMS = [Sum(name) for name in ("tepat", "terlambat", "jumlah", "diperiksa", "sah")]


def period_figures(user, base_path, periode, group, status=None):
    """{row: Angka} of the period's wajib contents for the units below
    ``base_path``, each unit's figures added to the row ``group(jalur)``
    names (None: not shown)."""
    figures = defaultdict(Angka)
    content_paths = Counter(periode.contents().values_list("unit_pemilik__jalur", flat=True))
    for jalur, active in active_staff(user, base_path, status).values():
        key = group(jalur)
        if key is not None:
            figures[key].terikat += active * binding(content_paths, jalur)
    months = periode.months
    if months:
        spread = scoped(RekapSebaranUnit.objects, user).filter(bulan__in=months)
    else:
        spread = scoped(RekapSebaran.objects, user).filter(konten__in=periode.contents().values("pk"))
    spread = spread.filter(instansi__jalur__startswith=base_path)
    if status:
        spread = spread.filter(status_kepegawaian=status)
    _spread(spread.values_list("instansi__jalur").annotate(*SUMS).order_by(), group, figures)
    return figures


def content_figures(user, konten, base_path, group, status=None):
    """{row: Angka} of one content for the units below ``base_path`` it binds."""
    figures = defaultdict(Angka)
    content_path = konten.unit_pemilik.jalur
    inner = max(base_path, content_path, key=len)
    if not inner.startswith(min(base_path, content_path, key=len)):
        return figures
    for jalur, active in active_staff(user, inner, status).values():
        key = group(jalur)
        if key is not None:
            figures[key].terikat += active
    spread = scoped(RekapSebaran.objects, user).filter(konten=konten, instansi__jalur__startswith=inner)
    if status:
        spread = spread.filter(status_kepegawaian=status)
    _spread(spread.values_list("instansi__jalur").annotate(*SUMS).order_by(), group, figures)
    return figures


def total(figures):
    """All rows of ``figures`` added up."""
    summed = Angka()
    for angka in figures.values():
        summed.add(angka)
    return summed


def needs(user, base_path, periode, ambang, status=None, active=None):
    """{unit: (contents binding it, how many it must spread)} of the
    period's wajib contents, for the units below ``base_path`` whose staff they bind."""
    content_paths = Counter(periode.contents().values_list("unit_pemilik__jalur", flat=True))
    found = {}
    active = active_staff(user, base_path, status) if active is None else active
    for unit, (jalur, _) in active.items():
        n = binding(content_paths, jalur)
        if n:
            found[unit] = (n, -(-n * ambang // 100))
    return found


def by_need(needed, lookup):
    """Q: rows of the units in ``needed`` whose ``tersebar`` compares with
    the unit's need as ``lookup`` says (``lt``: below the share, ``gte``:
    reached it); one array of units per need, whatever their number."""
    groups = defaultdict(list)
    for unit, (_, need) in needed.items():
        groups[need].append(unit)
    found = Q(pk__in=[])
    for need, units in sorted(groups.items()):
        found |= Q(AnyOf(F("instansi_id"), units), **{f"tersebar__{lookup}": need})
    return found


def below_share(user, base_path, bulan, ambang, status=None, active=None, needed=None):
    """How many active staff below ``base_path`` spread fewer of the month's
    contents than ``ambang`` % of those binding them: each unit's active
    staff, less those the monthly counts say reached the share (summed by
    the database: a unit has a row per number spread). ``active`` and
    ``needed``, when the caller read them already: ``active_staff`` and
    ``needs`` of the month."""
    active = active_staff(user, base_path, status) if active is None else active
    if needed is None:
        needed = needs(user, base_path, Periode.month_of(bulan), ambang, status, active)
    counts = RekapSebaranBulanan.objects.filter(bulan=bulan.replace(day=1))
    if status:
        counts = counts.filter(status_kepegawaian=status)
    reached = counts.filter(by_need(needed, "gte")).aggregate(n=Sum("jumlah"))["n"] or 0
    return sum(active[unit][1] for unit in needed) - reached
