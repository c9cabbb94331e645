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
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, Min, OuterRef
from django.utils import timezone
from oauth2_provider.models import AccessToken

from egov.accounts.models import AgencySystem
from egov.core.db import postgresql_fast_path
from egov.exchange.models import (
    AccessLogCheckpoint,
    AccessLogCosignature,
    AccessLogEntry,
    AccessLogNode,
    AccessLogPending,
    Grant,
    QueryReceipt,
    SharedItem,
)
from egov.registry.models import Agency, Resident


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


RESIDENT_FIELDS = [f.attname for f in Resident._meta.concrete_fields]
_RESIDENT_PK = RESIDENT_FIELDS.index(Resident._meta.pk.attname)
# The same, and the resident with this blind index (NULL columns when there is none), in one
# statement: what the mediated query reads before it writes.
ITEM_GRANT_RESIDENT_SQL = (
    'SELECT i."id", i."fields", g."status", g."valid_from", g."valid_until", g."fields", '  # noqa: S608 (model names)
    + ", ".join(f'r."{f.column}"' for f in Resident._meta.concrete_fields)
    + f' FROM "{SharedItem._meta.db_table}" i LEFT JOIN "{Grant._meta.db_table}" g '
    'ON g."id" = %s AND g."consumer_id" = %s AND g."item_id" = i."id" '
    f'LEFT JOIN "{Resident._meta.db_table}" r ON r."rrn_index" = %s '
    'WHERE i."code" = %s AND i."is_active"'
)


def item_grant_and_resident_get(
    *, code: str, consumer_id: int, grant_id: int | None, rrn_index: str | None
) -> tuple[int, list[str], tuple | None, Resident | None] | None:
    """`item_and_grant_get`, and the resident whose ID number has the blind index `rrn_index`
    (None for none, or when `rrn_index` is None), in one statement on PostgreSQL."""
    if not postgresql_fast_path():  # SQLite: the raw row's dates would need the ORM's converters
        found = item_and_grant_get(code=code, consumer_id=consumer_id, grant_id=grant_id)
        if found is None:
            return None
        resident = Resident.objects.filter(rrn_index=rrn_index).first() if rrn_index is not None else None
        return (*found, resident)
    with connection.cursor() as cursor:
        cursor.execute(ITEM_GRANT_RESIDENT_SQL, [grant_id, consumer_id, rrn_index, code])
        row = cursor.fetchone()
    if row is None:
        return None
    item_id, item_fields, status, valid_from, valid_until, grant_fields, *resident_values = row
    grant = (status, valid_from, valid_until, list(_json(grant_fields))) if status is not None else None
    resident = None
    if resident_values[_RESIDENT_PK] is not None:
        resident = Resident.from_db(connection.alias, RESIDENT_FIELDS, resident_values)
    return item_id, list(_json(item_fields)), grant, resident


# --- The API's token ----------------------------------------------------------------------

AGENCY_FIELDS = [f.attname for f in Agency._meta.concrete_fields]
# The token, its system and the system's agency, in one select.
TOKEN_SQL = (
    'SELECT t."expires", t."scope", s."id", s."name", s."client_id", s."is_active", '  # noqa: S608 (names from the models; the values are parameters)
    + ", ".join(f'a."{f.column}"' for f in Agency._meta.concrete_fields)
    + f' FROM "{AccessToken._meta.db_table}" t'
    + f' JOIN "{AgencySystem._meta.db_table}" s ON s."application_id" = t."application_id"'
    + f' JOIN "{Agency._meta.db_table}" a ON a."id" = s."agency_id"'
    + ' WHERE t."token_checksum" = %s'
)


def token_system_get(*, checksum: str) -> tuple | None:
    """For the token with this checksum: (expires (aware), scope, its system as an unsaved
    AgencySystem with its agency); None when no token has that checksum. One statement."""
    with connection.cursor() as cursor:
        cursor.execute(TOKEN_SQL, [checksum])
        row = cursor.fetchone()
    if row is None:
        return None
    expires, scope, system_id, name, client_id, is_active, *agency_values = row
    if timezone.is_naive(expires):  # SQLite hands back naive UTC
        expires = timezone.make_aware(expires, dt.UTC)
    agency = Agency.from_db(None, AGENCY_FIELDS, agency_values)
    system = AgencySystem(id=system_id, agency=agency, name=name, client_id=client_id, is_active=is_active)
    return expires, scope, system


