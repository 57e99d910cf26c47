"""Konten: the official accounts' posts staff must spread, registered by
pasting a link, listed with their figures, and each one's page of figures
per unit with the way to who has not spread it."""

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from registry import angka_sebar, handles, impor
from registry.admin.dasar import RiwayatAdmin, ScopedAdmin, short_name
from registry.admin.impor_ekspor import ImporEkspor
from registry.aturan_sebar import as_sentence, content_link, content_taken, official_accounts
from registry.cakupan import scope_paths
from registry.filters import BELUM_MENYEBARKAN
from registry.models import Instansi, Konten, Pengaturan, RekapSebaran
from registry.views.dasar import home_unit, ribuan


class KontenForm(forms.ModelForm):
    tautan = forms.CharField(
        label="tautan unggahan",
        max_length=1000,
        widget=forms.TextInput(attrs={"size": 70, "autofocus": True}),
        help_text="Tempel alamat unggahan akun resmi (menu Bagikan › Salin tautan). Tautan profil dan tautan "
        "pendek (vt.tiktok.com, fb.me) ditolak.",
    )
    # Who fills the form, set per request (``for_user``).
    user = None

    class Meta:
        model = Konten
        fields = ["tautan", "akun", "judul", "terbit", "batas", "wajib"]

    @staticmethod
    def for_user(form_class, user):
        form_class.user = user
        return form_class

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "akun" in self.fields:
            field = self.fields["akun"]
            field.required = False
            field.queryset = official_accounts(self.user)
            field.help_text = "Kosongkan bila tautannya menyebut akun resmi itu (TikTok, X, Threads, Facebook)."

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("tautan") and "akun" not in self.errors:
            try:
                taken = content_taken(handles.parse_post(cleaned["tautan"]), exclude=self.instance.pk)
                if taken:
                    raise ValidationError(taken)
                post, akun = content_link(cleaned["tautan"], self.user, cleaned.get("akun"))
            except ValidationError as e:
                self.add_error("tautan", as_sentence(e.messages[0]))
            else:
                cleaned["akun"] = akun
                cleaned["tautan"] = handles.post_url(post.platform, post.kode, post.username or akun.username)
                self.instance.platform, self.instance.kode = post.platform, post.kode
        terbit = cleaned.get("terbit")
        if terbit and not cleaned.get("batas"):
            cleaned["batas"] = Pengaturan.current().default_deadline(terbit)
        if terbit and cleaned.get("batas") and cleaned["batas"] < terbit:
            self.add_error("batas", "Batas menyebarkan tidak boleh sebelum tanggal terbit.")
        return cleaned


class FiguresChangeList(ChangeList):
    """The content list with each row's figures, read for the page at once."""

    def get_results(self, request):
        super().get_results(request)
        attach_figures(self.result_list, request.user)


def attach_figures(contents, user):
    """Set ``angka`` (angka_sebar.Angka) on each content, within the user's scope."""
    contents = list(contents)
    if not contents:
        return
    active = angka_sebar.active_staff(user, "")
    subtree = {}
    for jalur, n in active.values():
        prefix = ""
        for segment in jalur.split("/")[:-1]:
            prefix += f"{segment}/"
            subtree[prefix] = subtree.get(prefix, 0) + n
    if scope_paths(user) is None:
        spread = {k.pk: (k.tepat, k.terlambat, k.bukti_masuk, 0, 0) for k in contents}
    else:
        spread = {k: rest for k, *rest in RekapSebaran.objects.for_user(user).filter(
            konten__in=contents).values_list("konten_id").annotate(*angka_sebar.SUMS).order_by()}
    for konten in contents:
        konten.angka = angka_sebar.Angka(subtree.get(konten.unit_pemilik.jalur, 0), *spread.get(konten.pk, (0,) * 5))


@admin.register(Konten)
class KontenAdmin(ImporEkspor, RiwayatAdmin, ScopedAdmin):
    resource_classes = [impor.KontenResource]
    form = KontenForm
    # A province has thousands of official accounts: typed, not listed.
    autocomplete_fields = ["akun"]
    change_form_template = "admin/registry/konten/change_form.html"
    list_display = ["judul_tampil", "akun", "unit", "terbit", "batas", "wajib", "terikat", "tersebar", "belum"]
    list_filter = ["wajib", "akun__platform", ("terbit", admin.DateFieldListFilter)]
    list_select_related = ["akun", "unit_pemilik"]
    search_fields = ["judul", "tautan", "akun__username"]
    search_help_text = "Cari judul, tautan atau nama akun resmi."
    date_hierarchy = "terbit"

    def get_changelist(self, request, **kwargs):
        return FiguresChangeList

    def get_form(self, request, obj=None, change=False, **kwargs):
        return KontenForm.for_user(super().get_form(request, obj, change, **kwargs), request.user)

    def has_change_permission(self, request, obj=None):
        # An operator sees the contents that bind its staff, and changes its own units' only.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or Konten.objects.owned_by(request.user).filter(pk=obj.pk).exists())

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or Konten.objects.owned_by(request.user).filter(pk=obj.pk).exists())

    def change_view(self, request, object_id, form_url="", extra_context=None):
        konten = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if konten is not None:
            extra.update(content_page(request, konten))
        return super().change_view(request, object_id, form_url, extra)

    @admin.display(description="judul", ordering="judul")
    def judul_tampil(self, obj):
        return obj.judul or obj.tautan

    @admin.display(description="unit akun resmi", ordering="unit_pemilik__nama")
    def unit(self, obj):
        return short_name(obj.unit_pemilik)

    @admin.display(description="terikat")
    def terikat(self, obj):
        return ribuan(obj.angka.terikat)

    @admin.display(description="menyebarkan")
    def tersebar(self, obj):
        return f"{ribuan(obj.angka.tersebar)} ({obj.angka.persen}%)"

    @admin.display(description="belum")
    def belum(self, obj):
        url = reverse("admin:registry_evaluasi", args=[BELUM_MENYEBARKAN[0]])
        return format_html('<a href="{}?konten={}">{}</a>', url, obj.pk, ribuan(obj.angka.belum))


def content_page(request, konten):
    """The figures of one content per unit, for its page: the units below the
    content's unit (or the user's own), their sub-units included."""
    base = konten.unit_pemilik
    own = home_unit(request)
    if own is not None and own.jalur.startswith(base.jalur):
        base = own
    children = {jalur: (pk, nama) for pk, nama, jalur in Instansi.objects.filter(induk=base).values_list(
        "pk", "nama", "jalur")}
    depth = len(base.jalur) + 7

    def row(jalur):
        return jalur[:depth] if len(jalur) >= depth else base.jalur

    figures = angka_sebar.content_figures(request.user, konten, base.jalur, row)
    rows = [(f"{base.nama} (langsung)" if children else base.nama, base.pk, figures[base.jalur])] if (
        figures.get(base.jalur) or not children) else []
    rows += [(nama, pk, figures[jalur]) for jalur, (pk, nama) in sorted(children.items()) if jalur in figures]
    return {
        "konten_baris": rows,
        "konten_jumlah": angka_sebar.total(figures),
        "konten_unit": base,
        "konten_evaluasi": f"{reverse('admin:registry_evaluasi', args=[BELUM_MENYEBARKAN[0]])}?konten={konten.pk}",
        "konten_bukti": f"{reverse('admin:registry_buktisebar_changelist')}?konten__id__exact={konten.pk}",
    }
