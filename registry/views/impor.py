"""The rows an import wrote, read from their history."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from registry.models import AkunMedsos, Impor, Instansi, JenisImpor, Pegawai
from registry.views.dasar import page_context, require

# What each kind of import writes, whose history names the import.
IMPORTED_MODELS = {JenisImpor.PEGAWAI: Pegawai, JenisImpor.AKUN: AkunMedsos, JenisImpor.INSTANSI: Instansi}
IMPOR_RIWAYAT_PER_PAGE = 100


def impor_riwayat(request, pk):
    """The rows an import wrote, as their history records them ("impor #12"):
    to the user who may see the import (their own, or all for the BKD)."""
    require(request, "view_impor")
    record = get_object_or_404(Impor.objects.for_user(request.user), pk=pk)
    model = IMPORTED_MODELS.get(record.jenis)
    if model is None:
        raise Http404("Impor ini tidak menulis baris data.")
    written = model.history.filter(history_change_reason=f"impor #{record.pk}").order_by("history_id")
    page = Paginator(written, IMPOR_RIWAYAT_PER_PAGE).get_page(request.GET.get("halaman"))
    kind = {"+": "ditambahkan", "~": "diubah", "-": "dihapus"}
    rows = [(kind[r.history_type], r.history_object, r.id) for r in page.object_list]
    return TemplateResponse(request, "admin/registry/impor_riwayat.html", page_context(
        request, f"Baris yang ditulis impor #{record.pk} ({record.nama_berkas})",
        record=record, page=page, rows=rows, model_name=model._meta.model_name,
    ))
