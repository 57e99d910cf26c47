"""A scratch database on the PostgreSQL server of DATABASE_URL, for the
benchmarks that measure at a province's scale (skala_bench, beban,
posting_bench). PostgreSQL only: it is what a province runs, and SQLite's
single file and planner say nothing about it. Import before harness."""

import os
import sys
from urllib.parse import urlsplit, urlunsplit

SERVER = os.environ.get("DATABASE_URL", "")


def require_postgresql(bench):
    if not SERVER.startswith(("postgres://", "postgresql://")):
        sys.exit(
            f"{bench} hanya mengukur PostgreSQL (basis data sebuah provinsi); SQLite tidak mewakilinya. "
            "Jalankan dengan DATABASE_URL=postgres://postgres@127.0.0.1:5432/registri"
        )


def database_url(name):
    return urlunsplit(urlsplit(SERVER)._replace(path=f"/{name}"))


def recreate(name, create=True):
    """Drop the database ``name`` and, unless told not to, create it empty."""
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            server.execute(f'CREATE DATABASE "{name}"')
