"""Posts of an official account, from data the agency exported itself
(DESIGN §10): read, checked to be that account's, and recorded.

Nothing here contacts a platform. Four sources, told apart by content:

- Instagram's *Download your information*: the ZIP, or ``posts_1.json``,
  ``reels.json``, ``stories.json`` (under ``content/`` in older exports,
  ``your_instagram_activity/media/`` in newer ones), or their HTML twins.
  Each item has a ``creation_timestamp`` (seconds, UTC) and no link, so
  these posts are known by account, kind and time.
- TikTok's data export (``user_data.json``): the account's own posts under
  ``Post › Posts › VideoList`` (older: ``Video › Videos``), each with
  ``Date`` (UTC) and ``Link``. The browsing and liked lists beside them
  hold other people's videos and are never read.
- Meta Business Suite's content export (CSV or xlsx): a publish time and a
  permalink column, English or Indonesian headers, in the page's local time.
- A plain list (xlsx/csv): a link and a date per row, local time.

An export that names its owner (Instagram's archive name and
``personal_information.json``, TikTok's profile, Business Suite's account
column, a link's handle) must name the official account it is uploaded for.
Recording adds only posts not yet recorded (``Posting``'s unique
constraints), so the same or an overlapping export again adds nothing;
``apply`` and ``remove`` are the only writes of posts.
"""

import datetime
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from registry import arsip, handles, sheets
from registry.kunci import lock_units
from registry.models import AkunMedsos, Instansi, JenisPosting, Konten, Posting

ADVICE = "unggah berkas posts_1.json, reels.json dan stories.json dari arsip ZIP-nya"
EARLIEST = datetime.datetime(2004, 1, 1, tzinfo=datetime.UTC)
BATCH = 1000
_INSTAGRAM_MEMBER = re.compile(r"(^|/)(posts_\d+|reels|stories|igtv_videos)\.(json|html)$", re.I)
_TIKTOK_MEMBER = re.compile(r"(^|/)user_data[^/]*\.json$", re.I)
_KIND_OF_MEMBER = {"posts": JenisPosting.FEED, "reels": JenisPosting.REELS, "igtv_videos": JenisPosting.REELS,
                   "stories": JenisPosting.STORY}
# Instagram's HTML export writes each item's time as "Jan 05, 2026 7:15 pm".
_HTML_TIME = re.compile(r"([A-Z][a-z]{2}) (\d{1,2}), (\d{4}),? (\d{1,2}):(\d{2}) ?([ap]m)", re.I)
_MONTHS = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                       "dec"], 1)}
_AMERICAN_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4}.*)$")
# Business Suite and plain lists: the normalised heading of each column read.
LINK_HEADERS = {"permalink", "tautanpermanen", "tautan", "link", "url", "tautanposting", "linkpostingan"}
TIME_HEADERS = {"publishtime", "waktupublikasi", "waktudipublikasikan", "tanggal", "waktu", "date", "tanggalposting",
                "waktuposting", "datetime"}
KIND_HEADERS = {"posttype", "jenispostingan", "jenis", "tipe", "type"}
TITLE_HEADERS = {"title", "judul", "description", "deskripsi", "keterangan", "caption"}
OWNER_HEADERS = {"accountusername", "namapenggunaakun", "username"}


@dataclass
class Item:
    waktu: datetime.datetime
    jenis: str
    tautan: str = ""
    judul: str = ""


@dataclass
class PostList:
    items: list = field(default_factory=list)
    # (where, why) of what could not be read as a post of this account.
    refused: list = field(default_factory=list)
    # Whose export it says it is: {where it says so: username}.
    owners: dict = field(default_factory=dict)


def zones_of(units):
    """{unit id: the time zone its days are counted in}: its own, the nearest
    unit above that sets one, or the registry's; one query for all."""
    ancestors = {pk for unit in units for pk in unit.ancestor_ids}
    zones = dict(Instansi.objects.filter(pk__in=ancestors).exclude(zona_waktu="").values_list("pk", "zona_waktu"))
    chosen = {}
    for unit in units:
        named = next((zones[pk] for pk in reversed(unit.ancestor_ids) if pk in zones), settings.TIME_ZONE)
        chosen[unit.pk] = ZoneInfo(named)
    return chosen


def zone_of(official):
    """The time zone an official account's days are counted in."""
    if official.instansi is None:
        return ZoneInfo(settings.TIME_ZONE)
    return zones_of([official.instansi])[official.instansi_id]


