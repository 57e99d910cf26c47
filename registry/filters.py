"""Filters of the evaluation lists and the recap, always inside the user's scope."""

import html

import django_filters
from django import forms
from django.db.models import F, Max, Min, Sum
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from registry.angka_sebar import Periode
from registry.cakupan import scope_paths
from registry.kepatuhan import kepatuhan_expression
from registry.models import (
    Instansi,
    Kepatuhan,
    Konten,
    Pegawai,
    Pengaturan,
    Platform,
    RekapHarian,
    RekapUnit,
    StatusKepegawaian,
)
from registry.pohon import outermost, path_depth

# The four evaluation questions: slug -> (title, states it lists).
EVALUASI = {
    "belum-punya-akun": ("Pegawai yang belum memiliki akun media sosial", [Kepatuhan.BELUM_PUNYA_AKUN]),
    "belum-diverifikasi": ("Pegawai yang akunnya belum terverifikasi", [Kepatuhan.BELUM_DIVERIFIKASI]),
    "belum-mengikuti": ("Pegawai yang belum mengikuti akun resmi", [Kepatuhan.BELUM_MENGIKUTI]),
    "tidak-patuh": (
        "Pegawai yang belum memenuhi kewajiban media sosial",
        [Kepatuhan.BELUM_PUNYA_AKUN, Kepatuhan.BELUM_DIVERIFIKASI, Kepatuhan.BELUM_MENGIKUTI],
    ),
}

# The fifth question, of spreading (registry.views.evaluasi_sebar): slug, title.
BELUM_MENYEBARKAN = ("belum-menyebarkan", "Pegawai yang belum menyebarkan konten")


def units_in_scope(request):
    return Instansi.objects.for_user(request.user).filter(aktif=True)


def own_units(user):
    """The units an operator's lists are about (the tops of their scope),
    by name; None for a user who sees every unit."""
    paths = scope_paths(user)
    if paths is None:
        return None
    # Cached like scope_paths, on the user object of one request.
    if not hasattr(user, "_registry_own_units"):
        user._registry_own_units = list(
            Instansi.objects.filter(jalur__in=outermost(paths)).order_by("jalur").values_list("nama", flat=True)
        )
    return user._registry_own_units


def unit_in_words(unit, user):
    """"Instansi: …" of a printed or exported list: the chosen unit, else
    the operator's own units, else every unit."""
    if unit is not None:
        return f"Instansi: {unit.nama} beserta sub-unitnya"
    names = own_units(user)
    if names is None:
        return "Instansi: semua instansi"
    return f"Instansi: {', '.join(names) or 'belum ditautkan'} beserta sub-unitnya"


class UnitSelect(forms.Select):
    """A drop-down of units rendered in one pass.

    A province holds thousands of units (7,036 in bench/skala_bench.py);
    Django renders each option through a template, which takes half a
    second for them on every page with a unit filter, and format_html per
    option still 300 ms: each value and label is escaped once here instead,
    by the standard library's html.escape, which django.utils.html.escape
    wraps (the same text, without a lazy check and a SafeString per call:
    54 ms → 14 ms for 7,038 options).
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = "" if value is None else str(value)
        options = "".join(
            f'<option value="{html.escape(v)}"{" selected" if v == chosen else ""}>{html.escape(label)}</option>'
            for v, label in ((str(v), str(label)) for v, label in self.choices)
        )
        attrs = flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name}))
        return format_html("<select{}>{}</select>", attrs, mark_safe(options))


def unit_label(nama, jalur):
    return "\u2003" * path_depth(jalur) + nama


class UnitChoices(ModelChoiceIterator):
    """(pk, indented name) read as rows, not as 7,036 model instances (280 ms)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, nama, jalur in self.queryset.values_list("pk", "nama", "jalur"):
            yield (pk, unit_label(nama, jalur))


class UnitChoiceField(forms.ModelChoiceField):
    widget = UnitSelect
    iterator = UnitChoices

    def label_from_instance(self, unit):
        return unit_label(unit.nama, unit.jalur)


class UnitFilter(django_filters.ModelChoiceFilter):
    field_class = UnitChoiceField


