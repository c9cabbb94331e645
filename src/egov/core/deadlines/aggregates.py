"""Business days counted by the database, for statistics over many cases.

`business_days_sql(start, end, first=..., last=...)` is an ORM expression worth
`business_days_between(start, end)` for every row (both days included, Saturdays, Sundays and
public holidays left out, dates in Seoul), so a page can `Avg` it over 100,000 cases in one
query instead of reading each case into Python.

How: with n(d) the days from a Monday, the business days before d are
5·(n div 7) + min(n mod 7, 5) — the weekdays — minus the weekdays off before d. The weekdays
off come from the calendar (`calendar_get()`: the library's holidays and the operator's, less
the operator's working days) for the window `first`..`last` the caller's dates fall in, as a
CASE over their day numbers. Days off before the window would add the same number to both ends
and cancel out. PostgreSQL and SQLite are supported.
"""

import datetime as dt

from django.db import NotSupportedError
from django.db.models import Case, Expression, F, Func, IntegerField, Value, When
from django.db.models.functions import Least, TruncDate
from django.db.models.lookups import LessThan, LessThanOrEqual

from egov.core.deadlines.holiday_calendar import FIRST_YEAR, SEOUL, Calendar, calendar_get

_MONDAY = dt.date(1999, 12, 27)  # before every counted date, so day numbers are positive


class _DayNumber(Func):
    """Days from `_MONDAY` to a date expression, as an integer."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError("business days in SQL need PostgreSQL or SQLite")

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) - DATE '{_MONDAY.isoformat()}')", params

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(julianday({sql}) - julianday('{_MONDAY.isoformat()}') AS INTEGER)", params


def _days_off(calendar: Calendar, first: dt.date, last: dt.date) -> list[int]:
    """Day numbers of the weekdays in first..last that are not business days, ascending."""
    out = []
    day = first
    while day <= last:
        if day.weekday() < 5 and not calendar.is_business_day(day):
            out.append((day - _MONDAY).days)
        day += dt.timedelta(days=1)
    return out


def _business_days_before(number: Expression, days_off: list[int]) -> Expression:
    """Business days d with _MONDAY <= d < the day numbered `number` (days off from the window)."""
    weeks = number / Value(7)
    weekdays = Value(5) * weeks + Least(number - Value(7) * weeks, Value(5))
    if not days_off:
        return weekdays
    off_before = Case(
        *(When(LessThanOrEqual(number, Value(day)), then=Value(index)) for index, day in enumerate(days_off)),
        default=Value(len(days_off)),
        output_field=IntegerField(),
    )
    return weekdays - off_before


def business_days_sql(
    start: str | Expression,
    end: str | Expression,
    *,
    first: dt.date,
    last: dt.date,
    calendar: Calendar | None = None,
) -> Expression:
    """Business days from the moment `start` to the moment `end` (fields or expressions), both
    days included, as `business_days_between` counts them; 0 when `end` is before `start`, NULL
    when either is NULL. Correct for dates within `first`..`last` (Seoul)."""
    calendar = calendar or calendar_get()
    days_off = _days_off(calendar, max(first, dt.date(FIRST_YEAR, 1, 1)), last)
    start_day = _DayNumber(TruncDate(F(start) if isinstance(start, str) else start, tzinfo=SEOUL))
    end_day = _DayNumber(TruncDate(F(end) if isinstance(end, str) else end, tzinfo=SEOUL))
    counted = _business_days_before(end_day + Value(1), days_off) - _business_days_before(start_day, days_off)
    # not GREATEST: PostgreSQL's ignores a NULL argument, and a missing end must stay NULL
    return Case(
        When(LessThan(end_day, start_day), then=Value(0)), default=counted, output_field=IntegerField()
    )
