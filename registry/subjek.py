"""The data subject's right of access (UU 27/2022 Pasal 32): everything the
registry holds about one employee, as a printable page and as one .xlsx.

Both are built from ``rows(pegawai, user)``: (section, time, what, value)
rows, so that the page and the file can never disagree. Each download or
print is recorded in the employee's history as an access.
"""

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone

from registry import identity, sheets
from registry.cakupan import role_of, sees_full_nik
from registry.models import (
    AkunMedsos,
    BuktiSebar,
    HasilVerifikasi,
    Impor,
    Kepatuhan,
    Pegawai,
    StatusKepegawaian,
    SumberBukti,
    SumberVerifikasi,
    Verifikasi,
)
from registry.riwayat import record_history

HEADERS = ["BAGIAN", "WAKTU", "URAIAN", "ISI"]
IMPORT_PREFIX = "impor #"


def _when(moment):
    return f"{timezone.localtime(moment):%d-%m-%Y %H.%M}" if moment else ""


def _history_by(record):
    """Through what and by whom, the way the Riwayat page says it."""
    through = record.history_change_reason or ("formulir admin" if record.history_user_id else "baris perintah")
    role = role_of(record.history_user) if record.history_user_id else ""
    return f"{through}{f', oleh {role}' if role else ''}"


def rows(pegawai, user):
    """Everything held about ``pegawai``: identity, changes (unit history
    included), accounts with what they follow, every check with its time
    and checker's role, the proofs of spreading and their checks, and the
    imports that wrote the row."""
    nik = pegawai.nik if sees_full_nik(user) else identity.masked(pegawai.nik)
    out = [
        ("Identitas", "", "Nama", pegawai.nama),
        ("Identitas", "", "NIP", pegawai.nip or ""),
        ("Identitas", "", "NIK", nik or ""),
        ("Identitas", "", "Jenis kelamin", {"L": "Laki-laki", "P": "Perempuan"}.get(pegawai.jenis_kelamin, "")),
        ("Identitas", "", "Jabatan", pegawai.jabatan),
        ("Identitas", "", "Instansi", pegawai.instansi.nama),
        ("Identitas", "", "Status kepegawaian", StatusKepegawaian(pegawai.status_kepegawaian).label),
        ("Identitas", "", "Aktif", "Ya" if pegawai.aktif else "Tidak"),
        ("Identitas", "", "Kepatuhan", Kepatuhan(pegawai.kepatuhan).label if pegawai.kepatuhan else "Nonaktif"),
        ("Identitas", _when(pegawai.dibuat_pada), "Terdaftar sejak", ""),
    ]
    history = list(
        Pegawai.history.filter(id=pegawai.pk).select_related("instansi", "history_user").order_by("history_date")
    )
    for record in history:
        kind = {"+": "Ditambahkan", "~": "Diubah", "-": "Dihapus"}[record.history_type]
        detail = (
            f"{record.instansi.nama if record.instansi_id else '—'}; {record.jabatan or 'tanpa jabatan'}; "
            f"{StatusKepegawaian(record.status_kepegawaian).label}; {'aktif' if record.aktif else 'nonaktif'}"
        )
        out.append(("Riwayat data dan unit kerja", _when(record.history_date), f"{kind} ({_history_by(record)})",
                    detail))
    accounts = AkunMedsos.objects.filter(pegawai=pegawai).prefetch_related("mengikuti").order_by("platform", "username")
    for akun in accounts:
        result = HasilVerifikasi(akun.hasil_terakhir).label if akun.hasil_terakhir else "belum diverifikasi"
        out.append(("Akun media sosial", _when(akun.dibuat_pada), f"{akun.get_platform_display()} @{akun.username}",
                    f"{result}; {akun.url}"))
        for official in akun.mengikuti.all():
            out.append(("Akun resmi yang diikuti", "", f"@{akun.username}",
                        f"{official.get_platform_display()} @{official.username}"))
    checks = Verifikasi.objects.filter(akun__pegawai=pegawai).select_related("akun", "pemeriksa").order_by("waktu")
    for check in checks:
        checker = role_of(check.pemeriksa) if check.pemeriksa_id else "sistem"
        out.append(("Verifikasi", _when(check.waktu), f"@{check.akun.username}: {check.get_hasil_display()}",
                    f"{SumberVerifikasi(check.sumber).label}; pemeriksa: {checker or 'pengguna tanpa peran'}"
                    f"{'; catatan: ' + check.catatan if check.catatan else ''}"
                    f"{'; ada tangkapan layar' if check.bukti else ''}"))
    proofs = BuktiSebar.objects.filter(pegawai=pegawai).select_related("konten", "akun", "pemeriksa").order_by("waktu")
    for proof in proofs:
        checked = (f"; diperiksa {_when(proof.diperiksa_pada)} oleh "
                   f"{role_of(proof.pemeriksa) if proof.pemeriksa_id else 'pemeriksa'}: {proof.get_hasil_display()}"
                   if proof.diperiksa_pada else "")
        out.append(("Bukti sebar konten", _when(proof.waktu), proof.konten.judul or proof.konten.tautan,
                    f"dari @{proof.akun.username}; {proof.tautan or 'tanpa tautan'}; "
                    f"{SumberBukti(proof.sumber).label}{'; ada tangkapan layar' if proof.bukti else ''}{checked}"
                    f"{'; catatan: ' + proof.catatan if proof.catatan else ''}"))
    imports = {int(r.history_change_reason[len(IMPORT_PREFIX):]) for r in history
               if (r.history_change_reason or "").startswith(IMPORT_PREFIX)
               and r.history_change_reason[len(IMPORT_PREFIX):].isdigit()}
    for record in Impor.objects.filter(pk__in=imports).order_by("waktu"):
        out.append(("Impor yang mengubah data ini", _when(record.waktu), f"impor #{record.pk}",
                    f"{record.get_jenis_display()}: {record.nama_berkas}"))
    return out


def _employee(request, pk):
    if not request.user.has_perm("registry.view_pegawai"):
        raise Http404("Data tidak ditemukan.")
    pegawai = Pegawai.objects.for_user(request.user).select_related("instansi").filter(pk=pk).first()
    if pegawai is None:
        raise Http404("Data tidak ditemukan.")
    return pegawai


def _record_access(pegawai, user, how):
    """The access itself goes into the employee's history: who looked, when."""
    record_history(Pegawai, [pegawai.pk], "~", user, f"akses subjek data: {how}")


def halaman(request, pk):
    pegawai = _employee(request, pk)
    _record_access(pegawai, request.user, "cetak data pribadi")
    return render(request, "registry/data_pribadi.html", {
        "pegawai": pegawai, "rows": rows(pegawai, request.user), "dicetak": timezone.localtime(),
        "title": f"Data pribadi {pegawai.nama}",
    })


def unduh(request, pk):
    pegawai = _employee(request, pk)
    _record_access(pegawai, request.user, "unduh data pribadi")
    now = timezone.localtime()
    writer = sheets.XlsxWriter(HEADERS, text_columns={"ISI"}, title=[
        f"DATA PRIBADI YANG DISIMPAN REGISTRI: {pegawai.nama.upper()}",
        f"Diunduh {now:%d-%m-%Y %H.%M} WIB oleh {request.user.get_full_name() or request.user.username}",
    ])
    for row in rows(pegawai, request.user):
        writer.append(list(row))
    return FileResponse(writer.close(), as_attachment=True, filename=f"data-pribadi-{pegawai.pk}-{now:%Y%m%d}.xlsx")
