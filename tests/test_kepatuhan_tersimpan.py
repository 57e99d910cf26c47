"""Every write path keeps the stored compliance state and the unit counts true.

One test per write path of issue #8, each going through the screen or the
function a clerk's action reaches, and asserting the stored state and the
counts Rekap reads, before and after. (The suite's drift check then holds
every other employee and unit to the rule as well.)

The root (PEMDA) requires its Instagram account; DINKES requires its own.
Siti (DINKES) follows both with a valid account: she complies.
"""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from registry import followers
from registry.kepatuhan import kepatuhan_expression, new_staff_state, refresh_staff
from registry.models import AkunMedsos, Instansi, Kepatuhan, Pegawai, RekapUnit, Verifikasi, WajibIkuti
from tests.conftest import make_akun, make_pegawai, nip_pns, posted, verify
from tests.test_import import confirm, upload

K = Kepatuhan


@pytest.fixture
def world(tree):
    humas = make_akun(tree.pemda, "instagram", "humas.uji", wajib_diikuti=True)
    dinkes_ig = make_akun(tree.dinkes, "instagram", "dinkes.uji", wajib_diikuti=True)
    siti = make_pegawai(tree.dinkes, "Siti Rahayu")
    verify(make_akun(siti, "instagram", "siti.rahayu"), "VALID", [humas, dinkes_ig])
    guru = make_pegawai(tree.smpn1, "Guru SMP")
    verify(make_akun(guru, "instagram", "guru.smp"), "VALID", [humas])
    baru = make_pegawai(tree.pkm, "Pegawai Baru")
    return SimpleNamespace(tree=tree, humas=humas, dinkes_ig=dinkes_ig, siti=siti, guru=guru, baru=baru)


def stored(pegawai):
    return Pegawai.objects.values_list("kepatuhan", flat=True).get(pk=pegawai.pk)


def counted(unit):
    """{state: active staff} of one unit, all statuses, as Rekap reads them."""
    per_state = {}
    for state, n in RekapUnit.objects.filter(instansi=unit).values_list("kepatuhan", "jumlah"):
        per_state[state] = per_state.get(state, 0) + n
    return per_state


def change_url(model, pk):
    return reverse(f"admin:registry_{model}_change", args=[pk])


