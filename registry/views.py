"""Custom admin views. Each is wrapped by ``admin_site.admin_view`` (which
only checks ``is_staff``) and checks model permissions and scope itself;
every query goes through ``for_user``."""

import itertools
from collections import defaultdict
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Subquery, Sum
from django.db.models.functions import Substr
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.text import slugify

from registry import followers, identity, resources, sheets
from registry.filters import EVALUASI, EvaluasiFilter, RekapForm, UnitChoiceField, own_units
from registry.models import (
    AkunMedsos,
    HasilVerifikasi,
    Impor,
    Instansi,
    JenisImpor,
    Kepatuhan,
    FIGURES,
    Pegawai,
    OPERATOR_OPD,
    Pengaturan,
    Platform,
    ProfilPengguna,
    RekapHarian,
    RekapUnit,
    StatusImpor,
    StatusKepegawaian,
    SumberVerifikasi,
    Verifikasi,
    WajibIkuti,
    figures,
    record_day_if_missing,
    record_verification,
    role_of,
    outermost,
    sees_full_nik,
    undo_verification,
    scope_paths,
    subquery_aggregate,
    subquery_count,
    valid_follows,
)

EVALUASI_PER_PAGE = 100
# A list longer than this says "more than" rather than counting every row.
COUNT_CAP = 10000


class CountedPaginator(Paginator):
    """A paginator that never counts a million rows: it is told the count
    (summed from RekapUnit), or counts up to COUNT_CAP + 1 and says "more
    than" (``capped``). Also the admin changelists' paginator."""

    cap = COUNT_CAP

    def __init__(self, *args, count=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_count = count

    @cached_property
    def count(self):
        if self.known_count is not None:
            return self.known_count
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self):
        return self.count > self.cap


def ribuan(value):
    """A whole number with the Indonesian thousand separator: 10.000."""
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def perubahan(value, unit=""):
    """A change since the compared date, read at a glance: "▲ 12", "▼ 2,5 poin", "tetap"."""
    if not value:
        return "tetap"
    arrow = "▲" if value > 0 else "▼"
    amount = formats.number_format(abs(value), decimal_pos=1 if isinstance(value, float) else None,
                                   use_l10n=True, force_grouping=True)
    return f"{arrow} {amount}{' ' + unit if unit else ''}"


def require(request, permission):
    if not request.user.has_perm(f"registry.{permission}"):
        raise PermissionDenied


def page_context(request, title, **extra):
    return {**admin.site.each_context(request), "title": title, **extra}


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


def home_unit(request):
    """The unit a user's lists are about by default: the top of their scope."""
    return Instansi.objects.for_user(request.user).filter(aktif=True).order_by("jalur").first()


def preparer_role(user):
    """The user's role as a printed list names its preparer."""
    role = role_of(user)
    if role == OPERATOR_OPD:
        return " ".join([role, *(own_units(user) or [])[:1]])
    return role or "Petugas"


def print_context(request, title, filters, unit, list_url, subtitle=""):
    """What every printed list carries: letterhead and signatory for
    ``unit``, who prepared it and when, the filters, the orientation and
    where *Kembali* goes when the print has no page to go back to (the list
    at ``list_url`` with the same filters)."""
    settings_row = Pengaturan.current()
    jabatan, nama, nip = settings_row.signatory(unit)
    user = request.user
    profile = ProfilPengguna.objects.filter(pengguna=user).first()
    landscape = request.GET.get("orientasi") == "lanskap"
    filters_only = request.GET.copy()
    filters_only.pop("orientasi", None)
    other_orientation = filters_only.copy()
    if not landscape:
        other_orientation["orientasi"] = "lanskap"
    return {
        "title": title,
        "subjudul": subtitle,
        "filters": filters,
        "jabatan": jabatan,
        "nama": nama,
        "nip": nip,
        "tempat": settings_row.tempat,
        "kop": settings_row,
        "logo": settings_row.logo_data_uri(),
        "pembuat": {"nama": user.get_full_name() or user.get_username(), "nip": profile.nip if profile else "",
                    "jabatan": preparer_role(user)},
        "dicetak": timezone.localtime(),
        "lanskap": landscape,
        "orientasi_url": f"?{other_orientation.urlencode()}",
        "kembali": f"{list_url}?{filters_only.urlencode()}",
    }


