"""Bulk import and export of instansi, pegawai and accounts.

The classes here are django-import-export resources, so the admin's export
form offers their columns, and the admin and ``manage.py import_data`` share
them. Importing does not go through the library's row-by-row machinery,
which takes a minute for a province's file: a resource reads the whole file
(``sheets.read_table``), checks every row in Python with the same rules as
the forms (``identity``, ``handles``, ``models.identity_errors``), checks the
database in a few batched queries, and writes with ``bulk_create`` /
``bulk_update``. The result is a ``Plan``: what each row would do, shown as
the preview, stored until the clerk confirms, then applied.

Every query goes through the user's scope (``for_user``): an operator's file
can only read and change rows inside the operator's subtree.
"""

import difflib
import json
import re
import zlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from import_export import fields, resources

from registry import handles, identity, sheets
from registry.models import (
    AkunMedsos,
    HasilVerifikasi,
    Impor,
    Instansi,
    JenisImpor,
    Kepatuhan,
    Pegawai,
    Platform,
    StatusImpor,
    StatusKepegawaian,
    SumberVerifikasi,
    Verifikasi,
    identity_errors,
    new_staff_state,
    record_history,
    refresh_staff,
    scope_paths,
    sees_full_nik,
    sync_units,
)

BARU, BERUBAH, TETAP, DITOLAK = "baru", "berubah", "tetap", "ditolak"
# Rows per INSERT and per IN (...) lookup; lookups also stay within what
# the database backend declares it accepts (999 for SQLite).
BATCH = 2000

TRUE_WORDS = {"ya", "y", "aktif", "true", "1", "benar"}
FALSE_WORDS = {"tidak", "t", "nonaktif", "tidakaktif", "false", "0", "salah"}


def ya_tidak(value):
    return "Ya" if value else "Tidak"


def _aliases(table):
    return {sheets.match_key(header): name for header, name in table.items()}


@dataclass
class Row:
    number: int  # as Excel shows it
    raw: list  # the cells as text, for the rejected-rows file
    values: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)  # [column, message] from the file alone
    conflicts: list = field(default_factory=list)  # [column, message] against the database
    action: str = ""
    target: int = None  # pk of the existing object
    changes: dict = field(default_factory=dict)  # field -> [old, new]
    result: dict = field(default_factory=dict)  # what the database check decided to write

    @property
    def rejected(self):
        return bool(self.problems or self.conflicts)

    @property
    def reasons(self):
        return self.problems + self.conflicts


@dataclass
class Plan:
    kind: str
    file_name: str
    headers: list
    rows: list
    options: dict = field(default_factory=dict)
    # Employees of the chosen unit missing from the file: [pk, nama, nip].
    missing: list = field(default_factory=list)
    # Headers of the file that no alias knows: shown, so nothing is dropped unseen.
    ignored: list = field(default_factory=list)

    def count(self, action):
        return sum(1 for row in self.rows if row.action == action)

    @property
    def new_accounts(self):
        """Accounts a row-per-person file adds (a wide row holds several); None for other kinds."""
        if self.kind != JenisImpor.AKUN:
            return None
        return sum(len(row.result.get("new", [])) for row in self.rows if row.action in (BARU, BERUBAH))

    @property
    def counts(self):
        return {action: self.count(action) for action in (BARU, BERUBAH, TETAP, DITOLAK)}

    @property
    def rejected(self):
        return [row for row in self.rows if row.action == DITOLAK]

    def dump(self):
        """The rows as read from the file; the database checks are redone on confirm."""
        data = {
            "kind": self.kind,
            "file_name": self.file_name,
            "headers": self.headers,
            "options": self.options,
            "ignored": self.ignored,
            "rows": [[r.number, r.raw, r.values, r.problems] for r in self.rows],
        }
        return zlib.compress(json.dumps(data, ensure_ascii=False).encode(), 1)

    @classmethod
    def load(cls, blob):
        data = json.loads(zlib.decompress(bytes(blob)))
        rows = [Row(number, raw, values, problems) for number, raw, values, problems in data["rows"]]
        return cls(data["kind"], data["file_name"], data["headers"], rows, data["options"], ignored=data["ignored"])

    def rejected_workbook(self):
        """The rejected rows as the clerk sent them, with a Keterangan column."""
        headers = [h or f"Kolom {i + 1}" for i, h in enumerate(self.headers)]
        writer = sheets.XlsxWriter(
            ["Baris", *headers, "Keterangan"],
            text_columns={h for h in headers if sheets.match_key(h) in ("nip", "nipbaru", "nik")},
        )
        for row in self.rejected:
            reasons = "; ".join(f"{column}: {message}" for column, message in row.reasons)
            writer.append([row.number, *row.raw, reasons])
        return writer.close()


class ImportCancelled(Exception):
    """The database changed between preview and confirm in a way that matters."""


