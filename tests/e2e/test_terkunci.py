"""A clerk forgets her password, is locked out, and the Admin BKD unlocks
her, in a real browser."""

from django.conf import settings

from tests.e2e.conftest import PASSWORD


def try_password(site, username, password):
    page = site.page
    site.go("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    # Enter in the password field, as most people submit it.
    page.press("#id_password", "Enter")
    page.wait_for_load_state()


def test_a_locked_out_operator_is_told_when_and_whom_to_call_and_the_admin_unlocks_her(site, browser):
    page = site.page
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        try_password(site, "oki.dinkes", f"Rahasia{attempt}")
        assert "Masukkan nama pengguna dan sandi yang benar" in page.inner_text("#content"), "said once, not twice"
    # Caps Lock on: the right password in the wrong case, once too often.
    try_password(site, "oki.dinkes", PASSWORD.upper())
    text = page.inner_text("#content")
    assert "Akun terkunci sementara" in text and "Admin BKD" in text and "WIB" in text
    site.shot("terkunci")
    # Back, and the right password now: still locked.
    page.go_back()
    try_password(site, "oki.dinkes", PASSWORD)
    assert "Akun terkunci sementara" in page.inner_text("#content")

    admin = browser.new_context(viewport={"width": 1366, "height": 768}, locale="id-ID").new_page()
    admin.goto(site.base + "/login/")
    admin.fill("#id_username", "ani.admin")
    admin.fill("#id_password", PASSWORD)
    admin.click("input[type=submit]")
    admin.wait_for_selector("#user-tools")
    admin.click("text=Percobaan masuk gagal")
    admin.check("#result_list tbody input.action-select")
    admin.select_option("select[name=action]", "delete_selected")
    admin.click("button[name=index]")
    admin.click("input[type=submit]")
    admin.wait_for_selector(".messagelist .success")
    admin.context.close()

    try_password(site, "oki.dinkes", PASSWORD)
    page.wait_for_selector("#user-tools")
