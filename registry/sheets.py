"""Reading the spreadsheets clerks bring, and writing the ones they take away.

Reading accepts .xlsx (and .xls/.ods, which the same reader handles) and
.csv in UTF-8 or Windows-1252 with `,`, `;` or tab separators, finds the
header row below any title rows, and reports anything it cannot read as a
``FileRejected`` with an Indonesian message. It decides by content, not by
the file's name: a Word document renamed .xlsx is named for what it is.

Writing streams rows to a temporary file (openpyxl's write-only mode), so
memory does not grow with the number of rows, and escapes text that Excel
would run as a formula.
"""

import codecs
import csv
import datetime
import functools
import io
import itertools
import math
import re
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field

import openpyxl
import python_calamine
from django.conf import settings
from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Text Excel would evaluate: =, +, - and @ start formulas; a leading tab or
# carriage return hides them (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER_SEARCH_ROWS = 30
# What zipfile raises on a damaged or exotic archive, beyond BadZipFile: a
# flipped byte in a header gives NotImplementedError ("zip file version"),
# a damaged stream zlib.error, an encrypted member RuntimeError.
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError, ValueError, OSError)


class FileRejected(Exception):
    """The whole file cannot be read; the message tells the clerk what to do."""


@dataclass
class Table:
    """The data rows under a recognised header row."""

    columns: dict  # canonical name -> column index
    headers: list  # the header row as written
    header_row: int  # Excel row number of the header
    rows: object  # (Excel row number, [cell, ...]) for every non-blank row, read as iterated
    unknown: list = field(default_factory=list)  # headers not recognised
    # (Excel row, column index) of formula cells Excel never calculated.
    uncalculated: set = field(default_factory=set)
    # How many data rows there are at most (a progress bar's end).
    total: int = 0

    def cell(self, cells, name):
        index = self.columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None


_NOT_WORD = re.compile(r"[\W_]+")


@functools.lru_cache(maxsize=8192)
def match_key(text):
    """What typed names are matched by, ignoring case, spacing and punctuation:
    "Nama  Lengkap", "NAMA_LENGKAP", "nama.lengkap" -> "namalengkap".

    Headers, unit names and status words; cached, since a file of thousands
    of rows repeats a few dozen of them.
    """
    return _NOT_WORD.sub("", str(text or "").casefold())


def max_upload_bytes():
    return settings.REGISTRI_IMPORT_MAX_MB * 1024 * 1024


SPLIT_ADVICE = "bagi menjadi beberapa berkas lalu unggah satu per satu"


def check_size(size, advice=SPLIT_ADVICE):
    """Refuse a file over REGISTRI_IMPORT_MAX_MB; web views call it before reading the upload."""
    if size > max_upload_bytes():
        raise FileRejected(
            f"Berkas {size / 1048576:.1f} MB melebihi batas {settings.REGISTRI_IMPORT_MAX_MB} MB; {advice}."
        )


def check_bytes(data, advice=SPLIT_ADVICE):
    """What every reader checks first: the size limit, and that there is anything at all."""
    check_size(len(data), advice)
    if not data.strip():
        raise FileRejected("Berkas kosong; pilih berkas yang berisi data.")


def read_table(data, filename, aliases, expected, recognised=None):
    """Parse ``data`` and return the ``Table`` under its header row, its
    columns not yet mapped (``Table.columns`` is filled by the caller).

    ``aliases`` maps normalised header text to a field name, to tell the
    header row from the title rows above it; ``recognised(text)`` names
    headers no alias knows (a content's link heading a column); ``expected``
    names the columns for the clerk when no header row is found. The data
    rows are read as they are used (``Table.rows`` is an iterator), so a
    long sheet is never held whole as Python lists.
    """
    check_bytes(data)
    rows, uncalculated, merged, total = _stream_rows(data, filename)
    return _find_header(rows, aliases, expected, uncalculated, merged, total, recognised)


def read_rows(data, filename):
    """(rows, uncalculated, merged): every row of the first visible sheet, as lists."""
    rows, uncalculated, merged, _ = _stream_rows(data, filename)
    return list(rows), uncalculated, merged