class RegistryResource(resources.ModelResource):
    """Shared machinery; subclasses say how to read and check one row."""

    kind = None
    aliases = {}
    required = []
    # (column, text column?) of the import template, its example row,
    # drop-down choices and instructions.
    template_columns = []
    template_example = []
    template_choices = {}
    template_instructions = []
    # Export: attribute -> function making the cell a clerk reads ("Ya").
    export_converters = {}
    # Written as text and formatted as Text, so Excel keeps all 18 digits.
    text_columns = {"NIP", "NIK"}

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        # What the rows' history says they were written through; the
        # admin names the Impor record ("impor #12").
        self.melalui = "impor"

    def record_history(self, model, pks, kind):
        """The bulk writes' history, naming who and through what; the
        command line acts as an unsaved user (import_data): nobody."""
        record_history(model, pks, kind, self.user, self.melalui)

    # Import ---------------------------------------------------------------

    def plan(self, data, file_name, options=None, progress=None):
        expected = [name for name, _ in self.template_columns]
        table = sheets.read_table(data, file_name, self.aliases, self.required, expected)
        headers = table.headers
        rows = []
        total = len(table.rows)
        for done, (number, cells) in enumerate(table.rows, start=1):
            row = Row(number, [c if type(c) is str else sheets.cell_text(c) for c in cells])
            for cell_index in table.columns.values():
                if (number, cell_index) in table.uncalculated:
                    row.problems.append([
                        headers[cell_index],
                        "sel berisi rumus yang belum dihitung; buka berkas di Excel, simpan ulang, "
                        "lalu unggah lagi",
                    ])
            if not row.problems:
                self.read_row(table, cells, row)
            rows.append(row)
            if progress and done % 2000 == 0:
                progress(done, total)
        if progress:
            progress(total, total)
        footer = self.footer(rows)
        if footer:
            rows = rows[: -len(footer)]
            options = {**(options or {}), "kaki": [footer[0].number, footer[-1].number]}
        plan = Plan(self.kind, file_name, headers, rows, dict(options or {}), ignored=table.unknown)
        self.check(plan)
        return plan

    def footer(self, rows):
        """The place, date and signatures under a roster's table: trailing
        rows with no NIP or NIK that could not be read anyway, at least one
        of them reading like a signature block. Ignored, not rejected."""
        block = []
        for row in reversed(rows):
            if row.values.get("nip") or row.values.get("nik") or not row.problems:
                break
            block.append(row)
        block.reverse()
        if any(FOOTER_WORDS.search(" ".join(row.raw)) for row in block):
            return block
        return []

    def check(self, plan):
        """Decide each row's action against the database (re-run on confirm)."""
        for row in plan.rows:
            row.conflicts, row.changes, row.target, row.action, row.result = [], {}, None, "", {}
        self.check_rows(plan)
        for row in plan.rows:
            if row.rejected:
                row.action = DITOLAK

    def apply(self, plan):
        """Write the rows that are not rejected. Returns the counts."""
        try:
            with transaction.atomic():
                self.write(plan)
        except IntegrityError:
            raise ImportCancelled(
                "Data berubah oleh pengguna lain selama impor berlangsung; tidak ada yang disimpan. "
                "Unggah ulang berkasnya untuk pratinjau baru."
            ) from None
        return plan.counts

    def column(self, table, name):
        return table.headers[table.columns[name]]

    def read_identity(self, table, cells, row, name):
        """The row's NIP or NIK. Rosters often keep one "NIP/NIK" column:
        there 16 digits are a NIK and anything else is read as a NIP."""
        column = name if name in table.columns else "nip_nik"
        if column not in table.columns:
            return None
        try:
            label = "NIP/NIK" if column == "nip_nik" else name.upper()
            value = identity.normalise(table.cell(cells, column), label)
        except ValidationError as e:
            # A combined column's problem is said once, with the NIP.
            if column == name or name == "nip":
                row.problems.append([self.column(table, column), e.messages[0]])
            return None
        if column == "nip_nik" and (name == "nik") != (len(value) == 16):
            return None
        return value or None

    def read_flag(self, table, cells, row, name):
        text = sheets.cell_text(table.cell(cells, name))
        if not text:
            return None
        if sheets.match_key(text) in TRUE_WORDS:
            return True
        if sheets.match_key(text) in FALSE_WORDS:
            return False
        row.problems.append([self.column(table, name), f"isian {text!r} tidak dikenal; isi Ya atau Tidak"])
        return None

    def template(self):
        """The template for this clerk: its example names a unit in their
        scope, and a second sheet lists the units they may use."""
        units = list(
            Instansi.objects.for_user(self.user)
            .filter(aktif=True)
            .order_by("jalur")
            .values_list("kode", "nama", "singkatan", "induk_id")[: sheets.UNIT_SHEET_MAX]
        )
        example = list(self.template_example)
        if units:
            # The top of the scope, or for the whole regency one unit below it.
            top = units[1] if units[0][3] is None and len(units) > 1 else units[0]
            names = [name for name, _ in self.template_columns]
            for column, value in self.template_unit_example(top, units[0]).items():
                example[names.index(column)] = value
        return sheets.build_template(
            self.template_columns,
            example,
            self.template_instructions,
            self.template_choices,
            units=[unit[:3] for unit in units],
        )

    def template_unit_example(self, unit, top):
        """{column: value} of the example row naming ``unit`` (kode, nama, singkatan)."""
        return {}

    # Export ---------------------------------------------------------------

    def export_rows(self, queryset, field_names=None):
        """(headers, iterator of rows) for the chosen fields, streamed from the database."""
        chosen = self.get_export_fields(field_names)
        paths = [f.attribute for f in chosen]
        converters = [self.export_converters.get(f.attribute) for f in chosen]
        if not sees_full_nik(self.user):
            converters = [identity.masked if f.column_name == "NIK" else c for f, c in zip(chosen, converters)]
        # The list's own order: what the clerk saw on screen.
        queryset = queryset.values_list(*paths)

        def rows():
            for values in queryset.iterator(chunk_size=2000):
                yield [convert(v) if convert else v for convert, v in zip(converters, values)]

        return [f.column_name for f in chosen], rows()


def flag_duplicates(groups, label):
    """Reject every row of a group of rows that share one key, each naming the others."""
    for same in groups.values():
        if len(same) > 1:
            for row in same:
                others = ", ".join(str(r.number) for r in same if r is not row)
                row.conflicts.append([label, f"{label} yang sama juga ada di baris {others}; hapus salah satu"])


def _chunks(values):
    size = min(BATCH, connection.features.max_query_params or BATCH)
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


# What the signature block under a roster says: place and date, who signs.
FOOTER_WORDS = re.compile(
    r"\b(mengetahui|kepala|sekretaris|plt|plh|a\.\s?n\.|ttd|pembina|penata|pengatur|nip\s*[.:]|"
    r"\d{1,2}\s+(januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember)"
    r"\s+\d{4})",
    re.I,
)
# Unit names a file may have mistyped that are matched against every unit.
SUGGEST_MAX = 50


