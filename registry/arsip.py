"""Exports the agency downloaded from a platform itself (DESIGN §7, §10):
opening their archives without trusting the sizes they claim, and reading
whose account an export is. Shared by follower lists (registry.followers)
and posts (registry.posting); nothing here contacts a platform."""

import datetime
import json
import re

from django.utils import timezone

from registry import sheets

# An export holds text; more than this many bytes unpacked is a ZIP bomb
# or the wrong file.
MAX_UNPACKED = 200 * 1024 * 1024
MAX_MEMBERS = 20000
# Instagram names its archive instagram-<username>-<date>-<id>.zip.
INSTAGRAM_ARCHIVE = re.compile(r"^instagram[-_]([a-z0-9._]+?)[-_]\d{4}-\d{2}-\d{2}", re.I)
PROFILE_MEMBER = re.compile(r"(^|/)personal_information\.json$", re.I)
# Instagram's keys follow the account's language; TikTok's are English.
_PROFILE_USERNAME_KEYS = {"username", "nama pengguna"}
TIKTOK_PROFILE_KEYS = {"Profile", "Profil", "Profile And Settings"}
_EXPORT_DAY = re.compile(r"(?<!\d)(\d{4})[-_](\d{2})[-_](\d{2})(?!\d)")


def export_date(file_name):
    """The day in an export's file name (Instagram's archive is named
    instagram-<akun>-2026-11-21-….zip), if it is a day that has been."""
    found = _EXPORT_DAY.search(file_name.rsplit("/", 1)[-1])
    if not found:
        return None
    try:
        day = datetime.date(*map(int, found.groups()))
    except ValueError:
        return None
    return day if datetime.date(2004, 1, 1) <= day <= timezone.localdate() else None


def archive_owner(file_name):
    """The username an Instagram archive's name states, if it states one."""
    named = INSTAGRAM_ARCHIVE.match(file_name.rsplit("/", 1)[-1])
    return named.group(1).lower() if named else None


def members(archive, wanted, missing):
    """(member, content) of the archive's members that ``wanted(name)``
    accepts; refused with ``missing`` when it has none, and when the archive
    has too many members or unpacks past MAX_UNPACKED, whatever sizes its
    directory claims."""
    infos = archive.infolist()
    if not any(wanted(m.filename) and not m.is_dir() for m in infos):
        raise sheets.FileRejected(missing)
    if len(infos) > MAX_MEMBERS:
        raise sheets.FileRejected("Arsip ZIP berisi terlalu banyak berkas; unggah berkas yang diperlukan saja.")
    budget = MAX_UNPACKED
    for member in infos:
        if member.is_dir() or not wanted(member.filename):
            continue
        if member.file_size > budget:
            raise sheets.FileRejected("Isi arsip ZIP terlalu besar setelah dibuka.")
        with archive.open(member) as handle:
            # file_size is what the archive claims: read one byte past it.
            content = handle.read(budget + 1)
        budget -= len(content)
        if budget < 0:
            raise sheets.FileRejected("Isi arsip ZIP terlalu besar setelah dibuka.")
        yield member, content


def profile_owner(archive):
    """(member name, username) from an Instagram archive's personal_information.json, or None."""
    profile = next((m for m in archive.infolist() if PROFILE_MEMBER.search(m.filename) and not m.is_dir()), None)
    if profile is None or profile.file_size >= 1024 * 1024:
        return None
    with archive.open(profile) as handle:
        username = instagram_owner(handle.read(1024 * 1024))
    return (profile.filename.rsplit("/", 1)[-1], username) if username else None


def instagram_owner(content):
    """The username in Instagram's personal_information.json, if it says one."""
    try:
        node = json.loads(sheets.decode(content))
    except ValueError:
        return None
    for profile in node.get("profile_user", []) if isinstance(node, dict) else []:
        fields = profile.get("string_map_data", {}) if isinstance(profile, dict) else {}
        for key, value in fields.items():
            if key.strip().lower() in _PROFILE_USERNAME_KEYS and isinstance(value, dict) and value.get("value"):
                return str(value["value"]).strip().lstrip("@").lower()
    return None


def tiktok_owner(node):
    """The username in TikTok's profile section, if the export has one."""
    if isinstance(node, dict):
        for key in ("userName", "UserName", "username"):
            if isinstance(node.get(key), str) and node[key].strip():
                return node[key].strip().lstrip("@").lower()
        for value in node.values():
            found = tiktok_owner(value)
            if found:
                return found
    return None


def tiktok_profile_owner(node):
    """The username a TikTok export's profile section names, or None."""
    profiles = [node[k] for k in TIKTOK_PROFILE_KEYS if k in node] if isinstance(node, dict) else []
    return next(filter(None, map(tiktok_owner, profiles)), None)


def owner_refusal(owners, official, what):
    """The refusal of an export whose stated owner is another account than ``official``, or None."""
    for source, username in owners.items():
        if username != official.username.lower():
            return sheets.FileRejected(
                f"Berkas ini {what} @{username} (menurut {source}), bukan @{official.username}. "
                f"Unggah berkas yang diunduh dari akun @{official.username}, atau unggah berkas ini di halaman "
                f"akun @{username}."
            )
    return None
