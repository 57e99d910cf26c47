"""What each person of an evaluation list still lacks (*Keterangan*): the
accounts not yet verified, or the required official accounts none of their
valid accounts follows; asked of one platform, that platform alone.

Worked out for a batch of people in three queries (their accounts; the
required accounts of their units, from WajibIkuti; the valid follows of
those), never one per person. Said in full on screen and in Excel
(``str``), and shorter in print (``short``), where each unit's heading
names the accounts its staff must follow.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from registry.kepatuhan import valid_follows
from registry.models import AkunMedsos, HasilVerifikasi, Kepatuhan, Platform, WajibIkuti

# Short names a clerk reads in a Keterangan column; others by their label.
PLATFORM_SINGKAT = {Platform.INSTAGRAM: "IG", Platform.FACEBOOK: "FB", Platform.X: "X"}


def platform_name(platform):
    return PLATFORM_SINGKAT.get(platform, Platform(platform).label)


def account_name(platform, username):
    return f"{platform_name(platform)} @{username}"


@dataclass
class Kekurangan:
    state: str
    platform: str = None  # the list's question asked of this platform alone
    # (platform, username, result in words) of accounts not verified valid.
    unverified: list = field(default_factory=list)
    # (platform, username) of required official accounts not followed.
    missing: list = field(default_factory=list)

    def __str__(self):
        if self.state == Kepatuhan.BELUM_PUNYA_AKUN:
            return self._no_account()
        if self.state == Kepatuhan.BELUM_DIVERIFIKASI:
            return "Belum ada akun terverifikasi valid: " + ", ".join(
                f"{account_name(p, u)} ({result})" for p, u, result in self.unverified
            )
        if self.state == Kepatuhan.BELUM_MENGIKUTI:
            return "Belum mengikuti " + ", ".join(account_name(p, u) for p, u in self.missing)
        return Kepatuhan(self.state).label

    def short(self, required):
        """As a printed line says it, under a heading naming ``required``
        (the unit's required accounts): platforms, not handles, where the
        platform alone says which."""
        if self.state == Kepatuhan.BELUM_DIVERIFIKASI:
            by_result = defaultdict(list)
            for platform, _, result in self.unverified:
                by_result[result].append(platform_name(platform))
            return "Akun " + "; ".join(f"{', '.join(names)} {result}" for result, names in by_result.items())
        if self.state == Kepatuhan.BELUM_MENGIKUTI:
            per_platform = defaultdict(int)
            for platform, _ in required:
                per_platform[platform] += 1
            return "Belum mengikuti " + ", ".join(
                account_name(p, u) if per_platform[p] > 1 else platform_name(p) for p, u in self.missing
            )
        return str(self)

    def _no_account(self):
        return f"Belum mendaftarkan akun {Platform(self.platform).label}" if self.platform else (
            "Belum mendaftarkan akun"
        )


def required_accounts(unit_ids, platform=None):
    """{unit: [(platform, username)]} of the official accounts its staff must follow."""
    on_platform = {"akun__platform": platform} if platform else {}
    required = defaultdict(list)
    for unit, name, username in WajibIkuti.objects.filter(instansi__in=set(unit_ids), **on_platform).order_by(
        "akun__platform", "akun__username"
    ).values_list("instansi_id", "akun__platform", "akun__username"):
        required[unit].append((name, username))
    return required


def explain(people, platform=None):
    """{pegawai pk: Kekurangan} for ``people`` (rows annotated with ``keadaan``)."""
    unverified = [p.pk for p in people if p.keadaan == Kepatuhan.BELUM_DIVERIFIKASI]
    following = [p for p in people if p.keadaan == Kepatuhan.BELUM_MENGIKUTI]
    on_platform = {"platform": platform} if platform else {}
    accounts = defaultdict(list)
    if unverified:
        for owner, name, username, hasil in AkunMedsos.objects.filter(
            pegawai__in=unverified, **on_platform
        ).order_by("platform", "username").values_list("pegawai_id", "platform", "username", "hasil_terakhir"):
            result = HasilVerifikasi(hasil).label.lower() if hasil else "belum diperiksa"
            accounts[owner].append((name, username, result))
    required, followed = defaultdict(list), set()
    if following:
        for unit, official, name, username in WajibIkuti.objects.filter(
            instansi__in={p.instansi_id for p in following},
            **{f"akun__{k}": v for k, v in on_platform.items()},
        ).order_by("akun__platform", "akun__username").values_list(
            "instansi_id", "akun_id", "akun__platform", "akun__username"
        ):
            required[unit].append((official, name, username))
        # Follows as DESIGN §3 counts them, by the rule's own definition.
        counted = valid_follows(
            pegawai=OuterRef("from_akunmedsos__pegawai_id"),
            official=OuterRef("to_akunmedsos_id"),
            platform=OuterRef("to_akunmedsos__platform"),
        )
        followed = set(
            AkunMedsos.mengikuti.through.objects.filter(
                Exists(counted),
                from_akunmedsos__pegawai__in=[p.pk for p in following],
                to_akunmedsos__in={official for units in required.values() for official, _, _ in units},
            ).values_list("from_akunmedsos__pegawai_id", "to_akunmedsos_id")
        )
    return {
        p.pk: Kekurangan(
            p.keadaan,
            platform,
            unverified=accounts.get(p.pk, []),
            missing=[(name, username) for official, name, username in required.get(p.instansi_id, [])
                     if (p.pk, official) not in followed] if p.keadaan == Kepatuhan.BELUM_MENGIKUTI else [],
        )
        for p in people
    }
