"""Akun media sosial: the form that takes a pasted profile URL, lists, and the bulk result."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import path
from django.utils.html import format_html

from registry import handles, impor, pencarian
from registry.admin.dasar import (
    RiwayatAdmin,
    ScopedAdmin,
    bukti_link,
    profile_link,
    user_name,
)
from registry.admin.impor_ekspor import ImporEkspor
from registry.kunci import concerned_units
from registry.models import AkunMedsos, HasilVerifikasi, Platform, Verifikasi
from registry.verifikasi import record_bulk_result
from registry.views import akun_resmi, antrean, keaktifan, pengikut, posting


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
        self._check_owner(cleaned)
        return cleaned

    def _check_owner(self, cleaned):
        """One owner (DESIGN §3): an employee, or, for an official account, a
        unit. The database's constraint says so too, but a form without the
        unit field (an operator's) leaves it out of model validation."""
        if "pegawai" not in self.fields or {"pegawai", "instansi"} & set(self.errors):
            return  # an inline, whose parent is the owner, or a choice already refused
        unit_field = "instansi" in self.fields
        pegawai = cleaned.get("pegawai")
        instansi = cleaned.get("instansi") if unit_field else self.instance.instansi
        if pegawai is None and instansi is None:
            self.add_error("pegawai", "Pilih pegawai pemilik akun ini." + (
                " Untuk akun resmi, kosongkan pegawai dan pilih instansinya." if unit_field else ""
            ))
        elif pegawai is not None and instansi is not None:
            self.add_error(
                "pegawai",
                "Akun dimiliki satu pemilik saja: kosongkan pegawai untuk akun resmi instansi, "
                "atau kosongkan instansi untuk akun pegawai." if unit_field else
                "Ini akun resmi instansi; kosongkan pegawai.",
            )

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
    fields = ["waktu", "hasil", "sumber", "pemeriksa_tampil", "diikuti", "catatan", "bukti_tampil"]
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

    @admin.display(description="pemeriksa")
    def pemeriksa_tampil(self, obj):
        return user_name(obj.pemeriksa)

    @admin.display(description="terlihat mengikuti")
    def diikuti(self, obj):
        return ", ".join(str(a) for a in obj.mengikuti.all()) or "—"

    @admin.display(description="bukti")
    def bukti_tampil(self, obj):
        return bukti_link(obj)


@admin.register(AkunMedsos)
class AkunMedsosAdmin(ImporEkspor, RiwayatAdmin, ScopedAdmin):
    resource_classes = [impor.AkunMedsosResource]
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
        "target_posting",
        "target_jenis",
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
        return [f for f in self.fields if f not in ("instansi", "wajib_diikuti", "target_posting", "target_jenis")]

    def get_form(self, request, obj=None, **kwargs):
        return AkunMedsosForm.for_user(super().get_form(request, obj, **kwargs), request.user)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("antrean/", wrap(antrean.antrean), name="registry_akunmedsos_antrean"),
            path("resmi/", wrap(akun_resmi.akun_resmi), name="registry_akunmedsos_resmi"),
            path("<int:pk>/pengikut/", wrap(pengikut.pengikut), name="registry_akunmedsos_pengikut"),
            path("<int:pk>/statistik/", wrap(akun_resmi.statistik), name="registry_akunmedsos_statistik"),
            path("<int:pk>/posting/", wrap(posting.unggah_posting), name="registry_akunmedsos_posting"),
            path("keaktifan/", wrap(keaktifan.per_akun), name="registry_akunmedsos_keaktifan_periode"),
            path("keaktifan/unduh/", wrap(keaktifan.per_akun_unduh),
                 name="registry_akunmedsos_keaktifan_periode_unduh"),
            path("keaktifan/<slug:jenis>/", wrap(keaktifan.daftar), name="registry_akunmedsos_keaktifan"),
            path("keaktifan/<slug:jenis>/cetak/", wrap(keaktifan.cetak), name="registry_akunmedsos_keaktifan_cetak"),
            path("keaktifan/<slug:jenis>/unduh/", wrap(keaktifan.unduh), name="registry_akunmedsos_keaktifan_unduh"),
            *super().get_urls(),
        ]

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        return (queryset.filter(pencarian.accounts(term)) if term else queryset), False

    def units_changed(self, pks):
        # A check recorded meanwhile would make the deletion fail at COMMIT.
        return concerned_units(pks)

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
