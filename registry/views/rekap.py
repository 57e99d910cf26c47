"""Rekap: counts per unit, compared with a past day; print, Excel and WhatsApp summary."""

from django.db.models import Sum
from django.db.models.functions import Substr
from django.http import FileResponse, Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone

from registry import angka_sebar, keaktifan, sheets
from registry.filters import RekapForm
from registry.kemajuan import record_day_if_missing
from registry.models import FIGURES, Instansi, Pegawai, Pengaturan, RekapHarian, RekapUnit, StatusKepegawaian, figures
from registry.views.cetak import file_name, print_context, printed_by, titled
from registry.views.dasar import home_unit, page_context, perubahan, require, ribuan


def _rekap(request):
    """(form, unit, rows, total) of the recap: per row, the figures now and,
    when a date is chosen, the change since that date's record."""
    require(request, "view_pegawai")
    record_day_if_missing()
    form = RekapForm(request.GET or None, request=request)
    if request.GET and not form.is_valid():
        return form, None, None, None
    unit = form.chosen.get("instansi") or home_unit(request)
    if unit is None:
        return form, None, [], None
    status = form.chosen.get("status_kepegawaian")
    children = list(Instansi.objects.filter(induk=unit).order_by("jalur").values("pk", "nama", "jalur"))
    # One grouped read of RekapUnit: per child subtree (the first path
    # segment below the unit), and the unit's own staff.
    counts = RekapUnit.objects.for_user(request.user).filter(instansi__jalur__startswith=unit.jalur)
    if status:
        counts = counts.filter(status_kepegawaian=status)
    per_row = {}
    grouped = (
        counts.annotate(cabang=Substr("instansi__jalur", 1, len(unit.jalur) + 7))
        .values("cabang", "kepatuhan")
        .annotate(n=Sum("jumlah"))
        .order_by()
    )
    for row in grouped:
        per_row.setdefault(row["cabang"], {})[row["kepatuhan"]] = row["n"]
    rows = []
    direct = figures(per_row.get(unit.jalur, {}))
    if direct["aktif"] or not children:
        rows.append({"pk": unit.pk, "nama": f"{unit.nama} (langsung)" if children else unit.nama,
                     "langsung": bool(children), **direct})
    for child in children:
        rows.append({"pk": child["pk"], "nama": child["nama"], **figures(per_row.get(child["jalur"], {}))})
    total = {"pk": unit.pk, "nama": "Jumlah", **figures(_sum_states(per_row.values()))}
    since = form.chosen.get("bandingkan")
    if since:
        _compare(rows, total, unit, status, since)
    _spreading(request, form, unit, rows, total, [child["jalur"] for child in children], status)
    _activity(request, unit, rows, total, [child["jalur"] for child in children])
    return form, unit, [_percentages(row) for row in rows], _percentages(total)


def _branch(unit):
    """The recap row a unit's path counts in: its child's subtree, or the unit's own staff."""
    depth = len(unit.jalur) + 7
    return lambda jalur: jalur[:depth] if len(jalur) >= depth else unit.jalur


def _row_paths(unit, rows, child_paths):
    """The path each row of the recap stands for, in the rows' order ("langsung" first when shown)."""
    return zip(rows, ([unit.jalur] if len(rows) > len(child_paths) else []) + child_paths)


def _spreading(request, form, unit, rows, total, child_paths, status):
    """Each row's spreading figures of the form's period (angka_sebar.Angka), as ``sebaran``."""
    spread = angka_sebar.period_figures(request.user, unit.jalur, form.periode, _branch(unit), status)
    for row, jalur in _row_paths(unit, rows, child_paths):
        row["sebaran"] = spread.get(jalur, angka_sebar.Angka())
    total["sebaran"] = angka_sebar.total(spread)


def _activity(request, unit, rows, total, child_paths):
    """Each row's official accounts by activity (keaktifan.Unit), as ``keaktifan``."""
    settings_row = Pengaturan.current()
    counted = keaktifan.per_unit(request.user, unit.jalur, _branch(unit), settings_row=settings_row)
    for row, jalur in _row_paths(unit, rows, child_paths):
        row["keaktifan"] = counted.get(jalur, keaktifan.Unit())
    total["keaktifan"] = keaktifan.Unit()
    # The days that define "aktif", said under the table.
    total["pengaturan"] = settings_row
    for counts in counted.values():
        total["keaktifan"].add(counts)


