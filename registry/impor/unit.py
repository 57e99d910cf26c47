"""Finding a file's units among those the clerk may use."""

import difflib
from collections import defaultdict

from registry import sheets
from registry.cakupan import scope_paths
from registry.models import Instansi

# Unit names a file may have mistyped that are matched against every unit.
SUGGEST_MAX = 50


class UnitIndex:
    """Instansi in the user's scope, findable by kode, nama or singkatan.

    Built from ``Instansi.objects.for_user``, so ``pk in index`` is the
    scope question asked of a row's unit, with no second rule here.
    """

    def __init__(self, user):
        self.user = user
        self.elsewhere = None
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
        key = sheets.match_key(text)
        if kode_only:
            pk = self.by_kode.get(key)
            if pk:
                return pk, None
            if self._outside(key):
                return None, self._outside_message("kode instansi", text)
            return None, f"kode instansi {text!r} tidak ditemukan di instansi yang Anda kelola"
        found = self.by_key.get(key, set())
        if len(found) == 1:
            return next(iter(found)), None
        if found:
            return None, f"nama {text!r} dipakai lebih dari satu instansi; tulis kodenya"
        if self._outside(key):
            return None, self._outside_message("instansi", text)
        return None, f"instansi {text!r} tidak ditemukan di instansi yang Anda kelola" + self._suggest(text)

    def _outside(self, key):
        """Whether a unit outside the clerk's scope is known by ``key``: a
        real unit, not a typo, which is not theirs to fill."""
        if self.elsewhere is None and scope_paths(self.user) is None:
            self.elsewhere = set()
        if self.elsewhere is None:
            self.elsewhere = {
                sheets.match_key(text)
                for texts in Instansi.objects.exclude(pk__in=list(self.jalur)).values_list("kode", "nama", "singkatan")
                for text in texts
                if text
            }
        return key in self.elsewhere

    @staticmethod
    def _outside_message(what, text):
        return (
            f"{what} {text!r} berada di luar instansi yang Anda kelola; pegawainya diisi oleh operator "
            "instansi itu atau BKD, hapus baris ini dari berkas Anda"
        )

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
