"""The database counts business days exactly as `business_days_between` does, so statistics can
average them in SQL: weekends, public holidays, an operator's extra holiday and working day,
and moments near midnight in Seoul."""

import datetime as dt
import random

from django.contrib.contenttypes.models import ContentType
from django.db.models import DateTimeField, Value

from egov.core.deadlines import business_days_between
from egov.core.deadlines.aggregates import business_days_sql
from egov.core.deadlines.holiday_calendar import SEOUL, Calendar, OperatorDay

FIRST = dt.date(2025, 1, 1)
LAST = dt.date(2026, 12, 31)


def counted_by_the_database(start, end, calendar):
    moment = DateTimeField()
    expression = business_days_sql(
        Value(start, output_field=moment),
        Value(end, output_field=moment),
        first=FIRST,
        last=LAST,
        calendar=calendar,
    )
    return ContentType.objects.annotate(days=expression).values_list("days", flat=True).first()


def test_the_database_counts_business_days_like_the_calendar(db):
    calendar = Calendar(
        {
            dt.date(2026, 10, 2): OperatorDay("holiday", "임시공휴일", "Temporary holiday"),
            dt.date(2025, 5, 6): OperatorDay("workday", "근무일", "Working day"),
        }
    )
    chosen = random.Random(6)
    moments = [
        dt.datetime(2025, 9, 29, 10, tzinfo=SEOUL),  # a Monday before 개천절 and 추석
        dt.datetime(2025, 10, 17, 23, 59, tzinfo=SEOUL),
        dt.datetime(2025, 10, 18, 0, 30, tzinfo=SEOUL),  # a Saturday in Seoul, still Friday in UTC
        dt.datetime(2025, 5, 5, 9, tzinfo=SEOUL),  # 어린이날, then the operator's working day
        dt.datetime(2026, 10, 1, 12, tzinfo=SEOUL),
        dt.datetime(2026, 10, 5, 8, tzinfo=SEOUL),
    ]
    moments += [
        dt.datetime.combine(FIRST, dt.time(), tzinfo=SEOUL)
        + dt.timedelta(minutes=chosen.randrange(729 * 24 * 60))
        for _ in range(40)
    ]
    pairs = [(a, b) for a in moments[:6] for b in moments[:6]]
    pairs += [(chosen.choice(moments), chosen.choice(moments)) for _ in range(60)]
    for start, end in pairs:
        expected = business_days_between(start, end, calendar=calendar)
        assert counted_by_the_database(start, end, calendar) == expected, (start, end)


def test_a_missing_end_counts_nothing_rather_than_zero(db):
    start = dt.datetime(2025, 9, 29, 10, tzinfo=SEOUL)
    assert counted_by_the_database(start, None, Calendar()) is None
