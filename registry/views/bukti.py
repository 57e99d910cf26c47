"""Screenshots of checks and of spreading proofs, served only to who may see them."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from registry.models import BuktiSebar, Verifikasi
from registry.views.dasar import require


def _serve(field):
    if not field:
        raise Http404("Data ini tidak memiliki tangkapan layar.")
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404("Berkas tangkapan layar tidak ditemukan di server.") from None
    # admin_view's never_cache keeps this personal data out of shared caches.
    return FileResponse(handle)


def bukti_verifikasi(request, pk):
    """A verification's screenshot, to those who may view that verification."""
    require(request, "view_verifikasi")
    return _serve(get_object_or_404(Verifikasi.objects.for_user(request.user), pk=pk).bukti)


def bukti_sebar(request, pk):
    """A spreading proof's screenshot, to those who may view that proof."""
    require(request, "view_buktisebar")
    return _serve(get_object_or_404(BuktiSebar.objects.for_user(request.user), pk=pk).bukti)
