"""Compliance (DESIGN §3): the rule, and everything that keeps it stored.

The invariant: after every write, inside the write's transaction,

- ``Pegawai.kepatuhan`` equals ``kepatuhan_expression()`` for every employee;
- ``WajibIkuti`` holds, per unit, the *wajib* official accounts of the unit
  and of every unit above it;
- ``RekapUnit`` counts each unit's active staff per status and state;
- ``AkunMedsos.unit_pemilik`` and ``Verifikasi.unit_pemilik`` are the unit of
  the account's owner (scope reads them).

``kepatuhan_expression`` is the one definition of the rule; the stored value
is written from it by one function, ``refresh_kepatuhan``. The write paths
that must reach it, and how each does:

- an employee added, edited, moved, deactivated, reactivated or deleted
  (admin form, import one by one): the Pegawai receivers below;
- an account added, edited, moved to another owner or deleted, alone, in an
  inline or by cascade; a *wajib* flag toggled: the AkunMedsos receivers;
- follows set through the relation (``akun.mengikuti.add``): ``_follows_changed``;
- a check recorded, corrected, undone or deleted (queue, admin, bulk result):
  ``registry.verifikasi``, through ``AkunMedsos.refresh_status`` (a receiver)
  or ``refresh_owners``;
- a unit created or moved with its subtree: the ``tree_changed`` receiver;
- a follower list applied: ``followers.apply`` calls ``refresh_owners``;
- every import confirm, roster sync included: the resources' ``write()``
  calls ``refresh_staff`` and ``sync_units``;
- a fixture loaded raw, a backup restored: ``refresh_all`` (``siapkan_demo``,
  ``periksa_kepatuhan --perbaiki``).

``drift`` and ``misplaced`` prove it (``periksa_kepatuhan``, and every test of
the suite through tests/conftest.py).
"""

from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from registry.kunci import (
    account_units,
    all_units,
    ancestor_units,
    concerned_units,
    lock_units,
    lock_units_of,
    owner_units,
    staff_units,
    subtree_units,
)
from registry.models import (
    AkunMedsos,
    HasilVerifikasi,
    Instansi,
    Kepatuhan,
    Pegawai,
    RekapUnit,
    Verifikasi,
    WajibIkuti,
    tree_changed,
)
from registry.pohon import outermost, path_ids
from registry.sql import chunked


def valid_follows(pegawai, official, platform):
    """The accounts by which ``pegawai`` follows ``official`` as DESIGN §3 counts it:
    valid ones, on the official account's platform."""
    return AkunMedsos.objects.filter(
        pegawai=pegawai, hasil_terakhir=HasilVerifikasi.VALID, platform=platform, mengikuti=official
    )


def kepatuhan_expression(platform=None):
    """The compliance state of the outer Pegawai row, as one SQL expression.

    The one definition of DESIGN §3's rule. It names no joined column of
    the outer row, so that it can be the value of an UPDATE as well as an
    annotation. With ``platform``, the question is asked of that platform
    alone: an account there, a valid one, following the required accounts
    there.
    """
    accounts = AkunMedsos.objects.filter(pegawai=OuterRef("pk"))
    # The official accounts the employee's unit must follow (its own and
    # those of every unit above it), kept per unit in WajibIkuti.
    required = WajibIkuti.objects.filter(instansi=OuterRef("instansi_id"))
    if platform:
        accounts = accounts.filter(platform=platform)
        required = required.filter(akun__platform=platform)
    valid = accounts.filter(hasil_terakhir=HasilVerifikasi.VALID)
    followed_by_valid = valid_follows(
        pegawai=OuterRef(OuterRef("pk")), official=OuterRef("akun_id"), platform=OuterRef("akun__platform")
    )
    missed = required.filter(~Exists(followed_by_valid))
    return Case(
        When(aktif=False, then=Value(None)),
        When(~Exists(accounts), then=Value(Kepatuhan.BELUM_PUNYA_AKUN)),
        When(~Exists(valid), then=Value(Kepatuhan.BELUM_DIVERIFIKASI)),
        When(Exists(missed), then=Value(Kepatuhan.BELUM_MENGIKUTI)),
        default=Value(Kepatuhan.PATUH),
        output_field=CharField(),
    )


