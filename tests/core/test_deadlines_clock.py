"""The clock of a case: Bob, a registrar in Jongno-gu, receives cases, asks for supplements,
extends, transfers to Gangnam-gu (Carol's district) and closes them."""

import datetime as dt

import pytest

from egov.core.deadlines import (
    business_days_between,
    case_ref_of,
    clock_close,
    clock_extend,
    clock_get,
    clock_pause,
    clock_resume,
    clock_start,
    clock_transfer,
    due_soon,
    overdue,
)
from egov.core.errors import Conflict, NotFound, ValidationFailed
from egov.core.models import CaseClock, ClockEvent
from tests.core.deadline_cases import (
    DISCLOSURE,
    GRIEVANCE,
    NO_PAUSE,
    QUICK,
    RELAY,
    TWICE,
    end_of,
    kst,
)


def start(agency, ref="petitions.petition:1", case_type=GRIEVANCE, received=None, **kw):
    return clock_start(
        case_type=case_type, case_ref=ref, agency=agency, received_at=received or kst(2026, 3, 3, 10), **kw
    )


def test_bob_starts_the_clock_of_a_grievance_and_it_is_due_after_seven_business_days(bob, jongno):
    clock = start(jongno, actor=bob)
    assert clock.due_at == end_of(2026, 3, 11)
    assert clock.state == CaseClock.State.RUNNING
    assert (clock.unit, clock.length) == ("business_days", 7)
    event = clock.events.get()
    assert (event.kind, event.actor, event.data["period"]) == ("start", bob, GRIEVANCE)


def test_a_quick_answer_of_three_days_is_counted_in_working_hours(jongno):
    clock = start(jongno, case_type=QUICK, received=kst(2026, 2, 13, 15))
    assert (clock.unit, clock.length) == ("business_hours", 24)
    assert clock.due_at == kst(2026, 2, 23, 15)


def test_a_model_instance_is_filed_under_its_label_and_pk(jongno, alice):
    clock = start(jongno, ref=alice)
    assert clock.case_ref == f"accounts.user:{alice.pk}" == case_ref_of(alice)
    assert clock_get(alice) == clock


def test_a_supplement_request_stops_the_clock_across_chuseok_and_the_reply_restarts_it(bob, jongno):
    clock = start(jongno, received=kst(2026, 9, 21, 10))
    assert clock.due_at == end_of(2026, 10, 1)
    clock = clock_pause(case_ref=clock.case_ref, reason="구비서류 누락", actor=bob, at=kst(2026, 9, 23, 15))
    assert clock.state == CaseClock.State.PAUSED
    assert clock.due_at == end_of(2026, 10, 1)  # the earliest it can be
    clock = clock_resume(case_ref=clock.case_ref, actor=bob, at=kst(2026, 9, 29, 10))
    assert clock.state == CaseClock.State.RUNNING
    assert clock.due_at == end_of(2026, 10, 6)
    assert clock.paused_units == 2
    resume = clock.events.get(kind="resume")
    assert resume.data["paused"] == 2
    assert resume.data["due_before"].startswith("2026-10-01")


def test_a_paused_case_is_not_overdue_and_running_ones_come_most_overdue_first(jongno, gangnam):
    late = start(jongno, ref="a:1", received=kst(2026, 3, 3, 10))
    later = start(gangnam, ref="a:2", received=kst(2026, 3, 5, 10))
    waiting = start(jongno, ref="a:3", received=kst(2026, 3, 2, 10))
    clock_pause(case_ref=waiting.case_ref, reason="보완", at=kst(2026, 3, 4, 10))
    on_time = start(jongno, ref="a:4", received=kst(2026, 3, 20, 10))
    now = kst(2026, 3, 20, 12)
    assert list(overdue(now=now)) == [late, later]
    assert list(overdue(CaseClock.objects.filter(agency=jongno), now=now)) == [late]
    assert on_time not in overdue(now=now)


def test_due_soon_lists_running_cases_due_within_the_next_business_days(jongno):
    soon = start(jongno, ref="s:1", received=kst(2026, 3, 3, 10))  # due Wed 3/11
    start(jongno, ref="s:2", received=kst(2026, 3, 9, 10))  # due Tue 3/17
    assert list(due_soon(business_days=2, now=kst(2026, 3, 10, 9))) == [soon]
    with pytest.raises(ValidationFailed) as refused:
        due_soon(business_days=0)
    assert refused.value.field == "business_days"


