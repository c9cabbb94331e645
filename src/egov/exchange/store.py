"""The exchange layer's persistence seam: every statement of the mediated query's hot path in
plain SQL, and the access log's appends and reads, behind functions of plain values.

The rules (grant and consent checks, the canonical form and its hash, when a checkpoint is
due) stay in `services`, `queries` and `accesslog`. The statements are built once from the
models' names: every API query runs them, and compiling ORM queries on each call cost the
hot path about as much as the queries (docs/benchmarks.md, issue 3). Where PostgreSQL and
other databases need different statements, the test is `core.db.postgresql_fast_path`.
"""

import contextlib
import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection, transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone
from oauth2_provider.models import AccessToken

from egov.accounts.models import AgencySystem
from egov.core.db import postgresql_fast_path
from egov.exchange.models import AccessLogEntry, Grant, QueryReceipt, SharedItem
from egov.registry.models import Agency


def _json(value) -> Any:
    """A json column read with plain SQL (Django has psycopg hand jsonb over as text)."""
    return json.loads(value) if isinstance(value, str | bytes) else value


# --- The item and the grant -------------------------------------------------------------

# The item and, when the basis names a grant, that grant of this consumer on this item.
ITEM_GRANT_SQL = (
    'SELECT i."id", i."fields", g."status", g."valid_from", g."valid_until", g."fields" '  # noqa: S608 (model names)
    f'FROM "{SharedItem._meta.db_table}" i LEFT JOIN "{Grant._meta.db_table}" g '
    'ON g."id" = %s AND g."consumer_id" = %s AND g."item_id" = i."id" '
    'WHERE i."code" = %s AND i."is_active"'
)


def item_and_grant_get(
    *, code: str, consumer_id: int, grant_id: int | None
) -> tuple[int, list[str], tuple[str, dt.date, dt.date, list[str]] | None] | None:
    """The active item `code` (id, fields) and the consumer's grant `grant_id` on it
    (status, valid from, valid until, fields), or None for a grant not found; None for no
    such active item. One statement."""
    with connection.cursor() as cursor:
        cursor.execute(ITEM_GRANT_SQL, [grant_id, consumer_id, code])
        row = cursor.fetchone()
    if row is None:
        return None
    item_id, item_fields, status, valid_from, valid_until, grant_fields = row
    grant = (status, valid_from, valid_until, list(_json(grant_fields))) if status is not None else None
    return item_id, list(_json(item_fields)), grant


# --- The API's token ----------------------------------------------------------------------

AGENCY_FIELDS = [f.attname for f in Agency._meta.concrete_fields]
# The token, its system and the system's agency, and the receipt of the message the request
# names (X-Road-Id) if that system sent it before, in one select.
TOKEN_SQL = (
    'SELECT t."expires", t."scope", s."id", s."name", s."client_id", s."is_active", '  # noqa: S608 (names from the models; the values are parameters)
    + 'r."status_code", r."body", '
    + ", ".join(f'a."{f.column}"' for f in Agency._meta.concrete_fields)
    + f' FROM "{AccessToken._meta.db_table}" t'
    + f' JOIN "{AgencySystem._meta.db_table}" s ON s."application_id" = t."application_id"'
    + f' JOIN "{Agency._meta.db_table}" a ON a."id" = s."agency_id"'
    + f' LEFT JOIN "{QueryReceipt._meta.db_table}" r ON r."client_id" = s."client_id" AND r."message_id" = %s'
    + ' WHERE t."token_checksum" = %s'
)


def token_system_get(*, checksum: str, message_id: str | None) -> tuple | None:
    """For the token with this checksum: (expires (aware), scope, its system as an unsaved
    AgencySystem with its agency, and the status and body of the answer the system was given
    to `message_id`, both None when it has not sent that message); None when no token has
    that checksum. One statement."""
    with connection.cursor() as cursor:
        cursor.execute(TOKEN_SQL, [message_id, checksum])
        row = cursor.fetchone()
    if row is None:
        return None
    expires, scope, system_id, name, client_id, is_active, status, body, *agency_values = row
    if timezone.is_naive(expires):  # SQLite hands back naive UTC
        expires = timezone.make_aware(expires, dt.UTC)
    agency = Agency.from_db(None, AGENCY_FIELDS, agency_values)
    system = AgencySystem(id=system_id, agency=agency, name=name, client_id=client_id, is_active=is_active)
    return expires, scope, system, status, _json(body) if status is not None else None


