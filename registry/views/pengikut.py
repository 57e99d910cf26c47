"""An official account's follower list: upload, preview, confirm."""

import datetime

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from registry import followers, sheets
from registry.impor import pratinjau
from registry.impor.rencana import Plan
from registry.models import AkunMedsos, Impor, JenisImpor, StatusImpor
from registry.views.dasar import page_context, require, ribuan


class PengikutForm(forms.Form):
    berkas = forms.FileField(
        label="Berkas daftar pengikut",
        help_text="ZIP unduhan informasi Instagram, followers_1.json/.html, JSON ekspor TikTok, "
        "atau daftar .txt/.csv/.xlsx (satu akun per baris).",
    )


def pengikut(request, pk):
    """Upload an official account's follower list, preview, then confirm."""
    require(request, "add_verifikasi")
    official = get_object_or_404(AkunMedsos.objects.for_user(request.user).filter(instansi__isnull=False), pk=pk)
    form = PengikutForm(request.POST or None, request.FILES or None)
    context = page_context(request, f"Daftar pengikut {official}", official=official, form=form,
                           opts=AkunMedsos._meta)

    last = followers.last_count(official)
    if request.method == "POST" and "impor" in request.POST:
        record = pratinjau.open_preview(request.user, request.POST["impor"], JenisImpor.PENGIKUT)
        options = Plan.load(record.rencana).options
        exported = options.get("diunduh") and datetime.date.fromisoformat(options["diunduh"])
        listed = followers.FollowerList(set(options["usernames"]), 0)
        if "batal" in request.POST:
            pratinjau.close_import(record, StatusImpor.DIBATALKAN)
            messages.info(request, "Impor daftar pengikut dibatalkan; tidak ada yang berubah.")
        elif followers.dropped(len(listed.usernames), last) and not request.POST.get("turun_diperiksa"):
            context.update(_follower_preview(record, followers.match(official, listed), last, exported),
                           turun_belum_dicentang=True)
            return TemplateResponse(request, "admin/registry/pengikut.html", context)
        else:
            result = followers.apply(official, listed, request.user, record.nama_berkas, exported,
                                     units=options.get("unit", ()))
            _close_followers(record, result)
            messages.success(
                request,
                f"Daftar pengikut diterapkan: {ribuan(len(result.to_add))} akun kini mengikuti, "
                f"{ribuan(len(result.to_remove))} tidak lagi mengikuti, {ribuan(result.followers)} pengikut tercatat.",
            )
        return HttpResponseRedirect(reverse("admin:registry_akunmedsos_statistik", args=[official.pk]))

    if request.method == "POST" and form.is_valid():
        pratinjau.discard_stale_imports()
        upload = form.cleaned_data["berkas"]
        try:
            sheets.check_size(upload.size, followers.FOLLOWERS_ADVICE)
            found = followers.read(upload.read(), upload.name, official.platform)
            followers.check_owner(found, official)
        except sheets.FileRejected as e:
            form.add_error("berkas", str(e))
        else:
            result = followers.match(official, found)
            plan = Plan(JenisImpor.PENGIKUT, upload.name, [], [], {
                "usernames": sorted(found.usernames), "diunduh": found.exported and found.exported.isoformat(),
                # Locked first when it is applied (followers.apply).
                "unit": sorted(followers.changed_units(result) - {None}),
            })
            record = Impor.objects.create(
                pengguna=request.user, jenis=JenisImpor.PENGIKUT, nama_berkas=upload.name[:255],
                rencana=plan.dump(), ditolak=found.unreadable,
            )
            context.update(_follower_preview(record, result, last, found.exported))
    return TemplateResponse(request, "admin/registry/pengikut.html", context)


def _follower_preview(record, result, last, exported):
    drop = followers.dropped(result.followers, last)
    return {
        "record": record,
        "diunduh": exported,
        "result": result,
        "found": result.found[:200],
        "absent": result.absent[:200],
        "terakhir": last,
        "turun": drop and round(100 * (last[0] - result.followers) / last[0]),
    }


def _close_followers(record, result):
    record.baru, record.berubah = len(result.to_add), len(result.to_remove)
    record.tetap = result.unchanged
    pratinjau.close_import(record, StatusImpor.SELESAI)
