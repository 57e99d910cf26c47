"""Instansi: the tree, its official accounts and its signatory."""

from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import OuterRef
from django.utils.html import format_html

from registry import impor
from registry.admin.akun import AkunMedsosForm
from registry.admin.dasar import RiwayatAdmin, ScopedAdmin, ScopedFormfields, short_name
from registry.admin.impor_ekspor import ImporEkspor
from registry.cakupan import OPERATOR_OPD
from registry.models import AkunMedsos, Instansi, Pegawai
from registry.sql import subquery_count


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
    resource_classes = [impor.InstansiResource]
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
        fields = ["kode", "nama", "singkatan", "induk", "aktif", "zona_waktu"]
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
