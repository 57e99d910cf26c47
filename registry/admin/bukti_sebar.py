"""Bukti sebar: proofs entered on an employee's page or in their own list,
checked by the rules of registry.aturan_sebar; the list, its filters and
the screenshot of each."""

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from registry import handles, impor, pencarian
from registry.admin.dasar import InstansiFilter, RiwayatAdmin, ScopedAdmin, ScopedFormfields, short_name, user_name
from registry.admin.impor_ekspor import ImporEkspor
from registry.aturan_sebar import ProofRules, Usulan, as_sentence
from registry.cakupan import scope_paths
from registry.models import AkunMedsos, BuktiSebar, Hitungan, Instansi, Konten, Pengaturan
from registry.views import antrean_bukti, bukti
from registry.views.dasar import KeysFirstPaginator

# What a proof's form says about the fields a refusal concerns.
FORM_FIELDS = ("pegawai", "konten", "tautan", "akun", "waktu")


def open_contents(user, konten=None):
    """The contents a proof may still be entered for: binding the user's
    staff, their deadline not yet long past (and the proof's own)."""
    last = timezone.localdate() - timezone.timedelta(days=Pengaturan.current().tenggang_bukti_hari)
    contents = Konten.objects.for_user(user).filter(batas__gte=last)
    if konten is not None:
        contents = contents | Konten.objects.filter(pk=konten)
    return contents.select_related("akun").order_by("-terbit", "-pk")


class BuktiSebarForm(forms.ModelForm):
    tautan = forms.CharField(
        label="tautan bukti",
        max_length=1000,
        required=False,
        widget=forms.TextInput(attrs={"size": 50}),
        help_text="Alamat unggahan ulang pegawai. Repost Instagram, TikTok atau X tanpa tautan: lampirkan "
        "tangkapan layar saja.",
    )
    # Who fills the form, set per request (``for_user``), and the screen's name in the history.
    user = None
    melalui = "formulir bukti sebar"

    class Meta:
        model = BuktiSebar
        fields = ["pegawai", "konten", "tautan", "akun", "bukti", "waktu", "catatan"]

    @staticmethod
    def for_user(form_class, user):
        form_class.user = user
        return form_class

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "konten" in self.fields:
            self.fields["konten"].queryset = open_contents(self.user, self.instance.konten_id)
        if "akun" in self.fields:
            self.fields["akun"].required = False
            self.fields["akun"].help_text = (
                "Kosongkan bila tautannya menyebut akunnya, atau pegawai hanya punya satu akun di platform itu.")

    def clean(self):
        cleaned = super().clean()
        # A proof's page row left as it was is not entered again: the rules
        # (grace days, the employee's unit) speak of entering, and an old
        # proof must not stop the clerk saving the employee's page. Compared
        # with the stored row, never with the initial values the browser
        # posts back (the time's), which a crafted request could set.
        if self.instance.pk and self._as_stored(cleaned):
            return cleaned
        pegawai = cleaned.get("pegawai") if "pegawai" in self.fields else self.instance.pegawai
        konten = cleaned.get("konten") if "konten" in self.fields else self.instance.konten
        if pegawai is None or konten is None or {"pegawai", "konten", "akun", "waktu"} & set(self.errors):
            return cleaned
        if not cleaned.get("tautan") and not cleaned.get("bukti"):
            self.add_error("tautan", "Isi tautan bukti atau lampirkan tangkapan layar.")
            return cleaned
        akun = cleaned.get("akun")
        proposal = Usulan(pegawai.pk, konten.pk, cleaned.get("tautan") or "", akun_id=akun.pk if akun else None,
                          waktu=cleaned.get("waktu"), exclude=self.instance.pk)
        rules = ProofRules(self.user, [proposal])
        rules.check(proposal)
        stored = rules.same_as_stored(proposal)
        if stored:
            self.add_error("konten", f"{pegawai.nama} sudah punya bukti untuk konten ini (dicatat "
                                     f"{timezone.localtime(stored[3]):%d-%m-%Y}); buka bukti itu untuk mengubahnya.")
        for name, message in proposal.problems:
            self.add_error(name if name in self.fields else None, as_sentence(message))
        if not proposal.problems:
            cleaned["akun"] = AkunMedsos.objects.get(pk=proposal.akun)
            post = proposal.post
            if post is not None:
                cleaned["tautan"] = handles.post_url(post.platform, post.kode, post.username)
            self.instance.platform, self.instance.kode = (post.platform, post.kode) if post else ("", "")
        return cleaned

    def _as_stored(self, cleaned):
        # The instance still holds the stored row: the form copies its
        # values onto it only after clean() (ModelForm._post_clean).
        stored = self.instance
        for name in ("pegawai", "konten", "tautan", "akun", "waktu", "bukti"):
            if name not in self.fields:
                continue
            value, was = cleaned.get(name), getattr(stored, name)
            if name == "waktu":
                value, was = value and value.replace(microsecond=0), was.replace(microsecond=0)
            elif name == "bukti":
                value, was = getattr(value, "name", value) or "", was.name or ""
            if value != was:
                return False
        return True

    def save(self, commit=True):
        self.instance._change_reason = self.melalui
        return super().save(commit)


class PegawaiBuktiForm(BuktiSebarForm):
    melalui = "halaman pegawai"


