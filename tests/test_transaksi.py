"""Every request that writes is one transaction: when its last statement
fails, nothing of it was written; a conflict with another clerk is retried,
never shown; and the cases issue 15 found answering 500 answer as a clerk
expects.

Ani is the Admin BKD, Vina the Verifikator, Oki the operator of DINKES.
"""

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.models import AkunMedsos, Impor, Pegawai, StatusImpor, Verifikasi
from tests.conftest import make_akun, verify
from tests.test_admin import inline_management, pegawai_post

WRITES = ("INSERT", "UPDATE", "DELETE")
# Written around the request, not by it: the session's renewal.
OUTSIDE = ("django_session",)


def is_write(sql):
    return sql.lstrip().upper().startswith(WRITES) and not any(table in sql for table in OUTSIDE)


def snapshot():
    """Every row of every table but the sessions, as a comparable value."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label_lower in ("sessions.session",):
            continue
        rows[model._meta.label_lower] = sorted(map(repr, model._base_manager.values_list()))
    return rows


def writes_of(send):
    """How many statements ``send()`` writes; what it wrote is rolled back."""
    with transaction.atomic():
        with CaptureQueriesContext(connection) as seen:
            response = send()
        transaction.set_rollback(True)
    assert response.status_code < 400, response.status_code
    return sum(1 for query in seen.captured_queries if is_write(query["sql"]))


def failing_at(n, error=None):
    """An execute wrapper making the ``n``-th write fail."""
    count = 0

    def wrapper(execute, sql, params, many, context):
        nonlocal count
        if is_write(sql):
            count += 1
            if count == n:
                raise error or DatabaseError("gagal buatan: pernyataan terakhir permintaan ini")
        return execute(sql, params, many, context)

    return wrapper


def nothing_written_when_the_last_write_fails(client, send):
    total = writes_of(send)
    assert total > 0
    before = snapshot()
    client.raise_request_exception = False
    with connection.execute_wrapper(failing_at(total)):
        response = send()
    client.raise_request_exception = True
    assert response.status_code == 500
    assert snapshot() == before
    return total


# One sender per write path: what the clerk posts.


def admin_save(client, world):
    client.force_login(world.ani)
    siti = world.staff.siti
    data = pegawai_post(world.tree.dinkes, nama="Siti Rahayu", nip=siti.nip, jabatan="Kepala Seksi")
    return lambda: client.post(reverse("admin:registry_pegawai_change", args=[siti.pk]), data)


def inline_save(client, world):
    client.force_login(world.oki)
    siti = world.staff.siti
    data = pegawai_post(world.tree.dinkes, nama="Siti Rahayu", nip=siti.nip, **inline_management(total=1))
    data.update({"akun-0-platform": "", "akun-0-username": "https://www.tiktok.com/@siti_baru", "akun-0-id": ""})
    return lambda: client.post(reverse("admin:registry_pegawai_change", args=[siti.pk]), data)


def bulk_action(client, world):
    client.force_login(world.ani)
    chosen = [str(a.pk) for a in AkunMedsos.objects.filter(pegawai__isnull=False)]
    url = reverse("admin:registry_akunmedsos_changelist")
    return lambda: client.post(url, {"action": "delete_selected", "_selected_action": chosen, "post": "yes"})


def bulk_result(client, world):
    client.force_login(world.vina)
    chosen = [str(a.pk) for a in AkunMedsos.objects.filter(pegawai__isnull=False)]
    url = reverse("admin:registry_akunmedsos_changelist")
    return lambda: client.post(url, {"action": "catat_hasil", "_selected_action": chosen, "konfirmasi": "1",
                                     "hasil": "VALID", "catatan": "massal"})


ROSTER = (
    "NIP;NAMA;UNIT KERJA;STATUS KEPEGAWAIAN\n"
    "199001152014031001;Bayu Pratama;Dinas Kesehatan;PNS\n"
    "{siti};Siti Rahayu;UPTD Puskesmas Kota;PNS\n"
)


def import_confirm(client, world):
    client.force_login(world.oki)
    data = ROSTER.format(siti=world.staff.siti.nip).encode()
    upload = SimpleUploadedFile("roster.csv", data, content_type="text/csv")
    preview = client.post(reverse("admin:registry_pegawai_import"), {"berkas": upload})
    assert preview.context["counts"]["ditolak"] == 0, preview.context["rejected"]
    record = preview.context["record"]
    return lambda: client.post(reverse("admin:registry_pegawai_process_import"), {"impor": record.pk})


def follower_confirm(client, world):
    client.force_login(world.vina)
    url = reverse("admin:registry_akunmedsos_pengikut", args=[world.humas.pk])
    upload = SimpleUploadedFile("pengikut.txt", b"siti.rahayu\nwarga.lain\n", content_type="text/plain")
    record = client.post(url, {"berkas": upload}).context["record"]
    return lambda: client.post(url, {"impor": record.pk})


def queue_record(client, world):
    client.force_login(world.vina)
    url = reverse("admin:registry_akunmedsos_antrean")
    akun = client.get(url).context["akun"]
    return lambda: client.post(url, {"akun": akun.pk, "hasil": "VALID", "mengikuti": [str(world.humas.pk)]})


def queue_undo(client, world):
    client.force_login(world.vina)
    url = reverse("admin:registry_akunmedsos_antrean")
    akun = client.get(url).context["akun"]
    client.post(url, {"akun": akun.pk, "hasil": "BUKAN_MILIK"})
    return lambda: client.post(url, {"batalkan": "1"})


def user_form(client, world):
    client.force_login(world.ani)
    data = {"username": "tika.dinkes", "password1": "Rahasia-uji-2026!", "password2": "Rahasia-uji-2026!",
            "first_name": "Tika", "last_name": "Lestari", "nip": "199003152015032001",
            "peran": "Operator OPD", "instansi": world.tree.dinkes.pk}
    return lambda: client.post(reverse("admin:auth_user_add"), data)


@pytest.fixture
def world(tree, staff, ani, vina, oki):
    class World:
        pass

    world = World()
    world.tree, world.staff, world.ani, world.vina, world.oki = tree, staff, ani, vina, oki
    world.humas = make_akun(tree.pemda, "instagram", "humas.uji", wajib_diikuti=True)
    return world


@pytest.mark.parametrize("path", [
    admin_save, inline_save, bulk_action, bulk_result, import_confirm, follower_confirm, queue_record, queue_undo,
    user_form,
], ids=lambda path: path.__name__)
def test_nothing_of_a_write_is_kept_when_its_last_statement_fails(client, world, path):
    send = path(client, world)
    assert nothing_written_when_the_last_write_fails(client, send) > 0
    # And the same request, not failing, writes what it should.
    assert send().status_code == 302


class Conflict(Exception):
    """What psycopg raises when PostgreSQL picks this transaction to break a deadlock."""

    sqlstate = "40P01"


def test_a_request_that_loses_a_deadlock_is_run_again(client, world):
    send = queue_record(client, world)
    first_write = 1
    try:
        raise OperationalError("deadlock detected") from Conflict()
    except OperationalError as error:
        deadlock = error
    with connection.execute_wrapper(failing_at(first_write, deadlock)):
        response = send()
    assert response.status_code == 302
    assert Verifikasi.objects.filter(pemeriksa=world.vina).count() == 1
    assert "tercatat" in client.get(response["Location"]).content.decode()


def test_a_retried_upload_is_read_again_and_a_failed_one_leaves_no_file(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.vina)
    url = reverse("admin:registry_akunmedsos_antrean")
    akun = client.get(url).context["akun"]
    shot = SimpleUploadedFile("layar.png", b"\x89PNG fake", content_type="image/png")
    try:
        raise OperationalError("deadlock detected") from Conflict()
    except OperationalError as error:
        deadlock = error
    with connection.execute_wrapper(failing_at(3, deadlock)):
        assert client.post(url, {"akun": akun.pk, "hasil": "VALID", "bukti": shot}).status_code == 302
    check = Verifikasi.objects.get(akun=akun)
    assert (tmp_path / check.bukti.name).read_bytes() == b"\x89PNG fake"
    assert len(list(tmp_path.rglob("*.png"))) == 1, "the lost attempt's file is deleted"

    other = client.get(url).context["akun"]
    again = SimpleUploadedFile("layar2.png", b"\x89PNG other", content_type="image/png")
    client.raise_request_exception = False
    with connection.execute_wrapper(failing_at(4)):
        assert client.post(url, {"akun": other.pk, "hasil": "VALID", "bukti": again}).status_code == 500
    assert not Verifikasi.objects.filter(akun=other).exists()
    assert len(list(tmp_path.rglob("*.png"))) == 1, "a failed request leaves no file behind"


# The cases issue 15 found answering 500.


def test_a_follower_list_confirm_counts_follows_left_on_another_platform(client, world):
    """The official account was first registered on TikTok, followed there,
    then corrected to Instagram: those follows are taken off, and counted."""
    tiktok = make_akun(world.staff.rudi, "tiktok", "rudi_tt")
    verify(tiktok, "VALID", checked=[])
    tiktok.mengikuti.add(world.humas)
    send = follower_confirm(client, world)
    assert send().status_code == 302
    record = Impor.objects.get(jenis="pengikut")
    assert record.status == StatusImpor.SELESAI and record.tetap >= 0
    assert not tiktok.mengikuti.exists()


def test_undo_after_the_official_account_it_would_refollow_was_deleted(client, world, ani):
    siti_ig = world.staff.siti.akun.get()
    verify(siti_ig, "VALID", follows=[world.humas])
    AkunMedsos.objects.filter(pk=siti_ig.pk).update(diverifikasi_pada=None)
    client.force_login(world.vina)
    url = reverse("admin:registry_akunmedsos_antrean") + f"?instansi={world.tree.dinkes.pk}"
    while (akun := client.get(url).context["akun"]) != siti_ig:
        client.post(url, {"akun": akun.pk, "lewati": "1"})
    client.post(url, {"akun": siti_ig.pk, "hasil": "BUKAN_MILIK"})
    world.humas.delete()
    undone = client.post(url, {"batalkan": "1"}, follow=True)
    assert undone.status_code == 200 and "dibatalkan" in undone.content.decode()
    siti_ig.refresh_from_db()
    assert siti_ig.hasil_terakhir == "VALID" and not siti_ig.mengikuti.exists()


def test_an_operator_adding_an_account_without_its_owner_is_told_so(client, world):
    client.force_login(world.oki)
    response = client.post(reverse("admin:registry_akunmedsos_add"),
                           {"platform": "", "username": "https://www.instagram.com/tanpa.pemilik/", "pegawai": ""})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["pegawai"] == ["Pilih pegawai pemilik akun ini."]
    assert not AkunMedsos.objects.filter(username="tanpa.pemilik").exists()


@pytest.mark.parametrize("model,params", [
    ("verifikasi", {"instansi": "5"}),
    ("akunmedsos", {"keaktifan": "semua"}),
    ("pegawai", {"tidak_ada": "1"}),
    ("pegawai", {"status_kepegawaian__xyz": "1"}),
    ("instansi", {"kepatuhan": "X"}),
    ("verifikasi", {"waktu__gte": "kemarin"}),
    ("akunmedsos", {"pemilik__nama": "x"}),
])
def test_an_export_with_an_unknown_filter_answers_like_its_list(client, world, model, params):
    client.force_login(world.ani)
    listed = client.get(reverse(f"admin:registry_{model}_changelist"), params)
    exported = client.get(reverse(f"admin:registry_{model}_export"), params, follow=True)
    assert exported.status_code == 200 and listed.status_code in (200, 302)
    assert "Saringan pada alamat ekspor tidak dikenal" in exported.content.decode()


def test_a_whole_import_rolls_back_with_its_last_statement(client, world):
    """The employee rows, their history, the counts and the import record
    are one: a failure at the end leaves the preview as it was."""
    send = import_confirm(client, world)
    nothing_written_when_the_last_write_fails(client, send)
    assert Impor.objects.get().status == StatusImpor.PRATINJAU
    assert not Pegawai.objects.filter(nama="Bayu Pratama").exists()
    assert send().status_code == 302
    assert Pegawai.objects.get(nama="Bayu Pratama").kepatuhan == "BELUM_PUNYA_AKUN"


def test_every_write_of_every_url_runs_inside_its_requests_transaction(client, world):
    """The middleware wraps every view: for each URL the resolver knows,
    a POST as the Admin BKD writes (if it writes) only inside a transaction
    of its own request, never in the test's bare one."""
    from tests.test_url_walk import urls

    siti = world.staff.siti
    targets = {"pegawai": siti, "akunmedsos": world.humas, "verifikasi": verify(siti.akun.get(), "VALID"),
               "instansi": world.tree.pkm, "impor": Impor.objects.create(pengguna=world.ani, jenis="pegawai",
                                                                        nama_berkas="x.xlsx"),
               "user": world.oki, "group": None, "pengaturan": None}
    posted = {"nama": "Siti Rahayu", "jabatan": "Kepala", "instansi": world.tree.dinkes.pk, "nip": siti.nip,
              "status_kepegawaian": "PNS", "aktif": "on", "hasil": "VALID", "akun": siti.akun.get().pk,
              "action": "delete_selected", "_selected_action": [siti.pk], "post": "yes", "kode": "PKM",
              "akun-TOTAL_FORMS": "0", "akun-INITIAL_FORMS": "0", "verifikasi-TOTAL_FORMS": "0",
              "bukti_sebar-TOTAL_FORMS": "0", "bukti_sebar-INITIAL_FORMS": "0",
              "verifikasi-INITIAL_FORMS": "0", "lewati": "1"}
    client.force_login(world.ani)
    base = len(connection.atomic_blocks)
    bare = []

    def watch(execute, sql, params, many, context):
        if is_write(sql) and len(connection.atomic_blocks) <= base:
            bare.append(sql[:120])
        return execute(sql, params, many, context)

    written = 0
    for url in urls(targets):
        with CaptureQueriesContext(connection) as seen, connection.execute_wrapper(watch):
            assert client.post(url, posted).status_code < 500, url
        written += sum(1 for q in seen.captured_queries if is_write(q["sql"]))
    assert written > 20
    assert not bare, bare
