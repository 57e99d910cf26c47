"""Evaluasi *Belum menyebarkan* (DESIGN §9): who has not spread one
content, or spread fewer than ``Pengaturan.ambang_sebar_persen`` % of a
period's wajib contents, with what each missed; on screen, in print, in Excel.

The list walks the active staff in unit order and asks each a stored
question: whether a counted proof of the content exists, or how many of
the month's contents they spread (SebaranBulanan); a period that is not
one calendar month counts the proofs of its contents instead. Its total
is read from stored counts (angka_sebar), never by counting the list,
except for such a period, whose count stops at ``COUNT_CAP``.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

from registry import angka_sebar, identity, sheets
from registry.cakupan import sees_full_nik
from registry.filters import BELUM_MENYEBARKAN, SebaranForm
from registry.models import (
    BuktiSebar,
    HasilBukti,
    HasilVerifikasi,
    Pegawai,
    Pengaturan,
    SebaranBulanan,
    StatusKepegawaian,
)
from registry.sql import subquery_count
from registry.views.cetak import file_name, print_context, printed_by, titled
from registry.views.dasar import CountedPaginator, require
from registry.views.evaluasi import EVALUASI_BATCH, EVALUASI_PER_PAGE, evaluation_page, print_sections, subject

SLUG, TITLE = BELUM_MENYEBARKAN


@dataclass
class Terlewat:
    """What one person did not spread: said in full on screen and in Excel, shorter in print."""

    missed: list = field(default_factory=list)  # (title, why it does not count or "", number in the period)
    spread: int = None  # of the period's contents binding them; None for one content
    bound: int = None
    state = None  # print_sections asks; no accounts heading here

    def __str__(self):
        said = "; ".join(f"{title}{f' ({why})' if why else ''}" for title, why, _ in self.missed)
        if self.spread is None:
            return said
        return f"Menyebarkan {self.spread} dari {self.bound} konten; belum: {said}"

    def short(self, required=()):
        """One printed line: the contents missed by their number in the
        print's list of the period's contents."""
        if self.spread is None:
            why = self.missed[0][1] if self.missed else ""
            return capfirst(why) if why else "Belum ada bukti"
        return f"{self.spread}/{self.bound}; belum no. {', '.join(str(number) for _, _, number in self.missed)}"


def _why(hasil, catatan, akun, akun_hasil):
    """Why a proof that exists does not count."""
    if hasil == HasilBukti.TIDAK_SAH:
        return f"bukti tidak sah{': ' + catatan if catatan else ''}"
    if akun_hasil != HasilVerifikasi.VALID:
        return f"bukti dari @{akun} menunggu akun itu terverifikasi valid"
    return "bukti tidak dihitung"


def _form(request):
    require(request, "view_pegawai")
    return SebaranForm(request.GET, request=request)


def people(form, user):
    """(the people listed, in unit and name order; their total, or None when
    only a capped count can say it)."""
    data = form.cleaned_data
    unit, status, konten = data.get("instansi"), data.get("status_kepegawaian"), data.get("konten")
    base = unit.jalur if unit else ""
    staff = Pegawai.objects.for_user(user).filter(aktif=True).select_related("instansi")
    if unit:
        staff = staff.filter(instansi__jalur__startswith=unit.jalur)
    if status:
        staff = staff.filter(status_kepegawaian=status)
    if konten is not None:
        counted = BuktiSebar.objects.filter(pegawai=OuterRef("pk"), konten=konten, hitungan__isnull=False)
        staff = staff.filter(instansi__jalur__startswith=konten.unit_pemilik.jalur).filter(~Exists(counted))
        total = angka_sebar.total(angka_sebar.content_figures(user, konten, base, lambda jalur: "", status)).belum
        return staff.order_by("instansi__jalur", "nama", "pk"), total
    periode, ambang = data["periode"], Pengaturan.current().ambang_sebar_persen
    active = angka_sebar.active_staff(user, base, status)
    needed = angka_sebar.needs(user, base, periode, ambang, status, active)
    months = periode.months
    if months and len(months) == 1:
        spread = Coalesce(Subquery(SebaranBulanan.objects.filter(pegawai=OuterRef("pk"), bulan=months[0]).values(
            "tersebar")[:1]), Value(0))
        total = angka_sebar.below_share(user, base, months[0], ambang, status, active, needed)
    else:
        spread = subquery_count(BuktiSebar.objects.filter(
            pegawai=OuterRef("pk"), konten__in=periode.contents().values("pk"), hitungan__isnull=False))
        total = None
    below = angka_sebar.by_need(needed, "lt")
    return staff.annotate(tersebar=spread).filter(below).order_by("instansi__jalur", "nama", "pk"), total


def explain(batch, form):
    """{pegawai pk: Terlewat} for a batch of listed people, in two queries."""
    konten = form.cleaned_data.get("konten")
    ids = [p.pk for p in batch]
    if konten is not None:
        proofs = {p: rest for p, *rest in BuktiSebar.objects.filter(pegawai__in=ids, konten=konten).values_list(
            "pegawai_id", "hasil", "catatan", "akun__username", "akun__hasil_terakhir")}
        return {p.pk: Terlewat([(konten.judul or konten.tautan, _why(*proofs[p.pk]) if p.pk in proofs else "", 1)])
                for p in batch}
    contents = period_contents(form)
    proofs = {(p, k): rest for p, k, *rest in BuktiSebar.objects.filter(
        pegawai__in=ids, konten__in=[c[0] for c in contents]).values_list(
        "pegawai_id", "konten_id", "hitungan", "hasil", "catatan", "akun__username", "akun__hasil_terakhir")}
    said = {}
    for p in batch:
        binding = [c for c in contents if p.instansi.jalur.startswith(c[3])]
        missed = []
        for pk, judul, tautan, _, number in binding:
            proof = proofs.get((p.pk, pk))
            if proof is None or proof[0] is None:
                missed.append((judul or tautan, _why(*proof[1:]) if proof else "", number))
        said[p.pk] = Terlewat(missed, len(binding) - len(missed), len(binding))
    return said


def period_contents(form):
    """(pk, title, link, unit path, number) of the period's wajib contents, numbered in date order."""
    contents = form.cleaned_data["periode"].contents().order_by("terbit", "pk").values_list(
        "pk", "judul", "tautan", "unit_pemilik__jalur")
    return [(*content, number) for number, content in enumerate(contents, start=1)]


