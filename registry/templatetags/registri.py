from django import template
from django.utils import timezone

from registry import identity, sheets
from registry.cakupan import scope_paths, sees_full_nik
from registry.models import Kepatuhan, StatusKepegawaian
from registry.views.beranda import key_figures
from registry.views.dasar import perubahan, ribuan

register = template.Library()


@register.inclusion_tag("admin/registry/angka_beranda.html", takes_context=True)
def angka_beranda(context):
    """The home page's key figures for the user's scope."""
    return key_figures(context["request"])


@register.simple_tag(takes_context=True)
def belum_ditautkan(context):
    """An operator who holds the role but operates no instansi yet: every
    page says so, instead of an empty registry inviting an import."""
    user = getattr(context.get("request"), "user", None)
    return bool(
        user is not None
        and user.is_authenticated
        and user.has_perm("registry.add_pegawai")
        and scope_paths(user) == []
    )


@register.filter
def kepatuhan_label(value):
    return Kepatuhan(value).label if value else "Nonaktif"


register.filter("ribuan", ribuan)
register.filter("perubahan", perubahan)
register.filter("nomor_induk", identity.grouped)


# The printed lists' Status column, one short word each (the list explains PPPK PW).
STATUS_SINGKAT = {
    StatusKepegawaian.PNS: "PNS",
    StatusKepegawaian.PPPK: "PPPK",
    StatusKepegawaian.PPPK_PW: "PPPK PW",
    StatusKepegawaian.NON_ASN: "Non-ASN",
}


@register.filter
def status_singkat(status):
    return STATUS_SINGKAT.get(status, status)


register.filter("sel", sheets.cell_text)


@register.filter
def menit(duration):
    """A timedelta in whole minutes."""
    return int(duration.total_seconds() // 60)


@register.filter
def pukul_nanti(duration):
    """The local time ``duration`` from now, as clerks read it: 10.45 WIB."""
    return f"{timezone.localtime(timezone.now() + duration):%H.%M} WIB"


@register.filter
def nomor_induk_untuk(pegawai, user):
    """An employee's NIP in its grouping, or the NIK, masked unless ``user`` edits staff."""
    if pegawai.nip:
        return identity.grouped(pegawai.nip)
    return pegawai.nik if sees_full_nik(user) else identity.masked(pegawai.nik)