def _stream_rows(data, filename):
    """(row iterator, uncalculated, merged, how many rows at most)."""
    if data.startswith(b"PK\x03\x04"):
        return _read_workbook(data, _check_zip(data))
    if data.startswith(OLE_MAGIC):
        # Legacy .xls, but also what Excel writes for a password-protected
        # .xlsx, and Word's .doc.
        return _read_workbook(data, None)
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRejected(
            f"Berkas {filename} bukan Excel (.xlsx) atau CSV; simpan ulang dari Excel sebagai .xlsx."
        )
    if filename.lower().endswith((".xlsx", ".xls")):
        raise FileRejected(
            f"Berkas {filename} bernama .xlsx tetapi isinya bukan berkas Excel; buka di Excel lalu "
            f"simpan ulang sebagai Buku Kerja Excel (.xlsx)."
        )
    text = decode(data)
    return _read_csv(text), set(), [], text.count("\n") + 1


def _check_zip(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        expanded = sum(info.file_size for info in archive.infolist())
    except ZIP_ERRORS:
        raise FileRejected(
            "Berkas Excel rusak atau tidak lengkap (mungkin terpotong saat diunduh); buka di Excel, "
            "simpan ulang, lalu unggah lagi."
        ) from None
    if expanded > 40 * max_upload_bytes():
        raise FileRejected("Isi berkas terlalu besar setelah dibuka; bagi menjadi beberapa berkas.")
    if "word/document.xml" in names:
        raise FileRejected(
            "Berkas ini dokumen Word (.docx), bukan Excel; salin tabelnya ke Excel lalu simpan sebagai .xlsx."
        )
    if "ppt/presentation.xml" in names:
        raise FileRejected("Berkas ini presentasi PowerPoint, bukan Excel; unggah berkas .xlsx.")
    if "xl/workbook.xml" not in names and "content.xml" not in names:
        raise FileRejected("Berkas ZIP ini bukan berkas Excel; unggah berkas .xlsx atau .csv.")
    return archive


def _read_workbook(data, archive):
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        visible = [
            i
            for i, meta in enumerate(workbook.sheets_metadata)
            if meta.visible == python_calamine.SheetVisibleEnum.Visible
            and meta.typ == python_calamine.SheetTypeEnum.WorkSheet
        ]
        if not visible:
            raise FileRejected("Buku kerja ini tidak memiliki lembar kerja yang terlihat.")
        sheet = workbook.get_sheet_by_index(visible[0])
        merged = sheet.merged_cell_ranges or []
        top, left = sheet.start or (0, 0)
    except FileRejected:
        raise
    except Exception:
        raise FileRejected(UNREADABLE_WORKBOOK) from None
    uncalculated = _uncalculated_formulas(archive, visible[0]) if archive else set()
    return _sheet_rows(sheet, top, left), uncalculated, merged, top + sheet.height


UNREADABLE_WORKBOOK = (
    "Berkas Excel tidak dapat dibaca: rusak, dilindungi kata sandi, atau bukan buku kerja. "
    "Buka di Excel, hapus kata sandinya bila ada, simpan sebagai .xlsx lalu unggah lagi."
)


def _sheet_rows(sheet, top, left):
    """The sheet's rows from A1, as Excel numbers them, each converted only
    when it is reached (the sheet's used area starts at ``top``, ``left``)."""
    for _ in range(top):
        yield []
    try:
        for cells in sheet.iter_rows():
            yield [None] * left + cells if left else cells
    except Exception:
        raise FileRejected(UNREADABLE_WORKBOOK) from None


_UNCALCULATED = re.compile(
    rb'<c r="([A-Z]+)(\d+)"[^>]*>\s*<f[^>]*?(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v></v>)?\s*</c>'
)


def _uncalculated_formulas(archive, index):
    """(row, column) of formula cells saved without a value.

    Excel stores the result beside each formula and the reader returns that;
    a file written by another program may store the formula alone, which
    would read as an empty cell.
    """
    try:
        workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
        rel_id = re.findall(r'<sheet [^>]*r:id="([^"]+)"', workbook)[index]
        target = re.search(rf'<Relationship [^>]*Id="{rel_id}"[^>]*Target="([^"]+)"', rels)
        if target is None:
            target = re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rel_id}"', rels)
        path = target.group(1).lstrip("/")
        return _formulas_without_value(archive, path if path.startswith("xl/") else f"xl/{path}")
    except (KeyError, IndexError, AttributeError, *ZIP_ERRORS):
        # The cells were read already; only the check for formulas without
        # a stored value is lost on an archive zipfile cannot open.
        return set()


