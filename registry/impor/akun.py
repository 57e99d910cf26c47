"""Accounts from a list or a Google Form, long or wide: one handle, one owner."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from import_export import fields

from registry import handles, sheets
from registry.impor.kolom import Kolom
from registry.impor.mesin import BATCH, RegistryResource, chunks, find_person, staff_by_identity, ya_tidak
from registry.impor.rencana import BARU, BERUBAH, TETAP
from registry.impor.unit import UnitIndex
from registry.kepatuhan import refresh_staff
from registry.kunci import lock_units_of, staff_units
from registry.models import AkunMedsos, HasilVerifikasi, JenisImpor, Pegawai, Platform

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
    kolom = [
        Kolom("nip", "NIP", ["NIP BARU", "NIP"]),
        Kolom("nik", "NIK", ["NIK"]),
        Kolom("nip_nik", "NIP/NIK", ["NIP/NIK", "NIK/NIP"]),
        Kolom("kode_instansi", "Kode instansi (akun resmi)", ["KODE INSTANSI"]),
        Kolom("platform", "Platform", ["PLATFORM", "MEDIA SOSIAL", "JENIS AKUN"]),
        Kolom("akun", "Akun", ["AKUN", "NAMA AKUN", "USERNAME", "ALAMAT PROFIL", "TAUTAN", "LINK", "URL"]),
        *(Kolom(f"wide:{platform}", f"Akun {label}", words) for platform, label, words in [
            ("instagram", "Instagram", ["Instagram", "IG", "Akun Instagram", "Akun IG"]),
            ("tiktok", "TikTok", ["TikTok", "Akun TikTok"]),
            ("facebook", "Facebook", ["Facebook", "FB", "Akun Facebook"]),
            ("x", "X (Twitter)", ["X", "Twitter", "X Twitter", "Akun X", "Akun Twitter"]),
            ("youtube", "YouTube", ["YouTube", "Akun YouTube"]),
            ("threads", "Threads", ["Threads", "Akun Threads"]),
        ]),
    ]
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
        owners, units = staff_by_identity(readable), UnitIndex(self.user)
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

    def _owner(self, row, owners, units):
        v = row.values
        if v["nip"] or v["nik"]:
            match = find_person(row, owners, units)
            return (match[0], None, match[1]) if match else None
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
        for values in AkunMedsos.objects.named(wanted, *columns):
            record = dict(zip(columns, values))
            found[(record["platform"], record["username"])] = record
        return found

    def _claimed_message(self, current, units):
        if (current["pegawai__instansi_id"] or current["instansi_id"]) in units:
            owner = current["pegawai__nama"] or current["instansi__nama"]
            return f"akun ini sudah terdaftar atas nama {owner}"
        return "akun ini sudah terdaftar atas nama pegawai di instansi lain; hubungi BKD bila ini keliru"

    def write(self, plan):
        rows = [row for row in plan.rows if row.action in (BARU, BERUBAH)]
        staff = {row.result["owner"][0] for row in rows} - {None}
        # The owners' units, locked, and read under the lock: an owner may
        # have moved since the preview (registry.kunci).
        lock_units_of(lambda: staff_units(staff) | {row.result["owner"][1] for row in rows})
        unit_of = {}
        for chunk in chunks(staff):
            unit_of.update(Pegawai.objects.filter(pk__in=chunk).values_list("pk", "instansi_id"))
        accounts = [
            AkunMedsos(
                platform=platform,
                username=username,
                pegawai_id=row.result["owner"][0],
                instansi_id=row.result["owner"][1],
                unit_pemilik_id=row.result["owner"][1] or unit_of.get(row.result["owner"][0]),
            )
            for row in rows
            for platform, username in row.result["new"]
        ]
        accounts = AkunMedsos.objects.bulk_create(accounts, batch_size=BATCH)
        self.record_history(AkunMedsos, [a.pk for a in accounts], "+")
        # Write path: accounts imported (an official account is never wajib on import).
        refresh_staff({a.pegawai_id for a in accounts if a.pegawai_id})
