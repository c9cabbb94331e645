"""The case kernel as civil applications use it: numbers without gaps when a filing is rolled
back, undeclared and not-allowed steps refused, and the officials' queue."""

import datetime as dt
import uuid

import pytest
from django.db import transaction
from django.utils import timezone

from egov.cases.selectors import case_queue_for
from egov.cases.services import case_lock_for, case_may_take, case_number_allocate
from egov.civil import selectors, services
from egov.civil.procedure import APPLICATION
from egov.core.errors import ValidationFailed
from egov.core.models import CaseClock
from tests import factories
from tests.civil import conftest as civil

# civil's fixtures: its catalogue, its citizen with an e-mail address, its data folder
nation, catalogue, citizen, civil_data_dir = (
    civil.nation,
    civil.catalogue,
    civil.citizen,
    civil.civil_data_dir,
)


def _neighbour(agency, n: int):
    """Another citizen: one person has one moving-in report open at a time."""
    return factories.citizen(f"neighbour{n}", factories.resident(agency, f"이웃{n}", f"Neighbour {n}"))


def _moving_in(citizen, catalogue, gangnam):
    data = {"agency": gangnam.code, "road_address": "서울특별시 강남구 테헤란로 152", "postal_code": "06236"}
    return services.application_submit(
        actor=citizen,
        service=catalogue["moving-in"],
        idempotency_key=uuid.uuid4().hex,
        data={**data, "moved_on": timezone.localdate().isoformat()},
    )


def test_a_number_taken_by_a_rolled_back_filing_is_given_again(db):
    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        abandoned = case_number_allocate(procedure=APPLICATION)
        raise Abandoned
    with transaction.atomic():
        assert case_number_allocate(procedure=APPLICATION) == abandoned
        assert case_number_allocate(procedure=APPLICATION).endswith("-00000002")


def test_an_application_refused_after_its_number_was_taken_leaves_no_gap(catalogue, citizen, gangnam):
    data = {"dog_name": "초코", "breed": "푸들", "chip_number": "410000000000001"}
    with pytest.raises(ValidationFailed):  # refused inside the transaction: consent missing
        services.application_submit(
            actor=citizen,
            service=catalogue["dog-registration"],
            idempotency_key=uuid.uuid4().hex,
            data=data,
        )
    application = _moving_in(citizen, catalogue, gangnam)
    assert application.number == f"{timezone.localdate():%Y%m%d}-00000001"


def test_a_number_of_the_old_random_kind_is_stepped_over(catalogue, citizen, gangnam):
    first = _moving_in(citizen, catalogue, gangnam)
    taken = f"{timezone.localdate():%Y%m%d}-00000002"
    first.__class__.objects.filter(pk=first.pk).update(number=taken)
    assert (
        _moving_in(_neighbour(gangnam, 1), catalogue, gangnam).number
        == f"{timezone.localdate():%Y%m%d}-00000003"
    )


def test_an_undeclared_step_is_refused(catalogue, citizen, gangnam, carol):
    application = _moving_in(citizen, catalogue, gangnam)
    with pytest.raises(LookupError), transaction.atomic():
        case_lock_for(actor=carol, case=application, action="appeal")


def test_who_may_take_which_step_follows_the_declaration(catalogue, citizen, gangnam, carol, dave, bob):
    application = _moving_in(citizen, catalogue, gangnam)
    assert case_may_take(carol, application, "review")
    assert case_may_take(carol, application, "reject")
    assert not case_may_take(carol, application, "supplement")  # the applicant's step
    assert not case_may_take(dave, application, "review")  # another agency
    assert not case_may_take(bob, application, "review")
    assert not case_may_take(citizen, application, "review")
    services.application_request_supplement(actor=carol, application=application, note="상세주소")
    application.refresh_from_db()
    assert case_may_take(citizen, application, "supplement")
    assert not case_may_take(carol, application, "review")


def test_the_queue_lists_open_applications_most_urgent_first_and_overdue_ones_while_running(
    catalogue, citizen, gangnam, carol, dave
):
    first = _moving_in(citizen, catalogue, gangnam)
    second = _moving_in(_neighbour(gangnam, 1), catalogue, gangnam)
    waiting = _moving_in(_neighbour(gangnam, 2), catalogue, gangnam)
    decided = _moving_in(_neighbour(gangnam, 3), catalogue, gangnam)
    past = timezone.now() - dt.timedelta(days=1)
    CaseClock.objects.filter(pk=second.clock_id).update(due_at=past)
    services.application_request_supplement(actor=carol, application=waiting, note="상세주소")
    CaseClock.objects.filter(pk=waiting.clock_id).update(due_at=past - dt.timedelta(days=1))
    services.application_approve(actor=carol, application=decided)
    team = list(case_queue_for(actor=carol, procedure=APPLICATION, view="team"))
    assert [a.pk for a in team] == [waiting.pk, second.pk, first.pk]
    assert [a.pk for a in selectors.application_queue_for(actor=carol, overdue_only=True)] == [
        second.pk
    ]  # waiting is paused
    assert [a.pk for a in selectors.application_queue_for(actor=carol, state="supplement_requested")] == [
        waiting.pk
    ]
    assert list(selectors.application_queue_for(actor=dave)) == []


@pytest.mark.django_db
def test_lock_free_numbers_never_take_a_serial_the_sequence_will_reach():
    """An instant certificate's random serial starts with 1–9; the year's sequence counts below
    10^(digits-1), so no certificate ever makes the sequence step over a number."""
    numbers = {case_number_allocate(procedure=APPLICATION, sequenced=False) for _ in range(200)}
    assert all(number.split("-")[1][0] != "0" for number in numbers)
