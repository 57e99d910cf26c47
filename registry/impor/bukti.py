"""Proofs of spreading from a sheet (DESIGN §9): long, one proof a row
(NIP/NIK, the content by its link or number, the share's link, optional
Platform, Akun and Waktu), or wide as a Google Form gives it, one column per
content headed by the content's link or number. Each proof passes the same
rules as the employee's page (registry.aturan_sebar)."""

import functools
import itertools
import re
from array import array
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export import fields

from registry import handles, sheets
from registry.aturan_sebar import ProofRules, Usulan
from registry.impor.akun import PLATFORM_WORDS
from registry.impor.kolom import Kolom
from registry.impor.mesin import (
    RegistryResource,
    chunks,
    duplicate_message,
    find_person,
    staff_by_identity,
)
from registry.impor.rencana import BARU, TETAP
from registry.impor.unit import UnitIndex
from registry.kunci import lock_units, lock_units_of, staff_units
from registry.models import BuktiSebar, HasilBukti, Hitungan, JenisImpor, Konten, SumberBukti, draw
from registry.sebaran import AddedProofs

# A content named by its number in the registry: "12", "#12", "Konten 12", "Konten #12".
CONTENT_NUMBER = re.compile(r"^(?:konten\s*)?#?\s*(\d{1,10})$", re.I)
# A content named by its link inside a longer header: "Bukti repost https://…".
LINK_IN_TEXT = re.compile(r"https?://\S+|(?:www\.)?(?:instagram|tiktok|facebook|x|twitter|youtube|threads)\.\w+/\S+",
                          re.I)
WIDE = "konten:"


def content_ref(text):
    """("kode", platform, kode) or ("nomor", pk) a cell or header names a content by, or None."""
    found = _content_ref(sheets.cell_text(text))
    return None if found is None else list(found)


# A long sheet names the same few contents in every row: each is read once.
@functools.lru_cache(maxsize=1024)
def _content_ref(text):
    number = CONTENT_NUMBER.match(text)
    if number:
        return ("nomor", int(number.group(1)))
    link = LINK_IN_TEXT.search(text)
    if link is None:
        return None
    try:
        post = handles.parse_post(link.group(0))
    except ValidationError:
        return None
    return ("kode", post.platform, post.kode)


