"""Due dates counted by hand around real Korean holidays, on the bare calendar (no database).

Each expected date below was counted on a paper calendar: the numbers in the comments are the
counted days (or hours), the brackets the days that do not count.
"""

import datetime as dt

import pytest

from egov.core.deadlines.compute import compute_due, months_last_day
from egov.core.deadlines.holiday_calendar import Calendar, OperatorDay
from tests.core.deadline_cases import end_of, kst, local

CAL = Calendar()


def days(n, received, pauses=(), calendar=CAL, **kw):
    return compute_due(calendar, unit="business_days", length=n, counted_from=received, pauses=pauses, **kw)


def hours(n, received, pauses=(), calendar=CAL):
    return compute_due(calendar, unit="business_hours", length=n, counted_from=received, pauses=pauses)


def test_the_library_knows_seollal_chuseok_and_their_substitute_holidays():
    assert CAL.day_off_name(dt.date(2026, 2, 17))[0] == "설날"
    assert CAL.day_off_name(dt.date(2026, 3, 2))[0] == "삼일절 대체 휴일"
    assert CAL.day_off_name(dt.date(2027, 2, 9))[0] == "설날 대체 휴일"
    assert CAL.day_off_name(dt.date(2027, 9, 15))[0] == "추석"
    assert CAL.day_off_name(dt.date(2026, 10, 5))[0] == "개천절 대체 휴일"
    assert not CAL.is_business_day(dt.date(2026, 3, 7))  # a Saturday
    assert not CAL.is_business_day(dt.date(2026, 3, 8))  # a Sunday
    assert CAL.is_business_day(dt.date(2026, 3, 3))


def test_a_seven_day_period_received_before_seollal_2026_skips_the_long_weekend():
    # Fri 2/13 (1) [Sat, Sun, 2/16–2/18 설날] 2/19 (2) 2/20 (3) 2/23 (4) 2/24 (5) 2/25 (6) 2/26 (7)
    assert days(7, kst(2026, 2, 13, 10)).due_at == end_of(2026, 2, 26)


def test_a_case_received_on_the_samiljeol_substitute_holiday_counts_from_the_next_day():
    # Mon 3/2 is 삼일절 대체 휴일: 3/3 (1) 3/4 3/5 3/6 (4) [weekend] 3/9 (5) 3/10 (6) 3/11 (7)
    outcome = days(7, kst(2026, 3, 2, 10))
    assert outcome.first_counted == dt.date(2026, 3, 3)
    assert outcome.due_at == end_of(2026, 3, 11)


def test_a_seven_day_period_received_before_seollal_2027_skips_its_substitute_holiday():
    # Fri 2/5 (1) [2/6–2/8 설날, 2/9 대체 휴일] 2/10 (2) 2/11 (3) 2/12 (4) 2/15 (5) 2/16 (6) 2/17 (7)
    assert days(7, kst(2027, 2, 5, 16)).due_at == end_of(2027, 2, 17)


def test_a_seven_day_period_across_chuseok_2027():
    # Mon 9/13 (1) [9/14–9/16 추석] 9/17 (2) 9/20 (3) 9/21 (4) 9/22 (5) 9/23 (6) 9/24 (7)
    assert days(7, kst(2027, 9, 13, 10)).due_at == end_of(2027, 9, 24)


def test_a_six_day_period_across_samiljeol_2027_on_a_monday():
    # Fri 2/26 (1) [weekend, Mon 3/1 삼일절] 3/2 (2) 3/3 (3) 3/4 (4) 3/5 (5) [weekend] 3/8 (6)
    assert days(6, kst(2027, 2, 26, 9)).due_at == end_of(2027, 3, 8)


def test_a_ten_day_decision_across_chuseok_2026_and_its_extension():
    # Tue 9/22 (1) 9/23 (2) [9/24–9/26 추석, Sun] 9/28 (3) 9/29 (4) 9/30 (5) 10/1 (6) 10/2 (7)
    # [10/3 개천절, Sun, 10/5 대체 휴일] 10/6 (8) 10/7 (9) 10/8 (10)
    assert days(10, kst(2026, 9, 22, 11)).due_at == end_of(2026, 10, 8)
    # extended by 10 from the next day: [10/9 한글날] 10/12 (1) … 10/16 (5) 10/19 (6) … 10/23 (10)
    assert days(20, kst(2026, 9, 22, 11)).due_at == end_of(2026, 10, 23)


def test_a_period_in_hours_runs_from_the_moment_of_receipt_across_a_weekend():
    # 2 days = 16 hours. Fri 4/10 14:00–18:00 (4) [weekend] Mon 4/13 (12)
    # Tue 09:00–12:00 (15), 13:00–14:00 (16)
    assert hours(16, kst(2026, 4, 10, 14)).due_at == kst(2026, 4, 14, 14)


def test_a_period_in_hours_across_seollal_2026():
    # 3 days = 24 hours. Fri 2/13 15:00–18:00 (3) [weekend, 설날] Thu 2/19 (11) Fri 2/20 (19)
    # Mon 2/23 09:00–12:00 (22), 13:00–15:00 (24)
    assert hours(24, kst(2026, 2, 13, 15)).due_at == kst(2026, 2, 23, 15)


