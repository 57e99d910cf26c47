"""Social-media handles: whatever a clerk pastes, to (platform, username).

The rules are in DESIGN §6. Nothing here talks to the platforms: a handle is
checked against each platform's published rules, not looked up.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError

INSTAGRAM = "instagram"
FACEBOOK = "facebook"
TIKTOK = "tiktok"
X = "x"
YOUTUBE = "youtube"
THREADS = "threads"

PLATFORM_NAMES = {
    INSTAGRAM: "Instagram",
    FACEBOOK: "Facebook",
    TIKTOK: "TikTok",
    X: "X (Twitter)",
    YOUTUBE: "YouTube",
    THREADS: "Threads",
}

# What clerks write in a cell for "this person has no account".
NO_ACCOUNT = {"", "-", "--", "0", "tidak ada", "tidak punya", "belum ada", "belum punya"}

_INSTAGRAM_RULE = (
    re.compile(r"^(?!.*\.\.)[a-z0-9._]{1,30}(?<!\.)$"),
    "1–30 karakter huruf, angka, titik atau garis bawah, tanpa dua titik berurutan "
    "dan tidak diakhiri titik",
)
RULES = {
    INSTAGRAM: _INSTAGRAM_RULE,
    THREADS: _INSTAGRAM_RULE,
    TIKTOK: (
        re.compile(r"^[a-z0-9._]{2,24}(?<!\.)$"),
        "2–24 karakter huruf, angka, titik atau garis bawah, tidak diakhiri titik",
    ),
    X: (re.compile(r"^[a-z0-9_]{1,15}$"), "1–15 karakter huruf, angka atau garis bawah"),
    FACEBOOK: (
        re.compile(r"^(?:[a-z0-9.]{5,}|\d+)$"),
        "minimal 5 karakter huruf, angka atau titik, atau ID angka dari profile.php?id=",
    ),
    YOUTUBE: (
        re.compile(r"^[a-z0-9._-]{3,30}$"),
        "3–30 karakter huruf, angka, titik, garis bawah atau tanda hubung",
    ),
}

_HOSTS = {
    "instagram.com": INSTAGRAM,
    "instagr.am": INSTAGRAM,
    "tiktok.com": TIKTOK,
    # TikTok's own data export links each post through this host.
    "tiktokv.com": TIKTOK,
    "x.com": X,
    "twitter.com": X,
    "facebook.com": FACEBOOK,
    "fb.com": FACEBOOK,
    "youtube.com": YOUTUBE,
    "threads.net": THREADS,
    "threads.com": THREADS,
}
_SHORT_LINK_HOSTS = {"vt.tiktok.com", "vm.tiktok.com", "fb.me", "fb.watch", "youtu.be", "t.co"}

# First path segments that are pages of the platform itself, not profiles.
NOT_PROFILES = {
    INSTAGRAM: {"p", "reel", "reels", "tv", "stories", "explore", "accounts", "direct", "s"},
    THREADS: {"t", "search", "post"},
    X: {"i", "home", "intent", "search", "hashtag", "share", "explore", "settings"},
    FACEBOOK: {
        "groups", "events", "watch", "share", "photo", "photo.php", "story.php",
        "permalink.php", "reel", "videos", "marketplace", "hashtag", "login", "pages",
    },
    YOUTUBE: {"watch", "shorts", "playlist", "results", "channel", "c", "user", "live"},
    TIKTOK: {"t", "tag", "music", "discover", "search", "explore"},
}

PROFILE_URLS = {
    INSTAGRAM: "https://www.instagram.com/{}/",
    THREADS: "https://www.threads.com/@{}",
    TIKTOK: "https://www.tiktok.com/@{}",
    X: "https://x.com/{}",
    FACEBOOK: "https://www.facebook.com/{}",
    YOUTUBE: "https://www.youtube.com/@{}",
}

_LABEL_PLATFORMS = {
    "instagram": INSTAGRAM, "ig": INSTAGRAM, "tiktok": TIKTOK, "tik tok": TIKTOK, "facebook": FACEBOOK,
    "fb": FACEBOOK, "twitter": X, "x": X, "youtube": YOUTUBE, "yt": YOUTUBE, "threads": THREADS,
}
# "IG: @budi", "TikTok : budi_s": a platform name and a colon before the handle.
_LABEL = re.compile(r"^(instagram|ig|tik\s*tok|facebook|fb|twitter|x|youtube|yt|threads)\s*:\s*", re.IGNORECASE)
_DOMAIN = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$")
# Zero-width characters ride along when a handle is copied from an app.
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]+")


@dataclass(frozen=True)
class Handle:
    platform: str
    username: str

    @property
    def url(self):
        return profile_url(self.platform, self.username)


def is_no_account(value):
    """True for an empty cell or a clerk's way of writing "no account"."""
    if value is None:
        return True
    return " ".join(str(value).split()).lower() in NO_ACCOUNT