class UnitIndex:
    """Instansi in the user's scope, findable by kode, nama or singkatan.

    Built from ``Instansi.objects.for_user``, so ``pk in index`` is the
    scope question asked of a row's unit, with no second rule here.
    """

    def __init__(self, user):
        self.by_key = defaultdict(set)
        self.by_kode = {}
        self.jalur = {}
        self.names = {}
        self.suggested = {}
        for pk, kode, nama, singkatan, jalur in Instansi.objects.for_user(user).values_list(
            "pk", "kode", "nama", "singkatan", "jalur"
        ):
            self.jalur[pk] = jalur
            self.by_kode[sheets.match_key(kode)] = pk
            self.names[pk] = nama
            for text in (kode, nama, singkatan):
                if text:
                    self.by_key[sheets.match_key(text)].add(pk)

    def __contains__(self, pk):
        return pk in self.jalur

    def find(self, text, kode_only=False):
        """(pk, None) or (None, the reason it was not found)."""
        if kode_only:
            pk = self.by_kode.get(sheets.match_key(text))
            return (pk, None) if pk else (None, f"kode instansi {text!r} tidak ditemukan di instansi yang Anda kelola")
        found = self.by_key.get(sheets.match_key(text), set())
        if len(found) == 1:
            return next(iter(found)), None
        if found:
            return None, f"nama {text!r} dipakai lebih dari satu instansi; tulis kodenya"
        return None, f"instansi {text!r} tidak ditemukan di instansi yang Anda kelola" + self._suggest(text)

    def _suggest(self, text):
        """"; maksud Anda: Dinas Pendidikan?" for a typo of a unit in scope.

        Comparing with every unit costs a few milliseconds in a province; a
        file whose whole column is wrong would pay it per row, so each text
        is compared once and at most SUGGEST_MAX texts a file."""
        key = sheets.match_key(text)
        if key not in self.suggested:
            names = []
            if len(self.suggested) < SUGGEST_MAX:
                close = difflib.get_close_matches(key, list(self.by_key), n=3, cutoff=0.75)
                names = sorted({self.names[pk] for match in close for pk in self.by_key[match]})
            self.suggested[key] = (
                f"; maksud Anda: {' atau '.join(names[:2])}?" if names
                else "; periksa ejaannya atau tulis kodenya (lihat lembar Daftar instansi di templat)"
            )
        return self.suggested[key]


# Pegawai -----------------------------------------------------------------

STATUS_WORDS = {
    sheets.match_key(word): status
    for words, status in [
        (["PNS", "CPNS"], StatusKepegawaian.PNS),
        (["PPPK", "P3K"], StatusKepegawaian.PPPK),
        (["PPPK PARUH WAKTU", "PPPK PW", "P3K PARUH WAKTU", "P3K PW"], StatusKepegawaian.PPPK_PW),
        (
            ["NON ASN", "NON-ASN", "NON PNS", "HONORER", "HONOR", "TENAGA KONTRAK", "THL", "TKK", "KONTRAK"],
            StatusKepegawaian.NON_ASN,
        ),
    ]
    for word in words
}
PEGAWAI_FIELDS = ["nip", "nik", "nama", "jabatan", "instansi_id", "status_kepegawaian", "aktif"]