@transaction.atomic
def refresh_kepatuhan(*staff, left=(), recount=False):
    """Store the compliance state of the employees in ``staff`` (Pegawai
    querysets) and recount their units.

    The one function through which every write keeps ``Pegawai.kepatuhan``
    and RekapUnit true, inside the write's transaction. Set-based: one
    UPDATE of ``kepatuhan_expression`` per queryset, whatever its size, that
    rewrites only the rows whose state differs; callers give id lists in
    ``chunked`` pieces. The units are recounted when a state changed, or
    when the write changed what is counted besides (``recount``: a unit,
    status or aktif), with ``left`` the units employees were moved out of.
    """
    state = kepatuhan_expression()
    differs = ~Q(Exact(Coalesce(F("kepatuhan"), Value("")), Coalesce(state, Value(""))))
    changed = sum(queryset.order_by().filter(differs).update(kepatuhan=state) for queryset in staff)
    if changed or recount or left:
        units = set(left)
        for queryset in staff:
            units.update(queryset.order_by().values_list("instansi_id", flat=True).distinct())
        recount_units(units)


def new_staff_state(aktif):
    """What ``kepatuhan_expression`` gives an employee inserted a moment
    ago, who can have no account yet. Bulk inserts store it up front, and
    refresh_kepatuhan, which still checks every new row against the rule,
    then finds nothing to rewrite: a rewrite writes a new entry into every
    index of the table, the GIN index of names included (bench/skala_bench.py,
    50,000 new employees into 1M: 85 ms per thousand rewritten, 2 ms checked)."""
    return Kepatuhan.BELUM_PUNYA_AKUN if aktif else None


def refresh_staff(pegawai_ids, left=(), recount=False):
    refresh_kepatuhan(
        *[Pegawai.objects.filter(pk__in=chunk) for chunk in chunked(pegawai_ids)], left=left, recount=recount
    )


def refresh_owners(akun_ids):
    """The owners of these accounts, after their results or follows changed."""
    refresh_kepatuhan(*[Pegawai.objects.filter(akun__pk__in=chunk) for chunk in chunked(akun_ids)])


# Units below which a recompute is a long scan worth compiling (see analytical()).
LARGE_SUBTREE = 500


