"""What a content or a proof must be before it is stored (DESIGN §9): the
same rules for the admin's forms, the imports and the command line, each
refusal said in Indonesian with what to do.

Checked in batches: ``ProofRules`` reads what a list of proofs needs from
the database in a few queries (the employees, their accounts, the accounts
their links name, the contents, the proofs already stored), so that a
form's one proof and an import's 100,000 take the same path. Scope is the
user's (``for_user``): an operator checks proofs of its own staff only, and
a link that belongs to someone outside its scope is named as such, not by
whose it is.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.text import capfirst

from registry import handles
from registry.cakupan import scope_paths
from registry.models import AkunMedsos, BuktiSebar, Konten, Pegawai, Pengaturan, Platform
from registry.sql import any_batches, any_of


def _date(value):
    return formats.date_format(value, "j F Y")


def as_sentence(message):
    """A rule's refusal as a form says it: "Tautan ini …." (an import's column says it as it is)."""
    return f"{capfirst(message)}{'' if message.endswith('.') else '.'}"


def official_accounts(user):
    """The official accounts whose contents ``user`` may register."""
    return AkunMedsos.objects.for_user(user).filter(instansi__isnull=False)


def content_link(text, user, akun=None):
    """(post, official account) of a pasted content link, checked: a post
    (not a profile or a short link) of ``akun``, or of the registered
    official account its link names. Refused with the reason otherwise."""
    post = handles.parse_post(text)
    if akun is None:
        if not post.username:
            raise ValidationError(
                "tautan ini tidak menyebut akun pemiliknya; pilih akun resminya", code="no_owner")
        akun = AkunMedsos.objects.filter(platform=post.platform, username=post.username).select_related(
            "instansi").first()
        if akun is None or akun.instansi_id is None:
            raise ValidationError(
                f"@{post.username} di {Platform(post.platform).label} bukan akun resmi yang terdaftar; daftarkan "
                f"akun resminya dulu, atau periksa tautannya", code="not_official")
        if not official_accounts(user).filter(pk=akun.pk).exists():
            raise ValidationError(
                f"@{post.username} adalah akun resmi {akun.instansi.nama}, di luar instansi Anda; konten akun itu "
                f"didaftarkan oleh operatornya atau BKD", code="out_of_scope")
        return post, akun
    if post.platform != akun.platform:
        raise ValidationError(
            f"tautan ini unggahan {Platform(post.platform).label}, sedangkan {akun} ada di "
            f"{akun.get_platform_display()}", code="other_platform")
    if post.username and post.username != akun.username:
        raise ValidationError(
            f"tautan ini unggahan @{post.username}, bukan akun resmi @{akun.username}; tempel tautan unggahan "
            f"akun resmi itu sendiri", code="other_owner")
    return post, akun


def content_taken(post, exclude=None):
    """The refusal of a post registered already as another content, or None."""
    taken = Konten.objects.filter(platform=post.platform, kode=post.kode).exclude(pk=exclude).first()
    if taken is None:
        return None
    return (f"unggahan ini sudah terdaftar sebagai konten «{taken.judul or taken.tautan}» "
            f"(terbit {_date(taken.terbit)})")


@dataclass
class Usulan:
    """A proof as given: whose, of which content, the link and what else was said."""

    pegawai_id: int
    konten_id: int
    tautan: str = ""
    akun_id: int = None  # chosen in a form
    akun_nama: str = ""  # a handle given in an import's Akun column
    platform: str = ""  # an import's Platform column
    waktu: object = None
    exclude: int = None  # the proof being edited
    # Decided by ProofRules.check: (field, message) of each refusal, the
    # field one of pegawai, konten, tautan, akun, waktu.
    problems: list = field(default_factory=list)
    post: handles.Post = None
    akun: int = None


class ProofRules:
    """The rules of DESIGN §9 for a batch of proposed proofs (``Usulan``)."""

    def __init__(self, user, proposals):
        self.user = user
        self.today = timezone.localdate()
        # Read once: a per-proof lookup of the request's zone and clock cost 0.6 s per 100,000 proofs.
        self.zone, self.latest = timezone.get_current_timezone(), timezone.now() + timezone.timedelta(minutes=5)
        self.settings = Pengaturan.current()
        for proposal in proposals:
            # A sheet's links were read once, with the rest of the row (impor.bukti).
            if proposal.tautan and proposal.post is None:
                try:
                    proposal.post = handles.parse_post(proposal.tautan)
                except ValidationError as e:
                    proposal.problems.append(("tautan", e.messages[0]))
        self._read(proposals)

    def _read(self, proposals):
        staff_ids = {p.pegawai_id for p in proposals}
        content_ids = {p.konten_id for p in proposals}
        self.staff, self.accounts = {}, defaultdict(list)
        for chunk in any_batches(staff_ids):
            for pk, nama, unit, jalur, unit_name, aktif in Pegawai.objects.for_user(self.user).filter(
                any_of("pk", chunk)
            ).values_list("pk", "nama", "instansi_id", "instansi__jalur", "instansi__nama", "aktif"):
                self.staff[pk] = (nama, unit, jalur, unit_name, aktif)
            accounts = AkunMedsos.objects.filter(any_of("pegawai_id", chunk)).order_by("platform", "username")
            for values in accounts.values_list("pk", "pegawai_id", "platform", "username"):
                self.accounts[values[1]].append(values)
        self.contents = {}
        for chunk in any_batches(content_ids):
            for values in Konten.objects.for_user(self.user).filter(any_of("pk", chunk)).values_list(
                "pk", "platform", "kode", "unit_pemilik__jalur", "unit_pemilik__nama", "batas", "terbit", "judul"
            ):
                self.contents[values[0]] = values
        named = defaultdict(set)
        for p in proposals:
            if p.post and p.post.username:
                named[p.post.platform].add(p.post.username)
        self.named = {}
        for values in AkunMedsos.objects.named(named, "platform", "username", "pk", "pegawai_id", "pegawai__nama",
                                               "instansi__nama", "unit_pemilik__jalur"):
            self.named[values[:2]] = values[2:]
        self.links, self.stored = {}, {}
        codes = defaultdict(set)
        for p in proposals:
            if p.post:
                codes[p.post.platform].add(p.post.kode)
        for platform, kode_list in codes.items():
            for chunk in any_batches(kode_list):
                # kode <> '' as the unique index of links says it: without it PostgreSQL cannot use that partial
                # index and scans every proof (350 ms a window at 3.65 million proofs, 13 ms with it).
                proofs = BuktiSebar.objects.filter(any_of("kode", chunk), ~Q(kode=""), platform=platform)
                for values in proofs.values_list("platform", "kode", "pk", "pegawai_id", "konten_id", "pegawai__nama",
                                                 "unit_pemilik__jalur"):
                    self.links[values[:2]] = values[2:]
        for chunk in any_batches(staff_ids):
            for pk, konten, pegawai, platform, kode, tautan, dibuat in BuktiSebar.objects.filter(
                any_of("pegawai_id", chunk), any_of("konten_id", content_ids)
            ).values_list("pk", "konten_id", "pegawai_id", "platform", "kode", "tautan", "dibuat_pada"):
                self.stored[(konten, pegawai)] = (pk, platform, kode, tautan, dibuat)

    def _whose(self, owner_name, official, jalur):
        """Whose an account is, as far as this user may be told."""
        if official:
            return f"akun resmi {official}"
        paths = scope_paths(self.user)
        if paths is None or any(jalur.startswith(path) for path in paths):
            return f"akun {owner_name}"
        return "akun pegawai instansi lain"

    def check(self, proposal):
        """Fill ``proposal.problems`` and ``akun``, the account it was shared from."""
        p = proposal
        employee = self.staff.get(p.pegawai_id)
        content = self.contents.get(p.konten_id)
        if employee is None:
            p.problems.append(("pegawai", "pegawai tidak ditemukan di instansi Anda"))
        if content is None:
            p.problems.append(("konten", "konten tidak ditemukan di antara konten yang mengikat instansi Anda"))
        if employee is None or content is None:
            return p
        nama, unit, jalur, unit_name, aktif = employee
        _, platform, kode, content_path, content_unit, batas, terbit, judul = content
        if not aktif:
            p.problems.append(("pegawai", f"{nama} sudah nonaktif; bukti sebar hanya untuk pegawai aktif"))
        if not jalur.startswith(content_path):
            p.problems.append(("konten", f"konten ini mengikat pegawai {content_unit} dan unit di bawahnya; {nama} "
                                         f"bekerja di {unit_name}"))
        last_day = self.settings.late_proofs_until(batas)
        if self.today > last_day:
            p.problems.append(("konten", f"batas menyebarkan konten ini {_date(batas)}; bukti yang masuk lebih dari "
                                         f"{self.settings.tenggang_bukti_hari} hari sesudahnya tidak diterima lagi"))
        if p.waktu is not None:
            when = p.waktu.astimezone(self.zone).date() if timezone.is_aware(p.waktu) else p.waktu.date()
            if p.waktu > self.latest:
                p.problems.append(("waktu", "waktu menyebarkan ada di masa depan; periksa tanggal dan jamnya"))
            elif when < terbit:
                p.problems.append(("waktu", f"waktu menyebarkan {_date(when)} sebelum konten terbit ({_date(terbit)})"))
        self._check_link(p, nama, platform, kode)
        if p.akun is None and not p.problems:
            self._choose_account(p, nama, platform)
        return p

    def _check_link(self, p, nama, platform, kode):
        post = p.post
        if post is None:
            return
        if (post.platform, post.kode) == (platform, kode):
            p.problems.append(("tautan", "ini tautan konten aslinya, bukan bukti sebar; tempel tautan unggahan ulang "
                                         "pegawai"))
            return
        used = self.links.get((post.platform, post.kode))
        if used is not None and used[0] != p.exclude:
            pk, owner, konten, owner_name, owner_path = used
            if owner != p.pegawai_id:
                whose = self._whose(owner_name, None, owner_path or "")
                p.problems.append(("tautan", f"tautan ini sudah menjadi bukti sebar {whose.removeprefix('akun ')}"))
            elif konten != p.konten_id:
                p.problems.append(("tautan", "tautan ini sudah menjadi bukti sebar konten lain; satu unggahan ulang "
                                             "membuktikan satu konten"))
        if post.username:
            found = self.named.get((post.platform, post.username))
            if found is None:
                p.problems.append(("tautan",
                    f"tautan ini unggahan @{post.username} di {Platform(post.platform).label}, yang belum terdaftar "
                    f"sebagai akun {nama}; daftarkan akunnya dulu, atau periksa tautannya"))
                return
            pk, owner, owner_name, official, owner_path = found
            if owner != p.pegawai_id:
                whose = self._whose(owner_name, official, owner_path or "")
                p.problems.append(("tautan", f"tautan ini unggahan @{post.username}, {whose}, bukan akun {nama}"))
                return
            if p.akun_id and p.akun_id != pk:
                p.problems.append(("akun", f"tautan ini unggahan @{post.username}, bukan akun yang dipilih"))
                return
            p.akun = pk

    def _choose_account(self, p, nama, content_platform):
        """The employee's account the proof was shared from, when the link does not name it."""
        mine = self.accounts.get(p.pegawai_id, [])
        if p.akun_id:
            chosen = [a for a in mine if a[0] == p.akun_id]
            if not chosen:
                p.problems.append(("akun", f"akun yang dipilih bukan akun {nama}"))
            elif p.post and chosen[0][2] != p.post.platform:
                p.problems.append(("akun", f"tautan ini unggahan {Platform(p.post.platform).label}, sedangkan akun "
                                           f"yang dipilih akun {Platform(chosen[0][2]).label}"))
            else:
                p.akun = p.akun_id
            return
        platform = p.post.platform if p.post else (p.platform or content_platform)
        if p.akun_nama:
            chosen = [a for a in mine if a[3] == p.akun_nama.lstrip("@").lower() and a[2] == platform]
            if not chosen:
                p.problems.append(("akun", f"{nama} tidak punya akun {Platform(platform).label} "
                                           f"@{p.akun_nama.lstrip('@')} yang terdaftar"))
                return
            p.akun = chosen[0][0]
            return
        candidates = [a for a in mine if a[2] == platform]
        if not candidates:
            p.problems.append(("akun", f"{nama} belum punya akun {Platform(platform).label} yang terdaftar; "
                                       f"daftarkan akunnya dulu"))
        elif len(candidates) > 1:
            names = ", ".join(f"@{a[3]}" for a in candidates)
            p.problems.append(("akun", f"{nama} punya {len(candidates)} akun {Platform(platform).label} ({names}); "
                                       f"sebutkan akun yang dipakai"))
        else:
            p.akun = candidates[0][0]

    def same_as_stored(self, p):
        """The stored proof of this employee and content: (pk, same link?), or None."""
        stored = self.stored.get((p.konten_id, p.pegawai_id))
        if stored is None or stored[0] == p.exclude:
            return None
        pk, platform, kode, tautan, dibuat = stored
        same = (platform, kode) == ((p.post.platform, p.post.kode) if p.post else ("", ""))
        return pk, same, tautan, dibuat
