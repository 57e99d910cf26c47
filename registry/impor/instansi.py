"""Units from a list: kode, nama, singkatan and the parent, possibly a later row."""

from collections import defaultdict

from import_export import fields

from registry import sheets
from registry.cakupan import scope_paths
from registry.impor.kolom import Kolom
from registry.impor.mesin import RegistryResource, flag_duplicates, ya_tidak
from registry.impor.rencana import BARU, BERUBAH, TETAP, ImportCancelled
from registry.impor.unit import UnitIndex
from registry.kunci import all_units, lock_units
from registry.models import Instansi, JenisImpor


class InstansiResource(RegistryResource):
    kind = JenisImpor.INSTANSI
    kolom = [
        Kolom("kode", "Kode", ["KODE", "KODE INSTANSI", "KODE UNIT"]),
        Kolom("nama", "Nama", ["NAMA", "NAMA INSTANSI", "INSTANSI", "UNIT KERJA", "NAMA UNIT"]),
        Kolom("singkatan", "Singkatan", ["SINGKATAN"]),
        Kolom("induk", "Induk (kode atau nama)", ["INDUK", "KODE INDUK", "INSTANSI INDUK", "UNIT INDUK"]),
        Kolom("aktif", "Aktif", ["AKTIF"]),
    ]
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
        # A unit file may move any unit under any other: every unit, locked
        # once in order, rather than each save's ancestors in file order.
        lock_units(all_units())
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