# --- Query receipts -------------------------------------------------------------------------

_ENTRIES = AccessLogEntry._meta.db_table
# The entry just appended in this session, for statements sent before its id is read back.
# A scalar subquery, so that it is evaluated once and the primary key's index is used.
CURRENT_ENTRY_ID_SQL = f"(SELECT currval(pg_get_serial_sequence('\"{_ENTRIES}\"', 'id')))"
RECEIPT_SQL = (
    f'SELECT "status_code", "body" FROM "{QueryReceipt._meta.db_table}" '  # noqa: S608 (names from the model)
    'WHERE "client_id" = %s AND "message_id" = %s'
)
RECEIPT_INSERT_SQL = (
    f'INSERT INTO "{QueryReceipt._meta.db_table}" '  # noqa: S608 (names from the model)
    '("client_id", "message_id", "status_code", "body", "log_entry_id", "created_at") '
    "VALUES (%s, %s, %s, %s, %s, %s)"
)
# The receipt of an entry appended in this transaction whose id and seq are not read yet.
RECEIPT_INSERT_PENDING_SQL = (
    f'INSERT INTO "{QueryReceipt._meta.db_table}" '  # noqa: S608 (names from the model)
    '("client_id", "message_id", "status_code", "body", "log_entry_id", "created_at") '
    "SELECT %s, %s, %s, %s::jsonb || CASE WHEN %s THEN jsonb_build_object('log_id', e.\"seq\") "
    "ELSE '{}'::jsonb END, e.\"id\", %s "
    f'FROM "{_ENTRIES}" AS e WHERE e."id" = {CURRENT_ENTRY_ID_SQL}'
)


def receipt_answer_get(*, client_id: str, message_id: str) -> tuple[int, Any] | None:
    """(status, body) of the receipt of this client's message, or None."""
    with connection.cursor() as cursor:
        cursor.execute(RECEIPT_SQL, [client_id, message_id])
        row = cursor.fetchone()
    return (row[0], _json(row[1])) if row else None


def receipt_insert(
    *, client_id: str, message_id: str, status: int, body: dict, entry_id: int | None, log_id_from_entry: bool
) -> None:
    """Insert the receipt of the entry `entry_id`; with None, of the entry this session has
    just appended, its id and seq not read yet (PostgreSQL, `access_log_append_sent`), whose
    seq then becomes the body's `log_id` when `log_id_from_entry`. The unique constraint on
    (client_id, message_id) raises IntegrityError for a second copy of a message (at the
    COMMIT when sent with it)."""
    values = [client_id, message_id, status, connection.ops.adapt_json_value(body, None)]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        if entry_id is None:
            cursor.execute(RECEIPT_INSERT_PENDING_SQL, [*values, log_id_from_entry, now])
        else:
            cursor.execute(RECEIPT_INSERT_SQL, [*values, entry_id, now])


# --- The access log -------------------------------------------------------------------------

# Arbitrary constant naming the advisory lock that serialises appends.
APPEND_LOCK_KEY = 0x65676F76  # "egov"
_INSERT_FIELDS = [f for f in AccessLogEntry._meta.concrete_fields if not f.primary_key]
# The fields the caller's values fill; the chain's head gives seq and prev_hash, and entry_hash
# is computed from all of them.
_GIVEN_FIELDS = [f for f in _INSERT_FIELDS if f.name not in ("seq", "prev_hash", "entry_hash")]


def _columns(fields) -> str:
    return ", ".join(f'"{f.column}"' for f in fields)


def _placeholders(fields) -> str:
    return ", ".join(["%s"] * len(fields))


