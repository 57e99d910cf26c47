from django import template

from registry import views
from registry.models import Kepatuhan

register = template.Library()


@register.inclusion_tag("admin/registry/angka_beranda.html", takes_context=True)
def angka_beranda(context):
    """The home page's key figures for the user's scope."""
    return views.key_figures(context["request"])


@register.filter
def kepatuhan_label(value):
    return Kepatuhan(value).label if value else "Nonaktif"