# Verification queue --------------------------------------------------------


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
        akun = queue.filter(pk=pk if pk.isdigit() else 0).first()
        if akun is None:
            # Verified by a colleague a moment ago, or never in this queue.
            get_object_or_404(AkunMedsos.objects.for_user(request.user), pk=pk if pk.isdigit() else 0)
            messages.info(request, "Akun itu baru saja diverifikasi pemeriksa lain; lanjut ke akun berikutnya.")
            return HttpResponseRedirect(f"{request.path}?{query}")
        required = list(akun.required_official())
        form = AntreanForm(request.POST, request.FILES, required=required)
        if form.is_valid():
            seen = [a for a in required if str(a.pk) in form.cleaned_data["mengikuti"]]
            followed_before = list(akun.mengikuti.filter(pk__in=[a.pk for a in required]).values_list("pk", flat=True))
            verifikasi = record_verification(
                akun,
                request.user,
                form.cleaned_data["hasil"],
                seen=seen,
                checked=required,
                catatan=form.cleaned_data["catatan"],
                bukti=form.cleaned_data["bukti"] or "",
                melalui="antrean verifikasi",
            )
            request.session["antrean_terakhir"] = {
                "verifikasi": verifikasi.pk,
                "diperiksa": [a.pk for a in required],
                "diikuti": followed_before,
            }
            messages.success(
                request, f"@{akun.username}: {HasilVerifikasi(form.cleaned_data['hasil']).label} tercatat."
            )
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


# Follower lists --------------------------------------------------------------


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
        record = resources.open_preview(request.user, request.POST["impor"], JenisImpor.PENGIKUT)
        names = resources.Plan.load(record.rencana).options["usernames"]
        result = followers.match(official, followers.FollowerList(set(names), 0))
        if "batal" in request.POST:
            resources.close_import(record, StatusImpor.DIBATALKAN)
            messages.info(request, "Impor daftar pengikut dibatalkan; tidak ada yang berubah.")
        elif followers.dropped(result.followers, last) and not request.POST.get("turun_diperiksa"):
            context.update(_follower_preview(record, result, last), turun_belum_dicentang=True)
            return TemplateResponse(request, "admin/registry/pengikut.html", context)
        else:
            followers.apply(official, result, request.user, record.nama_berkas)
            _close_followers(record, result)
            messages.success(
                request,
                f"Daftar pengikut diterapkan: {ribuan(len(result.to_add))} akun kini mengikuti, "
                f"{ribuan(len(result.to_remove))} tidak lagi mengikuti, {ribuan(result.followers)} pengikut tercatat.",
            )
        return HttpResponseRedirect(reverse("admin:registry_akunmedsos_statistik", args=[official.pk]))

    if request.method == "POST" and form.is_valid():
        resources.discard_stale_imports()
        upload = form.cleaned_data["berkas"]
        try:
            sheets.check_size(upload.size, followers.FOLLOWERS_ADVICE)
            found = followers.read(upload.read(), upload.name, official.platform)
            followers.check_owner(found, official)
        except sheets.FileRejected as e:
            form.add_error("berkas", str(e))
        else:
            result = followers.match(official, found)
            plan = resources.Plan(JenisImpor.PENGIKUT, upload.name, [], [], {"usernames": sorted(found.usernames)})
            record = Impor.objects.create(
                pengguna=request.user, jenis=JenisImpor.PENGIKUT, nama_berkas=upload.name[:255],
                rencana=plan.dump(), ditolak=found.unreadable,
            )
            context.update(_follower_preview(record, result, last))
    return TemplateResponse(request, "admin/registry/pengikut.html", context)


