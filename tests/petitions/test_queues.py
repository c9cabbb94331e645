"""Officials' queues (mine, team, due soon, overdue) and the escalation of overdue petitions."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from egov.cases.models import CaseReminder
from egov.cases.sweeps import case_escalations_send, supervisor_for
from egov.core.errors import PermissionDenied, ValidationFailed
from egov.petitions import services
from egov.petitions.models import Petition
from egov.petitions.procedure import PETITION
from egov.petitions.selectors import petition_queue_for
from tests.petitions.test_services import file_one


def petitions_escalate_overdue(**kwargs) -> int:
    return case_escalations_send(procedure=PETITION, **kwargs)


def escalations(petition=None):
    rows = CaseReminder.objects.filter(kind="escalation")
    return rows if petition is None else rows.filter(case_id=petition.pk)


def numbers(rows):
    return [p.number for p in rows]


def test_queues_mine_team_due_soon_overdue(petitioner, categories, bob, bob2, carol):
    hours = file_one(petitioner, categories, code="road-jongno", kind="grievance")  # 7 business days
    mine = file_one(petitioner, categories, code="sanitation-jongno")
    gangnam = file_one(petitioner, categories, code="parking-gangnam")
    services.petition_assign(actor=bob, petition=mine, assignee=bob)
    services.petition_assign(actor=bob, petition=hours, assignee=bob2)

    assert numbers(petition_queue_for(actor=bob, view="mine")) == [mine.number]
    team = numbers(petition_queue_for(actor=bob, view="team"))
    assert set(team) == {hours.number, mine.number} and gangnam.number not in team
    assert numbers(petition_queue_for(actor=carol, view="team")) == [gangnam.number]
    assert numbers(petition_queue_for(actor=bob, view="overdue")) == []

    later = timezone.now() + dt.timedelta(days=30)
    overdue = numbers(petition_queue_for(actor=bob, view="overdue", now=later))
    assert set(overdue) == {hours.number, mine.number}
    # 7 business days after filing, the grievance is due within two business days
    soon = hours.clock.due_at - dt.timedelta(hours=20)
    assert hours.number in numbers(petition_queue_for(actor=bob, view="due_soon", now=soon))


def test_answered_petitions_leave_the_queue(petitioner, categories, bob):
    petition = file_one(petitioner, categories)
    services.petition_answer(actor=bob, petition=petition, answer="답변")
    assert numbers(petition_queue_for(actor=bob, view="team")) == []


def test_a_supervisor_above_sees_the_districts_queues(petitioner, categories, seoul_supervisor):
    petition = file_one(petitioner, categories)
    assert numbers(petition_queue_for(actor=seoul_supervisor, view="team")) == [petition.number]


def test_only_officials_have_a_queue_and_views_are_known(petitioner, categories, bob):
    with pytest.raises(PermissionDenied):
        petition_queue_for(actor=petitioner, view="team")
    with pytest.raises(ValidationFailed):
        petition_queue_for(actor=bob, view="everything")


def test_overdue_petitions_are_escalated_to_the_supervisor_once(
    petitioner, categories, bob, jongno_admin, django_capture_on_commit_callbacks
):
    late = file_one(petitioner, categories)
    answered = file_one(petitioner, categories)
    services.petition_answer(actor=bob, petition=answered, answer="답변")
    later = timezone.now() + dt.timedelta(days=60)
    assert supervisor_for(late.agency) == jongno_admin
    with django_capture_on_commit_callbacks(execute=True):
        assert petitions_escalate_overdue(now=later) == 1
    escalation = escalations().get()
    assert escalation.case == late and escalation.supervisor == jongno_admin
    assert escalation.due_at == late.clock.due_at
    assert mail.outbox[-1].to == ["jin@jongno.go.kr"] and "/office/petitions/" in mail.outbox[-1].body
    assert petitions_escalate_overdue(now=later) == 0  # idempotent
    assert escalations().count() == 1
    assert late.events.filter(action="escalate").count() == 1


def test_a_new_due_date_missed_again_is_escalated_again(petitioner, categories, bob, jongno_admin):
    petition = file_one(petitioner, categories)
    petitions_escalate_overdue(now=timezone.now() + dt.timedelta(days=60))
    services.petition_extend(actor=bob, petition=petition, reason="현장 확인")  # before it actually ran out
    assert petitions_escalate_overdue(now=timezone.now() + dt.timedelta(days=90)) == 1
    assert escalations(petition).count() == 2


def test_without_an_administrator_in_the_agency_the_one_above_is_told(petitioner, categories, seoul):
    from tests import factories

    admin = factories.official("seoul.admin", seoul, roles=("agency_admin",))
    petition = file_one(petitioner, categories)
    petitions_escalate_overdue(now=timezone.now() + dt.timedelta(days=60))
    assert escalations(petition).get().supervisor == admin


def test_the_command_runs_the_sweep(petitioner, categories, jongno_admin, capsys):
    file_one(petitioner, categories)
    call_command("petitions_escalate")
    assert "0 petition(s) escalated" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_escalate_each_petition_once(postgres_only, petitioner, categories, jongno_admin):
    for _ in range(12):
        file_one(petitioner, categories)
    later = timezone.now() + dt.timedelta(days=60)
    counts, errors = [], []
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            counts.append(petitions_escalate_overdue(now=later))
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
    assert sum(counts) == 12 and escalations().count() == 12
    assert Petition.objects.exclude(case_reminders__kind="escalation").count() == 0


def test_queue_counts_match_the_queues(petitioner, categories, bob, bob2):
    """`petition_queue_count` counts open clocks instead of joining petitions: same numbers."""
    from egov.petitions.selectors import QUEUE_VIEWS, petition_queue_count

    first = file_one(petitioner, categories, code="road-jongno", kind="grievance")
    second = file_one(petitioner, categories, code="sanitation-jongno")
    answered = file_one(petitioner, categories)
    file_one(petitioner, categories, code="parking-gangnam")
    services.petition_assign(actor=bob, petition=first, assignee=bob)
    services.petition_assign(actor=bob, petition=second, assignee=bob2)
    services.petition_answer(actor=bob, petition=answered, answer="답변")
    for now in (None, timezone.now() + dt.timedelta(days=30), first.clock.due_at - dt.timedelta(hours=20)):
        for view in QUEUE_VIEWS:
            rows = petition_queue_for(actor=bob, view=view, now=now)
            assert petition_queue_count(actor=bob, view=view, now=now) == rows.count(), (view, now)
    assert petition_queue_count(actor=bob, view="team") == 2
    assert petition_queue_count(actor=bob, view="mine") == 1


def test_the_queue_page_is_paginated_with_the_total(petitioner, categories, bob, client, monkeypatch):
    from egov.petitions import views
    from tests.conftest import login_official

    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 2)
    filed = [file_one(petitioner, categories) for _ in range(3)]
    login_official(client, bob)
    first = client.get("/office/petitions/?view=team").content.decode()
    second = client.get("/office/petitions/?view=team&page=2").content.decode()
    assert first.count("/office/petitions/1AA") == 2 and second.count("/office/petitions/1AA") == 1
    assert 'data-testid="queue-count"' in first and "3" in first.split('data-testid="queue-count"')[1][:40]
    assert all(p.number in first + second for p in filed)
    assert 'rel="next"' in first and 'rel="prev"' in second
