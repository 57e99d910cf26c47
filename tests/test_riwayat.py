"""Every change recorded: who, when, through what, before and after.

Oki operates DINKES, Dedi DISDIK; Vina verifies; Ani is the Admin BKD.
Each test writes through the screen a clerk uses and reads the object's
*Riwayat* page as the clerk would.
"""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from registry import followers
from registry.models import AkunMedsos, Impor, Pegawai, Verifikasi
from tests.conftest import make_akun, make_pegawai, verify
from tests.test_import import confirm, upload
from tests.test_kepatuhan_tersimpan import resubmit


def history(client, user, model, pk):
    client.force_login(user)
    return client.get(reverse(f"admin:registry_{model}_history", args=[pk]))


def rows(response):
    assert response.status_code == 200
    return response.content.decode()


def test_a_form_change_reads_as_a_sentence_with_who_and_through_what(client, staff, oki):
    client.force_login(oki)
    resubmit(client, "pegawai", staff.siti.pk, jabatan="Kepala Seksi")
    page = rows(history(client, oki, "pegawai", staff.siti.pk))
    assert "Jabatan diubah dari (kosong) menjadi Kepala Seksi" in page
    assert "oki.dinkes" in page and "formulir admin" in page
    assert "Ditambahkan" in page and "baris perintah" in page, "created by the fixture, outside any request"


def test_history_is_scoped_like_the_objects(client, staff, oki, dedi, vina):
    assert history(client, dedi, "pegawai", staff.siti.pk).status_code == 404
    assert history(client, oki, "pegawai", staff.siti.pk).status_code == 200
    akun = staff.maya.akun.get()
    assert history(client, oki, "akunmedsos", akun.pk).status_code == 404
    gone = make_pegawai(staff.siti.instansi, "Sudah Dihapus")
    gone_pk = gone.pk
    gone.delete()
    assert history(client, oki, "pegawai", gone_pk).status_code == 404, "a deleted row: only those who see all"
    assert "Dihapus" in rows(history(client, vina, "pegawai", gone_pk))


@pytest.mark.parametrize("method", ["get", "post"])
def test_nobody_edits_or_reverts_history(client, staff, ani, method):
    record = Pegawai.history.filter(id=staff.siti.pk).latest("history_date")
    client.force_login(ani)
    url = reverse("admin:registry_pegawai_simple_history", args=[staff.siti.pk, record.history_id])
    response = getattr(client, method)(url, {"nama": "Diubah Lewat Riwayat", "instansi": staff.siti.instansi_id,
                                             "status_kepegawaian": "PNS", "nip": staff.siti.nip})
    assert response.status_code == 404
    assert Pegawai.objects.get(pk=staff.siti.pk).nama == "Siti Rahayu"


def test_an_import_names_itself_in_every_row_it_wrote(client, tree, oki):
    client.force_login(oki)
    confirm(client, "pegawai", upload(client, "pegawai", "pegawai_nominatif.xlsx"))
    record = Impor.objects.latest("pk")
    written = Pegawai.history.filter(history_change_reason=f"impor #{record.pk}")
    assert written.count() == Pegawai.objects.count() > 0
    assert set(written.values_list("history_user", flat=True)) == {oki.pk}
    rudi = Pegawai.objects.get(nama="Rudi Hartono")
    assert f"impor #{record.pk}" in rows(history(client, oki, "pegawai", rudi.pk))

    stayer = make_pegawai(tree.pkm, "Tidak Ada Di Daftar")
    preview = upload(client, "pegawai", "pegawai_nominatif.xlsx", instansi=tree.dinkes.pk, sinkron="on")
    confirm(client, "pegawai", preview, nonaktifkan="1")
    sync = Impor.objects.latest("pk")
    assert "Aktif diubah dari True menjadi False" in rows(history(client, oki, "pegawai", stayer.pk)) or (
        "Aktif diubah dari Ya menjadi Tidak" in rows(history(client, oki, "pegawai", stayer.pk))
    )
    assert Pegawai.history.filter(id=stayer.pk, history_change_reason=f"impor #{sync.pk}").exists()