def _follower_preview(record, result, last):
    drop = followers.dropped(result.followers, last)
    return {
        "record": record,
        "result": result,
        "found": result.found[:200],
        "absent": result.absent[:200],
        "terakhir": last,
        "turun": drop and round(100 * (last[0] - result.followers) / last[0]),
    }


def _close_followers(record, result):
    record.baru, record.berubah = len(result.to_add), len(result.to_remove)
    record.tetap = len(result.found) + len(result.absent) - record.baru - record.berubah
    resources.close_import(record, StatusImpor.SELESAI)


# Evaluasi --------------------------------------------------------------------


def _evaluasi_filter(request, jenis):
    require(request, "view_pegawai")
    if jenis not in EVALUASI:
        raise Http404("Daftar evaluasi tidak dikenal.")
    return EvaluasiFilter(request.GET, jenis=jenis, request=request)


def evaluasi(request, jenis):
    filterset = _evaluasi_filter(request, jenis)
    valid = filterset.is_valid()
    paginator = (
        CountedPaginator(filterset.qs, EVALUASI_PER_PAGE, count=filterset.total())
        if valid
        else CountedPaginator(Pegawai.objects.none(), EVALUASI_PER_PAGE, count=0)
    )
    page = paginator.get_page(request.GET.get("halaman"))
    rows = (
        list(_evaluasi_rows(page.object_list, filterset.form.cleaned_data.get("platform"), page.start_index()))
        if valid else []
    )
    query = request.GET.copy()
    query.pop("halaman", None)
    return TemplateResponse(
        request,
        "admin/registry/evaluasi.html",
        page_context(
            request,
            EVALUASI[jenis][0],
            jenis=jenis,
            questions=[(slug, title) for slug, (title, _) in EVALUASI.items()],
            filterset=filterset,
            valid=valid,
            page=page,
            rows=rows,
            query=query.urlencode(),
            opts=Pegawai._meta,
        ),
    )


# Short names a clerk reads in a Keterangan column; others by their label.
PLATFORM_SINGKAT = {Platform.INSTAGRAM: "IG", Platform.FACEBOOK: "FB", Platform.X: "X"}
EVALUASI_BATCH = 1000


def _akun_singkat(platform, username):
    return f"{PLATFORM_SINGKAT.get(platform, Platform(platform).label)} @{username}"


def _keterangan(people, platform=None):
    """{pegawai pk: what that person still lacks, in words} for ``people``
    (rows annotated with ``keadaan``): their unverified accounts, or the
    required official accounts none of their valid accounts follows. At
    most three queries for the whole batch, never one per person."""
    unverified = [p.pk for p in people if p.keadaan == Kepatuhan.BELUM_DIVERIFIKASI]
    following = [p for p in people if p.keadaan == Kepatuhan.BELUM_MENGIKUTI]
    on_platform = {"platform": platform} if platform else {}
    accounts = defaultdict(list)
    if unverified:
        for owner, name, username, hasil in AkunMedsos.objects.filter(
            pegawai__in=unverified, **on_platform
        ).order_by("platform", "username").values_list("pegawai_id", "platform", "username", "hasil_terakhir"):
            result = HasilVerifikasi(hasil).label.lower() if hasil else "belum diperiksa"
            accounts[owner].append(f"{_akun_singkat(name, username)} ({result})")
    required, followed = defaultdict(list), set()
    if following:
        for unit, official, name, username in WajibIkuti.objects.filter(
            instansi__in={p.instansi_id for p in following},
            **{f"akun__{k}": v for k, v in on_platform.items()},
        ).order_by("akun__platform", "akun__username").values_list(
            "instansi_id", "akun_id", "akun__platform", "akun__username"
        ):
            required[unit].append((official, _akun_singkat(name, username)))
        # Follows as DESIGN §3 counts them, by the rule's own definition.
        counted = valid_follows(
            pegawai=OuterRef("from_akunmedsos__pegawai_id"),
            official=OuterRef("to_akunmedsos_id"),
            platform=OuterRef("to_akunmedsos__platform"),
        )
        followed = set(
            AkunMedsos.mengikuti.through.objects.filter(
                Exists(counted),
                from_akunmedsos__pegawai__in=[p.pk for p in following],
                to_akunmedsos__in={official for units in required.values() for official, _ in units},
            ).values_list("from_akunmedsos__pegawai_id", "to_akunmedsos_id")
        )
    where = f"akun {Platform(platform).label}" if platform else "akun"
    said = {}
    for p in people:
        if p.keadaan == Kepatuhan.BELUM_PUNYA_AKUN:
            said[p.pk] = f"Belum mendaftarkan {where}"
        elif p.keadaan == Kepatuhan.BELUM_DIVERIFIKASI:
            said[p.pk] = "Belum ada akun terverifikasi valid: " + ", ".join(accounts[p.pk])
        elif p.keadaan == Kepatuhan.BELUM_MENGIKUTI:
            missing = [label for official, label in required[p.instansi_id] if (p.pk, official) not in followed]
            said[p.pk] = "Belum mengikuti " + ", ".join(missing)
        else:
            said[p.pk] = Kepatuhan(p.keadaan).label
    return said


