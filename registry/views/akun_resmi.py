"""Official accounts: who must follow each, who does, follower counts over time."""

from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone

from registry import keaktifan
from registry.kepatuhan import valid_follows
from registry.models import AkunMedsos, JenisPosting, Pegawai, Pengaturan, RekapUnit
from registry.sql import subquery_aggregate, subquery_count
from registry.views.dasar import page_context, require, ribuan
from registry.views.grafik import line_chart, nice_ceiling
from registry.views.keaktifan import periode


def official_accounts(request):
    """Official accounts with their required followers: how many follow."""
    follows = valid_follows(
        pegawai=OuterRef("pk"), official=OuterRef(OuterRef("pk")), platform=OuterRef(OuterRef("platform"))
    )
    required = Pegawai.objects.filter(aktif=True, instansi__jalur__startswith=OuterRef("instansi__jalur"))
    # The staff bound by the account, summed from RekapUnit; who of them
    # follows it is a count of its followers, which no stored state holds.
    staff = RekapUnit.objects.filter(instansi__jalur__startswith=OuterRef("instansi__jalur")).order_by()
    return (
        AkunMedsos.objects.for_user(request.user)
        .filter(instansi__isnull=False)
        .select_related("instansi")
        .annotate(
            wajib_mengikuti=subquery_aggregate(staff, "SUM", "jumlah"),
            sudah_mengikuti=subquery_count(required.filter(Exists(follows))),
        )
        .order_by("instansi__jalur", "platform", "username")
    )


def akun_resmi(request):
    require(request, "view_akunmedsos")
    accounts = official_accounts(request)
    return TemplateResponse(
        request,
        "admin/registry/akun_resmi.html",
        page_context(request, "Akun resmi", accounts=accounts, opts=AkunMedsos._meta,
                     can_import=request.user.has_perm("registry.add_verifikasi")),
    )


def statistik(request, pk):
    require(request, "view_akunmedsos")
    official = get_object_or_404(official_accounts(request), pk=pk)
    history = list(
        official.verifikasi.filter(jumlah_pengikut__isnull=False).order_by("waktu").values(
            "waktu", "jumlah_pengikut", "sumber")
    )
    return TemplateResponse(
        request,
        "admin/registry/statistik.html",
        page_context(request, f"Akun resmi {official}", official=official, history=history,
                     chart=_chart(history), opts=AkunMedsos._meta,
                     can_import=request.user.has_perm("registry.add_verifikasi"),
                     can_upload=request.user.has_perm("registry.add_posting"),
                     **_activity(request, official)),
    )


def _activity(request, official):
    """The account's posting figures, its 90-day strip and its weeks against the target."""
    settings_row = Pengaturan.current()
    strip = keaktifan.strip(official)
    start, end = periode(request, strip[-1][0])
    figures = keaktifan.figures(official, start, end, settings_row)
    target = keaktifan.weekly_target(official, settings_row)
    weeks = keaktifan.weeks(strip, target)
    top = max([target, *(n for _, n, _ in weeks)], default=1) or 1
    bars = []
    for i, (monday, n, met) in enumerate(weeks):
        height = round(110 * n / top, 1)
        bars.append((monday, n, met, i * 34 + 4, round(120 - height, 1), height, i * 34 + 18))
    return {
        "angka": figures,
        "jenis": [(JenisPosting(kind).label, n) for kind, n in figures.by_kind.items()],
        "target": target,
        "strip": [(day, n, i * 7) for i, (day, n) in enumerate(strip)],
        "strip_width": len(strip) * 7,
        "strip_days_with": sum(1 for _, n in strip if n),
        "week_bars": bars,
        "week_width": len(bars) * 34 + 8,
        "target_y": round(120 - 110 * target / top, 1),
    }


def _chart(history):
    """Follower counts by date, from zero, placed by date. None before two counts."""
    if len(history) < 2:
        return None
    series = [(timezone.localdate(h["waktu"]), h["jumlah_pengikut"]) for h in history]
    top = nice_ceiling(max(count for _, count in series))
    return line_chart(series, series[0][0], series[-1][0], top, ribuan)
