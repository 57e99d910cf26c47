"""Locks (registry.kunci) on PostgreSQL: what decides a write is read under
the locks a concurrent write takes, so two clerks at the same account get
an answer, never a 500 at COMMIT.

Each test holds one write open in a thread, starts the other through the
client in a second thread, lets the first commit, and looks at what the
second answered and left.
"""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from registry import followers
from registry.kunci import lock_units
from registry.models import AkunMedsos, Verifikasi
from tests.conftest import make_akun, posted, recreate_roles, verify

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="kunci baris hanya ada di PostgreSQL")

QUEUE = "admin:registry_akunmedsos_antrean"


@pytest.fixture(autouse=True)
def roles(transactional_db):
    recreate_roles()


class Held:
    """``write()`` in its own transaction and thread, kept open until ``release()``."""

    def __init__(self, write):
        self.done, self.go = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._run, args=(write,))
        self.thread.start()
        assert self.done.wait(10), "penulisan pertama tidak selesai"

    def _run(self, write):
        try:
            with transaction.atomic():
                write()
                self.done.set()
                self.go.wait(10)
        finally:
            connection.close()

    def release(self):
        self.go.set()
        self.thread.join(10)


def as_clerk(user, method, url, data=None):
    """A request in a thread of its own, started now; ``answer()`` waits for its response."""

    def request():
        client = Client()
        client.force_login(user)
        return getattr(client, method)(url, data)

    return in_thread(request)


def in_thread(work):
    """``work()`` in a thread of its own, started now; ``answer()`` waits for what it returns."""
    result = {}

    def run():
        try:
            result["response"] = work()
        except Exception as error:  # noqa: BLE001 - the test reports what the request raised
            result["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    # Long enough for the request to reach the lock the held write keeps.
    time.sleep(0.5)

    def answer():
        thread.join(30)
        assert "error" not in result, repr(result.get("error"))
        return result["response"]

    return thread, answer


def test_an_account_deleted_while_a_colleague_records_its_check_is_kept(transactional_db, staff, oki, vina):
    akun = staff.siti.akun.get()
    url = reverse("admin:registry_pegawai_change", args=[staff.siti.pk])
    client = Client()
    client.force_login(oki)
    data = posted(client.get(url), **{"akun-0-DELETE": "on"})

    check = Held(lambda: verify(akun, pemeriksa=vina, checked=[]))
    waiting, answer = as_clerk(oki, "post", url, data)
    assert waiting.is_alive(), "penghapusan tidak menunggu pemeriksaan yang sedang dicatat"
    check.release()
    response = answer()

    assert response.status_code == 200
    refused = [error for inline in response.context["inline_admin_formsets"]
               for error in inline.formset.non_form_errors()]
    assert any("objek terlindungi" in error and "verifikasi Instagram @siti.rahayu" in error for error in refused)
    assert AkunMedsos.objects.filter(pk=akun.pk).exists()
    assert Verifikasi.objects.filter(akun=akun).count() == 1


def test_a_check_of_an_account_deleted_meanwhile_finds_it_gone(transactional_db, staff, vina):
    akun = staff.siti.akun.get()
    data = {"akun": akun.pk, "hasil": "VALID"}
    deletion = Held(akun.delete)
    waiting, answer = as_clerk(vina, "post", reverse(QUEUE), data)
    assert waiting.is_alive(), "pemeriksaan tidak menunggu penghapusan yang sedang berjalan"
    deletion.release()

    assert answer().status_code == 404
    assert not Verifikasi.objects.exists()


def test_a_follower_list_waits_only_for_the_units_whose_follows_it_changes(transactional_db, tree, staff, vina):
    official = make_akun(tree.pemda, "instagram", "humas.uji", wajib_diikuti=True)
    held = Held(lambda: lock_units([tree.disdik.pk]))

    def apply_list(*usernames):
        return in_thread(lambda: followers.apply(official, followers.FollowerList(set(usernames), 0), vina,
                                                 "pengikut.txt"))

    # Siti is in Dinas Kesehatan: nothing of Dinas Pendidikan, held by another write, changes.
    thread, answer = apply_list("siti.rahayu")
    thread.join(5)
    assert not thread.is_alive(), "daftar pengikut menunggu unit yang tidak diubahnya"
    assert answer().to_add == {staff.siti.akun.get().pk}
    # Maya is in Dinas Pendidikan: this one waits for the write there.
    thread, answer = apply_list("siti.rahayu", "maya.sari")
    assert thread.is_alive(), "daftar pengikut tidak menunggu unit yang diubahnya"
    held.release()
    assert answer().to_add == {staff.maya.akun.get().pk}
    assert set(official.pengikut.values_list("username", flat=True)) == {"siti.rahayu", "maya.sari"}
