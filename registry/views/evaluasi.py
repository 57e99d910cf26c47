"""Evaluasi: who does not comply, on screen, in print and in Excel."""

import itertools

from django.http import FileResponse, Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from registry import identity, kekurangan, sheets
from registry.cakupan import sees_full_nik
from registry.filters import BELUM_MENYEBARKAN, EVALUASI, EvaluasiFilter, own_units
from registry.models import Kepatuhan, Pegawai, StatusKepegawaian
from registry.views.cetak import file_name, print_context, printed_by, titled
from registry.views.dasar import CountedPaginator, home_unit, page_context, require

EVALUASI_PER_PAGE = 100


def _evaluasi_filter(request, jenis):
    require(request, "view_pegawai")
    if jenis not in EVALUASI:
        raise Http404("Daftar evaluasi tidak dikenal.")
    return EvaluasiFilter(request.GET, jenis=jenis, request=request)


def evaluasi(request, jenis):
    filterset = _evaluasi_filter(request, jenis)
    valid = filterset.is_valid()
    paginator = (
        CountedPaginator(filterset.qs, EVALUASI_PER_PAGE, count=filterset.total())
        if valid
        else CountedPaginator(Pegawai.objects.none(), EVALUASI_PER_PAGE, count=0)
    )
    page = paginator.get_page(request.GET.get("halaman"))
    platform = filterset.form.cleaned_data.get("platform") if valid else None
    rows = [(number, p, state, str(lacks)) for number, p, state, lacks in
            _evaluasi_rows(page.object_list, platform, page.start_index())] if valid else []
    return evaluation_page(request, jenis, EVALUASI[jenis][0], filterset.form, valid, page, rows)


def evaluation_page(request, jenis, title, form, valid, page, rows, extra=None):
    """One evaluation list on screen: the questions, its filters, a page of rows."""
    query = request.GET.copy()
    query.pop("halaman", None)
    questions = [(slug, question) for slug, (question, _) in EVALUASI.items()]
    return TemplateResponse(
        request,
        "admin/registry/evaluasi.html",
        page_context(
            request,
            title,
            jenis=jenis,
            questions=[*questions, BELUM_MENYEBARKAN],
            saring=form,
            valid=valid,
            page=page,
            rows=rows,
            query=query.urlencode(),
            opts=Pegawai._meta,
            **(extra or {}),
        ),
    )


EVALUASI_BATCH = 1000


def _evaluasi_rows(people, platform=None, start=1):
    """(number, pegawai, state, what they lack) for ``people``, explained a batch at a time."""
    people, numbers = iter(people), itertools.count(start)
    while batch := list(itertools.islice(people, EVALUASI_BATCH)):
        said = kekurangan.explain(batch, platform)
        for p in batch:
            yield next(numbers), p, Kepatuhan(p.keadaan).label, said[p.pk]


def subject(chosen, request):
    """The unit a list is about, for its letterhead and subtitle: the chosen
    one, else an operator's own (None: every unit, or several)."""
    if chosen or request.user.has_perm("registry.lihat_semua_instansi"):
        return chosen, chosen.nama if chosen else ""
    return home_unit(request), ", ".join(own_units(request.user))


def evaluasi_cetak(request, jenis):
    filterset = _evaluasi_filter(request, jenis)
    if not filterset.is_valid():
        raise Http404("Saring tidak sah; kembali ke daftar dan perbaiki pilihan saringan.")
    unit, subtitle = subject(filterset.form.cleaned_data.get("instansi"), request)
    platform = filterset.form.cleaned_data.get("platform")
    rows = list(_evaluasi_rows(filterset.qs.iterator(chunk_size=EVALUASI_BATCH), platform))
    list_url = reverse("admin:registry_evaluasi", args=[jenis])
    return TemplateResponse(
        request,
        "registry/cetak_evaluasi.html",
        {
            **print_context(request, EVALUASI[jenis][0], filterset.in_words(), unit, list_url, subtitle),
            "bagian": print_sections(rows, platform),
            "jumlah": len(rows),
        },
    )


# Rows that travel with the signatures onto the last page.
KEPT_WITH_SIGNATURES = 3


def print_sections(rows, platform=None, accounts=True):
    """The printed list as table sections (tbody), each kept whole on a page:
    a unit's heading with its first person (a heading never ends a page),
    the rest of the unit, and the last rows with the signatures (which never
    stand alone). ``rows`` come ordered by unit; each section is (kind,
    lines), a line being ("unit", instansi, how many, the accounts its staff
    must follow where someone does not) or ("pegawai", number, pegawai,
    what they lack, said short under that heading); without ``accounts``
    no heading names accounts (a list about spreading)."""
    groups = [(unit, list(people)) for unit, people in itertools.groupby(rows, key=lambda row: row[1].instansi)]
    required = kekurangan.required_accounts([unit.pk for unit, _ in groups], platform) if accounts else {}
    lines = []
    for unit, people in groups:
        named = required.get(unit.pk, [])
        following = any(row[3].state == Kepatuhan.BELUM_MENGIKUTI for row in people)
        heading = ", ".join(kekurangan.account_name(*account) for account in named) if following else ""
        lines += [("unit", unit, len(people), heading),
                  *(("pegawai", number, p, lacks.short(named)) for number, p, _, lacks in people)]
    people_at = [i for i, line in enumerate(lines) if line[0] == "pegawai"]
    closing = people_at[-KEPT_WITH_SIGNATURES] if len(people_at) >= KEPT_WITH_SIGNATURES else 0
    if closing and lines[closing - 1][0] == "unit":
        closing -= 1
    sections = []
    for line in lines[:closing]:
        if line[0] == "unit":
            sections.append(["awal", [line]])
        elif sections and sections[-1][0] == "awal" and len(sections[-1][1]) == 1:
            sections[-1][1].append(line)
            sections.append(["isi", []])
        else:
            sections[-1][1].append(line)
    return [(kind, body) for kind, body in sections if body] + [("penutup", lines[closing:])]


def evaluasi_unduh(request, jenis):
    filterset = _evaluasi_filter(request, jenis)
    if not filterset.is_valid():
        raise Http404("Saring tidak sah; kembali ke daftar dan perbaiki pilihan saringan.")
    unit, subtitle = subject(filterset.form.cleaned_data.get("instansi"), request)
    now = timezone.localtime()
    writer = sheets.XlsxWriter(
        ["NO", "NIP", "NIK", "NAMA", "JABATAN", "UNIT KERJA", "STATUS KEPEGAWAIAN", "KEADAAN", "KETERANGAN"],
        text_columns={"NIP", "NIK"},
        title=[titled(EVALUASI[jenis][0], subtitle), *filterset.in_words(), printed_by(request, now)],
    )
    platform = filterset.form.cleaned_data.get("platform")
    nik = (lambda n: n) if sees_full_nik(request.user) else identity.masked
    for number, p, state, keterangan in _evaluasi_rows(filterset.qs.iterator(chunk_size=EVALUASI_BATCH), platform):
        writer.append([number, p.nip, nik(p.nik), p.nama, p.jabatan, p.instansi.nama,
                       StatusKepegawaian(p.status_kepegawaian).label, state, str(keterangan)])
    return FileResponse(writer.close(), as_attachment=True, filename=file_name(f"evaluasi-{jenis}", unit, now))
