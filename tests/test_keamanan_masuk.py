"""Logins: lockout by username and address together, unlocking, records,
idle sessions, and a password change ending the other sessions.

Oki operates DINKES and Dedi DISDIK; their office shares one NAT address.
Ani is the Admin BKD. Everyone logs in through the login form, as a
browser would.
"""

import datetime
import logging

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

PASSWORD = "rahasia-uji-123"
OFFICE, HOME = "10.20.30.40", "192.168.1.7"
LOGIN = reverse("admin:login")


def log_in(client, user, password=PASSWORD, address=OFFICE):
    return client.post(LOGIN, {"username": user.username, "password": password, "next": "/"},
                       REMOTE_ADDR=address)


def lock_out(client, user, address=OFFICE):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, user, "salah", address)


def test_wrong_passwords_lock_that_username_from_that_address_only(client, oki, dedi):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, oki, "salah").status_code == 200, "the form again, with its error"
    locked = log_in(client, oki, "salah")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Akun terkunci sementara" in page and "Admin BKD" in page
    assert f"salah {settings.AXES_FAILURE_LIMIT} kali" in page and "30 menit" in page and "WIB" in page

    assert log_in(Client(), oki).status_code == 429, "the right password does not open it either"
    assert log_in(Client(), dedi).status_code == 302, "a colleague behind the same address logs in"
    assert log_in(Client(), oki, address=HOME).status_code == 302, "the same user from elsewhere logs in"


def test_the_lock_ends_by_itself_after_the_cool_off(client, oki):
    lock_out(client, oki)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=31))
    assert log_in(Client(), oki).status_code == 302


def test_the_admin_unlocks_from_the_admin(client, oki, ani):
    lock_out(client, oki)
    attempt = AccessAttempt.objects.get(username=oki.username)
    admin = Client()
    assert log_in(admin, ani, address=HOME).status_code == 302
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and oki.username in listing.content.decode()
    assert "Percobaan masuk gagal" in listing.content.decode()
    deleted = admin.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert deleted.status_code == 302
    assert log_in(Client(), oki).status_code == 302


def test_operators_cannot_see_or_unlock_logins(client, oki, dedi):
    lock_out(client, dedi)
    assert log_in(client, oki).status_code == 302
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
    attempt = AccessAttempt.objects.get(username=dedi.username)
    assert client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}).status_code == 403
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_failed_and_successful_logins_are_recorded_without_usernames_in_info_logs(client, oki, caplog):
    with caplog.at_level(logging.INFO):
        log_in(client, oki, "salah")
        assert AccessAttempt.objects.get(username=oki.username).failures_since_start == 1
        log_in(client, oki)
    assert not AccessAttempt.objects.exists(), "a success clears the count"
    assert AccessFailureLog.objects.filter(username=oki.username, ip_address=OFFICE).count() == 1
    assert AccessLog.objects.filter(username=oki.username, ip_address=OFFICE).count() == 1
    assert not [r for r in caplog.records if r.levelno <= logging.INFO and oki.username in r.getMessage()]


def test_a_session_ends_after_inactivity_and_each_request_renews_it(client, oki):
    assert log_in(client, oki).status_code == 302
    session = Session.objects.get()
    left = session.expire_date - timezone.now()
    assert abs(left.total_seconds() - settings.SESSION_COOKIE_AGE) < 60
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=5))
    assert client.get("/").status_code == 200
    renewed = Session.objects.get().expire_date - timezone.now()
    assert renewed.total_seconds() > settings.SESSION_COOKIE_AGE - 60, "a request renews the hour"
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_changing_the_password_ends_the_other_sessions(oki):
    laptop, phone = Client(), Client()
    assert log_in(laptop, oki).status_code == 302
    assert log_in(phone, oki, address=HOME).status_code == 302
    changed = laptop.post(reverse("admin:password_change"), {
        "old_password": PASSWORD, "new_password1": "sandi-baru-yang-panjang-77", "new_password2": "sandi-baru-yang-panjang-77",
    })
    assert changed.status_code == 302
    assert laptop.get("/").status_code == 200, "the session that changed it stays"
    response = phone.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@pytest.mark.parametrize("limit", [3])
def test_the_limit_is_a_setting(client, oki, settings, limit):
    settings.AXES_FAILURE_LIMIT = limit
    for _ in range(limit - 1):
        assert log_in(client, oki, "salah").status_code == 200
    assert log_in(client, oki, "salah").status_code == 429
