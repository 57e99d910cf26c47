"""Antrean bukti sebar: the Verifikator's spot check of the sampled proofs,
one at a time, keyboard-driven like the account queue, with undo."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone

from registry.filters import UnitChoiceField
from registry.models import BuktiSebar, HasilBukti, Instansi, Konten
from registry.views.dasar import CountedPaginator, page_context, require

# How long the checker who recorded a result here may take it back.
UNDO_MINUTES = 5


class PeriksaForm(forms.Form):
    bukti = forms.IntegerField(widget=forms.HiddenInput)
    hasil = forms.ChoiceField(choices=[(HasilBukti.SAH, "Sah"), (HasilBukti.TIDAK_SAH, "Tidak sah")])
    catatan = forms.CharField(label="Catatan", required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("hasil") == HasilBukti.TIDAK_SAH and not cleaned.get("catatan", "").strip():
            self.add_error("catatan", "Tulis alasan bukti ini tidak sah di Catatan, lalu tekan Tidak sah lagi: "
                                      "pegawainya perlu tahu apa yang harus diperbaiki.")
        return cleaned


def _queue(request, unit, konten):
    proofs = BuktiSebar.objects.for_user(request.user).filter(sampel=True, hasil=HasilBukti.BELUM_DIPERIKSA)
    if unit:
        proofs = proofs.filter(unit_pemilik__in=Instansi.objects.subtree(unit).values("pk"))
    if konten:
        proofs = proofs.filter(konten=konten)
    return proofs.select_related("pegawai__instansi", "konten__akun", "akun").order_by("pk")


def _undoable(request):
    """The check this user last recorded here, while it may still be taken back."""
    last = request.session.get("antrean_bukti_terakhir")
    if not last:
        return None
    return BuktiSebar.objects.for_user(request.user).filter(
        pk=last["bukti"], pemeriksa=request.user, hasil__in=[HasilBukti.SAH, HasilBukti.TIDAK_SAH],
        diperiksa_pada__gte=timezone.now() - timedelta(minutes=UNDO_MINUTES),
    ).select_related("akun").first()


@transaction.atomic
def _record(request, proof, hasil, catatan):
    request.session["antrean_bukti_terakhir"] = {"bukti": proof.pk, "catatan": proof.catatan}
    proof.hasil, proof.pemeriksa, proof.diperiksa_pada = hasil, request.user, timezone.now()
    proof.catatan = catatan or proof.catatan
    proof._change_reason = "antrean bukti sebar"
    proof.save()
    messages.success(request, f"Bukti {proof.pegawai.nama}: {HasilBukti(hasil).label} tercatat.")


@transaction.atomic
def _undo(request):
    proof = _undoable(request)
    if proof is None:
        messages.error(request, f"Hasil itu tidak dapat dibatalkan lagi: sudah lewat {UNDO_MINUTES} menit atau bukti "
                                f"itu sudah diubah. Minta Admin BKD mengoreksinya di menu Bukti sebar.")
        return
    last = request.session.pop("antrean_bukti_terakhir")
    said = proof.get_hasil_display()
    proof.hasil, proof.pemeriksa, proof.diperiksa_pada, proof.catatan = (
        HasilBukti.BELUM_DIPERIKSA, None, None, last["catatan"])
    proof._change_reason = "antrean bukti sebar (dibatalkan)"
    proof.save()
    request.session["antrean_bukti_berikut"] = proof.pk
    messages.success(request, f"Hasil {said} untuk bukti {proof.pegawai.nama} dibatalkan; periksa ulang.")


def antrean_bukti(request):
    """One sampled, unchecked proof at a time: its link and screenshot side
    by side, Sah or Tidak sah by a key, straight on to the next."""
    require(request, "periksa_buktisebar")
    units = Instansi.objects.for_user(request.user).filter(aktif=True)
    chosen = request.GET.get("instansi", "")
    unit = units.filter(pk=chosen).first() if chosen.isdigit() else None
    chosen = request.GET.get("konten", "")
    konten = Konten.objects.for_user(request.user).filter(pk=chosen).first() if chosen.isdigit() else None
    query = request.GET.urlencode()
    skipped = request.session.get("antrean_bukti_lewati", [])
    queue = _queue(request, unit, konten)

    if request.method == "POST":
        pk = request.POST.get("bukti", "")
        if "batalkan" in request.POST:
            _undo(request)
            return HttpResponseRedirect(f"{request.path}?{query}")
        if "lewati" in request.POST:
            if pk.isdigit():
                request.session["antrean_bukti_lewati"] = [*skipped, int(pk)][-500:]
            return HttpResponseRedirect(f"{request.path}?{query}")
        proof = queue.filter(pk=pk if pk.isdigit() else 0).first()
        if proof is None:
            get_object_or_404(BuktiSebar.objects.for_user(request.user), pk=pk if pk.isdigit() else 0)
            messages.info(request, "Bukti itu baru saja diperiksa pemeriksa lain; lanjut ke bukti berikutnya.")
            return HttpResponseRedirect(f"{request.path}?{query}")
        form = PeriksaForm(request.POST)
        if form.is_valid():
            _record(request, proof, form.cleaned_data["hasil"], form.cleaned_data["catatan"].strip())
            return HttpResponseRedirect(f"{request.path}?{query}")
    else:
        if request.GET.get("ulang"):
            request.session["antrean_bukti_lewati"] = skipped = []
        retry = request.session.pop("antrean_bukti_berikut", None)
        proof = (retry and queue.filter(pk=retry).first()) or queue.exclude(pk__in=skipped).first()
        form = PeriksaForm(initial={"bukti": proof.pk} if proof else None)

    return TemplateResponse(
        request,
        "admin/registry/antrean_bukti.html",
        page_context(
            request,
            "Antrean pemeriksaan bukti sebar",
            bukti=proof,
            form=form,
            terakhir=_undoable(request),
            undo_minutes=UNDO_MINUTES,
            unit_select=UnitChoiceField(queryset=units, required=False, empty_label="Semua instansi").widget.render(
                "instansi", unit.pk if unit else "", {"id": "id_q_instansi"}
            ),
            konten=konten,
            remaining=CountedPaginator(queue.exclude(pk__in=skipped), 1),
            skipped=len(skipped),
            opts=BuktiSebar._meta,
        ),
    )
