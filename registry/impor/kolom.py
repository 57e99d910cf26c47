"""Which column of a clerk's file is which field: headers as the national
and regional systems spell them, the best of several, and the clerk's own
corrections, remembered.

A header is matched whatever its case, spacing and punctuation
(``NIP_BARU`` is ``NIP BARU``), as written, without a note in parentheses,
or without the words a form wraps around a name ("Akun Instagram (tanpa
@)", "Link TikTok"). A field may be given by several columns: the alias
listed first wins (``NIP BARU`` over ``NIP``), and the others are named in
the preview as not read. A mapping the clerk corrects in the preview is
kept per kind of file and set of headers (``PemetaanKolom``) and applied to
the next file with the same headers.
"""

import hashlib
import re
from dataclasses import dataclass, field

from registry import sheets

IGNORED = ""  # the preview's "— tidak dibaca —"


@dataclass
class Kolom:
    """One field a kind of file may give: its name, its label in the
    preview, and the headers that name it, the best first."""

    name: str
    label: str
    aliases: list
    # Where a second column naming this field goes: a roster with "OPD" and
    # "UNIT KERJA" gives a unit and its parent.
    second: str = ""


@dataclass
class Pemetaan:
    """What each column of a file is: {column index: field name}."""

    columns: dict
    headers: list
    notes: list = field(default_factory=list)

    @property
    def unknown(self):
        return [h for i, h in enumerate(self.headers) if h and i not in self.columns]

    def by_field(self):
        return {name: index for index, name in self.columns.items()}


def signature(headers):
    """What identifies a file's layout: its headers, as matched."""
    keys = "|".join(sheets.match_key(h) for h in headers)
    return hashlib.sha1(keys.encode()).hexdigest()


class Kamus:
    """The fields of one kind of file and every header that names them."""

    def __init__(self, fields):
        self.fields = {f.name: f for f in fields}
        self.rank = {}
        for f in fields:
            for priority, alias in enumerate(f.aliases):
                self.rank.setdefault(sheets.match_key(alias), (f.name, priority))
        # For sheets.read_table, which finds the header row by them.
        self.aliases = {key: name for key, (name, _) in self.rank.items()}

    def choices(self):
        return [(IGNORED, "— tidak dibaca —"), *((f.name, f.label) for f in self.fields.values())]

    def name_of(self, text):
        """(field, priority) a header names, or None."""
        found = sheets.header_name(text, self.rank)
        return found

    def map(self, headers, remembered=None, looks_old_nip=None):
        """The ``Pemetaan`` of ``headers``: each field from its best column;
        ``remembered`` ({column: field}) as the clerk last corrected it."""
        if remembered is not None:
            columns = {int(i): name for i, name in remembered.items() if name in self.fields and int(i) < len(headers)}
            return Pemetaan(columns, headers, ["Pemetaan kolom seperti yang terakhir Anda atur untuk susunan ini."])
        named = {}
        for index, text in enumerate(headers):
            found = self.name_of(text) if text else None
            if found is not None:
                named.setdefault(found[0], []).append((found[1], index))
        columns, notes = {}, []
        for name, candidates in named.items():
            candidates.sort()
            columns[candidates[0][1]] = name
            second = self.fields[name].second
            if len(candidates) > 1 and second and second not in named:
                columns[candidates[1][1]] = second
                notes.append(f"Kolom {headers[candidates[1][1]]} dibaca sebagai {self.fields[second].label.lower()} "
                             f"dari kolom {headers[candidates[0][1]]}.")
        best = {name: (index, 0) for index, name in columns.items()}
        for index, text in enumerate(headers):
            found = self.name_of(text) if text else None
            if found and index not in columns:
                chosen = headers[best[found[0]][0]]
                old = looks_old_nip and found[0] == "nip" and looks_old_nip(index)
                notes.append(
                    f"Kolom {text} berisi NIP lama (9 digit) dan tidak dibaca; NIP dibaca dari kolom {chosen}."
                    if old else f"Kolom {text} tidak dibaca: {self.fields[found[0]].label} dibaca dari kolom {chosen}."
                )
        return Pemetaan(columns, headers, notes)


_OLD_NIP = re.compile(r"^\d{9}$")


# The first rows a column's contents are judged by.
OLD_NIP_SAMPLE = 50


def old_nip_column(rows, index, sample=OLD_NIP_SAMPLE):
    """Whether the column at ``index`` holds the old 9-digit NIP (BKN's NIP
    lama), as SIMPEG exports call their ``NIP`` beside ``NIP_BARU``."""
    values = [sheets.cell_text(cells[index]).replace(" ", "") for _, cells in rows[:sample]
              if index < len(cells) and not sheets.is_blank(cells[index])]
    return bool(values) and sum(bool(_OLD_NIP.match(v)) for v in values) * 2 > len(values)