def test_an_extension_is_granted_once_and_a_second_one_is_refused(bob, jongno):
    clock = start(jongno, case_type=DISCLOSURE, received=kst(2026, 9, 22, 11))
    assert clock.due_at == end_of(2026, 10, 8)
    clock = clock_extend(case_ref=clock.case_ref, reason="제3자 의견청취", actor=bob, at=kst(2026, 10, 7, 10))
    assert clock.due_at == end_of(2026, 10, 23)
    assert (clock.extensions, clock.extension_units) == (1, 10)
    with pytest.raises(Conflict) as refused:
        clock_extend(case_ref=clock.case_ref, reason="다시", actor=bob, at=kst(2026, 10, 8, 10))
    assert (refused.value.code, refused.value.field) == ("extension_limit", "case_ref")
    assert clock_get(clock.case_ref).due_at == end_of(2026, 10, 23)


def test_an_extension_is_at_most_the_period_and_needs_a_reason(jongno):
    clock = start(jongno)
    with pytest.raises(ValidationFailed) as too_long:
        clock_extend(case_ref=clock.case_ref, reason="현장조사", length=8, at=kst(2026, 3, 5, 10))
    assert too_long.value.field == "length"
    with pytest.raises(ValidationFailed) as no_reason:
        clock_extend(case_ref=clock.case_ref, reason="  ", at=kst(2026, 3, 5, 10))
    assert no_reason.value.field == "reason"
    clock = clock_extend(case_ref=clock.case_ref, reason="현장조사", length=3, at=kst(2026, 3, 5, 10))
    assert clock.due_at == end_of(2026, 3, 16)  # 3/12 (8) 3/13 (9) [weekend] 3/16 (10)


def test_a_case_type_may_allow_two_shorter_extensions(jongno):
    clock = start(jongno, case_type=TWICE)
    clock_extend(case_ref=clock.case_ref, reason="첫 연장", at=kst(2026, 3, 5, 10))
    clock = clock_extend(case_ref=clock.case_ref, reason="민원인 동의로 다시 연장", at=kst(2026, 3, 6, 10))
    assert clock.extension_units == 14
    with pytest.raises(Conflict):
        clock_extend(case_ref=clock.case_ref, reason="세 번째", at=kst(2026, 3, 9, 10))


def test_a_period_that_already_ran_out_cannot_be_extended(jongno):
    clock = start(jongno)
    with pytest.raises(Conflict) as refused:
        clock_extend(case_ref=clock.case_ref, reason="늦은 연장", at=kst(2026, 3, 12, 9))
    assert refused.value.code == "expired"


def test_a_transfer_to_the_competent_agency_restarts_the_period(bob, jongno, gangnam):
    clock = start(jongno, received=kst(2026, 3, 3, 10))
    clock_pause(case_ref=clock.case_ref, reason="보완", at=kst(2026, 3, 4, 10))
    clock = clock_transfer(
        case_ref=clock.case_ref,
        to_agency=gangnam,
        reason="소관 기관",
        actor=bob,
        received_at=kst(2026, 3, 6, 9, 30),
    )
    # 3/6 (1) [weekend] 3/9 (2) … 3/13 (6) [weekend] 3/16 (7)
    assert clock.due_at == end_of(2026, 3, 16)
    assert clock.agency == gangnam
    assert clock.state == CaseClock.State.RUNNING  # the supplement request lapsed with the transfer
    assert clock.pauses == [] and clock.extensions == 0
    assert clock.received_at == kst(2026, 3, 3, 10)
    event = clock.events.get(kind="transfer")
    assert (event.data["from_agency"], event.data["to_agency"], event.data["rule"]) == (
        jongno.pk,
        gangnam.pk,
        "restart",
    )


def test_a_case_type_may_keep_counting_across_a_transfer(jongno, gangnam):
    clock = start(jongno, case_type=RELAY, received=kst(2026, 3, 3, 10))
    clock = clock_transfer(
        case_ref=clock.case_ref, to_agency=gangnam, reason="이관", received_at=kst(2026, 3, 6, 9)
    )
    assert clock.due_at == end_of(2026, 3, 11)
    assert clock.agency == gangnam


def test_closing_stops_the_clock_and_says_whether_it_was_on_time(bob, jongno):
    clock = start(jongno)
    clock = clock_close(case_ref=clock.case_ref, actor=bob, at=kst(2026, 3, 11, 17))
    assert clock.state == CaseClock.State.CLOSED and clock.closed_late is False
    late = clock_close(case_ref=start(jongno, ref="late:1").case_ref, at=kst(2026, 3, 12, 9))
    assert late.closed_late is True
    with pytest.raises(Conflict) as refused:
        clock_pause(case_ref=clock.case_ref, reason="보완", at=kst(2026, 3, 12, 9))
    assert refused.value.code == "closed"