LOCK_SQL = "SELECT pg_advisory_xact_lock(%s)"
HEAD_SQL = f'SELECT "seq", "entry_hash" FROM "{_ENTRIES}" ORDER BY "seq" DESC LIMIT 1'  # noqa: S608 (model names)
INSERT_SQL = f'INSERT INTO "{_ENTRIES}" ({_columns(_INSERT_FIELDS)}) VALUES ({_placeholders(_INSERT_FIELDS)})'  # noqa: S608
# PostgreSQL: one statement reads the head, completes the canonical form around it from the
# three parts Python made (`accesslog._canonical_parts`; `to_json` escapes a text exactly as
# the canonical form does), hashes it and inserts the entry.
APPEND_SQL = (
    'WITH head AS (SELECT COALESCE(last."seq", 0) + 1 AS seq, COALESCE(last."entry_hash", %s) AS prev '  # noqa: S608 (model names)
    f"FROM (SELECT 1) AS one LEFT JOIN ({HEAD_SQL}) AS last ON TRUE), "
    "new AS (SELECT seq, prev, encode(sha256(convert_to("
    "%s || to_json(prev)::text || %s || seq::text || %s, 'UTF8')), 'hex') AS hash FROM head) "
    f'INSERT INTO "{_ENTRIES}" ("seq", "prev_hash", "entry_hash", {_columns(_GIVEN_FIELDS)}) '
    "VALUES ((SELECT seq FROM new), (SELECT prev FROM new), (SELECT hash FROM new), "
    f'{_placeholders(_GIVEN_FIELDS)}) RETURNING "id", "seq", "prev_hash", "entry_hash"'
)


def _db_values(entry: AccessLogEntry, fields) -> list:
    return [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in fields]


def _pipeline():
    """psycopg 3's pipeline mode on Django's connection: statements sent together, results
    read when the block ends. A plain block where the driver has none."""
    connection.ensure_connection()
    pipeline = getattr(connection.connection, "pipeline", None)
    return pipeline() if pipeline else contextlib.nullcontext()


def access_log_hashed_in_database() -> bool:
    """Whether the database can finish an entry's hash (`access_log_append_hashed`)."""
    return postgresql_fast_path()


def access_log_append_hashed(entry: AccessLogEntry, parts: tuple[str, str, str], *, genesis: str) -> tuple:
    """PostgreSQL: take the chain's lock and append the entry, its hash finished by the
    database around the head it reads, two statements in one round trip. Returns (id, seq,
    prev_hash, entry_hash)."""
    values = [genesis, *parts, *_db_values(entry, _GIVEN_FIELDS)]
    with connection.cursor() as cursor:
        # The server runs the INSERT as soon as it grants the lock, without waiting for this
        # process to answer; the INSERT is a statement of its own, so its snapshot holds every
        # entry committed before the lock was granted. The cursor keeps the last result.
        with connection.wrap_database_errors, _pipeline():
            cursor.execute(LOCK_SQL, [APPEND_LOCK_KEY])
            cursor.execute(APPEND_SQL, values)
        return cursor.fetchone()


def access_log_lock_and_head() -> tuple[int, str] | None:
    """Take the chain's lock (PostgreSQL; SQLite serialises writers itself), then read the
    head (seq, entry_hash), None for an empty log, by a statement of its own."""
    with connection.cursor() as cursor:
        if postgresql_fast_path():
            cursor.execute(LOCK_SQL, [APPEND_LOCK_KEY])
        cursor.execute(HEAD_SQL)
        return cursor.fetchone()


def access_log_insert(entry: AccessLogEntry) -> int:
    """Insert the entry, its seq and hashes set; returns its id."""
    values = _db_values(entry, _INSERT_FIELDS)
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:
            cursor.execute(INSERT_SQL + ' RETURNING "id"', values)
            return cursor.fetchone()[0]
        cursor.execute(INSERT_SQL, values)
        return cursor.lastrowid


def pipeline_enter(stack: contextlib.ExitStack) -> bool:
    """Put the connection in pipeline mode until `stack` closes, when this is the outermost
    transaction (no savepoint within it) on PostgreSQL with psycopg 3; True if it did."""
    # In the outermost transaction, or in blocks within it that made no savepoint: an error
    # here can only roll the whole transaction back, which a pipeline allows.
    outermost = connection.in_atomic_block and not any(connection.savepoint_ids)
    pipeline = getattr(connection.connection, "pipeline", None)
    if outermost and pipeline is not None and postgresql_fast_path():
        stack.enter_context(pipeline())
        return True
    return False


