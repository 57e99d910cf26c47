"""Shared by the benchmarks: a fresh database, SQLite in a temporary folder
unless ``BENCH_DATABASE_URL`` names another (bench/skala_bench.py creates
a PostgreSQL one).

Import this first: it points Django at the new database, sets it up,
migrates it and enables the test client (``harness.client(user)``);
``time_page`` times a page through it the same way in every benchmark.
"""

import os
import statistics
import sys
import tempfile
import time
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
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

call_command("migrate", verbosity=0)
setup_test_environment()


def client(user):
    logged_in = Client()
    logged_in.force_login(user)
    return logged_in


def rows_shown(response):
    """The rows a list page shows (a changelist's or Evaluasi's page), None
    for other pages: a page that holds 10 rows at 100k and its full 50 at
    1M renders five times the rows, which is output, not the registry's size."""
    context = response.context
    if context is None:
        return None
    if "cl" in context:
        return len(context["cl"].result_list)
    if "rows" in context:
        return len(context["rows"])
    return None


def time_page(client, url, query, repeat):
    times, queries, rows = [], 0, None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, query)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, query, response.status_code)
        queries, rows = len(captured), rows_shown(response)
    return statistics.median(times), queries, rows