class BuktiSebarInline(ScopedFormfields, admin.TabularInline):
    """The employee's proofs on their page: pick the content, paste the link."""

    model = BuktiSebar
    form = PegawaiBuktiForm
    fields = ["konten", "tautan", "akun", "bukti", "waktu", "hitungan_tampil", "hasil"]
    readonly_fields = ["hitungan_tampil", "hasil"]
    extra = 1
    verbose_name = "bukti sebar konten"
    verbose_name_plural = "bukti sebar konten"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("konten", "akun")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        BuktiSebarForm.for_user(formset.form, request.user)
        if obj is not None and "akun" in formset.form.base_fields:
            formset.form.base_fields["akun"].queryset = AkunMedsos.objects.filter(pegawai=obj)
        return formset

    @admin.display(description="dihitung")
    def hitungan_tampil(self, obj):
        return counted(obj)


def counted(obj):
    if obj.pk is None:
        return "—"
    return Hitungan(obj.hitungan).label if obj.hitungan else "Tidak dihitung"


class UnitBuktiFilter(InstansiFilter):
    title = "instansi pegawai"
    path_field = "unit_pemilik__jalur"


class KontenFilter(admin.SimpleListFilter):
    """The content, among the newest the user sees (a registry holds hundreds a month)."""

    title = "konten"
    parameter_name = "konten__id__exact"

    def lookups(self, request, model_admin):
        return [(str(k.pk), str(k)) for k in Konten.objects.for_user(request.user).order_by("-terbit", "-pk")[:30]]

    def queryset(self, request, queryset):
        value = self.value() or ""
        return queryset.filter(konten_id=value) if value.isdigit() else queryset


class HitunganFilter(admin.SimpleListFilter):
    title = "dihitung"
    parameter_name = "dihitung"

    def lookups(self, request, model_admin):
        return [*Hitungan.choices, ("tidak", "Tidak dihitung")]

    def queryset(self, request, queryset):
        if self.value() == "tidak":
            return queryset.filter(hitungan__isnull=True)
        if self.value() in Hitungan.values:
            return queryset.filter(hitungan=self.value())
        return queryset


@admin.register(BuktiSebar)
class BuktiSebarAdmin(ImporEkspor, RiwayatAdmin, ScopedAdmin):
    resource_classes = [impor.BuktiSebarResource]
    form = BuktiSebarForm
    list_display = ["pegawai_nama", "unit", "konten", "akun", "tautan_tampil", "waktu", "hitungan_tampil", "hasil",
                    "bukti_tampil"]
    list_filter = [UnitBuktiFilter, KontenFilter, HitunganFilter, "hasil", "sumber", "sampel"]
    list_select_related = ["pegawai", "konten", "akun", "unit_pemilik"]
    # An OPD's proofs grow with the registry; its page of 50 should not
    # (get_paginator tells it the units listed).
    paginator = KeysFirstPaginator
    search_fields = ["pegawai__nama", "pegawai__nip", "tautan"]
    search_help_text = "Cari nama atau NIP pegawai, atau tautan bukti."
    autocomplete_fields = ["pegawai"]

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/tangkapan/", wrap(bukti.bukti_sebar), name="registry_buktisebar_tangkapan"),
            path("antrean/", wrap(antrean_bukti.antrean_bukti), name="registry_buktisebar_antrean"),
            *super().get_urls(),
        ]

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return self.paginator(queryset, per_page, orphans, allow_empty_first_page,
                              units=self.units_listed(request), unit_field="unit_pemilik")

    def units_listed(self, request):
        """The units whose proofs the list shows, when it shows some only:
        the unit picked in the filter and those below it, else the
        operator's scope. None for every unit, and for a search, whose few
        proofs are found through the search's own index."""
        if request.GET.get(SEARCH_VAR, "").strip():
            return None
        picked = request.GET.get(UnitBuktiFilter.parameter_name)
        if picked:
            unit = UnitBuktiFilter.unit_named(request, picked)
            return Instansi.objects.filter(jalur__startswith=unit.jalur) if unit else None
        return Instansi.objects.for_user(request.user) if scope_paths(request.user) is not None else None

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        return (queryset.filter(pencarian.proofs(term, request.user)) if term else queryset), False

    def get_form(self, request, obj=None, change=False, **kwargs):
        return BuktiSebarForm.for_user(super().get_form(request, obj, change, **kwargs), request.user)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["hasil"]
        return ["pegawai", "konten", "hasil", "pemeriksa_tampil", "diperiksa_pada", "sumber", "hitungan_tampil",
                "dibuat_pada"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return BuktiSebarForm._meta.fields
        return ["pegawai", "konten", "tautan", "akun", "bukti", "waktu", "catatan", "sumber", "hitungan_tampil",
                "hasil", "pemeriksa_tampil", "diperiksa_pada", "dibuat_pada"]

    @admin.display(description="pegawai", ordering="pegawai__nama")
    def pegawai_nama(self, obj):
        return obj.pegawai.nama

    @admin.display(description="instansi")
    def unit(self, obj):
        return short_name(obj.unit_pemilik)

    @admin.display(description="tautan")
    def tautan_tampil(self, obj):
        if not obj.tautan:
            return "—"
        return format_html('<a href="{}" target="_blank" rel="noopener noreferrer">buka</a>', obj.tautan)

    @admin.display(description="dihitung")
    def hitungan_tampil(self, obj):
        return counted(obj)

    @admin.display(description="pemeriksa")
    def pemeriksa_tampil(self, obj):
        return user_name(obj.pemeriksa)

    @admin.display(description="tangkapan layar")
    def bukti_tampil(self, obj):
        return screenshot_link(obj)


def screenshot_link(bukti_sebar):
    if not bukti_sebar.bukti:
        return "—"
    url = reverse("admin:registry_buktisebar_tangkapan", args=[bukti_sebar.pk])
    return format_html('<a href="{}" target="_blank" rel="noopener">lihat</a>', url)

