"""Trigram indexes for the Pegawai search (name, or account name) on PostgreSQL.

``nama__icontains`` is ``UPPER(nama::text) LIKE UPPER('%…%')`` and an account
name ``username LIKE '%…%'``: no B-tree serves a pattern with a leading
wildcard, so at a million employees every search scanned the table. pg_trgm
is a trusted extension (PostgreSQL 13+), which the database owner may
create; where it cannot be created the search still works, unindexed, and
the migration says so. SQLite needs and gets nothing.
"""

from django.db import DatabaseError, migrations, transaction

INDEXES = [
    "CREATE INDEX IF NOT EXISTS registry_peg_nama_trgm_idx "
    "ON registry_pegawai USING gin (UPPER(nama::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS registry_akun_username_trgm_idx "
    "ON registry_akunmedsos USING gin ((username::text) gin_trgm_ops)",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        print(
            "\n  pg_trgm tidak dapat dipasang (hak akses?): pencarian nama tetap berjalan tanpa indeks. "
            "Pasang dengan: CREATE EXTENSION pg_trgm; lalu jalankan migrate lagi."
        )
        return
    for sql in INDEXES:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS registry_peg_nama_trgm_idx")
        schema_editor.execute("DROP INDEX IF EXISTS registry_akun_username_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("registry", "0012_indeks_pola_jalur_urutan_akun")]

    operations = [migrations.RunPython(create, drop)]