def _formulas_without_value(archive, member, size=1 << 20):
    """The sheet's XML read a megabyte at a time (a 50,000-row sheet's is
    tens of megabytes), each block scanned up to its last cell's start."""
    found, pending = set(), b""
    with archive.open(member) as stream:
        while True:
            block = stream.read(size)
            text = pending + block
            cut = text.rfind(b"<c ") if block else len(text)
            # No cell starts here: only a "<c" cut in two can continue.
            cut = len(text) - 2 if cut < 0 else cut
            for letters, row in _UNCALCULATED.findall(text, 0, cut):
                column = 0
                for letter in letters.decode():
                    column = column * 26 + ord(letter) - 64
                found.add((int(row), column - 1))
            pending = text[cut:]
            if not block:
                return found


def decode(data):
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # What Excel on Windows writes for "CSV (Comma delimited)".
        return data.decode("cp1252", "replace")


def _read_csv(text):
    # The delimiter is judged by the first 50 lines, never splitting the whole file.
    lines = text[:1 << 16].splitlines()
    if len(text) > 1 << 16:
        lines.pop()  # cut short by the slice
    sample = [line for line in lines[:50] if line.strip()]
    best, best_score, reader = ",", -1, None
    try:
        for delimiter in (";", ",", "\t"):
            counts = [len(row) for row in csv.reader(sample, delimiter=delimiter)]
            wide = [c for c in counts if c > 1]
            score = max((wide.count(c) for c in set(wide)), default=0)
            if score > best_score:
                best, best_score = delimiter, score
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=best)
        yield from reader
    except csv.Error:
        # csv refuses a field over 131,072 characters: an unclosed quote
        # swallowing the rest of the file, or a pasted document.
        line = f" sekitar baris {reader.line_num}" if reader else ""
        raise FileRejected(
            f"Berkas CSV tidak dapat dibaca{line}: ada sel yang sangat panjang, biasanya tanda kutip (\") "
            f"yang tidak ditutup. Buka berkasnya di Excel, periksa baris itu, lalu simpan ulang."
        ) from None


def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


_PARENTHESES = re.compile(r"\([^)]*\)")
# Words a form question wraps around a column name: "Username Instagram",
# "Link Facebook", "Akun TikTok Anda". Only these go: a question such as
# "Sudah follow Instagram Humas?" keeps its other words and matches nothing.
_FILLER = re.compile(
    r"\b(?:username|user name|nama pengguna|akun|link|tautan|alamat|url|profil|anda|saudara)\b", re.IGNORECASE
)


def header_name(text, aliases):
    """The canonical column a header names: as written, without a note in
    parentheses ("NIP (18 digit)"), or without form filler words."""
    bare = _PARENTHESES.sub("", text)
    for candidate in (text, bare, _FILLER.sub("", bare)):
        name = aliases.get(match_key(candidate))
        if name:
            return name
    return None


def _find_header(rows, aliases, expected, uncalculated, merged, total, recognised=None):
    rows = iter(rows)
    # The rows searched, and the two a header block may take below its last.
    head = list(itertools.islice(rows, HEADER_SEARCH_ROWS + 2))
    best = None
    for index, cells in enumerate(head[:HEADER_SEARCH_ROWS]):
        found = {header_name(text, aliases) or (text if recognised and recognised(text) else None)
                 for text in cells if isinstance(text, str)} - {None}
        if len(found) >= 2 and (best is None or len(found) > best[1]):
            best = (index, len(found))
    if best is None:
        raise FileRejected(
            f"Baris judul kolom tidak ditemukan di {HEADER_SEARCH_ROWS} baris pertama. "
            f"Pastikan ada satu baris berisi nama kolom, misalnya: {', '.join(expected)}. "
            f"Unduh templat untuk contoh susunannya."
        )
    index = best[0]
    headers, below = _header_block(head, index, merged, aliases)
    first = index + below
    data_rows = (
        (number, cells)
        for number, cells in enumerate(_filled(itertools.chain(head[first:], rows), merged, first), start=first + 1)
        if not all(is_blank(c) for c in cells)
    )
    one = next(data_rows, None)
    if one is None:
        raise FileRejected(
            f"Berkas hanya berisi baris judul (baris {index + 1}); belum ada data di bawahnya."
        )
    return Table({}, headers, index + 1, itertools.chain([one], data_rows), uncalculated=uncalculated,
                 total=max(total - first, 1))


