"""The core's own statements that the ORM cannot say in one round trip: the shared rate
counter's increment, the readiness probe and the bulk recompute of due dates. Callers pass
plain values; the vendor is chosen here (`postgresql_fast_path`)."""

import datetime as dt

from django.db import connection, transaction

from egov.core.db import postgresql_fast_path
from egov.core.models import CaseClock, ClockEvent, RateCounter


def database_ping(conn=None) -> None:
    """One `SELECT 1` on the connection: raises when the database does not answer."""
    with (conn or connection).cursor() as cursor:
        cursor.execute("SELECT 1")


def rate_counter_increment(*, key: str, window: int) -> int:
    """Add one hit to the counter of (`key`, `window`) and return the hits counted, in one
    atomic statement on PostgreSQL and SQLite alike (INSERT … ON CONFLICT … RETURNING)."""
    q = connection.ops.quote_name
    table, k, w, h = q(RateCounter._meta.db_table), q("key"), q("window_start"), q("hits")
    sql = (
        f"INSERT INTO {table} ({k}, {w}, {h}) VALUES (%s, %s, 1) "  # noqa: S608 - names are ours
        f"ON CONFLICT ({k}, {w}) DO UPDATE SET {h} = {table}.{h} + 1 RETURNING {h}"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [key, window])
        return cursor.fetchone()[0]


def clocks_due_write(batch, *, now: dt.datetime, actor_id, reason: str) -> int:
    """Write recomputed due dates: `batch` is (id, due_at, paused_units, revision read, due_at
    before); a row whose revision moved on since it was read, or that closed, is left alone.
    Each row written gets a "recompute" `ClockEvent`. Returns how many rows were written."""
    if postgresql_fast_path():
        return _clocks_due_write_postgresql(batch, now=now, actor_id=actor_id, reason=reason)
    return _clocks_due_write_orm(batch, now=now, actor_id=actor_id, reason=reason)


def _clocks_due_write_postgresql(batch, *, now: dt.datetime, actor_id, reason: str) -> int:
    """One statement per batch: update the rows whose revision is still the one read, and append
    a "recompute" event for each row updated, built in the database from the update's result."""
    clocks, events = CaseClock._meta.db_table, ClockEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH moved AS (
                UPDATE {clocks} AS c
                   SET due_at = v.due_at, paused_units = v.paused_units,
                       revision = c.revision + 1, updated_at = %(now)s
                  FROM unnest(%(ids)s::bigint[], %(due)s::timestamptz[], %(paused)s::integer[],
                              %(revisions)s::integer[], %(before)s::timestamptz[])
                       AS v(id, due_at, paused_units, revision, due_before)
                 WHERE c.id = v.id AND c.revision = v.revision AND c.state <> 'closed'
             RETURNING c.id, v.due_before, c.due_at
            )
            INSERT INTO {events} (clock_id, kind, at, recorded_at, actor_id, reason, data)
            SELECT id, 'recompute', %(now)s, %(now)s, %(actor)s, %(reason)s,
                   jsonb_build_object('due_before', due_before, 'due_after', due_at)
              FROM moved
            """,  # noqa: S608 (table names are ours; values are parameters)
            {
                "now": now,
                "ids": [row[0] for row in batch],
                "due": [row[1] for row in batch],
                "paused": [row[2] for row in batch],
                "revisions": [row[3] for row in batch],
                "before": [row[4] for row in batch],
                "actor": actor_id,
                "reason": reason,
            },
        )
        return cursor.rowcount


def _clocks_due_write_orm(batch, *, now: dt.datetime, actor_id, reason: str) -> int:
    """Other databases (the SQLite demo) serialise writers: update the rows as read."""
    CaseClock.objects.bulk_update(
        [
            CaseClock(pk=pk, due_at=due_at, paused_units=paused, revision=revision + 1, updated_at=now)
            for pk, due_at, paused, revision, _before in batch
        ],
        ["due_at", "paused_units", "revision", "updated_at"],
        batch_size=500,
    )
    ClockEvent.objects.bulk_create(
        [
            ClockEvent(
                clock_id=pk,
                kind=ClockEvent.Kind.RECOMPUTE,
                at=now,
                actor_id=actor_id,
                reason=reason,
                data={"due_before": before.isoformat(), "due_after": due_at.isoformat()},
            )
            for pk, due_at, _paused, _revision, before in batch
        ],
        batch_size=500,
    )
    return len(batch)


# The first key of the workers' two-key advisory locks ("eg"): the second is the worker's key.
WORKER_LOCK_SPACE = 0x6567


def worker_lock_take(conn, key: int) -> bool:
    """Take the session advisory lock (WORKER_LOCK_SPACE, `key`) on `conn` (PostgreSQL): held
    until that connection ends, which is how a killed worker's lock is freed. False when another
    session holds it."""
    with conn.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s::int4, %s::int4)", [WORKER_LOCK_SPACE, key])
        return bool(cursor.fetchone()[0])


def worker_locks_held(keys) -> set[int]:
    """Which of the workers' `keys` some session of this database holds the lock of now
    (PostgreSQL's `pg_locks`, read without taking anything)."""
    keys = list(keys)
    if not keys:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND objsubid = 2 AND classid::bigint = %s AND objid::bigint = ANY(%s) "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [WORKER_LOCK_SPACE, keys],
        )
        return {row[0] for row in cursor.fetchall()}