def _evaluasi_rows(people, platform=None, start=1):
    """(number, pegawai, state, keterangan) for ``people``, explained a batch at a time."""
    people, numbers = iter(people), itertools.count(start)
    while batch := list(itertools.islice(people, EVALUASI_BATCH)):
        said = _keterangan(batch, platform)
        for p in batch:
            yield next(numbers), p, Kepatuhan(p.keadaan).label, said[p.pk]


def _subject(filterset, request):
    """The unit a list is about, for its letterhead and subtitle: the chosen
    one, else an operator's own (None: every unit, or several)."""
    chosen = filterset.form.cleaned_data.get("instansi")
    if chosen or request.user.has_perm("registry.lihat_semua_instansi"):
        return chosen, chosen.nama if chosen else ""
    return home_unit(request), ", ".join(own_units(request.user))


def evaluasi_cetak(request, jenis):
    filterset = _evaluasi_filter(request, jenis)
    if not filterset.is_valid():
        raise Http404("Saring tidak sah; kembali ke daftar dan perbaiki pilihan saringan.")
    unit, subtitle = _subject(filterset, request)
    platform = filterset.form.cleaned_data.get("platform")
    rows = list(_evaluasi_rows(filterset.qs.iterator(chunk_size=EVALUASI_BATCH), platform))
    list_url = reverse("admin:registry_evaluasi", args=[jenis])
    return TemplateResponse(
        request,
        "registry/cetak_evaluasi.html",
        {
            **print_context(request, EVALUASI[jenis][0], filterset.in_words(), unit, list_url, subtitle),
            "rows": rows,
            # The last three rows are kept with the signatures.
            "penutup_dari": max(len(rows) - 2, 1),
        },
    )


def evaluasi_unduh(request, jenis):
    filterset = _evaluasi_filter(request, jenis)
    if not filterset.is_valid():
        raise Http404("Saring tidak sah; kembali ke daftar dan perbaiki pilihan saringan.")
    unit, subtitle = _subject(filterset, request)
    now = timezone.localtime()
    writer = sheets.XlsxWriter(
        ["NO", "NIP", "NIK", "NAMA", "JABATAN", "UNIT KERJA", "STATUS KEPEGAWAIAN", "KEADAAN", "KETERANGAN"],
        text_columns={"NIP", "NIK"},
        title=[_titled(EVALUASI[jenis][0], subtitle), *filterset.in_words(), _printed(request, now)],
    )
    platform = filterset.form.cleaned_data.get("platform")
    nik = (lambda n: n) if sees_full_nik(request.user) else identity.masked
    for number, p, state, keterangan in _evaluasi_rows(filterset.qs.iterator(chunk_size=EVALUASI_BATCH), platform):
        writer.append([number, p.nip, nik(p.nik), p.nama, p.jabatan, p.instansi.nama,
                       StatusKepegawaian(p.status_kepegawaian).label, state, keterangan])
    return FileResponse(writer.close(), as_attachment=True, filename=_file_name(f"evaluasi-{jenis}", unit, now))


