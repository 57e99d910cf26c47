"""An official account's posts: upload its own export, preview, confirm (DESIGN §10)."""

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from registry import posting, sheets
from registry.impor import pratinjau
from registry.impor.rencana import Plan
from registry.models import AkunMedsos, Impor, JenisImpor, JenisPosting, StatusImpor
from registry.views.dasar import page_context, require, ribuan

PREVIEW_REFUSED = 50


class PostingForm(forms.Form):
    berkas = forms.FileField(
        label="Berkas data posting",
        help_text="ZIP unduhan informasi Instagram (atau posts_1.json, reels.json, stories.json), user_data.json "
        "ekspor TikTok, ekspor konten Meta Business Suite (.csv/.xlsx), atau daftar .xlsx/.csv berkolom Tautan "
        "dan Tanggal.",
    )


def unggah_posting(request, pk):
    """Upload an official account's posts, preview what is new, then confirm."""
    require(request, "add_posting")
    official = get_object_or_404(AkunMedsos.objects.for_user(request.user).filter(instansi__isnull=False)
                                 .select_related("instansi"), pk=pk)
    form = PostingForm(request.POST or None, request.FILES or None)
    context = page_context(request, f"Data posting {official}", official=official, form=form, opts=AkunMedsos._meta)
    back = reverse("admin:registry_akunmedsos_statistik", args=[official.pk])

    if request.method == "POST" and "impor" in request.POST:
        record = pratinjau.open_preview(request.user, request.POST["impor"], JenisImpor.POSTING)
        plan = Plan.load(record.rencana)
        if plan.options.get("akun") != official.pk:
            return HttpResponseRedirect(back)
        if "batal" in request.POST:
            pratinjau.close_import(record, StatusImpor.DIBATALKAN)
            messages.info(request, "Unggahan data posting dibatalkan; tidak ada yang berubah.")
            return HttpResponseRedirect(back)
        added = posting.apply(official, posting.load(plan.options["posting"]))
        record.baru, record.tetap = added, len(plan.options["posting"]) - added
        pratinjau.close_import(record, StatusImpor.SELESAI)
        messages.success(request, f"Data posting {official} tersimpan: {ribuan(added)} posting baru, "
                                  f"{ribuan(record.tetap)} sudah tercatat sebelumnya.")
        return HttpResponseRedirect(back)

    if request.method == "POST" and form.is_valid():
        pratinjau.discard_stale_imports()
        upload = form.cleaned_data["berkas"]
        try:
            sheets.check_size(upload.size, posting.ADVICE)
            found = posting.read(upload.read(), upload.name, official)
        except sheets.FileRejected as e:
            form.add_error("berkas", str(e))
        else:
            result = posting.match(official, found.items)
            plan = Plan(JenisImpor.POSTING, upload.name, [], [], {
                "akun": official.pk, "posting": posting.dump(result.new),
            })
            record = Impor.objects.create(
                pengguna=request.user, jenis=JenisImpor.POSTING, nama_berkas=upload.name[:255],
                rencana=plan.dump(), ditolak=len(found.refused),
            )
            context.update(
                record=record, result=result, refused=found.refused[:PREVIEW_REFUSED],
                kinds=[(JenisPosting(kind).label, n) for kind, n in result.by_kind.items()],
                zone=posting.zone_of(official),
            )
    return TemplateResponse(request, "admin/registry/posting.html", context)