class PegawaiResource(RegistryResource):
    kind = JenisImpor.PEGAWAI
    aliases = _aliases({
        "NIP": "nip", "NIP BARU": "nip",
        "NIK": "nik",
        "NIP/NIK": "nip_nik", "NIK/NIP": "nip_nik",
        "NAMA": "nama", "NAMA LENGKAP": "nama", "NAMA PEGAWAI": "nama",
        "JABATAN": "jabatan", "NAMA JABATAN": "jabatan",
        "UNIT KERJA": "instansi", "INSTANSI": "instansi", "OPD": "instansi", "UNOR": "instansi",
        "SATUAN KERJA": "instansi",
        "KODE INSTANSI": "kode_instansi",
        "STATUS": "status", "STATUS KEPEGAWAIAN": "status", "JENIS PEGAWAI": "status",
        "AKTIF": "aktif",
    })
    required = [{"nip", "nik", "nip_nik"}, {"nama"}]
    template_columns = [
        ("NIP", True), ("NIK", True), ("NAMA", False), ("JABATAN", False),
        ("UNIT KERJA", False), ("STATUS KEPEGAWAIAN", False),
    ]
    template_example = [
        "198503122010011003", "", "Budi Santoso, S.Kom.", "Pranata Komputer Ahli Pertama",
        "Dinas Komunikasi dan Informatika", "PNS",
    ]
    template_choices = {"STATUS KEPEGAWAIAN": ["PNS", "PPPK", "PPPK Paruh Waktu", "Non-ASN"]}

    def template_unit_example(self, unit, top):
        return {"UNIT KERJA": unit[1]}

    template_instructions = [
        "Petunjuk pengisian daftar pegawai",
        "",
        "1. Satu baris satu pegawai. Baris judul boleh berada di bawah judul daftar.",
        "2. NIP (18 digit) wajib untuk PNS, PPPK dan PPPK Paruh Waktu; NIK (16 digit) wajib untuk Non-ASN.",
        "3. Kolom NIP dan NIK sudah berformat Teks. Jangan ubah menjadi Angka: Excel membulatkan angka "
        "lebih dari 15 digit, sehingga NIP rusak. Spasi atau titik pemisah boleh ikut ditulis.",
        "4. UNIT KERJA diisi kode, nama, atau singkatan instansi persis seperti di registri; "
        "lembar Daftar instansi memuat instansi yang boleh Anda isi.",
        "5. STATUS KEPEGAWAIAN: PNS, PPPK, PPPK Paruh Waktu, atau Non-ASN "
        "(juga diterima: CPNS, P3K, Honorer, Tenaga Kontrak, THL, TKK).",
        "6. Baris contoh (baris 2) boleh dihapus atau ditimpa.",
        "7. Setelah diunggah, sistem menampilkan pratinjau: baris baru, berubah, tetap dan ditolak "
        "beserta alasannya. Tidak ada data yang disimpan sebelum Anda menekan Konfirmasi.",
        "8. Mengimpor tidak pernah menghapus pegawai. Pegawai yang pindah atau pensiun dinonaktifkan.",
    ]

    nip = fields.Field(attribute="nip", column_name="NIP")
    nik = fields.Field(attribute="nik", column_name="NIK")
    nama = fields.Field(attribute="nama", column_name="NAMA")
    jabatan = fields.Field(attribute="jabatan", column_name="JABATAN")
    kode_instansi = fields.Field(attribute="instansi__kode", column_name="KODE INSTANSI")
    instansi = fields.Field(attribute="instansi__nama", column_name="INSTANSI")
    status = fields.Field(attribute="status_kepegawaian", column_name="STATUS KEPEGAWAIAN")
    aktif = fields.Field(attribute="aktif", column_name="AKTIF")
    kepatuhan = fields.Field(attribute="kepatuhan", column_name="KEPATUHAN")

    class Meta:
        model = Pegawai
        fields = ["nip", "nik", "nama", "jabatan", "kode_instansi", "instansi", "status", "aktif", "kepatuhan"]
        export_order = fields

    export_converters = {
        "status_kepegawaian": lambda v: StatusKepegawaian(v).label,
        "aktif": ya_tidak,
        "kepatuhan": lambda v: Kepatuhan(v).label if v else "Nonaktif",
    }

    def read_row(self, table, cells, row):
        values = row.values
        raw_name = table.cell(cells, "nama")
        nama = sheets.cell_text(raw_name)
        if isinstance(raw_name, (int, float)):
            row.problems.append([self.column(table, "nama"), f"berisi angka ({nama}), bukan nama"])
        elif not nama:
            row.problems.append([self.column(table, "nama"), "nama kosong; isi nama lengkap pegawai"])
        elif len(nama) > 200:
            row.problems.append([self.column(table, "nama"), "nama lebih dari 200 karakter"])
        values["nama"] = nama
        if "jabatan" in table.columns:
            values["jabatan"] = sheets.cell_text(table.cell(cells, "jabatan"))[:200]
        status_text = sheets.cell_text(table.cell(cells, "status"))
        values["status"] = STATUS_WORDS.get(sheets.match_key(status_text)) if status_text else None
        if status_text and values["status"] is None:
            row.problems.append([
                self.column(table, "status"),
                f"status {status_text!r} tidak dikenal; isi PNS, PPPK, PPPK Paruh Waktu atau Non-ASN",
            ])
        values["nip"] = self.read_identity(table, cells, row, "nip")
        values["nik"] = self.read_identity(table, cells, row, "nik")
        if (values["status"] == StatusKepegawaian.NON_ASN and values["nip"] and len(values["nip"]) == 16
                and not values["nik"]):
            # Rosters often keep one "NIP/NIK" column; a Non-ASN has no NIP.
            values["nip"], values["nik"] = None, values["nip"]
            values["catatan"] = "16 digit di kolom NIP dibaca sebagai NIK, karena pegawai Non-ASN tidak memiliki NIP"
        if not values["nip"] and not values["nik"] and not row.problems:
            row.problems.append(["NIP/NIK", "NIP dan NIK kosong; isi NIP (ASN) atau NIK (Non-ASN)"])
        kode = sheets.cell_text(table.cell(cells, "kode_instansi"))
        unit = sheets.cell_text(table.cell(cells, "instansi"))
        values["unit"] = ["kode", kode] if kode else (["any", unit] if unit else None)
        values["aktif"] = self.read_flag(table, cells, row, "aktif") if "aktif" in table.columns else None

    def check_rows(self, plan):
        units = UnitIndex(self.user)
        default_unit = plan.options.get("instansi")
        if default_unit is not None and default_unit not in units:
            default_unit = None
        readable = [row for row in plan.rows if not row.problems]
        for name in ("nip", "nik"):
            same = defaultdict(list)
            for row in readable:
                if row.values[name]:
                    same[row.values[name]].append(row)
            flag_duplicates(same, name.upper())
        by_nip, by_nik = self._existing(readable)
        matched = set()
        for row in readable:
            v = row.values
            by_number = by_nip.get(v["nip"]) if v["nip"] else None
            by_identity = by_nik.get(v["nik"]) if v["nik"] else None
            if by_number and by_identity and by_number["pk"] != by_identity["pk"]:
                row.conflicts.append(["NIK", "NIK ini milik pegawai lain, bukan pemilik NIP di baris yang sama"])
                continue
            current = by_number or by_identity
            if current and current["instansi_id"] not in units:
                label = "NIP" if by_number else "NIK"
                row.conflicts.append([label, f"{label} terdaftar di instansi lain; hubungi BKD untuk mutasi"])
                continue
            unit = self._unit(row, units, default_unit, current)
            if unit is None:
                continue
            status = v["status"] or (current and current["status_kepegawaian"])
            if not status:
                row.conflicts.append([
                    "STATUS KEPEGAWAIAN", "status kepegawaian kosong; isi PNS, PPPK, PPPK Paruh Waktu atau Non-ASN"
                ])
                continue
            wanted = {
                "nip": v["nip"] if v["nip"] else (current and current["nip"]),
                "nik": v["nik"] if v["nik"] else (current and current["nik"]),
                "nama": v["nama"],
                "jabatan": v.get("jabatan") or (current["jabatan"] if current else ""),
                "instansi_id": unit,
                "status_kepegawaian": status,
                "aktif": v["aktif"] if v["aktif"] is not None else (current["aktif"] if current else True),
            }
            for name, messages in identity_errors(status, wanted["nip"], wanted["nik"]).items():
                row.conflicts.append([name.upper(), messages[0]])
            if row.conflicts:
                continue
            row.result["wanted"] = wanted
            if current is None:
                row.action = BARU
                continue
            matched.add(current["pk"])
            row.target = current["pk"]
            row.changes = {
                name: [current[name], wanted[name]] for name in PEGAWAI_FIELDS if current[name] != wanted[name]
            }
            row.action = BERUBAH if row.changes else TETAP
        plan.missing = self._missing(plan, units, matched) if plan.options.get("sinkron") else []

    def _existing(self, rows):
        columns = ["pk", *PEGAWAI_FIELDS]
        found = {}
        for name in ("nip", "nik"):
            wanted = {row.values[name] for row in rows if row.values.get(name)}
            found[name] = {}
            for chunk in _chunks(wanted):
                for values in Pegawai.objects.filter(**{f"{name}__in": chunk}).values_list(*columns):
                    record = dict(zip(columns, values))
                    found[name][record[name]] = record
        return found["nip"], found["nik"]

    def _unit(self, row, units, default_unit, current):
        ref = row.values["unit"]
        if ref is None:
            unit = current["instansi_id"] if current else default_unit
            if unit is None:
                row.conflicts.append(["UNIT KERJA", "unit kerja kosong; isi kolom UNIT KERJA atau pilih instansi saat mengunggah"])
            return unit
        unit, reason = units.find(ref[1], kode_only=ref[0] == "kode")
        if unit is None:
            row.conflicts.append(["KODE INSTANSI" if ref[0] == "kode" else "UNIT KERJA", reason])
        return unit

    def _missing(self, plan, units, matched):
        unit = plan.options.get("instansi")
        if unit not in units.jalur or plan.count(DITOLAK):
            return []
        return [
            list(values)
            for values in Pegawai.objects.for_user(self.user)
            .filter(instansi__jalur__startswith=units.jalur[unit], aktif=True)
            .exclude(pk__in=matched)
            .order_by("nama")
            .values_list("pk", "nama", "nip")
        ]

    def write(self, plan):
        now = timezone.now()
        new = Pegawai.objects.bulk_create(
            [
                Pegawai(**row.result["wanted"], kepatuhan=new_staff_state(row.result["wanted"]["aktif"]))
                for row in plan.rows
                if row.action == BARU
            ],
            batch_size=BATCH,
        )
        self.record_history(Pegawai, [p.pk for p in new], "+")
        changed = [
            Pegawai(pk=row.target, diubah_pada=now, **row.result["wanted"])
            for row in plan.rows
            if row.action == BERUBAH
        ]
        Pegawai.objects.bulk_update(changed, [*PEGAWAI_FIELDS, "diubah_pada"], batch_size=BATCH)
        self.record_history(Pegawai, [p.pk for p in changed], "~")
        missing = [pk for pk, _, _ in plan.missing]
        for chunk in _chunks(missing):
            Pegawai.objects.filter(pk__in=chunk).update(aktif=False, diubah_pada=now)
        self.record_history(Pegawai, missing, "~")
        moved = [row for row in plan.rows if "instansi_id" in row.changes]
        for chunk in _chunks([row.target for row in moved]):
            sync_units(AkunMedsos.objects.filter(pegawai_id__in=chunk))
        # Write path: employees imported, changed, moved or deactivated by a roster sync.
        left = [row.changes["instansi_id"][0] for row in moved]
        refresh_staff([p.pk for p in new] + [p.pk for p in changed] + missing, left=left, recount=True)


