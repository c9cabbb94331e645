"""Properties every due date keeps, whatever the receipt time, holidays and pauses."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from egov.core.deadlines.compute import compute_due
from egov.core.deadlines.holiday_calendar import SEOUL, Calendar, OperatorDay

BASE = Calendar()
UNITS = ("business_days", "business_hours", "calendar_days", "months")

days = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2028, 6, 30))
moments = st.builds(
    lambda day, minute: dt.datetime.combine(day, dt.time(), tzinfo=SEOUL) + dt.timedelta(minutes=minute),
    days,
    st.integers(min_value=0, max_value=24 * 60 - 1),
)
lengths = st.integers(min_value=1, max_value=40)
gaps = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=20 * 24 * 60), st.integers(min_value=0, max_value=20 * 24 * 60)
    ),
    max_size=3,
)


def pauses_after(received: dt.datetime, steps) -> list[tuple[dt.datetime, dt.datetime]]:
    """Pauses in time order after `received`: each (wait, stop) in minutes."""
    out, cursor = [], received
    for wait, stop in steps:
        start = cursor + dt.timedelta(minutes=wait)
        cursor = start + dt.timedelta(minutes=stop)
        out.append((start, cursor))
    return out


def due(unit, length, received, pauses=(), calendar=BASE):
    return compute_due(calendar, unit=unit, length=length, counted_from=received, pauses=pauses).due_at


def with_holiday(day: dt.date) -> Calendar:
    return Calendar({day: OperatorDay("holiday", "임시공휴일", "Temporary holiday")})


@given(
    unit=st.sampled_from(("business_days", "calendar_days", "months")),
    length=lengths,
    received=moments,
    steps=gaps,
)
def test_a_period_counted_in_days_never_ends_on_a_day_off(unit, length, received, steps):
    due_at = due(unit, length, received, pauses_after(received, steps)).astimezone(SEOUL)
    assert BASE.is_business_day(due_at.date())
    assert due_at.time() == dt.time.max


@given(length=lengths, received=moments, steps=gaps)
def test_a_period_counted_in_hours_ends_within_working_hours(length, received, steps):
    due_at = due("business_hours", length, received, pauses_after(received, steps)).astimezone(SEOUL)
    assert BASE.is_business_day(due_at.date())
    assert dt.time(9) < due_at.time() <= dt.time(18)
    assert not dt.time(12) < due_at.time() < dt.time(13)


@given(length=lengths, received=moments)
def test_business_days_agree_with_counting_on_fingers(length, received):
    day, counted = received.astimezone(SEOUL).date(), 0
    while True:
        if BASE.is_business_day(day):
            counted += 1
            if counted == length:
                break
        day += dt.timedelta(days=1)
    assert due("business_days", length, received).astimezone(SEOUL).date() == day


@settings(max_examples=40)
@given(hours=st.integers(min_value=1, max_value=16), received=moments)
def test_working_hours_agree_with_counting_minute_by_minute(hours, received):
    moment, counted = received.astimezone(SEOUL).replace(second=0, microsecond=0), 0
    while counted < hours * 60:
        local = moment.time()
        working = BASE.is_business_day(moment.date()) and (
            dt.time(9) <= local < dt.time(12) or dt.time(13) <= local < dt.time(18)
        )
        moment += dt.timedelta(minutes=1)
        counted += working
    assert due("business_hours", hours, received.replace(second=0, microsecond=0)) == moment


@settings(max_examples=60)
@given(unit=st.sampled_from(UNITS), length=lengths, received=moments, steps=gaps, holiday=days)
def test_adding_a_holiday_never_makes_a_due_date_earlier(unit, length, received, steps, holiday):
    pauses = pauses_after(received, steps)
    assert due(unit, length, received, pauses, with_holiday(holiday)) >= due(unit, length, received, pauses)


@given(unit=st.sampled_from(UNITS), length=lengths, received=moments, steps=gaps, extra=gaps)
def test_pausing_never_makes_a_due_date_earlier(unit, length, received, steps, extra):
    fewer = pauses_after(received, steps)
    more = pauses_after(received, steps + extra)
    assert due(unit, length, received, more) >= due(unit, length, received, fewer)


@given(unit=st.sampled_from(UNITS), length=lengths, extension=lengths, received=moments, steps=gaps)
def test_an_extension_never_makes_a_due_date_earlier(unit, length, extension, received, steps):
    pauses = pauses_after(received, steps)
    longer, shorter = due(unit, length + extension, received, pauses), due(unit, length, received, pauses)
    # by the calendar, a Saturday and the Sunday after it both end on Monday (민법 제161조)
    assert longer > shorter if unit.startswith("business") else longer >= shorter
