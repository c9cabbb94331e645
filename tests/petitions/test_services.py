"""Petitions: filing with attachments, routing, the statutory clock, transfer, extension, answer,
rating and reopening; every refusal leaves nothing written."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from egov.cases import services as case_services
from egov.cases.models import CaseAttachment, CaseEvent
from egov.cases.services import case_file_path
from egov.core import files as core_files
from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.core.models import AuditEvent, CaseClock, ClockEvent
from egov.petitions import services
from egov.petitions.models import Petition
from tests.petitions.conftest import EXE, JPEG, PDF, PNG


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def file_one(actor, categories, kind="complaint", code="road-jongno", **kwargs):
    return services.petition_file(
        actor=actor,
        kind=kind,
        category=categories[code],
        title=kwargs.pop("title", "보도블록 파손"),
        body=kwargs.pop("body", "종로 1가 보도블록이 깨져 있습니다."),
        **kwargs,
    )


def nothing_written():
    return (
        Petition.objects.count() == 0
        and CaseClock.objects.count() == 0
        and CaseAttachment.objects.count() == 0
        and not AuditEvent.objects.filter(action__startswith="petition.").exists()
    )


# --- filing ---------------------------------------------------------------------------------


def test_a_complaint_goes_to_the_categorys_agency_with_its_clock_running(petitioner, categories, jongno):
    petition = file_one(petitioner, categories, attachments=[upload("사진.png", PNG), upload("a.pdf", PDF)])
    assert petition.agency == jongno and petition.state == "received"
    assert petition.clock.case_type == "petitions.complaint.suggestion" and petition.clock.agency == jongno
    assert petition.clock.length == 10 and petition.clock.unit == "business_days"
    assert [a.content_type for a in petition.files.all()] == ["image/png", "application/pdf"]
    stored = case_file_path(petition.files.first())
    assert stored.read_bytes() == PNG and stored.parent == core_files.storage_dir("petitions")
    assert petition.events.get().action == "file"
    assert AuditEvent.objects.filter(action="petition.file", object_id=str(petition.pk)).exists()


def test_filing_mails_the_petitioner_after_commit(petitioner, categories, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        petition = file_one(petitioner, categories)
    assert len(mail.outbox) == 1 and petition.number in mail.outbox[0].subject
    assert mail.outbox[0].to == ["alice@example.kr"]


def test_grievance_and_proposal_have_their_own_periods(petitioner, categories):
    grievance = file_one(petitioner, categories, kind="grievance")
    proposal = file_one(petitioner, categories, kind="proposal")
    assert grievance.clock.case_type == "petitions.grievance" and grievance.clock.length == 7
    assert proposal.clock.case_type == "petitions.proposal" and proposal.clock.length == 14


def test_a_short_complaint_period_counts_in_business_hours(petitioner, categories):
    petition = file_one(petitioner, categories, code="port-busan")
    assert petition.clock.unit == "business_hours" and petition.clock.length == 32


def test_a_business_representative_may_file(erin, categories):
    assert file_one(erin, categories).petitioner == erin


def test_an_official_may_not_file(bob, categories):
    with pytest.raises(PermissionDenied):
        file_one(bob, categories)
    assert nothing_written()


@pytest.mark.parametrize(
    "field, value",
    [
        ("title", ""),
        ("title", "   "),
        ("title", "x" * 201),
        ("body", ""),
        ("body", "y" * 4001),
        ("body", "a\x00b"),
    ],
)
def test_empty_or_oversized_text_is_refused_naming_the_field(petitioner, categories, field, value):
    with pytest.raises(ValidationFailed) as refused:
        file_one(petitioner, categories, **{field: value})
    assert refused.value.field == field
    assert nothing_written()


def test_unknown_kind_or_category_is_refused(petitioner, categories):
    with pytest.raises(ValidationFailed) as refused:
        file_one(petitioner, categories, kind="wish")
    assert refused.value.field == "kind"
    with pytest.raises(ValidationFailed) as refused:
        services.petition_file(actor=petitioner, kind="complaint", category="nope", title="t", body="b")
    assert refused.value.field == "category"
    assert nothing_written()


@pytest.mark.parametrize(
    "name, content, says",
    [
        ("scan.pdf", PNG, "named as another type"),  # a PNG disguised as a PDF
        ("invoice.pdf", EXE, "not a PDF, PNG or JPEG"),  # a program renamed
        ("setup.exe", EXE, "not a PDF, PNG or JPEG"),
        ("photo.png", JPEG, "named as another type"),
        ("empty.pdf", b"", "is empty"),
        ("notes.txt", b"hello", "not a PDF, PNG or JPEG"),
    ],
)
def test_unsupported_or_disguised_attachments_are_refused(petitioner, categories, name, content, says):
    with pytest.raises(ValidationFailed) as refused:
        file_one(petitioner, categories, attachments=[upload("ok.pdf", PDF), upload(name, content)])
    assert refused.value.field == "attachments" and says in refused.value.message
    assert nothing_written()
    stored = core_files.storage_dir("petitions")
    assert not stored.exists() or not any(stored.iterdir())


def test_an_oversized_attachment_is_refused(petitioner, categories, settings):
    settings.EGOV_PETITION_MAX_ATTACHMENT_BYTES = 1024
    with pytest.raises(ValidationFailed) as refused:
        file_one(petitioner, categories, attachments=[upload("big.pdf", PDF + b"0" * 2000)])
    assert refused.value.field == "attachments" and "larger than" in refused.value.message
    assert nothing_written()


def test_too_many_attachments_are_refused(petitioner, categories):
    with pytest.raises(ValidationFailed):
        file_one(petitioner, categories, attachments=[upload(f"{i}.pdf", PDF) for i in range(6)])
    assert nothing_written()


def test_a_failure_after_the_files_were_written_removes_them(petitioner, categories, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(case_services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        file_one(petitioner, categories, attachments=[upload("a.pdf", PDF)])
    assert nothing_written()
    assert not any(core_files.storage_dir("petitions").iterdir())


# --- officials --------------------------------------------------------------------------------


def test_assignment_and_reassignment_within_the_agency(petitioner, categories, bob, bob2, carol):
    petition = file_one(petitioner, categories)
    petition = services.petition_assign(actor=bob, petition=petition, assignee=bob)
    assert petition.state == "assigned" and petition.assignee == bob
    petition = services.petition_assign(actor=bob, petition=petition, assignee=bob2, note="휴가")
    assert petition.assignee == bob2
    assert [e.action for e in petition.events.all()] == ["file", "assign", "reassign"]
    with pytest.raises(ValidationFailed) as refused:
        services.petition_assign(actor=bob, petition=petition, assignee=carol)  # Gangnam-gu
    assert refused.value.field == "assignee"
    with pytest.raises(ValidationFailed):
        services.petition_assign(actor=bob, petition=petition, assignee=petitioner)


def test_an_official_of_another_agency_gets_not_found_and_nothing_changes(
    petitioner, categories, carol, dave
):
    petition = file_one(petitioner, categories)
    before = CaseEvent.objects.count(), ClockEvent.objects.count()
    for official in (carol, dave):
        with pytest.raises(NotFound):
            services.petition_answer(actor=official, petition=petition, answer="처리했습니다")
        with pytest.raises(NotFound):
            services.petition_extend(actor=official, petition=petition, reason="현장 확인")
        with pytest.raises(NotFound):
            services.petition_assign(actor=official, petition=petition, assignee=official)
        with pytest.raises(NotFound):
            services.petition_transfer(
                actor=official, petition=petition, to_agency=official.agency, reason="x"
            )
    petition.refresh_from_db()
    assert petition.state == "received" and (CaseEvent.objects.count(), ClockEvent.objects.count()) == before


def test_a_viewer_above_the_agency_may_read_but_not_act(petitioner, categories, seoul_supervisor):
    petition = file_one(petitioner, categories)
    with pytest.raises(PermissionDenied):
        services.petition_answer(actor=seoul_supervisor, petition=petition, answer="답변")


def test_transfer_restarts_the_clock_at_the_competent_agency(
    petitioner, categories, bob, gangnam, carol, django_capture_on_commit_callbacks
):
    petition = file_one(petitioner, categories)
    services.petition_assign(actor=bob, petition=petition, assignee=bob)
    with django_capture_on_commit_callbacks(execute=True):
        petition = services.petition_transfer(
            actor=bob, petition=petition, to_agency=gangnam, reason="강남구 관할 도로"
        )
    assert petition.agency == gangnam and petition.state == "transferred" and petition.assignee is None
    assert petition.clock.agency == gangnam
    assert ClockEvent.objects.filter(
        clock=petition.clock, kind="transfer", reason="강남구 관할 도로"
    ).exists()
    assert "강남구 관할 도로" in mail.outbox[-1].body
    with pytest.raises(NotFound):  # Bob no longer sees it
        services.petition_answer(actor=bob, petition=petition, answer="답변")
    services.petition_answer(actor=carol, petition=petition, answer="강남구가 보수했습니다.")


def test_transfer_needs_a_reason_and_another_agency(petitioner, categories, bob, jongno):
    petition = file_one(petitioner, categories)
    with pytest.raises(ValidationFailed) as refused:
        services.petition_transfer(actor=bob, petition=petition, to_agency=jongno, reason="이유")
    assert refused.value.field == "to_agency"
    with pytest.raises(ValidationFailed) as refused:
        services.petition_transfer(actor=bob, petition=petition, to_agency=None, reason="이유")
    assert refused.value.field == "to_agency"
    with pytest.raises(ValidationFailed) as refused:
        services.petition_transfer(actor=bob, petition=petition, to_agency=jongno.parent, reason=" ")
    assert refused.value.field == "reason"


def test_one_extension_with_reason_and_notice(
    petitioner, categories, bob, django_capture_on_commit_callbacks
):
    petition = file_one(petitioner, categories, kind="grievance")
    due = petition.clock.due_at
    with django_capture_on_commit_callbacks(execute=True):
        petition = services.petition_extend(actor=bob, petition=petition, reason="현장 확인 필요", days=3)
    assert petition.state == "extended" and petition.clock.due_at > due and petition.clock.extensions == 1
    notice = mail.outbox[-1]
    assert notice.to == ["alice@example.kr"] and "현장 확인 필요" in notice.body
    assert f"{timezone.localtime(petition.clock.due_at):%Y-%m-%d}" in notice.body
    with pytest.raises(Conflict):
        services.petition_extend(actor=bob, petition=petition, reason="또 연장")
    with pytest.raises(ValidationFailed) as refused:
        services.petition_extend(actor=bob, petition=file_one(petitioner, categories), reason="x", days=0)
    assert refused.value.field == "days"
    with pytest.raises(ValidationFailed) as refused:
        services.petition_extend(actor=bob, petition=petition, reason="")
    assert refused.value.field == "reason"


def test_answer_closes_the_clock_and_tells_the_petitioner(
    petitioner, categories, bob, django_capture_on_commit_callbacks
):
    petition = file_one(petitioner, categories)
    services.petition_start(actor=bob, petition=petition)
    with django_capture_on_commit_callbacks(execute=True):
        petition = services.petition_answer(actor=bob, petition=petition, answer="보수를 마쳤습니다.")
    assert petition.state == "answered" and petition.answered_at and petition.clock.state == "closed"
    assert petition.answered_by == bob and petition.assignee == bob
    assert "보수를 마쳤습니다." in mail.outbox[-1].body
    with pytest.raises(ValidationFailed) as refused:
        services.petition_answer(actor=bob, petition=file_one(petitioner, categories), answer="z" * 8001)
    assert refused.value.field == "answer"


def test_acting_on_an_answered_or_closed_case_is_a_conflict(petitioner, categories, bob, gangnam):
    petition = file_one(petitioner, categories)
    petition = services.petition_answer(actor=bob, petition=petition, answer="답변")
    petition = services.petition_rate(actor=petitioner, petition=petition, satisfaction=5)
    assert petition.state == "closed"
    before = CaseEvent.objects.count(), ClockEvent.objects.count()
    for act in (
        lambda: services.petition_answer(actor=bob, petition=petition, answer="다시"),
        lambda: services.petition_extend(actor=bob, petition=petition, reason="연장"),
        lambda: services.petition_transfer(actor=bob, petition=petition, to_agency=gangnam, reason="이송"),
        lambda: services.petition_assign(actor=bob, petition=petition, assignee=bob),
        lambda: services.petition_reopen(actor=petitioner, petition=petition, reason="불만"),
        lambda: services.petition_rate(actor=petitioner, petition=petition, satisfaction=1),
        lambda: services.petition_withdraw(actor=petitioner, petition=petition),
    ):
        with pytest.raises(Conflict):
            act()
    assert (CaseEvent.objects.count(), ClockEvent.objects.count()) == before


# --- the petitioner after the answer -----------------------------------------------------------


def test_rating_is_one_to_five_and_only_by_the_petitioner(petitioner, frank, categories, bob):
    petition = services.petition_answer(actor=bob, petition=file_one(petitioner, categories), answer="답변")
    for bad in (0, 6, "x", None):
        with pytest.raises(ValidationFailed) as refused:
            services.petition_rate(actor=petitioner, petition=petition, satisfaction=bad)
        assert refused.value.field == "satisfaction"
    with pytest.raises(NotFound):
        services.petition_rate(actor=frank, petition=petition, satisfaction=1)
    with pytest.raises(Conflict):  # not answered yet
        services.petition_rate(actor=petitioner, petition=file_one(petitioner, categories), satisfaction=3)


def test_an_unsatisfied_petitioner_reopens_within_the_window_on_a_new_clock(petitioner, categories, bob):
    petition = services.petition_answer(actor=bob, petition=file_one(petitioner, categories), answer="답변")
    first_clock = petition.clock
    petition = services.petition_rate(actor=petitioner, petition=petition, satisfaction=1)
    assert petition.state == "answered"
    petition = services.petition_reopen(actor=petitioner, petition=petition, reason="아직 파손되어 있습니다")
    assert (
        petition.state == "reopened" and petition.clock != first_clock and petition.clock.state == "running"
    )
    assert petition.clock.case_ref.endswith(":r1") and petition.satisfaction is None and petition.answer == ""
    first_clock.refresh_from_db()
    assert first_clock.state == "closed"
    petition = services.petition_answer(actor=bob, petition=petition, answer="재보수했습니다")
    with pytest.raises(Conflict):  # once only
        services.petition_reopen(actor=petitioner, petition=petition, reason="또")


def test_reopening_after_the_window_is_refused(petitioner, categories, bob, settings):
    settings.EGOV_PETITION_REOPEN_DAYS = 14
    petition = services.petition_answer(actor=bob, petition=file_one(petitioner, categories), answer="답변")
    Petition.objects.filter(pk=petition.pk).update(answered_at=timezone.now() - dt.timedelta(days=15))
    petition.refresh_from_db()
    with pytest.raises(Conflict) as refused:
        services.petition_reopen(actor=petitioner, petition=petition, reason="불만")
    assert refused.value.code == "expired"
    with pytest.raises(ValidationFailed) as refused:
        services.petition_reopen(actor=petitioner, petition=petition, reason="")
    assert refused.value.field == "reason"


def test_withdrawal_closes_an_open_petition(petitioner, frank, categories):
    petition = file_one(petitioner, categories)
    with pytest.raises(NotFound):
        services.petition_withdraw(actor=frank, petition=petition)
    petition = services.petition_withdraw(actor=petitioner, petition=petition, reason="해결됨")
    assert petition.state == "closed" and petition.clock.state == "closed"


def test_filing_twice_with_the_same_idempotency_key_files_one_petition(petitioner, categories):
    first = file_one(petitioner, categories, idempotency_key="form-0123456789")
    again = file_one(petitioner, categories, idempotency_key="form-0123456789", title="다시")
    assert again.pk == first.pk and Petition.objects.count() == 1 and CaseClock.objects.count() == 1
    assert file_one(petitioner, categories, idempotency_key="form-abcdefghij").pk != first.pk
    with pytest.raises(ValidationFailed):
        file_one(petitioner, categories, idempotency_key="bad key!")


@pytest.mark.django_db(transaction=True)
def test_the_same_key_at_the_same_moment_files_one_petition(petitioner, categories):
    """Two requests that both pass the look-up: the unique constraint keeps one, the other
    request gets it back instead of an error."""
    from unittest import mock

    first = file_one(petitioner, categories, idempotency_key="race-0123456789")
    real_filter = Petition.objects.filter
    calls = []

    def stale_lookup(*args, **kwargs):  # the first look-up misses, as if the other one was not committed
        calls.append(kwargs)
        if len(calls) == 1:
            return Petition.objects.none()
        return real_filter(*args, **kwargs)

    with mock.patch.object(Petition.objects, "filter", side_effect=stale_lookup):
        again = file_one(petitioner, categories, idempotency_key="race-0123456789")
    assert again.pk == first.pk and Petition.objects.count() == 1