class EvaluasiFilter(django_filters.FilterSet):
    """One evaluation question, narrowed by unit (with sub-units), status and platform.

    ``platform`` asks the question of that platform alone: no account
    there, none verified there, not following its required accounts.
    """

    instansi = UnitFilter(
        label="Instansi (beserta sub-unit)",
        queryset=units_in_scope,
        method="filter_instansi",
        empty_label="Semua instansi",
    )
    status_kepegawaian = django_filters.ChoiceFilter(
        label="Status kepegawaian", choices=StatusKepegawaian.choices, empty_label="Semua status"
    )
    platform = django_filters.ChoiceFilter(
        label="Platform", choices=Platform.choices, method="filter_platform", empty_label="Semua platform"
    )
    kepatuhan = django_filters.ChoiceFilter(
        label="Keadaan", choices=[], method="filter_kepatuhan", empty_label="Semua keadaan"
    )

    class Meta:
        model = Pegawai
        fields = ["instansi", "status_kepegawaian", "platform", "kepatuhan"]

    def __init__(self, data=None, *, jenis, request, **kwargs):
        self.jenis = jenis
        self.states = EVALUASI[jenis][1]
        queryset = Pegawai.objects.for_user(request.user).filter(aktif=True).select_related("instansi")
        super().__init__(data, queryset=queryset, request=request, **kwargs)
        field = self.form.fields["kepatuhan"]
        field.choices = [(s.value, s.label) for s in self.states]
        if len(self.states) == 1:
            del self.form.fields["kepatuhan"]

    def filter_queryset(self, queryset):
        # ``keadaan``: the stored state, or the state on one platform, which
        # only that question needs and which is computed for the rows read.
        platform = self.form.cleaned_data.get("platform") or None
        state = kepatuhan_expression(platform) if platform else F("kepatuhan")
        queryset = queryset.annotate(keadaan=state).filter(keadaan__in=self.states)
        return super().filter_queryset(queryset).order_by("instansi__jalur", "nama", "pk")

    def filter_instansi(self, queryset, name, unit):
        return queryset.filter(instansi__jalur__startswith=unit.jalur)

    def filter_platform(self, queryset, name, value):
        # Applied in filter_queryset, where the state is chosen.
        return queryset

    def filter_kepatuhan(self, queryset, name, value):
        return queryset.filter(keadaan=value)

    def total(self):
        """How many employees the list holds, summed from RekapUnit; None for
        a question of one platform, which no stored count answers."""
        data = self.form.cleaned_data
        if data.get("platform"):
            return None
        counts = RekapUnit.objects.for_user(self.request.user).filter(
            kepatuhan__in=[data["kepatuhan"]] if data.get("kepatuhan") else self.states
        )
        if data.get("instansi"):
            counts = counts.filter(instansi__jalur__startswith=data["instansi"].jalur)
        if data.get("status_kepegawaian"):
            counts = counts.filter(status_kepegawaian=data["status_kepegawaian"])
        return counts.aggregate(n=Sum("jumlah", default=0))["n"]

    def in_words(self):
        """The filters that produced the list, for the printed title."""
        data = self.form.cleaned_data
        words = [unit_in_words(data.get("instansi"), self.request.user)]
        if data.get("status_kepegawaian"):
            words.append(f"Status kepegawaian: {StatusKepegawaian(data['status_kepegawaian']).label}")
        if data.get("platform"):
            words.append(f"Platform: {Platform(data['platform']).label}")
        if data.get("kepatuhan"):
            words.append(f"Keadaan: {Kepatuhan(data['kepatuhan']).label}")
        return words


