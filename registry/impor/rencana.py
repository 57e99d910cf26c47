"""An import's plan: what each row of the file would do, shown as the
preview, kept (compressed) until the clerk confirms, then applied.

A kind whose rows stand alone (proofs) keeps its rows as windows of
compressed lines and checks, shows and writes them one window at a time, so
a 50,000-row sheet holds one window of rows in memory, not all of them
(``Plan.windows``); the preview's counts and the rows it shows are gathered
window by window (``Tally``). Every other kind has one window: the file."""

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


# How ``Plan.dump`` stores a plan; a plan stored another way is not read.
FORMAT = 2
# What the preview shows of each kind of row, at most.
SHOWN = {DITOLAK: 300, BERUBAH: 100, BARU: 200, "catatan": 200}


@dataclass
class Tally:
    """The counts of a checked plan and the first rows the preview shows."""

    counts: dict = field(default_factory=lambda: dict.fromkeys((BARU, BERUBAH, TETAP, DITOLAK), 0))
    shown: dict = field(default_factory=lambda: {name: [] for name in SHOWN})
    # Accounts the rows add (a wide row of an accounts file holds several).
    new_accounts: int = 0

    def add(self, rows):
        for row in rows:
            if row.action in self.counts:
                self.counts[row.action] += 1
            if row.action in (BARU, BERUBAH):
                self.new_accounts += len(row.result.get("new", ()))
            for name in (row.action, "catatan") if row.values.get("catatan") else (row.action,):
                if name in self.shown and len(self.shown[name]) < SHOWN[name]:
                    self.shown[name].append(row)


@dataclass
class Plan:
    kind: str
    file_name: str
    headers: list
    # The rows in memory: all of them, or while a windowed plan is checked,
    # the window being checked (``windows``).
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
    # A windowed plan's rows as read (``Windows``); empty when ``rows`` holds them all.
    stored: bytes = b""
    # What a windowed kind found across all its windows as the file was read
    # (rows repeating one another, the units to lock), kept with the preview
    # so that the confirm does not read every window twice.
    across: dict = field(default_factory=dict)
    # Set by the check (RegistryResource.check).
    tally: Tally = None

    def windows(self):
        """The rows, a window at a time: each window read from ``stored`` in
        turn and left in ``rows`` while the caller works on it."""
        if not self.stored:
            yield self.rows
            return
        for window in Windows.read(self.stored):
            self.rows = window
            yield window
        self.rows = []

    def count(self, action):
        return self.tally.counts[action]

    @property
    def new_accounts(self):
        """Accounts a row-per-person file adds (a wide row holds several); None for other kinds."""
        return self.tally.new_accounts if self.kind == JenisImpor.AKUN else None

    @property
    def counts(self):
        return dict(self.tally.counts)

    def shown(self, action):
        """The first rows of this action (or "catatan": rows with a note) the preview shows."""
        return self.tally.shown[action]

    def dump(self):
        """The rows as read from the file; the database checks are redone on
        confirm. Two zlib streams: what describes the file, then its windows."""
        data = {
            "format": FORMAT,
            "kind": self.kind,
            "file_name": self.file_name,
            "headers": self.headers,
            "options": self.options,
            "ignored": self.ignored,
            "mapping": {str(column): name for column, name in self.mapping.items()},
            "notes": self.notes,
            "header_row": self.header_row,
            "uncalculated": [list(cell) for cell in self.uncalculated],
            "across": self.across,
        }
        stored = self.stored
        if not stored:
            windows = Windows()
            windows.add(self.rows)
            stored = windows.close()
        return zlib.compress(json.dumps(data, ensure_ascii=False).encode(), 1) + stored

    @staticmethod
    def readable(blob):
        """Whether this version can read a stored plan (one stored before an
        upgrade changed the format cannot be confirmed; upload the file again)."""
        try:
            return json.loads(zlib.decompressobj().decompress(bytes(blob))).get("format") == FORMAT
        except (zlib.error, ValueError, AttributeError):
            return False

    @classmethod
    def load(cls, blob, windowed=False):
        """The plan ``dump`` stored; a ``windowed`` one keeps its rows
        compressed until they are checked (``windows``)."""
        reader = zlib.decompressobj()
        data = json.loads(reader.decompress(bytes(blob)))
        stored = reader.unused_data
        plan = cls(
            data["kind"], data["file_name"], data["headers"], [], data["options"], ignored=data["ignored"],
            mapping={int(column): name for column, name in data.get("mapping", {}).items()},
            notes=data.get("notes", []), header_row=data.get("header_row", 1),
            uncalculated=[tuple(cell) for cell in data.get("uncalculated", [])], across=data.get("across", {}),
        )
        if windowed:
            plan.stored = stored
        else:
            plan.rows = [row for window in Windows.read(stored) for row in window]
        return plan


class Windows:
    """Rows as read from a file, a window of them a line, in one zlib stream."""

    def __init__(self):
        self._compressor, self._parts = zlib.compressobj(1), []

    def add(self, rows):
        line = json.dumps([[r.number, r.raw, r.values, r.problems] for r in rows], ensure_ascii=False)
        self._parts.append(self._compressor.compress(line.encode() + b"\n"))

    def close(self):
        self._parts.append(self._compressor.flush())
        return b"".join(self._parts)

    @staticmethod
    def read(stored, size=1 << 16):
        reader, pending = zlib.decompressobj(), b""
        for start in range(0, len(stored), size):
            pending += reader.decompress(stored[start:start + size])
            *lines, pending = pending.split(b"\n")
            for line in lines:
                yield [Row(number, raw, values, problems) for number, raw, values, problems in json.loads(line)]


class RejectedFile:
    """The rejected rows as the clerk sent them, with a Keterangan column,
    gathered window by window (``add`` after each window's check)."""

    def __init__(self, plan):
        headers = [h or f"Kolom {i + 1}" for i, h in enumerate(plan.headers)]
        identity_columns = {headers[i] for i, name in plan.mapping.items()
                            if name in IDENTITY_FIELDS and i < len(headers)}
        self.writer = sheets.XlsxWriter(["Baris", *headers, "Keterangan"], text_columns=identity_columns)

    def add(self, plan):
        for row in plan.rows:
            if row.action == DITOLAK:
                reasons = "; ".join(f"{column}: {message}" for column, message in row.reasons)
                self.writer.append([row.number, *map(sheets.cell_text, row.raw), reasons])

    def close(self):
        return self.writer.close()


class ImportCancelled(Exception):
    """The database changed between preview and confirm in a way that matters."""


class ImportRefused(Exception):
    """The confirm's check found what the clerk has to agree to first; nothing was written."""
