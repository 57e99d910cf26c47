"""Small pieces of set-based SQL shared by the models, the compliance
writes and the reports."""

from django.db.models import F, Func, Subquery
from django.db.models.functions import Coalesce


def subquery_count(queryset):
    """COUNT(*) of a correlated queryset, as an expression for annotate()."""
    return subquery_aggregate(queryset, "COUNT", "pk")


def subquery_aggregate(queryset, function, field):
    """``function(field)`` over a correlated queryset (0 when it is empty), as
    an expression for annotate(): one subquery per row, no GROUP BY outside."""
    return Coalesce(
        Subquery(queryset.order_by().annotate(n=Func(F(field), function=function)).values("n")[:1]),
        0,
    )


def chunked(values, size=1000):
    """``values`` in lists small enough for one IN (...) on any database."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]