def _sum_states(groups):
    summed = {}
    for states in groups:
        for state, n in states.items():
            summed[state] = summed.get(state, 0) + n
    return summed


def _compare(rows, total, unit, status, since):
    """Add to each row its figures on ``since`` (RekapHarian) and the change.

    A row of a unit's own staff ("langsung") was its subtree then less its
    children's subtrees, as it is now.
    """
    then = RekapHarian.objects.filter(tanggal=since, instansi__in=[unit.pk, *(r["pk"] for r in rows)])
    if status:
        then = then.filter(status_kepegawaian=status)
    recorded = {}
    for row in then.values("instansi_id").annotate(**{k: Sum(k) for k in FIGURES}).order_by():
        recorded[row.pop("instansi_id")] = row
    empty = dict.fromkeys(FIGURES, 0)
    children = [r for r in rows if not r.get("langsung") and r["pk"] != unit.pk]
    for row in rows:
        if row.get("langsung"):
            past = {k: recorded.get(unit.pk, empty)[k] - sum(recorded.get(c["pk"], empty)[k] for c in children)
                    for k in FIGURES}
        else:
            past = recorded.get(row["pk"], empty)
        row["dulu"] = _percentages(dict(past))
    total["dulu"] = _percentages(dict(recorded.get(unit.pk, empty)))
    for row in [*rows, total]:
        _percentages(row)
        row["selisih"] = {k: row[k] - row["dulu"][k] for k in ("aktif", "punya_akun", "terverifikasi", "patuh")}
        row["selisih_persen"] = {
            k: round(row[f"{k}_persen"] - row["dulu"][f"{k}_persen"], 1)
            for k in ("punya_akun", "terverifikasi", "patuh")
        }


def _percentages(counts):
    total = counts["aktif"]
    for key in ("punya_akun", "terverifikasi", "patuh"):
        counts[f"{key}_persen"] = round(100 * counts[key] / total, 1) if total else 0.0
    return counts


def rekap(request):
    form, unit, rows, total = _rekap(request)
    summary = _summary(form, unit, rows, total) if unit is not None and total is not None else ""
    return TemplateResponse(
        request,
        "admin/registry/rekap.html",
        page_context(request, "Rekap kepatuhan media sosial", form=form, unit=unit, rows=rows, total=total,
                     ringkasan=summary, query=request.GET.urlencode(), opts=Pegawai._meta,
                     catatan_banding=_comparison_note(request, form)),
    )


def _comparison_note(request, form):
    """(why there is no comparison, the address comparing with the first record instead)."""
    note = form.comparison_note() if form.is_bound and form.is_valid() else None
    if note is None:
        return None
    text, first = note
    query = request.GET.copy()
    query["bandingkan"] = first.isoformat() if first else ""
    return {"teks": text, "pertama": first, "url": f"?{query.urlencode()}" if first else None}


def _percent(value):
    return formats.number_format(value, decimal_pos=1, use_l10n=True)


def _summary(form, unit, rows, total):
    """The recap as heads send it to a WhatsApp group: plain text, *bold*
    title, one figure a line, then one line a unit, weakest first."""
    since, status = form.chosen.get("bandingkan"), form.chosen.get("status_kepegawaian")
    lines = [
        f"*Rekap kepatuhan media sosial ASN — {unit.nama}*",
        f"Per {formats.date_format(timezone.localdate(), 'j F Y')}"
        + (f", {StatusKepegawaian(status).label}" if status else ""),
        "",
        f"Pegawai aktif: {ribuan(total['aktif'])}",
        f"Punya akun: {ribuan(total['punya_akun'])} ({_percent(total['punya_akun_persen'])}%)",
        f"Terverifikasi: {ribuan(total['terverifikasi'])} ({_percent(total['terverifikasi_persen'])}%)",
        f"Patuh: {ribuan(total['patuh'])} ({_percent(total['patuh_persen'])}%)",
        f"Belum punya akun: {ribuan(total['tanpa_akun'])}",
    ]
    spread = total["sebaran"]
    lines.append(
        f"Sebaran konten {form.periode}: {_percent(spread.persen)}% (tepat waktu {ribuan(spread.tepat)}, terlambat "
        f"{ribuan(spread.terlambat)}, belum {ribuan(spread.belum)} dari {ribuan(spread.terikat)} kewajiban)"
        + (f"; keandalan bukti {_percent(spread.keandalan)}%" if spread.keandalan is not None else "")
    )
    active = total["keaktifan"]
    if active.akun:
        lines.append(f"Akun resmi: {ribuan(active.aktif)} aktif dari {ribuan(active.akun)}; "
                     f"{ribuan(active.tidak_aktif)} tidak aktif, {ribuan(active.tanpa_data)} belum ada data")
    if since:
        change, points = total["selisih"]["patuh"], total["selisih_persen"]["patuh"]
        lines.append(
            f"Sejak {formats.date_format(since, 'j F Y')}: patuh {perubahan(change)}"
            + (f" ({perubahan(points, 'poin')})" if change or points else "")
        )
    if rows:
        lines += ["", "Patuh per unit:"]
        for row in sorted(rows, key=lambda r: (r["patuh_persen"], r["nama"])):
            counted = f"{ribuan(row['patuh'])}/{ribuan(row['aktif'])}"
            lines.append(f"- {row['nama']}: {_percent(row['patuh_persen'])}% ({counted}); sebaran "
                         f"{_percent(row['sebaran'].persen)}%")
    return "\n".join(lines)


