"""Setting up a user in one place: role, an operator's instansi, the NIP
printed under *Dibuat oleh*; and an operator without an instansi is told so."""

from django.contrib.auth.models import User
from django.urls import reverse

from registry.models import Instansi, ProfilPengguna

ADD = "admin:auth_user_add"


def new_user(client, **fields):
    data = {"username": "tika.dinkes", "password1": "Rahasia-uji-2026!", "password2": "Rahasia-uji-2026!",
            "first_name": "Tika", "last_name": "Lestari", "nip": "", "peran": "", "instansi": "", **fields}
    return client.post(reverse(ADD), data)


def test_admin_sets_up_an_operator_in_one_form(client, tree, ani):
    client.force_login(ani)
    form = client.get(reverse(ADD)).content.decode()
    assert "Operator OPD: mengelola pegawai" in form and 'name="instansi"' in form
    response = new_user(client, peran="Operator OPD", instansi=tree.dinkes.pk, nip="19900315 201503 2 001")
    assert response.status_code == 302
    tika = User.objects.get(username="tika.dinkes")
    assert (tika.is_staff, tika.is_superuser) == (True, False)
    assert list(tika.groups.values_list("name", flat=True)) == ["Operator OPD"]
    assert list(Instansi.objects.filter(operator=tika)) == [tree.dinkes]
    assert ProfilPengguna.objects.get(pengguna=tika).nip == "199003152015032001"

    # She logs in and works in her own dinas straight away.
    client.force_login(tika)
    page = client.get(reverse("admin:registry_pegawai_changelist"))
    assert page.status_code == 200 and "belum ditautkan" not in page.content.decode()


def test_an_operator_needs_an_instansi_and_a_nip_must_be_valid(client, tree, ani):
    client.force_login(ani)
    response = new_user(client, peran="Operator OPD", nip="12345")
    errors = response.context["adminform"].form.errors
    assert errors["instansi"] == ["Pilih instansi yang dioperasikan Operator OPD ini."]
    assert errors["nip"][0].startswith("NIP tidak sah:")
    assert "peran" in new_user(client).context["adminform"].form.errors
    assert not User.objects.filter(username="tika.dinkes").exists()


def test_changing_the_role_moves_groups_and_units(client, tree, ani, oki):
    client.force_login(ani)
    url = reverse("admin:auth_user_change", args=[oki.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    assert (form.initial["peran"], form.initial["instansi"]) == ("Operator OPD", tree.dinkes.pk)
    data = {"username": oki.username, "first_name": "Oki", "last_name": "", "email": "", "nip": "",
            "peran": "Operator OPD", "instansi": tree.disdik.pk, "is_active": "on",
            "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01", "date_joined_1": "08:00:00"}
    assert client.post(url, data).status_code == 302
    assert list(Instansi.objects.filter(operator=oki)) == [tree.disdik]
    assert client.post(url, {**data, "peran": "Verifikator BKD", "instansi": ""}).status_code == 302
    oki.refresh_from_db()
    assert list(oki.groups.values_list("name", flat=True)) == ["Verifikator BKD"]
    assert not Instansi.objects.filter(operator=oki).exists()
    assert client.post(url, {**data, "peran": "Admin BKD", "instansi": ""}).status_code == 302
    oki.refresh_from_db()
    assert oki.is_superuser and list(oki.groups.values_list("name", flat=True)) == ["Admin BKD"]


def test_instansi_operator_box_offers_only_operators(client, tree, ani, oki, vina):
    client.force_login(ani)
    page = client.get(reverse("admin:registry_instansi_change", args=[tree.pkm.pk]))
    choices = {label for _, label in page.context["adminform"].form.fields["operator"].choices}
    assert "oki.dinkes" in choices and "vina.verifikator" not in choices and "ani.admin" not in choices


def test_an_operator_without_an_instansi_is_told_on_every_page(client, tree, oki):
    Instansi.objects.get(pk=tree.dinkes.pk).operator.remove(oki)
    client.force_login(oki)
    for name in ("admin:index", "admin:registry_pegawai_changelist", "admin:registry_akunmedsos_changelist"):
        html = client.get(reverse(name)).content.decode()
        assert "Akun Anda belum ditautkan ke instansi mana pun; hubungi Admin BKD" in html, name


def test_the_user_list_runs_a_fixed_number_of_queries(client, tree, ani, oki, dedi, vina,
                                                     django_assert_max_num_queries):
    client.force_login(ani)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("admin:auth_user_changelist"))
    html = page.content.decode()
    assert "Dinas Kesehatan" in html and "Verifikator BKD" in html
