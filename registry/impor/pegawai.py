"""Employees from a roster: new, changed, moved, and (roster sync) those
who left, deactivated."""

from collections import defaultdict

from django.utils import timezone
from import_export import fields

from registry import sheets
from registry.impor import roster
from registry.impor.mesin import BATCH, RegistryResource, chunks, flag_duplicates, ya_tidak
from registry.impor.rencana import BARU, BERUBAH, DITOLAK, TETAP
from registry.impor.unit import NEW, NewUnits, UnitIndex
from registry.kepatuhan import new_staff_state, refresh_staff, sync_units
from registry.kunci import lock_units_of, staff_units
from registry.models import AkunMedsos, JenisImpor, Kepatuhan, Pegawai, StatusKepegawaian, identity_errors
from registry.sebaran import refresh_spread

PEGAWAI_FIELDS = ["nip", "nik", "nama", "jabatan", "instansi_id", "status_kepegawaian", "aktif"]


class PegawaiResource(RegistryResource):
    kind = JenisImpor.PEGAWAI
    kolom = roster.KOLOM
    # Whether units the file names and the registry lacks are offered for
    # creation (the admin asks on confirm; the command line with --buat-instansi).
    create_units = True
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
        self._read_name(table, cells, row)
        if "jabatan" in table.columns:
            values["jabatan"] = sheets.cell_text(table.cell(cells, "jabatan"))[:200]
        status_text = sheets.cell_text(table.cell(cells, "status"))
        values["status"] = roster.status_of(status_text) if status_text else None
        if status_text and values["status"] is None:
            row.problems.append([self.column(table, "status"),
                                 f"status {status_text!r} tidak dikenal; {roster.STATUS_HELP}"])
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
        chain = roster.chain_of(table, cells)
        values["unit"] = ["kode", kode] if kode else (["rantai", chain] if chain else None)
        values["aktif"] = self.read_flag(table, cells, row, "aktif") if "aktif" in table.columns else None
        self._read_kedudukan(table, cells, row)

    def _read_name(self, table, cells, row):
        """The name, with the titles SIASN keeps apart: "dr. Dewi Marlina, M.Kes."."""
        raw_name = table.cell(cells, "nama")
        nama = sheets.cell_text(raw_name)
        if isinstance(raw_name, (int, float)):
            row.problems.append([self.column(table, "nama"), f"berisi angka ({nama}), bukan nama"])
        elif not nama:
            row.problems.append([self.column(table, "nama"), "nama kosong; isi nama lengkap pegawai"])
        nama = roster.full_name(nama, sheets.cell_text(table.cell(cells, "gelar_depan")),
                                sheets.cell_text(table.cell(cells, "gelar_belakang")))
        if len(nama) > 200:
            row.problems.append([self.column(table, "nama"), "nama lebih dari 200 karakter"])
        row.values["nama"] = nama

    def _read_kedudukan(self, table, cells, row):
        """SIASN's *kedudukan hukum*: still employed, or left (deactivated, never deleted)."""
        text = sheets.cell_text(table.cell(cells, "kedudukan"))
        if not text or row.values["aktif"] is not None:
            return
        active = roster.active_of(text)
        if active is None:
            row.problems.append([self.column(table, "kedudukan"),
                                 f"kedudukan hukum {text!r} tidak dikenal; {roster.KEDUDUKAN_HELP}"])
        row.values["aktif"] = active

    def check_rows(self, plan):
        # The Admin BKD may let a roster create the units it names that the registry lacks.
        units = UnitIndex(self.user, can_create=self.create_units and (
            self.user is None or self.user.has_perm("registry.add_instansi")))
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
        used = {row.result["wanted"]["instansi_id"] for row in plan.rows if row.result.get("wanted")}
        plan.new_units = units.new.rows() if any(isinstance(u, str) and u.startswith(NEW) for u in used) else []

    def _existing(self, rows):
        columns = ["pk", *PEGAWAI_FIELDS]
        found = {}
        for name in ("nip", "nik"):
            wanted = {row.values[name] for row in rows if row.values.get(name)}
            found[name] = {}
            for chunk in chunks(wanted):
                for values in Pegawai.objects.filter(**{f"{name}__in": chunk}).values_list(*columns):
                    record = dict(zip(columns, values))
                    found[name][record[name]] = record
        return found["nip"], found["nik"]

    def _unit(self, row, units, default_unit, current):
        ref = row.values["unit"]
        if ref is None:
            unit = current["instansi_id"] if current else default_unit
            if unit is None:
                row.conflicts.append(["UNIT KERJA",
                                      "unit kerja kosong; isi kolom UNIT KERJA atau pilih instansi saat mengunggah"])
            return unit
        if ref[0] == "kode":
            unit, reason = units.find(ref[1], kode_only=True)
        else:
            unit, reason = units.resolve([tuple(level) for level in ref[1]])
        if unit is None:
            row.conflicts.append(["KODE INSTANSI" if ref[0] == "kode" else "UNIT KERJA", reason])
        return unit

    def _missing(self, plan, units, matched):
        unit = plan.options.get("instansi")
        if unit not in units or plan.count(DITOLAK):
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
        self._create_units(plan)
        changed_rows = [row for row in plan.rows if row.action == BERUBAH]
        missing = [pk for pk, _, _ in plan.missing]
        # Every unit the file names, and where the staff it changes are now
        # (registry.kunci); read again under the lock, for who really moves.
        named = {row.result["wanted"]["instansi_id"] for row in plan.rows if row.action in (BARU, BERUBAH)}
        lock_units_of(lambda: named | staff_units([row.target for row in changed_rows] + missing))
        before = {}
        for chunk in chunks([row.target for row in changed_rows]):
            before.update(Pegawai.objects.filter(pk__in=chunk).values_list("pk", "instansi_id"))
        new = Pegawai.objects.bulk_create(
            [
                Pegawai(**row.result["wanted"], kepatuhan=new_staff_state(row.result["wanted"]["aktif"]))
                for row in plan.rows
                if row.action == BARU
            ],
            batch_size=BATCH,
        )
        self.record_history(Pegawai, [p.pk for p in new], "+")
        changed = [Pegawai(pk=row.target, diubah_pada=now, **row.result["wanted"]) for row in changed_rows]
        Pegawai.objects.bulk_update(changed, [*PEGAWAI_FIELDS, "diubah_pada"], batch_size=BATCH)
        self.record_history(Pegawai, [p.pk for p in changed], "~")
        for chunk in chunks(missing):
            Pegawai.objects.filter(pk__in=chunk).update(aktif=False, diubah_pada=now)
        self.record_history(Pegawai, missing, "~")
        moved = [p.pk for p in changed if before.get(p.pk, p.instansi_id) != p.instansi_id]
        for chunk in chunks(moved):
            sync_units(AkunMedsos.objects.filter(pegawai_id__in=chunk))
        # Write path: employees imported, changed, moved or deactivated by a roster sync.
        left = {before[pk] for pk in moved}
        refresh_staff([p.pk for p in new] + [p.pk for p in changed] + missing, left=left, recount=True)
        refresh_spread([p.pk for p in changed] + missing, left=left)

    def _create_units(self, plan):
        """The units the roster names that the registry lacks, created under
        their parents in this same transaction, and the rows pointed at them."""
        if not plan.new_units:
            return
        created = NewUnits(plan.new_units).create(self.melalui)
        for row in plan.rows:
            wanted = row.result.get("wanted")
            if wanted and isinstance(wanted["instansi_id"], str):
                wanted["instansi_id"] = created[wanted["instansi_id"]]
                if row.action == BERUBAH:
                    row.changes["instansi_id"] = [row.changes.get("instansi_id", [None])[0], wanted["instansi_id"]]
