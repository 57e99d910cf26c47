"""An import's record from upload to its end: the preview a clerk may
confirm, its counts, and previews nobody confirmed in time."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from registry.impor.rencana import BARU, BERUBAH, DITOLAK, TETAP, Plan
from registry.models import Impor, StatusImpor


def open_preview(user, pk, kind):
    """The user's unconfirmed preview of this kind, or 404 (also for a
    mangled id, and for a preview stored before an upgrade changed how
    previews are kept: it is gone like one not confirmed in time)."""
    pk = str(pk)
    if not pk.isdigit():
        raise Http404("Pratinjau impor tidak ditemukan.")
    record = get_object_or_404(
        Impor.objects.for_user(user), pk=pk, jenis=kind, status=StatusImpor.PRATINJAU, rencana__isnull=False
    )
    if not Plan.readable(record.rencana):
        raise Http404("Pratinjau impor ini dibuat sebelum pembaruan aplikasi; unggah ulang berkasnya.")
    return record


def record_counts(plan):
    counts = plan.counts
    return {
        "baru": counts[BARU],
        "berubah": counts[BERUBAH],
        "tetap": counts[TETAP],
        "ditolak": counts[DITOLAK],
        "dinonaktifkan": len(plan.missing),
    }


def close_import(record, status, plan=None):
    """End a preview: keep its counts, drop its rows (personal data)."""
    record.status = status
    record.rencana = None
    record.selesai_pada = timezone.now()
    if plan is not None:
        for name, value in record_counts(plan).items():
            setattr(record, name, value)
    record.save()


def stale_before():
    """Previews uploaded before this moment were not confirmed in time."""
    return timezone.now() - timezone.timedelta(minutes=settings.REGISTRI_IMPORT_TTL_MINUTES)


def discard_stale_imports():
    """Drop the rows of previews nobody confirmed in time."""
    return Impor.objects.filter(status=StatusImpor.PRATINJAU, waktu__lt=stale_before()).update(
        status=StatusImpor.KEDALUWARSA, rencana=None, selesai_pada=timezone.now()
    )
