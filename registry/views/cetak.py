"""What every printed list and every download carries: letterhead,
signatory, who prepared it and when, and the name of the file."""

from django.utils import formats, timezone
from django.utils.text import slugify

from registry.cakupan import OPERATOR_OPD, role_of
from registry.filters import own_units
from registry.models import Pengaturan, ProfilPengguna


def preparer_role(user):
    """The user's role as a printed list names its preparer."""
    role = role_of(user)
    if role == OPERATOR_OPD:
        return " ".join([role, *(own_units(user) or [])[:1]])
    return role or "Petugas"


def print_context(request, title, filters, unit, list_url, subtitle=""):
    """What every printed list carries: letterhead and signatory for
    ``unit``, who prepared it and when, the filters, the orientation and
    where *Kembali* goes when the print has no page to go back to (the list
    at ``list_url`` with the same filters)."""
    settings_row = Pengaturan.current()
    jabatan, nama, nip = settings_row.signatory(unit)
    user = request.user
    profile = ProfilPengguna.objects.filter(pengguna=user).first()
    landscape = request.GET.get("orientasi") == "lanskap"
    filters_only = request.GET.copy()
    filters_only.pop("orientasi", None)
    other_orientation = filters_only.copy()
    if not landscape:
        other_orientation["orientasi"] = "lanskap"
    return {
        "title": title,
        "subjudul": subtitle,
        "filters": filters,
        "jabatan": jabatan,
        "nama": nama,
        "nip": nip,
        "tempat": settings_row.tempat,
        "kop": settings_row,
        "logo": settings_row.logo_data_uri(),
        "pembuat": {"nama": user.get_full_name() or user.get_username(), "nip": profile.nip if profile else "",
                    "jabatan": preparer_role(user)},
        "dicetak": timezone.localtime(),
        "lanskap": landscape,
        "orientasi_url": f"?{other_orientation.urlencode()}",
        "kembali": f"{list_url}?{filters_only.urlencode()}",
    }


def titled(title, subtitle):
    return f"{title.upper()} — {subtitle.upper()}" if subtitle else title.upper()


def printed_by(request, now):
    return f"Diunduh {formats.date_format(now, 'j F Y H.i')} WIB oleh {request.user.get_full_name() or request.user}"


def file_name(name, unit, now):
    """"evaluasi-tidak-patuh-dinkes-2026-11-25.xlsx": the list, the unit, the date."""
    unit_part = f"-{slugify(unit.singkatan or unit.kode or unit.nama)}" if unit else ""
    return f"{name}{unit_part}-{now:%Y-%m-%d}.xlsx"
