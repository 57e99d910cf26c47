from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.auth.models import Group, User
from django.templatetags.static import static
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from import_export.admin import ExportActionMixin, ImportMixin
from import_export.forms import SelectableFieldsExportForm
from import_export.formats.base_formats import CSV, XLSX
from simple_history.admin import SimpleHistoryAdmin

from registry import handles, identity, resources, sheets, subjek, views
from registry.filters import UnitChoiceField, unit_label
from registry.models import (
    ADMIN_BKD,
    OPERATOR_OPD,
    ROLES,
    AkunMedsos,
    HasilVerifikasi,
    Impor,
    Instansi,
    Kepatuhan,
    Pegawai,
    Pengaturan,
    Platform,
    StatusImpor,
    Verifikasi,
    ProfilPengguna,
    apply_verification,
    record_bulk_result,
    role_of,
    scope_paths,
    sees_full_nik,
    subquery_count,
)

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
    paginator = views.CountedPaginator
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)

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


def sentence(change, full_nik=True):
    """ "NIP diubah dari … menjadi …", as a clerk reads a change."""
    old, new = change["old"], change["new"]
    if change["field"] == "NIK" and not full_nik:
        old, new = identity.masked(old), identity.masked(new)
    return f"{change['field']} diubah dari {old or '(kosong)'} menjadi {new or '(kosong)'}"


def short_name(instansi):
    """What fits a list column: "Disdik" rather than "Dinas Pendidikan (Disdik)"."""
    return instansi.singkatan or instansi.nama


# Import and export ------------------------------------------------------


class ImporForm(forms.Form):
    berkas = forms.FileField(label="Berkas", help_text="Excel (.xlsx) atau CSV.")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)