REKAP_TITLE = "Rekapitulasi kepatuhan media sosial pegawai"


def rekap_cetak(request):
    form, unit, rows, total = _rekap(request)
    if unit is None:
        raise Http404("Saring tidak sah; kembali ke rekap dan perbaiki pilihan saringan.")
    return TemplateResponse(
        request,
        "registry/cetak_rekap.html",
        {**print_context(request, REKAP_TITLE, form.in_words(unit), unit, reverse("admin:registry_rekap"), unit.nama),
         "rows": rows, "total": total, "since": form.chosen.get("bandingkan"), "periode": form.periode},
    )


def rekap_unduh(request):
    form, unit, rows, total = _rekap(request)
    if unit is None:
        raise Http404("Saring tidak sah; kembali ke rekap dan perbaiki pilihan saringan.")
    since = form.chosen.get("bandingkan")
    headers = ["UNIT", "PEGAWAI AKTIF", "PUNYA AKUN", "% PUNYA AKUN", "TERVERIFIKASI", "% TERVERIFIKASI",
               "PATUH", "% PATUH", "TANPA AKUN", "KEWAJIBAN SEBAR", "SEBAR TEPAT WAKTU", "SEBAR TERLAMBAT",
               "BELUM MENYEBARKAN", "% TERSEBAR", "KEANDALAN BUKTI (%)", "AKUN RESMI", "AKUN RESMI AKTIF",
               "AKUN RESMI TIDAK AKTIF", "AKUN RESMI BELUM ADA DATA"]
    if since:
        stamp = f"{since:%d-%m-%Y}"
        headers += [f"PATUH {stamp}", f"% PATUH {stamp}", "PERUBAHAN PATUH", "PERUBAHAN % PATUH (POIN)",
                    f"TERVERIFIKASI {stamp}", "PERUBAHAN TERVERIFIKASI"]
    now = timezone.localtime()
    writer = sheets.XlsxWriter(
        headers, title=[titled(REKAP_TITLE, unit.nama), *form.in_words(unit), printed_by(request, now)]
    )
    for c in [*rows, total]:
        line = [c["nama"].upper() if c is total else c["nama"], c["aktif"], c["punya_akun"],
                c["punya_akun_persen"], c["terverifikasi"], c["terverifikasi_persen"], c["patuh"],
                c["patuh_persen"], c["tanpa_akun"]]
        spread = c["sebaran"]
        line += [spread.terikat, spread.tepat, spread.terlambat, spread.belum, spread.persen, spread.keandalan]
        active = c["keaktifan"]
        line += [active.akun, active.aktif, active.tidak_aktif, active.tanpa_data]
        if since:
            line += [c["dulu"]["patuh"], c["dulu"]["patuh_persen"], c["selisih"]["patuh"],
                     c["selisih_persen"]["patuh"], c["dulu"]["terverifikasi"], c["selisih"]["terverifikasi"]]
        writer.append(line)
    return FileResponse(writer.close(), as_attachment=True, filename=file_name("rekap-kepatuhan", unit, now))
