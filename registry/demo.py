"""The demo regency, *Kabupaten Sukamaju* (fixtures/demo.json, made by
fixtures/generate_demo.py): what ``siapkan_demo`` loads into an empty
registry for ``make run`` and the browser tests.

Its story (accounts registered over the autumn, checked through November,
the official accounts' contents of its last 60 days and the proofs staff
sent) ends on ``STORY_ENDS``; loading moves every date by the days since, so that
on whatever day the demo is loaded its checks are recent, its queue holds
what it held, and its last 90 days are on record: each past day's figures
are replayed from the demo's own accounts and checks as they stood that day
(``record_past_days``), so that Beranda's chart and Rekap's comparison show
the progress from the first day. Its official accounts have 90 days of
posts (``record_demo_posts``): most keep a schedule, one went quiet three
weeks ago, one has no data, so every activity list shows something.
"""

import datetime
import json
import random
from collections import Counter, defaultdict
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import DateTimeField, Sum
from django.utils import timezone

from registry import angka_sebar, posting
from registry.kemajuan import SPREAD_WINDOW, record_day, record_days, record_spread_days
from registry.kepatuhan import refresh_all
from registry.models import (
    AkunMedsos,
    BuktiSebar,
    HasilVerifikasi,
    Hitungan,
    JenisPosting,
    Kepatuhan,
    Konten,
    Pegawai,
    RekapUnit,
    Verifikasi,
)
from registry.sebaran import refresh_all_spread

DEMO_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo.json"
STORY_ENDS = datetime.date(2026, 11, 21)
DATE_FIELDS = ("dibuat_pada", "diubah_pada", "diverifikasi_pada", "waktu", "diperiksa_pada")
DAY_FIELDS = ("terbit", "batas")
PAST_DAYS = 90


@transaction.atomic
def load_demo():
    """The demo regency, its dates moved to end today, with what every write
    path keeps stored (the fixture is saved raw, past them) and its past days.
    One transaction: the fixture's rows refer to rows further on, which the
    database checks at its end."""
    shift = timezone.localdate() - STORY_ENDS
    objects = json.loads(DEMO_FIXTURE.read_text(encoding="utf-8"))
    for obj in objects:
        for name in DATE_FIELDS:
            value = obj["fields"].get(name)
            if value:
                moved = datetime.datetime.fromisoformat(value.replace("Z", "+00:00")) + shift
                obj["fields"][name] = moved.isoformat()
        for name in DAY_FIELDS:
            if obj["fields"].get(name):
                obj["fields"][name] = (datetime.date.fromisoformat(obj["fields"][name]) + shift).isoformat()
    save_raw(objects)
    refresh_all()
    refresh_all_spread()
    record_past_days()
    record_past_spread()
    record_demo_posts()
    record_day()


def save_raw(objects):
    """What ``loaddata`` does with the fixture, a model at a time instead of
    a row at a time: 2,900 rows in under a second where loaddata took eight,
    half of it recounting owners on every follow set it saved, which
    ``refresh_all`` computes once afterwards. Like loaddata it sends no save
    signal, writes over a row already there, keeps the fixture's own creation
    dates and moves the primary key sequences past the rows it wrote."""
    rows = defaultdict(list)
    links = defaultdict(list)  # many-to-many: the rows of each relation's table
    for saved in serializers.deserialize("python", objects):
        model = type(saved.object)
        rows[model].append(saved.object)
        for name, targets in saved.m2m_data.items():
            relation = getattr(model, name)
            through = relation.through
            source, target = relation.field.m2m_field_name(), relation.field.m2m_reverse_field_name()
            links[through] += [through(**{f"{source}_id": saved.object.pk, f"{target}_id": pk}) for pk in targets]
    for model, objs in rows.items():
        meta = model._meta
        # bulk_create stamps auto_now(_add) fields with the present moment;
        # they are written back as the fixture has them.
        stamped = [f for f in meta.concrete_fields if isinstance(f, DateTimeField) and (f.auto_now or f.auto_now_add)]
        kept = [[f.get_db_prep_value(getattr(obj, f.attname), connection) for f in stamped] + [obj.pk] for obj in objs]
        # A row already there (Pengaturan's, made by its migration) takes
        # the fixture's values, as loaddata's save would give it.
        fields = [f.name for f in meta.concrete_fields if not f.primary_key]
        model._base_manager.bulk_create(objs, batch_size=500, update_conflicts=True,
                                        unique_fields=[meta.pk.name], update_fields=fields)
        if stamped:
            quote = connection.ops.quote_name
            assignments = ", ".join(f"{quote(f.column)} = %s" for f in stamped)
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s", kept)
    for through, pairs in links.items():
        through.objects.bulk_create(pairs, batch_size=500)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [*rows, *links]):
            cursor.execute(sql)


