"""The verification queue: one account at a time, keyboard-driven, with undo."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone

from registry.filters import UnitChoiceField
from registry.kunci import account_units, lock_units_of
from registry.models import AkunMedsos, HasilVerifikasi, Instansi, Platform, Verifikasi
from registry.verifikasi import record_verification, undo_verification
from registry.views.dasar import CountedPaginator, page_context, require


class AntreanForm(forms.Form):
    akun = forms.IntegerField(widget=forms.HiddenInput)
    hasil = forms.ChoiceField(choices=HasilVerifikasi.choices)
    mengikuti = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    catatan = forms.CharField(
        label="Catatan", required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 60})
    )
    bukti = forms.FileField(
        label="Tangkapan layar (opsional)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        validators=Verifikasi._meta.get_field("bukti").validators,
    )

    def __init__(self, *args, required=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mengikuti"].choices = [(str(a.pk), f"{a.get_platform_display()} @{a.username}") for a in required]


def _queue(request, unit, platform):
    accounts = (
        AkunMedsos.objects.for_user(request.user).awaiting_verification().select_related("pegawai__instansi")
    )
    if unit:
        accounts = accounts.filter(unit_pemilik__in=Instansi.objects.subtree(unit).values("pk"))
    if platform:
        accounts = accounts.filter(platform=platform)
    # Never checked first (last_checked() puts them before any check), then the oldest.
    return accounts.order_by("diperiksa", "pk")


# How long the checker who recorded a result from the queue may take it back.
UNDO_MINUTES = 5


def _undoable(request):
    """The check this user last recorded from the queue, while it may still
    be taken back: theirs, recent, and still the latest of its account."""
    last = request.session.get("antrean_terakhir")
    if not last:
        return None
    verifikasi = (
        Verifikasi.objects.for_user(request.user)
        .filter(
            pk=last["verifikasi"],
            pemeriksa=request.user,
            waktu__gte=timezone.now() - timedelta(minutes=UNDO_MINUTES),
        )
        .select_related("akun")
        .first()
    )
    if verifikasi is None or verifikasi.akun.verifikasi.order_by("-waktu", "-pk").first() != verifikasi:
        return None
    return verifikasi


def _undo(request):
    verifikasi = _undoable(request)
    if verifikasi is None:
        messages.error(
            request,
            f"Hasil itu tidak dapat dibatalkan lagi: sudah lewat {UNDO_MINUTES} menit atau akun itu sudah "
            "diperiksa ulang. Minta Admin BKD mengoreksinya di menu Verifikasi.",
        )
        return
    last = request.session.pop("antrean_terakhir")
    undo_verification(verifikasi, last["diperiksa"], last["diikuti"])
    request.session["antrean_berikut"] = verifikasi.akun_id
    messages.success(
        request, f"Hasil {verifikasi.get_hasil_display()} untuk @{verifikasi.akun.username} dibatalkan; periksa ulang."
    )


def _record(request, akun, required, data):
    """Record the check, and keep what undoing it needs: the follows it looked at, as they were."""
    followed_before = list(akun.mengikuti.filter(pk__in=[a.pk for a in required]).values_list("pk", flat=True))
    verifikasi = record_verification(
        akun,
        request.user,
        data["hasil"],
        seen=[a for a in required if str(a.pk) in data["mengikuti"]],
        checked=required,
        catatan=data["catatan"],
        bukti=data["bukti"] or "",
        melalui="antrean verifikasi",
    )
    request.session["antrean_terakhir"] = {
        "verifikasi": verifikasi.pk,
        "diperiksa": [a.pk for a in required],
        "diikuti": followed_before,
    }
    messages.success(request, f"@{akun.username}: {HasilVerifikasi(data['hasil']).label} tercatat.")


def antrean(request):
    """One unverified or stale account at a time, straight on to the next.

    Single-key shortcuts make a slip cheap to make, so the last result
    recorded here can be taken back for a few minutes (``_undo``)."""
    require(request, "add_verifikasi")
    units = Instansi.objects.for_user(request.user).filter(aktif=True)
    chosen = request.GET.get("instansi", "")
    unit = units.filter(pk=chosen).first() if chosen.isdigit() else None
    platform = request.GET.get("platform") if request.GET.get("platform") in Platform.values else ""
    query = request.GET.urlencode()
    skipped = request.session.get("antrean_lewati", [])
    queue = _queue(request, unit, platform)

    if request.method == "POST":
        pk = request.POST.get("akun", "")
        if "batalkan" in request.POST:
            _undo(request)
            return HttpResponseRedirect(f"{request.path}?{query}")
        if "lewati" in request.POST:
            if pk.isdigit():
                request.session["antrean_lewati"] = [*skipped, int(pk)][-500:]
            return HttpResponseRedirect(f"{request.path}?{query}")
        pk = int(pk) if pk.isdigit() else 0
        # Read under the locks a deletion or a move of its owner takes (registry.kunci, point 4).
        lock_units_of(lambda: account_units([pk]))
        akun = queue.filter(pk=pk).first()
        if akun is None:
            # Verified by a colleague a moment ago; absent (deleted meanwhile) or out of scope: 404.
            get_object_or_404(AkunMedsos.objects.for_user(request.user), pk=pk)
            messages.info(request, "Akun itu baru saja diverifikasi pemeriksa lain; lanjut ke akun berikutnya.")
            return HttpResponseRedirect(f"{request.path}?{query}")
        required = list(akun.required_official())
        form = AntreanForm(request.POST, request.FILES, required=required)
        if form.is_valid():
            _record(request, akun, required, form.cleaned_data)
            return HttpResponseRedirect(f"{request.path}?{query}")
    else:
        if request.GET.get("ulang"):
            request.session["antrean_lewati"] = skipped = []
        retry = request.session.pop("antrean_berikut", None)
        akun = (retry and queue.filter(pk=retry).first()) or queue.exclude(pk__in=skipped).first()
        required = list(akun.required_official()) if akun else []
        form = AntreanForm(initial={"akun": akun.pk} if akun else None, required=required)

    remaining = CountedPaginator(queue.exclude(pk__in=skipped), 1)
    return TemplateResponse(
        request,
        "admin/registry/antrean.html",
        page_context(
            request,
            "Antrean verifikasi",
            akun=akun,
            form=form,
            terakhir=_undoable(request),
            undo_minutes=UNDO_MINUTES,
            unit_select=UnitChoiceField(queryset=units, required=False, empty_label="Semua instansi").widget.render(
                "instansi", unit.pk if unit else "", {"id": "id_q_instansi"}
            ),
            unit=unit,
            platforms=Platform.choices,
            platform=platform,
            remaining=remaining,
            skipped=len(skipped),
            results=HasilVerifikasi.choices,
            opts=AkunMedsos._meta,
        ),
    )