class ImporPegawaiForm(ImporForm):
    instansi = UnitChoiceField(
        queryset=Instansi.objects.none(),
        required=False,
        label="Instansi",
        help_text="Dipakai untuk baris yang kolom UNIT KERJA-nya kosong.",
    )
    sinkron = forms.BooleanField(
        required=False,
        label="Cari pegawai instansi ini (dan sub-unitnya) yang tidak ada di berkas",
        help_text="Pratinjau akan menampilkan mereka; Anda dapat menonaktifkannya saat konfirmasi.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["instansi"].queryset = Instansi.objects.for_user(user).filter(aktif=True)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("sinkron") and not cleaned.get("instansi"):
            self.add_error("instansi", "Pilih instansi yang daftar pegawainya ingin disinkronkan.")
        return cleaned


class EksporForm(SelectableFieldsExportForm):
    """The export form as a clerk reads it: each column by the heading it
    gets in the file ("NIP", not "Nip (NIP)"), and Excel chosen already."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        field = self.fields["format"]
        field.choices = [(value, label) for value, label in field.choices if value != ""]
        field.initial = field.choices[0][0]

    def _get_field_label(self, resource, field_name):
        field = resource.fields.get(field_name)
        return field.column_name if field else super()._get_field_label(resource, field_name)


class Ekspor(ExportActionMixin):
    """django-import-export's export: the button, the form with its choice of
    columns, "export selected" and the permission code; the file itself is
    streamed from the database (``Resource.export_rows``)."""

    formats = [XLSX, CSV]
    export_form_class = EksporForm

    def get_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    def get_valid_export_item_pks(self, request):
        # The library would load every id of the table to validate the
        # selection; only the posted ids inside the user's scope are valid.
        posted = [pk for pk in request.POST.getlist("export_items") if pk.isdigit()]
        return self.get_queryset(request).filter(pk__in=posted).values_list("pk", flat=True)

    # Django's default reads the whole result into memory; this streams
    # rows from the database into a temporary file.
    def _do_file_export(self, file_format, request, queryset, export_form=None):
        if not self.has_export_permission(request):
            raise PermissionDenied
        resource = self.choose_export_resource_class(export_form, request)(
            **self.get_export_resource_kwargs(request)
        )
        headers, rows = resource.export_rows(queryset, self.get_export_resource_fields_from_form(export_form))
        writer_class = sheets.CsvWriter if isinstance(file_format, CSV) else sheets.XlsxWriter
        writer = writer_class(headers, text_columns=resource.text_columns)
        for row in rows:
            writer.append(row)
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        return FileResponse(
            writer.close(),
            as_attachment=True,
            filename=f"{self.opts.model_name}-{stamp}.{file_format.get_extension()}",
            content_type=file_format.get_content_type(),
        )


class ImporEkspor(ImportMixin, Ekspor):
    """Import through ``resources`` plans: preview, then confirm; rejected
    rows named and downloadable; optionally only the valid rows."""

    import_template_name = "admin/registry/impor.html"
    # Both buttons; the mixins alone would show only Import.
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
    import_form = ImporForm
    # What a confirm wrote is logged as an Impor record, not row by row.
    skip_admin_log = True

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("import/templat/", wrap(self.import_template), name="%s_%s_import_template" % info),
            path("import/<int:pk>/ditolak/", wrap(self.import_rejected), name="%s_%s_import_rejected" % info),
            *super().get_urls(),
        ]

    def _resource(self, request):
        return self.get_import_resource_classes(request)[0](user=request.user)

    def _import_form(self, request):
        return self.import_form(request.POST or None, request.FILES or None, user=request.user)

    def _render_import(self, request, form, plan=None, record=None, error=None):
        resource = self._resource(request)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Impor {self.opts.verbose_name_plural}",
            "opts": self.opts,
            "form": form,
            "plan": plan,
            "record": record,
            "error": error,
            "columns": [name for name, _ in resource.template_columns],
            "max_mb": sheets.max_upload_bytes() // (1024 * 1024),
        }
        if plan is not None:
            context.update(
                counts=plan.counts,
                rejected=[
                    (row.number, column, message)
                    for row in plan.rejected[:300]
                    for column, message in row.reasons
                ],
                more_rejected=max(len(plan.rejected) - 300, 0),
                changed=[row for row in plan.rows if row.action == resources.BERUBAH][:100],
                new=[row for row in plan.rows if row.action == resources.BARU][:200],
                notes=[(row.number, row.values["catatan"]) for row in plan.rows if row.values.get("catatan")][:200],
                footer=plan.options.get("kaki"),
                new_accounts=plan.new_accounts,
                missing=plan.missing[:200],
            )
        return TemplateResponse(request, self.import_template_name, context)

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self._import_form(request)
        if request.method != "POST" or not form.is_valid():
            return self._render_import(request, form)
        resources.discard_stale_imports()
        upload = form.cleaned_data["berkas"]
        options = {}
        if form.cleaned_data.get("instansi"):
            options = {"instansi": form.cleaned_data["instansi"].pk, "sinkron": form.cleaned_data["sinkron"]}
        try:
            sheets.check_size(upload.size)
            plan = self._resource(request).plan(upload.read(), upload.name, options)
        except sheets.FileRejected as e:
            form.add_error("berkas", str(e))
            return self._render_import(request, form)
        record = Impor.objects.create(
            pengguna=request.user,
            jenis=plan.kind,
            nama_berkas=upload.name[:255],
            rencana=plan.dump(),
            **resources.record_counts(plan),
        )
        return self._render_import(request, form, plan, record)

    def process_import(self, request, **kwargs):
        if request.method != "POST" or not self.has_import_permission(request):
            raise PermissionDenied
        resource = self._resource(request)
        record = resources.open_preview(request.user, request.POST.get("impor", ""), resource.kind)
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
        if "batal" in request.POST:
            resources.close_import(record, StatusImpor.DIBATALKAN)
            messages.info(request, f"Impor {record.nama_berkas} dibatalkan; tidak ada data yang disimpan.")
            return HttpResponseRedirect(url)
        plan = resources.Plan.load(record.rencana)
        resource.check(plan)
        if plan.count(resources.DITOLAK) and not request.POST.get("hanya_valid"):
            error = (
                f"{plan.count(resources.DITOLAK)} baris ditolak. Perbaiki berkasnya lalu unggah ulang, "
                f"atau centang \"Impor hanya baris yang valid\"."
            )
            # An unbound form: this POST is a confirm, not an upload missing its file.
            return self._render_import(request, self.import_form(user=request.user), plan, record, error)
        if not request.POST.get("nonaktifkan"):
            plan.missing = []
        try:
            resource.melalui = f"impor #{record.pk}"
            counts = resource.apply(plan)
        except resources.ImportCancelled as e:
            resources.close_import(record, StatusImpor.DIBATALKAN)
            messages.error(request, str(e))
            return HttpResponseRedirect(url)
        resources.close_import(record, StatusImpor.SELESAI, plan)
        if plan.new_accounts is None:
            written = f"{counts['baru']} baru, {counts['berubah']} berubah"
        else:
            written = f"{plan.new_accounts} akun baru dari {counts['baru'] + counts['berubah']} baris"
        messages.success(
            request,
            f"Impor {record.nama_berkas} selesai: {written}, {counts['tetap']} tidak berubah, "
            f"{counts['ditolak']} ditolak dan tidak disimpan"
            + (f", {len(plan.missing)} pegawai dinonaktifkan." if plan.missing else "."),
        )
        return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))

    def import_template(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        response = HttpResponse(self._resource(request).template(), content_type=XLSX.CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="templat-{self.opts.model_name}.xlsx"'
        return response

    def import_rejected(self, request, pk):
        if not self.has_import_permission(request):
            raise PermissionDenied
        resource = self._resource(request)
        record = resources.open_preview(request.user, pk, resource.kind)
        plan = resources.Plan.load(record.rencana)
        resource.check(plan)
        name = record.nama_berkas.rsplit(".", 1)[0]
        return FileResponse(plan.rejected_workbook(), as_attachment=True, filename=f"{name}-ditolak.xlsx")

def _search_username(term):
    """A pasted profile URL searches by its handle; anything else as typed."""
    try:
        return handles.parse(term).username
    except ValidationError:
        return term.removeprefix("@").lower()


# Instansi ----------------------------------------------------------------


class AkunResmiInline(ScopedFormfields, admin.TabularInline):
    model = AkunMedsos
    fk_name = "instansi"
    fields = ["platform", "username", "wajib_diikuti", "hasil_terakhir", "diverifikasi_pada"]
    readonly_fields = ["hasil_terakhir", "diverifikasi_pada"]
    extra = 0
    verbose_name = "akun resmi"
    verbose_name_plural = "akun resmi"

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = AkunMedsosForm
        formset = super().get_formset(request, obj, **kwargs)
        AkunMedsosForm.for_user(formset.form, request.user)
        return formset


@admin.register(Instansi)
class InstansiAdmin(ImporEkspor, RiwayatAdmin, ScopedAdmin):
    resource_classes = [resources.InstansiResource]
    list_display = [
        "nama_bertingkat",
        "kode",
        "singkatan",
        "induk_singkat",
        "aktif",
        "pegawai_aktif",
        "pegawai_aktif_subunit",
    ]
    list_filter = ["aktif"]
    list_select_related = ["induk"]
    search_fields = ["kode", "nama", "singkatan"]
    search_help_text = "Cari kode, nama atau singkatan instansi."
    autocomplete_fields = ["induk"]
    filter_horizontal = ["operator"]
    inlines = [AkunResmiInline]
    list_per_page = 100

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _pegawai_aktif=subquery_count(
                    Pegawai.objects.filter(instansi=OuterRef("pk"), aktif=True)
                ),
                _pegawai_aktif_subunit=subquery_count(
                    Pegawai.objects.filter(instansi__jalur__startswith=OuterRef("jalur"), aktif=True)
                ),
            )
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "operator":
            kwargs["queryset"] = User.objects.filter(groups__name=OPERATOR_OPD).order_by("username")
            kwargs["help_text"] = (
                "Hanya pengguna berperan Operator OPD. Peran dan instansi operator juga dapat diatur "
                "sekaligus di halaman Pengguna."
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fields = ["kode", "nama", "singkatan", "induk", "aktif"]
        # Who operates which unit is user management: the Admin BKD's job.
        if request.user.is_superuser:
            fields.append("operator")
        return [
            (None, {"fields": fields}),
            ("Penandatangan daftar cetak", {"fields": ["kepala_jabatan", "kepala_nama", "kepala_nip"]}),
        ]

    @admin.display(description="nama", ordering="jalur")
    def nama_bertingkat(self, obj):
        return format_html(
            '<span style="display:inline-block;margin-left:{}em">{}</span>',
            obj.kedalaman * 1.25,
            obj.nama,
        )

    @admin.display(description="induk", ordering="induk__nama")
    def induk_singkat(self, obj):
        return short_name(obj.induk) if obj.induk_id else None

    @admin.display(description="pegawai aktif", ordering="_pegawai_aktif")
    def pegawai_aktif(self, obj):
        return obj._pegawai_aktif

    @admin.display(description="termasuk sub-unit", ordering="_pegawai_aktif_subunit")
    def pegawai_aktif_subunit(self, obj):
        return obj._pegawai_aktif_subunit


# Pegawai -----------------------------------------------------------------


class InstansiFilter(admin.SimpleListFilter):
    """A unit and everything below it, chosen by walking down the tree.

    It offers the chosen unit's ancestors within the scope, the unit, and its
    children (at first: the top of the scope and the level below it), never
    every unit: a province holds thousands.
    """

    title = "instansi"
    parameter_name = "instansi"

    def chosen(self, request):
        if not hasattr(self, "_chosen"):
            value = self.value() or ""
            self._chosen = (
                Instansi.objects.for_user(request.user).filter(pk=value).first() if value.isdigit() else None
            )
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
        return queryset.filter(instansi__jalur__startswith=unit.jalur)


class AktifFilter(admin.SimpleListFilter):
    """Active staff unless asked otherwise: people who left are kept, not listed."""

    title = "keaktifan"
    parameter_name = "keaktifan"

    def lookups(self, request, model_admin):
        return [("nonaktif", "Nonaktif saja"), ("semua", "Aktif dan nonaktif")]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "Aktif saja",
        }
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        if self.value() == "semua":
            return queryset
        return queryset.filter(aktif=self.value() != "nonaktif")


class KepatuhanFilter(admin.SimpleListFilter):
    title = "kepatuhan"
    parameter_name = "kepatuhan"

    def lookups(self, request, model_admin):
        return Kepatuhan.choices

    def queryset(self, request, queryset):
        if self.value() in Kepatuhan.values:
            return queryset.filter(kepatuhan=self.value())
        return queryset


class AkunPlatformFilter(admin.SimpleListFilter):
    title = "akun per platform"
    parameter_name = "akun"

    def lookups(self, request, model_admin):
        return [
            (f"{which}:{value}", f"{'Punya' if which == 'punya' else 'Tanpa'} akun {label}")
            for which in ("punya", "tanpa")
            for value, label in Platform.choices
        ]

    def queryset(self, request, queryset):
        which, _, platform = (self.value() or "").partition(":")
        if which not in ("punya", "tanpa") or platform not in Platform.values:
            return queryset
        has = Exists(AkunMedsos.objects.filter(pegawai=OuterRef("pk"), platform=platform))
        return queryset.filter(has if which == "punya" else ~has)


class PegawaiForm(forms.ModelForm):
    # Wider than the stored digits: the model strips the spaces, dots and
    # "NIP" label a clerk pastes from an SK.
    nip = forms.CharField(label="NIP", max_length=40, required=False)
    nik = forms.CharField(label="NIK", max_length=40, required=False)

    class Meta:
        model = Pegawai
        fields = "__all__"


class AkunMedsosForm(forms.ModelForm):
    # A pasted profile URL names its platform and is longer than a handle.
    platform = forms.ChoiceField(
        label="platform", choices=[("", "— dari alamat profil —"), *Platform.choices], required=False
    )
    username = forms.CharField(
        label="nama akun",
        max_length=500,
        help_text="Tempel alamat profil, @nama, atau nama akun.",
        widget=forms.TextInput(attrs={"size": 60}),
    )
    # Who fills the form, set per request (``for_user``): a taken handle
    # names its owner only to a clerk who may see that owner.
    user = None

    class Meta:
        model = AkunMedsos
        fields = "__all__"

    @staticmethod
    def for_user(form_class, user):
        form_class.user = user
        return form_class

    def clean(self):
        # Resolve the platform here: Django leaves an optional field that is
        # empty out of model validation, which would skip the
        # (platform, username) uniqueness check.
        cleaned = super().clean()
        if cleaned.get("username"):
            try:
                handle = handles.parse(cleaned["username"], cleaned.get("platform") or None)
            except ValidationError as e:
                self.add_error("username", e)
            else:
                cleaned["platform"], cleaned["username"] = handle.platform, handle.username
                self._check_taken(handle)
        return cleaned

    def _check_taken(self, handle):
        taken = (
            AkunMedsos.objects.filter(platform=handle.platform, username=handle.username)
            .exclude(pk=self.instance.pk)
            .select_related("pegawai", "instansi")
            .first()
        )
        if taken is None:
            return
        # The field's error replaces the constraint's generic message.
        if self.user is not None and AkunMedsos.objects.for_user(self.user).filter(pk=taken.pk).exists():
            owner = taken.pegawai or taken.instansi
            self.add_error(
                "username", f"Akun ini sudah terdaftar atas nama {owner}; ubah akun itu bila pemiliknya keliru."
            )
        else:
            self.add_error(
                "username", "Akun ini sudah terdaftar atas nama pegawai di instansi lain; hubungi BKD bila ini keliru."
            )


class AkunPegawaiInline(ScopedFormfields, admin.TabularInline):
    model = AkunMedsos
    fk_name = "pegawai"
    form = AkunMedsosForm
    fields = ["platform", "username", "tautan", "hasil_terakhir", "diverifikasi_pada"]
    readonly_fields = ["tautan", "hasil_terakhir", "diverifikasi_pada"]
    extra = 1
    verbose_name = "akun media sosial"
    verbose_name_plural = "akun media sosial"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        AkunMedsosForm.for_user(formset.form, request.user)
        return formset

    @admin.display(description="profil")
    def tautan(self, obj):
        return profile_link(obj) if obj.pk else "—"


def profile_link(akun):
    return format_html(
        '<a href="{}" target="_blank" rel="noopener noreferrer">@{}</a>', akun.url, akun.username
    )


@admin.register(Pegawai)
class PegawaiAdmin(ImporEkspor, RiwayatAdmin, ScopedAdmin):
    resource_classes = [resources.PegawaiResource]
    import_form = ImporPegawaiForm
    form = PegawaiForm
    # import_export's change form, plus the data subject's downloads.
    change_form_template = "admin/registry/pegawai/change_form.html"
    list_display = [
        "nama",
        "nip",
        "jabatan",
        "unit",
        "status_kepegawaian",
        "jumlah_akun",
        "kepatuhan_tampil",
    ]
    list_filter = [
        InstansiFilter,
        "status_kepegawaian",
        AktifFilter,
        KepatuhanFilter,
        AkunPlatformFilter,
    ]
    list_select_related = ["instansi"]
    search_fields = ["nama", "nip", "nik", "akun__username"]
    search_help_text = "Cari NIP, NIK, nama, nama akun atau alamat profil."
    autocomplete_fields = ["instansi"]
    readonly_fields = ["jenis_kelamin_tampil", "nik_tersamar", "dibuat_pada", "diubah_pada"]
    fieldsets = [
        (None, {"fields": ["nama", "nip", "nik", "jenis_kelamin_tampil"]}),
        ("Kepegawaian", {"fields": ["instansi", "jabatan", "status_kepegawaian", "aktif"]}),
        ("Riwayat", {"fields": ["dibuat_pada", "diubah_pada"], "classes": ["collapse"]}),
    ]
    inlines = [AkunPegawaiInline]

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("evaluasi/<slug:jenis>/", wrap(views.evaluasi), name="registry_evaluasi"),
            path("evaluasi/<slug:jenis>/cetak/", wrap(views.evaluasi_cetak), name="registry_evaluasi_cetak"),
            path("evaluasi/<slug:jenis>/unduh/", wrap(views.evaluasi_unduh), name="registry_evaluasi_unduh"),
            path("rekap/", wrap(views.rekap), name="registry_rekap"),
            path("rekap/cetak/", wrap(views.rekap_cetak), name="registry_rekap_cetak"),
            path("rekap/unduh/", wrap(views.rekap_unduh), name="registry_rekap_unduh"),
            path("<int:pk>/data-pribadi/", wrap(subjek.halaman), name="registry_pegawai_data_pribadi"),
            path("<int:pk>/data-pribadi/unduh/", wrap(subjek.unduh), name="registry_pegawai_data_pribadi_unduh"),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_jumlah_akun=subquery_count(AkunMedsos.objects.filter(pegawai=OuterRef("pk"))))
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if sees_full_nik(request.user):
            return fieldsets
        # Those who only look (a Verifikator) see the NIK masked.
        return [(name, {**options, "fields": ["nik_tersamar" if f == "nik" else f for f in options["fields"]]})
                for name, options in fieldsets]

    def get_search_results(self, request, queryset, search_term):
        # One EXISTS instead of Django's join on accounts, which would need
        # DISTINCT over the annotated rows.
        term = search_term.strip()
        if not term:
            return queryset, False
        try:
            number = identity.normalise(term, "NIP")
        except ValidationError:
            number = ""
        if number.isdigit() and len(number) >= 6:
            return queryset.filter(Q(nip__startswith=number) | Q(nik__startswith=number)), False
        # One IN over a UNION ALL, not an OR: each side is read from its
        # index on PostgreSQL (names as words, migration 0016; account names'
        # trigrams, 0013) instead of testing every employee (1M: 1.0 s).
        by_name = Pegawai.objects.named(term).order_by().values("pk")
        by_account = AkunMedsos.objects.filter(
            pegawai__isnull=False, username__contains=_search_username(term)
        ).order_by().values("pegawai")
        return queryset.filter(pk__in=by_name.union(by_account, all=True)), False

    @admin.display(description="instansi", ordering="instansi__nama")
    def unit(self, obj):
        return short_name(obj.instansi)

    @admin.display(description="NIK")
    def nik_tersamar(self, obj):
        return identity.masked(obj.nik) or "—"

    @admin.display(description="jenis kelamin")
    def jenis_kelamin_tampil(self, obj):
        return {"L": "Laki-laki", "P": "Perempuan"}.get(obj.jenis_kelamin, "—")

    @admin.display(description="akun", ordering="_jumlah_akun")
    def jumlah_akun(self, obj):
        return obj._jumlah_akun

    @admin.display(description="kepatuhan", ordering="kepatuhan")
    def kepatuhan_tampil(self, obj):
        if obj.kepatuhan is None:
            return "nonaktif"
        return obj.get_kepatuhan_display()


# Akun media sosial -------------------------------------------------------


class HasilFilter(admin.SimpleListFilter):
    title = "hasil verifikasi terakhir"
    parameter_name = "hasil"

    def lookups(self, request, model_admin):
        return [("belum", "Belum diverifikasi"), *HasilVerifikasi.choices]

    def queryset(self, request, queryset):
        if self.value() == "belum":
            return queryset.filter(hasil_terakhir__isnull=True)
        if self.value() in HasilVerifikasi.values:
            return queryset.filter(hasil_terakhir=self.value())
        return queryset


class PemilikFilter(admin.SimpleListFilter):
    title = "jenis pemilik"
    parameter_name = "pemilik"

    def lookups(self, request, model_admin):
        return [("pegawai", "Akun pegawai"), ("resmi", "Akun resmi instansi")]

    def queryset(self, request, queryset):
        if self.value() == "pegawai":
            return queryset.filter(pegawai__isnull=False)
        if self.value() == "resmi":
            return queryset.filter(instansi__isnull=False)
        return queryset


class RiwayatVerifikasiInline(admin.TabularInline):
    model = Verifikasi
    fields = ["waktu", "hasil", "sumber", "pemeriksa", "diikuti", "catatan", "bukti_tampil"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "riwayat verifikasi"
    ordering = ["-waktu", "-pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("pemeriksa").prefetch_related("mengikuti")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="terlihat mengikuti")
    def diikuti(self, obj):
        return ", ".join(str(a) for a in obj.mengikuti.all()) or "—"

    @admin.display(description="bukti")
    def bukti_tampil(self, obj):
        return bukti_link(obj)


def bukti_link(verifikasi):
    if not verifikasi.bukti:
        return "—"
    url = reverse("admin:registry_verifikasi_bukti", args=[verifikasi.pk])
    return format_html('<a href="{}" target="_blank" rel="noopener">lihat</a>', url)


@admin.register(AkunMedsos)
class AkunMedsosAdmin(ImporEkspor, RiwayatAdmin, ScopedAdmin):
    resource_classes = [resources.AkunMedsosResource]
    form = AkunMedsosForm
    list_display = [
        "profil",
        "platform",
        "pemilik_tampil",
        "wajib_tampil",
        "hasil_terakhir",
        "diverifikasi_pada",
    ]
    list_filter = ["platform", HasilFilter, PemilikFilter, "wajib_diikuti"]
    ordering = ["username", "platform"]
    list_select_related = ["pegawai", "instansi"]
    search_fields = ["username", "pegawai__nama", "pegawai__nip", "instansi__nama"]
    search_help_text = "Cari nama akun, nama atau NIP pemilik, atau nama instansi."
    autocomplete_fields = ["pegawai", "instansi"]
    fields = [
        "platform",
        "username",
        "pegawai",
        "instansi",
        "wajib_diikuti",
        "hasil_terakhir",
        "diverifikasi_pada",
        "diikuti",
    ]
    readonly_fields = ["hasil_terakhir", "diverifikasi_pada", "diikuti"]
    inlines = [RiwayatVerifikasiInline]
    actions = ["catat_hasil"]

    def get_fields(self, request, obj=None):
        # Official accounts are the Admin BKD's: an operator's form is about staff.
        if request.user.has_perm("registry.change_instansi"):
            return self.fields
        return [f for f in self.fields if f not in ("instansi", "wajib_diikuti")]

    def get_form(self, request, obj=None, **kwargs):
        return AkunMedsosForm.for_user(super().get_form(request, obj, **kwargs), request.user)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("antrean/", wrap(views.antrean), name="registry_akunmedsos_antrean"),
            path("resmi/", wrap(views.akun_resmi), name="registry_akunmedsos_resmi"),
            path("<int:pk>/pengikut/", wrap(views.pengikut), name="registry_akunmedsos_pengikut"),
            path("<int:pk>/statistik/", wrap(views.statistik), name="registry_akunmedsos_statistik"),
            *super().get_urls(),
        ]

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, _search_username(search_term.strip()))

    @admin.display(description="nama akun", ordering="username")
    def profil(self, obj):
        return profile_link(obj)

    @admin.display(description="pemilik")
    def pemilik_tampil(self, obj):
        if obj.instansi_id:
            return format_html("{} <small>(akun resmi)</small>", obj.instansi)
        return obj.pegawai

    # Blank on an employee's account: "wajib diikuti" concerns official accounts only.
    @admin.display(description="wajib diikuti", ordering="wajib_diikuti")
    def wajib_tampil(self, obj):
        if not obj.instansi_id:
            return ""
        icon = "yes" if obj.wajib_diikuti else "no"
        return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), obj.wajib_diikuti)

    @admin.display(description="mengikuti akun resmi")
    def diikuti(self, obj):
        return ", ".join(str(a) for a in obj.mengikuti.all()) or "—"

    def has_verify_permission(self, request):
        return request.user.has_perm("registry.add_verifikasi")

    @admin.action(description="Catat hasil verifikasi untuk akun terpilih", permissions=["verify"])
    def catat_hasil(self, request, queryset):
        form = CatatHasilForm(request.POST if "konfirmasi" in request.POST else None)
        if form.is_valid():
            count = record_bulk_result(
                queryset, request.user, form.cleaned_data["hasil"], form.cleaned_data["catatan"]
            )
            label = HasilVerifikasi(form.cleaned_data["hasil"]).label
            self.message_user(request, f"Hasil \"{label}\" tercatat untuk {count} akun.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Catat hasil verifikasi",
            "opts": self.opts,
            "form": form,
            "count": queryset.count(),
            "sample": queryset.select_related("pegawai", "instansi")[:100],
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/registry/catat_hasil.html", context)


class CatatHasilForm(forms.Form):
    # Nothing chosen beforehand: a result for many accounts is a deliberate choice.
    hasil = forms.ChoiceField(
        label="Hasil",
        choices=[("", "— pilih hasil —"), *HasilVerifikasi.choices],
        error_messages={"required": "Pilih hasil verifikasi untuk akun-akun ini."},
    )
    catatan = forms.CharField(label="Catatan", required=False, max_length=500)


# Verifikasi --------------------------------------------------------------


class VerifikasiForm(forms.ModelForm):
    class Meta:
        model = Verifikasi
        fields = ["akun", "hasil", "mengikuti", "catatan", "bukti", "jumlah_pengikut"]


@admin.register(Verifikasi)
class VerifikasiAdmin(Ekspor, RiwayatAdmin, ScopedAdmin):
    resource_classes = [resources.VerifikasiResource]
    form = VerifikasiForm
    list_display = ["waktu", "akun", "pemilik", "hasil", "sumber", "pemeriksa", "bukti_tampil"]
    list_filter = ["hasil", "sumber", ("waktu", admin.DateFieldListFilter)]
    list_select_related = ["akun__pegawai", "akun__instansi", "pemeriksa"]
    search_fields = ["akun__username", "akun__pegawai__nama", "akun__pegawai__nip"]
    search_help_text = "Cari nama akun, nama atau NIP pemilik."
    autocomplete_fields = ["akun"]
    filter_horizontal = ["mengikuti"]
    # No date_hierarchy: its drill-down reads the date of every check in
    # scope on every page (300,000 at the 1M bench: 90 ms, growing with the
    # history); the waktu filter offers the usual periods from the index.

    def get_urls(self):
        return [
            path(
                "<int:pk>/bukti/",
                self.admin_site.admin_view(views.bukti_verifikasi),
                name="registry_verifikasi_bukti",
            ),
            *super().get_urls(),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["akun", "waktu", "pemeriksa", "sumber", "bukti_tampil"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return VerifikasiForm._meta.fields
        return [
            "akun",
            "waktu",
            "pemeriksa",
            "sumber",
            "hasil",
            "mengikuti",
            "catatan",
            "bukti_tampil",
            "jumlah_pengikut",
        ]

    # The history is append-only: a recorded check is evidence.
    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        if not change:
            obj.pemeriksa = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            form.instance.akun.refresh_status()
        else:
            # Unticked required accounts were looked for and not found.
            apply_verification(form.instance, checked=form.instance.akun.required_official())

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        obj.akun.refresh_status()

    def delete_queryset(self, request, queryset):
        accounts = list(AkunMedsos.objects.filter(verifikasi__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        for akun in accounts:
            akun.refresh_status()

    @admin.display(description="pemilik")
    def pemilik(self, obj):
        return obj.akun.pemilik

    @admin.display(description="bukti")
    def bukti_tampil(self, obj):
        return bukti_link(obj)


@admin.register(Impor)
class ImporAdmin(ScopedAdmin):
    list_display = ["waktu", "jenis", "nama_berkas", "pengguna", "status_tampil", "baru", "berubah", "tetap",
                    "ditolak", "dinonaktifkan", "baris_tertulis"]
    list_filter = ["jenis", "status"]
    list_select_related = ["pengguna"]
    date_hierarchy = "waktu"

    # Abandoned previews are closed by the nightly bersihkan_impor; until
    # then the list already calls them what they are.
    @admin.display(description="status", ordering="status")
    def status_tampil(self, obj):
        if obj.status == StatusImpor.PRATINJAU and obj.waktu < resources.stale_before():
            return StatusImpor.KEDALUWARSA.label
        return obj.get_status_display()

    @admin.display(description="baris yang ditulis")
    def baris_tertulis(self, obj):
        if obj.status != StatusImpor.SELESAI or obj.jenis not in views.IMPORTED_MODELS:
            return "—"
        return format_html('<a href="{}">Lihat riwayatnya</a>', reverse("admin:registry_impor_riwayat", args=[obj.pk]))

    def get_urls(self):
        return [
            path("<int:pk>/riwayat/", self.admin_site.admin_view(views.impor_riwayat), name="registry_impor_riwayat"),
            *super().get_urls(),
        ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Pengaturan)
class PengaturanAdmin(admin.ModelAdmin):
    """One row: the letterhead, place and BKD signatory of every printed list."""

    # A letterhead line is as long as the agency's full name.
    formfield_overrides = {models.CharField: {"widget": forms.TextInput(attrs={"size": 80})}}

    fieldsets = [
        ("Kop surat", {"fields": ["kop_pemda", "kop_instansi", "kop_alamat", "kop_logo"]}),
        ("Penandatangan BKD", {"fields": ["tempat", "ttd_jabatan", "ttd_nama", "ttd_nip"]}),
        ("Verifikasi", {"fields": ["kedaluwarsa_hari"]}),
    ]

    def changelist_view(self, request, extra_context=None):
        setting = Pengaturan.current()
        return HttpResponseRedirect(reverse("admin:registry_pengaturan_change", args=[setting.pk]))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Pengguna ----------------------------------------------------------------------


class PeranForm(forms.ModelForm):
    """The user form's part that sets a user up in one place: the role, an
    operator's instansi, and the NIP printed under *Dibuat oleh*."""

    peran = forms.ChoiceField(label="Peran", choices=[("", "— pilih peran —"), *ROLES.items()])
    instansi = UnitChoiceField(
        label="Instansi yang dioperasikan",
        queryset=Instansi.objects.filter(aktif=True),
        required=False,
        empty_label="— pilih instansi —",
        help_text="Untuk Operator OPD: instansi ini beserta sub-unitnya. Operator beberapa instansi: tambahkan "
        "instansi lainnya di halaman Instansi (kotak Operator).",
    )
    nip = forms.CharField(
        label="NIP",
        required=False,
        max_length=30,
        help_text="NIP petugas, dicetak pada baris Dibuat oleh di daftar yang dicetaknya.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.instance
        if user.pk:
            self.initial.setdefault("peran", role_of(user))
            operated = Instansi.objects.filter(operator=user).order_by("jalur").first()
            self.initial.setdefault("instansi", operated.pk if operated else None)
            profile = ProfilPengguna.objects.filter(pengguna=user).first()
            self.initial.setdefault("nip", profile.nip if profile else "")

    def clean_nip(self):
        nip = self.cleaned_data["nip"].strip()
        if not nip:
            return ""
        try:
            return identity.validate_nip_any(nip)
        except ValidationError as e:
            raise ValidationError(f"NIP tidak sah: {e.messages[0]}.") from None

    def clean(self):
        data = super().clean()
        if data.get("peran") == OPERATOR_OPD and not data.get("instansi"):
            self.add_error("instansi", "Pilih instansi yang dioperasikan Operator OPD ini.")
        return data

    def save_role(self):
        """The role's group, and for an operator the instansi; after the user is saved."""
        user, role = self.instance, self.cleaned_data["peran"]
        user.groups.remove(*Group.objects.filter(name__in=ROLES).exclude(name=role))
        user.groups.add(Group.objects.get(name=role))
        before = self.initial.get("instansi")
        # From the unit's side: that is the side its history records
        # (simple_history follows an m2m from its own model only).
        chosen = self.cleaned_data["instansi"] if role == OPERATOR_OPD else None
        for unit in Instansi.objects.filter(operator=user).exclude(pk=getattr(chosen, "pk", None)):
            if chosen is None or unit.pk == before:
                unit.operator.remove(user)
        if chosen is not None:
            chosen.operator.add(user)
        ProfilPengguna.objects.update_or_create(pengguna=user, defaults={"nip": self.cleaned_data["nip"]})


class PenggunaForm(PeranForm, UserChangeForm):
    pass


class PenggunaBaruForm(PeranForm, UserCreationForm):
    pass


admin.site.unregister(User)


@admin.register(User)
class PenggunaAdmin(RiwayatAdmin, UserAdmin):
    form = PenggunaForm
    add_form = PenggunaBaruForm
    list_display = ["username", "nama_lengkap", "peran", "unit_dioperasikan", "is_active", "last_login"]
    list_filter = ["is_active", "groups"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Data pribadi", {"fields": ["first_name", "last_name", "email", "nip"]}),
        ("Peran di registri", {"fields": ["peran", "instansi", "is_active"]}),
        ("Izin tambahan (lanjutan)", {"classes": ["collapse"], "fields": ["user_permissions"]}),
        ("Tanggal penting", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "password1", "password2"]}),
        ("Data pribadi", {"fields": ["first_name", "last_name", "nip"]}),
        ("Peran di registri", {"fields": ["peran", "instansi"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups", "instansi_dioperasikan")

    @admin.display(description="nama")
    def nama_lengkap(self, obj):
        return obj.get_full_name()

    @admin.display(description="peran")
    def peran(self, obj):
        if obj.is_superuser:
            return ADMIN_BKD
        return ", ".join(sorted(g.name for g in obj.groups.all())) or "—"

    @admin.display(description="instansi")
    def unit_dioperasikan(self, obj):
        return ", ".join(u.nama for u in obj.instansi_dioperasikan.all()) or "—"

    def save_model(self, request, obj, form, change):
        obj.is_staff = True
        obj.is_superuser = form.cleaned_data["peran"] == ADMIN_BKD
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.save_role()
