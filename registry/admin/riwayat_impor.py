"""Riwayat impor: every upload's record, read-only."""

from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html

from registry.admin.dasar import ScopedAdmin, user_name
from registry.impor import pratinjau
from registry.models import Impor, StatusImpor
from registry.views import impor as impor_views


@admin.register(Impor)
class ImporAdmin(ScopedAdmin):
    list_display = ["waktu", "jenis", "nama_berkas", "pengguna", "status_tampil", "baru", "berubah", "tetap",
                    "ditolak", "dinonaktifkan", "baris_tertulis"]
    list_filter = ["jenis", "status"]
    list_select_related = ["pengguna"]
    date_hierarchy = "waktu"
    fields = ["waktu", "selesai_pada", "jenis", "nama_berkas", "pengguna_tampil", "status_tampil", "baru", "berubah",
              "tetap", "ditolak", "dinonaktifkan", "baris_tertulis"]
    readonly_fields = fields

    # Abandoned previews are closed by the nightly bersihkan_impor; until
    # then the list already calls them what they are.
    @admin.display(description="status", ordering="status")
    def status_tampil(self, obj):
        if obj.status == StatusImpor.PRATINJAU and obj.waktu < pratinjau.stale_before():
            return StatusImpor.KEDALUWARSA.label
        return obj.get_status_display()

    @admin.display(description="pengguna")
    def pengguna_tampil(self, obj):
        return user_name(obj.pengguna)

    @admin.display(description="baris yang ditulis")
    def baris_tertulis(self, obj):
        if obj.status != StatusImpor.SELESAI or obj.jenis not in impor_views.IMPORTED_MODELS:
            return "—"
        return format_html('<a href="{}">Lihat riwayatnya</a>', reverse("admin:registry_impor_riwayat", args=[obj.pk]))

    def get_urls(self):
        return [
            path("<int:pk>/riwayat/", self.admin_site.admin_view(impor_views.impor_riwayat),
                 name="registry_impor_riwayat"),
            *super().get_urls(),
        ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