def _header_block(rows, index, merged, aliases):
    """The headers of a header row and of the rows that complete it, and how
    many rows the block takes: a row of sub-headers under merged cells
    ("UNIT KERJA" over "INDUK" and "UNIT" become "UNIT KERJA INDUK" and
    "UNIT KERJA UNIT", each read by the first of the sub-header, the two
    together, or the header that names a field), and a row numbering the
    columns (1, 2, 3 …), as printed rosters carry."""
    top = [str(h).strip() if not is_blank(h) else "" for h in rows[index]]
    spanned = {}
    for (first_row, left), (_, right) in merged:
        if first_row == index and right > left and left < len(top):
            for column in range(left, right + 1):
                spanned[column] = top[left]
    below = 1
    if index + 1 < len(rows) and _sub_headers(rows[index + 1], top, spanned):
        sub = rows[index + 1]
        width = max(len(top), len(sub))
        headers = []
        for column in range(width):
            parent = spanned.get(column) or (top[column] if column < len(top) else "")
            child = str(sub[column]).strip() if column < len(sub) and not is_blank(sub[column]) else ""
            options = [o for o in (child, f"{parent} {child}".strip(), parent) if o]
            headers.append(next((o for o in options if header_name(o, aliases)), options[0] if options else ""))
        top, below = headers, 2
    if index + below < len(rows) and _numbering(rows[index + below]):
        below += 1
    return top, below


def _sub_headers(cells, top, spanned):
    """Whether ``cells`` complete the header row above them: text under a
    merged header or under an empty one, and nothing that reads like data."""
    texts = [(column, cell) for column, cell in enumerate(cells) if isinstance(cell, str) and cell.strip()]
    under = [column for column, _ in texts if column in spanned or column >= len(top) or not top[column]]
    data_like = any(isinstance(cell, (int, float)) and not isinstance(cell, bool) and cell > 999 for cell in cells)
    return bool(under) and not data_like and not any(len(match_key(text)) >= 15 and match_key(text).isdigit()
                                                     for _, text in texts)


def _numbering(cells):
    """A row numbering the columns: 1, 2, 3 … (or (1), (2) …) and nothing else."""
    numbers = [cell_text(cell).strip("()") for cell in cells if not is_blank(cell)]
    return len(numbers) >= 3 and numbers == [str(n) for n in range(1, len(numbers) + 1)]


def _filled(rows, merged, first):
    """The rows from index ``first`` on, a merged cell in them (one UNIT KERJA
    over ten rows) applied to every row it spans."""
    spans = sorted((top, left, bottom, right) for (top, left), (bottom, right) in merged if top >= first)
    active, waiting = [], iter(spans)
    following = next(waiting, None)
    for index, cells in enumerate(rows, start=first):
        while following is not None and following[0] == index:
            _, left, bottom, right = following
            active.append((bottom, left, right, cells[left] if left < len(cells) else None))
            following = next(waiting, None)
        if active:
            active = [span for span in active if span[0] >= index]
            for _, left, right, value in active:
                for c in range(left, min(right, len(cells) - 1) + 1):
                    if is_blank(cells[c]):
                        cells[c] = value
        yield cells


def cell_text(value):
    """A cell as text: 12.0 -> "12", a date as dd-mm-yyyy, None -> ""."""
    if type(value) is str:
        text = " ".join(value.replace("\u00a0", " ").split())
        # What our own export escaped against formula injection.
        if text.startswith("'") and text[1:2] in FORMULA_STARTS:
            return text[1:]
        return text
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.strftime("%d-%m-%Y")
    return " ".join(str(value).split())