def _titled(title, subtitle):
    return f"{title.upper()} — {subtitle.upper()}" if subtitle else title.upper()


def _printed(request, now):
    return f"Diunduh {formats.date_format(now, 'j F Y H.i')} WIB oleh {request.user.get_full_name() or request.user}"


def _file_name(name, unit, now):
    """"evaluasi-tidak-patuh-dinkes-2026-11-25.xlsx": the list, the unit, the date."""
    unit_part = f"-{slugify(unit.singkatan or unit.kode or unit.nama)}" if unit else ""
    return f"{name}{unit_part}-{now:%Y-%m-%d}.xlsx"


# Rekap -------------------------------------------------------------------------


def _rekap(request):
    """(form, unit, rows, total) of the recap: per row, the figures now and,
    when a date is chosen, the change since that date's record."""
    require(request, "view_pegawai")
    record_day_if_missing()
    form = RekapForm(request.GET or None, request=request)
    if request.GET and not form.is_valid():
        return form, None, None, None
    unit = form.chosen.get("instansi") or home_unit(request)
    if unit is None:
        return form, None, [], None
    status = form.chosen.get("status_kepegawaian")
    children = list(Instansi.objects.filter(induk=unit).order_by("jalur").values("pk", "nama", "jalur"))
    # One grouped read of RekapUnit: per child subtree (the first path
    # segment below the unit), and the unit's own staff.
    counts = RekapUnit.objects.for_user(request.user).filter(instansi__jalur__startswith=unit.jalur)
    if status:
        counts = counts.filter(status_kepegawaian=status)
    per_row = {}
    grouped = (
        counts.annotate(cabang=Substr("instansi__jalur", 1, len(unit.jalur) + 7))
        .values("cabang", "kepatuhan")
        .annotate(n=Sum("jumlah"))
        .order_by()
    )
    for row in grouped:
        per_row.setdefault(row["cabang"], {})[row["kepatuhan"]] = row["n"]
    rows = []
    direct = figures(per_row.get(unit.jalur, {}))
    if direct["aktif"] or not children:
        rows.append({"pk": unit.pk, "nama": f"{unit.nama} (langsung)" if children else unit.nama,
                     "langsung": bool(children), **direct})
    for child in children:
        rows.append({"pk": child["pk"], "nama": child["nama"], **figures(per_row.get(child["jalur"], {}))})
    total = {"pk": unit.pk, "nama": "Jumlah", **figures(_sum_states(per_row.values()))}
    since = form.chosen.get("bandingkan")
    if since:
        _compare(rows, total, unit, status, since)
    return form, unit, [_percentages(row) for row in rows], _percentages(total)


def _sum_states(groups):
    summed = {}
    for states in groups:
        for state, n in states.items():
            summed[state] = summed.get(state, 0) + n
    return summed


def _compare(rows, total, unit, status, since):
    """Add to each row its figures on ``since`` (RekapHarian) and the change.

    A row of a unit's own staff ("langsung") was its subtree then less its
    children's subtrees, as it is now.
    """
    then = RekapHarian.objects.filter(tanggal=since, instansi__in=[unit.pk, *(r["pk"] for r in rows)])
    if status:
        then = then.filter(status_kepegawaian=status)
    recorded = {}
    for row in then.values("instansi_id").annotate(**{k: Sum(k) for k in FIGURES}).order_by():
        recorded[row.pop("instansi_id")] = row
    empty = dict.fromkeys(FIGURES, 0)
    children = [r for r in rows if not r.get("langsung") and r["pk"] != unit.pk]
    for row in rows:
        if row.get("langsung"):
            past = {k: recorded.get(unit.pk, empty)[k] - sum(recorded.get(c["pk"], empty)[k] for c in children)
                    for k in FIGURES}
        else:
            past = recorded.get(row["pk"], empty)
        row["dulu"] = _percentages(dict(past))
    total["dulu"] = _percentages(dict(recorded.get(unit.pk, empty)))
    for row in [*rows, total]:
        _percentages(row)
        row["selisih"] = {k: row[k] - row["dulu"][k] for k in ("aktif", "punya_akun", "terverifikasi", "patuh")}
        row["selisih_persen"] = {
            k: round(row[f"{k}_persen"] - row["dulu"][f"{k}_persen"], 1)
            for k in ("punya_akun", "terverifikasi", "patuh")
        }


