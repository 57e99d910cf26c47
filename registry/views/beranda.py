"""Beranda: the key figures of the user's scope and its progress chart."""

from django.db.models import OuterRef, Subquery, Sum
from django.utils import formats, timezone

from registry import angka_sebar
from registry.cakupan import scope_paths
from registry.kemajuan import record_day_if_missing
from registry.models import (
    AkunMedsos,
    Instansi,
    RekapHarian,
    RekapSebaranHarian,
    RekapUnit,
    SumberVerifikasi,
    Verifikasi,
    figures,
)
from registry.pohon import outermost
from registry.views.dasar import CountedPaginator, home_unit
from registry.views.grafik import line_chart

# Beranda says "lebih dari 1.000" accounts awaiting a check rather than
# counting them: the count read every awaiting account of the scope through
# its owner (a regency at 1M: 6,672 rows, 37 ms, ten times 100k's), and a
# clerk's next step is the same above a thousand.
HOME_COUNT_CAP = 1000


def key_figures(request):
    """What the home page shows, for the user's scope: grouped counts and
    daily records, whatever the number of employees."""
    record_day_if_missing()
    unit = home_unit(request)
    per_state = dict(
        RekapUnit.objects.for_user(request.user).values_list("kepatuhan").annotate(n=Sum("jumlah")).order_by()
    )
    counts = figures(per_state)
    last_list = Verifikasi.objects.filter(akun=OuterRef("pk"), sumber=SumberVerifikasi.DAFTAR_PENGIKUT).order_by(
        "-waktu"
    )
    official = (
        AkunMedsos.objects.for_user(request.user)
        .filter(wajib_diikuti=True)
        .select_related("instansi")
        .annotate(
            daftar_terakhir=Subquery(last_list.values("waktu")[:1]),
            pengikut_terakhir=Subquery(last_list.values("jumlah_pengikut")[:1]),
        )
        .order_by("instansi__jalur", "platform")
    )
    return {
        "unit": unit,
        "aktif": counts["aktif"],
        "patuh": counts["patuh"],
        "persen_patuh": round(100 * counts["patuh"] / counts["aktif"], 1) if counts["aktif"] else 0,
        "menunggu": CountedPaginator(
            AkunMedsos.objects.for_user(request.user).awaiting_verification(), 1, cap=HOME_COUNT_CAP
        ),
        "akun_resmi": official,
        "kemajuan": progress_chart(_progress(request.user)),
        **_spreading(request),
        "can_verify": request.user.has_perm("registry.add_verifikasi"),
        "can_view_staff": request.user.has_perm("registry.view_pegawai"),
    }


PROGRESS_DAYS = 90


def _tops(user):
    """The units at the top of the user's scope, whose daily records count all of it."""
    paths = scope_paths(user)
    return Instansi.objects.filter(induk__isnull=True) if paths is None else Instansi.objects.filter(
        jalur__in=outermost(paths)
    )


def _since():
    return timezone.localdate() - timezone.timedelta(days=PROGRESS_DAYS - 1)


def _spreading(request):
    """This month's spreading figures of the scope, and the trend of the
    contents' 30-day share over 90 days, from the daily spreading records."""
    month = angka_sebar.Periode.this_month()
    days = (
        RekapSebaranHarian.objects.filter(instansi__in=_tops(request.user), tanggal__gte=_since())
        .values("tanggal")
        .annotate(terikat=Sum("terikat"), tepat=Sum("tepat"), terlambat=Sum("terlambat"))
        .order_by("tanggal")
    )
    return {
        "sebaran": angka_sebar.total(angka_sebar.period_figures(request.user, "", month, lambda jalur: "")),
        "sebaran_bulan": month,
        "tren_sebaran": progress_chart([
            (d["tanggal"], round(100 * (d["tepat"] + d["terlambat"]) / d["terikat"], 1) if d["terikat"] else 0.0)
            for d in days]),
        "can_check_proofs": request.user.has_perm("registry.periksa_buktisebar"),
        "can_view_contents": request.user.has_perm("registry.view_konten"),
    }


def _progress(user):
    """[(date, % complying)] of the user's scope over the last 90 days, from
    the daily records of the units at the top of the scope."""
    days = (
        RekapHarian.objects.filter(instansi__in=_tops(user), tanggal__gte=_since())
        .values("tanggal")
        .annotate(aktif=Sum("aktif"), patuh=Sum("patuh"))
        .order_by("tanggal")
    )
    return [(d["tanggal"], round(100 * d["patuh"] / d["aktif"], 1) if d["aktif"] else 0.0) for d in days]


def progress_chart(days):
    """% complying by date over the last 90 days, 0 to 100 %. None before two records."""
    if len(days) < 2:
        return None
    end = timezone.localdate()
    start = end - timezone.timedelta(days=PROGRESS_DAYS - 1)
    return line_chart(days, start, end, 100, lambda p: f"{formats.number_format(p, use_l10n=True)}%")