class BuktiSebarResource(RegistryResource):
    kind = JenisImpor.BUKTI
    # Each proof stands alone: checked and written a window at a time, with
    # a few batched queries a window and what the rules read for it let go
    # before the next (rencana.Plan.windows).
    window_rows = 5000
    kolom = [
        Kolom("nip", "NIP", ["NIP BARU", "NIP"]),
        Kolom("nik", "NIK", ["NIK"]),
        Kolom("nip_nik", "NIP/NIK", ["NIP/NIK", "NIK/NIP"]),
        Kolom("konten", "Konten", ["KONTEN", "TAUTAN KONTEN", "LINK KONTEN", "NOMOR KONTEN", "KONTEN YANG DISEBARKAN",
                                   "KONTEN YANG DIBAGIKAN"]),
        Kolom("tautan", "Tautan bukti", ["TAUTAN BUKTI", "LINK BUKTI", "BUKTI", "TAUTAN REPOST", "LINK REPOST",
                                         "LINK UNGGAHAN ULANG", "TAUTAN UNGGAHAN ULANG", "LINK SHARE",
                                         "BUKTI REPOST", "BUKTI SEBAR"]),
        Kolom("platform", "Platform", ["PLATFORM", "MEDIA SOSIAL"]),
        Kolom("akun", "Akun", ["AKUN", "NAMA AKUN", "USERNAME", "AKUN YANG DIPAKAI"]),
        Kolom("waktu", "Waktu", ["WAKTU", "TIMESTAMP", "STEMPEL WAKTU", "CAP WAKTU", "WAKTU MENYEBARKAN",
                                 "TANGGAL", "WAKTU REPOST"]),
    ]
    required = [{"nip", "nik", "nip_nik"}]
    recognised = staticmethod(lambda text: content_ref(text) is not None)
    template_columns = [("NIP", True), ("NIK", True), ("KONTEN", False), ("TAUTAN BUKTI", False), ("WAKTU", False)]
    template_example = ["198503122010011003", "", "https://www.instagram.com/p/C0aBcDeFgHi/",
                        "https://www.instagram.com/budi.santoso/p/C0zYxWvUtSr/", "01-12-2026 09:05"]
    template_instructions = [
        "Petunjuk pengisian bukti sebar konten",
        "",
        "1. Satu baris satu bukti: NIP (atau NIK untuk Non-ASN), KONTEN (tautan konten akun resmi, atau nomornya "
        "di registri), TAUTAN BUKTI (alamat unggahan ulang pegawai) dan WAKTU.",
        "2. Bentuk lebar juga diterima, seperti hasil Google Form: kolom NIP/NIK lalu satu kolom per konten, "
        "dengan judul kolom berisi tautan konten atau nomornya (misalnya \"Konten #12\").",
        "3. Akun yang dipakai dibaca dari tautan bukti; bila tautannya tidak menyebut akun (instagram.com/p/…), "
        "isi kolom AKUN atau PLATFORM bila pegawai punya lebih dari satu akun.",
        "4. Tautan profil, tautan pendek (vt.tiktok.com) dan tautan konten aslinya ditolak; repost tanpa tautan "
        "dicatat lewat halaman pegawai dengan tangkapan layar.",
        "5. Mengunggah berkas yang sama lagi tidak mengubah apa pun.",
    ]

    waktu = fields.Field(attribute="waktu", column_name="WAKTU")
    nip = fields.Field(attribute="pegawai__nip", column_name="NIP")
    nik = fields.Field(attribute="pegawai__nik", column_name="NIK")
    nama = fields.Field(attribute="pegawai__nama", column_name="NAMA")
    instansi = fields.Field(attribute="unit_pemilik__nama", column_name="INSTANSI")
    konten = fields.Field(attribute="konten__tautan", column_name="KONTEN")
    judul = fields.Field(attribute="konten__judul", column_name="JUDUL KONTEN")
    akun = fields.Field(attribute="akun__username", column_name="AKUN")
    tautan = fields.Field(attribute="tautan", column_name="TAUTAN BUKTI")
    hitungan = fields.Field(attribute="hitungan", column_name="DIHITUNG")
    hasil = fields.Field(attribute="hasil", column_name="HASIL PEMERIKSAAN")
    sumber = fields.Field(attribute="sumber", column_name="SUMBER")

    class Meta:
        model = BuktiSebar
        fields = ["waktu", "nip", "nik", "nama", "instansi", "konten", "judul", "akun", "tautan", "hitungan", "hasil",
                  "sumber"]
        export_order = fields

    export_converters = {
        "hitungan": lambda v: Hitungan(v).label if v else "Tidak dihitung",
        "hasil": lambda v: HasilBukti(v).label,
        "sumber": lambda v: SumberBukti(v).label,
    }

    def map_columns(self, headers, cells, columns=None):
        """The named fields, and each column headed by a content (the wide form)."""
        mapping = super().map_columns(headers, cells, columns)
        for index, header in enumerate(headers):
            if index not in mapping.columns and header:
                ref = content_ref(header)
                if ref is not None:
                    mapping.columns[index] = WIDE + "|".join(map(str, ref))
        chosen = set(mapping.columns.values())
        if not any(name.startswith(WIDE) for name in chosen) and not {"konten", "tautan"} <= chosen:
            raise sheets.FileRejected(
                "Kolom Konten dan Tautan bukti tidak ditemukan, dan tidak ada kolom yang judulnya tautan atau nomor "
                "konten. Beri judul kolom KONTEN dan TAUTAN BUKTI, atau (bentuk lebar) jadikan tautan konten "
                "sebagai judul kolomnya."
            )
        return mapping

    def read_row(self, table, cells, row):
        values = row.values
        values["nip"] = self.read_identity(table, cells, row, "nip")
        values["nik"] = self.read_identity(table, cells, row, "nik")
        if not (values["nip"] or values["nik"]) and not row.problems:
            row.problems.append(["NIP/NIK", "NIP dan NIK kosong; isi NIP (ASN) atau NIK (Non-ASN) pegawai"])
        values["waktu"] = None
        if "waktu" in table.columns:
            try:
                moment = sheets.cell_datetime(table.cell(cells, "waktu"))
            except ValueError:
                row.problems.append([self.column(table, "waktu"), "waktu tidak dikenal; tulis dd-mm-yyyy jj:mm, "
                                                                  "misalnya 01-12-2026 09:05"])
            else:
                values["waktu"] = moment.isoformat() if moment else None
        platform_text = sheets.cell_text(table.cell(cells, "platform"))
        values["platform"] = PLATFORM_WORDS.get(sheets.match_key(platform_text)) if platform_text else ""
        if platform_text and not values["platform"]:
            row.problems.append([self.column(table, "platform"), f"platform {platform_text!r} tidak dikenal"])
        values["akun"] = sheets.cell_text(table.cell(cells, "akun")).lstrip("@").lower()
        values["proofs"] = []
        if "konten" in table.columns:
            link = sheets.cell_text(table.cell(cells, "tautan"))
            ref = content_ref(table.cell(cells, "konten"))
            if ref is None:
                row.problems.append([self.column(table, "konten"), "konten tidak dikenal; isi tautan konten akun "
                                                                   "resmi atau nomornya di registri"])
            elif not link:
                row.problems.append([self.column(table, "tautan"), "tautan bukti kosong; repost tanpa tautan dicatat "
                                                                   "lewat halaman pegawai dengan tangkapan layar"])
            else:
                self._read_proof(row, self.column(table, "tautan"), ref, link)
        for name, index in table.columns.items():
            if name.startswith(WIDE):
                link = sheets.cell_text(table.cell(cells, name))
                if link and not handles.is_no_account(link):
                    kind, *ref = name[len(WIDE):].split("|")
                    self._read_proof(row, table.headers[index],
                                     [kind, *(int(r) if kind == "nomor" else r for r in ref)], link)
        if not values["proofs"] and not row.problems:
            row.problems.append(["Tautan bukti", "tidak ada tautan bukti di baris ini"])

    def _read_proof(self, row, column, ref, link):
        """A proof the row gives: its link read once, here, for every later
        check of the sheet (the rules, rows repeating a link)."""
        try:
            post = handles.parse_post(link)
        except ValidationError as e:
            row.problems.append([column, e.messages[0]])
            return
        row.values["proofs"].append([column, ref, link, [post.platform, post.kode, post.username]])

    def across(self):
        self.units = UnitIndex(self.user)
        return Across(self)

    def prepare(self, plan):
        """Before the first window: the rows naming the same proof as
        another, and the units to lock before the first window is written,
        as ``Across`` found them when the sheet was read and kept them with
        the preview (found again for a preview kept without them). Should
        the registry change before the confirm so that two rows name one
        proof after all, the database's unique constraints refuse the write."""
        if not plan.across:
            across = self.across()
            for rows in plan.windows():
                across.add(rows)
            plan.across = across.result()
        self.units, self.added = UnitIndex(self.user), AddedProofs()
        self.duplicates = dict(plan.across["repeated"])
        self.unlocked = set(plan.across["units"])

    def check_rows(self, plan):
        """A window's proofs against the rules; what the rules read for it
        (staff, accounts, contents, stored proofs) is let go before the next."""
        readable = [row for row in plan.rows if not row.problems]
        proposals = self._proposals(readable, self.units)
        rules = ProofRules(self.user, [p for _, _, p in proposals])
        for row, column, proposal in proposals:
            # A proof stored just as the sheet gives it writes nothing, so it is not judged again (its
            # content's deadline may have passed since), as an unchanged save on the employee's page is
            # not: the registry's own export imported back reads as unchanged.
            stored = rules.same_as_stored(proposal)
            if stored and stored[1]:
                continue
            rules.check(proposal)
            row.conflicts += [[column, message] for _, message in proposal.problems]
        # Rows already holding another proof of a content, said unless the
        # row is refused for something else first (a duplicate in the sheet).
        held = defaultdict(list)
        # Only once every proof of a row is checked: a row with one refused proof writes none.
        for row, column, proposal in proposals:
            if row.conflicts:
                continue
            row.result.setdefault("new", [])
            stored = rules.same_as_stored(proposal)
            if stored is None:
                post = proposal.post
                row.result["new"].append([proposal.konten_id, proposal.akun, post.platform, post.kode, post.url,
                                          proposal.waktu.isoformat() if proposal.waktu else None])
            elif not stored[1]:
                held[row.number].append([column, f"pegawai ini sudah punya bukti lain untuk konten ini "
                                                 f"({stored[2] or 'tanpa tautan'}); hapus bukti lama di halaman "
                                                 f"pegawai bila ingin menggantinya"])
        for row in readable:
            if row.conflicts or "pegawai" not in row.result:
                continue
            row.conflicts += self.duplicates.get(row.number, []) or held[row.number]
            if not row.conflicts:
                row.action = BARU if row.result["new"] else TETAP

    def _proposals(self, rows, units):
        """(row, column, Usulan) of every proof the rows name, for the
        employees and contents the user may see; a row naming neither gets
        its conflict said."""
        staff, contents = staff_by_identity(rows), self._contents(rows)
        proposals = []
        for row in rows:
            person = find_person(row, staff, units)
            if person is None:
                continue
            row.result["pegawai"] = person[0]
            for column, ref, link, post in row.values["proofs"]:
                konten = contents.get(tuple(ref))
                if konten is None:
                    row.conflicts.append([column, "konten tidak ditemukan di antara konten yang mengikat instansi "
                                                  "Anda; daftarkan kontennya dulu"])
                    continue
                waktu = row.values["waktu"]
                proposals.append((row, column, Usulan(person[0], konten, link, akun_nama=row.values["akun"],
                                                      platform=row.values["platform"], post=handles.Post(*post),
                                                      waktu=timezone.datetime.fromisoformat(waktu) if waktu else None)))
        return proposals

    def _contents(self, rows):
        """{ref: content pk} of the contents the rows name, among those the user sees."""
        numbers, codes = set(), defaultdict(set)
        for row in rows:
            for _, ref, _, _ in row.values["proofs"]:
                if ref[0] == "nomor":
                    numbers.add(ref[1])
                else:
                    codes[ref[1]].add(ref[2])
        visible = Konten.objects.for_user(self.user)
        found = {}
        for chunk in chunks(numbers):
            found.update({("nomor", pk): pk for pk in visible.filter(pk__in=chunk).values_list("pk", flat=True)})
        for platform, kode_list in codes.items():
            for chunk in chunks(kode_list):
                for pk, kode in visible.filter(platform=platform, kode__in=chunk).values_list("pk", "kode"):
                    found[("kode", platform, kode)] = pk
        return found

    def write(self, plan):
        """A window's new proofs; the counts they change follow in ``written``."""
        rows = [row for row in plan.rows if row.action == BARU]
        staff = {row.result["pegawai"] for row in rows}
        # Every unit the sheet names in id order before the first window;
        # a window naming someone moved since then locks theirs too.
        lock_units(self.unlocked)
        self.unlocked = set()
        # Each proof's unit is its employee's, read under the lock as it is inserted (registry.kunci).
        lock_units_of(lambda: staff_units(staff))
        new = [(row.result["pegawai"], *proof) for row in rows for proof in row.result["new"]]
        if not new:
            return
        pegawai, konten, akun, platform, kode, tautan, waktu = zip(*new)
        now = timezone.now()
        # Write path: proofs imported.
        ids = self.added.insert(
            {"pegawai_id": pegawai, "konten_id": konten, "akun_id": akun, "platform": platform, "kode": kode,
             "tautan": tautan, "waktu": [timezone.datetime.fromisoformat(w) if w else now for w in waktu],
             "acak": list(map(draw, konten, pegawai))},
            sumber=SumberBukti.IMPOR if self.user is not None and self.user.pk else SumberBukti.PERINTAH,
        )
        self.record_history(BuktiSebar, ids, "+")

    def written(self, plan):
        self.added.finish()


