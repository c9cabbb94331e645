"""Read helpers for work queues and reports: what is overdue, what is due soon, days taken.

Queues filter and sort on the stored, indexed `due_at`; nothing here computes a due date per
case. An app's queue joins its cases to their clocks (a one-to-one field to `core.CaseClock`
or the clock's `case_ref`) and applies these to the clocks of the official's agencies.
"""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from egov.core.deadlines.holiday_calendar import Calendar, calendar_get, end_of_day, local_date
from egov.core.errors import ValidationFailed
from egov.core.models import CaseClock


def overdue(qs: QuerySet | None = None, *, now: dt.datetime | None = None) -> QuerySet:
    """Running clocks past their due date, most overdue first."""
    qs = CaseClock.objects.all() if qs is None else qs
    return qs.overdue(now).queue_order()


def due_soon(
    qs: QuerySet | None = None, *, business_days: int = 2, now: dt.datetime | None = None
) -> QuerySet:
    """Running clocks not yet overdue whose due date falls within `business_days` business days
    (today counts as the first when it is one), earliest first."""
    if not isinstance(business_days, int) or business_days < 1:
        raise ValidationFailed("business_days must be a positive number", field="business_days")
    now = now or timezone.now()
    qs = CaseClock.objects.all() if qs is None else qs
    last = calendar_get().nth_business_day(local_date(now), business_days)
    return qs.running().filter(due_at__gte=now, due_at__lte=end_of_day(last)).queue_order()


def business_days_between(
    start: dt.date | dt.datetime, end: dt.date | dt.datetime, *, calendar: Calendar | None = None
) -> int:
    """Business days from `start` to `end`, both days included, in Seoul: the days a case took.

    Counted the way 민원 처리에 관한 법률 제19조제2항 counts a period (first day included,
    Saturdays, Sundays and public holidays left out), so a case closed on the due date of an
    N-day period, with no pause, took N days. 0 when `end` is before `start`.
    A caller counting many cases passes `calendar=calendar_get()`, fetched once.
    """
    first = local_date(start) if isinstance(start, dt.datetime) else start
    last = local_date(end) if isinstance(end, dt.datetime) else end
    if last < first:
        return 0
    return (calendar or calendar_get()).business_days_in(first, last + dt.timedelta(days=1))