def read(data, file_name, official):
    """The posts in an export of ``official``'s account, or ``sheets.FileRejected``."""
    sheets.check_bytes(data, ADVICE)
    zone = zone_of(official)
    if data.startswith(b"PK\x03\x04"):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            if "xl/workbook.xml" in archive.namelist():
                result = _from_sheet(data, file_name, official, zone)
            else:
                result = _from_archive(archive, official, zone)
        except sheets.ZIP_ERRORS:
            raise sheets.FileRejected("Arsip ZIP rusak atau tidak lengkap; unduh ulang dari platformnya.") from None
    else:
        result = _from_document(data, file_name, official, zone)
    named = arsip.archive_owner(file_name) if official.platform == handles.INSTAGRAM else None
    if named:
        result.owners.setdefault(f"nama berkas {file_name}", named)
    refusal = arsip.owner_refusal(result.owners, official, "data posting")
    if refusal:
        raise refusal
    if not result.items and not result.refused:
        raise sheets.FileRejected(
            f"Berkas {file_name} tidak berisi posting. Unggah ZIP unduhan informasi Instagram (bagian Konten), "
            "user_data.json TikTok, ekspor konten Meta Business Suite, atau daftar berkolom Tautan dan Tanggal."
        )
    return result


def _from_archive(archive, official, zone):
    wanted = _INSTAGRAM_MEMBER if official.platform == handles.INSTAGRAM else _TIKTOK_MEMBER
    missing = ("Arsip ZIP ini tidak berisi data posting (posts_1.json, reels.json, stories.json, atau user_data.json). "
               "Saat meminta unduhan informasi, pilih bagian Konten, format JSON.")
    result = PostList()
    for member, content in arsip.members(archive, wanted.search, missing):
        found = _from_document(content, member.filename, official, zone)
        result.items += found.items
        result.refused += found.refused
        result.owners.update(found.owners)
    profile = arsip.profile_owner(archive)
    if profile:
        result.owners[profile[0]] = profile[1]
    return result


def _member_kind(file_name):
    stem = file_name.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()
    return _KIND_OF_MEMBER.get(re.sub(r"_\d+$", "", stem), JenisPosting.FEED)


def _from_document(data, file_name, official, zone):
    text = sheets.decode(data)
    stripped = text.lstrip()
    short = file_name.rsplit("/", 1)[-1]
    if stripped.startswith(("{", "[")):
        try:
            node = json.loads(stripped)
        except (ValueError, RecursionError):
            raise sheets.FileRejected(f"Berkas JSON {short} rusak; unduh ulang dari platformnya.") from None
        result = PostList()
        owner = arsip.tiktok_profile_owner(node)
        if owner:
            result.owners[f"profil di {short}"] = owner
        entries = _tiktok_posts(node) if owner or official.platform == handles.TIKTOK else _instagram_items(node)
        for where, moment, link, title, kind in entries:
            _add(result, f"{short} {where}", moment, link, title, kind or _member_kind(file_name), official)
        return result
    if "<html" in stripped[:2000].lower():
        return _from_html(text, short, official, zone)
    return _from_sheet(data, file_name, official, zone)


def _instagram_items(node):
    """(where, time, link, caption, kind) of every item in posts_1.json,
    reels.json or stories.json: a list of posts each with ``media``, or a
    dict ("ig_reels_media", "ig_stories") holding such a list."""
    if isinstance(node, dict):
        lists = [v for k, v in node.items() if isinstance(v, list) and k.startswith("ig_")]
        node = lists[0] if lists else []
    for number, post in enumerate(node if isinstance(node, list) else [], 1):
        if not isinstance(post, dict):
            yield f"butir {number}", None, "", "", None
            continue
        media = post.get("media") if isinstance(post.get("media"), list) and post.get("media") else [post]
        first = media[0]
        # Public readers of these exports type a video post's media as a list of media.
        if isinstance(first, list):
            first = first[0] if first else {}
        first = first if isinstance(first, dict) else {}
        moment = post.get("creation_timestamp") or first.get("creation_timestamp")
        title = post.get("title") or first.get("title") or ""
        yield f"butir {number}", _from_timestamp(moment), "", _fix_mojibake(title), None


