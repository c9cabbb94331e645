"""Recompute the due dates of open clocks in bulk: after a holiday change, and as a daily sweep."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from egov.core.db.core_store import clocks_due_write
from egov.core.deadlines.compute import compute_due
from egov.core.deadlines.holiday_calendar import SEOUL, calendar_get, start_of_day
from egov.core.models import CaseClock

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
    return sum(
        clocks_due_write(changed[start : start + RECOMPUTE_BATCH], now=now, actor_id=actor_id, reason=reason)
        for start in range(0, len(changed), RECOMPUTE_BATCH)
    )