# Akun media sosial -------------------------------------------------------

PLATFORM_WORDS = {
    sheets.match_key(word): platform
    for platform, words in {
        Platform.INSTAGRAM: ["Instagram", "IG", "Insta"],
        Platform.TIKTOK: ["TikTok", "Tik Tok", "TT"],
        Platform.FACEBOOK: ["Facebook", "FB"],
        Platform.X: ["X", "Twitter", "X (Twitter)", "X/Twitter"],
        Platform.YOUTUBE: ["YouTube", "YT", "Youtube"],
        Platform.THREADS: ["Threads"],
    }.items()
    for word in words
}


class AkunMedsosResource(RegistryResource):
    kind = JenisImpor.AKUN
    aliases = _aliases({
        "NIP": "nip", "NIP BARU": "nip", "NIK": "nik",
        "NIP/NIK": "nip_nik", "NIK/NIP": "nip_nik",
        "KODE INSTANSI": "kode_instansi",
        "PLATFORM": "platform", "MEDIA SOSIAL": "platform", "JENIS AKUN": "platform",
        "AKUN": "akun", "NAMA AKUN": "akun", "USERNAME": "akun", "ALAMAT PROFIL": "akun",
        "TAUTAN": "akun", "LINK": "akun", "URL": "akun",
        **{word: f"wide:{platform}" for word, platform in [
            ("Instagram", "instagram"), ("IG", "instagram"), ("Akun Instagram", "instagram"),
            ("TikTok", "tiktok"), ("Akun TikTok", "tiktok"),
            ("Facebook", "facebook"), ("FB", "facebook"), ("Akun Facebook", "facebook"),
            ("X", "x"), ("Twitter", "x"), ("X Twitter", "x"), ("Akun X", "x"),
            ("YouTube", "youtube"), ("Akun YouTube", "youtube"),
            ("Threads", "threads"), ("Akun Threads", "threads"),
        ]},
    })
    required = [{"nip", "nik", "nip_nik", "kode_instansi"}]
    template_columns = [("NIP", True), ("NIK", True), ("PLATFORM", False), ("AKUN", False)]
    template_example = ["198503122010011003", "", "Instagram", "https://www.instagram.com/budi.santoso/"]
    template_choices = {"PLATFORM": ["Instagram", "TikTok", "Facebook", "X", "YouTube", "Threads"]}
    template_instructions = [
        "Petunjuk pengisian akun media sosial pegawai",
        "",
        "1. Satu baris satu akun: NIP (atau NIK untuk Non-ASN), PLATFORM, dan AKUN.",
        "2. AKUN boleh berupa alamat profil (https://www.instagram.com/nama/), @nama, atau nama saja.",
        "3. Bentuk lebar juga diterima, seperti hasil Google Form: kolom NIP/NIK lalu satu kolom per "
        "platform (Instagram, TikTok, Facebook, X, YouTube, Threads).",
        "4. Tulis -, 0, 'tidak ada' atau 'belum punya' (atau biarkan kosong) bila pegawai tidak "
        "memiliki akun di platform itu.",
        "5. Tautan unggahan (/p/, /reel/, /video/) dan tautan pendek (vt.tiktok.com) ditolak: "
        "salin alamat profilnya.",
        "6. Pegawainya harus sudah terdaftar: impor daftar pegawai lebih dulu.",
    ]

    nip = fields.Field(attribute="pegawai__nip", column_name="NIP")
    nik = fields.Field(attribute="pegawai__nik", column_name="NIK")
    pemilik = fields.Field(attribute="pegawai__nama", column_name="NAMA PEMILIK")
    kode_instansi = fields.Field(attribute="instansi__kode", column_name="KODE INSTANSI")
    platform = fields.Field(attribute="platform", column_name="PLATFORM")
    akun = fields.Field(attribute="username", column_name="AKUN")
    wajib = fields.Field(attribute="wajib_diikuti", column_name="WAJIB DIIKUTI")
    hasil = fields.Field(attribute="hasil_terakhir", column_name="HASIL VERIFIKASI")
    waktu = fields.Field(attribute="diverifikasi_pada", column_name="DIVERIFIKASI PADA")

    class Meta:
        model = AkunMedsos
        fields = ["nip", "nik", "pemilik", "kode_instansi", "platform", "akun", "wajib", "hasil", "waktu"]
        export_order = fields

    export_converters = {
        "platform": lambda v: Platform(v).label,
        "wajib_diikuti": ya_tidak,
        "hasil_terakhir": lambda v: HasilVerifikasi(v).label if v else "Belum diverifikasi",
    }

    def read_row(self, table, cells, row):
        values = row.values
        values["nip"] = self.read_identity(table, cells, row, "nip")
        values["nik"] = self.read_identity(table, cells, row, "nik")
        values["kode"] = sheets.cell_text(table.cell(cells, "kode_instansi")) or None
        if not (values["nip"] or values["nik"] or values["kode"]) and not row.problems:
            row.problems.append(["NIP/NIK", "NIP dan NIK kosong; isi NIP (ASN) atau NIK (Non-ASN) pemilik akun"])
        accounts = []
        if "akun" in table.columns:
            text = table.cell(cells, "akun")
            if not handles.is_no_account(sheets.cell_text(text)):
                platform_text = sheets.cell_text(table.cell(cells, "platform"))
                platform = PLATFORM_WORDS.get(sheets.match_key(platform_text)) if platform_text else None
                if platform_text and platform is None:
                    row.problems.append([self.column(table, "platform"), f"platform {platform_text!r} tidak dikenal"])
                else:
                    accounts.append((self.column(table, "akun"), platform, text))
        for name, index in table.columns.items():
            text = table.cell(cells, name)
            if name.startswith("wide:") and not handles.is_no_account(sheets.cell_text(text)):
                accounts.append((table.headers[index], name[5:], text))
        values["accounts"] = []
        for column, platform, text in accounts:
            try:
                handle = handles.parse(sheets.cell_text(text), platform)
            except ValidationError as e:
                row.problems.append([column, e.messages[0]])
            else:
                values["accounts"].append([handle.platform, handle.username])

    def check_rows(self, plan):
        readable = [row for row in plan.rows if not row.problems]
        owners, units = self._owners(readable), UnitIndex(self.user)
        for row in readable:
            row.result["owner"] = self._owner(row, owners, units)
        readable = [row for row in readable if not row.conflicts]
        claimed = self._claimed(readable)
        # Which owners the file gives each handle: one handle, one owner.
        owners_in_file = defaultdict(lambda: defaultdict(list))
        for row in readable:
            for platform, username in row.values["accounts"]:
                owners_in_file[(platform, username)][row.result["owner"]].append(row.number)
        planned = set()
        for row in readable:
            owner, new, known = row.result["owner"], [], 0
            for platform, username in row.values["accounts"]:
                key = (platform, username)
                label = f"{Platform(platform).label} @{username}"
                rivals = sorted(n for o, numbers in owners_in_file[key].items() if o != owner for n in numbers)
                current = claimed.get(key)
                if rivals:
                    rows = ", ".join(map(str, rivals))
                    row.conflicts.append([label, f"akun yang sama diisi untuk pemilik lain di baris {rows}"])
                elif current is not None and (current["pegawai_id"], current["instansi_id"]) != tuple(owner[:2]):
                    row.conflicts.append([label, self._claimed_message(current, units)])
                elif current is not None or key in planned:
                    known += 1
                else:
                    planned.add(key)
                    new.append(key)
            row.result["new"] = new
            row.action = TETAP if not new else (BERUBAH if known else BARU)

    def _owners(self, rows):
        found = {}
        for name in ("nip", "nik"):
            wanted = {row.values[name] for row in rows if row.values.get(name)}
            found[name] = {}
            for chunk in _chunks(wanted):
                for pk, number, unit in Pegawai.objects.filter(**{f"{name}__in": chunk}).values_list(
                    "pk", name, "instansi_id"
                ):
                    found[name][number] = (pk, unit)
        return found

    def _owner(self, row, owners, units):
        v = row.values
        for name in ("nip", "nik"):
            if v[name]:
                match = owners[name].get(v[name])
                label = name.upper()
                if match is None:
                    row.conflicts.append([label, f"{label} {v[name]} belum terdaftar; impor atau tambahkan pegawainya dulu"])
                    return None
                if match[1] not in units:
                    row.conflicts.append([label, f"{label} terdaftar di instansi lain; hubungi BKD"])
                    return None
                return (match[0], None, match[1])
        unit, reason = units.find(v["kode"], kode_only=True)
        if unit is None:
            row.conflicts.append(["KODE INSTANSI", reason])
            return None
        return (None, unit, unit)

    def _claimed(self, rows):
        wanted = defaultdict(set)
        for row in rows:
            for platform, username in row.values["accounts"]:
                wanted[platform].add(username)
        columns = [
            "platform", "username", "pegawai_id", "instansi_id", "pegawai__nama", "pegawai__instansi_id",
            "instansi__nama",
        ]
        found = {}
        for platform, usernames in wanted.items():
            for chunk in _chunks(usernames):
                for values in AkunMedsos.objects.filter(platform=platform, username__in=chunk).values_list(*columns):
                    record = dict(zip(columns, values))
                    found[(record["platform"], record["username"])] = record
        return found

    def _claimed_message(self, current, units):
        if (current["pegawai__instansi_id"] or current["instansi_id"]) in units:
            owner = current["pegawai__nama"] or current["instansi__nama"]
            return f"akun ini sudah terdaftar atas nama {owner}"
        return "akun ini sudah terdaftar atas nama pegawai di instansi lain; hubungi BKD bila ini keliru"

    def write(self, plan):
        accounts = [
            AkunMedsos(
                platform=platform,
                username=username,
                pegawai_id=row.result["owner"][0],
                instansi_id=row.result["owner"][1],
                unit_pemilik_id=row.result["owner"][2],
            )
            for row in plan.rows
            if row.action in (BARU, BERUBAH)
            for platform, username in row.result["new"]
        ]
        accounts = AkunMedsos.objects.bulk_create(accounts, batch_size=BATCH)
        self.record_history(AkunMedsos, [a.pk for a in accounts], "+")
        # Write path: accounts imported (an official account is never wajib on import).
        refresh_staff({a.pegawai_id for a in accounts if a.pegawai_id})


