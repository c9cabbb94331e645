"""Operators change the holiday calendar; open cases follow at once, closed ones keep their date."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.models import User
from egov.core.deadlines import (
    calendar_get,
    clock_close,
    clock_get,
    clock_pause,
    clock_start,
    clocks_recompute,
    holiday_add,
    holiday_change,
    holiday_remove,
    recompute,
)
from egov.core.deadlines.holiday_calendar import calendar_forget
from egov.core.errors import Conflict, ValidationFailed
from egov.core.models import AuditEvent, CaseClock, ClockEvent, Holiday
from tests.core.deadline_cases import DISCLOSURE, GRIEVANCE, QUICK, end_of, kst

TEMPORARY = {"name_ko": "임시공휴일", "name_en": "Temporary holiday", "legal_basis": "국무회의 의결"}


@pytest.fixture
def olivia(db):
    """Olivia is the platform operator: she keeps the holiday calendar in the admin."""
    user = User.objects.create_superuser("olivia", "olivia@egov.localhost", "pw", kind="operator")
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return user


def disclosure(agency, ref, received=None):
    return clock_start(
        case_type=DISCLOSURE, case_ref=ref, agency=agency, received_at=received or kst(2026, 9, 22, 11)
    )


def test_a_temporary_holiday_moves_the_due_date_of_an_open_case_but_not_of_a_closed_one(olivia, jongno):
    open_case = disclosure(jongno, "disclosure.request:1")
    closed_case = disclosure(jongno, "disclosure.request:2")
    clock_close(case_ref=closed_case.case_ref, at=kst(2026, 9, 30, 10))
    assert open_case.due_at == closed_case.due_at == end_of(2026, 10, 8)

    holiday_add(actor=olivia, date=dt.date(2026, 10, 2), **TEMPORARY)

    assert clock_get(open_case.case_ref).due_at == end_of(2026, 10, 12)
    assert clock_get(closed_case.case_ref).due_at == end_of(2026, 10, 8)
    event = ClockEvent.objects.get(kind="recompute")
    assert event.clock_id == open_case.pk and event.actor == olivia
    assert event.reason == "공휴일 추가: 2026-10-02 임시공휴일"
    assert dt.datetime.fromisoformat(event.data["due_after"]) == end_of(2026, 10, 12)
    assert dt.datetime.fromisoformat(event.data["due_before"]) == end_of(2026, 10, 8)
    audit = AuditEvent.objects.get(action="holiday.add")
    assert audit.after["clocks_moved"] == 1 and audit.legal_basis == "국무회의 의결"


def test_a_holiday_after_the_due_date_moves_nothing(olivia, jongno):
    case = disclosure(jongno, "disclosure.request:3")
    holiday_add(actor=olivia, date=dt.date(2026, 10, 13), **TEMPORARY)
    assert clock_get(case.case_ref).due_at == end_of(2026, 10, 8)
    assert not ClockEvent.objects.filter(kind="recompute").exists()


def test_a_paused_case_and_a_case_counted_in_hours_follow_the_calendar_too(olivia, jongno):
    paused = disclosure(jongno, "disclosure.request:4")
    clock_pause(case_ref=paused.case_ref, reason="보완", at=kst(2026, 9, 23, 10))
    quick = clock_start(case_type=QUICK, case_ref="q:1", agency=jongno, received_at=kst(2026, 9, 30, 10))
    # 24 hours: Wed 9/30 10:00–18:00 (7) 10/1 (15) 10/2 (23) [10/3–10/5] Tue 10/6 09:00–10:00 (24)
    assert quick.due_at == kst(2026, 10, 6, 10)
    holiday_add(actor=olivia, date=dt.date(2026, 10, 2), **TEMPORARY)
    assert clock_get(paused.case_ref).due_at > paused.due_at
    assert clock_get("q:1").due_at == kst(2026, 10, 7, 10)


def test_removing_the_holiday_gives_the_old_due_date_back(olivia, jongno):
    case = disclosure(jongno, "disclosure.request:5")
    holiday = holiday_add(actor=olivia, date=dt.date(2026, 10, 2), **TEMPORARY)
    moved = holiday_remove(actor=olivia, holiday=holiday)
    assert moved == 1
    assert clock_get(case.case_ref).due_at == end_of(2026, 10, 8)
    assert not Holiday.objects.exists()
    assert AuditEvent.objects.filter(action="holiday.remove").count() == 1


def test_moving_a_holiday_recomputes_from_the_earlier_of_the_two_dates(olivia, jongno):
    case = disclosure(jongno, "disclosure.request:6")
    holiday = holiday_add(actor=olivia, date=dt.date(2026, 10, 2), **TEMPORARY)
    holiday_change(actor=olivia, holiday=holiday, date=dt.date(2026, 10, 13), kind="holiday", **TEMPORARY)
    assert clock_get(case.case_ref).due_at == end_of(2026, 10, 8)
    assert AuditEvent.objects.get(action="holiday.change").before["date"] == "2026-10-02"


def test_a_library_holiday_marked_as_a_working_day_counts_again(olivia, jongno):
    case = clock_start(case_type=GRIEVANCE, case_ref="g:1", agency=jongno, received_at=kst(2026, 4, 28, 10))
    # 4/28 (1) 4/29 (2) 4/30 (3) [5/1 노동절, weekend] 5/4 (4) [5/5] 5/6 (5) 5/7 (6) 5/8 (7)
    assert case.due_at == end_of(2026, 5, 8)
    holiday_add(
        actor=olivia, date=dt.date(2026, 5, 1), kind="workday", name_ko="근무일", name_en="Working day"
    )
    assert clock_get("g:1").due_at == end_of(2026, 5, 7)


def test_holiday_input_that_makes_no_sense_is_refused(olivia):
    cases = [
        ({"date": "2026-10-02"}, "date"),
        ({"date": dt.date(2026, 9, 25)}, "date"),  # already 추석
        ({"date": dt.date(2026, 10, 10), "kind": "workday"}, "kind"),  # a Saturday
        ({"date": dt.date(2026, 10, 14), "kind": "workday"}, "date"),  # not a holiday to undo
        ({"date": dt.date(2026, 10, 14), "kind": "closed"}, "kind"),
        ({"date": dt.date(2026, 10, 14), "name_ko": ""}, "name_ko"),
    ]
    for overrides, field in cases:
        values = {"date": None, "kind": "holiday", **TEMPORARY, **overrides}
        with pytest.raises(ValidationFailed) as refused:
            holiday_add(actor=olivia, **values)
        assert refused.value.field == field, overrides
    holiday_add(actor=olivia, date=dt.date(2026, 10, 14), **TEMPORARY)
    with pytest.raises(Conflict) as twice:
        holiday_add(actor=olivia, date=dt.date(2026, 10, 14), **TEMPORARY)
    assert twice.value.field == "date"


def test_every_process_sees_a_holiday_another_process_added(db):
    calendar = calendar_get()
    assert calendar_get() is calendar  # unchanged table, same calendar
    # another process writes the row; this process only sees the table change
    Holiday.objects.create(date=dt.date(2026, 10, 2), name_ko="임시공휴일", name_en="Temporary holiday")
    fresh = calendar_get()
    assert fresh is not calendar
    assert not fresh.is_business_day(dt.date(2026, 10, 2))
    Holiday.objects.all().delete()
    assert calendar_get().is_business_day(dt.date(2026, 10, 2))


def test_the_calendar_costs_one_query_when_nothing_changed(db):
    calendar_forget()
    calendar_get()
    with CaptureQueriesContext(connection) as queries:
        calendar_get()
    assert len(queries) == 1


def test_the_recomputation_writes_only_clocks_whose_due_date_changed(db, jongno):
    for n in range(30):
        disclosure(jongno, f"bulk:{n}", received=kst(2026, 9, 21 + n % 3, 10))
    Holiday.objects.create(date=dt.date(2026, 10, 2), name_ko="임시공휴일", name_en="Temporary holiday")
    with CaptureQueriesContext(connection) as queries:
        moved = clocks_recompute(since=dt.date(2026, 10, 2))
    assert moved == 30
    assert len(queries) < 15  # set-based: not one statement per clock
    assert ClockEvent.objects.filter(kind="recompute").count() == 30
    assert clocks_recompute() == 0
    assert set(CaseClock.objects.values_list("revision", flat=True)) == {2}


def test_the_sweep_leaves_a_clock_changed_meanwhile_to_its_service(postgres_only, jongno, monkeypatch):
    """A clock service that ran between the sweep's read and write wins (its revision moved)."""
    case = disclosure(jongno, "race:1")
    Holiday.objects.create(date=dt.date(2026, 10, 2), name_ko="임시공휴일", name_en="Temporary holiday")
    CaseClock.objects.filter(pk=case.pk).update(revision=case.revision + 5, due_at=end_of(2026, 10, 30))
    real_write = recompute.clocks_due_write

    def stale_write(batch, **kw):
        stale = [(pk, due, paused, revision - 5, before) for pk, due, paused, revision, before in batch]
        return real_write(stale, **kw)

    monkeypatch.setattr(recompute, "clocks_due_write", stale_write)
    assert clocks_recompute() == 0
    assert clock_get("race:1").due_at == end_of(2026, 10, 30)
    assert not ClockEvent.objects.filter(kind="recompute").exists()


