"""Follower lists of official accounts, from files the agency exported itself.

Nothing here contacts a platform. A list comes from Instagram's "Download
your information" (the ZIP, or ``followers_1.json`` / ``followers_1.html``
from it), TikTok's data export (JSON, or the TXT inside its ZIP), or a
plain list (txt, csv or xlsx, one handle or profile URL per row). The list
is complete at the moment of export, so applying it sets, for every
registered employee account on that platform, whether it follows the
official account: present means following, absent means not.

A platform's export also says whose it is (Instagram's archive name and
``personal_information.json``, TikTok's profile): a list whose stated owner
is another account is refused, because applying it would mark every
employee of the wrong agency as following or not (``check_owner``).
"""

import datetime
import io
import json
import re
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from registry import arsip, handles, sheets
from registry.kepatuhan import refresh_owners
from registry.kunci import account_units, lock_units
from registry.models import AkunMedsos, HasilVerifikasi, SumberVerifikasi, Verifikasi
from registry.verifikasi import record_verification

BATCH = 500

# Column headings, and heading lines in a plain list, that name the handles.
HANDLE_HEADERS = {"username", "akun", "namaakun", "pengikut"}
FOLLOWERS_ADVICE = "unggah hanya berkas followers_1.json dari arsip ZIP-nya"
_FOLLOWER_MEMBER = re.compile(r"(^|/)(followers(_\d+)?\.(json|html)|follower(s)?\.txt|user_data[^/]*\.json)$", re.I)
# A drop larger than this since the last list needs the checker's tick.
DROP_WARNING = 0.20
_HREF = re.compile(r'href="([^"]+)"')
_TIKTOK_LINE = re.compile(r"^\s*user\s*name\s*:\s*(\S+)", re.I | re.M)


@dataclass
class FollowerList:
    usernames: set
    unreadable: int  # entries that are not a handle of this platform
    # Whose list the export says it is: {where it says so: username}.
    owners: dict = field(default_factory=dict)
    # The day the platform made the export, when its file name says it.
    exported: datetime.date = None


def checked_at(exported):
    """When a follower list counts as seen: the moment it is applied, or,
    for an export of an earlier day, that day (at noon: the hour is unknown)."""
    now = timezone.now()
    if exported is None or exported >= timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.datetime.combine(exported, datetime.time(12)))


def read(data, file_name, platform):
    """The handles in a follower export, or ``sheets.FileRejected``."""
    sheets.check_bytes(data, FOLLOWERS_ADVICE)
    if data.startswith(b"PK\x03\x04"):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            if "xl/workbook.xml" in archive.namelist():
                result = _from_cells(data, file_name, platform)
            else:
                result = _from_archive(archive, platform)
        except sheets.ZIP_ERRORS:
            raise sheets.FileRejected("Arsip ZIP rusak atau tidak lengkap; unduh ulang dari platformnya.") from None
    else:
        result = _from_document(data, file_name, platform)
    named = arsip.archive_owner(file_name) if platform == "instagram" else None
    if named:
        result.owners.setdefault(f"nama berkas {file_name}", named)
    result.exported = arsip.export_date(file_name)
    return result


def check_owner(follower_list, official):
    """Refuse a list whose export names another account than ``official``."""
    refusal = arsip.owner_refusal(follower_list.owners, official, "daftar pengikut")
    if refusal:
        raise refusal


def last_count(official):
    """The follower count of the last list or check that gave one: (count, time)."""
    return (
        Verifikasi.objects.filter(akun=official, jumlah_pengikut__isnull=False)
        .order_by("-waktu", "-pk")
        .values_list("jumlah_pengikut", "waktu")
        .first()
    )


def dropped(followers, last):
    """Whether ``followers`` fell by more than DROP_WARNING since ``last``."""
    return bool(last) and followers < last[0] * (1 - DROP_WARNING)


def _from_archive(archive, platform):
    missing = ("Arsip ZIP ini tidak berisi daftar pengikut (followers_1.json, followers_1.html, atau user_data.json). "
               "Saat meminta unduhan informasi, pilih bagian Pengikut dan mengikuti.")
    result = FollowerList(set(), 0)
    for member, content in arsip.members(archive, _FOLLOWER_MEMBER.search, missing):
        found = _from_document(content, member.filename, platform)
        result.usernames |= found.usernames
        result.unreadable += found.unreadable
        result.owners.update(found.owners)
    profile = arsip.profile_owner(archive)
    if profile:
        result.owners[profile[0]] = profile[1]
    return result


def _from_document(data, file_name, platform):
    text = sheets.decode(data)
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            node = json.loads(stripped)
            result = _collect(_json_entries(node), platform)
        except (ValueError, RecursionError):
            # No export nests a list of followers a thousand levels deep.
            raise sheets.FileRejected(f"Berkas JSON {file_name} rusak; unduh ulang dari platformnya.") from None
        owner = arsip.tiktok_profile_owner(node)
        if owner:
            result.owners[f"profil di {file_name.rsplit('/', 1)[-1]}"] = owner
        return result
    if "<html" in stripped[:2000].lower() or "<a " in stripped[:5000].lower():
        return _collect(_HREF.findall(text), platform)
    tiktok = _TIKTOK_LINE.findall(text)
    if tiktok:
        return _collect(tiktok, platform)
    return _from_cells(data, file_name, platform)