# --- Query receipts -------------------------------------------------------------------------

_ENTRIES = AccessLogEntry._meta.db_table
RECEIPT_SQL = (
    f'SELECT "status_code", "body" FROM "{QueryReceipt._meta.db_table}" '  # noqa: S608 (names from the model)
    'WHERE "client_id" = %s AND "message_id" = %s'
)
RECEIPT_INSERT_SQL = (
    f'INSERT INTO "{QueryReceipt._meta.db_table}" '  # noqa: S608 (names from the model)
    '("client_id", "message_id", "status_code", "body", "log_entry_id", "created_at") '
    "VALUES (%s, %s, %s, %s, %s, %s)"
)


def receipt_answer_get(*, client_id: str, message_id: str) -> tuple[int, Any] | None:
    """(status, body) of the receipt of this client's message, or None."""
    with connection.cursor() as cursor:
        cursor.execute(RECEIPT_SQL, [client_id, message_id])
        row = cursor.fetchone()
    return (row[0], _json(row[1])) if row else None


def receipt_insert(*, client_id: str, message_id: str, status: int, body: dict, entry_id: int) -> None:
    """Insert the receipt of the entry `entry_id`. The unique constraint on
    (client_id, message_id) raises IntegrityError for a second copy of a message."""
    values = [client_id, message_id, status, connection.ops.adapt_json_value(body, None)]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(RECEIPT_INSERT_SQL, [*values, entry_id, now])


# --- The access log -------------------------------------------------------------------------

# Arbitrary constant naming the advisory lock only the integrator takes (never a writer).
INTEGRATOR_LOCK_KEY = 0x65676F77  # "egow"
_INSERT_FIELDS = [f for f in AccessLogEntry._meta.concrete_fields if not f.primary_key]
_NODES = AccessLogNode._meta.db_table
_CHECKPOINTS = AccessLogCheckpoint._meta.db_table
_PENDING = AccessLogPending._meta.db_table


def _columns(fields) -> str:
    return ", ".join(f'"{f.column}"' for f in fields)


def _placeholders(fields) -> str:
    return ", ".join(["%s"] * len(fields))


INSERT_SQL = f'INSERT INTO "{_ENTRIES}" ({_columns(_INSERT_FIELDS)}) VALUES ({_placeholders(_INSERT_FIELDS)})'  # noqa: S608
PENDING_INSERT_SQL = f'INSERT INTO "{_PENDING}" ("entry_id") VALUES (%s)'  # noqa: S608
# PostgreSQL: the entry and its place in the integrator's queue in one statement.
APPEND_SQL = (
    f'WITH e AS ({INSERT_SQL} RETURNING "id"), '  # noqa: S608 (model names)
    f'q AS (INSERT INTO "{_PENDING}" ("entry_id") SELECT "id" FROM e) SELECT "id" FROM e'
)


# PostgreSQL: the entry, its queue row and the receipt of the message it answers in one
# statement; the receipt's body gets the entry's id as `log_id` when it has that key. A second
# copy of the message breaks the receipt's unique constraint and writes nothing.
APPEND_WITH_RECEIPT_SQL = (
    f'WITH e AS ({INSERT_SQL} RETURNING "id"), '  # noqa: S608 (model names)
    f'q AS (INSERT INTO "{_PENDING}" ("entry_id") SELECT "id" FROM e), '
    f'r AS (INSERT INTO "{QueryReceipt._meta.db_table}" '
    '("client_id", "message_id", "status_code", "body", "log_entry_id", "created_at") '
    "SELECT %s, %s, %s, %s::jsonb || CASE WHEN %s THEN jsonb_build_object('log_id', e.\"id\") "
    "ELSE '{}'::jsonb END, e.\"id\", %s FROM e) "
    'SELECT "id" FROM e'
)


@dataclass(frozen=True)
class Receipt:
    """The answer to one client message, stored with the entry that logs it (`QueryReceipt`);
    a `log_id` key in `body` becomes the entry's id."""

    client_id: str
    message_id: str
    status: int
    body: dict


def _db_values(entry: AccessLogEntry, fields) -> list:
    return [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in fields]