_MONTH_WORDS = {name: n for n, names in enumerate([
    ("januari", "jan", "january"), ("februari", "feb", "pebruari", "february"), ("maret", "mar", "march"),
    ("april", "apr"), ("mei", "may"), ("juni", "jun", "june"), ("juli", "jul", "july"),
    ("agustus", "agu", "agt", "aug", "august"), ("september", "sep", "sept"), ("oktober", "okt", "oct", "october"),
    ("november", "nov", "nopember"), ("desember", "des", "dec", "december")], start=1) for name in names}
_NUMERIC_DATE = re.compile(
    r"^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})(?:[ T,]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?:\.\d+)?)?"
    r"\s*(?:WIB|Z|[+-]\d{2}:?\d{2})?$")
_WORDED_DATE = re.compile(r"^(\d{1,2})\s+([a-z]+)\s+(\d{4})(?:[ ,]+(?:pukul\s+)?(\d{1,2})[:.](\d{2}))?$", re.I)
# Excel counts days from 1899-12-30; a date cell read without its format is such a number.
_EXCEL_EPOCH = datetime.datetime(1899, 12, 30)


def cell_datetime(value):
    """A cell as a moment in Jakarta's time, or None when empty: a date or
    datetime cell, Excel's day number, or text as Indonesian forms and
    exports write it ("01/12/2026 09.05", "2026-12-01 09:05:12", "1 Desember
    2026"). Day before month where both could be either. ValueError when
    it is none of these."""
    if is_blank(value):
        return None
    if isinstance(value, float | int) and not isinstance(value, bool) and 20000 < value < 80000:
        value = _EXCEL_EPOCH + datetime.timedelta(days=value)
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time())
    else:
        moment = _text_datetime(cell_text(value))
    # The registry's zone by name, not the request's (a lookup per cell of a 50,000-row sheet).
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, timezone.get_default_timezone())


def _text_datetime(text):
    if re.match(r"^\d{4}-\d{2}-\d{2}T.*(?:Z|[+-]\d{2}:?\d{2})$", text):
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    found = _NUMERIC_DATE.match(text)
    if found:
        first, second, third, hour, minute, second_of = found.groups()
        year, month, day = (int(first), int(second), int(third)) if len(first) == 4 else (
            int(third), int(second), int(first))
        if month > 12 >= day:
            # A form exported in an American locale: month first.
            month, day = day, month
        if year < 100:
            year += 2000
        return datetime.datetime(year, month, day, int(hour or 0), int(minute or 0), int(second_of or 0))
    found = _WORDED_DATE.match(text)
    if found and found.group(2).lower() in _MONTH_WORDS:
        day, month_word, year, hour, minute = found.groups()
        return datetime.datetime(int(year), _MONTH_WORDS[month_word.lower()], int(day), int(hour or 0),
                                 int(minute or 0))
    raise ValueError(text)