def is_reserved(platform, username):
    """True for a name the platform uses for its own pages (instagram.com/explore)."""
    return "@" not in PROFILE_URLS[platform] and username in NOT_PROFILES[platform]


def profile_url(platform, username):
    if platform == FACEBOOK and username.isdigit():
        return f"https://www.facebook.com/profile.php?id={username}"
    return PROFILE_URLS[platform].format(username)


def _bare_host(host):
    host = host.lower().rstrip(".")
    for prefix in ("www.", "m.", "mobile.", "web."):
        if host.startswith(prefix):
            return host[len(prefix):]
    return host


def _looks_like_url(text):
    if "://" in text:
        return True
    host = text.split("/", 1)[0].split("?", 1)[0].lower()
    if host in _SHORT_LINK_HOSTS or _bare_host(host) in _HOSTS:
        return True
    # "someothersite.com/budi" is a link to a site we do not know; a bare
    # "budi.s/" (trailing slash) is still a handle.
    return "/" in text.rstrip("/") and _DOMAIN.match(host) is not None


def _platform_of(host, what="profil"):
    if host.lower() in _SHORT_LINK_HOSTS:
        raise ValidationError(
            f"{host} adalah tautan pendek yang harus dibuka dulu; buka tautannya di peramban, "
            f"lalu salin alamat {what} yang muncul",
            code="short_link",
        )
    if _bare_host(host) not in _HOSTS:
        raise ValidationError(
            f"alamat {host} bukan Instagram, Facebook, TikTok, X, YouTube atau Threads",
            code="unknown_site",
        )
    return _HOSTS[_bare_host(host)]


def _username_from_url(text):
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError:  # "Invalid IPv6 URL": an unmatched [ in the host
        raise ValidationError("alamat ini bukan tautan yang sah; salin ulang alamat profilnya",
                              code="not_profile") from None
    platform = _platform_of(parts.hostname or "")
    segments = [s for s in parts.path.split("/") if s]
    if platform == FACEBOOK and segments[:1] == ["profile.php"]:
        ids = parse_qs(parts.query).get("id", [""])
        if not ids[0].isdigit():
            raise ValidationError(
                "tautan profile.php tanpa id=angka; salin ulang alamat profilnya",
                code="not_profile",
            )
        return platform, ids[0]
    if not segments:
        raise ValidationError(
            f"tautan {PLATFORM_NAMES[platform]} ini tidak memuat nama akun; "
            f"salin alamat halaman profilnya",
            code="not_profile",
        )
    first = segments[0]
    # Instagram's own exports link profiles as instagram.com/_u/<name>.
    if platform in (INSTAGRAM, THREADS) and first == "_u" and len(segments) > 1:
        first = segments[1]
    if first.lower() in NOT_PROFILES[platform]:
        raise ValidationError(
            f"tautan ini menuju halaman /{first}/ di {PLATFORM_NAMES[platform]}, bukan profil; "
            f"buka profil pemilik akun lalu salin alamatnya",
            code="not_profile",
        )
    if platform in (TIKTOK, YOUTUBE, THREADS) and not first.startswith("@"):
        raise ValidationError(
            f"tautan {PLATFORM_NAMES[platform]} ini bukan alamat profil "
            f"(alamat profil berbentuk {profile_url(platform, 'namaakun')})",
            code="not_profile",
        )
    # A TikTok or X link to one video or post names the owner, but a clerk
    # who pastes it most likely copied the wrong link.
    if len(segments) > 1 and platform in (TIKTOK, X) and segments[1] in ("video", "photo", "status"):
        raise ValidationError(
            f"tautan ini menuju satu unggahan di {PLATFORM_NAMES[platform]}, bukan profil; "
            f"salin alamat profilnya",
            code="not_profile",
        )
    return platform, first


