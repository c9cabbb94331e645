"""The due date of a clock, from what it counts, where it started and when it was paused.

Pure functions over a `Calendar`: no database, so the bulk recomputation, the services and the
explanation all count the same way, and property tests can run them by the thousand.

The model is a meter of counted time. It runs from `counted_from`, counts only what the unit
counts (business seconds, business days, calendar days), stops during pauses, and the period
ends when the meter reaches `length`. A pause that starts after the meter already reached the
length changes nothing: the period had run out before it. For day units a pause from day P to
day R leaves out the days P ≤ d < R — the day the supplement arrives counts again, as the
day of receipt counts (첫날 산입).
"""

import calendar as std_calendar
import datetime as dt
from dataclasses import dataclass, field

from egov.core.deadlines.holiday_calendar import Calendar, end_of_day, local_date

BUSINESS_HOURS = "business_hours"
BUSINESS_DAYS = "business_days"
CALENDAR_DAYS = "calendar_days"
MONTHS = "months"

Pause = tuple[dt.datetime, dt.datetime | None]


@dataclass
class Outcome:
    due_at: dt.datetime
    paused_units: int  # business seconds for hours, days for the day units
    applied: list[int] = field(default_factory=list)  # what each pause left out, in the same terms
    first_counted: dt.date | dt.datetime | None = None  # first counted day, or moment for hours
    last_day_before_rolling: dt.date | None = None  # calendar units: the last day by the calendar


def months_last_day(first: dt.date, months: int) -> dt.date:
    """The last day of a period of `months` starting on `first` (민법 제160조제2항·제3항).

    It ends the day before the day that corresponds to `first` in the last month; when that
    month has no such day, on its last day.
    """
    month_index = first.month - 1 + months
    year, month = first.year + month_index // 12, month_index % 12 + 1
    days_in_month = std_calendar.monthrange(year, month)[1]
    if first.day > days_in_month:
        return dt.date(year, month, days_in_month)
    return dt.date(year, month, first.day) - dt.timedelta(days=1)


def compute_due(
    calendar: Calendar,
    *,
    unit: str,
    length: int,
    counted_from: dt.datetime,
    pauses: list[Pause] | tuple[Pause, ...] = (),
    first_day_counts: bool = True,
) -> Outcome:
    """When a period of `length` (in `unit`, extensions included) counted from `counted_from` ends.

    `pauses` are (start, end) in time order; an open pause (end None) counts as if it ended at
    its start, which gives the earliest the due date can be once the applicant answers.
    """
    if unit == BUSINESS_HOURS:
        return _business_hours(calendar, length, counted_from, pauses)
    first = local_date(counted_from) + dt.timedelta(days=0 if first_day_counts else 1)
    if unit == BUSINESS_DAYS:
        return _business_days(calendar, length, first, pauses)
    if unit == CALENDAR_DAYS:
        return _calendar_days(calendar, length, first, pauses)
    if unit == MONTHS:
        days = (months_last_day(first, length) - first).days + 1
        return _calendar_days(calendar, days, first, pauses)
    raise ValueError(f"unknown unit {unit!r}")


def _business_hours(calendar: Calendar, length: int, counted_from: dt.datetime, pauses) -> Outcome:
    position = calendar.business_second(counted_from)
    remaining = length * 3600
    applied = []
    for start, end in pauses:
        at_pause = calendar.business_second(start)
        available = max(0, at_pause - position)
        if available >= remaining:
            break
        remaining -= available
        position = max(position, at_pause)
        resumed = max(position, calendar.business_second(end or start))
        applied.append(resumed - position)
        position = resumed
    applied += [0] * (len(pauses) - len(applied))
    return Outcome(
        due_at=calendar.moment_at(position + remaining),
        paused_units=sum(applied),
        applied=applied,
        first_counted=calendar.moment_at(calendar.business_second(counted_from) + 1)
        - dt.timedelta(seconds=1),
    )


def _business_days(calendar: Calendar, length: int, first: dt.date, pauses) -> Outcome:
    cursor = first
    remaining = length
    applied = []
    for start, end in pauses:
        paused_on = local_date(start)
        available = calendar.business_days_in(cursor, paused_on)
        if available >= remaining:
            break
        remaining -= available
        resumed_on = max(cursor, local_date(end or start))
        applied.append(calendar.business_days_in(max(cursor, paused_on), resumed_on))
        cursor = resumed_on
    applied += [0] * (len(pauses) - len(applied))
    last = calendar.nth_business_day(cursor, remaining)
    return Outcome(
        due_at=end_of_day(last),
        paused_units=sum(applied),
        applied=applied,
        first_counted=calendar.next_business_day(first),
    )


def _calendar_days(calendar: Calendar, length: int, first: dt.date, pauses) -> Outcome:
    cursor = first
    remaining = length
    applied = []
    for start, end in pauses:
        paused_on = local_date(start)
        available = max(0, (paused_on - cursor).days)
        if available >= remaining:
            break
        remaining -= available
        resumed_on = max(cursor, local_date(end or start))
        applied.append((resumed_on - max(cursor, paused_on)).days)
        cursor = resumed_on
    applied += [0] * (len(pauses) - len(applied))
    last = cursor + dt.timedelta(days=remaining - 1)
    return Outcome(
        due_at=end_of_day(calendar.next_business_day(last)),  # 민법 제161조
        paused_units=sum(applied),
        applied=applied,
        first_counted=first,
        last_day_before_rolling=last,
    )


def hours_text(seconds: int) -> tuple[int, int]:
    """(hours, minutes) of a number of business seconds, for explanations."""
    minutes = seconds // 60
    return minutes // 60, minutes % 60
