"""An import's plan: what each row of the file would do, shown as the
preview, kept (compressed) until the clerk confirms, then applied."""

import datetime
import json
import zlib
from dataclasses import dataclass, field

from registry import sheets
from registry.models import JenisImpor

BARU, BERUBAH, TETAP, DITOLAK = "baru", "berubah", "tetap", "ditolak"
# Fields holding NIP or NIK: Text columns in the files the registry writes.
IDENTITY_FIELDS = {"nip", "nik", "nip_nik"}


def json_cell(value):
    """A cell as the plan keeps it: numbers stay numbers (a NIP typed as a
    number is refused as one when the clerk maps the columns again), dates
    become text, with their time when they have one (a form's timestamp)."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, datetime.datetime) and value.time() != datetime.time():
        return value.strftime("%d-%m-%Y %H:%M:%S")
    return sheets.cell_text(value)


# Slots: a province's sheet is tens of thousands of rows, each held until
# the plan is stored; none needs a __dict__ of its own.
@dataclass(slots=True)
class Row:
    number: int  # as Excel shows it
    raw: list  # the cells as read (json_cell), to read again and for the rejected-rows file
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
    # {column index: field} as read (kolom.Pemetaan), and what the preview says of it.
    mapping: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    header_row: int = 1
    # (Excel row, column) of formulas saved without their value.
    uncalculated: list = field(default_factory=list)
    # Units a roster names that the registry lacks, to create on confirm (unit.NewUnits).
    new_units: list = field(default_factory=list)

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
            "mapping": {str(column): name for column, name in self.mapping.items()},
            "notes": self.notes,
            "header_row": self.header_row,
            "uncalculated": [list(cell) for cell in self.uncalculated],
            "rows": [[r.number, r.raw, r.values, r.problems] for r in self.rows],
        }
        return zlib.compress(json.dumps(data, ensure_ascii=False).encode(), 1)

    @classmethod
    def load(cls, blob):
        data = json.loads(zlib.decompress(bytes(blob)))
        rows = [Row(number, raw, values, problems) for number, raw, values, problems in data["rows"]]
        return cls(
            data["kind"], data["file_name"], data["headers"], rows, data["options"], ignored=data["ignored"],
            mapping={int(column): name for column, name in data.get("mapping", {}).items()},
            notes=data.get("notes", []), header_row=data.get("header_row", 1),
            uncalculated=[tuple(cell) for cell in data.get("uncalculated", [])],
        )

    def rejected_workbook(self):
        """The rejected rows as the clerk sent them, with a Keterangan column."""
        headers = [h or f"Kolom {i + 1}" for i, h in enumerate(self.headers)]
        identity_columns = {headers[i] for i, name in self.mapping.items()
                            if name in IDENTITY_FIELDS and i < len(headers)}
        writer = sheets.XlsxWriter(["Baris", *headers, "Keterangan"], text_columns=identity_columns)
        for row in self.rejected:
            reasons = "; ".join(f"{column}: {message}" for column, message in row.reasons)
            writer.append([row.number, *map(sheets.cell_text, row.raw), reasons])
        return writer.close()


class ImportCancelled(Exception):
    """The database changed between preview and confirm in a way that matters."""
