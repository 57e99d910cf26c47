"""Whether official accounts keep their posting schedule (DESIGN §10): an
account's figures for any dates, its last 90 days as a strip, its weeks
against the target, and the accounts gone quiet or without data.

Days are the account's unit's days (``posting.zone_of``): a post at 23.30
WIT is on the next day in WIB. An account's figures read only its own posts
in the period (index ``registry_posting_waktu_idx``); the lists read the
newest post and last upload stored on each account, never the posts.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from registry import aturan_sebar
from registry.models import JenisPosting, Pengaturan, Posting, TargetJenis
from registry.posting import zone_of, zones_of

STRIP_DAYS = 90
CHART_WEEKS = 13


def weekly_target(official, settings_row=None):
    return official.target_posting if official.target_posting is not None else (
        settings_row or Pengaturan.current()).target_posting


@dataclass
class Figures:
    start: datetime.date
    end: datetime.date
    by_kind: dict  # {JenisPosting: posts}
    counted: int  # posts of the kinds the target counts
    target: int  # posts the target asks for in the period
    days_without: int  # days without a counted post
    longest_gap: int  # the most days in a row without a counted post
    newest_post: datetime.datetime
    uploaded: datetime.datetime

    @property
    def met(self):
        return self.counted >= self.target

    @property
    def days(self):
        return (self.end - self.start).days + 1


def _window(start, end, zone):
    return (datetime.datetime.combine(start, datetime.time(), zone),
            datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), zone))


def _count(rows, zone, kinds):
    """{day: posts of ``kinds``} and {kind: posts} of (waktu, jenis) rows, days in ``zone``."""
    per_day, by_kind = {}, dict.fromkeys(JenisPosting, 0)
    for waktu, jenis in rows:
        by_kind[jenis] += 1
        if kinds is None or jenis in kinds:
            day = waktu.astimezone(zone).date()
            per_day[day] = per_day.get(day, 0) + 1
    return per_day, by_kind


def _local_days(official, start, end, kinds=None):
    """{day: posts} of ``official`` from ``start`` to ``end`` (its unit's days), and {kind: posts}."""
    zone = zone_of(official)
    since, until = _window(start, end, zone)
    posts = Posting.objects.filter(akun=official, waktu__gte=since, waktu__lt=until)
    return _count(posts.values_list("waktu", "jenis"), zone, kinds)


def _figures(official, start, end, per_day, by_kind, weekly):
    days = [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]
    longest = gap = 0
    for day in days:
        gap = 0 if per_day.get(day) else gap + 1
        longest = max(longest, gap)
    return Figures(
        start, end, by_kind,
        counted=sum(per_day.values()),
        target=-(-weekly * len(days) // 7),
        days_without=sum(1 for day in days if not per_day.get(day)),
        longest_gap=longest,
        newest_post=official.posting_terakhir,
        uploaded=official.data_posting_diunggah,
    )


def figures(official, start, end, settings_row=None):
    """The account's ``Figures`` from ``start`` to ``end`` (dates, both included)."""
    per_day, by_kind = _local_days(official, start, end, TargetJenis(official.target_jenis).kinds)
    return _figures(official, start, end, per_day, by_kind, weekly_target(official, settings_row))


def figures_of_many(accounts, start, end, settings_row=None):
    """{account: Figures} of a page of official accounts, in two queries:
    their units' zones and their posts of the period."""
    settings_row = settings_row or Pengaturan.current()
    zones = zones_of([akun.instansi for akun in accounts])
    rows = {akun.pk: [] for akun in accounts}
    # Wide enough for every zone; each account keeps its own days below.
    since = datetime.datetime.combine(start - datetime.timedelta(days=1), datetime.time(), datetime.UTC)
    until = datetime.datetime.combine(end + datetime.timedelta(days=2), datetime.time(), datetime.UTC)
    posts = Posting.objects.filter(akun__in=list(rows), waktu__gte=since, waktu__lt=until)
    for akun, waktu, jenis in posts.values_list("akun_id", "waktu", "jenis").iterator(chunk_size=5000):
        rows[akun].append((waktu, jenis))
    result = {}
    for akun in accounts:
        zone = zones[akun.instansi_id]
        low, high = _window(start, end, zone)
        own = [(waktu, jenis) for waktu, jenis in rows[akun.pk] if low <= waktu < high]
        per_day, by_kind = _count(own, zone, TargetJenis(akun.target_jenis).kinds)
        result[akun] = _figures(akun, start, end, per_day, by_kind, weekly_target(akun, settings_row))
    return result


def strip(official, today=None):
    """The last STRIP_DAYS days, oldest first: (day, posts counted by the target)."""
    today = today or timezone.localdate(timezone=zone_of(official))
    start = today - datetime.timedelta(days=STRIP_DAYS - 1)
    per_day, _ = _local_days(official, start, today, TargetJenis(official.target_jenis).kinds)
    return [(start + datetime.timedelta(days=i), per_day.get(start + datetime.timedelta(days=i), 0))
            for i in range(STRIP_DAYS)]


def weeks(days, target):
    """The strip's days summed per week (Monday first), last CHART_WEEKS
    weeks: (Monday, posts, met)."""
    totals = {}
    for day, posts in days:
        monday = day - datetime.timedelta(days=day.weekday())
        totals[monday] = totals.get(monday, 0) + posts
    return [(monday, posts, posts >= target) for monday, posts in sorted(totals.items())][-CHART_WEEKS:]


def official_accounts(user):
    """The official accounts ``user`` sees, with their unit."""
    return aturan_sebar.official_accounts(user).select_related("instansi")


def quiet(user, now=None, settings_row=None):
    """Official accounts whose newest post is older than
    ``Pengaturan.tidak_aktif_hari`` (*Akun resmi tidak aktif*), longest quiet
    first. Only on data uploaded within ``tanpa_data_hari``: older data
    cannot say the account stopped (it is *Belum ada data*)."""
    settings_row = settings_row or Pengaturan.current()
    now = now or timezone.now()
    since = now - datetime.timedelta(days=settings_row.tidak_aktif_hari)
    fresh = now - datetime.timedelta(days=settings_row.tanpa_data_hari)
    return (official_accounts(user).filter(data_posting_diunggah__gte=fresh)
            .filter(Q(posting_terakhir__lt=since) | Q(posting_terakhir__isnull=True))
            .order_by("posting_terakhir", "instansi__jalur", "username"))


def without_data(user, now=None, settings_row=None):
    """Official accounts whose posts were never uploaded, or not for
    ``Pengaturan.tanpa_data_hari`` (*Belum ada data*)."""
    settings_row = settings_row or Pengaturan.current()
    since = (now or timezone.now()) - datetime.timedelta(days=settings_row.tanpa_data_hari)
    return (official_accounts(user)
            .filter(Q(data_posting_diunggah__lt=since) | Q(data_posting_diunggah__isnull=True))
            .order_by("instansi__jalur", "platform", "username"))


def days_since(moment, now=None):
    """Whole days from ``moment`` to now, or None."""
    return None if moment is None else ((now or timezone.now()) - moment).days


@dataclass
class Unit:
    """A unit's official accounts by activity, for Rekap."""

    akun: int = 0
    aktif: int = 0
    tidak_aktif: int = 0
    tanpa_data: int = 0

    def add(self, other):
        for name in ("akun", "aktif", "tidak_aktif", "tanpa_data"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def per_unit(user, jalur, branch, now=None, settings_row=None):
    """{branch(path): Unit} of the official accounts ``user`` sees under
    ``jalur``, from the newest post and last upload each account stores."""
    settings_row = settings_row or Pengaturan.current()
    now = now or timezone.now()
    quiet_since = now - datetime.timedelta(days=settings_row.tidak_aktif_hari)
    stale_since = now - datetime.timedelta(days=settings_row.tanpa_data_hari)
    units = {}
    accounts = official_accounts(user).filter(instansi__jalur__startswith=jalur).values_list(
        "instansi__jalur", "posting_terakhir", "data_posting_diunggah")
    for path, newest, uploaded in accounts:
        counts = units.setdefault(branch(path), Unit())
        counts.akun += 1
        if uploaded is None or uploaded < stale_since:
            counts.tanpa_data += 1
        elif newest is None or newest < quiet_since:
            counts.tidak_aktif += 1
        else:
            counts.aktif += 1
    return units
