"""A corpus of malformed files, built from the valid samples in tests/data.

``corpus()`` yields ``Case(name, kind, file_name, data)``, deterministically
(seeded), more than 1,000 of them: truncated and byte-flipped files of every
kind; .xlsx files with entity expansion, external entities, a declared
dimension of A1:XFD1048576, 1 MB cells, 16,384 columns, formula and error
cells, NUL bytes, zero-width and right-to-left characters in NIPs and
handles, and path-traversal members; CSV files in wrong encodings; follower
ZIPs that are bombs or carry ../ member names; deeply nested JSON.
``kind`` is the import it is fed to: pegawai, akunmedsos, instansi, konten, buktisebar, pengikut.
"""

import io
import random
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

BASES = {
    "pegawai": ["pegawai_nominatif.xlsx", "pegawai_utf8_bom.csv", "roster_dengan_kaki.xlsx"],
    "akunmedsos": ["akun_panjang.xlsx", "akun_google_form.csv", "akun_lebar_dua_baris.xlsx"],
    "instansi": ["instansi.xlsx"],
    "konten": ["konten_daftar.xlsx"],
    "buktisebar": ["bukti_google_form.xlsx", "bukti_panjang.csv"],
    "pengikut": ["followers_1.json", "followers_1.html", "instagram_unduhan.zip", "tiktok_user_data.json",
                 "pengikut.txt", "pengikut.csv", "pengikut.xlsx"],
    "posting": ["posting/instagram-humas.uji-2026-11-30-Pq7Rs2Tu.zip", "posting/instagram_lama.zip",
                "posting/posts_1.html", "posting/tiktok_user_data.json", "posting/meta_business_suite.csv",
                "posting/meta_business_suite_id.xlsx", "posting/daftar_posting.xlsx"],
}
ZERO_WIDTH, RTL = "\u200b", "\u202e"
SEEDS = 36


@dataclass
class Case:
    name: str
    kind: str
    file_name: str
    data: bytes


def truncated(data, rng):
    return data[: rng.randrange(1, max(len(data), 2))]