def _percentages(counts):
    total = counts["aktif"]
    for key in ("punya_akun", "terverifikasi", "patuh"):
        counts[f"{key}_persen"] = round(100 * counts[key] / total, 1) if total else 0.0
    return counts


def rekap(request):
    form, unit, rows, total = _rekap(request)
    summary = _summary(form, unit, rows, total) if unit is not None and total is not None else ""
    return TemplateResponse(
        request,
        "admin/registry/rekap.html",
        page_context(request, "Rekap kepatuhan media sosial", form=form, unit=unit, rows=rows, total=total,
                     ringkasan=summary, query=request.GET.urlencode(), opts=Pegawai._meta),
    )


def _percent(value):
    return formats.number_format(value, decimal_pos=1, use_l10n=True)


def _summary(form, unit, rows, total):
    """The recap as heads send it to a WhatsApp group: plain text, *bold*
    title, one figure a line, then one line a unit, weakest first."""
    since, status = form.chosen.get("bandingkan"), form.chosen.get("status_kepegawaian")
    lines = [
        f"*Rekap kepatuhan media sosial ASN — {unit.nama}*",
        f"Per {formats.date_format(timezone.localdate(), 'j F Y')}"
        + (f", {StatusKepegawaian(status).label}" if status else ""),
        "",
        f"Pegawai aktif: {ribuan(total['aktif'])}",
        f"Punya akun: {ribuan(total['punya_akun'])} ({_percent(total['punya_akun_persen'])}%)",
        f"Terverifikasi: {ribuan(total['terverifikasi'])} ({_percent(total['terverifikasi_persen'])}%)",
        f"Patuh: {ribuan(total['patuh'])} ({_percent(total['patuh_persen'])}%)",
        f"Belum punya akun: {ribuan(total['tanpa_akun'])}",
    ]
    if since:
        lines.append(
            f"Sejak {formats.date_format(since, 'j F Y')}: patuh {perubahan(total['selisih']['patuh'])} "
            f"({perubahan(total['selisih_persen']['patuh'], 'poin')})"
        )
    if rows:
        lines += ["", "Patuh per unit:"]
        for row in sorted(rows, key=lambda r: (r["patuh_persen"], r["nama"])):
            counted = f"{ribuan(row['patuh'])}/{ribuan(row['aktif'])}"
            lines.append(f"- {row['nama']}: {_percent(row['patuh_persen'])}% ({counted})")
    return "\n".join(lines)


REKAP_TITLE = "Rekapitulasi kepatuhan media sosial pegawai"


def rekap_cetak(request):
    form, unit, rows, total = _rekap(request)
    if unit is None:
        raise Http404("Saring tidak sah; kembali ke rekap dan perbaiki pilihan saringan.")
    return TemplateResponse(
        request,
        "registry/cetak_rekap.html",
        {**print_context(request, REKAP_TITLE, form.in_words(unit), unit, reverse("admin:registry_rekap"), unit.nama),
         "rows": rows, "total": total, "since": form.chosen.get("bandingkan")},
    )


