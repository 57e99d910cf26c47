"""Finding a file's units: by kode, nama or singkatan, alone or by their
chain (a unit under its parent under its agency), among those the clerk
may use; and the units a roster names that the registry lacks.

In a real regency names repeat ("Sekretariat" and "Subbagian Umum dan
Kepegawaian" stand under every dinas): a name is a unit only where its
chain makes it one. The index holds the whole tree, to read the chain, and
answers for the clerk's scope (``pk in index``), built from
``Instansi.objects.for_user``, so that scope has no second rule here.
"""

import difflib
import re
from collections import defaultdict

from django.utils.text import slugify

from registry import sheets
from registry.models import Instansi

# Unit names a file may have mistyped that are matched against every unit.
SUGGEST_MAX = 50
NEW = "baru:"


def chain_words(chain):
    return " › ".join(chain)


class NewUnits:
    """Units to create on confirm, each under an existing unit or another
    new one: {key: (parent, nama)}, one per parent and name."""

    def __init__(self, rows=()):
        self.nodes = {key: (parent, nama) for key, parent, nama in rows}
        self.by_name = {(parent, sheets.match_key(nama)): key for key, (parent, nama) in self.nodes.items()}

    def add(self, parent, names):
        """The key of the last of ``names``, each created under the one before, the first under ``parent``."""
        for nama in names:
            found = self.by_name.get((parent, sheets.match_key(nama)))
            if found is None:
                found = f"{NEW}{len(self.nodes) + 1}"
                self.nodes[found] = (parent, nama)
                self.by_name[(parent, sheets.match_key(nama))] = found
            parent = found
        return parent

    def rows(self):
        return [[key, parent, nama] for key, (parent, nama) in self.nodes.items()]

    def tree(self, names_of):
        """(depth, nama, under what) of each new unit, parents first, for the preview."""
        listed, depth = [], {}
        for key, (parent, nama) in self.nodes.items():
            depth[key] = depth.get(parent, -1) + 1 if isinstance(parent, str) else 0
            under = self.nodes[parent][1] if isinstance(parent, str) else names_of.get(parent, "akar pohon")
            listed.append((depth[key], nama, under))
        return listed

    def create(self, melalui):
        """Create them, parents first; {key: pk}."""
        created = {}
        taken = {kode.lower() for kode in Instansi.objects.values_list("kode", flat=True)}
        for key, (parent, nama) in self.nodes.items():
            parent_pk = created[parent] if isinstance(parent, str) else parent
            parent_kode = Instansi.objects.values_list("kode", flat=True).get(pk=parent_pk) if parent_pk else ""
            unit = Instansi(kode=new_code(nama, parent_kode, taken), nama=nama, induk_id=parent_pk)
            unit._change_reason = melalui
            unit.save()
            taken.add(unit.kode.lower())
            created[key] = unit.pk
        return created


_SMALL_WORDS = {"dan", "di", "ke", "dari", "yang", "untuk", "pada", "kabupaten", "kota", "provinsi"}


def new_code(nama, parent_kode, taken):
    """A unique kode for a unit made from a roster: its initials (or its one
    word) under its parent's kode: DINKES-SUK for "Subbagian Umum dan
    Kepegawaian" under Dinas Kesehatan."""
    words = [w for w in re.split(r"[^0-9A-Za-z]+", nama) if w]
    significant = [w for w in words if w.lower() not in _SMALL_WORDS] or words or ["UNIT"]
    part = significant[0].upper()[:12] if len(significant) == 1 else "".join(w[0] for w in significant).upper()
    base = f"{parent_kode}-{part}" if parent_kode else part
    base = slugify(base).upper()[:26] or "UNIT"
    kode, n = base, 1
    while kode.lower() in taken:
        n += 1
        kode = f"{base}-{n}"
    return kode


