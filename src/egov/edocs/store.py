"""On-nara's persistence seam for full-text search in Korean over official documents.

Korean has no stemmer in either database, so both match substrings through trigrams:

- PostgreSQL: `pg_trgm` GIN indexes on the title and the text (migration
  `0003_full_text_search` creates the extension and the indexes); `ILIKE '%…%'` uses them for a
  query of three characters or more (shorter ones still work, by a scan).
- SQLite (the embedded default): an FTS5 table with the `trigram` tokenizer
  (`edocs_document_fts`), kept in step by triggers; queries of three characters or more use it,
  shorter ones fall back to `LIKE`.

`search_filter(rows, query)` narrows a permission-checked queryset (the selectors'): the seam
never widens what an official may see.
"""

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

FTS_TABLE = "edocs_document_fts"
MIN_TRIGRAM = 3

# Fixed statements, no value interpolated (the query text is always a parameter).
SQLITE_SETUP = (  # noqa: S608
    "CREATE VIRTUAL TABLE IF NOT EXISTS edocs_document_fts USING fts5("
    "title, content, content='edocs_officialdocument', content_rowid='id', tokenize='trigram')",
    "INSERT INTO edocs_document_fts(rowid, title, content) "
    "SELECT id, title, content FROM edocs_officialdocument",
    "CREATE TRIGGER IF NOT EXISTS edocs_fts_insert AFTER INSERT ON edocs_officialdocument BEGIN "
    "INSERT INTO edocs_document_fts(rowid, title, content) VALUES (new.id, new.title, new.content); END",
    "CREATE TRIGGER IF NOT EXISTS edocs_fts_delete AFTER DELETE ON edocs_officialdocument BEGIN "
    "INSERT INTO edocs_document_fts(edocs_document_fts, rowid, title, content) "
    "VALUES ('delete', old.id, old.title, old.content); END",
    "CREATE TRIGGER IF NOT EXISTS edocs_fts_update AFTER UPDATE OF title, content ON edocs_officialdocument "
    "BEGIN INSERT INTO edocs_document_fts(edocs_document_fts, rowid, title, content) "
    "VALUES ('delete', old.id, old.title, old.content); "
    "INSERT INTO edocs_document_fts(rowid, title, content) VALUES (new.id, new.title, new.content); END",
)
SQLITE_TEARDOWN = (
    "DROP TRIGGER IF EXISTS edocs_fts_insert",
    "DROP TRIGGER IF EXISTS edocs_fts_delete",
    "DROP TRIGGER IF EXISTS edocs_fts_update",
    "DROP TABLE IF EXISTS edocs_document_fts",
)
POSTGRESQL_SETUP = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS edocs_doc_title_trgm ON edocs_officialdocument "
    "USING gin (title gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS edocs_doc_content_trgm ON edocs_officialdocument "
    "USING gin (content gin_trgm_ops)",
)
POSTGRESQL_TEARDOWN = (
    "DROP INDEX IF EXISTS edocs_doc_title_trgm",
    "DROP INDEX IF EXISTS edocs_doc_content_trgm",
)


def search_setup(schema_editor, reverse: bool = False) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = POSTGRESQL_TEARDOWN if reverse else POSTGRESQL_SETUP
    elif vendor == "sqlite":
        statements = SQLITE_TEARDOWN if reverse else SQLITE_SETUP
    else:
        return
    for statement in statements:
        schema_editor.execute(statement)


def _fts_phrase(query: str) -> str:
    return '"' + query.replace('"', '""') + '"'


def search_filter(rows: QuerySet, query: str) -> QuerySet:
    """`rows` narrowed to the documents whose title or text holds `query` (case-insensitive)."""
    query = " ".join((query or "").split())[:100]
    if not query:
        return rows
    if connection.vendor == "sqlite" and len(query) >= MIN_TRIGRAM:
        matched = RawSQL(  # noqa: S611 - a fixed statement, the query is a parameter
            "SELECT rowid FROM edocs_document_fts WHERE edocs_document_fts MATCH %s", (_fts_phrase(query),)
        )
        return rows.filter(id__in=matched)
    return rows.filter(Q(title__icontains=query) | Q(content__icontains=query))