def resubmit(client, model, pk, **changes):
    url = change_url(model, pk)
    response = client.post(url, posted(client.get(url), **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""


# Accounts ----------------------------------------------------------------


def test_account_added_in_the_account_form(client, world, oki):
    client.force_login(oki)
    data = {"platform": "", "username": "https://instagram.com/pegawai.baru", "pegawai": world.baru.pk,
            "verifikasi-TOTAL_FORMS": "0", "verifikasi-INITIAL_FORMS": "0"}
    assert counted(world.tree.pkm) == {K.BELUM_PUNYA_AKUN: 1}
    assert client.post(reverse("admin:registry_akunmedsos_add"), data).status_code == 302
    assert stored(world.baru) == K.BELUM_DIVERIFIKASI
    assert counted(world.tree.pkm) == {K.BELUM_DIVERIFIKASI: 1}


def test_account_added_and_deleted_in_the_employee_forms_inline(client, world, oki):
    client.force_login(oki)
    resubmit(client, "pegawai", world.baru.pk, **{"akun-TOTAL_FORMS": "1", "akun-0-platform": "tiktok",
                                                   "akun-0-username": "pegawai.baru", "akun-0-pegawai": world.baru.pk})
    assert stored(world.baru) == K.BELUM_DIVERIFIKASI
    resubmit(client, "pegawai", world.baru.pk, **{"akun-0-DELETE": "on"})
    assert not world.baru.akun.exists()
    assert stored(world.baru) == K.BELUM_PUNYA_AKUN
    assert counted(world.tree.pkm) == {K.BELUM_PUNYA_AKUN: 1}


def test_account_moved_to_another_owner(client, world, ani):
    client.force_login(ani)
    resubmit(client, "akunmedsos", world.siti.akun.get().pk, pegawai=world.baru.pk)
    assert (stored(world.siti), stored(world.baru)) == (K.BELUM_PUNYA_AKUN, K.PATUH)
    assert (counted(world.tree.dinkes), counted(world.tree.pkm)) == ({K.BELUM_PUNYA_AKUN: 1}, {K.PATUH: 1})


def test_account_edited_to_another_platform(client, world, ani):
    client.force_login(ani)
    resubmit(client, "akunmedsos", world.guru.akun.get().pk, platform="tiktok")
    assert stored(world.guru) == K.BELUM_MENGIKUTI, "a valid TikTok account does not follow the root's Instagram"


def test_account_deleted_alone_and_with_its_owner(client, world, ani):
    # Checked accounts are evidence (their history protects them): these are not yet checked.
    make_akun(world.baru, "instagram", "pegawai.baru")
    client.force_login(ani)
    akun = world.baru.akun.get()
    response = client.post(reverse("admin:registry_akunmedsos_delete", args=[akun.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert stored(world.baru) == K.BELUM_PUNYA_AKUN
    # The cascade: the employee goes with the accounts; the count follows.
    make_akun(world.baru, "tiktok", "pegawai.baru")
    assert counted(world.tree.pkm) == {K.BELUM_DIVERIFIKASI: 1}
    response = client.post(reverse("admin:registry_pegawai_delete", args=[world.baru.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not AkunMedsos.objects.filter(username="pegawai.baru").exists()
    assert counted(world.tree.pkm) == {}


# Verifications -----------------------------------------------------------


def test_verification_recorded_in_the_queue(client, world, vina):
    akun = make_akun(world.baru, "instagram", "pegawai.baru")
    client.force_login(vina)
    url = reverse("admin:registry_akunmedsos_antrean")
    response = client.post(url, {"akun": akun.pk, "hasil": "VALID",
                                 "mengikuti": [world.humas.pk, world.dinkes_ig.pk]})
    assert response.status_code == 302
    assert stored(world.baru) == K.PATUH
    assert counted(world.tree.pkm) == {K.PATUH: 1}


def test_verification_recorded_corrected_and_deleted_in_the_admin(client, world, vina, ani):
    akun = make_akun(world.baru, "instagram", "pegawai.baru")
    client.force_login(vina)
    data = {"akun": akun.pk, "hasil": "VALID", "mengikuti": [world.humas.pk]}
    assert client.post(reverse("admin:registry_verifikasi_add"), data).status_code == 302
    assert stored(world.baru) == K.BELUM_MENGIKUTI, "DINKES's account was looked for and not seen"
    check = Verifikasi.objects.get(akun=akun)

    client.force_login(ani)
    resubmit(client, "verifikasi", check.pk, hasil="TIDAK_AKTIF")
    assert stored(world.baru) == K.BELUM_DIVERIFIKASI
    response = client.post(reverse("admin:registry_verifikasi_delete", args=[check.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert stored(world.baru) == K.BELUM_DIVERIFIKASI
    assert AkunMedsos.objects.get(pk=akun.pk).hasil_terakhir is None


def test_bulk_result(client, world, vina):
    client.force_login(vina)
    chosen = [world.siti.akun.get().pk, world.guru.akun.get().pk]
    response = client.post(reverse("admin:registry_akunmedsos_changelist"),
                           {"action": "catat_hasil", "_selected_action": chosen, "konfirmasi": "1",
                            "hasil": "TIDAK_AKTIF"})
    assert response.status_code == 302
    assert (stored(world.siti), stored(world.guru)) == (K.BELUM_DIVERIFIKASI, K.BELUM_DIVERIFIKASI)
    assert counted(world.tree.smpn1) == {K.BELUM_DIVERIFIKASI: 1}


def test_follower_list_applied(world, vina):
    # Siti is absent from DINKES's new list; Baru's valid account appears in it.
    verify(make_akun(world.baru, "instagram", "pegawai.baru"), "VALID", [world.humas], checked=[])
    assert stored(world.baru) == K.BELUM_MENGIKUTI
    followers.apply(world.dinkes_ig, followers.FollowerList({"pegawai.baru", "warga.lain"}, 0), vina, "pengikut.txt")
    assert (stored(world.siti), stored(world.baru)) == (K.BELUM_MENGIKUTI, K.PATUH)
    assert counted(world.tree.dinkes) == {K.BELUM_MENGIKUTI: 1}


# Official accounts and the tree -----------------------------------------


def test_official_account_added_toggled_moved_and_deleted(client, world, ani):
    client.force_login(ani)
    tree = world.tree
    # Added as required at DISDIK: Guru (SMPN1, below it) no longer complies.
    resubmit(client, "instansi", tree.disdik.pk, **{
        "akun_resmi-TOTAL_FORMS": "1", "akun_resmi-0-platform": "instagram",
        "akun_resmi-0-username": "disdik.uji", "akun_resmi-0-wajib_diikuti": "on",
        "akun_resmi-0-instansi": tree.disdik.pk})
    disdik_ig = AkunMedsos.objects.get(username="disdik.uji")
    assert stored(world.guru) == K.BELUM_MENGIKUTI
    assert counted(tree.smpn1) == {K.BELUM_MENGIKUTI: 1}

    # Not required any more (the box unticked).
    url = change_url("akunmedsos", disdik_ig.pk)
    form = posted(client.get(url))
    form.pop("wajib_diikuti")
    assert client.post(url, form).status_code == 302
    assert stored(world.guru) == K.PATUH

    # Required again, then moved to DINKES: Guru complies, Siti must follow it.
    resubmit(client, "akunmedsos", disdik_ig.pk, wajib_diikuti="on")
    assert stored(world.guru) == K.BELUM_MENGIKUTI
    resubmit(client, "akunmedsos", disdik_ig.pk, instansi=tree.dinkes.pk)
    assert (stored(world.guru), stored(world.siti)) == (K.PATUH, K.BELUM_MENGIKUTI)

    response = client.post(reverse("admin:registry_akunmedsos_delete", args=[disdik_ig.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert stored(world.siti) == K.PATUH
    assert not WajibIkuti.objects.filter(akun_id=disdik_ig.pk).exists()


def test_unit_moved_under_another_parent(client, world, ani):
    tree = world.tree
    verify(make_akun(world.baru, "instagram", "pegawai.baru"), "VALID", [world.humas])
    assert stored(world.baru) == K.BELUM_MENGIKUTI, "PKM sits under DINKES"
    client.force_login(ani)
    resubmit(client, "instansi", tree.pkm.pk, induk=tree.disdik.pk)
    assert stored(world.baru) == K.PATUH
    assert set(WajibIkuti.objects.filter(instansi=tree.pkm).values_list("akun", flat=True)) == {world.humas.pk}


# Employees ---------------------------------------------------------------


def test_employee_moved_deactivated_and_reactivated(client, world, ani):
    tree = world.tree
    client.force_login(ani)
    resubmit(client, "pegawai", world.guru.pk, instansi=tree.dinkes.pk)
    assert stored(world.guru) == K.BELUM_MENGIKUTI
    assert (counted(tree.smpn1), counted(tree.dinkes)) == ({}, {K.PATUH: 1, K.BELUM_MENGIKUTI: 1})

    url = change_url("pegawai", world.guru.pk)
    form = posted(client.get(url))
    form.pop("aktif")
    assert client.post(url, form).status_code == 302
    assert stored(world.guru) is None
    assert counted(tree.dinkes) == {K.PATUH: 1}

    resubmit(client, "pegawai", world.guru.pk, aktif="on")
    assert stored(world.guru) == K.BELUM_MENGIKUTI
    assert counted(tree.dinkes) == {K.PATUH: 1, K.BELUM_MENGIKUTI: 1}


# Imports -----------------------------------------------------------------


def test_employee_import_and_roster_sync(client, world, oki):
    client.force_login(oki)
    confirm(client, "pegawai", upload(client, "pegawai", "pegawai_nominatif.xlsx"))
    imported = Pegawai.objects.exclude(pk__in=[world.siti.pk, world.guru.pk, world.baru.pk])
    assert imported and {stored(p) for p in imported} == {K.BELUM_PUNYA_AKUN}
    assert sum(counted(world.tree.dinkes).values()) == imported.filter(instansi=world.tree.dinkes).count() + 1

    preview = upload(client, "pegawai", "pegawai_nominatif.xlsx", instansi=world.tree.dinkes.pk, sinkron="on")
    confirm(client, "pegawai", preview, nonaktifkan="1")
    assert (stored(world.siti), stored(world.baru)) == (None, None), "not in the roster: deactivated"
    assert K.PATUH not in counted(world.tree.dinkes) and counted(world.tree.pkm).get(K.BELUM_PUNYA_AKUN, 0) == (
        imported.filter(instansi=world.tree.pkm).count()
    )


def test_imported_staff_start_in_the_state_the_rule_gives_them(world):
    """The employee import inserts new rows with new_staff_state, so that its
    refresh finds nothing to rewrite: the rule must give the same for a row
    with no account, active or not, in a unit that requires accounts."""
    rows = Pegawai.objects.bulk_create([
        Pegawai(nama=f"Baru {aktif}", nip=nip_pns(seq=901 + aktif), instansi=world.tree.dinkes,
                status_kepegawaian="PNS", aktif=aktif, kepatuhan=new_staff_state(aktif))
        for aktif in (True, False)
    ])
    ids = [p.pk for p in rows]
    stored_and_computed = Pegawai.objects.filter(pk__in=ids).values_list("kepatuhan", kepatuhan_expression())
    assert set(stored_and_computed) == {(None, None), (K.BELUM_PUNYA_AKUN, K.BELUM_PUNYA_AKUN)}
    refresh_staff(ids, recount=True)  # the unit counts, as the import's write() does


def test_account_import(client, world, oki):
    client.force_login(oki)
    confirm(client, "pegawai", upload(client, "pegawai", "pegawai_nominatif.xlsx"))
    rudi = Pegawai.objects.get(nama="Rudi Hartono")
    assert stored(rudi) == K.BELUM_PUNYA_AKUN
    confirm(client, "akunmedsos", upload(client, "akunmedsos", "akun_panjang.xlsx"), hanya_valid="1")
    assert stored(rudi) == K.BELUM_DIVERIFIKASI


def test_unit_import(client, world, ani):
    client.force_login(ani)
    confirm(client, "instansi", upload(client, "instansi", "instansi.xlsx"))
    barat = Instansi.objects.get(kode="PKM-B")
    assert set(WajibIkuti.objects.filter(instansi=barat).values_list("akun", flat=True)) == {world.humas.pk}
    moved = make_pegawai(barat, "Staf Barat")
    verify(make_akun(moved, "instagram", "staf.barat"), "VALID", [world.humas])
    assert stored(moved) == K.PATUH
