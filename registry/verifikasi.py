"""Checks of accounts (DESIGN §3, Verifikasi): recording one, taking one
back, a result for many accounts at once. A check is the account's current
state from then on: its result, time and the follows it looked at."""

from django.db import transaction
from django.utils import timezone

from registry.kepatuhan import refresh_owners
from registry.kunci import account_units, lock_units_of
from registry.models import AkunMedsos, Verifikasi
from registry.riwayat import record_history
from registry.sebaran import accounts_changed


def apply_verification(verifikasi, checked=()):
    """Make a recorded check the account's current state.

    ``checked`` are the official accounts the checker looked for; follows
    to those are set from what the check saw (``verifikasi.mengikuti``),
    follows to any other account are left as they were.
    """
    akun = verifikasi.akun
    seen = {a.pk for a in verifikasi.mengikuti.all()}
    set_follows(akun, {a.pk for a in checked}, seen)
    akun.refresh_status()


def set_follows(akun, looked_at, following):
    """Follows of ``akun`` to the official accounts ``looked_at`` (ids):
    those in ``following`` and no others; other follows are left alone."""
    not_following = set(looked_at) - set(following)
    if not_following:
        akun.mengikuti.remove(*not_following)
    if following:
        akun.mengikuti.add(*following)


@transaction.atomic
def record_verification(akun, pemeriksa, hasil, seen=(), checked=(), melalui="", **fields):
    """Record one check of ``akun`` (see ``apply_verification``); ``melalui``
    names the screen in its history ("antrean verifikasi")."""
    verifikasi = Verifikasi(akun=akun, pemeriksa=pemeriksa, hasil=hasil, **fields)
    verifikasi._change_reason = melalui
    verifikasi.save()
    verifikasi.mengikuti.set(seen)
    apply_verification(verifikasi, checked)
    return verifikasi


@transaction.atomic
def undo_verification(verifikasi, checked, followed_before):
    """Take back a check recorded by mistake: the follows it looked for
    (``checked``) return to ``followed_before``, the check and its
    screenshot are deleted, and the account's state comes from the history
    again. Only for the latest check of its account: undoing an older one
    would leave the newer check's follows half-applied."""
    akun = verifikasi.akun
    # An official account looked at then may be gone now: its follow cannot
    # come back (its deletion locked the same units, so this reads after it).
    lock_units_of(lambda: account_units([akun.pk]) | set(
        AkunMedsos.objects.filter(pk__in=checked).values_list("instansi_id", flat=True)
    ))
    checked = set(AkunMedsos.objects.filter(pk__in=checked).values_list("pk", flat=True))
    set_follows(akun, checked, set(followed_before) & checked)
    screenshot = verifikasi.bukti.name
    verifikasi.delete()
    if screenshot:
        # After the commit: a rolled-back undo must keep its evidence.
        transaction.on_commit(lambda: verifikasi.bukti.storage.delete(screenshot))
    akun.refresh_status()


@transaction.atomic
def record_bulk_result(accounts, pemeriksa, hasil, catatan=""):
    """One check with the same result for each of ``accounts``, in a few queries.

    Nothing was looked for, so follows stay as they were; the new checks are
    the latest, so the accounts' state is set without reading the history.
    """
    now = timezone.now()
    lock_units_of(lambda: accounts.order_by().values_list("unit_pemilik_id", flat=True).distinct())
    rows = list(accounts.values_list("pk", "unit_pemilik_id"))
    pks = [pk for pk, _ in rows]
    checks = Verifikasi.objects.bulk_create(
        [Verifikasi(akun_id=pk, unit_pemilik_id=unit, waktu=now, pemeriksa=pemeriksa, hasil=hasil, catatan=catatan)
         for pk, unit in rows],
        batch_size=500,
    )
    record_history(Verifikasi, [check.pk for check in checks], "+", pemeriksa, "hasil massal")
    AkunMedsos.objects.filter(pk__in=pks).update(hasil_terakhir=hasil, diverifikasi_pada=now)
    refresh_owners(pks)
    accounts_changed(pks)
    return len(pks)
