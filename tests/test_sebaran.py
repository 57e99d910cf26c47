"""Spreading official content (DESIGN §9, issue 18): what a content and a
proof must be, as a clerk meets the rules in the admin's forms, and what
is stored afterwards (tests/conftest.py checks every stored count after
every test)."""

import datetime
import io
import itertools

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, timezone

from registry import angka_sebar
from registry import sebaran as spreading
from registry.aturan_sebar import ProofRules, Usulan
from registry.models import AkunMedsos, BuktiSebar, HasilBukti, Hitungan, Konten, Pengaturan, SebaranBulanan
from tests.conftest import make_akun, make_pegawai, verify
from tests.data.make_sebaran import K1
from tests.sebaran_world import make_konten, sebaran  # noqa: F401

SITI_STORY = "https://www.instagram.com/stories/siti.rahayu/3300000000000000001/"


def add_proof(client, pegawai, konten, tautan="", akun=None, day="2026-12-01", time="09:00:00"):
    return client.post(reverse("admin:registry_buktisebar_add"), {
        "pegawai": pegawai.pk, "konten": konten.pk, "tautan": tautan, "akun": akun.pk if akun else "",
        "waktu_0": day, "waktu_1": time, "catatan": "",
    })


def refused(response):
    """The form's messages, one string in lower case; the response must be the form again."""
    assert response.status_code == 200, response.status_code
    form = response.context["adminform"].form
    return " ".join(message for messages in form.errors.values() for message in messages).lower()


def whose(bukti):
    return BuktiSebar.objects.get(pk=bukti.pk) if bukti else None


# Proofs ----------------------------------------------------------------------


def test_a_story_of_the_employees_own_account_counts_on_time(client, sebaran, oki):
    client.force_login(oki)
    response = add_proof(client, sebaran.siti, sebaran.k1, f"{SITI_STORY}?igsh=MWx2bWRl&utm_source=ig")
    assert response.status_code == 302, refused(response)
    proof = BuktiSebar.objects.get()
    assert proof.akun == sebaran.akun.siti_ig and proof.tautan == SITI_STORY.rstrip("/") + "/"
    assert (proof.hitungan, proof.hasil, proof.sumber) == (Hitungan.TEPAT, HasilBukti.BELUM_DIPERIKSA, "FORMULIR")
    assert proof.unit_pemilik == sebaran.tree.dinkes
    assert proof.history.get().history_change_reason == "formulir bukti sebar"


def test_a_link_of_someone_elses_account_names_whose_it_is(client, sebaran, oki, dedi):
    client.force_login(oki)
    said = refused(add_proof(client, sebaran.rudi, sebaran.k1, SITI_STORY))
    assert "tautan ini unggahan @siti.rahayu, akun siti rahayu, bukan akun rudi hartono" in said
    # The operator of another agency is told it belongs elsewhere, not to whom.
    client.force_login(dedi)
    said = refused(add_proof(client, sebaran.maya, sebaran.k1, SITI_STORY))
    assert "akun pegawai instansi lain, bukan akun maya sari" in said and "siti rahayu" not in said
    said = refused(add_proof(client, sebaran.maya, sebaran.k1, "https://www.tiktok.com/@humas.uji/video/7312000000000000555"))
    assert "akun resmi pemerintah kabupaten uji" in said
    assert not BuktiSebar.objects.exists()


def test_a_handle_nobody_registered_is_refused(client, sebaran, oki):
    client.force_login(oki)
    said = refused(add_proof(client, sebaran.siti, sebaran.k1,
                             "https://www.instagram.com/stories/orang.lain/3300000000000000007/"))
    assert "unggahan @orang.lain di instagram, yang belum terdaftar sebagai akun siti rahayu" in said


