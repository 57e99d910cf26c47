"""Verifikasi: the append-only history of checks; only the Admin BKD corrects one."""

from django import forms
from django.contrib import admin
from django.urls import path

from registry import impor, pencarian
from registry.admin.dasar import RiwayatAdmin, ScopedAdmin, bukti_link, user_name
from registry.admin.impor_ekspor import Ekspor
from registry.models import AkunMedsos, Verifikasi
from registry.verifikasi import apply_verification
from registry.views import bukti


class VerifikasiForm(forms.ModelForm):
    class Meta:
        model = Verifikasi
        fields = ["akun", "hasil", "mengikuti", "catatan", "bukti", "jumlah_pengikut"]


@admin.register(Verifikasi)
class VerifikasiAdmin(Ekspor, RiwayatAdmin, ScopedAdmin):
    resource_classes = [impor.VerifikasiResource]
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
                self.admin_site.admin_view(bukti.bukti_verifikasi),
                name="registry_verifikasi_bukti",
            ),
            *super().get_urls(),
        ]

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        return (queryset.filter(pencarian.checks(term)) if term else queryset), False

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["akun", "waktu", "pemeriksa_tampil", "sumber", "bukti_tampil"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return VerifikasiForm._meta.fields
        return [
            "akun",
            "waktu",
            "pemeriksa_tampil",
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

    @admin.display(description="pemeriksa")
    def pemeriksa_tampil(self, obj):
        return user_name(obj.pemeriksa)

    @admin.display(description="bukti")
    def bukti_tampil(self, obj):
        return bukti_link(obj)
