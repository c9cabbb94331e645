"""Reminders before a disclosure deadline: the agency's registrars are e-mailed once per request
and due date — again after an extension, and for a pending objection — by the case kernel's
sweep, which `egov worker` runs as a task beside disclosure's own deemed refusals."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from egov.cases import tasks as case_tasks
from egov.cases.models import CaseReminder
from egov.cases.sweeps import case_reminders_send
from egov.core.models import AuditEvent
from egov.core.tasks import sweeps
from egov.disclosure import services, tasks
from egov.disclosure.procedure import DISCLOSURE
from tests.disclosure.test_services import refuse, request_one

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def registrar(bob):
    """Bob registers Jongno-gu's requests; the reminders reach him by e-mail."""
    bob.email = "bob@jongno.go.kr"
    bob.save(update_fields=["email"])
    return bob


def disclosure_remind_due(*, now: dt.datetime) -> int:
    return case_reminders_send(procedure=DISCLOSURE, now=now)


def shortly_before(due_at: dt.datetime) -> dt.datetime:
    return due_at - dt.timedelta(hours=20)  # the due day itself, a business day


def test_the_registrars_are_reminded_once_before_the_due_date(
    requester, jongno, registrar, django_capture_on_commit_callbacks
):
    request = request_one(requester, jongno)
    mail.outbox.clear()
    assert disclosure_remind_due(now=timezone.now()) == 0  # ten business days ahead: not yet
    with django_capture_on_commit_callbacks(execute=True):
        assert disclosure_remind_due(now=shortly_before(request.clock.due_at)) == 1
    assert disclosure_remind_due(now=shortly_before(request.clock.due_at)) == 0  # idempotent
    reminder = request.case_reminders.get()
    assert reminder.due_at == request.clock.due_at and reminder.recipients == 1
    assert [m.to for m in mail.outbox] == [["bob@jongno.go.kr"]]
    assert f"/office/disclosure/{request.number}/" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="disclosure.remind", object_id=str(request.pk)).count() == 1


def test_an_extended_request_is_reminded_of_its_new_due_date(requester, jongno, registrar):
    request = request_one(requester, jongno)
    first_due = request.clock.due_at
    assert disclosure_remind_due(now=shortly_before(first_due)) == 1
    request = services.request_extend(actor=registrar, request=request, reason="자료 취합에 시간이 걸립니다")
    assert request.clock.due_at > first_due
    assert disclosure_remind_due(now=shortly_before(request.clock.due_at)) == 1
    assert request.case_reminders.count() == 2


def test_a_decided_request_is_not_reminded_but_its_pending_objection_is(requester, jongno, registrar):
    request = refuse(registrar, request_one(requester, jongno))
    assert disclosure_remind_due(now=shortly_before(request.clock.due_at)) == 0
    objection = services.objection_file(actor=requester, request=request, reason="공개 대상입니다")
    assert disclosure_remind_due(now=shortly_before(objection.clock.due_at)) == 1
    reminder = request.case_reminders.get()
    assert (reminder.due_at, reminder.watch) == (objection.clock.due_at, "objection")
    services.objection_decide(actor=registrar, request=request, outcome="dismissed", grounds="수사 중")
    assert disclosure_remind_due(now=shortly_before(objection.clock.due_at) + dt.timedelta(hours=1)) == 0


def test_an_agency_without_registrars_still_records_the_reminder(requester, gangnam):
    request = request_one(requester, gangnam)
    assert disclosure_remind_due(now=shortly_before(request.clock.due_at)) == 1
    assert request.case_reminders.get().recipients == 0  # nobody to mail, but not retried


@override_settings(TASKS=IMMEDIATE)
def test_the_tasks_run_the_reminders_and_the_deemed_refusals(requester, jongno, registrar):
    request = request_one(requester, jongno)
    result = case_tasks.remind_due.enqueue(now=shortly_before(request.clock.due_at).isoformat())
    assert result.status == "SUCCESSFUL" and result.return_value == 1
    later = (timezone.now() + dt.timedelta(days=40)).isoformat()
    assert tasks.deem_refusals.enqueue(now=later).return_value == 1
    request.refresh_from_db()
    assert request.state == "deemed_refused"


def test_the_worker_runs_the_disclosure_sweeps_from_the_app():
    paths = [sweep.module_path for sweep in sweeps()]
    assert "egov.disclosure.tasks.deem_refusals" in paths and "egov.cases.tasks.remind_due" in paths
    assert "egov.disclosure.tasks.remind_due" not in paths  # the kernel reminds for every procedure
    assert not any(path.startswith("egov.core.tasks.") for path in paths)


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_remind_each_request_once(postgres_only, requester, jongno, registrar):
    requests = [request_one(requester, jongno) for _ in range(10)]
    now = shortly_before(min(r.clock.due_at for r in requests))
    counts, errors = [], []
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            counts.append(disclosure_remind_due(now=now))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and sum(counts) == 10
    assert CaseReminder.objects.count() == 10