def parse(value, platform=None):
    """Return the ``Handle`` for a pasted URL or @handle.

    ``platform`` is what the clerk chose (a form field, a spreadsheet
    column). A bare handle needs it; a URL brings its own and must agree.
    """
    text = _INVISIBLE.sub("", str(value or "")).strip()
    if not text:
        raise ValidationError("nama akun kosong", code="empty")
    # What the text names itself, a "IG: @budi" label and a profile URL,
    # must agree with what the clerk chose.
    named = []
    label = _LABEL.match(text)
    if label:
        named.append(_LABEL_PLATFORMS[" ".join(label.group(1).lower().split())])
        text = text[label.end():]
    if _looks_like_url(text):
        found, username = _username_from_url(text)
        named.append(found)
    else:
        username = text
    for found in named:
        if platform and platform != found:
            raise ValidationError(
                f"isian ini untuk {PLATFORM_NAMES[found]}, tetapi platform yang dipilih "
                f"{PLATFORM_NAMES[platform]}; pilih platform yang sesuai",
                code="platform_mismatch",
            )
        platform = found
    if not platform:
        raise ValidationError(
            "platform belum dipilih; pilih platform atau tempel alamat profil lengkap",
            code="no_platform",
        )
    if platform not in RULES:
        raise ValidationError(f"platform {platform!r} tidak dikenal", code="unknown_platform")
    # "@ budi": a space typed after the @ is not part of the name.
    username = username.removeprefix("@").strip().rstrip("/").lower()
    if is_reserved(platform, username):
        raise ValidationError(
            f"{username!r} adalah nama halaman milik {PLATFORM_NAMES[platform]}, bukan nama akun",
            code="reserved",
        )
    pattern, rule = RULES[platform]
    if not pattern.match(username):
        raise ValidationError(
            f"nama akun {PLATFORM_NAMES[platform]} {username!r} tidak sah: {rule}",
            code="invalid",
        )
    return Handle(platform, username)


# Links to one post (DESIGN §9) ------------------------------------------------


@dataclass(frozen=True)
class Post:
    """One post: its platform, its id there (``kode``: "p/Cx1AbC", "video/7312…"),
    and the handle its link names, if the link names one."""

    platform: str
    kode: str
    username: str = ""

    @property
    def url(self):
        return post_url(self.platform, self.kode, self.username)


POST_URLS = {
    (INSTAGRAM, "p"): "https://www.instagram.com/p/{id}/",
    (INSTAGRAM, "reel"): "https://www.instagram.com/reel/{id}/",
    (INSTAGRAM, "tv"): "https://www.instagram.com/tv/{id}/",
    (INSTAGRAM, "s"): "https://www.instagram.com/s/{id}/",
    (INSTAGRAM, "stories"): "https://www.instagram.com/stories/{user}/{id}/",
    (TIKTOK, "video"): "https://www.tiktok.com/@{user}/video/{id}",
    (TIKTOK, "photo"): "https://www.tiktok.com/@{user}/photo/{id}",
    (X, "status"): "https://x.com/{user}/status/{id}",
    (THREADS, "post"): "https://www.threads.com/@{user}/post/{id}",
    (FACEBOOK, "posts"): "https://www.facebook.com/{user}/posts/{id}",
    (FACEBOOK, "permalink"): "https://www.facebook.com/permalink.php?story_fbid={id}&id={user}",
    (FACEBOOK, "share"): "https://www.facebook.com/share/{id}/",
    (FACEBOOK, "reel"): "https://www.facebook.com/reel/{id}",
    (FACEBOOK, "video"): "https://www.facebook.com/watch/?v={id}",
    (FACEBOOK, "photo"): "https://www.facebook.com/photo/?fbid={id}",
    (YOUTUBE, "video"): "https://www.youtube.com/watch?v={id}",
    (YOUTUBE, "post"): "https://www.youtube.com/post/{id}",
}
_POST_ID = re.compile(r"^[A-Za-z0-9_.\-]{2,200}$")
_X_WEB = ("i", "web")


def post_url(platform, kode, username=""):
    kind, _, post_id = kode.partition("/")
    template = POST_URLS[(platform, kind)]
    if "{user}" in template and not username:
        # Without the handle TikTok, X and Threads still open a post by its id.
        template = {TIKTOK: "https://www.tiktok.com/@/video/{id}", X: "https://x.com/i/web/status/{id}",
                    THREADS: "https://www.threads.com/t/{id}"}.get(platform, template)
    return template.format(id=post_id, user=username)


def _not_a_post(platform, owner=""):
    whose = f" @{owner}" if owner else ""
    return ValidationError(
        f"tautan ini menuju profil{whose} di {PLATFORM_NAMES[platform]}, bukan satu unggahan; buka unggahannya "
        f"lalu salin alamatnya (menu Bagikan › Salin tautan)",
        code="not_post",
    )


def _post_id(text, platform):
    if not text or not _POST_ID.match(text):
        raise ValidationError(f"tautan unggahan {PLATFORM_NAMES[platform]} ini terpotong atau rusak; salin ulang "
                              f"tautannya", code="broken_post")
    return text


