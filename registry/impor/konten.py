"""Contents to spread from a list of links (DESIGN §9): each link a post of
a registered official account the clerk may register contents for, named
by the link itself or by the Akun resmi column."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export import fields

from registry import handles, sheets
from registry.aturan_sebar import official_accounts
from registry.impor.kolom import Kolom
from registry.impor.mesin import BATCH, RegistryResource, chunks, flag_duplicates, ya_tidak
from registry.impor.rencana import BARU, TETAP
from registry.kunci import lock_units
from registry.models import AkunMedsos, JenisImpor, Konten, Pengaturan, Platform

# A publish date this far back is a typing slip (2062, 1926), not a content to spread.
OLDEST = timezone.timedelta(days=366)


class KontenResource(RegistryResource):
    kind = JenisImpor.KONTEN
    kolom = [
        Kolom("tautan", "Tautan unggahan", ["TAUTAN", "TAUTAN KONTEN", "LINK KONTEN", "TAUTAN UNGGAHAN", "LINK",
                                            "URL", "PERMALINK", "ALAMAT UNGGAHAN"]),
        Kolom("akun", "Akun resmi", ["AKUN RESMI", "AKUN", "AKUN INSTANSI", "NAMA AKUN", "USERNAME"]),
        Kolom("judul", "Judul", ["JUDUL", "JUDUL KONTEN", "JUDUL BERITA", "KETERANGAN", "CAPTION", "DESKRIPSI"]),
        Kolom("terbit", "Tanggal terbit", ["TERBIT", "TANGGAL TERBIT", "TANGGAL", "TANGGAL UNGGAH", "DIUNGGAH",
                                           "WAKTU TERBIT", "PUBLISH TIME", "WAKTU PUBLIKASI"]),
        Kolom("batas", "Batas menyebarkan", ["BATAS", "BATAS MENYEBARKAN", "BATAS SEBAR", "TENGGAT"]),
        Kolom("wajib", "Wajib disebarkan", ["WAJIB", "WAJIB DISEBARKAN"]),
    ]
    required = [{"tautan"}]
    template_columns = [("AKUN RESMI", False), ("TAUTAN", False), ("JUDUL", False), ("TERBIT", False)]
    template_example = ["@humas.sukamaju", "https://www.instagram.com/p/C0aBcDeFgHi/",
                        "Peluncuran Mal Pelayanan Publik", "01-12-2026"]
    template_instructions = [
        "Petunjuk pengisian daftar konten untuk disebarkan",
        "",
        "1. Satu baris satu unggahan akun resmi: salin tautannya dari menu Bagikan › Salin tautan.",
        "2. AKUN RESMI boleh dikosongkan bila tautannya menyebut akunnya (TikTok, X, Threads, Facebook); "
        "untuk tautan Instagram /p/… dan YouTube isi nama akun resminya.",
        "3. TERBIT: tanggal unggahan (dd-mm-yyyy); kosong berarti hari ini. BATAS boleh dikosongkan: "
        "tanggal terbit ditambah hari batas di Pengaturan.",
        "4. Tautan profil dan tautan pendek (vt.tiktok.com, fb.me) ditolak.",
        "5. Mengunggah daftar yang sama lagi tidak mengubah apa pun.",
    ]

    akun = fields.Field(attribute="akun__username", column_name="AKUN RESMI")
    platform = fields.Field(attribute="platform", column_name="PLATFORM")
    tautan = fields.Field(attribute="tautan", column_name="TAUTAN")
    judul = fields.Field(attribute="judul", column_name="JUDUL")
    terbit = fields.Field(attribute="terbit", column_name="TERBIT")
    batas = fields.Field(attribute="batas", column_name="BATAS")
    wajib = fields.Field(attribute="wajib", column_name="WAJIB")
    instansi = fields.Field(attribute="unit_pemilik__nama", column_name="INSTANSI")
    tepat = fields.Field(attribute="tepat", column_name="TEPAT WAKTU")
    terlambat = fields.Field(attribute="terlambat", column_name="TERLAMBAT")

    class Meta:
        model = Konten
        fields = ["akun", "platform", "tautan", "judul", "terbit", "batas", "wajib", "instansi", "tepat", "terlambat"]
        export_order = fields

    export_converters = {"platform": lambda v: Platform(v).label, "wajib": ya_tidak}
    text_columns = set()

    def read_row(self, table, cells, row):
        values = row.values
        try:
            post = handles.parse_post(sheets.cell_text(table.cell(cells, "tautan")))
        except ValidationError as e:
            row.problems.append([self.column(table, "tautan"), e.messages[0]])
            post = None
        values["post"] = [post.platform, post.kode, post.username] if post else None
        values["akun"] = None
        text = sheets.cell_text(table.cell(cells, "akun"))
        if text and not handles.is_no_account(text):
            try:
                handle = handles.parse(text, post.platform if post else None)
            except ValidationError as e:
                row.problems.append([self.column(table, "akun"), e.messages[0]])
            else:
                values["akun"] = [handle.platform, handle.username]
        values["judul"] = sheets.cell_text(table.cell(cells, "judul"))[:300]
        for name in ("terbit", "batas"):
            values[name] = self._read_date(table, cells, row, name)
        values["wajib"] = self.read_flag(table, cells, row, "wajib") if "wajib" in table.columns else None

    def _read_date(self, table, cells, row, name):
        if name not in table.columns:
            return None
        try:
            moment = sheets.cell_datetime(table.cell(cells, name))
        except ValueError:
            row.problems.append([self.column(table, name),
                                 "tanggal tidak dikenal; tulis dd-mm-yyyy, misalnya 01-12-2026"])
            return None
        if moment is None:
            return None
        day = timezone.localtime(moment).date()
        today = timezone.localdate()
        if not today - OLDEST <= day <= today + OLDEST:
            row.problems.append([self.column(table, name),
                                 f"tanggal {day:%d-%m-%Y} terlalu jauh dari hari ini; periksa tahunnya"])
            return None
        return day.isoformat()

    def check_rows(self, plan):
        readable = [row for row in plan.rows if not row.problems]
        allowed = set(official_accounts(self.user).values_list("pk", flat=True))
        named = self._accounts(readable)
        flag_duplicates(_group(readable, lambda row: tuple(row.values["post"][:2])), "Tautan")
        stored = self._stored(readable)
        settings_row = Pengaturan.current()
        today = timezone.localdate()
        for row in readable:
            if row.conflicts:
                continue
            platform, kode, owner = row.values["post"]
            wanted = row.values["akun"] or ([platform, owner] if owner else None)
            label = "Akun resmi"
            if wanted is None:
                row.conflicts.append([label, "tautan ini tidak menyebut akun pemiliknya; isi kolom Akun resmi"])
                continue
            akun = named.get(tuple(wanted))
            if akun is None or akun[1] is None:
                row.conflicts.append([label, f"@{wanted[1]} di {Platform(wanted[0]).label} bukan akun resmi yang "
                                             f"terdaftar; daftarkan akun resminya dulu"])
                continue
            pk, unit, username, unit_name = akun
            if pk not in allowed:
                row.conflicts.append([label, f"@{username} adalah akun resmi {unit_name}, di luar instansi Anda"])
            elif wanted[0] != platform:
                row.conflicts.append([label, f"tautan ini unggahan {Platform(platform).label}, sedangkan @{username} "
                                             f"akun {Platform(wanted[0]).label}"])
            elif owner and owner != username:
                row.conflicts.append([label, f"tautan ini unggahan @{owner}, bukan @{username}"])
            if row.conflicts:
                continue
            terbit = row.values["terbit"] or today.isoformat()
            batas = row.values["batas"] or settings_row.default_deadline(
                timezone.datetime.fromisoformat(terbit).date()).isoformat()
            if batas < terbit:
                row.conflicts.append(["Batas menyebarkan", "batas menyebarkan sebelum tanggal terbit"])
                continue
            row.result = {"akun": pk, "unit": unit, "terbit": terbit, "batas": batas,
                          "tautan": handles.post_url(platform, kode, owner or username)}
            row.action = TETAP if (platform, kode) in stored else BARU

    def _accounts(self, rows):
        wanted = defaultdict(set)
        for row in rows:
            platform, _, owner = row.values["post"]
            account = row.values["akun"] or ([platform, owner] if owner else None)
            if account:
                wanted[account[0]].add(account[1])
        found = {}
        for platform, pk, username, unit, unit_name in AkunMedsos.objects.named(
            wanted, "platform", "pk", "username", "instansi_id", "instansi__nama"
        ):
            found[(platform, username)] = (pk, unit, username, unit_name)
        return found

    def _stored(self, rows):
        wanted = defaultdict(set)
        for row in rows:
            wanted[row.values["post"][0]].add(row.values["post"][1])
        stored = set()
        for platform, codes in wanted.items():
            for chunk in chunks(codes):
                stored.update(Konten.objects.filter(platform=platform, kode__in=chunk).values_list("platform", "kode"))
        return stored

    def write(self, plan):
        rows = [row for row in plan.rows if row.action == BARU]
        lock_units({row.result["unit"] for row in rows})
        created = Konten.objects.bulk_create(
            [Konten(akun_id=row.result["akun"], unit_pemilik_id=row.result["unit"], platform=row.values["post"][0],
                    kode=row.values["post"][1], tautan=row.result["tautan"], judul=row.values["judul"],
                    terbit=row.result["terbit"], batas=row.result["batas"],
                    wajib=True if row.values["wajib"] is None else row.values["wajib"])
             for row in rows],
            batch_size=BATCH,
        )
        self.record_history(Konten, [k.pk for k in created], "+")


def _group(rows, key):
    groups = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return groups
