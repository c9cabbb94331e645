"""Deemed refusal: a request not decided by its due date is deemed refused by the sweep, once,
even when two workers run it at the same time; the requester may then object."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from egov.cases.models import CaseEvent
from egov.core.models import AuditEvent
from egov.disclosure import services
from egov.disclosure.deem import disclosure_deem_refusals
from egov.disclosure.models import DisclosureRequest
from tests.disclosure.test_services import request_one

LATER = dt.timedelta(days=40)


def test_an_undecided_request_is_deemed_refused_after_its_due_date(
    requester, jongno, django_capture_on_commit_callbacks
):
    request = request_one(requester, jongno)
    with django_capture_on_commit_callbacks(execute=True):
        assert disclosure_deem_refusals(now=timezone.now() + LATER) == 1
    request.refresh_from_db()
    assert (request.state, request.outcome) == ("deemed_refused", "deemed_refused")
    assert request.decided_at == request.clock.due_at and request.clock.state == "closed"
    assert "deemed refused" in mail.outbox[-1].body
    assert AuditEvent.objects.filter(action="disclosure.deem_refusal", object_id=str(request.pk)).count() == 1


def test_the_sweep_is_idempotent(requester, jongno):
    request_one(requester, jongno)
    later = timezone.now() + LATER
    assert disclosure_deem_refusals(now=later) == 1
    assert disclosure_deem_refusals(now=later) == 0
    assert CaseEvent.objects.filter(action="deem_refusal").count() == 1


def test_a_request_not_yet_due_or_already_decided_is_left_alone(requester, jongno, bob):
    waiting = request_one(requester, jongno)
    decided = services.request_decide(actor=bob, request=request_one(requester, jongno), outcome="full")
    assert disclosure_deem_refusals() == 0
    assert disclosure_deem_refusals(now=timezone.now() + LATER) == 1
    decided.refresh_from_db()
    waiting.refresh_from_db()
    assert decided.outcome == "full" and waiting.state == "deemed_refused"


def test_an_extended_request_is_deemed_refused_only_after_the_new_due_date(requester, jongno, bob):
    request = services.request_extend(actor=bob, request=request_one(requester, jongno), reason="검토")
    assert disclosure_deem_refusals(now=timezone.now() + dt.timedelta(days=16)) == 0
    assert disclosure_deem_refusals(now=timezone.now() + LATER) == 1
    request.refresh_from_db()
    assert request.state == "deemed_refused"


def test_the_requester_may_object_to_a_deemed_refusal(requester, jongno):
    request = request_one(requester, jongno)
    disclosure_deem_refusals(now=timezone.now() + LATER)
    request.refresh_from_db()
    assert (
        services.objection_file(actor=requester, request=request, reason="결정이 없었습니다").state
        == "received"
    )
    request.refresh_from_db()
    assert request.state == "objected"


def test_the_command_runs_the_sweep(requester, jongno, capsys):
    request_one(requester, jongno)
    call_command("disclosure_deem")
    assert "0 request(s) deemed refused" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_deem_each_request_once(postgres_only, requester, jongno):
    for _ in range(10):
        request_one(requester, jongno)
    later = timezone.now() + LATER
    counts, errors = [], []
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            counts.append(disclosure_deem_refusals(now=later))
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
    assert sum(counts) == 10
    assert DisclosureRequest.objects.filter(state="deemed_refused").count() == 10
    assert CaseEvent.objects.filter(action="deem_refusal").count() == 10