def analytical():
    """Let PostgreSQL JIT-compile the rest of this transaction: a recompute
    of a large subtree is the one long scan the registry runs, and gains
    30 % from it (bench/skala_bench.py, the root's wajib toggled at 1M: 74 s
    → 53 s); config/settings.py turns JIT off for everything else."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = on")


@transaction.atomic
def refresh_subtrees(paths):
    """Everything below the units at ``paths``, after the tree or a required
    account changed there: first what each unit must follow, then its staff."""
    for path in outermost(paths):
        units = list(Instansi.objects.filter(jalur__startswith=path).values_list("pk", "jalur"))
        if len(units) >= LARGE_SUBTREE:
            analytical()
        rebuild_required(units)
        # What must be followed changed, nothing else: only staff with a
        # valid account can move between these two states.
        refresh_kepatuhan(
            Pegawai.objects.filter(
                instansi__jalur__startswith=path, kepatuhan__in=[Kepatuhan.BELUM_MENGIKUTI, Kepatuhan.PATUH]
            )
        )


def required_by_unit(units):
    """{unit id: [required official account ids]} for (pk, jalur) pairs."""
    owned = defaultdict(list)
    for pk, owner in AkunMedsos.objects.filter(wajib_diikuti=True).values_list("pk", "instansi_id"):
        owned[owner].append(pk)
    return {pk: [akun for unit in path_ids(path) for akun in owned.get(unit, ())] for pk, path in units}


def rebuild_required(units):
    """Rewrite WajibIkuti for ``units``, (pk, jalur) pairs."""
    for chunk in chunked([pk for pk, _ in units]):
        WajibIkuti.objects.filter(instansi_id__in=chunk).delete()
    WajibIkuti.objects.bulk_create(
        [WajibIkuti(instansi_id=unit, akun_id=akun) for unit, required in required_by_unit(units).items()
         for akun in required],
        batch_size=1000,
    )


def unit_counts(staff):
    """(unit, status, state, active staff) rows of ``staff``: what RekapUnit holds."""
    return (
        staff.filter(aktif=True, kepatuhan__isnull=False)
        .values_list("instansi_id", "status_kepegawaian", "kepatuhan")
        .annotate(n=Count("pk"))
        .order_by()
    )


def recount_units(unit_ids=None):
    """Recount RekapUnit for ``unit_ids`` (every unit when None) from the stored states.

    The units are locked first (registry.kunci; the write has normally
    locked them already), so that two writes touching one unit recount it
    one after the other, the second one counting the first one's employees.
    """
    if unit_ids is None:
        unit_ids = Instansi.objects.values_list("pk", flat=True)
    unit_ids = sorted(unit_ids)
    lock_units(unit_ids)
    for chunk in chunked(unit_ids):
        RekapUnit.objects.filter(instansi_id__in=chunk).delete()
        counts = unit_counts(Pegawai.objects.filter(instansi_id__in=chunk))
        RekapUnit.objects.bulk_create(
            [RekapUnit(instansi_id=unit, status_kepegawaian=status, kepatuhan=state, jumlah=n)
             for unit, status, state, n in counts],
            batch_size=1000,
        )


@transaction.atomic
def refresh_all():
    """Every unit's required accounts, every employee's state, every count,
    every account's unit: after loading a fixture, which bypasses the write
    paths, and by ``periksa_kepatuhan``."""
    lock_units(all_units())
    analytical()
    rebuild_required(list(Instansi.objects.values_list("pk", "jalur")))
    Pegawai.objects.update(kepatuhan=kepatuhan_expression())
    recount_units()
    sync_units(AkunMedsos.objects.all())


def _owner_unit():
    """The unit of the outer account's owner: the official account's own, or its employee's."""
    return Coalesce(F("instansi_id"), Subquery(Pegawai.objects.filter(pk=OuterRef("pegawai_id")).values("instansi_id")))


def _account_unit():
    """The unit_pemilik of the outer verification's account."""
    return Subquery(AkunMedsos.objects.filter(pk=OuterRef("akun_id")).values("unit_pemilik_id"))


def _differs(field, value):
    return ~Q(Exact(Coalesce(F(field), Value(0)), Coalesce(value, Value(0))))


def sync_units(accounts):
    """Store ``unit_pemilik`` on ``accounts`` (an AkunMedsos queryset) and on
    their verifications: after an owner moved to another unit or an account
    to another owner in bulk (single saves set it in ``_akun_before``). One
    UPDATE each, of the rows that differ."""
    accounts = accounts.order_by()
    accounts.filter(_differs("unit_pemilik_id", _owner_unit())).update(unit_pemilik=_owner_unit())
    Verifikasi.objects.filter(akun__in=accounts.values("pk")).filter(
        _differs("unit_pemilik_id", _account_unit())
    ).update(unit_pemilik=_account_unit())


def misplaced():
    """How many accounts and verifications have a unit_pemilik that is not their owner's."""
    return (
        AkunMedsos.objects.filter(_differs("unit_pemilik_id", _owner_unit())).count()
        + Verifikasi.objects.filter(_differs("unit_pemilik_id", _account_unit())).count()
    )