def flipped(data, rng):
    data = bytearray(data)
    for _ in range(rng.randint(1, 40)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def rezip(data, change):
    """The .xlsx (or .zip) ``data`` with its members passed through ``change(name, bytes)``;
    ``change`` returns the new bytes, or a list of (name, bytes) to write instead."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            result = change(info.filename, source.read(info.filename))
            for name, body in result if isinstance(result, list) else [(info.filename, result)]:
                target.writestr(name, body)
    return out.getvalue()


def in_sheet(transform):
    def change(name, body):
        return transform(body.decode()).encode() if re.match(r"xl/worksheets/sheet\d+\.xml$", name) else body
    return change


def in_strings(transform):
    def change(name, body):
        return transform(body.decode()).encode() if name == "xl/sharedStrings.xml" else body
    return change


LAUGHS = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
XLSX_MUTATIONS = {
    "entitas-berlipat": in_strings(lambda x: x.replace(
        "<sst", f'<!DOCTYPE sst [<!ENTITY l0 "haha">{LAUGHS}]><sst', 1).replace("<t>", "<t>&l9;", 1)),
    "entitas-luar": in_strings(lambda x: x.replace(
        "<sst", '<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><sst', 1).replace("<t>", "<t>&xxe;", 1)),
    "dimensi-raksasa": in_sheet(lambda x: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', x)),
    "sel-1mb": in_strings(lambda x: x.replace("<t>", "<t>" + "A" * 1_000_000, 1)),
    "16384-kolom": in_sheet(lambda x: x.replace(
        "</row>", "".join(f'<c r="{col(i)}1" t="inlineStr"><is><t>K{i}</t></is></c>' for i in range(1, 16385))
        + "</row>", 1)),
    "rumus-dan-galat": in_sheet(lambda x: re.sub(
        r"(<row [^>]*r=\"2\"[^>]*>)", r'\1<c r="A2"><f>1/0</f><v>#DIV/0!</v></c><c r="B2" t="e"><v>#REF!</v></c>', x,
        count=1)),
    "nul": in_strings(lambda x: x.replace("<t>", "<t>\x00", 3)),
    "lebar-nol-dan-rtl": in_strings(lambda x: re.sub(
        r"<t>(\d{6,})</t>", lambda m: f"<t>{ZERO_WIDTH}{m.group(1)[:8]}{RTL}{m.group(1)[8:]}</t>", x)
        .replace("<t>@", f"<t>@{ZERO_WIDTH}{RTL}")),
    "xml-rusak": in_sheet(lambda x: x.replace("</sheetData>", "<row>", 1)),
    "tanpa-lembar": lambda name, body: [] if name.startswith("xl/worksheets/") else body,
    "anggota-keluar-folder": lambda name, body: (
        [(name, body), ("../../../tmp/jahat.xml", b"<x/>")] if name == "[Content_Types].xml" else body),
}
CSV_MUTATIONS = {
    "utf16": lambda t: t.encode("utf-16"),
    "latin1": lambda t: (t + "\nJosé Müller;ñ;ß\n").encode("latin-1", "replace"),
    "nul": lambda t: t.replace(";", "\x00;", 5).encode(),
    "sel-1mb": lambda t: (t + "\n" + "A" * 1_000_000 + "\n").encode(),
    "16384-kolom": lambda t: (";".join(f"K{i}" for i in range(16384)) + "\n" + t).encode(),
    "lebar-nol-dan-rtl": lambda t: re.sub(r"(\d{8})(\d{10})", rf"{ZERO_WIDTH}\1{RTL}\2", t).replace(
        "@", f"@{ZERO_WIDTH}").encode(),
    "rumus": lambda t: (t + '\n=HYPERLINK("http://jahat");=1+1;@SUM(A1)\n').encode(),
}


def col(index):
    name = ""
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def zip_bomb(name):
    """A ZIP whose member ``name`` unpacks past arsip.MAX_UNPACKED (200 MB)
    from a few hundred KB packed; written in pieces."""
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open(name, "w", force_zip64=True) as member:
            member.write(b"[")
            for _ in range(210):
                member.write(b" " * 1024 * 1024)
            member.write(b"]")
    return bomb


def follower_specials():
    """Follower ZIPs and JSON an attacker would send."""
    bomb = zip_bomb("followers_and_following/followers_1.json")
    traversal = io.BytesIO()
    with zipfile.ZipFile(traversal, "w") as z:
        z.writestr("../../../../tmp/followers_1.json", b'[{"string_list_data": [{"value": "jahat"}]}]')
        z.writestr("/etc/cron.d/jahat", b"* * * * * root true")
    nested = io.BytesIO()
    with zipfile.ZipFile(nested, "w") as z:
        z.writestr("dalam.zip", bomb.getvalue())
    yield "bom-zip.zip", bomb.getvalue()
    yield "anggota-keluar-folder.zip", traversal.getvalue()
    yield "zip-dalam-zip.zip", nested.getvalue()
    yield "json-bersarang.json", b"[" * 100_000 + b"]" * 100_000
    yield "json-1mb.json", b'[{"string_list_data": [{"value": "' + b"a" * 1_000_000 + b'"}]}]'
    yield "nul.txt", b"akun.satu\x00\x00\nakun.dua\n"
    yield "utf16.txt", "akun.satu\nakun.dua\n".encode("utf-16")
    yield "lebar-nol.txt", f"akun{ZERO_WIDTH}.satu\n{RTL}akun.dua\n".encode()


def posting_specials():
    """Post exports an attacker, or a broken download, would send."""
    bomb = zip_bomb("your_instagram_activity/media/posts_1.json")
    yield "bom-posting.zip", bomb.getvalue()
    yield "posts_1.json", b"<!DOCTYPE html><html><body>Masuk ke Instagram</body></html>"
    yield "waktu-aneh.json", (b'[{"creation_timestamp": -1}, {"creation_timestamp": 99999999999999},'
                              b' {"creation_timestamp": "kemarin"}, {"creation_timestamp": 1e400}]')
    yield "tanpa-kunci.json", b'{"ig_stories": [{}, [], null, {"media": []}, {"media": [null]}]}'
    yield "tiktok-rusak.json", b'{"Post": {"Posts": {"VideoList": [{"Date": "31/31/2026"}, {"Link": 5}, 7]}}}'


def corpus():
    for kind, names in BASES.items():
        for base in names:
            data = (DATA / base).read_bytes()
            stem, ext = base.rsplit("/", 1)[-1].rsplit(".", 1)
            for seed in range(SEEDS):
                rng = random.Random(f"{base}-{seed}")
                yield Case(f"{base}: potong #{seed}", kind, f"{stem}-potong{seed}.{ext}", truncated(data, rng))
                yield Case(f"{base}: bita acak #{seed}", kind, f"{stem}-acak{seed}.{ext}", flipped(data, rng))
            if ext in ("xlsx", "zip"):
                for name, change in XLSX_MUTATIONS.items() if ext == "xlsx" else ():
                    yield Case(f"{base}: {name}", kind, f"{stem}-{name}.xlsx", rezip(data, change))
            if ext in ("csv", "txt"):
                text = data.decode("utf-8-sig")
                for name, change in CSV_MUTATIONS.items():
                    yield Case(f"{base}: {name}", kind, f"{stem}-{name}.{ext}", change(text))
            yield Case(f"{base}: nama berkas keliru", kind, f"{stem}.pdf", data)
            yield Case(f"{base}: kosong", kind, f"{stem}-kosong.{ext}", b"")
    for name, data in follower_specials():
        yield Case(f"pengikut: {name}", "pengikut", name, data)
    for name, data in posting_specials():
        yield Case(f"posting: {name}", "posting", name, data)


def damage(case):
    """What was done to which type of file: ("csv", "sel-1mb")."""
    base, _, kind = case.name.partition(": ")
    return base.rsplit(".", 1)[-1], re.sub(r" #\d+$", "", kind)


def sample(size=None):
    """``size`` cases: first one of each damage done to each type of file
    (57 pairs: a 1 MB cell breaks a CSV and an .xlsx differently), then one
    of each damage done to each kind of import's own files until a fifth
    of ``size`` is left, then every n-th of the rest; the whole corpus when
    ``size`` is None."""
    cases = list(corpus())
    if size is None:
        return cases
    first, per_kind = {}, {}
    for index, case in enumerate(cases):
        first.setdefault(damage(case), index)
        per_kind.setdefault((case.kind, *damage(case)), index)
    chosen = sorted(first.values())[:size]
    spare = max(size * 4 // 5 - len(chosen), 0)
    by_kind = [i for i in sorted(per_kind.values(), key=lambda i: (cases[i].kind, i)) if i not in chosen]
    # Round-robin over the kinds, so that each kind's own files are damaged too.
    kinds = sorted({cases[i].kind for i in by_kind})
    queues = {kind: [i for i in by_kind if cases[i].kind == kind] for kind in kinds}
    while spare and any(queues.values()):
        for kind in kinds:
            if spare and queues[kind]:
                chosen.append(queues[kind].pop(0))
                spare -= 1
    rest = [i for i in range(len(cases)) if i not in set(chosen)]
    step = max(len(rest) // max(size - len(chosen), 1), 1)
    chosen += rest[::step][: size - len(chosen)]
    return [cases[i] for i in sorted(chosen)]
