"""Shared by the benchmarks: a fresh database, SQLite in a temporary folder
unless ``BENCH_DATABASE_URL`` names another (bench/skala_bench.py creates
a PostgreSQL one).

Import this first: it points Django at the new database, sets it up,
migrates it and enables the test client (``harness.client(user)``).
"""

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
WORKDIR = tempfile.mkdtemp(prefix="registri-bench-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{WORKDIR}/bench.sqlite3"
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

call_command("migrate", verbosity=0)
setup_test_environment()


def client(user):
    logged_in = Client()
    logged_in.force_login(user)
    return logged_in
