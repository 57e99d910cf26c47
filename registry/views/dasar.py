"""What every custom admin view shares: permission checks, the page's
context, paginating without counting a million rows, numbers as clerks read them."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet
from django.utils import formats
from django.utils.functional import cached_property

from registry.models import Instansi
from registry.sql import newest_per_group

# A list longer than this says "more than" rather than counting every row.
COUNT_CAP = 10000
# The most units whose lists KeysFirstPaginator reads unit by unit. Its
# keys at 1,000,000 employees (bench/README.md): 7 ms for 201 units, 29 ms
# for 1,000, 84 ms for 2,000, 0.8 s for all 7,036 (where walking the
# primary key takes 30 ms: every unit is in scope).
MERGED_UNITS = 1000


class CountedPaginator(Paginator):
    """A paginator that never counts a million rows: it is told the count
    (summed from RekapUnit), or counts up to COUNT_CAP + 1 and says "more
    than" (``capped``). Also the admin changelists' paginator."""

    cap = COUNT_CAP

    def __init__(self, *args, count=None, cap=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_count = count
        self.cap = cap or self.cap

    @cached_property
    def count(self):
        if self.known_count is not None:
            return self.known_count
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self):
        return self.count > self.cap


class KeysFirstPaginator(CountedPaginator):
    """For a list PostgreSQL would page by reading every row in scope and
    sorting them: the page's keys are read first (from an index alone:
    ``unit_pemilik IN (…) ORDER BY id DESC LIMIT 50`` reads index entries,
    not rows), then the page's rows by their keys. An OPD operator's proofs
    at 1,000,000 employees are about 5,000 rows, every one fetched from the
    table only to keep 50 (bench/README.md). One query more, only on a list
    of more than one page.

    Told the ``units`` a list can show (an operator's scope, the unit picked
    in its filter) and the field naming a row's unit, PostgreSQL reads the
    keys of a list newest first unit by unit (``sql.newest_per_group``): at
    most a page of entries a unit. Walking the primary key backwards and
    keeping a regency's 201 units read 211,751 entries for a page of 50 at
    1,000,000 employees, and more as the registry grows: rows arrive unit by
    unit, an import at a time, so the newest belong to a few units. Above
    MERGED_UNITS units, one descent a unit costs more than the walk. Read
    so, a page takes one query more again: the units' ids."""

    def __init__(self, *args, units=None, unit_field=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.units, self.unit_field = units, unit_field

    def _get_page(self, object_list, *args, **kwargs):
        if isinstance(object_list, QuerySet) and object_list.query.is_sliced:
            object_list = self.object_list.filter(pk__in=self._page_keys(object_list))
        return super()._get_page(object_list, *args, **kwargs)

    def _page_keys(self, page):
        query = page.query
        # Newest first: "-pk" leads (what follows a unique key orders nothing).
        newest_first = query.order_by[:1] in (("-pk",), (f"-{page.model._meta.pk.name}",))
        if self.units is not None and connection.vendor == "postgresql" and newest_first:
            units = list(self.units.values_list("pk", flat=True)[: MERGED_UNITS + 1])
            if len(units) <= MERGED_UNITS:
                return newest_per_group(self.object_list, self.unit_field, units, query.low_mark, query.high_mark)
        return list(page.values_list("pk", flat=True))


def ribuan(value):
    """A whole number with the Indonesian thousand separator: 10.000."""
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def perubahan(value, unit=""):
    """A change since the compared date, read at a glance: "▲ 12", "▼ 2,5 poin", "sama"."""
    if not value:
        return "sama"
    arrow = "▲" if value > 0 else "▼"
    amount = formats.number_format(abs(value), decimal_pos=1 if isinstance(value, float) else None,
                                   use_l10n=True, force_grouping=True)
    return f"{arrow} {amount}{' ' + unit if unit else ''}"


def require(request, permission):
    if not request.user.has_perm(f"registry.{permission}"):
        raise PermissionDenied


def page_context(request, title, **extra):
    return {**admin.site.each_context(request), "title": title, **extra}


def home_unit(request):
    """The unit a user's lists are about by default: the top of their scope."""
    return Instansi.objects.for_user(request.user).filter(aktif=True).order_by("jalur").first()
