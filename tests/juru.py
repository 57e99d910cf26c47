"""A clerk over real HTTP: what the concurrency test (tests/test_serentak.py)
and the load run (bench/beban.py) send to a running server.

Standard library only. A ``Juru`` holds one logged-in session (its cookie
made in the database, so that no login is throttled) and a CSRF secret of
its own; it reads the admin's forms as a browser would (every input,
select and textarea of a form, with their current values), changes what a
clerk changes, and posts them back. Every request is timed and kept, with
its page name and status, for the caller to judge.
"""

import http.cookiejar
import io
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser

CSRF_COOKIE = "csrftoken"


def session_cookie(user):
    """A session key for ``user``, stored as a login would store it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.set_expiry(3600 * 4)
    store.save()
    return store.session_key


class _Forms(HTMLParser):
    """Every form of a page: its action and fields, as a browser would post them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._select, self._textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "fields": [], "id": attrs.get("id", "")})
        elif not self.forms:
            return
        elif tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            self.forms[-1]["fields"].append((attrs["name"], attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and attrs.get("name"):
            self._select = [attrs["name"], None, None]
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select[2] is None:
                self._select[2] = value
            if "selected" in attrs:
                self._select[1] = value
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            name, chosen, first = self._select
            self.forms[-1]["fields"].append((name, chosen if chosen is not None else (first or "")))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.forms[-1]["fields"].append(tuple(self._textarea))
            self._textarea = None


def forms_of(html):
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def multipart(fields, files):
    """A multipart/form-data body: fields [(name, value)], files {name: (file name, bytes)}."""
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    for name, value in fields:
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (file_name, data) in files.items():
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{file_name}"\r\n'
                   f"Content-Type: application/octet-stream\r\n\r\n".encode())
        body.write(data + b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


@dataclass
class Answer:
    page: str
    method: str
    status: int
    seconds: float
    body: str = ""
    location: str = ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Juru:
    """One clerk's browser: a session cookie, a CSRF secret and a log."""

    base: str
    session_key: str
    name: str = ""
    log: list = field(default_factory=list)

    def __post_init__(self):
        self.csrf = secrets.token_hex(16)  # 32 characters: Django takes it as the secret itself
        jar = http.cookiejar.CookieJar()
        host = urllib.parse.urlsplit(self.base).hostname
        for key, value in (("sessionid", self.session_key), (CSRF_COOKIE, self.csrf)):
            jar.set_cookie(http.cookiejar.Cookie(
                0, key, value, None, False, host, False, False, "/", True, False, None, False, None, None, {}))
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)

    def request(self, page, path, data=None, files=None, method=None):
        url = path if path.startswith("http") else self.base + path
        headers = {"Referer": url}
        body = None
        if data is not None or files:
            fields = [(k, v) for k, v in (data or []) if k != "csrfmiddlewaretoken"]
            fields.append(("csrfmiddlewaretoken", self.csrf))
            if files:
                body, kind = multipart(fields, files)
            else:
                body, kind = urllib.parse.urlencode(fields, doseq=True).encode(), "application/x-www-form-urlencoded"
            headers["Content-Type"] = kind
        started = time.perf_counter()
        try:
            with self.opener.open(urllib.request.Request(url, data=body, headers=headers, method=method),
                                  timeout=600) as response:
                status, text, location = response.status, response.read().decode("utf-8", "replace"), ""
        except urllib.error.HTTPError as error:
            status, location = error.code, error.headers.get("Location", "")
            text = error.read().decode("utf-8", "replace")
        answer = Answer(page, "POST" if body is not None else "GET", status, time.perf_counter() - started, text,
                        location)
        self.log.append(answer)
        return answer

    def get(self, page, path):
        return self.request(page, path)

    def post(self, page, path, data, files=None):
        return self.request(page, path, data=list(data), files=files)

    def form(self, page, path, which=None):
        """(answer, fields) of the form on ``path`` whose fields include ``which``
        (the first form with fields when None)."""
        answer = self.get(page, path)
        for form in forms_of(answer.body):
            names = {name for name, _ in form["fields"]}
            if form["fields"] and (which is None or which in names):
                return answer, form["fields"]
        return answer, None


def replace(fields, **values):
    """``fields`` with each named field set to its value (None: left out)."""
    kept = [(k, v) for k, v in fields if k not in values]
    for name, value in values.items():
        if value is None:
            continue
        for each in value if isinstance(value, list) else [value]:
            kept.append((name, each))
    return kept


def first_int(pattern, text):
    found = re.search(pattern, text)
    return int(found.group(1)) if found else None


# What clerks do. Each task takes the clerk, the registry it works in (a
# dict the caller made from the database: unit ids, official accounts,
# employees) and a random generator, and returns what it wrote, for the
# caller to find again afterwards ("nothing was lost"), or None.

QUEUE = "/registry/akunmedsos/antrean/"
RESULTS = ["VALID", "VALID", "VALID", "TIDAK_DITEMUKAN", "BUKAN_MILIK", "TIDAK_AKTIF"]


def record_check(juru, world, rng):
    page = juru.get("antrean", QUEUE)
    akun = first_int(r'name="akun" value="(\d+)"', page.body)
    if akun is None:
        return None
    seen = [value for value in re.findall(r'name="mengikuti" value="(\d+)"', page.body) if rng.random() < 0.7]
    hasil = rng.choice(RESULTS)
    answer = juru.post("antrean: catat", QUEUE, [("akun", akun), ("hasil", hasil), *(("mengikuti", s) for s in seen)])
    if answer.status != 302:
        return None
    # A colleague may have checked it a moment earlier: the next page says which.
    following = juru.get("antrean", QUEUE)
    return ("periksa", akun, hasil) if "tercatat." in following.body else None


def undo_check(juru, world, rng):
    answer = juru.post("antrean: batalkan", QUEUE, [("batalkan", "1")])
    if answer.status != 302:
        return None
    following = juru.get("antrean", QUEUE)
    return ("batal",) if "dibatalkan; periksa ulang" in following.body else None


def follower_names(world, official, platform, rng):
    """What an official account's export lists. Where the world knows the
    account's followers (bench/beban.py's registry): them and as many
    members of the public, with 2 % of the staff's accounts changed since
    (followed or unfollowed: a list changes by a few a day, not by half).
    Otherwise any 60 % of the platform's accounts, so that follows flip both
    ways under concurrency (tests/test_serentak.py)."""
    followers = world.get("pengikut", {}).get(official)
    if followers is None:
        return [name for name in world["akun"][platform] if rng.random() < 0.6]
    changed = set(rng.sample(world["akun"][platform], len(world["akun"][platform]) // 50))
    public = [f"warga.{official}.{n}" for n in range(len(followers))]
    return sorted(changed.symmetric_difference(followers)) + public


def follower_list(juru, world, rng):
    official, platform = rng.choice(world["resmi"])
    names = follower_names(world, official, platform, rng)
    file_name = f"pengikut-{uuid.uuid4().hex[:8]}.txt"
    url = f"/registry/akunmedsos/{official}/pengikut/"
    preview = juru.post("pengikut: unggah", url, [], files={"berkas": (file_name, "\n".join(names).encode())})
    record = first_int(r'name="impor" value="(\d+)"', preview.body)
    if record is None:
        return None
    answer = juru.post("pengikut: konfirmasi", url, [("impor", record), ("turun_diperiksa", "1")])
    return ("pengikut", record, file_name) if answer.status == 302 else None


def roster_import(juru, world, rng, sync=False):
    """A roster that moves some staff between units and, with ``sync``,
    deactivates those of one unit it leaves out (and brings back the others)."""
    units = world["unit_impor"]
    chosen = rng.sample(world["pegawai"], k=min(len(world["pegawai"]), rng.randint(5, 20)))
    lines = ["NIP;NAMA;UNIT KERJA;STATUS KEPEGAWAIAN;AKTIF"]
    for pk, nip, nama in chosen:
        lines.append(f"'{nip};{nama};{rng.choice(units)};PNS;Ya")
    fields = []
    if sync:
        fields = [("instansi", world["unit_sinkron"]), ("sinkron", "on")]
    preview = juru.post("impor pegawai: unggah", "/registry/pegawai/import/", fields,
                        files={"berkas": (f"roster-{uuid.uuid4().hex[:8]}.csv", "\n".join(lines).encode())})
    record = first_int(r'name="impor" value="(\d+)"', preview.body)
    if record is None:
        return None
    confirm = [("impor", record), ("hanya_valid", "1")] + ([("nonaktifkan", "1")] if sync else [])
    answer = juru.post("impor pegawai: konfirmasi", "/registry/pegawai/process_import/", confirm)
    # Written: on to the list; cancelled (the data changed meanwhile): back to the upload.
    return ("impor", record) if answer.status == 302 and answer.location.endswith("/registry/pegawai/") else None


def roster_sync(juru, world, rng):
    return roster_import(juru, world, rng, sync=True)


def toggle_wajib(juru, world, rng):
    official, _ = rng.choice(world["resmi"])
    url = f"/registry/akunmedsos/{official}/change/"
    page, fields = juru.form("akun resmi: ubah", url, "username")
    if fields is None:
        return None
    on = any(name == "wajib_diikuti" for name, _ in fields)
    answer = juru.post("akun resmi: wajib", url, replace(fields, wajib_diikuti=None if on else "on"))
    return ("wajib", official) if answer.status == 302 else None


def move_unit(juru, world, rng):
    unit, parents = rng.choice(world["pindah"])
    url = f"/registry/instansi/{unit}/change/"
    page, fields = juru.form("instansi: ubah", url, "kode")
    if fields is None:
        return None
    answer = juru.post("instansi: pindah", url, replace(fields, induk=str(rng.choice(parents))))
    return ("pindah", unit) if answer.status == 302 else None


def _employee_form(juru, pk):
    url = f"/registry/pegawai/{pk}/change/"
    page, fields = juru.form("pegawai: ubah", url, "nama")
    return url, fields


def toggle_active(juru, world, rng):
    pk = rng.choice(world["pegawai"])[0]
    url, fields = _employee_form(juru, pk)
    if fields is None:
        return None
    on = any(name == "aktif" for name, _ in fields)
    answer = juru.post("pegawai: aktif", url, replace(fields, aktif=None if on else "on"))
    return ("aktif", pk) if answer.status == 302 else None


def add_account(juru, world, rng):
    pk = rng.choice(world["pegawai"])[0]
    url, fields = _employee_form(juru, pk)
    if fields is None:
        return None
    extra = dict(fields).get("akun-INITIAL_FORMS", "0")
    handle = f"baru.{uuid.uuid4().hex[:10]}"
    answer = juru.post("pegawai: tambah akun", url, replace(
        fields, **{f"akun-{extra}-username": f"https://www.instagram.com/{handle}/", f"akun-{extra}-platform": ""}))
    return ("akun", handle) if answer.status == 302 else None


def delete_account(juru, world, rng):
    pk = rng.choice(world["pegawai"])[0]
    url, fields = _employee_form(juru, pk)
    if fields is None or dict(fields).get("akun-INITIAL_FORMS", "0") == "0":
        return None
    answer = juru.post("pegawai: hapus akun", url, replace(fields, **{"akun-0-DELETE": "on"}))
    return ("hapus", pk) if answer.status == 302 else None


READS = [
    ("beranda", "/"),
    ("pegawai: daftar", "/registry/pegawai/"),
    ("pegawai: cari", "/registry/pegawai/?q={nama}"),
    ("akun: daftar", "/registry/akunmedsos/"),
    ("verifikasi: daftar", "/registry/verifikasi/"),
    ("evaluasi", "/registry/pegawai/evaluasi/tidak-patuh/"),
    ("rekap", "/registry/pegawai/rekap/"),
]


def read_page(juru, world, rng):
    page, path = rng.choice(READS)
    # A clerk looks someone up by the name on a letter: the whole of it.
    juru.get(page, path.format(nama=urllib.parse.quote(rng.choice(world["pegawai"])[2])))
    return None


TASKS = {
    "periksa": record_check, "batal": undo_check, "pengikut": follower_list, "impor": roster_import,
    "sinkron": roster_sync, "wajib": toggle_wajib, "pindah": move_unit, "aktif": toggle_active,
    "akun": add_account, "hapus": delete_account, "baca": read_page,
}


def run_clerk(base, session_key, name, world, mix, seconds, seed, think=0.0):
    """Do the tasks of ``mix`` ({task: weight}) for ``seconds``; returns
    (the log as (page, method, status, seconds), what was written, errors)."""
    import random

    rng = random.Random(seed)
    juru = Juru(base, session_key, name)
    tasks, weights = zip(*mix.items())
    written, errors = [], []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        task = rng.choices(tasks, weights)[0]
        try:
            done = TASKS[task](juru, world, rng)
        except Exception as error:  # a clerk's browser shows it; the caller judges it
            errors.append(f"{task}: {type(error).__name__}: {error}")
            continue
        if done:
            written.append(done)
        if think:
            time.sleep(rng.uniform(0, 2 * think))
    log = [(a.page, a.method, a.status, a.seconds) for a in juru.log]
    for answer in juru.log:
        if answer.status >= 500:
            errors.append(f"{answer.method} {answer.page}: {answer.status} {answer.body[-300:]!r}")
    return log, written, errors
