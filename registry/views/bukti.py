"""A check's screenshot, served only to who may see that check."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from registry.models import Verifikasi
from registry.views.dasar import require


def bukti_verifikasi(request, pk):
    """A verification's screenshot, to those who may view that verification."""
    require(request, "view_verifikasi")
    verifikasi = get_object_or_404(Verifikasi.objects.for_user(request.user), pk=pk)
    if not verifikasi.bukti:
        raise Http404("Verifikasi ini tidak memiliki bukti.")
    try:
        handle = verifikasi.bukti.open("rb")
    except FileNotFoundError:
        raise Http404("Berkas bukti tidak ditemukan di server.") from None
    # admin_view's never_cache keeps this personal data out of shared caches.
    return FileResponse(handle)
