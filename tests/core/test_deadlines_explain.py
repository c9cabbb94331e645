"""The explanation Alice and Bob read: how the due date was computed, in Korean and in English."""

import datetime as dt

import pytest

from egov.core.deadlines import (
    clock_close,
    clock_extend,
    clock_get,
    clock_pause,
    clock_resume,
    clock_start,
    clock_transfer,
    due_explanation,
    holiday_add,
)
from egov.core.errors import ValidationFailed
from egov.core.models import ClockEvent
from tests.core.deadline_cases import DISCLOSURE, GRIEVANCE, ONE_MONTH, QUICK, THIRTY_DAYS, kst


def text(clock, language="ko"):
    return "\n".join(due_explanation(clock_get(clock.case_ref), language))


def test_the_explanation_names_the_seollal_holidays_it_skipped(jongno):
    clock = clock_start(case_type=GRIEVANCE, case_ref="p:1", agency=jongno, received_at=kst(2026, 2, 13, 10))
    ko = text(clock)
    assert "접수: 2026-02-13(금) 10:00, 서울특별시 종로구." in ko
    assert "처리기간: 7일. 일 단위로 세며 첫날(접수일)을 포함하고" in ko
    assert "근거: 민원 처리에 관한 법률 제19조." in ko
    assert "2026-02-16(월) 설날 전날, 2026-02-17(화) 설날, 2026-02-18(수) 설날 다음날" in ko
    assert "셈하지 않은 주말: 4일." in ko
    assert ko.endswith("처리기한: 2026-02-26(목)까지.")
    en = text(clock, "en")
    assert "Received: 2026-02-13 (Fri) 10:00, Jongno-gu, Seoul." in en
    assert "2026-02-17 (Tue) Korean New Year" in en
    assert en.endswith("Due: by the end of 2026-02-26 (Thu).")


def test_a_case_received_on_a_holiday_says_counting_starts_the_next_day(jongno):
    clock = clock_start(case_type=GRIEVANCE, case_ref="p:2", agency=jongno, received_at=kst(2026, 3, 2, 10))
    ko = text(clock)
    assert "2026-03-02(월)은 삼일절 대체 휴일이어서 셈하지 않고, 2026-03-03(화)부터 셉니다." in ko
    assert "셈하지 않은 공휴일: 2026-03-02(월) 삼일절 대체 휴일." in ko
    assert "셈하지 않은 주말: 2일." in ko
    assert "처리기한: 2026-03-11(수)까지." in ko


def test_hours_are_explained_with_the_working_day_and_the_due_time(jongno):
    clock = clock_start(case_type=QUICK, case_ref="q:1", agency=jongno, received_at=kst(2026, 2, 14, 10))
    ko = text(clock)
    assert "처리기간: 3일(24근무시간)." in ko
    assert "근무시간 밖에 접수되어 2026-02-19(목) 09:00부터 셉니다." in ko
    assert "처리기한: 2026-02-23(월) 18:00까지." in ko
    assert "Due: by 2026-02-23 (Mon) 18:00." in text(clock, "en")


def test_pause_extension_and_closing_are_told_in_order(bob, jongno):
    clock = clock_start(case_type=DISCLOSURE, case_ref="d:1", agency=jongno, received_at=kst(2026, 9, 21, 10))
    clock_pause(case_ref="d:1", reason="청구 대상 정보 특정 필요", actor=bob, at=kst(2026, 9, 23, 15))
    paused = text(clock)
    assert (
        "2026-09-23(수) 15:00 보완 요구로 처리기간이 멈췄습니다 (사유: 청구 대상 정보 특정 필요)." in paused
    )
    assert "보완을 기다리며 멈춰 있습니다" in paused
    clock_resume(case_ref="d:1", actor=bob, at=kst(2026, 9, 29, 10))
    clock_extend(case_ref="d:1", reason="제3자 의견청취", actor=bob, at=kst(2026, 10, 12, 10))
    clock_close(case_ref="d:1", actor=bob, at=kst(2026, 10, 20, 16))
    lines = due_explanation(clock_get("d:1"), "ko")
    resumed = next(line for line in lines if "보완이 접수되어" in line)
    assert "근무일 2일은 처리기간에 넣지 않습니다" in resumed
    extended = next(line for line in lines if "연장" in line)
    assert "10일 연장했습니다 (사유: 제3자 의견청취)" in extended
    assert lines[-1] == "2026-10-20(화) 16:00 처리를 마쳤습니다: 기한 안에 처리했습니다."
    en = due_explanation(clock_get("d:1"), "en")
    assert any("the 2 working days it stood still do not count" in line for line in en)