def test_closing_while_waiting_for_the_applicant_does_not_hold_the_wait_against_the_agency(jongno):
    clock = start(jongno)
    clock_pause(case_ref=clock.case_ref, reason="보완", at=kst(2026, 3, 5, 10))
    clock = clock_close(case_ref=clock.case_ref, reason="보완 기간 경과로 반려", at=kst(2026, 3, 19, 10))
    assert clock.closed_late is False
    assert clock.paused_since is None and clock.pauses[-1][1] is not None


def test_processing_days_count_like_the_period(jongno):
    assert business_days_between(dt.date(2026, 2, 13), dt.date(2026, 2, 26)) == 7
    assert business_days_between(kst(2026, 3, 3, 17), kst(2026, 3, 3, 18)) == 1
    assert business_days_between(dt.date(2026, 3, 4), dt.date(2026, 3, 3)) == 0


# --- refusals ----------------------------------------------------------------------------------


def test_an_unknown_case_type_is_refused(jongno):
    with pytest.raises(ValidationFailed) as refused:
        start(jongno, case_type="no.such.type")
    assert refused.value.field == "case_type"


def test_a_second_clock_for_one_case_is_refused(jongno):
    start(jongno)
    with pytest.raises(Conflict) as refused:
        start(jongno)
    assert refused.value.field == "case_ref"


def test_an_unknown_agency_is_refused(db):
    with pytest.raises(ValidationFailed) as refused:
        start(999_999)
    assert refused.value.field == "agency"


@pytest.mark.parametrize(
    "received",
    [
        dt.datetime(2026, 3, 3, 10),  # noqa: DTZ001 (the naive time is the point)
        dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
        dt.datetime(1999, 1, 4, tzinfo=dt.UTC),
    ],
    ids=["naive", "future", "before-2000"],
)
def test_a_receipt_time_that_cannot_be_counted_is_refused(jongno, received):
    with pytest.raises(ValidationFailed) as refused:
        start(jongno, received=received)
    assert refused.value.field == "received_at"
    assert not CaseClock.objects.exists()


def test_an_empty_case_reference_is_refused(jongno):
    with pytest.raises(ValidationFailed) as refused:
        start(jongno, ref=" ")
    assert refused.value.field == "case_ref"


def test_pausing_twice_resuming_a_running_clock_and_pausing_a_no_pause_type_are_refused(jongno):
    clock = start(jongno)
    with pytest.raises(Conflict):
        clock_resume(case_ref=clock.case_ref, at=kst(2026, 3, 4, 10))
    clock_pause(case_ref=clock.case_ref, reason="보완", at=kst(2026, 3, 4, 10))
    with pytest.raises(Conflict):
        clock_pause(case_ref=clock.case_ref, reason="보완", at=kst(2026, 3, 4, 11))
    strict = start(jongno, ref="strict:1", case_type=NO_PAUSE)
    with pytest.raises(Conflict) as refused:
        clock_pause(case_ref=strict.case_ref, reason="보완", at=kst(2026, 3, 4, 10))
    assert refused.value.code == "not_pausable"


def test_a_pause_needs_a_reason_and_cannot_go_back_in_time(jongno):
    clock = start(jongno)
    with pytest.raises(ValidationFailed) as no_reason:
        clock_pause(case_ref=clock.case_ref, reason="", at=kst(2026, 3, 4, 10))
    assert no_reason.value.field == "reason"
    with pytest.raises(ValidationFailed) as earlier:
        clock_pause(case_ref=clock.case_ref, reason="보완", at=kst(2026, 3, 2, 10))
    assert earlier.value.field == "at"
    clock_pause(case_ref=clock.case_ref, reason="보완", at=kst(2026, 3, 5, 10))
    with pytest.raises(ValidationFailed) as before_pause:
        clock_resume(case_ref=clock.case_ref, at=kst(2026, 3, 5, 9))
    assert before_pause.value.field == "at"


def test_a_transfer_to_the_same_agency_or_nowhere_is_refused(jongno):
    clock = start(jongno)
    for target in (jongno, 999_999):
        with pytest.raises(ValidationFailed) as refused:
            clock_transfer(
                case_ref=clock.case_ref, to_agency=target, reason="이송", received_at=kst(2026, 3, 4, 9)
            )
        assert refused.value.field == "to_agency"


def test_a_case_without_a_clock_is_not_found(db):
    with pytest.raises(NotFound) as missing:
        clock_get("petitions.petition:404")
    assert missing.value.field == "case_ref"
    with pytest.raises(NotFound):
        clock_close(case_ref="petitions.petition:404")


def test_a_refused_step_leaves_no_event(jongno):
    clock = start(jongno)
    with pytest.raises(ValidationFailed):
        clock_extend(case_ref=clock.case_ref, reason="x", length=99, at=kst(2026, 3, 5, 10))
    assert list(ClockEvent.objects.values_list("kind", flat=True)) == ["start"]
