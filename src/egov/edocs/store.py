"""On-nara's persistence seam for full-text search in Korean over official documents.

Korean has no stemmer in either database and most Korean nouns have two syllables (민원, 주차),
so both match substrings through an index of **syllable bigrams** (every two adjacent
characters, lower-cased, none holding a space), and check the candidates with a substring match:

- PostgreSQL: an immutable SQL function `edocs_bigrams(text)` and a GIN index on
  `edocs_bigrams(title || ' ' || content)` (migration `0006_bigram_search`, which replaces the
  trigram indexes of `0003`). A query's bigrams must all be in a document's (`@>`), then
  `ILIKE '%…%'` on title or text decides. A one-character query scans.
- SQLite (the embedded default): an FTS5 table `edocs_document_grams` whose one column holds
  the document's bigrams as words (`unicode61` tokenizer), kept in step by triggers that call
  the Python function `edocs_bigrams` registered on every SQLite connection
  (`sqlite_functions_register`, connected in `edocs.apps`). Every bigram of the query must
  match, then `LIKE` decides.

`search_filter(rows, query)` narrows a permission-checked queryset (the selectors'): the seam
never widens what an official may see.

On PostgreSQL the search picks its plan per query (`search_plan`). A word as common as 민원 is
in most documents: the bigram index would hand back hundreds of thousands of rows to be
checked and sorted for one page of 50. So the seam estimates how many of the rows the
official may see (with the filters) hold the query: the planner's estimate of those rows
times the query's share of all documents (its rarest bigram's, from the statistics ANALYZE
keeps for the index's expression). Walking newest first through the date index reads about
50 × documents / matches rows; the bigram index hands back about documents × share
candidates. When matches × share passes WALK_MIN_MATCHES the page walks and checks each row
with ILIKE, stopping at the page's end; otherwise the bigram index finds the candidates. The
capped count ("more than 1,000") likewise reads without the index past SCAN_COUNT_MIN_MATCHES.
"""

import json
import time

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

# Fixed statements, no value interpolated (the query text is always a parameter).
TRIGRAM_SQLITE_SETUP = (  # noqa: S608  (migration 0003; dropped by 0006)
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
TRIGRAM_SQLITE_TEARDOWN = (
    "DROP TRIGGER IF EXISTS edocs_fts_insert",
    "DROP TRIGGER IF EXISTS edocs_fts_delete",
    "DROP TRIGGER IF EXISTS edocs_fts_update",
    "DROP TABLE IF EXISTS edocs_document_fts",
)
TRIGRAM_POSTGRESQL_SETUP = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS edocs_doc_title_trgm ON edocs_officialdocument "
    "USING gin (title gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS edocs_doc_content_trgm ON edocs_officialdocument "
    "USING gin (content gin_trgm_ops)",
)
TRIGRAM_POSTGRESQL_TEARDOWN = (
    "DROP INDEX IF EXISTS edocs_doc_title_trgm",
    "DROP INDEX IF EXISTS edocs_doc_content_trgm",
)


