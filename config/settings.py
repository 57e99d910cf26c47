"""Settings for the registry, all driven by environment variables.

Each variable is read by one of the helpers below, which refuse a value
they cannot understand instead of guessing: a typo in a deployment should
stop the server, not quietly turn DEBUG on. The README lists every variable.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on", "ya"}
_FALSE = {"0", "false", "no", "off", "tidak", ""}


def env_str(name, default=None):
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"Environment variable {name} is required.")
        return default
    return value


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use 1/0, true/false.")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def env_float(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        number = -1
    if not 0 < number < 1000:
        raise ImproperlyConfigured(f"{name}={value!r} is not a positive number such as 1.1.")
    return number


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# Only a development server may run on a key known to everybody.
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key" if DEBUG else None)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# Cookies travel only over HTTPS once DEBUG is off: a session cookie sent in
# the clear on an office network is a login handed to whoever listens. A
# site that is plain HTTP on purpose (an intranet without TLS yet) says so
# with REGISTRI_HTTP_POLOS=1, and `make serve` warns about it at every start.
PLAIN_HTTP = env_bool("REGISTRI_HTTP_POLOS", False)
if not env_bool("DJANGO_SECURE_COOKIES", True):
    raise ImproperlyConfigured(
        "DJANGO_SECURE_COOKIES=0 is no longer read: cookies are Secure whenever DEBUG is off. "
        "For a plain-HTTP site on purpose, set REGISTRI_HTTP_POLOS=1."
    )
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG and not PLAIN_HTTP
# A login ends after this long without a request (each request renews it).
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_AGE", 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
# HTTPS, for a deployment behind a TLS-terminating proxy (README,
# "Deployment"): the proxy says the request came over HTTPS in
# X-Forwarded-Proto, and it must overwrite whatever a client sent there.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_TLS_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)

INSTALLED_APPS = [
    "registry",
    "import_export",
    "django_filters",
    "axes",
    "simple_history",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Who made a change, for the history of every object (simple_history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so that it runs the view itself: every request that writes is
    # one transaction, retried when it loses a conflict (registry/transaksi.py).
    "registry.transaksi.TransaksiMiddleware",
]

# Content-Security-Policy on every response (django-csp): scripts only
# from this site's static files, never inline, so that a name or handle
# that slipped past escaping still cannot run. Styles may be inline: the
# print page computes its page footer, and the admin writes style
# attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Login protection (django-axes): a username is locked from one address
# after REGISTRI_LOGIN_FAILURES wrong passwords in a row, for
# REGISTRI_LOCKOUT_MINUTES (each further try restarts the wait). By
# username and address together, so that an office behind one NAT address
# is not locked out by one colleague. The Admin BKD unlocks under
# Keamanan masuk › Percobaan masuk gagal; logins are kept there too.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("REGISTRI_LOGIN_FAILURES", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("REGISTRI_LOCKOUT_MINUTES", 30))
AXES_RESET_ON_SUCCESS = True
# Every failure kept (the attempts above are cleared by a success).
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "registry/terkunci.html"
AXES_HTTP_RESPONSE_CODE = 429
# Usernames are personal data: not in INFO lines (the "axes" logger below).
AXES_VERBOSE = False
# nginx puts the client's address in X-Forwarded-For; without a proxy a
# client could write that header itself, so only REMOTE_ADDR counts.
AXES_IPWARE_PROXY_COUNT = 1 if BEHIND_PROXY else None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if BEHIND_PROXY else ["REMOTE_ADDR"]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while an import writes; IMMEDIATE takes the
        # write lock at BEGIN so that two writers wait instead of failing.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # JIT compiles a plan whose cost estimate is large even when it stops
    # after a page of rows: on the 1M bench it spent 270 ms compiling a
    # 56 ms count. The registry's queries are short and indexed; JIT pays
    # off only for long scans, and the one the registry runs (recomputing a
    # large subtree) turns it back on for its transaction (models.analytical).
    #
    # random_page_cost: PostgreSQL's default (4) prices a random read as a
    # spinning disk's, so it scanned all 300,000 checks to count a regency's
    # 8,580 (38 ms) rather than read them from the per-unit index (3 ms), and
    # the scan grows with the province. 1.1 is the usual value for SSD or
    # cached storage; a server on spinning disks sets REGISTRI_PG_RANDOM_PAGE_COST=4.
    random_page_cost = env_float("REGISTRI_PG_RANDOM_PAGE_COST", 1.1)
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c jit=off -c random_page_cost={random_page_cost}"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia")]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
# Indonesian for django-import-export and django-filter, which ship none.
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "static")))
# Gzip and Brotli copies written by collectstatic, served by whitenoise.
# Not the manifest storage: that would make every page fail until
# collectstatic has run, the development server and the tests included.
STORAGES = {
    # Files saved by a request that is rolled back are deleted (registry/transaksi.py).
    "default": {"BACKEND": "registry.transaksi.TrackedStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Screenshots attached to verifications: personal data, served only through
# the admin's permission-checked view, never as public media.
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))

# A bulk action over a long changelist posts one field per ticked row.
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DJANGO_MAX_FORM_FIELDS", 20000)

LOGIN_URL = "admin:login"

# History is a record, not a way back: no revert from the admin.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_EDIT = False

# Retention (manage.py bersihkan_data_lama): staff inactive for longer are
# anonymised; screenshots older than this many days are deleted.
REGISTRI_RETENSI_TAHUN = env_int("REGISTRI_RETENSI_TAHUN", 5)
REGISTRI_RETENSI_BUKTI_HARI = env_int("REGISTRI_RETENSI_BUKTI_HARI", 730)

# Imports and exports (django-import-export and registry/impor/).
REGISTRI_IMPORT_MAX_MB = env_int("REGISTRI_IMPORT_MAX_MB", 20)
# A preview not confirmed within this many minutes is discarded with its rows.
REGISTRI_IMPORT_TTL_MINUTES = env_int("REGISTRI_IMPORT_TTL_MINUTES", 120)
DATA_UPLOAD_MAX_MEMORY_SIZE = FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # django-axes names the username and address in its INFO lines.
    "loggers": {"axes": {"level": "WARNING"}},
}