class SentAppend:
    """An append sent in a pipeline whose answer is read once the pipeline has ended."""

    def __init__(self, cursor) -> None:
        self._cursor = cursor

    def result(self) -> tuple:
        """(id, seq, prev_hash, entry_hash), once: the cursor is closed."""
        try:
            return self._cursor.fetchone()
        finally:
            self._cursor.close()


def access_log_append_sent(entry: AccessLogEntry, parts: tuple[str, str, str], *, genesis: str) -> SentAppend:
    """In a pipeline (`pipeline_enter`): send the lock and the append as
    `access_log_append_hashed` does, without waiting for them."""
    values = [genesis, *parts, *_db_values(entry, _GIVEN_FIELDS)]
    cursor = connection.cursor()
    with connection.wrap_database_errors:
        cursor.execute(LOCK_SQL, [APPEND_LOCK_KEY])
        cursor.execute(APPEND_SQL, values)
    return SentAppend(cursor)  # its last result is the INSERT's, read after the COMMIT


# The canonical text of an entry's time, as `accesslog._utc_iso` gives it, formatted by
# PostgreSQL; NULL outside Python's years 1-9999, where to_char would drop the era.
_PG_UTC_ISO = (
    "CASE WHEN {at} >= '0001-01-01T00:00:00Z' AND {at} < '10000-01-01T00:00:00Z' "
    "THEN to_char({at} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"') END"
)


def access_log_chain_read():
    """The block in which `access_log_chain_rows` streams: a transaction on PostgreSQL (so
    that the server-side cursor streams instead of being held); none on SQLite, whose atomic
    blocks take the write lock."""
    return transaction.atomic() if postgresql_fast_path() else contextlib.nullcontext()


def access_log_chain_rows(
    *, head: int, columns: tuple[str, ...], chunk_size: int, utc_iso: Callable[[dt.datetime], str]
) -> Iterator[tuple]:
    """Every entry up to seq `head` in seq order, as tuples of `columns` (which start with
    seq and at and hold fields) and the stored hash, the time as its canonical ISO text
    (`utc_iso`) and `fields` as JSON text.

    On PostgreSQL straight from a binary server-side cursor: Django's text-mode loaders (a
    Python class per timestamp, `json.loads` and a converter per `fields`) would double the
    time of a million-entry run. Call within `access_log_chain_read`."""
    if not postgresql_fast_path():
        queryset = (
            AccessLogEntry.objects.filter(seq__lte=head)
            .order_by("seq")
            .annotate(fields_json=Cast("fields", TextField()))
            .values_list(*(c if c != "fields" else "fields_json" for c in columns), "entry_hash")
        )
        for row in queryset.iterator(chunk_size=chunk_size):
            yield (row[0], utc_iso(row[1]), *row[2:])
        return
    quote = connection.ops.quote_name
    names = [quote(AccessLogEntry._meta.get_field(c).column) for c in (*columns, "entry_hash")]
    names[1] = _PG_UTC_ISO.format(at=names[1])
    names[columns.index("fields")] += "::text"
    seq = names[0]
    table = quote(AccessLogEntry._meta.db_table)
    query = f"SELECT {', '.join(names)} FROM {table} WHERE {seq} <= %s ORDER BY {seq}"  # noqa: S608 (quoted names only)
    connection.ensure_connection()
    with connection.connection.cursor(name="egov_access_log_verify", binary=True) as cursor:
        cursor.execute(query, [head])
        while rows := cursor.fetchmany(chunk_size):
            yield from rows


# --- The benchmark's baseline ---------------------------------------------------------------


def benchmark_bare_hit_insert(*, resident_id: int | None, at: dt.datetime) -> None:
    """One row into `benchmark_bare_hit`, the table benchmarks/exchange_qps.py creates."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO benchmark_bare_hit (resident_id, at) VALUES (%s, %s)", [resident_id, at])
