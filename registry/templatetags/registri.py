from django import template

from registry import identity, views
from registry.models import Kepatuhan, scope_paths

register = template.Library()


@register.inclusion_tag("admin/registry/angka_beranda.html", takes_context=True)
def angka_beranda(context):
    """The home page's key figures for the user's scope."""
    return views.key_figures(context["request"])


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


register.filter("ribuan", views.ribuan)
register.filter("perubahan", views.perubahan)
register.filter("nomor_induk", identity.grouped)
