"""Production in one command: `make serve` and `check --deploy`.

These start real processes (make, gunicorn) the way a deployment does,
against a scratch SQLite database, and talk to them over HTTP.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The documented production variables (README, "Deployment").
PRODUCTION = {
    "DJANGO_ALLOWED_HOSTS": "registri.bkd.example.go.id",
    "DJANGO_BEHIND_TLS_PROXY": "1",
    "DJANGO_SSL_REDIRECT": "1",
    "DJANGO_HSTS_SECONDS": "31536000",
    "DJANGO_HSTS_PRELOAD": "1",
}


def environment(**values):
    """This process's environment without any Django setting, plus ``values``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REGISTRI_"))}
    env.update(values)
    return env


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_check_deploy_reports_nothing_with_the_production_variables():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=environment(DJANGO_SECRET_KEY=secrets.token_urlsafe(50), **PRODUCTION),
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues (0 silenced)" in result.stdout


@pytest.mark.parametrize(
    "given, missing",
    [({}, "DJANGO_SECRET_KEY"), ({"DJANGO_SECRET_KEY": "k" * 50}, "DJANGO_ALLOWED_HOSTS")],
)
def test_serve_refuses_to_start_without_its_secret_and_hosts(given, missing):
    result = subprocess.run(["make", "serve"], cwd=ROOT, env=environment(**given),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert f"{missing} belum diisi" in result.stderr
    assert "gunicorn" not in result.stdout


def cookie_settings(**values):
    """SESSION_COOKIE_SECURE and CSRF_COOKIE_SECURE as a fresh process reads them, or its error."""
    code = ("from django.conf import settings; import django; django.setup(); "
            "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)")
    env = environment(DJANGO_SETTINGS_MODULE="config.settings", DJANGO_SECRET_KEY="k" * 50,
                      DJANGO_ALLOWED_HOSTS="registri.bkd.example.go.id", **values)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    return result.stdout.strip() if result.returncode == 0 else result.stderr


@pytest.mark.parametrize("values, expected", [
    ({}, "True True"),
    ({"DJANGO_DEBUG": "1"}, "False False"),
    ({"REGISTRI_HTTP_POLOS": "1"}, "False False"),
    ({"REGISTRI_HTTP_POLOS": "0"}, "True True"),
])
def test_cookies_are_secure_unless_debug_or_plain_http_on_purpose(values, expected):
    assert cookie_settings(**values) == expected


def test_the_old_variable_that_turned_secure_cookies_off_stops_the_server():
    said = cookie_settings(DJANGO_SECURE_COOKIES="0")
    assert "DJANGO_SECURE_COOKIES=0 is no longer read" in said and "REGISTRI_HTTP_POLOS=1" in said


def test_serve_warns_loudly_when_the_site_is_plain_http():
    # A database URL it cannot read stops make serve right after its warning, before gunicorn.
    stopped_early = {"DJANGO_SECRET_KEY": "k" * 50, "DJANGO_ALLOWED_HOSTS": "registri.bkd.example.go.id",
                     "DATABASE_URL": "bukan-alamat-basis-data"}
    result = subprocess.run(["make", "serve"], cwd=ROOT, env=environment(REGISTRI_HTTP_POLOS="ya", **stopped_early),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0 and "gunicorn" not in result.stdout
    assert "PERINGATAN: REGISTRI_HTTP_POLOS aktif" in result.stderr and "tanpa HTTPS" in result.stderr
    quiet = subprocess.run(["make", "serve"], cwd=ROOT, env=environment(**stopped_early), capture_output=True,
                           text=True, timeout=300)
    assert quiet.returncode != 0 and "PERINGATAN" not in quiet.stderr


def get(url, **headers):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as response:
        return response.status, response.headers, response.read()


def test_serve_answers_the_login_page_and_static_files(tmp_path):
    port = free_port()
    env = environment(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'registri.sqlite3'}",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        REGISTRI_BIND=f"127.0.0.1:{port}",
        WORKERS="1",
    )
    server = subprocess.Popen(["make", "serve"], cwd=ROOT, env=env, start_new_session=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, server.stdout.read()
            try:
                status, headers, body = get(f"{base}/login/")
                break
            except OSError:
                assert time.monotonic() < deadline, "make serve tidak menjawab dalam 3 menit"
                time.sleep(0.5)
        assert status == 200
        assert "Registri Akun Media Sosial ASN" in body.decode()
        assert headers["X-Frame-Options"] == "DENY"

        status, headers, body = get(f"{base}/static/admin/css/base.css", **{"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Type"].startswith("text/css")
        assert headers["Content-Encoding"] == "gzip", "whitenoise serves collectstatic's compressed copy"
        assert (tmp_path / "static" / "admin" / "css" / "base.css").exists()

        # A clerk's search carries a NIP in its query string, and the next
        # page's Referer repeats it: neither reaches the access log.
        searched = "198503122010011003"
        search = f"{base}/registry/pegawai/?q={searched}"
        status, _, body = get(search, Referer=search)
        assert status == 200 and "Registri Akun Media Sosial ASN" in body.decode(), "sent to the login page"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    log = server.stdout.read()
    assert '"GET /registry/pegawai/"' in log and '"GET /login/"' in log, log[-2000:]
    assert searched not in log
