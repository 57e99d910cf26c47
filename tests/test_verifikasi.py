"""The verification queue and the bulk result action."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from registry.models import AkunMedsos, Pengaturan, Verifikasi
from tests.conftest import assert_fixed_queries, make_akun, verify

QUEUE = "admin:registry_akunmedsos_antrean"


def test_queue_shows_one_account_and_moves_on(client, staff, tree, vina):
    humas = make_akun(tree.pemda, "instagram", "humas.uji", wajib_diikuti=True)
    client.force_login(vina)
    page = client.get(reverse(QUEUE), {"instansi": tree.dinkes.pk})
    akun = page.context["akun"]
    assert akun.pegawai in (staff.siti, staff.rudi)
    assert page.context["remaining"].count == 2
    assert [label for _, label in page.context["form"].fields["mengikuti"].choices] == ["Instagram @humas.uji"]
    html = page.content.decode()
    assert f'href="{akun.url}" target="_blank" rel="noopener noreferrer"' in html
    assert 'accesskey="v"' in html and "autofocus" in html

    response = client.post(
        reverse(QUEUE) + f"?instansi={tree.dinkes.pk}",
        {"akun": akun.pk, "hasil": "VALID", "mengikuti": [str(humas.pk)], "catatan": "cek 21/11"},
    )
    assert response.status_code == 302
    akun.refresh_from_db()
    assert (akun.hasil_terakhir, list(akun.mengikuti.all())) == ("VALID", [humas])
    check = Verifikasi.objects.get(akun=akun)
    assert (check.pemeriksa, check.catatan) == (vina, "cek 21/11")
    following = client.get(response["Location"])
    assert following.context["akun"] != akun and following.context["remaining"].count == 1


def test_skip_and_start_over(client, staff, tree, vina):
    client.force_login(vina)
    first = client.get(reverse(QUEUE), {"instansi": tree.dinkes.pk}).context["akun"]
    client.post(reverse(QUEUE) + f"?instansi={tree.dinkes.pk}", {"akun": first.pk, "lewati": "1"})
    second = client.get(reverse(QUEUE), {"instansi": tree.dinkes.pk}).context["akun"]
    assert second != first
    again = client.get(reverse(QUEUE), {"instansi": tree.dinkes.pk, "ulang": "1"}).context["akun"]
    assert again == first
    assert not Verifikasi.objects.exists()


def test_stale_accounts_come_back(client, staff, tree, vina):
    for akun in AkunMedsos.objects.all():
        verify(akun, "VALID", checked=[])
    client.force_login(vina)
    assert client.get(reverse(QUEUE)).context["akun"] is None
    old = staff.joko.akun.get()
    AkunMedsos.objects.filter(pk=old.pk).update(diverifikasi_pada=timezone.now() - datetime.timedelta(days=200))
    assert client.get(reverse(QUEUE)).context["akun"] == old
    settings_row = Pengaturan.current()
    settings_row.kedaluwarsa_hari = 365
    settings_row.save()
    assert client.get(reverse(QUEUE)).context["akun"] is None


def test_queue_is_closed_to_operators_and_outside_scope(client, staff, tree, oki, vina):
    client.force_login(oki)
    assert client.get(reverse(QUEUE)).status_code == 403
    assert client.post(reverse(QUEUE), {"akun": staff.siti.akun.get().pk, "hasil": "VALID"}).status_code == 403
    client.force_login(vina)
    verified = staff.maya.akun.get()
    verify(verified, "VALID", checked=[])
    # A colleague got there first: say so and move on, record nothing.
    response = client.post(reverse(QUEUE), {"akun": verified.pk, "hasil": "BUKAN_MILIK"}, follow=True)
    assert "baru saja diverifikasi pemeriksa lain" in response.content.decode()
    assert Verifikasi.objects.count() == 1
    assert client.post(reverse(QUEUE), {"akun": 99999, "hasil": "VALID"}).status_code == 404


def test_queue_runs_a_fixed_number_of_queries(client, staff, tree, vina):
    client.force_login(vina)
    humas = make_akun(tree.pemda, "instagram", "humas.uji", wajib_diikuti=True)

    def grow():
        for i in range(20):
            make_akun(staff.rudi, "x", f"rudi_{i}")
            make_akun(tree.dinkes, "tiktok", f"unit_{i}", wajib_diikuti=bool(i % 2))
        humas.refresh_from_db()

    assert_fixed_queries(client, reverse(QUEUE), {}, grow, most=14)


def test_bulk_result_confirms_before_recording(client, staff, tree, vina):
    humas = make_akun(tree.pemda, "instagram", "humas.uji", wajib_diikuti=True)
    siti_ig = staff.siti.akun.get()
    siti_ig.mengikuti.add(humas)
    chosen = [siti_ig.pk, staff.rudi.akun.get().pk]
    client.force_login(vina)
    url = reverse("admin:registry_akunmedsos_changelist")
    page = client.post(url, {"action": "catat_hasil", "_selected_action": chosen})
    assert page.status_code == 200 and page.context["count"] == 2
    assert not Verifikasi.objects.exists()
    done = client.post(url, {"action": "catat_hasil", "_selected_action": chosen, "konfirmasi": "1",
                             "hasil": "TIDAK_AKTIF", "catatan": "akun dikunci"})
    assert done.status_code == 302
    assert set(Verifikasi.objects.values_list("akun_id", "hasil")) == {(pk, "TIDAK_AKTIF") for pk in chosen}
    assert set(AkunMedsos.objects.filter(pk__in=chosen).values_list("hasil_terakhir", flat=True)) == {"TIDAK_AKTIF"}
    assert list(siti_ig.mengikuti.all()) == [humas], "follows are not the action's business"


def test_operators_have_no_bulk_result_action(client, staff, oki):
    client.force_login(oki)
    page = client.get(reverse("admin:registry_akunmedsos_changelist"))
    assert "catat_hasil" not in page.content.decode()
    response = client.post(reverse("admin:registry_akunmedsos_changelist"),
                           {"action": "catat_hasil", "_selected_action": [staff.siti.akun.get().pk],
                            "konfirmasi": "1", "hasil": "VALID"})
    assert not Verifikasi.objects.exists()
    assert response.status_code in (200, 302)


def test_screenshots_are_checked_the_same_in_the_queue_and_the_form(client, staff, tree, vina, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(vina)
    akun = client.get(reverse(QUEUE)).context["akun"]
    too_big = SimpleUploadedFile("layar.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024), content_type="image/png")
    not_image = SimpleUploadedFile("catatan.txt", b"bukan gambar", content_type="text/plain")
    for upload, message in [(too_big, "paling besar 5 MB"), (not_image, "PNG, JPG atau WEBP")]:
        page = client.post(reverse(QUEUE), {"akun": akun.pk, "hasil": "VALID", "bukti": upload})
        assert message in page.content.decode()
        upload.seek(0)
        page = client.post(reverse("admin:registry_verifikasi_add"),
                           {"akun": akun.pk, "hasil": "VALID", "bukti": upload})
        assert message in page.content.decode()
    assert not Verifikasi.objects.exists()


def test_a_mangled_skip_is_ignored_never_a_crash(client, staff, vina):
    client.force_login(vina)
    assert client.post(reverse(QUEUE), {"akun": "abc", "lewati": "1"}).status_code == 302
    assert client.get(reverse(QUEUE)).context["skipped"] == 0


def test_a_slip_in_the_queue_is_undone_in_one_click(
    client, staff, tree, vina, settings, tmp_path, django_capture_on_commit_callbacks
):
    """Vina records "Tidak aktif" by mistake: one click restores the account
    as it was (result, follows) and shows it again to be checked."""
    settings.MEDIA_ROOT = tmp_path
    humas = make_akun(tree.pemda, "instagram", "humas.uji", wajib_diikuti=True)
    siti_ig = staff.siti.akun.get()
    earlier = verify(siti_ig, "VALID", follows=[humas])
    verify(staff.rudi.akun.get(), "VALID", follows=[humas])
    AkunMedsos.objects.filter(pk=siti_ig.pk).update(diverifikasi_pada=timezone.now() - datetime.timedelta(days=400))
    Verifikasi.objects.filter(pk=earlier.pk).update(waktu=timezone.now() - datetime.timedelta(days=400))
    staff.siti.refresh_from_db()
    assert staff.siti.kepatuhan == "PATUH"
    client.force_login(vina)
    url = reverse(QUEUE) + f"?instansi={tree.dinkes.pk}"
    assert client.get(url).context["akun"] == siti_ig
    shot = SimpleUploadedFile("layar.png", b"\x89PNG fake", content_type="image/png")
    client.post(url, {"akun": siti_ig.pk, "hasil": "TIDAK_AKTIF", "bukti": shot})
    siti_ig.refresh_from_db()
    staff.siti.refresh_from_db()
    assert (siti_ig.hasil_terakhir, list(siti_ig.mengikuti.all()), staff.siti.kepatuhan) == (
        "TIDAK_AKTIF", [], "BELUM_DIVERIFIKASI")
    mistaken = Verifikasi.objects.get(akun=siti_ig, hasil="TIDAK_AKTIF")
    stored = tmp_path / mistaken.bukti.name
    assert stored.exists()

    page = client.get(url)
    assert "Batalkan hasil ini" in page.content.decode()
    assert page.context["terakhir"] == mistaken
    with django_capture_on_commit_callbacks(execute=True):
        undone = client.post(url, {"batalkan": "1"}, follow=True)
    assert "Tidak aktif untuk @siti.rahayu dibatalkan" in undone.content.decode()
    assert undone.context["akun"] == siti_ig, "the account comes back first, to be checked again"
    assert undone.context["terakhir"] is None
    siti_ig.refresh_from_db()
    staff.siti.refresh_from_db()
    assert list(Verifikasi.objects.filter(akun=siti_ig)) == [earlier]
    assert (siti_ig.hasil_terakhir, list(siti_ig.mengikuti.all()), staff.siti.kepatuhan) == (
        "VALID", [humas], "PATUH")
    assert not stored.exists(), "the mistaken screenshot is not left behind"


def test_undo_is_refused_when_late_twice_or_by_someone_else(client, staff, tree, vina, ani):
    client.force_login(vina)
    url = reverse(QUEUE)
    client.post(url, {"akun": client.get(url).context["akun"].pk, "hasil": "VALID"})
    client.post(url, {"batalkan": "1"})
    assert not Verifikasi.objects.exists()
    again = client.post(url, {"batalkan": "1"}, follow=True)
    assert "tidak dapat dibatalkan lagi" in again.content.decode()

    # Too late: past the few minutes.
    akun = client.get(url).context["akun"]
    client.post(url, {"akun": akun.pk, "hasil": "VALID"})
    Verifikasi.objects.update(waktu=timezone.now() - datetime.timedelta(minutes=6))
    assert client.get(url).context["terakhir"] is None
    assert "tidak dapat dibatalkan lagi" in client.post(url, {"batalkan": "1"}, follow=True).content.decode()
    assert Verifikasi.objects.count() == 1

    # Checked again by a colleague since: the slip is no longer the latest.
    akun = client.get(url).context["akun"]
    client.post(url, {"akun": akun.pk, "hasil": "BUKAN_MILIK"})
    verify(akun, "VALID", pemeriksa=ani, checked=[])
    client.post(url, {"batalkan": "1"})
    assert Verifikasi.objects.filter(akun=akun).count() == 2

    # Another user's session never holds this user's check.
    client.force_login(ani)
    assert client.get(url).context["terakhir"] is None


def test_bulk_result_has_no_result_chosen_beforehand(client, staff, vina):
    chosen = [staff.siti.akun.get().pk]
    client.force_login(vina)
    url = reverse("admin:registry_akunmedsos_changelist")
    page = client.post(url, {"action": "catat_hasil", "_selected_action": chosen})
    html = page.content.decode()
    assert '<option value="" selected>— pilih hasil —</option>' in html
    assert 'value="VALID" selected' not in html
    unchosen = client.post(url, {"action": "catat_hasil", "_selected_action": chosen, "konfirmasi": "1", "hasil": ""})
    assert "Pilih hasil verifikasi untuk akun-akun ini." in unchosen.content.decode()
    assert not Verifikasi.objects.exists()