class Across:
    """What the check of a proofs sheet needs of every window before the
    first: the rows naming the same proof as another (the same content for
    the same employee, or the same link), however many windows apart, and
    the units of everyone the sheet names."""

    def __init__(self, resource):
        self.resource, self.units = resource, set()
        self.pairs, self.links = RowKeys(), RowKeys()

    def add(self, rows):
        readable = [row for row in rows if not row.problems]
        staff, contents = staff_by_identity(readable), self.resource._contents(readable)
        for row in readable:
            # What it says of a row here the check says again (each check starts its rows afresh).
            person = find_person(row, staff, self.resource.units)
            if person is None:
                continue
            self.units.add(person[1])
            for _, ref, _, (platform, kode, _) in row.values["proofs"]:
                if tuple(ref) in contents:
                    self.pairs.add((contents[tuple(ref)], person[0]), row.number)
                self.links.add((platform, kode), row.number)

    def result(self):
        repeated = defaultdict(list)
        for label, keys in (("Konten", self.pairs), ("Tautan bukti", self.links)):
            for number, others in keys.repeated().items():
                repeated[number].append([label, duplicate_message(label, others)])
        return {"repeated": sorted(repeated.items()), "units": sorted(self.units)}


class RowKeys:
    """Row numbers by their key's hash, 16 bytes a key: a 100,000-row sheet's
    keys take 3 MB where its rows would take hundreds."""

    def __init__(self):
        self.hashes, self.numbers = array("q"), array("q")

    def add(self, key, number):
        self.hashes.append(hash(key))
        self.numbers.append(number)

    def repeated(self):
        """{row number: the other rows} of every key two rows or more give
        (a wide row may give its own key twice)."""
        order = sorted(range(len(self.hashes)), key=self.hashes.__getitem__)
        found = {}
        for _, run in itertools.groupby(order, key=self.hashes.__getitem__):
            numbers = sorted({self.numbers[i] for i in run})
            if len(numbers) > 1:
                for number in numbers:
                    found[number] = [n for n in numbers if n != number]
        return found