def excel_value(value):
    """A cell as Excel should hold it: text shown rather than evaluated,
    datetimes in the local time clerks expect (Excel has no time zones)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


class XlsxWriter:
    """Rows into a write-only workbook on disk; ``close()`` returns the file.

    Identity numbers (``text_columns``) are string cells formatted as Text,
    filled or empty, so that a clerk who types a NIP into the file gets text
    back, not a number Excel rounds to 15 digits. The header row is frozen,
    below optional ``title`` lines (the list's name and filters). A
    write-only sheet must know its column widths before its first row, so
    rows wait until WIDTH_SAMPLE of them have set the widths.
    """

    WIDTH_SAMPLE = 500

    def __init__(self, headers, text_columns=(), title=()):
        self.workbook = openpyxl.Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet("Data")
        self.headers = list(headers)
        self.title = list(title)
        self.text = [header in text_columns for header in self.headers]
        self.waiting = []

    def append(self, row):
        row = [excel_value(self._text(v) if self._is_text(i) else v) for i, v in enumerate(row)]
        if self.waiting is None:
            self._write(row)
        else:
            self.waiting.append(row)
            if len(self.waiting) >= self.WIDTH_SAMPLE:
                self._start()

    def close(self):
        if self.waiting is not None:
            self._start()
        handle = tempfile.TemporaryFile(suffix=".xlsx")
        self.workbook.save(handle)
        handle.seek(0)
        return handle

    def _is_text(self, index):
        return index < len(self.text) and self.text[index]

    @staticmethod
    def _text(value):
        return cell_text(value) or None

    def _start(self):
        sample, self.waiting = self.waiting, None
        for index, header in enumerate(self.headers):
            longest = max((len(cell_text(row[index])) for row in sample if index < len(row)), default=0)
            dimension = self.sheet.column_dimensions[openpyxl.utils.get_column_letter(index + 1)]
            dimension.width = min(max(longest, len(header), 6) + 2, 60)
            if self.text[index]:
                # Rows a clerk adds below the data are Text too.
                dimension.number_format = "@"
        header_row = len(self.title) + bool(self.title) + 1
        self.sheet.freeze_panes = f"A{header_row + 1}"
        for index, line in enumerate(self.title):
            cell = WriteOnlyCell(self.sheet, value=excel_value(line))
            cell.font = Font(bold=True, size=13 if index == 0 else 11)
            self.sheet.append([cell])
        if self.title:
            self.sheet.append([])
        header = []
        for value in self.headers:
            cell = WriteOnlyCell(self.sheet, value=excel_value(value))
            cell.font = Font(bold=True)
            header.append(cell)
        self.sheet.append(header)
        for row in sample:
            self._write(row)

    def _write(self, row):
        cells = []
        for index, value in enumerate(row):
            if self._is_text(index):
                value = WriteOnlyCell(self.sheet, value=value)
                value.number_format = "@"
            cells.append(value)
        self.sheet.append(cells)


class CsvWriter:
    def __init__(self, headers, **kwargs):
        self.handle = tempfile.TemporaryFile(mode="w+b")
        self.text = io.TextIOWrapper(self.handle, encoding="utf-8-sig", newline="")
        # Indonesian Excel reads ";" as the separator.
        self.writer = csv.writer(self.text, delimiter=";")
        self.writer.writerow(headers)

    def append(self, row):
        self.writer.writerow([excel_value(v) for v in row])

    def close(self):
        self.text.flush()
        self.text.detach()
        self.handle.seek(0)
        return self.handle


# A template's unit sheet lists at most this many units (a province has ~7,000).
UNIT_SHEET_MAX = 20000


def build_template(columns, example, instructions, choices, units=()):
    """An import template: header, one example row, drop-downs, instructions,
    and the units the clerk may use (kode, nama, singkatan).

    ``columns`` are (header, is_text); ``choices`` maps a header to the
    values offered in its drop-down list.
    """
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    sheet.append([name for name, _ in columns])
    sheet.append(example)
    for index, (name, is_text) in enumerate(columns, start=1):
        letter = openpyxl.utils.get_column_letter(index)
        sheet.column_dimensions[letter].width = max(len(name), len(example[index - 1])) + 4
        sheet.cell(1, index).font = Font(bold=True)
        if is_text:
            for row in range(2, 2001):
                sheet.cell(row, index).number_format = "@"
        if name in choices:
            rule = DataValidation(
                type="list",
                formula1='"' + ",".join(choices[name]) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Isian tidak dikenal",
                error="Pilih salah satu isian dari daftar.",
            )
            rule.add(f"{letter}2:{letter}2000")
            sheet.add_data_validation(rule)
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("Petunjuk")
    notes.column_dimensions["A"].width = 110
    for line in instructions:
        notes.append([line])
    notes["A1"].font = Font(bold=True, size=13)
    if units:
        listed = workbook.create_sheet("Daftar instansi")
        listed.append(["KODE", "NAMA", "SINGKATAN"])
        for unit in units:
            listed.append(list(unit))
        for letter, values in zip("ABC", zip(*[("KODE", "NAMA", "SINGKATAN"), *units])):
            listed.column_dimensions[letter].width = min(max(len(v or "") for v in values) + 2, 70)
        for cell in listed[1]:
            cell.font = Font(bold=True)
        listed.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