# Official accounts by (platform, username): posts a day (feed, stories), and
# the days since their last post; absent: no data ever uploaded.
DEMO_POSTING = {
    ("instagram", "humas.sukamaju"): (2, 1, 0),
    ("tiktok", "humas.sukamaju"): (1, 0, 0),
    ("instagram", "dinkes.sukamaju"): (1, 1, 21),
    ("youtube", "diskominfo-sukamaju"): (1, 0, 1),
}


def record_demo_posts(days=PAST_DAYS):
    """The last ``days`` of posts of the official accounts in DEMO_POSTING,
    the same on every load but for the dates."""
    now = timezone.now()
    for (platform, username), (feed, stories, quiet) in DEMO_POSTING.items():
        official = AkunMedsos.objects.filter(platform=platform, username=username, instansi__isnull=False).first()
        if official is None:
            continue
        rng = random.Random(f"{platform}/{username}")
        items = []
        for back in range(days, quiet, -1):
            day = now - datetime.timedelta(days=back)
            for kind, per_day in ((JenisPosting.FEED, feed), (JenisPosting.STORY, stories)):
                count = int(per_day) + (rng.random() < per_day % 1)
                for _ in range(count):
                    moment = day.replace(hour=rng.randint(0, 12), minute=rng.randint(0, 59), second=0, microsecond=0)
                    items.append(posting.Item(moment, kind))
        posting.apply(official, items)


def record_past_days(days=PAST_DAYS):
    """Each of the last ``days`` days (today excepted) as it stood then: who
    had registered an account, whose latest check by then was valid. Follows
    carry no date, so a valid account follows then what it follows now."""
    accounts = defaultdict(list)
    for akun, owner, created in AkunMedsos.objects.filter(pegawai__isnull=False).values_list(
        "pk", "pegawai_id", "dibuat_pada"
    ):
        accounts[owner].append((created, akun))
    checks = defaultdict(list)
    for akun, when, hasil in Verifikasi.objects.order_by("waktu", "pk").values_list("akun_id", "waktu", "hasil"):
        checks[akun].append((when, hasil))
    staff = Pegawai.objects.filter(aktif=True).values_list(
        "pk", "instansi_id", "status_kepegawaian", "kepatuhan", "dibuat_pada"
    )
    today = timezone.localdate()
    by_day = {}
    for back in range(days - 1, 0, -1):
        day = today - datetime.timedelta(days=back)
        end = timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
        counts = Counter()
        for pk, unit, status, now, created in staff:
            if created <= end:
                counts[(unit, status, _state_then(accounts[pk], checks, end, now))] += 1
        by_day[day] = [(*key, n) for key, n in counts.items()]
    record_days(by_day)


def record_past_spread(days=PAST_DAYS):
    """Each of the last ``days`` days' spreading figures (today excepted) as
    they stood then: the proofs sent by the end of that day, of the contents
    published in the 30 days up to it, counted as they count now."""
    contents = list(Konten.objects.filter(wajib=True).values_list("pk", "terbit", "unit_pemilik__jalur"))
    proofs = list(BuktiSebar.objects.filter(hitungan__isnull=False).values_list(
        "konten_id", "unit_pemilik__jalur", "hitungan", "waktu"))
    active = Counter(dict(
        RekapUnit.objects.values_list("instansi__jalur").annotate(n=Sum("jumlah")).order_by()))
    today = timezone.localdate()
    by_day = {}
    for back in range(days - 1, 0, -1):
        day = today - datetime.timedelta(days=back)
        end = timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
        start = day - datetime.timedelta(days=SPREAD_WINDOW)
        window = {pk: path for pk, terbit, path in contents if start < terbit <= day}
        figures = defaultdict(angka_sebar.Angka)
        paths = Counter(window.values())
        for jalur, n in active.items():
            figures[jalur].terikat = n * angka_sebar.binding(paths, jalur)
        for konten, jalur, hitungan, waktu in proofs:
            if konten in window and waktu <= end:
                figures[jalur].add(angka_sebar.Angka(tepat=hitungan == Hitungan.TEPAT,
                                                     terlambat=hitungan == Hitungan.TERLAMBAT))
        by_day[day] = figures
    record_spread_days(by_day)


def _state_then(accounts, checks, end, now):
    registered = [akun for created, akun in accounts if created <= end]
    if not registered:
        return Kepatuhan.BELUM_PUNYA_AKUN
    latest = [[hasil for when, hasil in checks[akun] if when <= end][-1:] for akun in registered]
    if [HasilVerifikasi.VALID] not in latest:
        return Kepatuhan.BELUM_DIVERIFIKASI
    return now if now == Kepatuhan.PATUH else Kepatuhan.BELUM_MENGIKUTI