class UnitIndex:
    """Every unit, findable by kode, nama or singkatan, alone or by its chain."""

    def __init__(self, user, can_create=False, new_units=()):
        self.can_create = can_create
        self.new = NewUnits(new_units)
        self.mine = set(Instansi.objects.for_user(user).values_list("pk", flat=True))
        self.by_key = defaultdict(set)
        self.by_kode, self.jalur, self.names, self.parent = {}, {}, {}, {}
        self.suggested = {}
        for pk, kode, nama, singkatan, induk, jalur in Instansi.objects.values_list(
            "pk", "kode", "nama", "singkatan", "induk_id", "jalur"
        ):
            self.jalur[pk], self.names[pk], self.parent[pk] = jalur, nama, induk
            self.by_kode[sheets.match_key(kode)] = pk
            for text in (kode, nama, singkatan):
                if text:
                    self.by_key[sheets.match_key(text)].add(pk)
        self.roots = [pk for pk, parent in self.parent.items() if parent is None]

    def __contains__(self, pk):
        """Whether the unit is the clerk's to fill (a new unit is the Admin BKD's)."""
        return pk in self.mine or (isinstance(pk, str) and pk.startswith(NEW) and self.can_create)

    def find(self, text, kode_only=False):
        """(pk, None) or (None, the reason it was not found), by one name or kode."""
        key = sheets.match_key(text)
        if kode_only:
            pk = self.by_kode.get(key)
            if pk is None:
                return None, f"kode instansi {text!r} tidak ditemukan di instansi yang Anda kelola"
            return (pk, None) if pk in self else (None, self._outside("kode instansi", text))
        return self.resolve([("unit", text)])

    def resolve(self, chain):
        """(unit, None) or (None, reason) for ``chain``: (field, name) pairs
        from the top down, the unit being the last. A unit is a pk, or the
        key of a new unit when the clerk may create units."""
        texts = [text for _, text in chain]
        currents, start = [None], 0
        for position, (name, text) in enumerate(chain):
            found = [pk for pk in self.by_key.get(sheets.match_key(text), ()) if self._below_any(pk, currents)]
            if not found and name == "unit_atas" and currents == [None] and len(self.roots) == 1:
                # The agency as a national system names it ("Pemerintah Kab. Sukamaju"): the registry's root.
                found = self.roots
            if not found:
                start = position
                break
            currents, start = found, position + 1
        if start == len(chain):
            if len(currents) > 1 and len(set(currents) & self.mine) == 1:
                currents = list(set(currents) & self.mine)  # the clerk's own namesake
            if len(currents) > 1:
                return None, self._ambiguous(texts[-1], currents)
            unit = currents[0]
            return (unit, None) if unit in self else (None, self._outside("instansi", chain_words(texts)))
        if len(currents) > 1:
            return None, self._ambiguous(texts[start - 1], currents)
        parent = currents[0]
        if parent is None and len(self.roots) == 1 and chain[0][0] != "unit_atas":
            parent = self.roots[0]
        # Only a chain, or a level column (SATKER_2, NAMA_UNOR_ESELON_2),
        # places a new unit in the tree; one unknown name in a unit column
        # is more likely a typo, answered with the closest names.
        level = chain[-1][0].removeprefix("unit_").isdigit()
        if not self.can_create or (len(chain) < 2 and not level):
            under = f" di bawah {self.names[parent]}" if parent and start else ""
            return None, (f"instansi {chain_words(texts[start:])!r}{under} tidak ditemukan di instansi yang Anda "
                          f"kelola" + self._suggest(texts[-1]))
        return self.new.add(parent, texts[start:]), None

    def _below_any(self, pk, currents):
        return any(c is None or (pk != c and self.jalur[pk].startswith(self.jalur[c])) for c in currents)

    def _ambiguous(self, text, candidates):
        where = ", ".join(sorted(self.names.get(self.parent[pk], "akar pohon") for pk in candidates)[:4])
        return (f"{text!r} ada di beberapa tempat (di bawah {where}); isi juga kolom induknya "
                "(atau SATKER/UNOR di atasnya), atau tulis kodenya")

    @staticmethod
    def _outside(what, text):
        return (
            f"{what} {text!r} berada di luar instansi yang Anda kelola; pegawainya diisi oleh operator "
            "instansi itu atau BKD, hapus baris ini dari berkas Anda"
        )

    def _suggest(self, text):
        """"; maksud Anda: Sekretariat (Dinas Kesehatan)?" for a typo of a unit in scope.

        Comparing with every unit costs a few milliseconds in a province; a
        file whose whole column is wrong would pay it per row, so each text
        is compared once and at most SUGGEST_MAX texts a file."""
        key = sheets.match_key(text)
        if key not in self.suggested:
            names = []
            if len(self.suggested) < SUGGEST_MAX:
                keys = [k for k, pks in self.by_key.items() if pks & self.mine]
                close = difflib.get_close_matches(key, keys, n=3, cutoff=0.75)
                names = sorted({self._named(pk) for match in close for pk in self.by_key[match] if pk in self.mine})
            self.suggested[key] = (
                f"; maksud Anda: {' atau '.join(names[:2])}?" if names
                else "; periksa ejaannya atau tulis kodenya (lihat lembar Daftar instansi di templat)"
            )
        return self.suggested[key]

    def _named(self, pk):
        """A unit as a clerk tells it from its namesakes: "Sekretariat (Dinas Kesehatan)"."""
        namesakes = len(self.by_key[sheets.match_key(self.names[pk])]) > 1
        parent = self.parent.get(pk)
        return f"{self.names[pk]} ({self.names[parent]})" if namesakes and parent else self.names[pk]
