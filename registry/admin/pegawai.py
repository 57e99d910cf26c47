"""Pegawai: staff lists, filters, search, the form with its accounts, and the import form."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import SEARCH_VAR
from django.db.models import Exists, OuterRef
from django.urls import path
from django.utils.html import format_html

from registry import identity, impor, pencarian, subjek
from registry.admin.akun import AkunMedsosForm
from registry.admin.bukti_sebar import BuktiSebarInline
from registry.admin.dasar import (
    InstansiFilter,
    RiwayatAdmin,
    ScopedAdmin,
    ScopedFormfields,
    profile_link,
    short_name,
)
from registry.admin.impor_ekspor import ImporEkspor, ImporForm
from registry.cakupan import sees_full_nik
from registry.filters import UnitChoiceField
from registry.kunci import staff_units
from registry.models import AkunMedsos, Instansi, Kepatuhan, Pegawai, Platform
from registry.sql import subquery_count
from registry.views import evaluasi, evaluasi_sebar, rekap
from registry.views.dasar import CountedPaginator, ribuan


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


@admin.register(Pegawai)
class PegawaiAdmin(ImporEkspor, RiwayatAdmin, ScopedAdmin):
    resource_classes = [impor.PegawaiResource]
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
    inlines = [AkunPegawaiInline, BuktiSebarInline]

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            # Spreading's question before the four of compliance, under the same names.
            path(f"evaluasi/{evaluasi_sebar.SLUG}/", wrap(evaluasi_sebar.evaluasi)),
            path(f"evaluasi/{evaluasi_sebar.SLUG}/cetak/", wrap(evaluasi_sebar.evaluasi_cetak)),
            path(f"evaluasi/{evaluasi_sebar.SLUG}/unduh/", wrap(evaluasi_sebar.evaluasi_unduh)),
            path("evaluasi/<slug:jenis>/", wrap(evaluasi.evaluasi), name="registry_evaluasi"),
            path("evaluasi/<slug:jenis>/cetak/", wrap(evaluasi.evaluasi_cetak), name="registry_evaluasi_cetak"),
            path("evaluasi/<slug:jenis>/unduh/", wrap(evaluasi.evaluasi_unduh), name="registry_evaluasi_unduh"),
            path("rekap/", wrap(rekap.rekap), name="registry_rekap"),
            path("rekap/cetak/", wrap(rekap.rekap_cetak), name="registry_rekap_cetak"),
            path("rekap/unduh/", wrap(rekap.rekap_unduh), name="registry_rekap_unduh"),
            path("<int:pk>/data-pribadi/", wrap(subjek.halaman), name="registry_pegawai_data_pribadi"),
            path("<int:pk>/data-pribadi/unduh/", wrap(subjek.unduh), name="registry_pegawai_data_pribadi_unduh"),
            *super().get_urls(),
        ]

    def get_inline_instances(self, request, obj=None):
        # Proofs name an employee who exists: on the new employee's form, accounts only.
        inlines = super().get_inline_instances(request, obj)
        return inlines if obj is not None else [i for i in inlines if not isinstance(i, BuktiSebarInline)]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_jumlah_akun=subquery_count(AkunMedsos.objects.filter(pegawai=OuterRef("pk"))))
        )

    def units_changed(self, pks):
        # The form deletes accounts only if no check refers to them, and a
        # proof or check recorded meanwhile must wait until it has decided.
        return staff_units(pks)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if sees_full_nik(request.user):
            return fieldsets
        # Those who only look (a Verifikator) see the NIK masked.
        return [(name, {**options, "fields": ["nik_tersamar" if f == "nik" else f for f in options["fields"]]})
                for name, options in fieldsets]

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        self._say_only_inactive_found(request, getattr(response, "context_data", {}).get("cl"))
        return response

    def _say_only_inactive_found(self, request, changelist):
        """The list shows active staff unless asked otherwise: a search that
        finds only people who left says so, instead of an empty list."""
        term = request.GET.get(SEARCH_VAR, "").strip()
        if changelist is None or not term or AktifFilter.parameter_name in request.GET or changelist.result_count:
            return
        inactive, _ = self.get_search_results(request, self.get_queryset(request).filter(aktif=False), term)
        found = CountedPaginator(inactive, 1).count
        if found:
            query = request.GET.copy()
            query[AktifFilter.parameter_name] = "semua"
            messages.info(request, format_html(
                'Tidak ada pegawai aktif yang cocok dengan pencarian ini, tetapi {} pegawai nonaktif cocok. '
                '<a href="?{}" id="tampilkan-nonaktif">Tampilkan aktif dan nonaktif</a>',
                ribuan(found), query.urlencode(),
            ))

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(pencarian.staff(term, request.user)), False

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
