"""The Admin BKD sets up a new operator in one form, in a real browser."""

from django.contrib.auth.models import User

from registry.models import Instansi
from tests.e2e.conftest import PASSWORD


def test_admin_creates_an_operator_in_one_form(site):
    page = site.page
    dinkes = Instansi.objects.get(kode="DINKES")
    site.login("ani.admin")
    site.go("/auth/user/add/")
    page.fill("#id_username", "tika.dinkes")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.fill("#id_first_name", "Tika")
    page.fill("#id_nip", "199003152015032001")
    # Forgetting the instansi first: the form says what is missing.
    page.select_option("#id_peran", "Operator OPD")
    page.click("input[name=_save]")
    page.wait_for_selector(".errorlist")
    assert "Pilih instansi yang dioperasikan" in page.inner_text(".errorlist")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    # Typing the first letters in the drop-down, as a clerk does.
    page.focus("#id_instansi")
    page.keyboard.type("Dinas Kes")
    assert page.input_value("#id_instansi") == str(dinkes.pk)
    site.shot("pengguna-operator-baru")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    tika = User.objects.get(username="tika.dinkes")
    assert list(Instansi.objects.filter(operator=tika)) == [dinkes]

    site.context.clear_cookies()
    site.login("tika.dinkes")
    site.go("/registry/pegawai/")
    assert page.locator("#belum-ditautkan").count() == 0
    assert "Dinas Kesehatan" in page.inner_text("#changelist")
