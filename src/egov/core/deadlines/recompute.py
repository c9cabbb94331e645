"""Recompute the due dates of open clocks in bulk: after a holiday change, and as a daily sweep."""

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from egov.core.deadlines.compute import compute_due
from egov.core.deadlines.holiday_calendar import SEOUL, calendar_get, start_of_day
from egov.core.models import CaseClock, ClockEvent

RECOMPUTE_BATCH = 5000


# --- bulk recomputation ------------------------------------------------------------------------


@transaction.atomic
def clocks_recompute(*, since: dt.date | None = None, actor=None, reason: str = "") -> int:
    """Recompute the due date of every open clock (or those due on or after `since`); set-based.

    A holiday on day H can only move clocks whose due date is on or after H, which is what
    `since` selects through the partial due_at index of open clocks. Identical computations are shared (most
    clocks differ only by their day of receipt), rows are written with one statement per
    batch, and only rows whose due date changed get an update and a "recompute" event. A row
    changed by a clock service meanwhile (its revision moved) is left as that service wrote it.
    Returns the number of clocks whose due date changed.
    """
    calendar = calendar_get()
    rows = CaseClock.objects.open()
    if since is not None:
        rows = rows.filter(due_at__gte=start_of_day(since))
    columns = (
        "id", "unit", "length", "extension_units", "counted_from", "first_day_counts",
        "pauses", "due_at", "paused_units", "revision",
    )  # fmt: skip
    cache: dict[tuple, tuple[dt.datetime, int]] = {}
    changed: list[tuple[int, dt.datetime, int, int, dt.datetime]] = []
    for pk, unit, length, ext, counted_from, first_day, pauses, due_at, paused, revision in rows.values_list(
        *columns
    ).iterator(chunk_size=RECOMPUTE_BATCH):
        if pauses:
            outcome = compute_due(
                calendar,
                unit=unit,
                length=length + ext,
                counted_from=counted_from,
                pauses=[
                    (dt.datetime.fromisoformat(s), dt.datetime.fromisoformat(e) if e else None)
                    for s, e in pauses
                ],
                first_day_counts=first_day,
            )
            result = (outcome.due_at, outcome.paused_units)
        else:
            # day units depend only on the day of receipt, hours on the moment
            start_key = counted_from if unit == "business_hours" else counted_from.astimezone(SEOUL).date()
            key = (unit, length + ext, start_key, first_day)
            result = cache.get(key)
            if result is None:
                outcome = compute_due(
                    calendar,
                    unit=unit,
                    length=length + ext,
                    counted_from=counted_from,
                    first_day_counts=first_day,
                )
                result = cache[key] = (outcome.due_at, outcome.paused_units)
        if result[0] != due_at or result[1] != paused:
            changed.append((pk, result[0], result[1], revision, due_at))
    if not changed:
        return 0
    now = timezone.now()
    actor_id = getattr(actor, "pk", None)
    write = _write_postgresql if connection.vendor == "postgresql" else _write_other
    return sum(
        write(changed[start : start + RECOMPUTE_BATCH], now=now, actor_id=actor_id, reason=reason)
        for start in range(0, len(changed), RECOMPUTE_BATCH)
    )


def _write_postgresql(batch, *, now: dt.datetime, actor_id, reason: str) -> int:
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


def _write_other(batch, *, now: dt.datetime, actor_id, reason: str) -> int:
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
