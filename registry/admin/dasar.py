"""The admin site, and what every model admin of the registry shares:
scope on lists, forms and choices; the unit filter; history as sentences;
404 for out of scope."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from registry.cakupan import scope_paths, sees_full_nik
from registry.filters import unit_label
from registry.kunci import lock_units_of
from registry.models import Instansi
from registry.riwayat import sentence
from registry.views.dasar import CountedPaginator

admin.site.site_header = "Registri Akun Media Sosial ASN"
admin.site.site_title = "Registri Akun Medsos ASN"
admin.site.index_title = "Beranda"
admin.site.empty_value_display = "—"
# The admin is the whole site; there is no public site to link to.
admin.site.site_url = None
# Change lists need the width on a 1366-pixel office screen more than a
# second copy of the index.
admin.site.enable_nav_sidebar = False
# Key figures and the way to Evaluasi, Rekap and the queue (templatetags/registri.py).
admin.site.index_template = "admin/registry/beranda.html"


def scoped(model, request):
    """The rows of ``model`` that ``request.user`` may pick in a form."""
    manager = model._default_manager
    return manager.for_user(request.user) if hasattr(manager, "for_user") else manager.all()


class ScopedFormfields:
    """Limit every foreign-key and many-to-many choice to the user's scope.

    Shared by model admins and inlines, so that a crafted POST naming an
    out-of-scope id fails as an invalid choice.
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", scoped(db_field.related_model, request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", scoped(db_field.related_model, request))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedAdmin(ScopedFormfields, admin.ModelAdmin):
    list_per_page = 50
    # A changelist of a million rows counts at most COUNT_CAP + 1 of them
    # ("lebih dari 10.000"), and never counts the unfiltered table again.
    paginator = CountedPaginator
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

    def units_changed(self, pks):
        """The units whose data writing or deleting these rows changes; a
        POST locks them before anything it decides on is read (registry.kunci, point 4)."""
        return set()

    def _lock_for_post(self, request, pks):
        pks = [int(pk) for pk in pks if str(pk).isdigit()]
        if request.method == "POST" and pks:
            lock_units_of(lambda: self.units_changed(pks))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        self._lock_for_post(request, [unquote(object_id)] if object_id else [])
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_deleted_objects(self, objs, request):
        self._lock_for_post(request, [obj.pk for obj in objs])
        return super().get_deleted_objects(objs, request)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the index for a missing object; out of scope
        # must look exactly like absent, and be a 404 (DESIGN §4).
        raise Http404("Data tidak ditemukan.")


class RiwayatAdmin(SimpleHistoryAdmin):
    """Each object's *Riwayat*: who changed what, when, through what, read
    as sentences, scoped like the object and never editable."""

    object_history_list_template = "admin/registry/riwayat_daftar.html"

    def history_view(self, request, object_id, extra_context=None):
        # simple_history falls back to the history of an object the queryset
        # does not hold (a deleted one): only those who see everything may.
        if self.get_object(request, unquote(object_id)) is None and scope_paths(request.user) is not None:
            raise Http404("Data tidak ditemukan.")
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A past version as a form, which saves (reverts) on POST whatever
        # SIMPLE_HISTORY_REVERT_DISABLED says: history is not a way to edit.
        raise Http404("Riwayat hanya dapat dibaca.")

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        full_nik = sees_full_nik(request.user)
        for record in historical_records:
            record.perubahan = [
                sentence(change, full_nik) for change in getattr(record, "history_delta_changes", [])
            ]


class InstansiFilter(admin.SimpleListFilter):
    """A unit and everything below it, chosen by walking down the tree.

    It offers the chosen unit's ancestors within the scope, the unit, and its
    children (at first: the top of the scope and the level below it), never
    every unit: a province holds thousands.
    """

    title = "instansi"
    parameter_name = "instansi"
    path_field = "instansi__jalur"

    @classmethod
    def unit_named(cls, request, value):
        """The unit ``value`` names, if the user may see it; else None."""
        value = value or ""
        return Instansi.objects.for_user(request.user).filter(pk=value).first() if value.isdigit() else None

    def chosen(self, request):
        if not hasattr(self, "_chosen"):
            self._chosen = self.unit_named(request, self.value())
        return self._chosen

    def lookups(self, request, model_admin):
        units = Instansi.objects.for_user(request.user).filter(aktif=True).only("nama", "jalur", "induk")
        unit = self.chosen(request)
        if unit is None:
            tops = units.exclude(induk__in=units.values("pk"))
            shown = units.filter(Q(pk__in=tops.values("pk")) | Q(induk__in=tops.values("pk")))
        else:
            shown = units.filter(Q(pk__in=unit.ancestor_ids) | Q(induk=unit))
        return [(str(u.pk), unit_label(u.nama, u.jalur)) for u in shown.order_by("jalur")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        unit = self.chosen(request)
        if unit is None:
            return queryset.none()
        return queryset.filter(**{f"{self.path_field}__startswith": unit.jalur})


def short_name(instansi):
    """What fits a list column: "Disdik" rather than "Dinas Pendidikan (Disdik)"."""
    return instansi.singkatan or instansi.nama


def profile_link(akun):
    return format_html(
        '<a href="{}" target="_blank" rel="noopener noreferrer">@{}</a>', akun.url, akun.username
    )


def bukti_link(verifikasi):
    if not verifikasi.bukti:
        return "—"
    url = reverse("admin:registry_verifikasi_bukti", args=[verifikasi.pk])
    return format_html('<a href="{}" target="_blank" rel="noopener">lihat</a>', url)


def user_name(user):
    """Who a user is, as a clerk reads it, and not as a link: users are the
    Admin BKD's page, and a link an operator cannot follow is a 403."""
    return (user.get_full_name() or user.get_username()) if user else "—"