def _tiktok_posts(node):
    """(where, time, link, caption, kind) of the account's own posts in a
    TikTok export: Post › Posts › VideoList (Video › Videos in older ones)."""
    for section, inner in (("Post", "Posts"), ("Video", "Videos")):
        posts = node.get(section, {}) if isinstance(node, dict) else {}
        videos = posts.get(inner, {}) if isinstance(posts, dict) else {}
        listed = videos.get("VideoList") if isinstance(videos, dict) else None
        for number, video in enumerate(listed if isinstance(listed, list) else [], 1):
            if not isinstance(video, dict):
                yield f"butir {number}", None, "", "", JenisPosting.REELS
                continue
            moment = _utc_text(video.get("Date"))
            yield (f"butir {number}", moment, str(video.get("Link") or ""), str(video.get("Title") or ""),
                   JenisPosting.REELS)


def _from_html(text, short, official, zone):
    result = PostList()
    kind = _member_kind(short)
    for number, found in enumerate(_HTML_TIME.finditer(text), 1):
        month, day, year, hour, minute, half = found.groups()
        try:
            hour = int(hour) % 12 + (12 if half.lower() == "pm" else 0)
            moment = datetime.datetime(int(year), _MONTHS[month.lower()], int(day), hour, int(minute), tzinfo=zone)
        except (KeyError, ValueError):
            moment = None
        _add(result, f"{short} butir {number}", moment, "", "", kind, official)
    return result


def _from_sheet(data, file_name, official, zone):
    """Business Suite's export or a plain list: the columns named like a link,
    a time, a kind, a caption and the account; local time."""
    rows, _, _ = sheets.read_rows(data, file_name)
    header_at = next((i for i, row in enumerate(rows[:sheets.HEADER_SEARCH_ROWS])
                      if {sheets.match_key(c) for c in row} & TIME_HEADERS), None)
    if header_at is None:
        raise sheets.FileRejected(
            f"Berkas {file_name} tidak punya kolom waktu posting. Beri judul kolom Tanggal (atau Publish time) "
            "dan Tautan (atau Permalink), lalu unggah ulang."
        )
    keys = [sheets.match_key(c) for c in rows[header_at]]

    def column(names):
        return next((i for i, key in enumerate(keys) if key in names), None)

    at, link, kind, title, owner = map(column, (TIME_HEADERS, LINK_HEADERS, KIND_HEADERS, TITLE_HEADERS,
                                                 OWNER_HEADERS))
    result = PostList()
    for number, row in enumerate(rows[header_at + 1:], header_at + 2):
        def cell(i):
            return sheets.cell_text(row[i]) if i is not None and i < len(row) else ""
        if not any(sheets.cell_text(c) for c in row):
            continue
        try:
            with timezone.override(zone):
                moment = sheets.cell_datetime(_month_first(row[at] if at < len(row) else None, keys[at]))
        except ValueError:
            moment = None
        stated = cell(owner).lstrip("@").lower()
        if stated and official.platform == handles.INSTAGRAM and "instagram" in cell(kind).lower() + cell(link):
            result.owners.setdefault(f"kolom akun baris {number}", stated)
        _add(result, f"baris {number}", moment, cell(link), cell(title), _sheet_kind(cell(kind), cell(link)),
             official)
    return result


def _month_first(value, header):
    """Business Suite in English writes 11/03/2026 for 3 November: read it
    as such before the day-first reading every Indonesian file needs."""
    found = _AMERICAN_DATE.match(value) if header == "publishtime" and isinstance(value, str) else None
    if not found:
        return value
    month, day, rest = found.groups()
    return f"{rest[:4]}-{int(month):02d}-{int(day):02d}{rest[4:]}"


def _sheet_kind(kind, link):
    text = f"{kind} {link}".lower()
    if "story" in text or "stories" in text:
        return JenisPosting.STORY
    if any(word in text for word in ("reel", "video", "/v/", "watch")):
        return JenisPosting.REELS
    return JenisPosting.FEED


def _add(result, where, moment, link, title, kind, official):
    """One post, or the reason it is refused."""
    if moment is None:
        result.refused.append((where, "waktu posting tidak terbaca"))
        return
    if moment < EARLIEST or moment > timezone.now() + datetime.timedelta(days=1):
        result.refused.append((where, f"waktu {timezone.localtime(moment):%d-%m-%Y} di luar rentang yang mungkin "
                                      "(sebelum 2004 atau di masa depan)"))
        return
    url = ""
    if link:
        try:
            post = handles.parse_post(link)
        except ValidationError as e:
            result.refused.append((where, f"tautan {link[:80]}: {e.messages[0]}"))
            return
        if post.platform != official.platform:
            platform = handles.PLATFORM_NAMES[official.platform]
            result.refused.append((where, f"tautan {link[:80]} bukan unggahan {platform}"))
            return
        if post.username and post.username != official.username:
            result.refused.append((where, f"tautan {link[:80]} adalah unggahan @{post.username}, bukan "
                                          f"@{official.username}"))
            return
        url = handles.post_url(post.platform, post.kode, post.username or official.username)
    result.items.append(Item(moment.astimezone(datetime.UTC), kind, url, " ".join(title.split())[:200]))