class PeriodeForm(forms.Form):
    """A period of spreading (angka_sebar.Periode): any dates, this month when left empty."""

    dari = forms.DateField(label="Periode sebaran dari", required=False,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    sampai = forms.DateField(label="sampai", required=False,
                             widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                             help_text="Kosongkan keduanya untuk bulan ini.")

    def clean(self):
        cleaned = super().clean()
        dari, sampai = cleaned.get("dari"), cleaned.get("sampai")
        if dari is None and sampai is None:
            cleaned["periode"] = Periode.this_month()
        else:
            month = Periode.month_of(dari or sampai)
            cleaned["periode"] = Periode(dari or month.dari, sampai or month.sampai)
        periode = cleaned["periode"]
        if periode.sampai < periode.dari:
            self.add_error("sampai", "Tanggal akhir periode sebelum tanggal awalnya.")
        elif (periode.sampai - periode.dari).days > 366:
            self.add_error("sampai", "Periode paling panjang satu tahun.")
        return cleaned


class RekapForm(PeriodeForm):
    field_order = ["instansi", "status_kepegawaian", "bandingkan", "dari", "sampai"]
    instansi = UnitChoiceField(
        label="Instansi", queryset=Instansi.objects.none(), required=False, empty_label=None
    )
    status_kepegawaian = forms.ChoiceField(
        label="Status kepegawaian", choices=[("", "Semua status"), *StatusKepegawaian.choices], required=False
    )
    bandingkan = forms.DateField(
        label="Bandingkan dengan tanggal",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Kosongkan bila tidak membandingkan.",
    )

    def __init__(self, data, *, request):
        super().__init__(data)
        self.fields["instansi"].queryset = units_in_scope(request)
        # A date before the first daily record: (the date asked, the first record or None).
        self.before_records = None

    def clean_bandingkan(self):
        """The latest daily record on or before the chosen date; none (and the
        recap without a comparison) before the first record."""
        chosen = self.cleaned_data.get("bandingkan")
        if chosen is None:
            return None
        if chosen >= timezone.localdate():
            raise forms.ValidationError("Pilih tanggal sebelum hari ini.")
        recorded = RekapHarian.objects.filter(tanggal__lte=chosen).aggregate(d=Max("tanggal"))["d"]
        if recorded is None:
            self.before_records = (chosen, RekapHarian.objects.aggregate(d=Min("tanggal"))["d"])
        return recorded

    def comparison_note(self):
        """Why there is no comparison, in words, and the nearest date that has one."""
        if self.before_records is None:
            return None
        asked, first = self.before_records
        if first is None or first >= timezone.localdate():
            return "Belum ada rekap harian yang tercatat; perbandingan tersedia mulai besok.", None
        return (
            f"Belum ada rekap harian pada atau sebelum {formats.date_format(asked, 'j F Y')}: rekap harian "
            f"pertama tercatat {formats.date_format(first, 'j F Y')}. Rekap di bawah ini tanpa perbandingan.",
            first,
        )

    @property
    def chosen(self):
        """The valid choices; none yet when the page opens without a query."""
        return self.cleaned_data if self.is_bound else {}

    def in_words(self, unit):
        words = [unit_in_words(unit, None)]
        status = self.chosen.get("status_kepegawaian")
        words.append(f"Status kepegawaian: {StatusKepegawaian(status).label}" if status else
                     "Status kepegawaian: semua")
        if self.chosen.get("bandingkan"):
            words.append(f"Dibandingkan dengan {formats.date_format(self.chosen['bandingkan'], 'j F Y')}")
        words.append(f"Sebaran konten: {self.periode}")
        return words

    @property
    def periode(self):
        return self.chosen.get("periode") or Periode.this_month()


class SebaranForm(PeriodeForm):
    """Evaluasi's *Belum menyebarkan*: for one content (``konten``, chosen
    from its page or the content list), or for a period, a month by default."""

    instansi = UnitChoiceField(label="Instansi (beserta sub-unit)", queryset=Instansi.objects.none(), required=False,
                               empty_label="Semua instansi")
    status_kepegawaian = forms.ChoiceField(
        label="Status kepegawaian", choices=[("", "Semua status"), *StatusKepegawaian.choices], required=False
    )
    konten = forms.IntegerField(required=False, widget=forms.HiddenInput)
    field_order = ["instansi", "status_kepegawaian", "dari", "sampai", "konten"]

    def __init__(self, data, *, request):
        super().__init__(data)
        self.request = request
        self.fields["instansi"].queryset = units_in_scope(request)

    def clean_konten(self):
        pk = self.cleaned_data.get("konten")
        if pk is None:
            return None
        konten = Konten.objects.for_user(self.request.user).select_related("unit_pemilik", "akun").filter(pk=pk).first()
        if konten is None:
            raise forms.ValidationError("Konten itu tidak ada di antara konten yang mengikat instansi Anda.")
        return konten

    def in_words(self):
        data = self.cleaned_data
        words = [unit_in_words(data.get("instansi"), self.request.user)]
        if data.get("status_kepegawaian"):
            words.append(f"Status kepegawaian: {StatusKepegawaian(data['status_kepegawaian']).label}")
        if data.get("konten"):
            konten = data["konten"]
            words.append(f"Konten: {konten.judul or konten.tautan} ({konten.akun}, terbit "
                         f"{formats.date_format(konten.terbit, 'j F Y')}, batas "
                         f"{formats.date_format(konten.batas, 'j F Y')})")
        else:
            ambang = Pengaturan.current().ambang_sebar_persen
            words.append(f"Periode: {data['periode']} — menyebarkan kurang dari {ambang}% konten wajib")
        return words