def rekap_unduh(request):
    form, unit, rows, total = _rekap(request)
    if unit is None:
        raise Http404("Saring tidak sah; kembali ke rekap dan perbaiki pilihan saringan.")
    since = form.chosen.get("bandingkan")
    headers = ["UNIT", "PEGAWAI AKTIF", "PUNYA AKUN", "% PUNYA AKUN", "TERVERIFIKASI", "% TERVERIFIKASI",
               "PATUH", "% PATUH", "TANPA AKUN"]
    if since:
        stamp = f"{since:%d-%m-%Y}"
        headers += [f"PATUH {stamp}", f"% PATUH {stamp}", "PERUBAHAN PATUH", "PERUBAHAN % PATUH (POIN)",
                    f"TERVERIFIKASI {stamp}", "PERUBAHAN TERVERIFIKASI"]
    now = timezone.localtime()
    writer = sheets.XlsxWriter(
        headers, title=[_titled(REKAP_TITLE, unit.nama), *form.in_words(unit), _printed(request, now)]
    )
    for c in [*rows, total]:
        line = [c["nama"].upper() if c is total else c["nama"], c["aktif"], c["punya_akun"],
                c["punya_akun_persen"], c["terverifikasi"], c["terverifikasi_persen"], c["patuh"],
                c["patuh_persen"], c["tanpa_akun"]]
        if since:
            line += [c["dulu"]["patuh"], c["dulu"]["patuh_persen"], c["selisih"]["patuh"],
                     c["selisih_persen"]["patuh"], c["dulu"]["terverifikasi"], c["selisih"]["terverifikasi"]]
        writer.append(line)
    return FileResponse(writer.close(), as_attachment=True, filename=_file_name("rekap-kepatuhan", unit, now))


# Official accounts -------------------------------------------------------------


def official_accounts(request):
    """Official accounts with their required followers: how many follow."""
    follows = valid_follows(
        pegawai=OuterRef("pk"), official=OuterRef(OuterRef("pk")), platform=OuterRef(OuterRef("platform"))
    )
    required = Pegawai.objects.filter(aktif=True, instansi__jalur__startswith=OuterRef("instansi__jalur"))
    # The staff bound by the account, summed from RekapUnit; who of them
    # follows it is a count of its followers, which no stored state holds.
    staff = RekapUnit.objects.filter(instansi__jalur__startswith=OuterRef("instansi__jalur")).order_by()
    return (
        AkunMedsos.objects.for_user(request.user)
        .filter(instansi__isnull=False)
        .select_related("instansi")
        .annotate(
            wajib_mengikuti=subquery_aggregate(staff, "SUM", "jumlah"),
            sudah_mengikuti=subquery_count(required.filter(Exists(follows))),
        )
        .order_by("instansi__jalur", "platform", "username")
    )


def akun_resmi(request):
    require(request, "view_akunmedsos")
    accounts = official_accounts(request)
    return TemplateResponse(
        request,
        "admin/registry/akun_resmi.html",
        page_context(request, "Akun resmi", accounts=accounts, opts=AkunMedsos._meta,
                     can_import=request.user.has_perm("registry.add_verifikasi")),
    )


def statistik(request, pk):
    require(request, "view_akunmedsos")
    official = get_object_or_404(official_accounts(request), pk=pk)
    history = list(
        official.verifikasi.filter(jumlah_pengikut__isnull=False).order_by("waktu").values("waktu", "jumlah_pengikut", "sumber")
    )
    return TemplateResponse(
        request,
        "admin/registry/statistik.html",
        page_context(request, f"Akun resmi {official}", official=official, history=history,
                     chart=_chart(history), opts=AkunMedsos._meta,
                     can_import=request.user.has_perm("registry.add_verifikasi")),
    )


def _chart(history):
    """Follower counts by date, from zero, placed by date. None before two counts."""
    if len(history) < 2:
        return None
    series = [(timezone.localdate(h["waktu"]), h["jumlah_pengikut"]) for h in history]
    top = nice_ceiling(max(count for _, count in series))
    return line_chart(series, series[0][0], series[-1][0], top, ribuan)


# Beranda -----------------------------------------------------------------------


