"""Background jobs: the case kernel's escalation and reminder sweeps, as petitions declare them,
as django-tasks, and `egov worker`."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from egov.cases import tasks
from egov.cases.models import CaseReminder
from egov.cases.sweeps import case_reminders_send
from egov.core.deadlines import business_days_between, calendar_get
from egov.core.deadlines.holiday_calendar import local_date, start_of_day
from egov.core.tasks import sweeps, sweeps_enqueue
from egov.petitions import services
from egov.petitions.models import Petition
from egov.petitions.procedure import PETITION
from tests.petitions.test_services import file_one


def petitions_remind_due(**kwargs) -> int:
    return case_reminders_send(procedure=PETITION, **kwargs)


def reminders(petition=None):
    rows = CaseReminder.objects.filter(kind="reminder")
    return rows if petition is None else rows.filter(case_id=petition.pk)


def escalations(petition=None):
    rows = CaseReminder.objects.filter(kind="escalation")
    return rows if petition is None else rows.filter(case_id=petition.pk)


IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def when(moment: dt.datetime) -> str:
    return moment.isoformat()


@override_settings(TASKS=IMMEDIATE)
def test_enqueuing_the_escalation_task_escalates_an_overdue_petition_once(
    petitioner, categories, jongno_admin, django_capture_on_commit_callbacks
):
    late = file_one(petitioner, categories)
    later = timezone.now() + dt.timedelta(days=60)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.escalate_overdue.enqueue(now=when(later))
    assert result.status == "SUCCESSFUL" and result.return_value == 1
    assert tasks.escalate_overdue.enqueue(now=when(later)).return_value == 0  # idempotent
    assert escalations(late).count() == 1
    assert [m.to for m in mail.outbox] == [[jongno_admin.email]]


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=IMMEDIATE)
def test_two_workers_running_the_task_at_once_escalate_each_petition_once(
    postgres_only, petitioner, categories, jongno_admin
):
    for _ in range(10):
        file_one(petitioner, categories)
    later = when(timezone.now() + dt.timedelta(days=60))
    counts, errors = [], []
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            counts.append(tasks.escalate_overdue.enqueue(now=later).return_value)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sum(counts) == 10 and escalations().count() == 10
    assert Petition.objects.exclude(case_reminders__kind="escalation").count() == 0


def test_the_assigned_official_is_reminded_once_the_day_before_the_due_date(
    petitioner, categories, bob, django_capture_on_commit_callbacks
):
    petition = file_one(petitioner, categories, kind="grievance")  # 7 business days
    bob.email = "bob@jongno.go.kr"
    bob.save(update_fields=["email"])
    services.petition_assign(actor=bob, petition=petition, assignee=bob)
    petition.refresh_from_db()
    mail.outbox.clear()

    assert petitions_remind_due(now=petition.clock.due_at - dt.timedelta(days=5)) == 0  # not yet
    day_before = petition.clock.due_at - dt.timedelta(hours=20)
    with django_capture_on_commit_callbacks(execute=True):
        assert petitions_remind_due(now=day_before) == 1
    assert petitions_remind_due(now=day_before) == 0  # once per due date
    reminder = reminders().get()
    assert reminder.case == petition and reminder.due_at == petition.clock.due_at
    assert [m.to for m in mail.outbox] == [["bob@jongno.go.kr"]]
    assert "Due soon" in mail.outbox[0].body and petition.number in mail.outbox[0].subject


def test_an_unassigned_petition_reminds_the_agencys_registrars(
    petitioner, categories, bob, bob2, carol, django_capture_on_commit_callbacks
):
    petition = file_one(petitioner, categories, kind="grievance")
    bob.email = "bob@jongno.go.kr"
    bob.save(update_fields=["email"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert petitions_remind_due(now=petition.clock.due_at - dt.timedelta(hours=20)) == 1
    assert sorted(mail.outbox[0].to) == ["ben@jongno.go.kr", "bob@jongno.go.kr"]  # not Carol of Gangnam


def test_an_extended_due_date_is_reminded_again_and_answered_petitions_never(petitioner, categories, bob):
    extended = file_one(petitioner, categories, kind="grievance")
    answered = file_one(petitioner, categories, kind="grievance")
    services.petition_answer(actor=bob, petition=answered, answer="조치했습니다.")
    extended.refresh_from_db()
    assert petitions_remind_due(now=extended.clock.due_at - dt.timedelta(hours=20)) == 1
    services.petition_extend(actor=bob, petition=extended, reason="현장 조사")
    extended.refresh_from_db()
    assert petitions_remind_due(now=extended.clock.due_at - dt.timedelta(hours=20)) == 1
    assert reminders(extended).count() == 2
    assert not reminders(answered).exists()


def test_the_reminder_window_is_configurable(petitioner, categories, bob, settings):
    petition = file_one(petitioner, categories, kind="grievance")
    due_day = local_date(petition.clock.due_at)
    day = due_day
    while business_days_between(day, due_day) < 3 or not calendar_get().is_business_day(day):
        day -= dt.timedelta(days=1)
    three_business_days_before = start_of_day(day) + dt.timedelta(hours=10)
    assert petitions_remind_due(now=three_business_days_before) == 0  # the default is 1 business day
    settings.EGOV_REMINDER_BUSINESS_DAYS = 3
    assert petitions_remind_due(now=three_business_days_before) == 1


@override_settings(TASKS=IMMEDIATE)
def test_the_reminder_task_runs_the_sweep(petitioner, categories, bob):
    petition = file_one(petitioner, categories, kind="grievance")
    result = tasks.remind_due.enqueue(now=when(petition.clock.due_at - dt.timedelta(hours=20)))
    assert result.return_value == 1


def test_the_worker_knows_the_kernel_sweeps_that_run_the_petitions():
    paths = [sweep.module_path for sweep in sweeps()]
    assert "egov.cases.tasks.escalate_overdue" in paths
    assert "egov.cases.tasks.remind_due" in paths
    assert PETITION.reminders and PETITION.escalations
    assert "egov.disclosure.tasks.deem_refusals" in paths  # disclosure declares its own SWEEPS


def test_a_sweep_already_waiting_is_not_enqueued_again(db):
    first = sweeps_enqueue()
    assert "egov.cases.tasks.escalate_overdue" in first
    assert sweeps_enqueue() == []
    assert DBTaskResult.objects.filter(task_path="egov.cases.tasks.escalate_overdue").count() == 1


@pytest.mark.django_db(transaction=True)  # the worker closes and reopens its connection between tasks
def test_egov_worker_once_enqueues_the_sweeps_and_runs_them(petitioner, categories, capsys):
    file_one(petitioner, categories)
    call_command("worker", "--once", verbosity=0)
    assert "sweep(s) enqueued" in capsys.readouterr().out
    results = DBTaskResult.objects.filter(task_path__startswith="egov.cases.tasks.")
    assert results.count() == 2 and set(results.values_list("status", flat=True)) == {"SUCCESSFUL"}


@pytest.mark.django_db(transaction=True)
def test_the_schedule_enqueues_the_sweeps_and_stops_when_told():
    from egov.core.management.commands.worker import _sweep_loop

    stop = threading.Event()
    stop.set()  # one round, then the wait returns at once
    _sweep_loop(stop, 300)
    assert DBTaskResult.objects.filter(task_path="egov.cases.tasks.remind_due", status="READY").count() == 1


def test_the_worker_refuses_a_sweep_interval_under_a_second(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("worker", "--sweep-seconds", "0")
