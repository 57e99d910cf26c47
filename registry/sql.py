"""Small pieces of set-based SQL shared by the models, the compliance
writes and the reports."""

import contextlib
import json

from django.db import connection, transaction
from django.db.models import BooleanField, DateTimeField, Expression, F, Func, Lookup, Q, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.db.models.lookups import In
from django.db.models.sql import Query


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


def any_of(field, values):
    """``Q(field IN values)`` through ``AnyOf``: one array parameter on PostgreSQL."""
    return Q(AnyOf(F(field), values))


def any_batches(values):
    """``values`` in lists for ``any_of``: one array binds tens of thousands
    of ids on PostgreSQL (an import's window in one query, where lists of
    1,000 placeholders took 20 ms a query to compile and plan); elsewhere
    each list is an IN (...) of placeholders."""
    return chunked(values, 20000 if connection.vendor == "postgresql" else 1000)


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
        return f"{lhs} = ANY(%s::{self.lhs.output_field.rel_db_type(connection)}[])", [*lhs_params, pg_array(self.rhs)]


class AnyPairOf(Expression):
    """``first = value AND second IN (values)``, asked on PostgreSQL as the
    pair ``(first, second) IN (SELECT value, unnest(values))``: read inside
    ``btree_lookups``, one probe of the two-column btree a value (42 ms for
    5,000 usernames at 100,000 employees). Elsewhere a plain ``IN``."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, first, value, second, values):
        super().__init__()
        self.first, self.second = F(first), F(second)
        self.value, self.values = value, sorted(set(values))

    def get_source_expressions(self):
        return [self.first, self.second]

    def set_source_expressions(self, expressions):
        self.first, self.second = expressions

    def as_sql(self, compiler, connection):
        if not self.values:
            return "1 = 0", []
        (first, first_params), (second, second_params) = compiler.compile(self.first), compiler.compile(self.second)
        if connection.vendor != "postgresql":
            return (f"({first} = %s AND {second} IN ({', '.join(['%s'] * len(self.values))}))",
                    [*first_params, self.value, *second_params, *self.values])
        cast = self.second.output_field.db_type(connection)
        return (f"({first}, {second}) IN (SELECT %s, unnest(%s::{cast}[]))",
                [*first_params, *second_params, self.value, pg_array(self.values)])


def newest_per_group(queryset, field, groups, low, high):
    """The primary keys of ``queryset.order_by("-pk")[low:high]``, read group
    by group (PostgreSQL only): for each value of ``field`` in ``groups``, its
    newest ``high`` rows from an index on (field, -pk) (a ``LATERAL … LIMIT``
    each), merged and cut. At most ``len(groups) × high`` index entries,
    however many rows the groups hold, where walking the primary key
    backwards reads every newer row of the other groups first. Every row of
    ``queryset`` must have its ``field`` in ``groups``."""
    if not groups:
        return []
    column = queryset.model._meta.get_field(field)
    each = (queryset.filter(**{field: RawSQL("page_group.id", (), output_field=column.target_field)})
            .order_by("-pk").values("pk")[:high])
    sql, params = each.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT newest.key FROM unnest(%s::{column.db_type(connection)}[]) AS page_group(id) "
            f"CROSS JOIN LATERAL ({sql}) AS newest(key) ORDER BY newest.key DESC LIMIT %s OFFSET %s",
            [pg_array(sorted(set(groups))), *params, high - low, low],
        )
        return [pk for (pk,) in cursor.fetchall()]


@contextlib.contextmanager
def btree_lookups():
    """The queries of the block planned without bitmap scans, for look-ups of
    many usernames (``AnyPairOf``). pg_trgm 1.6 lets the trigram index kept
    for search (``registry_akun_username_trgm_idx``) answer ``=`` too, and
    PostgreSQL costs it as cheap: it probed it name by name, 35 s for 5,000
    names at 100,000 employees, where the btree of (platform, username)
    takes milliseconds. A GIN index is read only through a bitmap scan, so
    without them the planner takes the btree. The setting is local to the
    block's savepoint and put back after it."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_bitmapscan = off")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_bitmapscan TO DEFAULT")


def pg_array(values):
    """PostgreSQL's text form of an array of ints or strings, bound as one
    string: psycopg quotes a Python list element by element in Python, 6 ms
    for 5,000 ids where one string takes 1.5 ms (round trip included)."""
    return "{" + ",".join(
        str(value) if isinstance(value, int) else '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        for value in values
    ) + "}"


def insert_rows(model, columns, computed=None, returning=(), **constants):
    """Insert rows of ``model``; (id, *``returning``) of each. ``columns``
    is {attname: a value per row}; every other field is as ``constants``
    give it or its default, the same for every row, or computed by the
    database from the new row (``computed``, {attname: expression}): an
    expression written for an UPDATE of the model's table, naming no joined
    column of the outer row, reads the new row under the table's name.

    One ``INSERT … SELECT`` from the rows sent as one JSON parameter:
    ``bulk_create`` prepares every value of every row in Python and binds
    each as a parameter of its own (900,000 calls for 50,000 proofs, most of
    an import's writing), and a value computed after the insert is an UPDATE
    of every new row (1.8 s for 50,000 proofs on PostgreSQL)."""
    computed = computed or {}
    quote, meta = connection.ops.quote_name, model._meta
    postgres = connection.vendor == "postgresql"
    template = model(**constants)
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    inner, inner_params, given = [], [], []
    for field in fields:
        if field.attname in columns:
            values = columns[field.attname]
            if isinstance(field, DateTimeField) and not postgres:
                # SQLite keeps them as text in UTC; PostgreSQL reads the JSON's ISO 8601 with its offset.
                values = [connection.ops.adapt_datetimefield_value(value) for value in values]
            value = (f"(r->>{len(given)})::{field.db_type(connection)}" if postgres
                     else f"json_extract(r.value, '$[{len(given)}]')")
            given.append(values)
        else:
            # Of the column's type: a NULL in a derived table would be text.
            value = f"%s::{field.db_type(connection)}" if postgres else "%s"
            inner_params.append(field.get_db_prep_save(field.pre_save(template, add=True), connection))
        inner.append(f"{value} AS {quote(field.column)}")
    query = Query(model)
    compiler = query.get_compiler(connection=connection)
    outer, outer_params = [], []
    for field in fields:
        if field.attname in computed:
            expression = computed[field.attname].resolve_expression(query, allow_joins=False, for_save=True)
            sql, params = compiler.compile(expression)
            outer.append(sql)
            outer_params += params
        else:
            outer.append(quote(field.column))
    table = quote(meta.db_table)
    source = "json_array_elements(%s::json) AS r" if postgres else "json_each(%s) AS r"
    rows = json.dumps(list(zip(*given)), default=lambda value: value.isoformat())
    wanted = [meta.pk.column, *(meta.get_field(name).column for name in returning)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(quote(field.column) for field in fields)}) "
            f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)} FROM {source}) AS {table} "
            f"RETURNING {', '.join(map(quote, wanted))}",
            [*outer_params, *inner_params, rows],
        )
        return cursor.fetchall()