def access_log_insert(entry: AccessLogEntry, receipt: Receipt | None = None) -> int:
    """Insert the entry as it is and queue it for the integrator (`AccessLogPending`), with
    the `receipt` of the message it answers if given; returns its id. No lock. On PostgreSQL
    one statement, which outside a transaction is one round trip in autocommit (no BEGIN, no
    COMMIT); elsewhere two or three, in a transaction. A receipt for a message that has one
    already raises IntegrityError and writes nothing."""
    values = _db_values(entry, _INSERT_FIELDS)
    if postgresql_fast_path():
        with connection.cursor() as cursor:
            if receipt is None:
                cursor.execute(APPEND_SQL, values)
            else:
                body = connection.ops.adapt_json_value(receipt.body, None)
                now = connection.ops.adapt_datetimefield_value(timezone.now())
                has_log_id = "log_id" in receipt.body
                cursor.execute(
                    APPEND_WITH_RECEIPT_SQL,
                    [*values, receipt.client_id, receipt.message_id, receipt.status, body, has_log_id, now],
                )
            return cursor.fetchone()[0]
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(INSERT_SQL, values)
        entry_id = cursor.lastrowid
        cursor.execute(PENDING_INSERT_SQL, [entry_id])
        if receipt is not None:
            body = {**receipt.body, "log_id": entry_id} if "log_id" in receipt.body else receipt.body
            receipt_insert(
                client_id=receipt.client_id, message_id=receipt.message_id, status=receipt.status,
                body=body, entry_id=entry_id,
            )  # fmt: skip
        return entry_id


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
        """(id,), once: the cursor is closed."""
        try:
            return self._cursor.fetchone()
        finally:
            self._cursor.close()


def access_log_append_sent(entry: AccessLogEntry) -> SentAppend:
    """In a pipeline (`pipeline_enter`): send the entry's INSERT without waiting for it."""
    cursor = connection.cursor()
    with connection.wrap_database_errors:
        cursor.execute(APPEND_SQL, _db_values(entry, _INSERT_FIELDS))
    return SentAppend(cursor)  # its result is read after the COMMIT


# The integrator's statements.
TREE_SIZE_SQL = f'SELECT "index" FROM "{_NODES}" WHERE "level" = 0 ORDER BY "index" DESC LIMIT 1'  # noqa: S608
# Take the oldest pending entries off the queue, with their leaf hashes (PostgreSQL).
PENDING_TAKE_SQL = (
    f'WITH d AS (DELETE FROM "{_PENDING}" WHERE "entry_id" IN '  # noqa: S608 (model names)
    f'(SELECT "entry_id" FROM "{_PENDING}" ORDER BY "entry_id" LIMIT %s) RETURNING "entry_id") '
    f'SELECT e."id", e."entry_hash" FROM d JOIN "{_ENTRIES}" AS e ON e."id" = d."entry_id" ORDER BY e."id"'
)
CHECKPOINT_LATEST_SQL = (
    f'SELECT "tree_size", "note", "id" FROM "{_CHECKPOINTS}" ORDER BY "tree_size" DESC LIMIT 1'  # noqa: S608
)


def integrator_lock() -> bool:
    """Try the integrator's transaction-scoped advisory lock (PostgreSQL); True if this
    transaction holds it. On SQLite the write lock serialises integrators (True)."""
    if not postgresql_fast_path():
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [INTEGRATOR_LOCK_KEY])
        return cursor.fetchone()[0]


def tree_size() -> int:
    """Leaves in the tree (the highest level-0 node's index + 1)."""
    with connection.cursor() as cursor:
        cursor.execute(TREE_SIZE_SQL)
        row = cursor.fetchone()
    return row[0] + 1 if row else 0


def pending_take(*, limit: int) -> list[tuple[int, str]]:
    """(id, leaf hash hex) of the oldest entries without a position, up to `limit`, taken
    off the integrator's queue: call in the transaction that then writes their nodes."""
    with connection.cursor() as cursor:
        if postgresql_fast_path():
            cursor.execute(PENDING_TAKE_SQL, [limit])
            return cursor.fetchall()
        cursor.execute(
            f'SELECT e."id", e."entry_hash" FROM "{_PENDING}" AS p JOIN "{_ENTRIES}" AS e '  # noqa: S608
            'ON e."id" = p."entry_id" ORDER BY p."entry_id" LIMIT %s',
            [limit],
        )
        taken = cursor.fetchall()
        cursor.executemany(f'DELETE FROM "{_PENDING}" WHERE "entry_id" = %s', [(t[0],) for t in taken])  # noqa: S608
        return taken