# Instansi ----------------------------------------------------------------


class InstansiResource(RegistryResource):
    kind = JenisImpor.INSTANSI
    aliases = _aliases({
        "KODE": "kode", "KODE INSTANSI": "kode", "KODE UNIT": "kode",
        "NAMA": "nama", "NAMA INSTANSI": "nama", "INSTANSI": "nama", "UNIT KERJA": "nama", "NAMA UNIT": "nama",
        "SINGKATAN": "singkatan",
        "INDUK": "induk", "KODE INDUK": "induk", "INSTANSI INDUK": "induk", "UNIT INDUK": "induk",
        "AKTIF": "aktif",
    })
    required = [{"kode"}, {"nama"}]
    template_columns = [("KODE", False), ("NAMA", False), ("SINGKATAN", False), ("INDUK", False)]
    template_example = ["DISKOMINFO", "Dinas Komunikasi dan Informatika", "Diskominfo", "PEMDA"]

    def template_unit_example(self, unit, top):
        return {"INDUK": top[0]}

    template_instructions = [
        "Petunjuk pengisian daftar instansi",
        "",
        "1. Satu baris satu instansi. KODE unik (huruf besar-kecil tidak dibedakan).",
        "2. INDUK diisi kode atau nama instansi induknya; kosongkan untuk pemerintah daerah (akar pohon).",
        "3. Induk boleh berada di baris lain dalam berkas yang sama.",
        "4. Kode yang sudah ada memperbarui nama, singkatan dan induknya.",
    ]

    kode = fields.Field(attribute="kode", column_name="KODE")
    nama = fields.Field(attribute="nama", column_name="NAMA")
    singkatan = fields.Field(attribute="singkatan", column_name="SINGKATAN")
    induk = fields.Field(attribute="induk__kode", column_name="INDUK")
    aktif = fields.Field(attribute="aktif", column_name="AKTIF")

    class Meta:
        model = Instansi
        fields = ["kode", "nama", "singkatan", "induk", "aktif"]
        export_order = fields

    export_converters = {"aktif": ya_tidak, "induk__kode": lambda v: v or ""}

    def read_row(self, table, cells, row):
        values = row.values
        for name, limit in (("kode", 30), ("nama", 200), ("singkatan", 50), ("induk", 200)):
            values[name] = sheets.cell_text(table.cell(cells, name))
            if len(values[name]) > limit:
                row.problems.append([self.column(table, name), f"lebih dari {limit} karakter"])
        for name in ("kode", "nama"):
            if not values[name]:
                row.problems.append([self.column(table, name), f"{name} kosong"])
        values["aktif"] = self.read_flag(table, cells, row, "aktif") if "aktif" in table.columns else None

    def check_rows(self, plan):
        units = UnitIndex(self.user)
        unrestricted = scope_paths(self.user) is None
        existing = {
            sheets.match_key(kode): {"pk": pk, "kode": kode, "nama": nama, "singkatan": singkatan, "induk_id": induk,
                         "aktif": aktif}
            for pk, kode, nama, singkatan, induk, aktif in Instansi.objects.values_list(
                "pk", "kode", "nama", "singkatan", "induk_id", "aktif"
            )
        }
        key_of_pk = {record["pk"]: key for key, record in existing.items()}
        by_name = defaultdict(set)
        for record in existing.values():
            by_name[sheets.match_key(record["nama"])].add(sheets.match_key(record["kode"]))
        readable = [row for row in plan.rows if not row.problems]
        self_kodes = defaultdict(list)
        for row in readable:
            self_kodes[sheets.match_key(row.values["kode"])].append(row)
            by_name[sheets.match_key(row.values["nama"])].add(sheets.match_key(row.values["kode"]))
        parents = {}
        flag_duplicates(self_kodes, "KODE")
        for row in readable:
            key = sheets.match_key(row.values["kode"])
            current = existing.get(key)
            if current and current["pk"] not in units:
                row.conflicts.append(["KODE", "kode ini milik instansi di luar wilayah Anda"])
                continue
            parent = None
            if row.values["induk"]:
                ref = sheets.match_key(row.values["induk"])
                candidates = {ref} if ref in existing or ref in self_kodes else by_name.get(ref, set())
                if len(candidates) != 1:
                    reason = "tidak ditemukan" if not candidates else "dipakai lebih dari satu instansi; tulis kodenya"
                    row.conflicts.append(["INDUK", f"induk {row.values['induk']!r} {reason}"])
                    continue
                parent = next(iter(candidates))
                if parent == key:
                    row.conflicts.append(["INDUK", "induk tidak boleh instansi itu sendiri"])
                    continue
                if parent in existing and existing[parent]["pk"] not in units and not (
                    current and existing[parent]["pk"] == current["induk_id"]
                ):
                    row.conflicts.append(["INDUK", "induk berada di luar wilayah Anda"])
                    continue
            elif current:
                # A blank cell keeps the parent: moving a unit is deliberate.
                parent = key_of_pk.get(current["induk_id"])
            elif not unrestricted:
                row.conflicts.append(["INDUK", "instansi baru harus berada di bawah instansi yang Anda kelola"])
                continue
            parents[key] = parent
            row.result["parent"] = parent
        self._reject_cycles(readable, parents, existing)
        self._reject_orphans(readable, existing, self_kodes)
        kode_of = {key: record["kode"] for key, record in existing.items()}
        kode_of.update({key: rows[0].values["kode"] for key, rows in self_kodes.items()})
        for row in readable:
            if row.conflicts:
                continue
            current = existing.get(sheets.match_key(row.values["kode"]))
            if current is None:
                row.action = BARU
                continue
            row.target = current["pk"]
            old_parent = key_of_pk.get(current["induk_id"])
            wanted = {
                "nama": row.values["nama"],
                "singkatan": row.values["singkatan"],
                "induk": kode_of.get(row.result["parent"], ""),
                "aktif": current["aktif"] if row.values["aktif"] is None else row.values["aktif"],
            }
            now = {
                "nama": current["nama"],
                "singkatan": current["singkatan"],
                "induk": kode_of.get(old_parent, ""),
                "aktif": current["aktif"],
            }
            row.changes = {name: [now[name], wanted[name]] for name in wanted if now[name] != wanted[name]}
            row.action = BERUBAH if row.changes else TETAP

    def _reject_orphans(self, rows, existing, in_file):
        """A new parent that is rejected takes its children (and theirs) with it."""
        changed = True
        while changed:
            changed = False
            for row in rows:
                parent = row.result.get("parent")
                if (
                    not row.conflicts
                    and parent
                    and parent not in existing
                    and all(r.conflicts for r in in_file[parent])
                ):
                    row.conflicts.append(["INDUK", "baris induknya ditolak; perbaiki baris induk lebih dulu"])
                    changed = True

    def _reject_cycles(self, rows, parents, existing):
        pk_to_key = {r["pk"]: k for k, r in existing.items()}

        def parent_of(key):
            if key in parents:
                return parents[key]
            record = existing.get(key)
            return pk_to_key.get(record["induk_id"]) if record else None

        for row in rows:
            key, seen = sheets.match_key(row.values["kode"]), set()
            node = parent_of(key)
            while node and node not in seen:
                if node == key:
                    row.conflicts.append(["INDUK", "susunan induk membentuk lingkaran; periksa kolom INDUK"])
                    break
                seen.add(node)
                node = parent_of(node)

    def write(self, plan):
        units = {sheets.match_key(u.kode): u for u in Instansi.objects.all()}
        pending = [row for row in plan.rows if row.action in (BARU, BERUBAH)]
        # Parents first: repeat over the rows whose parent is not saved yet.
        while pending:
            waiting = []
            for row in pending:
                parent = row.result["parent"]
                if parent and parent not in units:
                    waiting.append(row)
                    continue
                key = sheets.match_key(row.values["kode"])
                unit = units.get(key) or Instansi(kode=row.values["kode"])
                unit.nama, unit.singkatan = row.values["nama"], row.values["singkatan"]
                unit.induk = units[parent] if parent else None
                if row.values["aktif"] is not None:
                    unit.aktif = row.values["aktif"]
                unit._change_reason = self.melalui
                unit.save()
                units[key] = unit
            if len(waiting) == len(pending):
                raise ImportCancelled("Induk beberapa instansi tidak dapat disusun; periksa kolom INDUK.")
            pending = waiting