@pytest.mark.parametrize("link, reason", [
    (K1, "ini tautan konten aslinya, bukan bukti sebar"),
    ("https://www.instagram.com/siti.rahayu/", "menuju profil @siti.rahayu di instagram, bukan satu unggahan"),
    ("https://vt.tiktok.com/ZSabc123/", "tautan pendek yang harus dibuka dulu"),
    ("https://detik.com/berita/1", "bukan instagram, facebook, tiktok"),
])
def test_what_is_not_a_share_is_refused_with_its_reason(client, sebaran, oki, link, reason):
    client.force_login(oki)
    assert reason in refused(add_proof(client, sebaran.siti, sebaran.k1, link))


def test_a_link_is_one_employees_proof_of_one_content(client, sebaran, ani):
    client.force_login(ani)
    share = "https://www.facebook.com/share/p/1AbCdEfGh2/"
    facebook = make_akun(sebaran.joko, "facebook", "joko.susilo")
    make_akun(sebaran.siti, "facebook", "siti.rahayu.fb")
    assert add_proof(client, sebaran.joko, sebaran.k1, share, akun=facebook).status_code == 302
    assert "sudah menjadi bukti sebar joko susilo" in refused(add_proof(client, sebaran.siti, sebaran.k1, share))
    assert "satu unggahan ulang membuktikan satu konten" in refused(
        add_proof(client, sebaran.joko, sebaran.k2, share, akun=facebook))
    assert "joko susilo sudah punya bukti untuk konten ini" in refused(
        add_proof(client, sebaran.joko, sebaran.k1, "https://www.instagram.com/p/CjokoLagi01/"))


def test_a_late_proof_counts_late_until_the_grace_days_end(client, sebaran, oki):
    settings_row = Pengaturan.current()
    settings_row.tenggang_bukti_hari = 2
    settings_row.save()
    today = timezone.localdate()
    closed = make_konten(sebaran.humas_ig, "https://www.instagram.com/p/ClamaSekali/", "Lama",
                         terbit=today - datetime.timedelta(days=10), batas=today - datetime.timedelta(days=8))
    late = make_konten(sebaran.humas_ig, "https://www.instagram.com/p/CbaruLewat1/", "Lewat",
                       terbit=today - datetime.timedelta(days=3), batas=today - datetime.timedelta(days=1))
    client.force_login(oki)
    now = timezone.localtime()
    # A closed content is not offered; were it sent anyway, the rules say why.
    offered = client.get(reverse("admin:registry_buktisebar_add")).context["adminform"].form.fields["konten"]
    assert late in offered.queryset and closed not in offered.queryset
    proposal = Usulan(sebaran.siti.pk, closed.pk, SITI_STORY)
    ProofRules(oki, [proposal]).check(proposal)
    assert proposal.problems == [("konten", f"batas menyebarkan konten ini {formats.date_format(closed.batas, 'j F Y')}; "
                                             "bukti yang masuk lebih dari 2 hari sesudahnya tidak diterima lagi")]
    # Its deadline is past, yet within the grace days: taken, counted late.
    response = add_proof(client, sebaran.siti, late, SITI_STORY, day=f"{now:%Y-%m-%d}", time="00:00:01")
    assert response.status_code == 302, refused(response)
    assert BuktiSebar.objects.get().hitungan == Hitungan.TERLAMBAT


def test_a_link_naming_no_account_takes_the_only_one_on_its_platform(client, sebaran, oki):
    client.force_login(oki)
    assert add_proof(client, sebaran.rudi, sebaran.k1, "https://www.instagram.com/p/CrudiRepost1/").status_code == 302
    proof = BuktiSebar.objects.get()
    assert (proof.akun, proof.hasil, proof.hitungan) == (sebaran.akun.rudi_ig, HasilBukti.BELUM_DIPERIKSA, "TEPAT")
    second = make_akun(sebaran.siti, "instagram", "siti.kedua")
    said = refused(add_proof(client, sebaran.siti, sebaran.k1, "https://www.instagram.com/p/CsitiRepost1/"))
    assert "siti rahayu punya 2 akun instagram (@siti.kedua, @siti.rahayu); sebutkan akun yang dipakai" in said
    assert add_proof(client, sebaran.siti, sebaran.k1, "https://www.instagram.com/p/CsitiRepost1/",
                     akun=second).status_code == 302