def test_olivia_adds_a_holiday_in_the_admin_and_open_cases_move(client, olivia, jongno):
    case = disclosure(jongno, "disclosure.request:7")
    client.force_login(olivia)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=olivia).persistent_id
    session.save()
    response = client.post("/admin/core/holiday/add/", {"date": "2026-10-02", "kind": "holiday", **TEMPORARY})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Holiday.objects.get().added_by == olivia
    assert clock_get(case.case_ref).due_at == end_of(2026, 10, 12)

    refused = client.post("/admin/core/holiday/add/", {"date": "2026-09-25", "kind": "holiday", **TEMPORARY})
    assert refused.status_code == 200
    assert "already a public holiday" in refused.content.decode()

    holiday = Holiday.objects.get()
    response = client.post(f"/admin/core/holiday/{holiday.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert clock_get(case.case_ref).due_at == end_of(2026, 10, 8)
    assert AuditEvent.objects.filter(action__startswith="holiday.").count() == 2


def test_the_nightly_sweep_command_reports_what_it_moved(db, jongno):
    disclosure(jongno, "sweep:1")
    Holiday.objects.create(date=dt.date(2026, 10, 2), name_ko="임시공휴일", name_en="Temporary holiday")
    out = io.StringIO()
    call_command("clocks_recompute", "--since", "2026-10-01", stdout=out)
    assert out.getvalue().startswith("1 clock(s) got a new due date")
    with pytest.raises(CommandError):
        call_command("clocks_recompute", "--since", "tomorrow")