def drift(batch=50000, shown=10):
    """What is stored but no longer true, compared in batches of employees:
    (how many employees' stored state differs from the rule, the first
    ``shown`` of them as (nip, nik, stored), the units whose required
    accounts or counts differ)."""
    computed = Coalesce(kepatuhan_expression(), Value(""))
    differing, first = 0, []
    last = Pegawai.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for start in range(0, last + 1, batch):
        wrong = (
            Pegawai.objects.filter(pk__gte=start, pk__lt=start + batch)
            .alias(kini=computed)
            .exclude(kini=Coalesce(F("kepatuhan"), Value("")))
        )
        found = wrong.count()
        if found and len(first) < shown:
            first += wrong.order_by("pk").values_list("nip", "nik", "kepatuhan")[: shown - len(first)]
        differing += found
    units = list(Instansi.objects.values_list("pk", "jalur"))
    stored = defaultdict(set)
    for unit, akun in WajibIkuti.objects.values_list("instansi_id", "akun_id").iterator(chunk_size=5000):
        stored[unit].add(akun)
    wrong_units = {pk for pk, required in required_by_unit(units).items() if set(required) != stored.get(pk, set())}
    counted = {}
    for unit, status, state, n in RekapUnit.objects.values_list(
        "instansi_id", "status_kepegawaian", "kepatuhan", "jumlah"
    ).iterator(chunk_size=5000):
        counted[(unit, status, state)] = n
    for unit, status, state, n in unit_counts(Pegawai.objects.all()).iterator(chunk_size=5000):
        if counted.pop((unit, status, state), 0) != n:
            wrong_units.add(unit)
    wrong_units.update(unit for unit, _, _ in counted)
    return differing, first, wrong_units


# Single-object writes reach compliance through these receivers: the admin's
# forms and inlines, the queue and the Verifikasi admin (through
# AkunMedsos.refresh_status), a unit import (Instansi.save), deletes and
# their cascades. Bulk writes call refresh_* themselves: the importers'
# write(), record_bulk_result, followers.apply. Fixtures are loaded raw and
# followed by refresh_all.


@receiver(pre_save, sender=Instansi)
def _instansi_before(sender, instance, raw, **kwargs):
    """A unit created or moved: lock the ancestors it leaves and joins
    (whose wajib accounts it gains or loses) and, when it moves, everything
    below it (whose staff it takes along)."""
    if raw:
        return
    if instance._state.adding:
        lock_units_of(lambda: ancestor_units(instance.induk_id) if instance.induk_id else set())
        return
    parent = Instansi.objects.filter(pk=instance.pk).values_list("induk_id", flat=True).first()
    if parent != instance.induk_id:
        lock_units_of(lambda: (ancestor_units(instance.induk_id) if instance.induk_id else set())
                      | ancestor_units(instance.pk) | subtree_units(instance.pk))


@receiver(tree_changed, sender=Instansi)
def _tree_changed(sender, paths, **kwargs):
    refresh_subtrees(paths)


def _account_concerns(values):
    """Who an account's state concerns, from (pegawai, instansi, platform, wajib, hasil)."""
    if values is None:
        return None
    pegawai, instansi, platform, wajib, hasil = values
    if pegawai:
        return ("pegawai", pegawai, platform, hasil)
    return ("wajib", instansi, platform) if wajib else None


def account_changed(before, after):
    """An account added, edited, moved to another owner or deleted."""
    before, after = _account_concerns(before), _account_concerns(after)
    if before == after:
        return
    concerned = [c for c in (before, after) if c]
    units = [c[1] for c in concerned if c[0] == "wajib"]
    if units:
        refresh_subtrees(Instansi.objects.filter(pk__in=units).values_list("jalur", flat=True))
    owners = [c[1] for c in concerned if c[0] == "pegawai"]
    if owners:
        refresh_staff(owners)


ACCOUNT_FIELDS = ["pegawai_id", "instansi_id", "platform", "wajib_diikuti", "hasil_terakhir"]
# What AkunMedsos.refresh_status saves: the latest check.
RESULT_FIELDS = {"hasil_terakhir", "diverifikasi_pada"}


def _lock_for_account(pk, after=None, required=True):
    """Lock what saving (``after``: its new pegawai, instansi, wajib) or deleting
    (None) the account ``pk`` touches; its stored values, read under the lock.
    ``required``: whether the write can change what staff must follow (see
    ``concerned_units``)."""
    def read():
        units = owner_units(*after) if after else set()
        if pk is not None:
            units |= concerned_units([pk], required)
        return units

    lock_units_of(read)
    return AkunMedsos.objects.filter(pk=pk).values_list(*ACCOUNT_FIELDS).first() if pk is not None else None


