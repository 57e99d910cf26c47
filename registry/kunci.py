"""Locks: writes that touch the same units take turns, always in one order.

Stored compliance (registry.kepatuhan) is computed by SQL statements that
read other tables: an employee's state from their accounts, checks, follows
and the required accounts of their unit. Under PostgreSQL's READ COMMITTED
two writes touching one employee at once would each compute from a snapshot
without the other's changes, and the last to commit would store a state the
rule no longer gives (issue 15 saw it: an import moving staff while their
accounts were checked). So every write follows one protocol:

1. Before its first write, it locks the units whose staff, accounts, checks,
   follows or counts it will change: their ``Instansi`` rows, ``FOR NO KEY
   UPDATE``, in id order (``lock_units``). Two writes sharing a unit then run
   one after the other, and every statement of the second one, taken after
   the first committed, sees the first one's changes.
2. What a new row derives from another (an account's ``unit_pemilik`` from
   its owner, a check's from its account) is read after that lock, from the
   database, never from an object loaded earlier (``lock_units_of`` reads,
   locks, and reads again until what it read is locked).
3. Every write takes its unit locks before any other row lock, and all of
   them in one statement where it can, so two writes cannot hold units the
   other waits for. A write that meets a unit late (an employee moved while
   it waited) may still lose a deadlock: registry.transaksi runs it again.
4. What decides whether a write may happen is read under the same locks.
   A deletion refused while checks refer to the row (``PROTECT``) counts
   them before it deletes: counted before the lock, a check recorded
   meanwhile is missed and the deletion fails at COMMIT. The admin locks
   before its forms and deletion pages read (``ScopedAdmin.units_changed``),
   the queue before it reads the account it records.

Which units each write locks, and where: an employee saved or deleted (its
old and new unit), an account saved or deleted (its owner's old and new
unit; for a *wajib* official account, every unit below its owner, but its
own unit alone when only its latest result changes), a check
saved or deleted, follows changed (the follower's unit): the receivers of
registry.kepatuhan; a unit created or moved (its old and new ancestors and
its subtree): the Instansi receiver there; the bulk writes lock themselves:
the importers' ``write()`` (a proofs sheet, written a window at a time,
locks every unit of the staff it names before its first window),
``verifikasi.record_bulk_result`` and
``undo_verification``, ``followers.apply`` (the units of the follows it
changes), ``kepatuhan.refresh_all``.

``FOR NO KEY UPDATE``, not ``FOR UPDATE``: a foreign-key check (a new
employee or check naming the unit) takes ``FOR KEY SHARE``, which only
``FOR UPDATE`` blocks. SQLite takes the database's write lock when a
transaction begins (IMMEDIATE): its writes never overlap, and these
functions lock nothing there.
"""

from django.db import connection

from registry.models import AkunMedsos, Instansi, Pegawai
from registry.pohon import path_ids
from registry.sql import any_batches, any_of, chunked


def lock_units(unit_ids):
    """Lock the units (ids) for the rest of the transaction, in id order."""
    ids = sorted({pk for pk in unit_ids if pk is not None})
    # Outside a transaction a lock would end with its own statement.
    if not ids or connection.vendor != "postgresql" or not connection.in_atomic_block:
        return
    for chunk in chunked(ids, 5000):
        list(Instansi.objects.filter(pk__in=chunk).order_by("pk").select_for_update(no_key=True).values_list("pk"))


def lock_units_of(read):
    """Lock the units ``read()`` names, and read again until every unit it
    names is locked: a unit read before the lock may have changed while
    waiting for it (an employee moved). Returns the units, locked."""
    units = set(read()) - {None}
    while True:
        lock_units(units)
        again = set(read()) - {None}
        if again <= units:
            return again
        units |= again


def staff_units(pegawai_ids):
    """The units the employees are in now."""
    units = set()
    for chunk in any_batches(pegawai_ids):
        units.update(Pegawai.objects.filter(any_of("pk", chunk)).values_list("instansi_id", flat=True).distinct())
    return units


def account_units(akun_ids):
    """The units whose data the accounts are now (``unit_pemilik``)."""
    units = set()
    for chunk in chunked(akun_ids):
        units.update(AkunMedsos.objects.filter(pk__in=chunk).values_list("unit_pemilik_id", flat=True).distinct())
    return units


def owner_units(pegawai_id, instansi_id, wajib):
    """The units an account of this owner concerns: its owner's, and for a
    wajib official account every unit below, whose staff must follow it."""
    if pegawai_id:
        return staff_units([pegawai_id])
    if instansi_id:
        return subtree_units(instansi_id) if wajib else {instansi_id}
    return set()


def concerned_units(akun_ids, required=True):
    """The units that saving or deleting the accounts changes, as they are now;
    without ``required``, a wajib official account's own unit, not every unit
    below it (a change of its latest result alone concerns nobody's compliance)."""
    rows = []
    for chunk in chunked(akun_ids):
        rows += AkunMedsos.objects.filter(pk__in=chunk).values_list("pegawai_id", "instansi_id", "wajib_diikuti")
    units = staff_units([pegawai for pegawai, _, _ in rows if pegawai])
    for pegawai, instansi, wajib in rows:
        if not pegawai:
            units |= owner_units(None, instansi, wajib and required)
    return units


def subtree_units(unit_id):
    """A unit and every unit below it, as they are now."""
    jalur = Instansi.objects.filter(pk=unit_id).values_list("jalur", flat=True).first()
    if not jalur:
        return set()
    return set(Instansi.objects.filter(jalur__startswith=jalur).values_list("pk", flat=True))


def ancestor_units(unit_id):
    """A unit and every unit above it, as they are now."""
    jalur = Instansi.objects.filter(pk=unit_id).values_list("jalur", flat=True).first()
    return set(path_ids(jalur)) if jalur else set()


def all_units():
    return set(Instansi.objects.values_list("pk", flat=True))
