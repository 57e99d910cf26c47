"""Import and export buttons, forms and downloads of the model admins."""

from django import forms
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from import_export.admin import ExportActionMixin, ImportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import SelectableFieldsExportForm

from registry import sheets
from registry.impor import pratinjau
from registry.impor.rencana import BARU, BERUBAH, DITOLAK, ImportCancelled, ImportRefused, Plan, RejectedFile
from registry.impor.unit import NewUnits
from registry.models import Impor, Instansi, StatusImpor


class ImporForm(forms.Form):
    berkas = forms.FileField(label="Berkas", help_text="Excel (.xlsx) atau CSV.")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)


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

    def export_action(self, request):
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:
            # The list answers an unknown or invalid filter in its address
            # with ?e=1; the export of that list does the same, and says why.
            messages.error(
                request,
                "Saringan pada alamat ekspor tidak dikenal atau tidak sah; tidak ada yang diekspor. "
                "Pilih saringan di daftar ini, lalu tekan Ekspor lagi.",
            )
            changelist = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
            return HttpResponseRedirect(f"{changelist}?{ERROR_FLAG}=1")

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
            rejected = plan.shown(DITOLAK)
            context.update(
                counts=plan.counts,
                rejected=[(row.number, column, message) for row in rejected for column, message in row.reasons],
                more_rejected=plan.count(DITOLAK) - len(rejected),
                changed=plan.shown(BERUBAH),
                new=plan.shown(BARU),
                notes=[(row.number, row.values["catatan"]) for row in plan.shown("catatan")],
                footer=plan.options.get("kaki"),
                new_accounts=plan.new_accounts,
                missing=plan.missing[:200],
                pemetaan=[(index, header, plan.mapping.get(index, "")) for index, header in enumerate(plan.headers)
                          if header or index in plan.mapping],
                pilihan_kolom=resource.kamus().choices(),
                unit_baru=NewUnits(plan.new_units).tree(dict(Instansi.objects.values_list("pk", "nama")))
                if plan.new_units else [],
            )
        return TemplateResponse(request, self.import_template_name, context)

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self._import_form(request)
        if request.method != "POST" or not form.is_valid():
            return self._render_import(request, form)
        pratinjau.discard_stale_imports()
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
            **pratinjau.record_counts(plan),
        )
        return self._render_import(request, form, plan, record)

    def process_import(self, request, **kwargs):
        if request.method != "POST" or not self.has_import_permission(request):
            raise PermissionDenied
        resource = self._resource(request)
        record = pratinjau.open_preview(request.user, request.POST.get("impor", ""), resource.kind)
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
        if "batal" in request.POST:
            pratinjau.close_import(record, StatusImpor.DIBATALKAN)
            messages.info(request, f"Impor {record.nama_berkas} dibatalkan; tidak ada data yang disimpan.")
            return HttpResponseRedirect(url)
        plan = Plan.load(record.rencana, windowed=bool(resource.window_rows))
        if "terapkan_pemetaan" in request.POST:
            return self._remap(request, resource, record, plan)

        def decide(plan):
            """What the confirm's own check found that the clerk has not agreed to."""
            if plan.new_units and not request.POST.get("buat_instansi"):
                return (
                    f"Berkas ini menyebut {len(plan.new_units)} instansi yang belum ada di registri. Centang "
                    f"\"Buat {len(plan.new_units)} instansi baru\" untuk membuatnya, atau perbaiki kolom unitnya "
                    f"lalu unggah ulang."
                )
            if plan.count(DITOLAK) and not request.POST.get("hanya_valid"):
                return (
                    f"{plan.count(DITOLAK)} baris ditolak. Perbaiki berkasnya lalu unggah ulang, "
                    f"atau centang \"Impor hanya baris yang valid\"."
                )
            if not request.POST.get("nonaktifkan"):
                plan.missing = []
            return None

        try:
            resource.melalui = f"impor #{record.pk}"
            counts = resource.apply(plan, decide)
        except ImportRefused as e:
            # An unbound form: this POST is a confirm, not an upload missing its file.
            return self._render_import(request, self.import_form(user=request.user), plan, record, str(e))
        except ImportCancelled as e:
            pratinjau.close_import(record, StatusImpor.DIBATALKAN)
            messages.error(request, str(e))
            return HttpResponseRedirect(url)
        pratinjau.close_import(record, StatusImpor.SELESAI, plan)
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

    def _remap(self, request, resource, record, plan):
        """The preview again, each column read as the clerk chose in the
        mapping table; remembered for the next file with these headers."""
        columns = {index: request.POST.get(f"kolom_{index}", "") for index in range(len(plan.headers))}
        try:
            plan = resource.remap(plan, columns)
        except sheets.FileRejected as e:
            resource.check(plan)
            return self._render_import(request, self.import_form(user=request.user), plan, record, str(e))
        record.rencana = plan.dump()
        for name, value in pratinjau.record_counts(plan).items():
            setattr(record, name, value)
        record.save()
        return self._render_import(request, self.import_form(user=request.user), plan, record)

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
        record = pratinjau.open_preview(request.user, pk, resource.kind)
        plan = Plan.load(record.rencana, windowed=bool(resource.window_rows))
        rejected = RejectedFile(plan)
        resource.check(plan, rejected.add)
        name = record.nama_berkas.rsplit(".", 1)[0]
        return FileResponse(rejected.close(), as_attachment=True, filename=f"{name}-ditolak.xlsx")