def test_an_import_records_what_each_row_was_and_became(client, tree, oki):
    client.force_login(oki)
    confirm(client, "pegawai", upload(client, "pegawai", "pegawai_nominatif.xlsx"))
    rudi = Pegawai.objects.get(nama="Rudi Hartono")
    in_file = rudi.jabatan
    rudi.jabatan = "Staf Lama"
    rudi.save()

    confirm(client, "pegawai", upload(client, "pegawai", "pegawai_nominatif.xlsx"))
    again = Impor.objects.latest("pk")
    assert Pegawai.history.get(id=rudi.pk, history_change_reason=f"impor #{again.pk}").history_type == "~"
    assert f"Jabatan diubah dari Staf Lama menjadi {in_file}" in rows(history(client, oki, "pegawai", rudi.pk))

    confirm(client, "akunmedsos", upload(client, "akunmedsos", "akun_panjang.xlsx"), hanya_valid="1")
    accounts = Impor.objects.latest("pk")
    recorded = AkunMedsos.history.filter(history_change_reason=f"impor #{accounts.pk}", history_type="+")
    assert sorted(recorded.values_list("id", "username", "history_user")) == sorted(
        (pk, username, oki.pk) for pk, username in AkunMedsos.objects.values_list("pk", "username")
    )


def test_checks_name_the_queue_the_bulk_result_and_the_follower_list(client, staff, tree, vina):
    humas = make_akun(tree.pemda, username="humas.uji", wajib_diikuti=True)
    akun = staff.siti.akun.get()
    client.force_login(vina)
    response = client.post(reverse("admin:registry_akunmedsos_antrean"), {"akun": akun.pk, "hasil": "VALID"})
    assert response.status_code == 302
    assert Verifikasi.history.filter(akun_id=akun.pk, history_change_reason="antrean verifikasi",
                                     history_user=vina).exists()

    client.post(reverse("admin:registry_akunmedsos_changelist"),
                {"action": "catat_hasil", "_selected_action": [staff.rudi.akun.get().pk], "konfirmasi": "1",
                 "hasil": "TIDAK_AKTIF"})
    assert Verifikasi.history.filter(history_change_reason="hasil massal", history_user=vina).count() == 1

    applied = followers.apply(humas, followers.FollowerList({akun.username}, 0), vina, "pengikut.txt")
    assert applied.to_add == {akun.pk}
    check = Verifikasi.objects.get(akun=humas)
    assert Verifikasi.history.filter(id=check.pk, history_change_reason="daftar pengikut pengikut.txt").exists()
    assert "daftar pengikut pengikut.txt" in rows(history(client, vina, "verifikasi", check.pk))


def test_a_verifikator_reads_nik_changes_masked(client, staff, ani, vina):
    client.force_login(ani)
    old = staff.maya.nik
    resubmit(client, "pegawai", staff.maya.pk, nik="1671011203850099")
    page = rows(history(client, vina, "pegawai", staff.maya.pk))
    assert old not in page and "1671011203850099" not in page and "1671**********99" in page
    assert "1671011203850099" in rows(history(client, ani, "pegawai", staff.maya.pk))


def test_role_changes_are_recorded_and_logins_are_not(client, tree, ani, dedi):
    before = User.history.filter(id=dedi.pk).count()
    client.post(reverse("admin:login"), {"username": dedi.username, "password": "rahasia-uji-123"})
    assert User.history.filter(id=dedi.pk).count() == before, "a login is not a change"
    dedi.refresh_from_db()
    assert dedi.last_login is not None, "yet it is stamped"
    dedi.groups.set([Group.objects.get(name="Verifikator BKD")])
    assert User.history.filter(id=dedi.pk).count() > before
    client.force_login(ani)
    page = rows(client.get(reverse("admin:auth_user_history", args=[dedi.pk])))
    assert "Verifikator BKD" in page


def test_refreshing_a_check_result_adds_no_empty_history(staff, vina):
    akun = staff.siti.akun.get()
    before = AkunMedsos.history.filter(id=akun.pk).count()
    verify(akun, pemeriksa=vina)
    assert AkunMedsos.history.filter(id=akun.pk).count() == before


def test_the_import_record_links_to_the_rows_it_wrote(client, tree, oki, dedi):
    client.force_login(oki)
    confirm(client, "pegawai", upload(client, "pegawai", "pegawai_nominatif.xlsx"))
    record = Impor.objects.latest("pk")
    url = reverse("admin:registry_impor_riwayat", args=[record.pk])
    assert url in client.get(reverse("admin:registry_impor_changelist")).content.decode()
    page = rows(client.get(url))
    rudi = Pegawai.objects.get(nama="Rudi Hartono")
    assert "Rudi Hartono" in page and "ditambahkan" in page
    assert reverse("admin:registry_pegawai_history", args=[rudi.pk]) in page
    client.force_login(dedi)
    assert client.get(url).status_code == 404, "another operator's import"
