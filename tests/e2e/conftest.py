"""Browser tests: Debian's Chromium, driven by Playwright, against a live server.

The live server runs on 127.0.0.1 with the test database, loaded with the
demo regency (fixtures/demo.json) and four personas. Screenshots of the key
steps land in tests/e2e/artifacts/ (ignored by git).

Without Chromium the tests are skipped with a plain message; under CI
(``CI`` set) they must run, so a missing browser fails the run.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

from registry.demo import load_demo
from registry.models import Instansi
from tests.conftest import recreate_roles

# Playwright's sync API keeps an event loop in the test thread; the ORM
# calls the tests make alongside it are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
PASSWORD = "rahasia-uji-123"


def pytest_collection_modifyitems(config, items):
    if CHROMIUM or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason="Chromium tidak terpasang: uji peramban dilewati (apt-get install chromium)")
    for item in items:
        if "e2e" in item.nodeid:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    assert CHROMIUM, "Chromium is required for the browser tests under CI (apt-get install chromium)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def demo(transactional_db):
    """The demo regency and four personas who know their passwords.

    A browser test's database is emptied after it, so the roles the data
    migrations made are made again, by the same functions.
    """
    recreate_roles()
    load_demo()
    people = {}
    for username, group, kode in [
        ("ani.admin", None, None),
        ("vina.verifikator", "Verifikator BKD", None),
        ("oki.dinkes", "Operator OPD", "DINKES"),
        ("dedi.disdik", "Operator OPD", "DISDIK"),
    ]:
        user = User.objects.create_user(username, password=PASSWORD, is_staff=True, is_superuser=group is None)
        if group:
            user.groups.add(Group.objects.get(name=group))
        if kode:
            Instansi.objects.get(kode=kode).operator.add(user)
        people[username] = user
    return people


@pytest.fixture
def site(browser, live_server, demo, request):
    """A 1366×768 browser tab on the live server, with a helper per step."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True, locale="id-ID")
    page = context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)
    steps = []

    class Site:
        base = live_server.url

        def go(self, path):
            return page.goto(self.base + path)

        def login(self, username):
            self.go("/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            page.click("input[type=submit]")
            page.wait_for_selector("#user-tools")

        def shot(self, name):
            steps.append(name)
            path = ARTIFACTS / f"{request.node.name}-{len(steps):02d}-{name}.png"
            page.screenshot(path=path, full_page=True)
            return path

    site = Site()
    site.page = page
    site.context = context
    yield site
    context.close()
