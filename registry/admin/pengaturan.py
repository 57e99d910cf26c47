"""Pengaturan: the one row of letterhead, signatory and verification settings."""

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse

from registry.models import Pengaturan


@admin.register(Pengaturan)
class PengaturanAdmin(admin.ModelAdmin):
    """One row: the letterhead, place and BKD signatory of every printed list."""

    # A letterhead line is as long as the agency's full name.
    formfield_overrides = {models.CharField: {"widget": forms.TextInput(attrs={"size": 80})}}

    fieldsets = [
        ("Kop surat", {"fields": ["kop_pemda", "kop_instansi", "kop_alamat", "kop_logo"]}),
        ("Penandatangan BKD", {"fields": ["tempat", "ttd_jabatan", "ttd_nama", "ttd_nip"]}),
        ("Verifikasi", {"fields": ["kedaluwarsa_hari"]}),
        ("Sebaran konten", {"fields": ["batas_sebar_hari", "tenggang_bukti_hari", "sampel_persen", "sampel_minimal",
                                       "ambang_sebar_persen"]}),
        ("Keaktifan akun resmi", {"fields": ["target_posting", "tidak_aktif_hari", "tanpa_data_hari"]}),
    ]

    def changelist_view(self, request, extra_context=None):
        setting = Pengaturan.current()
        return HttpResponseRedirect(reverse("admin:registry_pengaturan_change", args=[setting.pk]))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