def test_a_transfer_and_a_calendar_change_are_explained(bob, jongno, gangnam):
    olivia_change = holiday_add
    clock = clock_start(case_type=GRIEVANCE, case_ref="t:1", agency=jongno, received_at=kst(2026, 9, 28, 10))
    clock_transfer(
        case_ref="t:1",
        to_agency=gangnam,
        reason="소관 기관 이송",
        actor=bob,
        received_at=kst(2026, 9, 29, 10),
    )
    olivia_change(
        actor=None,
        date=dt.date(2026, 10, 2),
        name_ko="임시공휴일",
        name_en="Temporary holiday",
        legal_basis="",
    )
    ko = text(clock)
    assert "서울특별시 종로구에서 서울특별시 강남구로 이송되었습니다" in ko
    assert "이송받은 기관이 접수한 때부터 처리기간을 다시 셉니다." in ko
    assert "달력 변경(공휴일 추가: 2026-10-02 임시공휴일)으로 처리기한이" in ko
    assert "2026-10-02(금) 임시공휴일" in ko
    assert ClockEvent.objects.filter(clock__case_ref="t:1", kind="recompute").count() == 1


def test_civil_act_periods_say_when_the_last_day_moved(jongno):
    thirty = clock_start(
        case_type=THIRTY_DAYS, case_ref="c:1", agency=jongno, received_at=kst(2026, 4, 6, 10)
    )
    assert "2026-05-05(화)가 어린이날이어서 다음 근무일 2026-05-06(수)에 끝납니다" in text(thirty)
    month = clock_start(case_type=ONE_MONTH, case_ref="c:2", agency=jongno, received_at=kst(2026, 1, 31, 10))
    assert "처리기간: 1개월." in text(month)
    assert "2026-02-28(토)가 토요일이어서 다음 근무일 2026-03-03(화)에 끝납니다" in text(month)


def test_only_korean_and_english_are_offered(jongno):
    clock = clock_start(case_type=GRIEVANCE, case_ref="p:9", agency=jongno, received_at=kst(2026, 3, 3, 10))
    with pytest.raises(ValidationFailed) as refused:
        due_explanation(clock, "fr")
    assert refused.value.field == "language"


def test_a_pause_that_took_no_working_day_or_came_too_late_leaves_the_due_date(jongno):
    clock = clock_start(case_type=GRIEVANCE, case_ref="p:3", agency=jongno, received_at=kst(2026, 3, 3, 10))
    clock_pause(case_ref="p:3", reason="전화 확인", at=kst(2026, 3, 4, 10))
    clock_resume(case_ref="p:3", at=kst(2026, 3, 4, 16))
    clock_pause(case_ref="p:3", reason="늦은 보완 요구", at=kst(2026, 3, 13, 10))
    clock_resume(case_ref="p:3", at=kst(2026, 3, 16, 10))
    ko = text(clock)
    assert "2026-03-04(수) 16:00 보완이 접수되어 다시 셉니다. 멈춘 동안 셈할 근무시간이 없어" in ko
    assert "2026-03-16(월) 10:00 보완이 접수되었습니다. 처리기한이 지난 뒤에 멈춘 것이라" in ko
    assert ko.endswith("처리기한: 2026-03-11(수)까지.")