def _instagram_post(segments, query):
    if segments[0] == "stories" and len(segments) >= 3:
        return "stories", segments[2], segments[1].lower()
    if segments[0] in ("p", "reel", "reels", "tv", "s") and len(segments) >= 2:
        return {"reels": "reel"}.get(segments[0], segments[0]), segments[1], ""
    if len(segments) >= 3 and segments[1] in ("p", "reel", "reels", "tv"):
        return {"reels": "reel"}.get(segments[1], segments[1]), segments[2], segments[0].lower()
    return None


def _tiktok_post(segments, query):
    if segments[0].startswith("@") and len(segments) >= 3 and segments[1] in ("video", "photo"):
        return segments[1], segments[2], segments[0][1:].lower()
    if segments[0] == "v" and len(segments) >= 2:
        return "video", segments[1].removesuffix(".html"), ""
    if segments[0] == "share" and len(segments) >= 3 and segments[1] in ("video", "photo"):
        return segments[1], segments[2], ""
    if segments[0] == "t":
        raise ValidationError("tautan tiktok.com/t/… adalah tautan pendek yang harus dibuka dulu; buka di peramban, "
                              "lalu salin alamat yang muncul", code="short_link")
    return None


def _x_post(segments, query):
    if len(segments) >= 3 and segments[1] == "status":
        owner = "" if segments[0].lower() in _X_WEB else segments[0].lower()
        return "status", segments[2], owner
    if segments[:3] == ["i", "web", "status"] and len(segments) >= 4:
        return "status", segments[3], ""
    return None


def _threads_post(segments, query):
    if segments[0].startswith("@") and len(segments) >= 3 and segments[1] == "post":
        return "post", segments[2], segments[0][1:].lower()
    if segments[0] in ("t", "post") and len(segments) >= 2:
        return "post", segments[1], ""
    return None


def _facebook_post(segments, query):
    first, query = segments[0].lower(), parse_qs(query)
    if first in ("permalink.php", "story.php"):
        story, page = query.get("story_fbid", [""])[0], query.get("id", [""])[0]
        return "permalink", story, page if page.isdigit() else ""
    if first == "share" and len(segments) >= 3 and segments[1] in ("p", "r", "v") and _POST_ID.match(segments[2]):
        return "share", f"{segments[1]}/{segments[2]}", ""
    if first in ("reel", "reels") and len(segments) >= 2:
        return "reel", segments[1], ""
    if first == "watch":
        return "video", query.get("v", [""])[0], ""
    if first in ("photo", "photo.php"):
        return "photo", query.get("fbid", [""])[0], ""
    if len(segments) >= 3 and segments[1] in ("posts", "videos"):
        return ("posts" if segments[1] == "posts" else "video"), segments[2], "" if first == "groups" else first
    return None


def _youtube_post(segments, query):
    query = parse_qs(query)
    if segments[0] == "watch":
        return "video", query.get("v", [""])[0], ""
    if segments[0] in ("shorts", "live", "embed") and len(segments) >= 2:
        return "video", segments[1], ""
    if segments[0] == "post" and len(segments) >= 2:
        return "post", segments[1], ""
    return None


_POST_READERS = {
    INSTAGRAM: _instagram_post, TIKTOK: _tiktok_post, X: _x_post, THREADS: _threads_post,
    FACEBOOK: _facebook_post, YOUTUBE: _youtube_post,
}


def parse_post(value):
    """The ``Post`` a pasted link points at; refused, with the reason, when
    it is not one post: a profile, a short link that needs opening first,
    another site, a link cut short. Query parameters (igsh, utm_*, s, t)
    are not part of a post."""
    text = _INVISIBLE.sub("", str(value or "")).strip()
    if not text:
        raise ValidationError("tautan kosong", code="empty")
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError:
        raise ValidationError("ini bukan tautan yang sah; salin ulang tautan unggahannya", code="not_post") from None
    host = (parts.hostname or "").lower()
    segments = [s for s in parts.path.split("/") if s]
    if host == "youtu.be" and segments:
        return Post(YOUTUBE, f"video/{_post_id(segments[0], YOUTUBE)}")
    platform = _platform_of(host, "unggahan")
    if not segments:
        raise _not_a_post(platform)
    # The query string goes as it is: parsed by the readers that read it (a
    # share's igsh or utm_* parsed for nothing took half of this function).
    found = _POST_READERS[platform](segments, parts.query)
    if found is None:
        owner = segments[0].removeprefix("@").lower() if len(segments) == 1 else ""
        raise _not_a_post(platform, owner)
    kind, post_id, username = found
    checked = post_id if kind == "share" else _post_id(post_id, platform)
    return Post(platform, f"{kind}/{checked}", username)