def test_a_period_in_hours_that_ends_at_lunch_ends_at_noon():
    # 5 days = 40 hours. Mon 9/13 13:00–18:00 (5) [9/14–9/16 추석] Fri 9/17 (13) Mon 9/20 (21)
    # Tue (29) Wed (37) Thu 9/23 09:00–12:00 (40)
    assert hours(40, kst(2027, 9, 13, 13)).due_at == kst(2027, 9, 23, 12)


def test_three_working_hours_skip_the_lunch_break():
    assert hours(3, kst(2026, 4, 6, 11)).due_at == kst(2026, 4, 6, 15)


def test_a_period_in_hours_received_on_a_saturday_starts_on_monday_morning():
    outcome = hours(8, kst(2026, 4, 11, 10))
    assert local(outcome.first_counted) == kst(2026, 4, 13, 9)
    assert outcome.due_at == kst(2026, 4, 13, 18)


def test_a_pause_across_chuseok_leaves_out_only_the_working_days_it_covered():
    received = kst(2026, 9, 21, 10)
    assert days(7, received).due_at == end_of(2026, 10, 1)
    # counted: 9/21 (1) 9/22 (2); stopped 9/23 15:00 → 9/29 10:00, which leaves out 9/23 and 9/28;
    # 9/29 (3) 9/30 (4) 10/1 (5) 10/2 (6) [10/3–10/5] 10/6 (7)
    outcome = days(7, received, [(kst(2026, 9, 23, 15), kst(2026, 9, 29, 10))])
    assert outcome.due_at == end_of(2026, 10, 6)
    assert outcome.paused_units == 2


def test_a_pause_in_hours_leaves_out_the_working_hours_it_covered():
    received = kst(2026, 9, 22, 10)
    assert hours(24, received).due_at == kst(2026, 9, 29, 10)
    # stopped Wed 9/23 11:00 → Mon 9/28 14:00: 1 + 5 (Wed) + 3 + 1 (Mon) = 10 working hours
    outcome = hours(24, received, [(kst(2026, 9, 23, 11), kst(2026, 9, 28, 14))])
    assert outcome.paused_units == 10 * 3600
    assert outcome.due_at == kst(2026, 9, 30, 12)


def test_a_pause_that_starts_after_the_period_ran_out_changes_nothing():
    received = kst(2026, 3, 3, 10)
    late_pause = [(kst(2026, 3, 13, 10), kst(2026, 3, 20, 10))]
    assert days(7, received, late_pause).due_at == days(7, received).due_at == end_of(2026, 3, 11)


def test_a_pause_resumed_the_same_day_leaves_out_no_day():
    received = kst(2026, 3, 3, 10)
    same_day = [(kst(2026, 3, 4, 10), kst(2026, 3, 4, 16))]
    assert days(7, received, same_day).due_at == end_of(2026, 3, 11)


def test_an_open_pause_gives_the_earliest_possible_due_date():
    received = kst(2026, 3, 3, 10)
    assert days(7, received, [(kst(2026, 3, 5, 10), None)]).due_at == end_of(2026, 3, 11)


def test_a_calendar_day_period_ending_on_childrens_day_ends_the_next_working_day():
    # Mon 4/6 + 30 days with the first counted = Tue 5/5 어린이날 → Wed 5/6 (민법 제161조)
    outcome = compute_due(CAL, unit="calendar_days", length=30, counted_from=kst(2026, 4, 6, 10))
    assert outcome.last_day_before_rolling == dt.date(2026, 5, 5)
    assert outcome.due_at == end_of(2026, 5, 6)


def test_months_follow_the_civil_act():
    assert months_last_day(dt.date(2026, 3, 10), 1) == dt.date(2026, 4, 9)
    assert months_last_day(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)  # no 2/31: last day
    assert months_last_day(dt.date(2026, 11, 15), 3) == dt.date(2027, 2, 14)
    # one month from 1/31 ends Sat 2/28 → [3/1 삼일절, 3/2 대체 휴일] → Tue 3/3
    outcome = compute_due(CAL, unit="months", length=1, counted_from=kst(2026, 1, 31, 10))
    assert outcome.due_at == end_of(2026, 3, 3)


def test_an_operator_holiday_counts_like_a_statutory_one_and_a_workday_undoes_one():
    extra = Calendar({dt.date(2026, 10, 2): OperatorDay("holiday", "임시공휴일", "Temporary holiday")})
    # 10/2 no longer counts: … 10/1 (6) [10/2–10/5] 10/6 (7) 10/7 (8) 10/8 (9) [10/9] 10/12 (10)
    assert days(10, kst(2026, 9, 22, 11), calendar=extra).due_at == end_of(2026, 10, 12)
    workday = Calendar({dt.date(2026, 5, 1): OperatorDay("workday", "근무일", "Working day")})
    assert workday.is_business_day(dt.date(2026, 5, 1))
    assert not CAL.is_business_day(dt.date(2026, 5, 1))


def test_business_days_in_a_range_and_the_nth_business_day():
    assert CAL.business_days_in(dt.date(2026, 2, 13), dt.date(2026, 2, 27)) == 7
    assert CAL.nth_business_day(dt.date(2026, 2, 14), 1) == dt.date(2026, 2, 19)
    assert CAL.nth_business_day(dt.date(2040, 1, 2), 1) == dt.date(2040, 1, 2)  # the range grows


def test_dates_before_2000_are_refused():
    with pytest.raises(ValueError, match="2000"):
        CAL.is_business_day(dt.date(1999, 12, 31))