def search_setup(schema_editor, reverse: bool = False) -> None:
    """Migration 0003's trigram set-up (kept so that the migrations replay as they ran)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = TRIGRAM_POSTGRESQL_TEARDOWN if reverse else TRIGRAM_POSTGRESQL_SETUP
    elif vendor == "sqlite":
        statements = TRIGRAM_SQLITE_TEARDOWN if reverse else TRIGRAM_SQLITE_SETUP
    else:
        return
    for statement in statements:
        schema_editor.execute(statement)


# --- syllable bigrams (migration 0006) ------------------------------------------------------

BIGRAM_FUNCTION = (
    "CREATE OR REPLACE FUNCTION edocs_bigrams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT "
    "PARALLEL SAFE AS $$ SELECT coalesce(array_agg(DISTINCT g), '{}') FROM ("
    "SELECT substr(lower(t), i, 2) AS g FROM generate_series(1, char_length(t) - 1) AS i) AS grams "
    "WHERE g !~ '\\s' $$"
)
BIGRAM_INDEX_CREATE = (
    "CREATE INDEX IF NOT EXISTS edocs_doc_bigrams ON edocs_officialdocument "
    "USING gin (edocs_bigrams(title || ' ' || content))"
)
BIGRAM_INDEX_DROP = "DROP INDEX IF EXISTS edocs_doc_bigrams"
BIGRAM_POSTGRESQL_SETUP = (*TRIGRAM_POSTGRESQL_TEARDOWN, BIGRAM_FUNCTION, BIGRAM_INDEX_CREATE)
BIGRAM_POSTGRESQL_TEARDOWN = (
    BIGRAM_INDEX_DROP,
    "DROP FUNCTION IF EXISTS edocs_bigrams(text)",
    *TRIGRAM_POSTGRESQL_SETUP,
)
GRAMS_TABLE = "edocs_document_grams"
BIGRAM_SQLITE_SETUP = (
    *TRIGRAM_SQLITE_TEARDOWN,
    "CREATE VIRTUAL TABLE IF NOT EXISTS edocs_document_grams USING fts5(grams, tokenize='unicode61')",
    "INSERT INTO edocs_document_grams(rowid, grams) "
    "SELECT id, edocs_bigrams(title || ' ' || content) FROM edocs_officialdocument",
    "CREATE TRIGGER IF NOT EXISTS edocs_grams_insert AFTER INSERT ON edocs_officialdocument BEGIN "
    "INSERT INTO edocs_document_grams(rowid, grams) "
    "VALUES (new.id, edocs_bigrams(new.title || ' ' || new.content)); END",
    "CREATE TRIGGER IF NOT EXISTS edocs_grams_delete AFTER DELETE ON edocs_officialdocument BEGIN "
    "DELETE FROM edocs_document_grams WHERE rowid = old.id; END",
    "CREATE TRIGGER IF NOT EXISTS edocs_grams_update "
    "AFTER UPDATE OF title, content ON edocs_officialdocument BEGIN "
    "UPDATE edocs_document_grams SET grams = edocs_bigrams(new.title || ' ' || new.content) "
    "WHERE rowid = new.id; END",
)
BIGRAM_SQLITE_TEARDOWN = (
    "DROP TRIGGER IF EXISTS edocs_grams_insert",
    "DROP TRIGGER IF EXISTS edocs_grams_delete",
    "DROP TRIGGER IF EXISTS edocs_grams_update",
    "DROP TABLE IF EXISTS edocs_document_grams",
    *TRIGRAM_SQLITE_SETUP,
)


def bigrams(text: str) -> list[str]:
    """The distinct syllable bigrams of `text` the SQLite index holds: two adjacent letters or
    digits, lower-cased ("민원 처리" → 민원, 처리)."""
    text = (text or "").lower()
    return list(dict.fromkeys(text[i : i + 2] for i in range(len(text) - 1) if text[i : i + 2].isalnum()))


def _bigram_words(text: str | None) -> str:
    return " ".join(bigrams(text or ""))


def sqlite_functions_register(sender, connection, **kwargs) -> None:
    """`edocs_bigrams(text)` on a new SQLite connection, for the triggers that keep the index
    (a `connection_created` receiver)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("edocs_bigrams", 1, _bigram_words, deterministic=True)


def bigram_search_setup(schema_editor, reverse: bool = False) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = BIGRAM_POSTGRESQL_TEARDOWN if reverse else BIGRAM_POSTGRESQL_SETUP
    elif vendor == "sqlite":
        sqlite_functions_register(None, schema_editor.connection)
        statements = BIGRAM_SQLITE_TEARDOWN if reverse else BIGRAM_SQLITE_SETUP
    else:
        return
    for statement in statements:
        schema_editor.execute(statement)


GRAMS_MATCH_SQL = "SELECT rowid FROM edocs_document_grams WHERE edocs_document_grams MATCH %s"


def fts_terms(grams: list[str]) -> str:
    """An FTS5 query that every one of `grams` matches."""
    return " AND ".join('"' + g.replace('"', '""') + '"' for g in grams)