# Verifikasi (export only) --------------------------------------------------


class VerifikasiResource(RegistryResource):
    waktu = fields.Field(attribute="waktu", column_name="WAKTU")
    platform = fields.Field(attribute="akun__platform", column_name="PLATFORM")
    akun = fields.Field(attribute="akun__username", column_name="AKUN")
    nip = fields.Field(attribute="akun__pegawai__nip", column_name="NIP")
    pemilik = fields.Field(attribute="akun__pegawai__nama", column_name="NAMA PEMILIK")
    hasil = fields.Field(attribute="hasil", column_name="HASIL")
    sumber = fields.Field(attribute="sumber", column_name="SUMBER")
    pemeriksa = fields.Field(attribute="pemeriksa__username", column_name="PEMERIKSA")
    jumlah_pengikut = fields.Field(attribute="jumlah_pengikut", column_name="JUMLAH PENGIKUT")
    catatan = fields.Field(attribute="catatan", column_name="CATATAN")

    class Meta:
        model = Verifikasi
        fields = ["waktu", "platform", "akun", "nip", "pemilik", "hasil", "sumber", "pemeriksa",
                  "jumlah_pengikut", "catatan"]
        export_order = fields

    export_converters = {
        "akun__platform": lambda v: Platform(v).label,
        "hasil": lambda v: HasilVerifikasi(v).label,
        "sumber": lambda v: SumberVerifikasi(v).label,
    }