@receiver(pre_save, sender=Pegawai)
def _pegawai_before(sender, instance, raw, **kwargs):
    instance._unit_before = None
    if raw:
        return
    if instance._state.adding:
        lock_units([instance.instansi_id])
        return
    lock_units_of(lambda: staff_units([instance.pk]) | {instance.instansi_id})
    instance._unit_before = Pegawai.objects.filter(pk=instance.pk).values_list("instansi_id", flat=True).first()


@receiver(post_save, sender=Pegawai)
def _pegawai_saved(sender, instance, raw, **kwargs):
    """An employee added, edited, moved, deactivated or reactivated."""
    if raw:
        return
    moved = instance._unit_before not in (None, instance.instansi_id)
    if moved:
        sync_units(AkunMedsos.objects.filter(pegawai=instance))
    refresh_staff([instance.pk], left=[instance._unit_before] if moved else [], recount=True)
    instance.kepatuhan = Pegawai.objects.values_list("kepatuhan", flat=True).get(pk=instance.pk)


@receiver(pre_delete, sender=Pegawai)
def _pegawai_deleting(sender, instance, **kwargs):
    lock_units_of(lambda: staff_units([instance.pk]))


@receiver(post_delete, sender=Pegawai)
def _pegawai_deleted(sender, instance, **kwargs):
    recount_units([instance.instansi_id])


@receiver(pre_save, sender=AkunMedsos)
def _akun_before(sender, instance, raw, update_fields, **kwargs):
    instance._before = None
    if raw:
        return
    # An official account's latest result is nobody's compliance: its own
    # unit is locked, not every unit whose staff must follow it (a follower
    # list's check would otherwise lock the tree below a root account).
    required = update_fields is None or not set(update_fields) <= RESULT_FIELDS
    owner = (instance.pegawai_id, instance.instansi_id, instance.wajib_diikuti and required)
    instance._before = _lock_for_account(None if instance._state.adding else instance.pk, owner, required)
    if update_fields is None or "unit_pemilik" in update_fields:
        # From the owner's row as it is under the lock, not as loaded earlier.
        instance.unit_pemilik_id = instance.instansi_id or (
            next(iter(staff_units([instance.pegawai_id])), None) if instance.pegawai_id else None
        )


@receiver(post_save, sender=AkunMedsos)
def _akun_saved(sender, instance, raw, **kwargs):
    if raw:
        return
    after = tuple(getattr(instance, f) for f in ACCOUNT_FIELDS)
    if instance._before and instance._before[:2] != after[:2]:
        # Moved to another owner: its checks follow it into the new scope.
        sync_units(AkunMedsos.objects.filter(pk=instance.pk))
    account_changed(instance._before, after)


@receiver(pre_delete, sender=AkunMedsos)
def _akun_deleting(sender, instance, **kwargs):
    _lock_for_account(instance.pk)


@receiver(post_delete, sender=AkunMedsos)
def _akun_deleted(sender, instance, **kwargs):
    """Deleted alone, in a list, or with its owner (cascade)."""
    account_changed(tuple(getattr(instance, f) for f in ACCOUNT_FIELDS), None)


@receiver(pre_save, sender=Verifikasi)
def _verifikasi_before(sender, instance, raw, **kwargs):
    if raw:
        return
    units = lock_units_of(lambda: account_units([instance.akun_id]))
    if instance.unit_pemilik_id is None:
        # Its account's unit as it is under the lock: an import may have
        # moved the owner since the page that records this check was read.
        instance.unit_pemilik_id = next(iter(units), None)


@receiver(pre_delete, sender=Verifikasi)
def _verifikasi_deleting(sender, instance, **kwargs):
    lock_units_of(lambda: account_units([instance.akun_id]))


@receiver(m2m_changed, sender=AkunMedsos.mengikuti.through)
def _follows_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Follows set through the relation itself (``akun.mengikuti.add``)."""
    if action == "pre_clear" and reverse:
        instance._cleared_followers = list(instance.pengikut.values_list("pk", flat=True))
    if action.startswith("pre_"):
        followers = (pk_set or getattr(instance, "_cleared_followers", [])) if reverse else [instance.pk]
        lock_units_of(lambda: account_units(followers))
        return
    followers = (pk_set or getattr(instance, "_cleared_followers", [])) if reverse else [instance.pk]
    refresh_owners(followers)