def pending_summary() -> tuple[int, dt.datetime | None]:
    """(entries waiting for a position, the time of the oldest), from the queue."""
    found = AccessLogPending.objects.aggregate(n=Count("pk"), oldest=Min("entry__at"))
    return found["n"], found["oldest"]


def nodes_insert(nodes: list[tuple[int, int, bytes]], leaf_entries: dict[int, int] | None = None) -> None:
    """Insert (level, index, hash) rows; a leaf (level 0) whose index is in `leaf_entries`
    names that entry: the entry's position."""
    if not nodes:
        return
    leaf_entries = leaf_entries or {}
    entries = [leaf_entries.get(n[1]) if n[0] == 0 else None for n in nodes]
    with connection.cursor() as cursor:
        if postgresql_fast_path():
            cursor.execute(
                f'INSERT INTO "{_NODES}" ("level", "index", "digest", "entry_id") '  # noqa: S608
                "SELECT * FROM unnest(%s::smallint[], %s::bigint[], %s::bytea[], %s::bigint[])",
                [[n[0] for n in nodes], [n[1] for n in nodes], [n[2] for n in nodes], entries],
            )
        else:
            sql = f'INSERT INTO "{_NODES}" ("level", "index", "digest", "entry_id") VALUES (%s, %s, %s, %s)'  # noqa: S608
            cursor.executemany(sql, [(*n, e) for n, e in zip(nodes, entries, strict=True)])


