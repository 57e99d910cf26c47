"""The search boxes of the Pegawai, Akun, Verifikasi and Bukti sebar lists,
and the employee autocomplete, read as one set of rules.

A term is a NIP (six or more digits, spaces and dots allowed), or else
words of a name, an account name or a pasted profile URL, or a unit's name
for an official account. Each kind is read from its own index on
PostgreSQL and joined as one ``IN`` over a ``UNION ALL``, never as an
``OR`` across joins, which no index serves (an ``OR`` over employee, account
and unit columns tested every one of 1.5 million accounts:
bench/skala_bench.py). A NIK is searched only by those who see NIKs in full:
a masked NIK found one digit at a time would be unmasked.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q

from registry import handles, identity
from registry.cakupan import sees_full_nik
from registry.models import AkunMedsos, Instansi, Pegawai


def number_in(term):
    """The term as a NIP or NIK prefix (six digits or more), or ""."""
    try:
        number = identity.normalise(term, "NIP")
    except ValidationError:
        return ""
    return number if number.isdigit() and len(number) >= 6 else ""


def handle_in(term):
    """A pasted profile URL searches by its handle; anything else as typed."""
    try:
        return handles.parse(term).username
    except ValidationError:
        return term.removeprefix("@").lower()


# A search that matches no more than this many rows is read once into a
# list: the changelist counts the rows and then reads a page of them, and a
# subquery would run the search twice (the name side alone: 10 ms at 1M).
MATERIALISED = 1000


def materialised(pks):
    """``pks`` (a values queryset) as a list when it is short, else as it is."""
    found = list(pks[: MATERIALISED + 1])
    return pks if len(found) > MATERIALISED else found


def staff(term, user):
    """Q over Pegawai for ``term``."""
    number = number_in(term)
    if number:
        by_number = Q(nip__startswith=number)
        # Finding someone by NIK is reading it: whoever sees NIKs masked
        # would unmask one a digit at a time ("167100" … "167109") or
        # confirm a guess, here and in the autocomplete that uses this.
        if sees_full_nik(user):
            by_number |= Q(nik__startswith=number)
        return by_number
    # Names as words (migration 0016), account names by trigrams (0013).
    by_name = Pegawai.objects.named(term).order_by().values("pk")
    by_account = AkunMedsos.objects.filter(
        pegawai__isnull=False, username__contains=handle_in(term)
    ).order_by().values("pegawai")
    return Q(pk__in=materialised(by_name.union(by_account, all=True).values_list("pk", flat=True)))


def accounts(term):
    """Q over AkunMedsos for ``term``: its handle, its owner's name or NIP,
    or, for an official account, its unit's name."""
    number = number_in(term)
    if number:
        return Q(pegawai__in=Pegawai.objects.filter(nip__startswith=number).order_by().values("pk"))
    by_handle = AkunMedsos.objects.filter(username__contains=handle_in(term)).order_by().values("pk")
    by_owner = AkunMedsos.objects.filter(
        pegawai__in=Pegawai.objects.named(term).order_by().values("pk")
    ).order_by().values("pk")
    by_unit = AkunMedsos.objects.filter(
        instansi__in=Instansi.objects.filter(nama__icontains=term).order_by().values("pk")
    ).order_by().values("pk")
    return Q(pk__in=materialised(by_handle.union(by_owner, by_unit, all=True).values_list("pk", flat=True)))


def checks(term):
    """Q over Verifikasi for ``term``: by the account checked."""
    return Q(akun__in=materialised(AkunMedsos.objects.filter(accounts(term)).order_by().values_list("pk", flat=True)))


def proofs(term, user):
    """Q over BuktiSebar for ``term``: a pasted share link finds its proof,
    anything else the proofs of the employees ``staff`` finds."""
    try:
        post = handles.parse_post(term)
    except ValidationError:
        post = None
    if post is not None:
        return Q(platform=post.platform, kode=post.kode)
    return Q(pegawai__in=materialised(Pegawai.objects.filter(staff(term, user)).order_by().values_list(
        "pk", flat=True)))