def _json_entries(node):
    """Handles in Instagram's and TikTok's JSON, wherever the export nests them."""
    if isinstance(node, list):
        for item in node:
            yield from _json_entries(item)
    elif isinstance(node, dict):
        if "string_list_data" in node:  # Instagram; newer exports name it in "title"
            for entry in node["string_list_data"] or [{}]:
                yield entry.get("value") or node.get("title") or entry.get("href", "")
            return
        for key in ("UserName", "userName", "username"):  # TikTok
            if isinstance(node.get(key), str):
                yield node[key]
                return
        for key, value in node.items():
            # TikTok's profile names the exporting account, not a follower.
            if isinstance(value, (list, dict)) and key not in arsip.TIKTOK_PROFILE_KEYS:
                yield from _json_entries(value)


def _from_cells(data, file_name, platform):
    """A plain list: the first column, or the column named like a handle."""
    rows, _, _ = sheets.read_rows(data, file_name)
    named = [i for i, c in enumerate(rows[0] if rows else []) if sheets.match_key(c) in HANDLE_HEADERS]
    column = named[0] if named else 0
    if named:
        rows = rows[1:]
    return _collect((row[column] for row in rows if len(row) > column), platform)


def _collect(entries, platform):
    result = FollowerList(set(), 0)
    for entry in entries:
        text = sheets.cell_text(entry)
        if not text or sheets.match_key(text) in HANDLE_HEADERS:
            continue
        try:
            result.usernames.add(handles.parse(text, platform).username)
        except ValidationError:
            result.unreadable += 1
    return result


@dataclass
class Match:
    found: list  # (pk, username) of registered employee accounts in the list
    absent: list  # (pk, username) of registered employee accounts not in it
    followers: int
    unregistered: int
    unreadable: int
    to_add: set
    to_remove: set
    usernames: frozenset = frozenset()  # the list itself, to match it again when applied

    @property
    def unchanged(self):
        """Registered accounts on the list's platform whose follow stays as it
        was (``to_remove`` may also hold follows from other platforms, left
        after the official account's platform was corrected)."""
        absent = {pk for pk, _ in self.absent}
        return len(self.found) - len(self.to_add) + len(absent - self.to_remove)


def match(official, follower_list):
    """Compare a follower list with the registered accounts on its platform."""
    registered = AkunMedsos.objects.filter(platform=official.platform, pegawai__isnull=False).values_list(
        "pk", "username"
    )
    found, absent = [], []
    for pk, username in registered.iterator(chunk_size=5000):
        (found if username in follower_list.usernames else absent).append((pk, username))
    through = AkunMedsos.mengikuti.through
    following = set(
        through.objects.filter(to_akunmedsos=official, from_akunmedsos__pegawai__isnull=False).values_list(
            "from_akunmedsos_id", flat=True
        )
    )
    present = {pk for pk, _ in found}
    return Match(
        found=found,
        absent=absent,
        followers=len(follower_list.usernames),
        unregistered=len(follower_list.usernames) - len(found),
        unreadable=follower_list.unreadable,
        to_add=present - following,
        to_remove=following - present,
        usernames=frozenset(follower_list.usernames),
    )


def changed_units(result):
    """The units whose staff's follows a matched list (``result``) changes."""
    return account_units(set(result.to_add) | set(result.to_remove))


@transaction.atomic
def apply(official, listed, pemeriksa, file_name, exported=None, units=()):
    """Set every registered account's follow of ``official`` from the
    follower list ``listed`` and record the check; returns the Match applied.

    The list is matched once the units it changes are locked
    (registry.kunci): those of the accounts whose follow it adds or removes,
    and the official account's own; first ``units``, those the preview found
    (``changed_units``), then, when the match under the lock names more (an
    account registered or moved since), those too, matched again. Accounts
    registered, deleted or moved since the preview are taken as they are
    now. Not every unit: a list that changes a few follows neither waits
    for nor holds up the writes of the rest of the registry."""
    locked = set()
    wanted = set(units) | {official.instansi_id}
    while not wanted <= locked:
        locked |= wanted
        lock_units(locked)
        result = match(official, listed)
        wanted = changed_units(result) | {official.instansi_id}
    through = AkunMedsos.mengikuti.through
    added = sorted(result.to_add)
    for start in range(0, len(added), BATCH):
        through.objects.bulk_create(
            [through(from_akunmedsos_id=pk, to_akunmedsos_id=official.pk) for pk in added[start : start + BATCH]],
            ignore_conflicts=True,
        )
    removed = sorted(result.to_remove)
    for start in range(0, len(removed), BATCH):
        through.objects.filter(
            to_akunmedsos=official, from_akunmedsos_id__in=removed[start : start + BATCH]
        ).delete()
    # Write path: a follower list applied.
    refresh_owners(added + removed)
    record_verification(
        official,
        pemeriksa,
        HasilVerifikasi.VALID,
        melalui=f"daftar pengikut {file_name}",
        waktu=checked_at(exported),
        sumber=SumberVerifikasi.DAFTAR_PENGIKUT,
        jumlah_pengikut=result.followers,
        catatan=(
            f"Daftar pengikut {file_name}: {result.followers} pengikut; {len(result.found)} akun pegawai "
            f"terdaftar ada di daftar, {len(result.absent)} tidak ada; {result.unregistered} pengikut "
            f"tidak terdaftar."
        ),
    )
    return result
