"""Custom admin views. Each is wrapped by ``admin_site.admin_view`` (which
only checks ``is_staff``) and checks model permissions and scope itself."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from registry.models import Verifikasi


def bukti_verifikasi(request, pk):
    """A verification's screenshot, to those who may view that verification."""
    if not request.user.has_perm("registry.view_verifikasi"):
        raise PermissionDenied
    verifikasi = get_object_or_404(Verifikasi.objects.for_user(request.user), pk=pk)
    if not verifikasi.bukti:
        raise Http404("Verifikasi ini tidak memiliki bukti.")
    try:
        handle = verifikasi.bukti.open("rb")
    except FileNotFoundError:
        raise Http404("Berkas bukti tidak ditemukan di server.") from None
    # admin_view's never_cache keeps this personal data out of shared caches.
    return FileResponse(handle)
