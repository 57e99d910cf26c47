"""The Pegawai name search as words, from a full-text index, on PostgreSQL.

Migration 0013 indexed the name's trigrams for ``nama LIKE '%…%'``; at a
million employees that index answered a search by walking the posting lists
of trigrams every name shares, and got slower with every employee added
(bench/skala_bench.py: 250–300 ms at 1M). The search now asks that every
word typed begin a word of the name (``PegawaiQuerySet.named``), read from
this index of the name's words; the trigram index on names, which nothing
reads any more and every write of an employee paid for, goes. The account
names keep theirs (0013). SQLite needs and gets nothing.
"""

from django.db import migrations

# The expression of models.NAME_WORDS, as Django writes it: PostgreSQL
# uses an expression index only for that very expression
# (tests/test_admin.py checks the plan).
CREATE = (
    "CREATE INDEX IF NOT EXISTS registry_peg_nama_kata_idx ON registry_pegawai "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(nama, '')))"
)
TRIGRAMS = (
    "CREATE INDEX IF NOT EXISTS registry_peg_nama_trgm_idx "
    "ON registry_pegawai USING gin (UPPER(nama::text) gin_trgm_ops)"
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)
        schema_editor.execute("DROP INDEX IF EXISTS registry_peg_nama_trgm_idx")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS registry_peg_nama_kata_idx")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone():
            schema_editor.execute(TRIGRAMS)


class Migration(migrations.Migration):
    dependencies = [("registry", "0015_riwayat")]

    operations = [migrations.RunPython(forward, backward)]