def key_figures(request):
    """What the home page shows, for the user's scope: grouped counts and
    daily records, whatever the number of employees."""
    record_day_if_missing()
    unit = home_unit(request)
    per_state = dict(
        RekapUnit.objects.for_user(request.user).values_list("kepatuhan").annotate(n=Sum("jumlah")).order_by()
    )
    counts = figures(per_state)
    last_list = Verifikasi.objects.filter(akun=OuterRef("pk"), sumber=SumberVerifikasi.DAFTAR_PENGIKUT).order_by(
        "-waktu"
    )
    official = (
        AkunMedsos.objects.for_user(request.user)
        .filter(wajib_diikuti=True)
        .select_related("instansi")
        .annotate(
            daftar_terakhir=Subquery(last_list.values("waktu")[:1]),
            pengikut_terakhir=Subquery(last_list.values("jumlah_pengikut")[:1]),
        )
        .order_by("instansi__jalur", "platform")
    )
    return {
        "unit": unit,
        "aktif": counts["aktif"],
        "patuh": counts["patuh"],
        "persen_patuh": round(100 * counts["patuh"] / counts["aktif"], 1) if counts["aktif"] else 0,
        "menunggu": CountedPaginator(AkunMedsos.objects.for_user(request.user).awaiting_verification(), 1),
        "akun_resmi": official,
        "kemajuan": progress_chart(_progress(request.user)),
        "can_verify": request.user.has_perm("registry.add_verifikasi"),
        "can_view_staff": request.user.has_perm("registry.view_pegawai"),
    }


PROGRESS_DAYS = 90


def _progress(user):
    """[(date, % complying)] of the user's scope over the last 90 days, from
    the daily records of the units at the top of the scope."""
    paths = scope_paths(user)
    tops = Instansi.objects.filter(induk__isnull=True) if paths is None else Instansi.objects.filter(
        jalur__in=outermost(paths)
    )
    since = timezone.localdate() - timezone.timedelta(days=PROGRESS_DAYS - 1)
    days = (
        RekapHarian.objects.filter(instansi__in=tops, tanggal__gte=since)
        .values("tanggal")
        .annotate(aktif=Sum("aktif"), patuh=Sum("patuh"))
        .order_by("tanggal")
    )
    return [(d["tanggal"], round(100 * d["patuh"] / d["aktif"], 1) if d["aktif"] else 0.0) for d in days]


def progress_chart(days):
    """% complying by date over the last 90 days, 0 to 100 %. None before two records."""
    if len(days) < 2:
        return None
    end = timezone.localdate()
    start = end - timezone.timedelta(days=PROGRESS_DAYS - 1)
    return line_chart(days, start, end, 100, lambda p: f"{formats.number_format(p, use_l10n=True)}%")


def line_chart(series, start, end, top, label, width=560, height=160, left=52, bottom=24):
    """An SVG line of (date, value): x placed by date from ``start`` to
    ``end``, y from zero to ``top``, both axes labelled with ``label``."""
    plot_w, plot_h = width - left - 8, height - bottom - 8
    days = max((end - start).days, 1)

    def x(day):
        return round(left + (day - start).days / days * plot_w, 1)

    def y(value):
        return round(8 + plot_h - value / top * plot_h, 1)

    return {
        "width": width,
        "height": height,
        "points": " ".join(f"{x(day)},{y(value)}" for day, value in series),
        "dots": [{"x": x(day), "y": y(value), "day": day, "label": label(value)} for day, value in series],
        "y_ticks": [{"y": y(v), "label": label(v)} for v in (0, top // 2, top)],
        "x_ticks": [{"x": x(day), "day": day} for day in sorted({start, start + (end - start) / 2, end})],
        "axis": {"left": left, "bottom": y(0), "right": left + plot_w, "top": y(top)},
        "latest": (series[-1][0], label(series[-1][1])),
    }


def nice_ceiling(value):
    """The axis top above ``value``: 1, 2 or 5 times a power of ten (37.538 → 50.000)."""
    magnitude = 10 ** max(len(str(max(int(value), 1))) - 1, 0)
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= value)
