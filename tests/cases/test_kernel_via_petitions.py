"""The case kernel as petitions use it: numbers without gaps when a filing fails, refusals of
steps the procedure does not declare or does not allow, files removed when the transaction
fails, reminders and escalations once per due date."""

# The petitions tests' fixtures are imported below and named again as the tests' arguments.
# ruff: noqa: F811

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from egov.cases import services as case_services
from egov.cases.models import CaseAttachment, CaseEvent, CaseNumberCounter, CaseReminder
from egov.cases.services import case_lock_for, case_may_take, case_transition
from egov.cases.sweeps import case_escalations_send, case_reminders_send
from egov.core import files as core_files
from egov.core.errors import Conflict, NotFound, PermissionDenied
from egov.petitions import services
from egov.petitions.models import Petition
from egov.petitions.procedure import PETITION
from tests.petitions.conftest import (  # noqa: F401 - the petitions tests' fixtures
    PDF,
    categories,
    frank,
    jongno_admin,
    petitioner,
    petitions_data_dir,
)
from tests.petitions.test_services import file_one


def serial(petition: Petition) -> int:
    return int(petition.number.rsplit("-", 1)[1])


def test_petition_numbers_keep_their_shape_and_count_from_one_each_year(petitioner, categories):
    first, second = file_one(petitioner, categories), file_one(petitioner, categories)
    assert first.number == f"1AA-{timezone.localdate():%y%m}-0000001"
    assert serial(second) == 2
    counter = CaseNumberCounter.objects.get(procedure="petitions.petition")
    assert (counter.year, counter.last) == (timezone.localdate().year, 2)


def test_a_filing_that_fails_gives_its_number_back(petitioner, categories, monkeypatch):
    first = file_one(petitioner, categories)

    def broken(**kwargs):
        raise RuntimeError("audit store down")

    with monkeypatch.context() as patched:
        patched.setattr(case_services, "audit_record", broken)
        with pytest.raises(RuntimeError):
            file_one(petitioner, categories)
    assert serial(file_one(petitioner, categories)) == serial(first) + 1


def test_a_number_taken_before_the_kernel_is_stepped_over(petitioner, categories):
    old = file_one(petitioner, categories)
    taken = f"1AA-{timezone.localdate():%y%m}-0000002"  # a random number of the old format
    Petition.objects.filter(pk=old.pk).update(number=taken)
    CaseNumberCounter.objects.filter(procedure="petitions.petition").update(last=1)
    assert file_one(petitioner, categories).number.endswith("-0000003")


def test_files_written_by_a_filing_that_fails_are_removed(petitioner, categories, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(case_services, "audit_record", broken)
    upload = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    with pytest.raises(RuntimeError):
        file_one(petitioner, categories, attachments=[upload])
    folder = core_files.storage_dir(PETITION.attachment_folder)
    assert not CaseAttachment.objects.exists() and not any(folder.iterdir())
    assert not Petition.objects.exists() and not CaseEvent.objects.exists()


def test_a_step_the_procedure_does_not_declare_is_refused(petitioner, categories, bob):
    petition = file_one(petitioner, categories)
    with pytest.raises(LookupError):
        case_lock_for(actor=bob, case=petition, action="approve")
    with pytest.raises(LookupError):
        case_transition(actor=bob, case=petition, action="approve")
    assert [e.action for e in petition.events.all()] == ["file"]


def test_steps_are_taken_only_by_whom_the_procedure_names(petitioner, categories, bob, frank, carol):
    petition = file_one(petitioner, categories)
    with pytest.raises(PermissionDenied):  # a petitioner does not answer
        case_lock_for(actor=petitioner, case=petition, action="answer")
    with pytest.raises(NotFound):  # another citizen does not withdraw Alice's petition
        case_lock_for(actor=frank, case=petition, action="withdraw")
    with pytest.raises(NotFound):  # an official of another agency does not see it
        case_lock_for(actor=carol, case=petition, action="answer")
    with pytest.raises(PermissionDenied):  # the platform's own step
        case_lock_for(actor=bob, case=petition, action="escalate")
    assert case_may_take(bob, petition, "answer") and not case_may_take(bob, petition, "rate")
    assert case_may_take(petitioner, petition, "withdraw") and not case_may_take(frank, petition, "withdraw")


def test_a_step_the_state_does_not_allow_is_a_conflict(petitioner, categories, bob):
    petition = services.petition_start(actor=bob, petition=file_one(petitioner, categories))
    with pytest.raises(Conflict) as refused:
        services.petition_start(actor=bob, petition=petition)
    assert refused.value.code == "wrong_state"
    petition = services.petition_withdraw(actor=petitioner, petition=petition)
    with pytest.raises(Conflict) as refused:
        services.petition_answer(actor=bob, petition=petition, answer="답변")
    assert refused.value.code == "closed"


def test_reminders_and_escalations_come_once_per_due_date(petitioner, categories, bob, jongno_admin):
    petition = file_one(petitioner, categories, kind="grievance")
    due = petition.clock.due_at
    for _ in range(2):
        case_reminders_send(procedure=PETITION, now=due - dt.timedelta(hours=20))
        case_escalations_send(procedure=PETITION, now=due + dt.timedelta(hours=1))
    assert sorted(CaseReminder.objects.values_list("kind", "due_at")) == [
        ("escalation", due),
        ("reminder", due),
    ]
    services.petition_extend(actor=bob, petition=petition, reason="현장 확인")
    petition.refresh_from_db()
    assert case_escalations_send(procedure=PETITION, now=petition.clock.due_at + dt.timedelta(hours=1)) == 1
    assert petition.events.filter(action="escalate").count() == 2