# The walk reads about PAGE × N / matches rows, the bigram index about N × share candidates
# (N: the documents): the walk wins when matches × share exceeds the page (the count: the cap),
# taken four times over for the estimates' error.
WALK_MIN_MATCHES = 4 * 50
SCAN_COUNT_MIN_MATCHES = 4 * 1_001
PHRASE_FACTOR = 10
SHARES_SECONDS = 600  # the statistics change with ANALYZE only; read them again after this
SHARES_SQL = (
    "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
    "WHERE tablename = 'edocs_doc_bigrams'"
)
_shares: dict = {"read_at": 0.0, "shares": {}, "floor": 1.0}


def bigram_shares() -> tuple[dict[str, float], float]:
    """({bigram: share of documents holding it} for the commonest bigrams, the share no other
    bigram exceeds), from the planner's statistics of the bigram index's expression; cached in
    the process for SHARES_SECONDS. Without statistics every bigram counts as common (1.0)."""
    now = time.monotonic()
    if now - _shares["read_at"] > SHARES_SECONDS:
        shares, floor = {}, 1.0
        with connection.cursor() as cursor:
            cursor.execute(SHARES_SQL)
            found = cursor.fetchone()
        if found and found[0] and found[1]:
            elements, freqs = found
            shares = dict(zip(elements, freqs[: len(elements)], strict=True))
            floor = float(freqs[len(elements)])  # the least frequent of those kept
        _shares.update(read_at=now, shares=shares, floor=floor)
    return _shares["shares"], _shares["floor"]


def _rows_estimate(rows: QuerySet) -> float:
    """The planner's estimate of how many rows `rows` holds (one EXPLAIN, no rows read)."""
    plan = rows.order_by().explain(format="json")
    return float(json.loads(plan)[0]["Plan"]["Plan Rows"])


def query_share(query: str) -> float:
    """The estimated share of documents holding `query`: for a word, that of its rarest bigram
    (an upper bound); for a phrase, the product of its words' (as if independent)."""
    shares, floor = bigram_shares()
    share = 1.0
    for word in query.split():
        grams = bigrams(word)
        if grams:
            share *= min(shares.get(g, floor) for g in grams)
    return share


def search_plan(rows: QuerySet, query: str) -> tuple[bool, bool]:
    """(whether the page walks newest first without the bigram index, whether the capped count
    reads without it), from the expected number of matches among `rows` and the share of all
    documents the bigram index would hand back (PostgreSQL). A phrase
    needs PHRASE_FACTOR times as many: its words are in many documents but rarely side by side,
    and a walk that finds too few matches reads every row."""
    if not bigrams(query):
        return False, False
    share = query_share(query)
    expected = _rows_estimate(rows) * share
    if " " in query:
        expected /= PHRASE_FACTOR
    return expected * share >= WALK_MIN_MATCHES, expected * share >= SCAN_COUNT_MIN_MATCHES


def search_filter(rows: QuerySet, query: str, *, counting: bool = False) -> QuerySet:
    """`rows` narrowed to the documents whose title or text holds `query` (case-insensitive);
    `counting`: for the capped count of the matches rather than a page of them."""
    query = " ".join((query or "").split())[:100]
    if not query:
        return rows
    holds = Q(title__icontains=query) | Q(content__icontains=query)
    table = rows.model._meta.db_table
    if connection.vendor == "postgresql" and len(query) >= 2:
        walk, scan_count = search_plan(rows, query)
        if scan_count if counting else walk:
            return rows.filter(holds)
        indexed = RawSQL(  # noqa: S611 - the table name is the model's, the query is a parameter
            f'edocs_bigrams("{table}"."title" || \' \' || "{table}"."content") @> edocs_bigrams(%s)',
            (query,),
            output_field=BooleanField(),
        )
        return rows.filter(indexed).filter(holds)
    grams = bigrams(query)
    if connection.vendor == "sqlite" and grams:
        matched = RawSQL(GRAMS_MATCH_SQL, (fts_terms(grams),))  # noqa: S611 - the terms are a parameter
        return rows.filter(id__in=matched).filter(holds)
    return rows.filter(holds)
