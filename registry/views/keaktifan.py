"""Official accounts' activity (DESIGN §10): every account's figures for a
period, on screen and in Excel; the accounts gone quiet and those without
data, on screen, in print (DESIGN §8) and in Excel."""

import datetime

from django.http import FileResponse, Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from registry import keaktifan, posting, sheets
from registry.models import AkunMedsos, JenisPosting, Pengaturan
from registry.views.cetak import file_name, print_context, printed_by, titled
from registry.views.dasar import CountedPaginator, page_context, require
from registry.views.evaluasi import subject

PER_PAGE = 100
LISTS = {
    "tidak-aktif": ("Akun resmi tidak aktif", keaktifan.quiet),
    "belum-ada-data": ("Akun resmi belum ada data posting", keaktifan.without_data),
}


def _chosen(request, jenis):
    require(request, "view_akunmedsos")
    if jenis not in LISTS:
        raise Http404("Daftar keaktifan tidak dikenal.")
    settings_row = Pengaturan.current()
    title, accounts = LISTS[jenis]
    return title, accounts(request.user, settings_row=settings_row), settings_row


def _explained(jenis, settings_row):
    if jenis == "tidak-aktif":
        return f"Tidak ada posting selama {settings_row.tidak_aktif_hari} hari atau lebih"
    return f"Data posting tidak diunggah dalam {settings_row.tanpa_data_hari} hari terakhir"


def _rows(accounts, start=1):
    """(number, account, newest post, days since, last upload) per account."""
    now = timezone.now()
    for number, akun in enumerate(accounts, start):
        yield (number, akun, akun.posting_terakhir, keaktifan.days_since(akun.posting_terakhir, now),
               akun.data_posting_diunggah)


def daftar(request, jenis):
    title, accounts, settings_row = _chosen(request, jenis)
    page = CountedPaginator(accounts, PER_PAGE).get_page(request.GET.get("halaman"))
    return TemplateResponse(request, "admin/registry/keaktifan.html", page_context(
        request, title, jenis=jenis, daftar=[(slug, t) for slug, (t, _) in LISTS.items()], page=page,
        rows=list(_rows(page.object_list, page.start_index())), keterangan=_explained(jenis, settings_row),
        opts=AkunMedsos._meta,
    ))


def cetak(request, jenis):
    title, accounts, settings_row = _chosen(request, jenis)
    unit, subtitle = subject(None, request)
    list_url = reverse("admin:registry_akunmedsos_keaktifan", args=[jenis])
    rows = list(_rows(accounts.iterator(chunk_size=1000)))
    return TemplateResponse(request, "registry/cetak_keaktifan.html", {
        **print_context(request, title, [_explained(jenis, settings_row)], unit, list_url, subtitle),
        "rows": rows,
    })


def unduh(request, jenis):
    title, accounts, settings_row = _chosen(request, jenis)
    unit, subtitle = subject(None, request)
    now = timezone.localtime()
    writer = sheets.XlsxWriter(
        ["NO", "UNIT", "PLATFORM", "AKUN", "POSTING TERAKHIR", "HARI TANPA POSTING", "DATA DIUNGGAH"],
        title=[titled(title, subtitle), _explained(jenis, settings_row), printed_by(request, now)],
    )
    for number, akun, newest, days, uploaded in _rows(accounts.iterator(chunk_size=1000)):
        writer.append([number, akun.instansi.nama, akun.get_platform_display(), f"@{akun.username}",
                       timezone.localtime(newest).replace(tzinfo=None) if newest else "",
                       days if days is not None else "",
                       timezone.localtime(uploaded).replace(tzinfo=None) if uploaded else "belum pernah"])
    return FileResponse(writer.close(), as_attachment=True, filename=file_name(f"keaktifan-{jenis}", unit, now))


def periode(request, today):
    """The dates asked for (?dari=&sampai=), else the last 30 days; a bad date is ignored."""
    def day(name):
        try:
            return datetime.date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return None
    end = min(day("sampai") or today, today)
    # No post is older than the platforms (posting.EARLIEST): nothing to count, or to loop over, before.
    start = max(day("dari") or end - datetime.timedelta(days=29), posting.EARLIEST.date())
    return (start, end) if start <= end else (end, end)


def _shortcuts(today):
    """(label, dari, sampai) of the periods a head asks about most."""
    return [("Minggu ini", today - datetime.timedelta(days=today.weekday()), today),
            ("Bulan ini", today.replace(day=1), today),
            ("30 hari terakhir", today - datetime.timedelta(days=29), today)]


def _period_rows(request):
    require(request, "view_akunmedsos")
    today = timezone.localdate()
    start, end = periode(request, today)
    accounts = keaktifan.official_accounts(request.user).order_by("instansi__jalur", "platform", "username")
    return today, start, end, accounts


def per_akun(request):
    """Every official account in scope with its figures for a period, by unit."""
    today, start, end, accounts = _period_rows(request)
    page = CountedPaginator(accounts, PER_PAGE).get_page(request.GET.get("halaman"))
    figures = keaktifan.figures_of_many(list(page.object_list), start, end)
    query = request.GET.copy()
    query.pop("halaman", None)
    return TemplateResponse(request, "admin/registry/keaktifan_periode.html", page_context(
        request, "Keaktifan akun resmi per periode", page=page, figures=figures.items(), start=start, end=end,
        shortcuts=_shortcuts(today), query=query.urlencode(), daftar=[(slug, t) for slug, (t, _) in LISTS.items()],
        opts=AkunMedsos._meta,
    ))


def per_akun_unduh(request):
    today, start, end, accounts = _period_rows(request)
    now = timezone.localtime()
    kinds = [JenisPosting(kind).label.upper() for kind in JenisPosting]
    writer = sheets.XlsxWriter(
        ["UNIT", "PLATFORM", "AKUN", *kinds, "DIHITUNG", "TARGET", "TARGET TERCAPAI", "HARI TANPA POSTING",
         "JEDA TERPANJANG (HARI)", "POSTING TERAKHIR", "DATA DIUNGGAH"],
        title=[titled("Keaktifan akun resmi", f"{start:%d-%m-%Y} s.d. {end:%d-%m-%Y}"), printed_by(request, now)],
    )
    batch = []
    for akun in accounts.iterator(chunk_size=PER_PAGE):
        batch.append(akun)
        if len(batch) == PER_PAGE:
            _write_figures(writer, keaktifan.figures_of_many(batch, start, end))
            batch = []
    _write_figures(writer, keaktifan.figures_of_many(batch, start, end) if batch else {})
    return FileResponse(writer.close(), as_attachment=True, filename=file_name("keaktifan-periode", None, now))


def _write_figures(writer, figures):
    for akun, f in figures.items():
        writer.append([akun.instansi.nama, akun.get_platform_display(), f"@{akun.username}",
                       *(f.by_kind[kind] for kind in JenisPosting), f.counted, f.target,
                       "Ya" if f.met else "Tidak", f.days_without, f.longest_gap,
                       timezone.localtime(f.newest_post).replace(tzinfo=None) if f.newest_post else "",
                       timezone.localtime(f.uploaded).replace(tzinfo=None) if f.uploaded else "belum pernah"])
