"""History: who changed what, when and through what.

django-simple-history keeps a history table per model and records every
single save. Bulk writes (imports, bulk results) record theirs here, copied
by the database from the rows just written; ``sentence`` reads a change as a
clerk would.
"""

from django.db import connection
from django.utils import timezone

from registry import identity
from registry.sql import any_batches, any_of


def record_history(model, pks, kind, user=None, reason=""):
    """History records of rows already written, copied by the database.

    simple-history's ``bulk_create_with_history`` builds a Python model
    instance per row and inserts it value by value: with it a 50,000-row
    import took 1.7x as long as without history (bench/import_bench.py).
    One ``INSERT … SELECT`` per batch of ids does the same in the database
    and records exactly what was stored. ``kind`` is simple-history's "+"
    (created) or "~" (changed); ``user`` and ``reason`` its who and through
    what. Call it in the transaction that wrote the rows.
    """
    history = model.history.model
    quote = connection.ops.quote_name
    copied = ", ".join(quote(f.column) for f in history.tracked_fields)
    constants = [
        connection.ops.adapt_datetimefield_value(timezone.now()),
        kind,
        user.pk if user is not None and user.pk else None,
        reason,
    ]
    for batch in any_batches(pks):
        # The rows by ``any_of``, as every batched look-up asks for them.
        query = model.objects.filter(any_of("pk", batch)).query
        wanted, params = query.where.as_sql(query.get_compiler(connection=connection), connection)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} "
                f"({copied}, history_date, history_type, history_user_id, history_change_reason) "
                f"SELECT {copied}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} WHERE {wanted}",
                [*constants, *params],
            )


def sentence(change, full_nik=True):
    """ "NIP diubah dari … menjadi …", as a clerk reads a change."""
    old, new = change["old"], change["new"]
    if change["field"] == "NIK" and not full_nik:
        old, new = identity.masked(old), identity.masked(new)
    return f"{change['field']} diubah dari {old or '(kosong)'} menjadi {new or '(kosong)'}"