def open_preview(user, pk, kind):
    """The user's unconfirmed preview of this kind, or 404 (also for a mangled id)."""
    pk = str(pk)
    if not pk.isdigit():
        raise Http404("Pratinjau impor tidak ditemukan.")
    return get_object_or_404(
        Impor.objects.for_user(user), pk=pk, jenis=kind, status=StatusImpor.PRATINJAU, rencana__isnull=False
    )


def record_counts(plan):
    counts = plan.counts
    return {
        "baru": counts[BARU],
        "berubah": counts[BERUBAH],
        "tetap": counts[TETAP],
        "ditolak": counts[DITOLAK],
        "dinonaktifkan": len(plan.missing),
    }


def close_import(record, status, plan=None):
    """End a preview: keep its counts, drop its rows (personal data)."""
    record.status = status
    record.rencana = None
    record.selesai_pada = timezone.now()
    if plan is not None:
        for name, value in record_counts(plan).items():
            setattr(record, name, value)
    record.save()


def stale_before():
    """Previews uploaded before this moment were not confirmed in time."""
    return timezone.now() - timezone.timedelta(minutes=settings.REGISTRI_IMPORT_TTL_MINUTES)


def discard_stale_imports():
    """Drop the rows of previews nobody confirmed in time."""
    return Impor.objects.filter(status=StatusImpor.PRATINJAU, waktu__lt=stale_before()).update(
        status=StatusImpor.KEDALUWARSA, rencana=None, selesai_pada=timezone.now()
    )


RESOURCES = {
    JenisImpor.INSTANSI: InstansiResource,
    JenisImpor.PEGAWAI: PegawaiResource,
    JenisImpor.AKUN: AkunMedsosResource,
}