def test_a_repost_without_a_link_needs_a_screenshot(client, sebaran, oki):
    client.force_login(oki)
    assert "isi tautan bukti atau lampirkan tangkapan layar" in refused(add_proof(client, sebaran.siti, sebaran.k1))


def test_a_content_binds_its_units_staff_and_below_only(client, sebaran, ani):
    client.force_login(ani)
    said = refused(add_proof(client, sebaran.maya, sebaran.k3, "https://www.instagram.com/p/CmayaRepost1/"))
    assert "konten ini mengikat pegawai dinas kesehatan dan unit di bawahnya; maya sari bekerja di dinas " \
           "pendidikan" in said
    assert add_proof(client, sebaran.rudi, sebaran.k3, "https://www.instagram.com/p/CrudiDinkes1/").status_code == 302


def test_a_proof_counts_only_while_its_account_is_verified_valid(sebaran):
    unchecked = make_akun(sebaran.joko, "instagram", "joko.kedua")
    proof = BuktiSebar.objects.create(konten=sebaran.k1, pegawai=sebaran.joko, akun=unchecked,
                                      waktu=timezone.make_aware(datetime.datetime(2026, 12, 1, 9)))
    assert whose(proof).hitungan is None
    verify(unchecked)
    assert whose(proof).hitungan == Hitungan.TEPAT
    verify(unchecked, "TIDAK_AKTIF")
    assert whose(proof).hitungan is None
    sebaran.k1.refresh_from_db()
    assert (sebaran.k1.tepat, sebaran.k1.bukti_masuk) == (0, 1)


def test_a_proof_stops_counting_when_its_employee_leaves_or_moves_out_of_the_contents_reach(sebaran):
    proof = BuktiSebar.objects.create(konten=sebaran.k3, pegawai=sebaran.rudi, akun=sebaran.akun.rudi_ig,
                                      waktu=timezone.make_aware(datetime.datetime(2026, 12, 1, 9)))
    assert whose(proof).hitungan == Hitungan.TEPAT
    sebaran.rudi.instansi = sebaran.tree.smpn1
    sebaran.rudi.save()
    assert (whose(proof).hitungan, whose(proof).unit_pemilik) == (None, sebaran.tree.smpn1)
    sebaran.rudi.instansi = sebaran.tree.pkm
    sebaran.rudi.save()
    assert whose(proof).hitungan == Hitungan.TEPAT
    sebaran.rudi.aktif = False
    sebaran.rudi.save()
    assert whose(proof).hitungan is None


def test_a_later_deadline_turns_late_proofs_into_on_time_ones(sebaran):
    proof = BuktiSebar.objects.create(konten=sebaran.k1, pegawai=sebaran.siti, akun=sebaran.akun.siti_ig,
                                      waktu=timezone.make_aware(datetime.datetime(2026, 12, 9, 9)))
    assert whose(proof).hitungan == Hitungan.TERLAMBAT
    sebaran.k1.batas = datetime.date(2026, 12, 10)
    sebaran.k1.save()
    assert whose(proof).hitungan == Hitungan.TEPAT
    sebaran.k1.wajib = False
    sebaran.k1.terbit = datetime.date(2026, 11, 30)
    sebaran.k1.save()
    assert spreading.drift() == {}


def test_wajib_toggled_moves_each_holders_month_by_one_content(sebaran, django_assert_max_num_queries):
    proof = BuktiSebar.objects.create
    proof(konten=sebaran.k1, pegawai=sebaran.siti, akun=sebaran.akun.siti_ig)
    proof(konten=sebaran.k2, pegawai=sebaran.siti, akun=sebaran.akun.siti_tt)
    proof(konten=sebaran.k1, pegawai=sebaran.rudi, akun=sebaran.akun.rudi_ig)
    proof(konten=sebaran.k1, pegawai=sebaran.maya, akun=sebaran.akun.maya_ig, hasil=HasilBukti.TIDAK_SAH,
          diperiksa_pada=timezone.now())

    def spread():
        return dict(SebaranBulanan.objects.values_list("pegawai__nama", "tersebar"))

    assert spread() == {"Siti Rahayu": 2, "Rudi Hartono": 1}
    sebaran.k1.wajib = False
    # Whatever the number of holders: no query per employee or per proof.
    with django_assert_max_num_queries(30):
        sebaran.k1.save()
    assert spread() == {"Siti Rahayu": 1}, "Rudi spread no other wajib content this month: his row goes"
    assert spreading.drift() == {}
    sebaran.k1.wajib = True
    sebaran.k1.save()
    assert spread() == {"Siti Rahayu": 2, "Rudi Hartono": 1}, "an invalid proof counts for no one"
    assert spreading.drift() == {}


