"""The case kernel as disclosure uses it: numbers without gaps when a filing is rolled back,
steps refused when they are undeclared or not the actor's, released files removed when their
transaction fails, reminders once per due date of each watched clock, and no escalation for a
procedure that declares none."""

import datetime as dt
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from egov.cases.models import CaseAttachment, CaseEvent, CaseReminder
from egov.cases.procedures import procedure_get, procedure_of
from egov.cases.services import case_lock_for, case_transition
from egov.cases.sweeps import cases_escalate_overdue, cases_remind_due
from egov.core import files as core_files
from egov.core.errors import NotFound, PermissionDenied
from egov.disclosure import services
from egov.disclosure.models import DisclosureRequest
from egov.disclosure.procedure import DISCLOSURE
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


def file_one(actor, agency) -> DisclosureRequest:
    return services.request_file(
        actor=actor, agency=agency, title="회의록", content="회의록 전부", release_form="electronic"
    )


def test_disclosure_is_found_by_its_code_and_by_its_model():
    assert procedure_get("disclosure.request") is DISCLOSURE
    assert procedure_of(DisclosureRequest) is DISCLOSURE
    assert DISCLOSURE.reminders and not DISCLOSURE.escalations


def test_a_rolled_back_filing_gives_its_number_back(alice, jongno):
    first = file_one(alice, jongno)
    prefix = f"DR-{timezone.localdate():%y%m}-"
    assert first.number == f"{prefix}0000001"
    with pytest.raises(RuntimeError), transaction.atomic():
        assert file_one(alice, jongno).number == f"{prefix}0000002"
        raise RuntimeError("the filing fails after its number was taken")
    assert file_one(alice, jongno).number == f"{prefix}0000002"


def test_a_number_of_the_old_random_kind_is_stepped_over(alice, jongno):
    first = file_one(alice, jongno)
    taken = first.number[:-7] + "0000002"
    DisclosureRequest.objects.filter(pk=first.pk).update(number=taken)  # as if filed before the kernel
    assert file_one(alice, jongno).number == first.number[:-7] + "0000003"


def test_an_undeclared_step_is_refused(alice, jongno):
    request = file_one(alice, jongno)
    with pytest.raises(LookupError), transaction.atomic():
        case_transition(actor=None, case=request, action="reopen")
    assert request.events.count() == 1


def test_a_step_that_is_not_the_actors_is_refused(alice, bob, carol, jongno, seoul_supervisor):
    request = file_one(alice, jongno)
    with transaction.atomic():
        with pytest.raises(PermissionDenied):
            case_lock_for(actor=alice, case=request, action="decide")  # the requester decides nothing
        with pytest.raises(NotFound):
            case_lock_for(actor=carol, case=request, action="decide")  # another agency's registrar
        with pytest.raises(PermissionDenied):
            case_lock_for(actor=seoul_supervisor, case=request, action="decide")  # a viewer
        with pytest.raises(PermissionDenied):
            case_lock_for(actor=bob, case=request, action="deem_refusal")  # the platform's step only
        with pytest.raises(NotFound):
            case_lock_for(actor=bob, case=request, action="object")  # only the requester objects
        assert case_lock_for(actor=bob, case=request, action="decide").pk == request.pk


def test_released_files_are_removed_when_their_transaction_fails(alice, bob, jongno):
    request = services.request_decide(actor=bob, request=file_one(alice, jongno), outcome="full")
    folder = core_files.storage_dir(DISCLOSURE.attachment_folder)
    with (
        mock.patch("egov.disclosure.services.case_transition", side_effect=RuntimeError("audit failed")),
        pytest.raises(RuntimeError),
    ):
        services.release_upload(actor=bob, request=request, uploads=[SimpleUploadedFile("a.pdf", PDF)])
    assert CaseAttachment.objects.count() == 0
    assert not folder.exists() or not any(folder.iterdir())
    assert not CaseEvent.objects.filter(action="release").exists()


def test_every_procedure_sweep_reminds_each_watched_due_date_once(alice, bob, jongno):
    request = services.request_decide(
        actor=bob, request=file_one(alice, jongno), outcome="refused", grounds="수사 중",
        exempt_categories=["4"],
    )  # fmt: skip
    objection = services.objection_file(actor=alice, request=request, reason="수사 종결")
    soon = objection.clock.due_at - dt.timedelta(hours=20)
    assert cases_remind_due(now=soon) == 1
    assert cases_remind_due(now=soon) == 0
    assert list(CaseReminder.objects.values_list("watch", "due_at")) == [
        ("objection", objection.clock.due_at)
    ]


def test_an_overdue_request_is_deemed_refused_but_never_escalated(alice, jongno):
    factories.official("ada", jongno, roles=("agency_admin",))
    request = file_one(alice, jongno)
    assert cases_escalate_overdue(now=request.clock.due_at + dt.timedelta(days=1)) == 0
    assert not CaseEvent.objects.filter(action="escalate").exists()
    assert not CaseReminder.objects.exists()