def nodes_get(wanted: set[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The stored hashes of these (level, index) nodes, in one statement."""
    if not wanted:
        return {}
    wanted = sorted(wanted)
    where = " OR ".join(['("level" = %s AND "index" = %s)'] * len(wanted))
    with connection.cursor() as cursor:
        sql = f'SELECT "level", "index", "digest" FROM "{_NODES}" WHERE {where}'  # noqa: S608 (model names)
        cursor.execute(sql, [v for n in wanted for v in n])
        return {(level, index): bytes(digest) for level, index, digest in cursor.fetchall()}


def checkpoint_latest() -> tuple[int, str, int] | None:
    """(tree size, signed note, id) of the latest checkpoint, or None."""
    with connection.cursor() as cursor:
        cursor.execute(CHECKPOINT_LATEST_SQL)
        return cursor.fetchone()


def checkpoint_insert(*, size: int, root: bytes, note: str, at: dt.datetime) -> None:
    AccessLogCheckpoint.objects.create(tree_size=size, root_hash=root, note=note, signed_at=at)


def cosigned_size(*, witness: str) -> int:
    """The size of the latest checkpoint `witness` cosigned, 0 for none."""
    found = (
        AccessLogCosignature.objects.filter(witness=witness)
        .order_by("-checkpoint__tree_size")
        .values_list("checkpoint__tree_size", flat=True)
        .first()
    )
    return found or 0


def cosignature_insert(*, checkpoint_id: int, witness: str, line: str, at: dt.datetime) -> None:
    AccessLogCosignature.objects.bulk_create(
        [AccessLogCosignature(checkpoint_id=checkpoint_id, witness=witness, line=line, received_at=at)],
        ignore_conflicts=True,  # another worker stored the same witness's cosignature first
    )


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


def access_log_tree_rows(*, start: int, columns: tuple[str, ...], chunk_size: int) -> Iterator[tuple]:
    """Every leaf of the tree after seq `start` (position start + 1 on), in order, with its
    entry: tuples of `columns` (which start with seq and at and hold fields; seq is the
    leaf's index + 1), the entry's stored hash and the leaf's digest; the time as its
    canonical ISO text and `fields` as JSON text. A leaf whose entry is gone has None for
    every column of the entry.

    On PostgreSQL straight from a binary server-side cursor: Django's text-mode loaders (a
    Python class per timestamp, `json.loads` and a converter per `fields`) would double the
    time of a million-entry run. Call within `access_log_chain_read`."""
    quote = connection.ops.quote_name
    names = [f"e.{quote(AccessLogEntry._meta.get_field(c).column)}" for c in (*columns[1:], "entry_hash")]
    fields_at = columns.index("fields") - 1
    if postgresql_fast_path():
        names[0] = _PG_UTC_ISO.format(at=names[0])
        names[fields_at] += "::text"
    # The positions are the leaves: a leaf whose entry is gone comes with NULLs.
    query = (
        f'SELECT n."index" + 1, {", ".join(names)}, n."digest" FROM {quote(_NODES)} n '  # noqa: S608 (quoted names only)
        f'LEFT JOIN {quote(_ENTRIES)} e ON e."id" = n."entry_id" '
        'WHERE n."level" = 0 AND n."index" >= %s ORDER BY n."index"'
    )
    connection.ensure_connection()
    if postgresql_fast_path():
        with connection.connection.cursor(name="egov_access_log_verify", binary=True) as cursor:
            cursor.execute(query, [start])
            while rows := cursor.fetchmany(chunk_size):
                yield from rows
        return
    from django.utils.dateparse import parse_datetime

    with connection.cursor() as cursor:
        cursor.execute(query, [start])
        while rows := cursor.fetchmany(chunk_size):
            for row in rows:
                if row[1] is None:
                    yield row
                    continue
                at = row[1] if isinstance(row[1], dt.datetime) else parse_datetime(row[1])
                if timezone.is_naive(at):
                    at = timezone.make_aware(at, dt.UTC)
                yield (row[0], at.astimezone(dt.UTC).isoformat(timespec="microseconds"), *row[2:])


def entries_outside_the_tree(*, from_id: int, limit: int = 10) -> list[tuple[int, dt.datetime, str, str]]:
    """(id, at, item code, client id) of entries with an id from `from_id` on that are neither
    a leaf of the tree nor waiting in the integrator's queue, lowest id first: inserted behind
    the integrator's back, or their queue row deleted. One statement, so one snapshot: the
    integrator writes a leaf and deletes its queue row in one transaction."""
    # Only leaves name an entry: no filter on the level, so the unique index on entry_id
    # alone answers (an index-only merge anti-join on PostgreSQL).
    leaf = AccessLogNode.objects.filter(entry_id=OuterRef("pk"))
    queued = AccessLogPending.objects.filter(entry_id=OuterRef("pk"))
    return list(
        AccessLogEntry.plain.filter(pk__gte=from_id)
        .filter(~Exists(leaf), ~Exists(queued))
        .order_by("pk")
        .values_list("pk", "at", "item_code", "client_id")[:limit]
    )


PLACED_BELOW_SQL = (
    f'SELECT COALESCE((SELECT MIN("entry_id") FROM "{_PENDING}"), '  # noqa: S608 (model names)
    f'(SELECT MAX("id") + 1 FROM "{_ENTRIES}"), 1)'
)


def entries_placed_below() -> int:
    """An id below which every entry committed now is a leaf of the tree: the lowest id still
    queued, else one above the highest id (1 for an empty log); one statement, one snapshot."""
    with connection.cursor() as cursor:
        cursor.execute(PLACED_BELOW_SQL)
        return cursor.fetchone()[0]


def checkpoint_cosignature_lines(*, checkpoint_id: int) -> list[str]:
    return list(
        AccessLogCosignature.objects.filter(checkpoint_id=checkpoint_id)
        .order_by("witness")
        .values_list("line", flat=True)
    )


def entry_position(*, entry_id: int, client_id: str | None) -> tuple[int | None, str] | None:
    entries = AccessLogEntry.objects.filter(pk=entry_id)
    if client_id is not None:
        entries = entries.filter(client_id=client_id)
    return entries.values_list("seq", "entry_hash").first()


def cosignature_lines(*, size: int, witness: str) -> list[str]:
    """The stored cosignature lines of `witness` on the checkpoint of `size`."""
    return list(
        AccessLogCosignature.objects.filter(checkpoint__tree_size=size, witness=witness).values_list(
            "line", flat=True
        )
    )


# --- The benchmark's baseline ---------------------------------------------------------------


def benchmark_bare_hit_insert(*, resident_id: int | None, at: dt.datetime) -> None:
    """One row into `benchmark_bare_hit`, the table benchmarks/exchange_qps.py creates."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO benchmark_bare_hit (resident_id, at) VALUES (%s, %s)", [resident_id, at])
