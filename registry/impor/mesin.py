"""The import engine shared by every kind of file, and the export it offers.

The classes here are django-import-export resources, so the admin's export
form offers their columns, and the admin and ``manage.py import_data`` share
them. Importing does not go through the library's row-by-row machinery,
which takes a minute for a province's file: a resource reads the file row
by row (``sheets.read_table``), checks every row in Python with the same
rules as the forms (``identity``, ``handles``, ``models.identity_errors``),
checks the database in a few batched queries, and writes with
``bulk_create`` / ``bulk_update``. The result is a ``Plan``: what each row
would do, shown as the preview, stored until the clerk confirms, then
checked again and applied. A kind whose rows stand alone sets
``window_rows`` and is checked, kept and written that many rows at a time
(``rencana``), so its memory does not grow with the file.

Every query goes through the user's scope (``for_user``): an operator's file
can only read and change rows inside the operator's subtree.
"""

import contextlib
import gc
import itertools
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from import_export import resources

from registry import identity, sheets
from registry.cakupan import sees_full_nik
from registry.impor.kolom import OLD_NIP_SAMPLE, Kamus, old_nip_column, signature
from registry.impor.rencana import DITOLAK, ImportCancelled, ImportRefused, Plan, Row, Tally, Windows, json_cell
from registry.models import Instansi, Pegawai, PemetaanKolom
from registry.riwayat import record_history
from registry.sql import any_batches, any_of

# Rows per INSERT and per IN (...) lookup; lookups also stay within what
# the database backend declares it accepts (999 for SQLite).
BATCH = 2000
# Trailing rows kept back from a window until the file ends (its footer).
FOOTER_ROWS = 50

IDENTITY_LENGTH = {"nip": 18, "nik": 16}
TRUE_WORDS = {"ya", "y", "aktif", "true", "1", "benar"}
FALSE_WORDS = {"tidak", "t", "nonaktif", "tidakaktif", "false", "0", "salah"}


def ya_tidak(value):
    return "Ya" if value else "Tidak"