def legend(form):
    """What a printed period list's numbers stand for: (number, date, title, account)."""
    if form.cleaned_data.get("konten") is not None:
        return []
    contents = form.cleaned_data["periode"].contents().order_by("terbit", "pk").select_related("akun")
    return [(number, k.terbit, k.judul or k.tautan, str(k.akun)) for number, k in enumerate(contents, start=1)]


def rows(people_iter, form, start=1):
    """(number, pegawai, "", Terlewat) for the people, explained a batch at a time."""
    number = start
    batch = []
    for person in people_iter:
        batch.append(person)
        if len(batch) == EVALUASI_BATCH:
            yield from _explained(batch, form, number)
            number += len(batch)
            batch = []
    if batch:
        yield from _explained(batch, form, number)


def _explained(batch, form, number):
    said = explain(batch, form)
    for offset, person in enumerate(batch):
        yield number + offset, person, "", said[person.pk]


def evaluasi(request):
    form = _form(request)
    valid = form.is_valid()
    if valid:
        staff, total = people(form, request.user)
        paginator = CountedPaginator(staff, EVALUASI_PER_PAGE, count=total)
    else:
        paginator = CountedPaginator(Pegawai.objects.none(), EVALUASI_PER_PAGE, count=0)
    page = paginator.get_page(request.GET.get("halaman"))
    shown = [(n, p, state, str(lacks)) for n, p, state, lacks in rows(page.object_list, form, page.start_index())] \
        if valid else []
    konten = form.cleaned_data.get("konten") if valid else None
    return evaluation_page(request, SLUG, TITLE, form, valid, page, shown, extra={
        "konten": konten,
        "periode": form.cleaned_data.get("periode") if valid else None,
        "ambang": Pengaturan.current().ambang_sebar_persen,
    })


def evaluasi_cetak(request):
    form = _form(request)
    if not form.is_valid():
        raise Http404("Saring tidak sah; kembali ke daftar dan perbaiki pilihan saringan.")
    unit, subtitle = subject(form.cleaned_data.get("instansi"), request)
    staff, _ = people(form, request.user)
    listed = list(rows(staff.iterator(chunk_size=EVALUASI_BATCH), form))
    list_url = reverse("admin:registry_evaluasi", args=[SLUG])
    return TemplateResponse(
        request,
        "registry/cetak_evaluasi.html",
        {
            **print_context(request, TITLE, form.in_words(), unit, list_url, subtitle),
            "bagian": print_sections(listed, accounts=False),
            "jumlah": len(listed),
            "legenda": legend(form),
        },
    )


def evaluasi_unduh(request):
    form = _form(request)
    if not form.is_valid():
        raise Http404("Saring tidak sah; kembali ke daftar dan perbaiki pilihan saringan.")
    unit, subtitle = subject(form.cleaned_data.get("instansi"), request)
    now = timezone.localtime()
    writer = sheets.XlsxWriter(
        ["NO", "NIP", "NIK", "NAMA", "JABATAN", "UNIT KERJA", "STATUS KEPEGAWAIAN", "KETERANGAN"],
        text_columns={"NIP", "NIK"},
        title=[titled(TITLE, subtitle), *form.in_words(), printed_by(request, now)],
    )
    nik = (lambda n: n) if sees_full_nik(request.user) else identity.masked
    staff, _ = people(form, request.user)
    for number, p, _, keterangan in rows(staff.iterator(chunk_size=EVALUASI_BATCH), form):
        writer.append([number, p.nip, nik(p.nik), p.nama, p.jabatan, p.instansi.nama,
                       StatusKepegawaian(p.status_kepegawaian).label, str(keterangan)])
    return FileResponse(writer.close(), as_attachment=True, filename=file_name(f"evaluasi-{SLUG}", unit, now))

