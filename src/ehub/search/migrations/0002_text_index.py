"""The text half of the search index, per database vendor (see ehub/search/models.py).

- SQLite: an FTS5 table ``search_fts`` (rowid = product id) with the unicode61 tokenizer over
  pre-segmented tokens, and a trigger removing a product's row when its document is deleted.
- PostgreSQL: a ``tsv`` tsvector column on ``search_searchdocument`` with a GIN index; and, when
  the server offers it and we may create it, ``pg_trgm`` with a trigram index on the vocabulary
  (suggestions by similarity). Without it, suggestions fall back to a scan in Python.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_document_deleted AFTER DELETE ON search_searchdocument "
    "BEGIN DELETE FROM search_fts WHERE rowid = old.product_id; END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_document_deleted",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_FORWARD = [
    "ALTER TABLE search_searchdocument ADD COLUMN tsv tsvector NOT NULL DEFAULT ''::tsvector",
    "CREATE INDEX search_document_tsv ON search_searchdocument USING gin (tsv)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_term_trgm",
    "DROP INDEX IF EXISTS search_document_tsv",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS tsv",
]


def _run(schema_editor, statements):  # type: ignore[no-untyped-def]
    for statement in statements:
        schema_editor.execute(statement)


def _pg_trgm(schema_editor) -> None:  # type: ignore[no-untyped-def]
    """Create pg_trgm if the server has it and we are allowed to; never fail the migration."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        cursor.execute("SAVEPOINT search_pg_trgm")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(
                "CREATE INDEX search_term_trgm ON search_searchterm USING gin (term gin_trgm_ops)"
            )
        except Exception:  # no privilege: degrade to suggestions without trigrams
            cursor.execute("ROLLBACK TO SAVEPOINT search_pg_trgm")
        else:
            cursor.execute("RELEASE SAVEPOINT search_pg_trgm")


def forward(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_FORWARD)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_FORWARD)
        _pg_trgm(schema_editor)


def backward(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_BACKWARD)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