def _from_timestamp(value):
    try:
        return datetime.datetime.fromtimestamp(int(value), datetime.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _utc_text(value):
    try:
        moment = datetime.datetime.fromisoformat(str(value).strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _fix_mojibake(text):
    """Instagram writes UTF-8 captions as if each byte were a Latin-1 character."""
    text = str(text)
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


@dataclass
class Match:
    new: list
    known: int
    by_kind: dict
    first: datetime.datetime = None
    last: datetime.datetime = None


def match(official, items):
    """Which of ``items`` are not recorded yet for ``official``."""
    unique = {_key(item): item for item in items}
    seen = set()
    if unique:
        times = [item.waktu for item in unique.values()]
        recorded = Posting.objects.filter(akun=official, waktu__gte=min(times), waktu__lte=max(times))
        for waktu, jenis, tautan in recorded.values_list("waktu", "jenis", "tautan").iterator(chunk_size=5000):
            seen.add(("tautan", tautan) if tautan else ("waktu", jenis, waktu))
    new = [item for key, item in unique.items() if key not in seen]
    by_kind = {kind: sum(1 for item in new if item.jenis == kind) for kind in JenisPosting}
    times = [item.waktu for item in unique.values()]
    return Match(new, len(unique) - len(new), by_kind, min(times, default=None), max(times, default=None))


def _key(item):
    return ("tautan", item.tautan) if item.tautan else ("waktu", item.jenis, item.waktu)


@transaction.atomic
def apply(official, items):
    """Record the posts of ``items`` not yet recorded; the number added.

    The one write of posts: it keeps the account's newest post and last
    upload (``AkunMedsos.posting_terakhir``, ``data_posting_diunggah``) true."""
    # In turn with another upload for the account, and with its deletion (registry.kunci).
    lock_units([official.instansi_id])
    before = Posting.objects.filter(akun=official).count()
    rows = [Posting(akun=official, waktu=i.waktu, jenis=i.jenis, tautan=i.tautan, judul=i.judul) for i in items]
    for start in range(0, len(rows), BATCH):
        Posting.objects.bulk_create(rows[start:start + BATCH], ignore_conflicts=True)
    added = Posting.objects.filter(akun=official).count() - before
    AkunMedsos.objects.filter(pk=official.pk).update(
        posting_terakhir=Posting.objects.filter(akun=official).aggregate(last=Max("waktu"))["last"],
        data_posting_diunggah=timezone.now(),
    )
    return added


@transaction.atomic
def remove(posts):
    """Delete ``posts`` (an upload for the wrong account, say); the number
    deleted. With ``apply``, the only other write of posts: it keeps each
    account's newest post true."""
    accounts = set(posts.values_list("akun_id", flat=True).distinct())
    lock_units(AkunMedsos.objects.filter(pk__in=accounts).values_list("instansi_id", flat=True))
    deleted, _ = posts.delete()
    newest = Posting.objects.filter(akun=OuterRef("pk")).order_by("-waktu").values("waktu")[:1]
    AkunMedsos.objects.filter(pk__in=accounts).update(posting_terakhir=Subquery(newest))
    return deleted


def dump(items):
    """``items`` as the preview keeps them until the upload is confirmed."""
    return [[i.waktu.isoformat(), i.jenis, i.tautan, i.judul] for i in items]


def load(rows):
    return [Item(datetime.datetime.fromisoformat(w), j, t, u) for w, j, t, u in rows]


def to_contents(posts):
    """Register each post with a link as a content to spread (DESIGN §9);
    (registered, skipped: no link or already a content)."""
    made = skipped = 0
    for post in posts:
        try:
            parsed = handles.parse_post(post.tautan) if post.tautan else None
        except ValidationError:
            parsed = None
        if parsed is None or Konten.objects.filter(platform=parsed.platform, kode=parsed.kode).exists():
            skipped += 1
            continue
        konten = Konten(akun_id=post.akun_id, platform=parsed.platform, kode=parsed.kode, tautan=post.tautan,
                        judul=post.judul, terbit=timezone.localdate(post.waktu, timezone=zone_of(post.akun)))
        konten._change_reason = "dari posting akun resmi"
        konten.save()
        made += 1
    return made, skipped