def test_an_operator_enters_proofs_of_its_own_staff_only(client, sebaran, oki):
    client.force_login(oki)
    response = add_proof(client, sebaran.maya, sebaran.k1, "https://www.instagram.com/p/CmayaRepost1/")
    assert "pegawai" in response.context["adminform"].form.errors
    assert not BuktiSebar.objects.exists()
    proof = BuktiSebar.objects.create(konten=sebaran.k1, pegawai=sebaran.maya, akun=sebaran.akun.maya_ig)
    assert client.get(reverse("admin:registry_buktisebar_change", args=[proof.pk])).status_code == 404
    assert proof not in client.get(reverse("admin:registry_buktisebar_changelist")).context["cl"].result_list


def employee_page(client, pegawai):
    """The employee's page as the browser would post it back unchanged."""
    url = reverse("admin:registry_pegawai_change", args=[pegawai.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in ("nip", "nama", "status_kepegawaian", "instansi", "jabatan")}
    data["aktif"] = "on"
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update({f"{management.prefix}-{k}": v for k, v in management.initial.items()})
        for inline_form in formset.formset.initial_forms:
            for name, field in inline_form.fields.items():
                if name == "DELETE":
                    continue
                value = field.widget.format_value(inline_form[name].value()) if name != "waktu" else None
                if name == "waktu":
                    local = timezone.localtime(inline_form.instance.waktu)
                    # The time's default is a callable, so the page also posts its shown value back.
                    for prefix in (inline_form.prefix, f"initial-{inline_form.prefix}"):
                        data[f"{prefix}-waktu_0"] = f"{local:%Y-%m-%d}"
                        data[f"{prefix}-waktu_1"] = f"{local:%H:%M:%S}"
                elif value is not None:
                    data[f"{inline_form.prefix}-{name}"] = value
    return url, data


def test_a_proof_entered_on_the_employees_page_says_so_in_its_history(client, sebaran, oki):
    client.force_login(oki)
    url, data = employee_page(client, sebaran.siti)
    data.update({"bukti_sebar-TOTAL_FORMS": "1", "bukti_sebar-0-konten": sebaran.k1.pk,
                 "bukti_sebar-0-tautan": SITI_STORY, "bukti_sebar-0-waktu_0": "2026-12-01",
                 "bukti_sebar-0-waktu_1": "09:00:00"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][1].formset.errors
    proof = BuktiSebar.objects.get()
    assert proof.history.get().history_change_reason == "halaman pegawai"
    assert proof.history.get().history_user == oki


def test_an_old_proof_past_its_grace_does_not_stop_the_employees_page_being_saved(client, sebaran, oki):
    client.force_login(oki)
    Pengaturan.objects.update(tenggang_bukti_hari=7)
    proof = BuktiSebar.objects.create(konten=sebaran.k1, pegawai=sebaran.siti, akun=sebaran.akun.siti_ig,
                                      tautan=SITI_STORY, waktu=timezone.now() - datetime.timedelta(days=40))
    sebaran.k1.terbit = sebaran.k1.batas = timezone.localdate() - datetime.timedelta(days=40)
    sebaran.k1.save()
    url, data = employee_page(client, sebaran.siti)
    data["jabatan"] = "Pranata Humas Ahli Muda"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][1].formset.errors
    assert sebaran.siti.__class__.objects.get(pk=sebaran.siti.pk).jabatan == "Pranata Humas Ahli Muda"
    # Changing that old proof now is entering it again: refused, with the reason.
    url, data = employee_page(client, sebaran.siti)
    data["bukti_sebar-0-tautan"] = SITI_STORY.replace("0001", "0002")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "tidak diterima lagi" in str(response.context["inline_admin_formsets"][1].formset.errors)
    assert BuktiSebar.objects.get(pk=proof.pk).tautan == SITI_STORY
    # Nor does a time moved with its posted-back initial value moved too (a crafted request).
    url, data = employee_page(client, sebaran.siti)
    local = timezone.localtime(proof.waktu)
    moved = local.date() + datetime.timedelta(days=1)
    for prefix in ("bukti_sebar-0", "initial-bukti_sebar-0"):
        data[f"{prefix}-waktu_0"] = f"{moved:%Y-%m-%d}"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "tidak diterima lagi" in str(response.context["inline_admin_formsets"][1].formset.errors)
    assert BuktiSebar.objects.get(pk=proof.pk).waktu == proof.waktu
    # The proof's own page, the same.
    change = reverse("admin:registry_buktisebar_change", args=[proof.pk])
    response = client.post(change, {
        "pegawai": sebaran.siti.pk, "konten": sebaran.k1.pk, "tautan": SITI_STORY, "akun": sebaran.akun.siti_ig.pk,
        "waktu_0": f"{moved:%Y-%m-%d}", "waktu_1": f"{local:%H:%M:%S}",
        "initial-waktu_0": f"{moved:%Y-%m-%d}", "initial-waktu_1": f"{local:%H:%M:%S}", "catatan": "",
    })
    assert response.status_code == 200
    assert BuktiSebar.objects.get(pk=proof.pk).waktu == proof.waktu


def test_a_proofs_own_page_checks_a_changed_link_like_a_new_one(client, sebaran, oki):
    proof = BuktiSebar.objects.create(konten=sebaran.k1, pegawai=sebaran.siti, akun=sebaran.akun.siti_ig,
                                      tautan=SITI_STORY)
    client.force_login(oki)
    local = timezone.localtime(proof.waktu)
    response = client.post(reverse("admin:registry_buktisebar_change", args=[proof.pk]), {
        "tautan": "https://www.instagram.com/stories/rudi.hartono/3300000000000000077/",
        "akun": sebaran.akun.siti_ig.pk, "waktu_0": f"{local:%Y-%m-%d}", "waktu_1": f"{local:%H:%M:%S}",
        "catatan": "",
    })
    assert "tautan ini unggahan @rudi.hartono, akun rudi hartono, bukan akun siti rahayu" in refused(response)
    assert BuktiSebar.objects.get(pk=proof.pk).tautan == SITI_STORY


def test_an_account_that_proved_a_share_is_not_deleted_with_its_proof_unseen(client, sebaran, oki):
    BuktiSebar.objects.create(konten=sebaran.k1, pegawai=sebaran.siti, akun=sebaran.akun.siti_ig)
    client.force_login(oki)
    page = client.get(reverse("admin:registry_akunmedsos_delete", args=[sebaran.akun.siti_ig.pk]))
    assert page.context["protected"], "the delete page names the proof that keeps the account"
    client.post(reverse("admin:registry_akunmedsos_delete", args=[sebaran.akun.siti_ig.pk]), {"post": "yes"})
    assert AkunMedsos.objects.filter(pk=sebaran.akun.siti_ig.pk).exists()


# Contents --------------------------------------------------------------------


def add_content(client, link, akun=None, judul="Konten uji", terbit="2026-12-01", batas=""):
    return client.post(reverse("admin:registry_konten_add"), {
        "tautan": link, "akun": akun.pk if akun else "", "judul": judul, "terbit": terbit, "batas": batas,
        "wajib": "on",
    })


def test_a_content_is_registered_by_pasting_its_link(client, sebaran, ani):
    client.force_login(ani)
    response = add_content(client, "https://www.tiktok.com/@humas.uji/video/7312000000000000777?is_from_webapp=1")
    assert response.status_code == 302, refused(response)
    konten = Konten.objects.get(kode="video/7312000000000000777")
    assert (konten.akun, konten.unit_pemilik) == (sebaran.humas_tt, sebaran.tree.pemda)
    assert konten.tautan == "https://www.tiktok.com/@humas.uji/video/7312000000000000777"
    assert konten.batas == datetime.date(2026, 12, 4), "three days after it was published, by default"


@pytest.mark.parametrize("link, akun, reason", [
    ("https://www.instagram.com/humas.uji/", None, "menuju profil @humas.uji di instagram, bukan satu unggahan"),
    ("https://vt.tiktok.com/ZSabc123/", None, "tautan pendek yang harus dibuka dulu"),
    ("https://www.instagram.com/p/CtanpaAkun1/", None, "tidak menyebut akun pemiliknya; pilih akun resminya"),
    ("https://x.com/warga_biasa/status/1860000000000000001", None, "@warga_biasa di X (Twitter) bukan akun resmi"),
    ("https://www.tiktok.com/@orang.lain/video/7312000000000000778", "humas_tt",
     "tautan ini unggahan @orang.lain, bukan akun resmi @humas.uji"),
    ("https://www.instagram.com/p/CbaruSatu99/", "humas_tt", "tautan ini unggahan Instagram"),
    (K1, None, "unggahan ini sudah terdaftar sebagai konten «Peluncuran Mal Pelayanan Publik»"),
    (K1, "humas_ig", "unggahan ini sudah terdaftar sebagai konten"),
])
def test_a_content_link_is_refused_with_its_reason(client, sebaran, ani, link, akun, reason):
    client.force_login(ani)
    assert reason.lower() in refused(add_content(client, link, getattr(sebaran, akun) if akun else None))


def test_an_operator_registers_contents_of_its_own_units_accounts_and_sees_those_above(client, sebaran, oki):
    client.force_login(oki)
    said = refused(add_content(client, "https://www.tiktok.com/@humas.uji/video/7312000000000000779"))
    assert "@humas.uji adalah akun resmi pemerintah kabupaten uji, di luar instansi anda" in said
    assert add_content(client, "https://www.instagram.com/p/CdinkesBaru/", sebaran.dinkes_ig).status_code == 302
    listed = client.get(reverse("admin:registry_konten_changelist")).context["cl"].result_list
    assert {k.judul for k in listed} >= {"Peluncuran Mal Pelayanan Publik", "Cek kesehatan gratis"}
    # The regent's content binds Oki's staff: seen, not changed.
    url = reverse("admin:registry_konten_change", args=[sebaran.k1.pk])
    assert client.get(url).context["has_change_permission"] is False
    assert client.post(url, {"judul": "diubah"}).status_code == 403


def test_a_content_page_shows_its_figures_per_unit(client, sebaran, vina):
    BuktiSebar.objects.create(konten=sebaran.k1, pegawai=sebaran.siti, akun=sebaran.akun.siti_ig,
                              waktu=timezone.make_aware(datetime.datetime(2026, 12, 1, 9)))
    BuktiSebar.objects.create(konten=sebaran.k1, pegawai=sebaran.joko, akun=sebaran.akun.joko_ig,
                              waktu=timezone.make_aware(datetime.datetime(2026, 12, 8, 9)))
    client.force_login(vina)
    page = client.get(reverse("admin:registry_konten_change", args=[sebaran.k1.pk]))
    rows = {name: (a.terikat, a.tepat, a.terlambat, a.belum) for name, _, a in page.context["konten_baris"]}
    assert rows == {"Dinas Kesehatan": (2, 1, 0, 1), "Dinas Pendidikan": (2, 0, 1, 1)}
    total = page.context["konten_jumlah"]
    assert (total.terikat, total.tersebar, total.persen) == (4, 2, 50.0)
    listed = client.get(reverse("admin:registry_konten_changelist")).context["cl"].result_list
    assert next(k for k in listed if k.pk == sebaran.k1.pk).angka.belum == 2


def test_contents_and_proofs_lists_take_a_fixed_number_of_queries(client, sebaran, vina, oki):
    from tests.conftest import assert_fixed_queries

    numbers = itertools.count()

    def grow():
        for _ in range(5):
            n = next(numbers)
            konten = make_konten(sebaran.humas_ig, f"https://www.instagram.com/p/Ctambah{n:04d}/", f"Tambah {n}")
            person = make_pegawai(sebaran.tree.pkm, f"Tambahan {n}")
            akun = make_akun(person, "instagram", f"tambahan.{n}")
            verify(akun)
            BuktiSebar.objects.create(konten=konten, pegawai=person, akun=akun)
    for user in (vina, oki):
        client.force_login(user)
        for name in ("konten", "buktisebar"):
            assert_fixed_queries(client, reverse(f"admin:registry_{name}_changelist"), {}, grow, most=16)


# What is stored --------------------------------------------------------------


def test_stored_spreading_is_rebuilt_and_checked_by_its_command(sebaran):
    BuktiSebar.objects.create(konten=sebaran.k1, pegawai=sebaran.siti, akun=sebaran.akun.siti_ig)
    BuktiSebar.objects.filter(pegawai=sebaran.siti).update(hitungan=None)
    Konten.objects.filter(pk=sebaran.k1.pk).update(tepat=7)
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("periksa_sebaran", stdout=out, stderr=io.StringIO())
    assert "1 bukti dengan hitungan atau unit pegawai yang keliru" in out.getvalue()
    call_command("periksa_sebaran", "--perbaiki", stdout=out)
    assert spreading.drift() == {}
    call_command("periksa_sebaran", stdout=(out := io.StringIO()))
    assert "sesuai bukti-buktinya" in out.getvalue()


def test_the_sample_is_random_reproducible_and_at_least_the_minimum(sebaran):
    settings_row = Pengaturan.current()
    settings_row.sampel_persen, settings_row.sampel_minimal = 25, 1
    settings_row.save()
    staff = [make_pegawai(sebaran.tree.pkm, f"Perawat {n}") for n in range(12)]
    for n, person in enumerate(staff):
        akun = make_akun(person, "instagram", f"perawat.{n}")
        BuktiSebar.objects.create(konten=sebaran.k1, pegawai=person, akun=akun)
    drawn = set(BuktiSebar.objects.filter(sampel=True).values_list("pk", flat=True))
    assert len(drawn) == 3, "a quarter of twelve proofs of one unit and content"
    spreading.refresh_all_spread()
    assert set(BuktiSebar.objects.filter(sampel=True).values_list("pk", flat=True)) == drawn
    single = BuktiSebar.objects.create(konten=sebaran.k3, pegawai=sebaran.siti, akun=sebaran.akun.siti_ig)
    assert whose(single).sampel, "a unit's only proof of a content is its sample"


def test_figures_of_a_period_count_each_employee_once_per_content_binding_them(sebaran):
    for person, akun, day in [(sebaran.siti, sebaran.akun.siti_ig, 1), (sebaran.rudi, sebaran.akun.rudi_ig, 9)]:
        BuktiSebar.objects.create(konten=sebaran.k1, pegawai=person, akun=akun,
                                  waktu=timezone.make_aware(datetime.datetime(2026, 12, day, 9)))
    month = angka_sebar.Periode.month_of(datetime.date(2026, 12, 1))
    total = angka_sebar.total(angka_sebar.period_figures(None, "", month, lambda jalur: ""))
    # K1 and K2 bind all four, K3 the two of Dinas Kesehatan.
    assert (total.terikat, total.tepat, total.terlambat, total.belum) == (10, 1, 1, 8)
    by_dates = angka_sebar.Periode(datetime.date(2026, 12, 1), datetime.date(2026, 12, 1))
    assert angka_sebar.total(angka_sebar.period_figures(None, "", by_dates, lambda jalur: "")) == total