@contextlib.contextmanager
def paused_gc():
    """Python's cycle collector paused while a file is read, checked and
    written. A sheet's rows are tens of thousands of small lists and dicts,
    none in a cycle, that live for a window: each few hundred of them made
    the collector walk the whole process. A 50,000-row proofs import took
    17.5 s with it and 12.1 s without on PostgreSQL (bench/sebaran_bench.py),
    at the same peak memory. Reference counting still frees the rows; the
    collector runs again after."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


class RegistryResource(resources.ModelResource):
    """Shared machinery; subclasses say how to read and check one row."""

    kind = None
    # Rows checked and written at a time when each row stands alone (proofs);
    # None: the whole file at once (a roster's rows depend on one another).
    window_rows = None
    # The fields a file of this kind may give (kolom.Kolom), and groups of
    # which one each must be there.
    kolom = []
    required = []
    # (column, text column?) of the import template, its example row,
    # drop-down choices and instructions.
    template_columns = []
    template_example = []
    template_choices = {}
    template_instructions = []
    # Headers no alias names that still mark the header row (sheets.read_table).
    recognised = None
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

    @classmethod
    def kamus(cls):
        """The fields of this kind of file and the headers that name them."""
        if "_kamus" not in cls.__dict__:
            cls._kamus = Kamus(cls.kolom)
        return cls._kamus

    def plan(self, data, file_name, options=None, progress=None, each=None):
        expected = [name for name, _ in self.template_columns]
        table = sheets.read_table(data, file_name, self.kamus().aliases, expected, self.recognised)
        cells = ((number, [json_cell(c) for c in row]) for number, row in table.rows)
        return self.plan_cells(file_name, table.headers, table.header_row, cells, table.uncalculated, options,
                               progress=progress, total=table.total, each=each)

    def remap(self, plan, columns):
        """The same cells read again with ``columns`` ({column: field}), as the
        clerk corrected them in the preview; remembered for the next file
        with these headers."""
        cells = ((row.number, row.raw) for window in plan.windows() for row in window)
        mapping = {index: name for index, name in columns.items() if name}
        new = self.plan_cells(plan.file_name, plan.headers, plan.header_row, cells, plan.uncalculated,
                              {k: v for k, v in plan.options.items() if k != "kaki"}, columns=mapping)
        PemetaanKolom.objects.update_or_create(
            jenis=self.kind, tanda=signature(plan.headers),
            defaults={"judul": plan.headers, "kolom": {str(i): name for i, name in mapping.items()},
                      "pengguna": self.user if self.user is not None and self.user.pk else None},
        )
        return new

    def map_columns(self, headers, cells, columns=None):
        """Which column is which field: ``columns`` when given, else as last
        corrected for these headers, else by their names; refused without
        the columns every row needs."""
        if columns is None:
            columns = PemetaanKolom.objects.filter(jenis=self.kind, tanda=signature(headers)).values_list(
                "kolom", flat=True
            ).first()
        mapping = self.kamus().map(headers, columns, looks_old_nip=lambda index: old_nip_column(cells, index))
        chosen = set(mapping.columns.values())
        for group in self.required:
            if not group & chosen:
                labels = " atau ".join(sorted(self.kamus().fields[name].label for name in group))
                raise sheets.FileRejected(
                    f"Kolom {labels} tidak ditemukan di baris judul; pilih kolom yang berisi {labels} pada "
                    f"pemetaan kolom, atau tambahkan kolomnya di berkas."
                )
        return mapping

    @paused_gc()
    def plan_cells(self, file_name, headers, header_row, cells, uncalculated, options, columns=None, progress=None,
                   total=0, each=None):
        """The plan of ``cells`` ((Excel row, cells) in the file's order),
        checked; ``progress(rows read, of how many)`` every 2,000 rows (of
        ``total`` at most) and at the end, ``each`` as for ``check``."""
        cells = iter(cells)
        sample = list(itertools.islice(cells, OLD_NIP_SAMPLE))
        mapping = self.map_columns(headers, sample, columns)
        table = sheets.Table(mapping.by_field(), headers, header_row, [], mapping.unknown, set(uncalculated))
        plan = Plan(self.kind, file_name, headers, [], dict(options or {}), ignored=mapping.unknown,
                    mapping=mapping.columns, notes=mapping.notes, header_row=header_row,
                    uncalculated=sorted(uncalculated))
        windows = Windows() if self.window_rows else None
        across = self.across() if windows else None
        rows, done = [], 0
        for done, (number, row_cells) in enumerate(itertools.chain(sample, cells), start=1):
            row = Row(number, row_cells)
            for cell_index in table.columns.values():
                if (number, cell_index) in table.uncalculated:
                    row.problems.append([
                        headers[cell_index],
                        "sel berisi rumus yang belum dihitung; buka berkas di Excel, simpan ulang, "
                        "lalu unggah lagi",
                    ])
            if not row.problems:
                self.read_row(table, row_cells, row)
            rows.append(row)
            # A window is put away once the rows after it show it is not the footer.
            if windows and len(rows) >= self.window_rows + FOOTER_ROWS:
                across.add(rows[: self.window_rows])
                windows.add(rows[: self.window_rows])
                del rows[: self.window_rows]
            if progress and done % 2000 == 0:
                progress(done, max(done, total))
        footer = self.footer(rows)
        if footer:
            rows = rows[: -len(footer)]
            plan.options["kaki"] = [footer[0].number, footer[-1].number]
        if windows:
            across.add(rows)
            windows.add(rows)
            plan.stored = windows.close()
            plan.across = across.result()
        else:
            plan.rows = rows
        if progress:
            progress(done, done)
        self.check(plan, each)
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
        if any(FOOTER_WORDS.search(" ".join(map(sheets.cell_text, row.raw))) for row in block):
            return block
        return []

    @paused_gc()
    def check(self, plan, each=None):
        """Decide each row's action against the database (re-run on confirm),
        a window of rows at a time; ``each(plan)`` runs after each window's
        check, with the window in ``plan.rows``."""
        self.prepare(plan)
        plan.tally = Tally()
        for rows in plan.windows():
            for row in rows:
                row.conflicts, row.changes, row.target, row.action, row.result = [], {}, None, "", {}
            self.check_rows(plan)
            for row in rows:
                if row.rejected:
                    row.action = DITOLAK
            plan.tally.add(rows)
            if each:
                each(plan)

    def across(self):
        """A windowed kind's gatherer of what its check needs to know of every
        window before the first (``Plan.across``): ``add(rows)`` each window
        as it is read, then ``result()``."""
        raise NotImplementedError

    def prepare(self, plan):
        """What the check of a windowed kind needs of every window before the
        first (rows repeating another many windows away)."""

    @paused_gc()
    def apply(self, plan, decide=None):
        """Check the rows again and write those not rejected, in one
        transaction. ``decide(plan)``, after the check, names why nothing may
        be written (rows rejected that the clerk did not agree to skip), or
        None; a windowed kind writes each window as soon as it is checked,
        and what it wrote is undone then. Returns the counts."""
        try:
            with transaction.atomic():
                self.check(plan, self.write if self.window_rows else None)
                reason = decide(plan) if decide else None
                if reason:
                    raise ImportRefused(reason)
                if not self.window_rows:
                    self.write(plan)
                self.written(plan)
        except IntegrityError:
            raise ImportCancelled(
                "Data berubah oleh pengguna lain selama impor berlangsung; tidak ada yang disimpan. "
                "Unggah ulang berkasnya untuk pratinjau baru."
            ) from None
        return plan.counts

    def written(self, plan):
        """After the last window of a windowed kind is written."""

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


def staff_by_identity(rows):
    """{"nip": {nip: (pk, unit)}, "nik": {…}} of the employees the rows' NIP and NIK name, in batches."""
    found = {}
    for name in ("nip", "nik"):
        wanted = {row.values[name] for row in rows if row.values.get(name)}
        found[name] = {}
        for chunk in any_batches(wanted):
            for pk, number, unit in Pegawai.objects.filter(any_of(name, chunk)).values_list(
                "pk", name, "instansi_id"
            ):
                found[name][number] = (pk, unit)
    return found


def find_person(row, staff, units):
    """(pk, unit) of the employee the row's NIP or NIK names, from
    ``staff_by_identity``; None, with the row's conflict said, for one not
    registered or outside the user's units (``units``: a UnitIndex). None
    without a conflict when the row gives neither number."""
    for name in ("nip", "nik"):
        if row.values.get(name):
            match = staff[name].get(row.values[name])
            label = name.upper()
            if match is None:
                number, length = row.values[name], IDENTITY_LENGTH[name]
                if len(number) != length:
                    # A number cut short is a typo to fix, not someone to register.
                    message = f"{label} {number} berisi {len(number)} digit, {label} harus {length} digit; periksa lagi"
                else:
                    message = f"{label} {number} belum terdaftar; impor atau tambahkan pegawainya dulu"
                row.conflicts.append([label, message])
                return None
            if match[1] not in units:
                row.conflicts.append([label, f"{label} terdaftar di instansi lain; hubungi BKD"])
                return None
            return match
    return None


def flag_duplicates(groups, label):
    """Reject every row of a group of rows that share one key, each naming the others."""
    for same in groups.values():
        if len(same) > 1:
            for row in same:
                row.conflicts.append([label, duplicate_message(label, [r.number for r in same if r is not row])])


def duplicate_message(label, others):
    return f"{label} yang sama juga ada di baris {', '.join(map(str, others))}; hapus salah satu"


def chunks(values):
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
