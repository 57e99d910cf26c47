"""Every admin page, as each persona uses it through the browser's requests.

Oki operates DINKES (with PKM below it), Dedi operates DISDIK (with SMPN1);
Vina verifies everything; Ani is the Admin BKD.
"""

import re
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.models import AkunMedsos, Pegawai, Verifikasi
from tests.conftest import make_akun, make_pegawai, verify


def url(name, *args, **query):
    path = reverse(f"admin:registry_{name}", args=args)
    if query:
        path += "?" + urlencode(query)
    return path


def shown(client, user, page, **query):
    client.force_login(user)
    response = client.get(url(f"{page}_changelist", **query))
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def inline_management(prefix="akun", total=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def pegawai_post(instansi, **fields):
    data = {
        "nama": "Pegawai Baru",
        "nip": "NIP. 19900115 201501 1 004",
        "nik": "",
        "instansi": str(instansi.pk),
        "jabatan": "Perawat",
        "status_kepegawaian": "PNS",
        "aktif": "on",
        **inline_management(),
        # The proofs on an existing employee's page (none on a new one's, where it is ignored).
        **inline_management("bukti_sebar"),
    }
    data.update(fields)
    return data


# Pegawai -----------------------------------------------------------------


def test_each_persona_sees_its_own_staff(client, staff, ani, vina, oki, dedi):
    everybody = {staff.siti, staff.rudi, staff.maya, staff.joko}
    assert shown(client, ani, "pegawai") == everybody
    assert shown(client, vina, "pegawai") == everybody
    assert shown(client, oki, "pegawai") == {staff.siti, staff.rudi}
    assert shown(client, dedi, "pegawai") == {staff.maya, staff.joko}


def test_a_staff_user_without_a_role_sees_nothing(client, staff, django_user_model):
    nobody = django_user_model.objects.create_user("tamu", is_staff=True)
    client.force_login(nobody)
    assert client.get(url("pegawai_changelist")).status_code == 403


def test_another_agencys_employee_is_not_found(client, staff, oki):
    client.force_login(oki)
    for page in ("change", "history"):
        assert client.get(url(f"pegawai_{page}", staff.maya.pk)).status_code == 404
    assert client.get(url("pegawai_change", staff.siti.pk)).status_code == 200
    response = client.post(url("pegawai_change", staff.maya.pk), pegawai_post(staff.maya.instansi))
    assert response.status_code == 404


def test_operator_cannot_create_staff_in_another_agency(client, tree, oki):
    client.force_login(oki)
    response = client.post(url("pegawai_add"), pegawai_post(tree.disdik))
    assert response.status_code == 200
    assert "instansi" in response.context["adminform"].form.errors
    assert not Pegawai.objects.exists()

    response = client.post(url("pegawai_add"), pegawai_post(tree.pkm))
    assert response.status_code == 302
    assert Pegawai.objects.get().nip == "199001152015011004"


def test_operator_cannot_move_own_staff_out_of_scope(client, staff, tree, oki):
    client.force_login(oki)
    data = pegawai_post(tree.disdik, nip=staff.siti.nip)
    response = client.post(url("pegawai_change", staff.siti.pk), data)
    assert response.status_code == 200
    staff.siti.refresh_from_db()
    assert staff.siti.instansi.kode == "DINKES"


def test_operator_cannot_delete_staff(client, staff, oki):
    client.force_login(oki)
    assert client.post(url("pegawai_delete", staff.siti.pk), {"post": "yes"}).status_code == 403
    assert Pegawai.objects.filter(pk=staff.siti.pk).exists()


def test_add_form_shows_identity_errors_in_indonesian(client, tree, oki):
    client.force_login(oki)
    response = client.post(url("pegawai_add"), pegawai_post(tree.dinkes, nip="1,98503E+17"))
    assert "format kolom NIP sebagai Teks" in response.content.decode()


def test_employee_and_account_added_in_one_form(client, tree, oki):
    client.force_login(oki)
    data = pegawai_post(tree.dinkes, **inline_management(total=1))
    data.update({"akun-0-platform": "", "akun-0-username": "https://www.tiktok.com/@Perawat.Baru?lang=id"})
    assert client.post(url("pegawai_add"), data).status_code == 302
    akun = AkunMedsos.objects.get()
    assert (akun.platform, akun.username, akun.pegawai.nama) == ("tiktok", "perawat.baru", "Pegawai Baru")


def test_instansi_filter_includes_sub_units_and_only_offers_the_scope(client, staff, tree, vina, oki):
    assert shown(client, vina, "pegawai", instansi=tree.dinkes.pk) == {staff.siti, staff.rudi}
    assert shown(client, vina, "pegawai", instansi=tree.pemda.pk) == set(Pegawai.objects.all())
    assert shown(client, oki, "pegawai", instansi=tree.disdik.pk) == set()
    assert shown(client, oki, "pegawai", instansi="bukan-angka") == set()
    client.force_login(oki)
    response = client.get(url("pegawai_changelist"))
    spec = next(s for s in response.context["cl"].filter_specs if s.parameter_name == "instansi")
    assert {label.strip() for _, label in spec.lookup_choices} == {"Dinas Kesehatan", "UPTD Puskesmas Kota"}


def test_compliance_and_platform_filters(client, staff, tree, vina):
    verify(staff.siti.akun.get())
    make_akun(staff.joko, "tiktok", "joko.tt")
    assert shown(client, vina, "pegawai", kepatuhan="PATUH") == {staff.siti}
    assert shown(client, vina, "pegawai", kepatuhan="BELUM_DIVERIFIKASI") == {staff.rudi, staff.maya, staff.joko}
    assert shown(client, vina, "pegawai", akun="punya:tiktok") == {staff.joko}
    assert shown(client, vina, "pegawai", akun="tanpa:tiktok") == {staff.siti, staff.rudi, staff.maya}


def test_search_by_grouped_nip_name_or_pasted_profile(client, staff, vina):
    nip = staff.siti.nip
    grouped = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    assert shown(client, vina, "pegawai", q=grouped) == {staff.siti}
    assert shown(client, vina, "pegawai", q="rahayu") == {staff.siti}
    assert shown(client, vina, "pegawai", q="https://instagram.com/Joko.Susilo/") == {staff.joko}


def test_name_search_reads_words_in_any_order_and_survives_any_typing(client, staff, vina):
    assert shown(client, vina, "pegawai", q="siti rah") == {staff.siti}, "two words, the last one half typed"
    assert shown(client, vina, "pegawai", q="RAHAYU,  Siti") == {staff.siti}
    assert shown(client, vina, "pegawai", q="siti hartono") == set(), "every word must match"
    for typed in ["rah & !siti", "siti:* | (", "'\\", "&|!():*<>"]:
        assert shown(client, vina, "pegawai", q=typed) <= {staff.siti}, typed


def test_name_search_on_postgresql_reads_word_beginnings_from_its_index(db, staff):
    named = Pegawai.objects.named
    assert set(named("rah")) == {staff.siti} and set(named("har")) == {staff.rudi}
    if connection.vendor != "postgresql":
        # SQLite, a small registry, finds a word anywhere in the name.
        assert set(named("ayu")) == {staff.siti}
        return
    assert set(named("ayu")) == set(), "on PostgreSQL a word typed begins a word of the name"
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    assert "registry_peg_nama_kata_idx" in named("siti rah").explain(), "migration 0016's index serves it"


def test_search_matches_name_or_account_once_and_stays_in_scope(client, staff, tree, vina, oki):
    make_akun(staff.siti, "tiktok", "siti_rahayu")
    # Her name and both her accounts match: she is listed once.
    client.force_login(vina)
    found = client.get(url("pegawai_changelist"), {"q": "siti"}).context["cl"].result_list
    assert [p.nama for p in found] == ["Siti Rahayu"]
    assert shown(client, oki, "pegawai", q="maya") == set(), "Maya works in Dinas Pendidikan"
    assert shown(client, oki, "pegawai", q="rudi") == {staff.rudi}


def test_changelist_shows_counts_and_state(client, staff, vina):
    client.force_login(vina)
    page = client.get(url("pegawai_changelist")).content.decode()
    assert "Belum diverifikasi" in page
    assert staff.rudi.nip in page


# Instansi ----------------------------------------------------------------


def test_instansi_list_is_the_scoped_tree(client, tree, vina, oki):
    assert shown(client, vina, "instansi") == {tree.pemda, tree.dinkes, tree.pkm, tree.disdik, tree.smpn1}
    assert shown(client, oki, "instansi") == {tree.dinkes, tree.pkm}


def test_instansi_counts_active_staff_with_and_without_sub_units(client, staff, tree, vina):
    make_pegawai(tree.dinkes, "Pensiunan", aktif=False)
    client.force_login(vina)
    rows = {i.kode: i for i in client.get(url("instansi_changelist")).context["cl"].result_list}
    assert (rows["DINKES"]._pegawai_aktif, rows["DINKES"]._pegawai_aktif_subunit) == (1, 2)
    assert rows["PEMDA"]._pegawai_aktif_subunit == 4


def test_operators_view_but_do_not_edit_units(client, tree, oki):
    client.force_login(oki)
    assert client.get(url("instansi_change", tree.dinkes.pk)).status_code == 200
    assert client.get(url("instansi_change", tree.disdik.pk)).status_code == 404
    assert client.get(url("instansi_add")).status_code == 403
    response = client.post(url("instansi_change", tree.dinkes.pk), {"kode": "X", "nama": "Y"})
    assert response.status_code == 403


def test_only_the_admin_assigns_operators(client, tree, ani, vina):
    client.force_login(ani)
    assert "operator" in client.get(url("instansi_change", tree.dinkes.pk)).context["adminform"].form.fields
    client.force_login(vina)
    assert "operator" not in client.get(url("instansi_change", tree.dinkes.pk)).context["adminform"].form.fields


def test_autocomplete_offers_only_the_scope(client, tree, oki):
    client.force_login(oki)
    response = client.get(
        "/autocomplete/",
        {"app_label": "registry", "model_name": "pegawai", "field_name": "instansi", "term": ""},
    )
    assert {r["text"] for r in response.json()["results"]} == {"Dinas Kesehatan", "UPTD Puskesmas Kota"}


def test_admin_moves_a_unit_under_another(client, tree, ani):
    client.force_login(ani)
    data = {"kode": "PKM", "nama": "UPTD Puskesmas Kota", "induk": str(tree.disdik.pk), "aktif": "on",
            **inline_management("akun_resmi")}
    assert client.post(url("instansi_change", tree.pkm.pk), data).status_code == 302
    tree.pkm.refresh_from_db()
    assert tree.pkm.jalur.startswith(tree.disdik.jalur)


# Akun media sosial -------------------------------------------------------


def test_accounts_are_scoped_by_owner(client, staff, tree, vina, oki):
    humas = make_akun(tree.pemda, username="humas.uji", wajib_diikuti=True)
    dinkes = make_akun(tree.dinkes, username="dinkes.uji", wajib_diikuti=True)
    assert shown(client, vina, "akunmedsos") == set(AkunMedsos.objects.all())
    assert shown(client, oki, "akunmedsos") == {staff.siti.akun.get(), staff.rudi.akun.get(), dinkes}
    client.force_login(oki)
    assert client.get(url("akunmedsos_change", humas.pk)).status_code == 404
    assert client.get(url("akunmedsos_change", staff.maya.akun.get().pk)).status_code == 404


def test_operator_adds_an_account_by_pasting_its_profile(client, staff, oki):
    client.force_login(oki)
    data = {"platform": "", "username": "https://www.instagram.com/Siti.Kedua/?hl=id",
            "pegawai": str(staff.siti.pk), **inline_management("verifikasi")}
    assert client.post(url("akunmedsos_add"), data).status_code == 302
    assert staff.siti.akun.filter(username="siti.kedua", platform="instagram").exists()


def test_operator_cannot_attach_an_account_to_another_agencys_employee(client, staff, oki):
    client.force_login(oki)
    data = {"platform": "x", "username": "@penyusup", "pegawai": str(staff.maya.pk),
            **inline_management("verifikasi")}
    response = client.post(url("akunmedsos_add"), data)
    assert response.status_code == 200
    assert "pegawai" in response.context["adminform"].form.errors
    assert not AkunMedsos.objects.filter(username="penyusup").exists()


def test_claimed_handle_and_post_link_are_refused_with_reasons(client, staff, oki):
    client.force_login(oki)
    for username, message in [
        ("https://instagram.com/maya.sari", "sudah terdaftar"),
        ("https://www.instagram.com/p/C1a2b3c4d5/", "bukan profil"),
    ]:
        data = {"platform": "", "username": username, "pegawai": str(staff.siti.pk),
                **inline_management("verifikasi")}
        response = client.post(url("akunmedsos_add"), data)
        assert message in response.content.decode()


def test_handle_links_open_the_profile_safely(client, staff, vina):
    client.force_login(vina)
    page = client.get(url("akunmedsos_changelist")).content.decode()
    assert (
        '<a href="https://www.instagram.com/siti.rahayu/" target="_blank" rel="noopener noreferrer">'
        "@siti.rahayu</a>" in page
    )


def test_account_filters(client, staff, tree, vina):
    humas = make_akun(tree.pemda, username="humas.uji", wajib_diikuti=True)
    verify(staff.siti.akun.get(), "BUKAN_MILIK")
    assert shown(client, vina, "akunmedsos", hasil="BUKAN_MILIK") == {staff.siti.akun.get()}
    assert len(shown(client, vina, "akunmedsos", hasil="belum")) == 4
    assert shown(client, vina, "akunmedsos", pemilik="resmi") == {humas}
    assert shown(client, vina, "akunmedsos", wajib_diikuti__exact=1) == {humas}


def test_account_page_shows_its_history_read_only(client, staff, vina):
    akun = staff.siti.akun.get()
    verify(akun, "TIDAK_DITEMUKAN", pemeriksa=vina)
    verify(akun, "VALID", pemeriksa=vina)
    client.force_login(vina)
    response = client.get(url("akunmedsos_change", akun.pk))
    page = response.content.decode()
    assert "Riwayat verifikasi" in page or "riwayat verifikasi" in page
    assert page.index("Valid") < page.index("Tidak ditemukan")


# Verifikasi --------------------------------------------------------------


def test_verifikator_records_a_check_that_updates_the_account(client, staff, tree, vina):
    humas = make_akun(tree.pemda, username="humas.uji", wajib_diikuti=True)
    akun = staff.maya.akun.get()
    client.force_login(vina)
    data = {"akun": str(akun.pk), "hasil": "VALID", "mengikuti": [str(humas.pk)], "catatan": "dicek"}
    assert client.post(url("verifikasi_add"), data).status_code == 302
    akun.refresh_from_db()
    assert akun.hasil_terakhir == "VALID"
    assert list(akun.mengikuti.all()) == [humas]
    assert Verifikasi.objects.get().pemeriksa == vina


def test_operators_cannot_verify(client, staff, oki):
    client.force_login(oki)
    assert client.get(url("verifikasi_add")).status_code == 403
    data = {"akun": str(staff.siti.akun.get().pk), "hasil": "VALID"}
    assert client.post(url("verifikasi_add"), data).status_code == 403
    assert not Verifikasi.objects.exists()


def test_history_is_append_only_except_for_the_admin(client, staff, vina, ani):
    akun = staff.siti.akun.get()
    first = verify(akun, "VALID", pemeriksa=vina)
    second = verify(akun, "TIDAK_AKTIF", pemeriksa=vina)
    client.force_login(vina)
    assert client.post(url("verifikasi_change", second.pk), {"hasil": "VALID"}).status_code == 403
    assert client.post(url("verifikasi_delete", second.pk), {"post": "yes"}).status_code == 403
    client.force_login(ani)
    assert client.post(url("verifikasi_delete", second.pk), {"post": "yes"}).status_code == 302
    akun.refresh_from_db()
    assert (akun.hasil_terakhir, akun.diverifikasi_pada) == ("VALID", first.waktu)


def test_operators_see_only_their_accounts_history(client, staff, vina, oki):
    own = verify(staff.siti.akun.get(), pemeriksa=vina)
    other = verify(staff.maya.akun.get(), pemeriksa=vina)
    assert shown(client, oki, "verifikasi") == {own}
    assert client.get(url("verifikasi_change", other.pk)).status_code == 404


def test_accounts_and_their_history_follow_their_owner_into_another_scope(client, staff, tree, ani, vina, oki, dedi):
    """Scope reads the owner's unit stored on each account and check
    (unit_pemilik); a move by form, by import or to another owner moves them."""
    siti_akun = staff.siti.akun.get()
    check = verify(siti_akun, pemeriksa=vina)
    client.force_login(ani)
    form = client.get(url("pegawai_change", staff.siti.pk)).context["adminform"].form
    data = {name: form[name].value() for name in ("nip", "nama", "status_kepegawaian")}
    data.update(instansi=tree.smpn1.pk, aktif="on", **inline_management(), **inline_management("bukti_sebar"))
    assert client.post(url("pegawai_change", staff.siti.pk), data).status_code == 302
    assert siti_akun not in shown(client, oki, "akunmedsos") and check not in shown(client, oki, "verifikasi")
    assert siti_akun in shown(client, dedi, "akunmedsos") and check in shown(client, dedi, "verifikasi")

    rudi_akun = staff.rudi.akun.get()
    rudi_akun.pegawai = staff.joko
    rudi_akun.save()
    assert rudi_akun in shown(client, dedi, "akunmedsos") and rudi_akun not in shown(client, oki, "akunmedsos")


def test_screenshot_is_served_only_within_scope(client, staff, vina, oki, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(vina)
    png = SimpleUploadedFile("bukti.png", b"\x89PNG\r\n\x1a\nfake", content_type="image/png")
    data = {"akun": str(staff.siti.akun.get().pk), "hasil": "VALID", "bukti": png}
    assert client.post(url("verifikasi_add"), data).status_code == 302
    own = Verifikasi.objects.get()
    other = verify(staff.maya.akun.get(), pemeriksa=vina)
    client.force_login(oki)
    response = client.get(url("verifikasi_bukti", own.pk))
    assert response.status_code == 200
    assert {"private", "no-store"} <= set(response["Cache-Control"].replace(",", " ").split())
    assert client.get(url("verifikasi_bukti", other.pk)).status_code == 404


# Query counts ------------------------------------------------------------


def _queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("page", ["pegawai", "instansi", "akunmedsos", "verifikasi"])
@pytest.mark.parametrize("persona", ["vina", "oki"])
def test_list_pages_run_a_fixed_number_of_queries(client, staff, tree, page, persona, request):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    humas = make_akun(tree.pemda, username="humas.uji", wajib_diikuti=True)

    def grow(n):
        for i in range(n):
            p = make_pegawai(tree.pkm if i % 2 else tree.disdik, f"Tambahan {i}")
            verify(make_akun(p), "VALID", [humas])
            make_akun(tree.pkm, "tiktok", f"unit.{p.pk}")

    grow(3)
    path = url(f"{page}_changelist")
    few = _queries(client, path)
    grow(30)
    many = _queries(client, path)
    assert few == many
    assert many <= 12


def test_error_pages_speak_indonesian(client, staff, oki, settings):
    settings.DEBUG = False
    client.force_login(oki)
    page = client.get(url("pegawai_change", staff.maya.pk))
    assert page.status_code == 404
    assert "di luar instansi yang Anda kelola" in page.content.decode()
    page = client.get(url("verifikasi_add"))
    assert page.status_code == 403
    assert "hubungi Admin BKD" in page.content.decode()


def test_empty_lists_say_what_to_do(client, tree, oki):
    client.force_login(oki)
    page = client.get(url("pegawai_changelist")).content.decode()
    assert "Belum ada pegawai: tambahkan dengan tombol di kanan atas, atau impor dari Excel." in page
    page = client.get(url("pegawai_changelist", q="tidak-ada-yang-begini")).content.decode()
    assert "Tidak ada pegawai yang cocok dengan pencarian atau saringan ini." in page
    page = client.get(url("verifikasi_changelist")).content.decode()
    assert "Belum ada verifikasi." in page


def test_pegawai_list_shows_active_staff_unless_asked(client, staff, ani):
    staff.joko.aktif = False
    staff.joko.save()
    client.force_login(ani)
    url = reverse("admin:registry_pegawai_changelist")

    def listed(**params):
        return {p.nama for p in client.get(url, params).context["cl"].result_list}

    assert "Joko Susilo" not in listed() and "Siti Rahayu" in listed()
    assert listed(keaktifan="nonaktif") == {"Joko Susilo"}
    assert "Joko Susilo" in listed(keaktifan="semua") and "Siti Rahayu" in listed(keaktifan="semua")
    assert "Nonaktif saja" in client.get(url).content.decode(), "the filter is visible"


def test_akun_list_leaves_wajib_blank_on_employee_accounts(client, staff, tree, vina):
    make_akun(tree.pemda, "instagram", "humas.uji", wajib_diikuti=True)
    client.force_login(vina)
    html = client.get(reverse("admin:registry_akunmedsos_changelist")).content.decode()
    cells = re.findall(r'<td class="field-wajib_tampil">(.*?)</td>', html, re.S)
    assert len(cells) == 5
    assert sum("icon-yes" in c for c in cells) == 1 and not any("icon-no" in c for c in cells)
    assert cells.count("—") == 4, "not applicable, not a red cross"


def test_a_taken_handle_names_its_owner_only_to_who_may_see_them(client, staff, tree, oki, dedi):
    """Siti's @siti.rahayu is in Dinas Kesehatan: Oki is told whose it is,
    Dedi of another dinas only that it is taken and whom to ask."""
    add = reverse("admin:registry_akunmedsos_add")
    client.force_login(oki)
    form = client.get(add).context["adminform"].form
    assert "instansi" not in form.fields and "wajib_diikuti" not in form.fields
    assert form.fields["username"].widget.attrs["size"] == 60
    rudi = staff.rudi
    pasted = "https://www.instagram.com/siti.rahayu/"
    answer = client.post(add, {"platform": "", "username": pasted, "pegawai": rudi.pk})
    errors = answer.context["adminform"].form.errors
    assert errors["username"] == [
        f"Akun ini sudah terdaftar atas nama {staff.siti}; ubah akun itu bila pemiliknya keliru."]
    assert "Siti Rahayu" in errors["username"][0]
    assert "__all__" not in errors, "one message, not the constraint's too"

    client.force_login(dedi)
    answer = client.post(add, {"platform": "instagram", "username": "siti.rahayu", "pegawai": staff.maya.pk})
    message = answer.context["adminform"].form.errors["username"][0]
    assert message == "Akun ini sudah terdaftar atas nama pegawai di instansi lain; hubungi BKD bila ini keliru."
    assert "Siti" not in answer.content.decode()
