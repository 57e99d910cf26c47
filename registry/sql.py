"""Small pieces of set-based SQL shared by the models, the compliance
writes and the reports."""

from django.db.models import F, Func, Lookup, Subquery
from django.db.models.functions import Coalesce
from django.db.models.lookups import In


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


class AnyOf(Lookup):
    """``field IN (values)``, sent to PostgreSQL as ``field = ANY(%s)`` with
    the values as one array parameter. A few thousand unit ids in an IN list
    are thousands of placeholders for Django to compile and PostgreSQL to
    parse and plan; one array is one value to bind. Elsewhere a plain IN.
    Used as an expression: ``Q(AnyOf(F("instansi_id"), ids))``."""

    lookup_name = "any_of"
    prepare_rhs = False

    def __init__(self, lhs, values):
        super().__init__(lhs, sorted(set(values)))

    def as_sql(self, compiler, connection):
        if not self.rhs:
            return "1 = 0", []
        if connection.vendor != "postgresql":
            return In(self.lhs, self.rhs).as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # Of the column's own type: PostgreSQL hashes the array only for an
        # operator of one type (psycopg would send small ids as int2[]).
        return f"{lhs} = ANY(%s::{self.lhs.output_field.rel_db_type(connection)}[])", [*lhs_params, self.rhs]
