"""Information disclosure: the request, its 10-business-day clock, one extension, the decision
with grounds (full, partial with withheld parts, non-disclosure citing exempt categories), the
objection and its decision, released files; every refusal leaves nothing written."""

import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from egov.cases.models import CaseAttachment
from egov.cases.services import case_file_path
from egov.core import files as core_files
from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.core.models import AuditEvent, CaseClock
from egov.disclosure import services
from egov.disclosure.models import DisclosureRequest, Objection, WithheldPart
from tests import factories
from tests.disclosure.conftest import EXE, PDF, PNG

SEOUL = ZoneInfo("Asia/Seoul")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def request_one(actor, agency, **kwargs) -> DisclosureRequest:
    return services.request_file(
        actor=actor,
        agency=agency,
        title=kwargs.pop("title", "도로공사 심의위원회 회의록"),
        content=kwargs.pop("content", "2025년 종로구 도로공사 심의위원회 회의록 전부"),
        release_form=kwargs.pop("release_form", "electronic"),
    )


def refuse(official, request) -> DisclosureRequest:
    return services.request_decide(
        actor=official, request=request, outcome="refused", grounds="수사 중인 사안", exempt_categories=["4"]
    )


# --- the request and its clock ----------------------------------------------------------------


def test_a_request_goes_to_the_agency_with_a_ten_business_day_clock(requester, jongno):
    request = request_one(requester, jongno)
    assert request.state == "received" and request.agency == jongno and request.number.startswith("DR-")
    assert request.clock.case_type == "disclosure.request" and request.clock.agency == jongno
    assert request.clock.unit == "business_days" and request.clock.length == 10
    assert request.events.get().action == "file"
    assert AuditEvent.objects.filter(action="disclosure.file", object_id=str(request.pk)).exists()


def test_ten_business_days_are_counted_across_chuseok(requester, jongno):
    # Received Monday 2025-09-29: 개천절 (10-03), 추석 (10-05..07), its substitute (10-08) and
    # 한글날 (10-09) are not counted, nor the weekends: the 10th business day is Friday 10-17.
    received = dt.datetime(2025, 9, 29, 10, 0, tzinfo=SEOUL)
    with mock.patch("django.utils.timezone.now", return_value=received):
        request = request_one(requester, jongno)
    due = timezone.localtime(request.clock.due_at, SEOUL)
    assert due.date() == dt.date(2025, 10, 17) and (due.hour, due.minute) == (23, 59)


def test_filing_mails_the_requester_after_commit(requester, jongno, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = request_one(requester, jongno)
    assert len(mail.outbox) == 1 and request.number in mail.outbox[0].subject
    assert mail.outbox[0].to == ["alice@example.kr"]


def nothing_written():
    return (
        DisclosureRequest.objects.count() == 0
        and CaseClock.objects.count() == 0
        and not AuditEvent.objects.filter(action__startswith="disclosure.").exists()
    )


@pytest.mark.parametrize(
    "field, value",
    [
        ("title", ""),
        ("title", "x" * 201),
        ("content", "   "),
        ("content", "y" * 4001),
        ("content", "a\x00b"),
        ("release_form", "fax"),
        ("agency", "9999999"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(requester, jongno, field, value):
    kwargs = {field: value}
    agency = kwargs.pop("agency", jongno)
    with pytest.raises(ValidationFailed) as refused:
        request_one(requester, agency, **kwargs)
    assert refused.value.field == field
    assert nothing_written()


def test_an_official_may_not_make_a_request(bob, jongno):
    with pytest.raises(PermissionDenied):
        request_one(bob, jongno)
    assert nothing_written()


# --- extension --------------------------------------------------------------------------------


def test_the_period_is_extended_once_by_ten_business_days_with_notice(
    requester, jongno, bob, django_capture_on_commit_callbacks
):
    request = request_one(requester, jongno)
    before = request.clock.due_at
    with django_capture_on_commit_callbacks(execute=True):
        request = services.request_extend(actor=bob, request=request, reason="제3자 의견 청취")
    assert request.state == "extended" and request.clock.extensions == 1
    from egov.core import deadlines

    assert deadlines.business_days_between(before, request.clock.due_at) == 11  # both ends counted
    assert "제3자 의견 청취" in mail.outbox[
        -1
    ].body and f"{timezone.localtime(request.clock.due_at):%Y-%m-%d}" in (mail.outbox[-1].body)
    with pytest.raises(Conflict) as refused:
        services.request_extend(actor=bob, request=request, reason="또")
    assert refused.value.code == "extension_limit"


def test_an_extension_needs_a_reason(requester, jongno, bob):
    request = request_one(requester, jongno)
    with pytest.raises(ValidationFailed) as refused:
        services.request_extend(actor=bob, request=request, reason=" ")
    assert refused.value.field == "reason"
    request.refresh_from_db()
    assert request.state == "received" and request.clock.extensions == 0


# --- decisions --------------------------------------------------------------------------------


def test_a_full_disclosure_closes_the_clock_and_tells_the_requester(
    requester, jongno, bob, django_capture_on_commit_callbacks
):
    request = request_one(requester, jongno)
    with django_capture_on_commit_callbacks(execute=True):
        request = services.request_decide(actor=bob, request=request, outcome="full")
    assert (request.state, request.outcome) == ("decided", "full")
    assert request.clock.state == "closed" and request.decided_at == request.clock.closed_at
    assert request.decided_by == bob and mail.outbox[-1].to == ["alice@example.kr"]


def test_a_partial_disclosure_names_each_withheld_part_with_its_exempt_category(requester, jongno, bob):
    request = request_one(requester, jongno)
    request = services.request_decide(
        actor=bob,
        request=request,
        outcome="partial",
        grounds="개인정보가 포함된 부분은 제외하고 공개합니다.",
        withheld_parts=[{"category": "6", "description": "위원 연락처"}, ("7", "업체 견적 단가")],
    )
    assert request.outcome == "partial" and request.exempt_categories == ["6", "7"]
    assert list(WithheldPart.objects.values_list("category", "description")) == [
        ("6", "위원 연락처"),
        ("7", "업체 견적 단가"),
    ]


@pytest.mark.parametrize(
    "parts",
    [
        [],
        [{"category": "9", "description": "위원 연락처"}],
        [{"category": "", "description": "위원 연락처"}],
        [{"category": "6", "description": "  "}],
        ["6"],
    ],
)
def test_a_partial_disclosure_without_proper_withheld_parts_is_refused(requester, jongno, bob, parts):
    request = request_one(requester, jongno)
    with pytest.raises(ValidationFailed) as refused:
        services.request_decide(
            actor=bob, request=request, outcome="partial", grounds="g", withheld_parts=parts
        )
    assert refused.value.field == "withheld_parts"
    request.refresh_from_db()
    assert request.state == "received" and request.clock.state == "running"
    assert WithheldPart.objects.count() == 0


def test_a_non_disclosure_cites_its_exempt_categories(requester, jongno, bob):
    request = refuse(bob, request_one(requester, jongno))
    assert (request.state, request.outcome, request.exempt_categories) == ("decided", "refused", ["4"])
    assert "제4호" in request.exempt_category_labels()[0]


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"outcome": "refused", "grounds": "g"}, "exempt_categories"),
        ({"outcome": "refused", "grounds": "g", "exempt_categories": ["0"]}, "exempt_categories"),
        ({"outcome": "refused", "grounds": "", "exempt_categories": ["4"]}, "grounds"),
        ({"outcome": "partial", "grounds": "", "withheld_parts": [("6", "연락처")]}, "grounds"),
        ({"outcome": "full", "withheld_parts": [("6", "연락처")]}, "withheld_parts"),
        ({"outcome": "maybe"}, "outcome"),
    ],
)
def test_a_decision_without_its_grounds_is_refused_naming_the_field(requester, jongno, bob, kwargs, field):
    request = request_one(requester, jongno)
    with pytest.raises(ValidationFailed) as refused:
        services.request_decide(actor=bob, request=request, **kwargs)
    assert refused.value.field == field
    request.refresh_from_db()
    assert request.state == "received" and request.clock.state == "running"


def test_a_decided_request_cannot_be_decided_or_extended_again(requester, jongno, bob):
    request = services.request_decide(actor=bob, request=request_one(requester, jongno), outcome="full")
    with pytest.raises(Conflict):
        refuse(bob, request)
    with pytest.raises(Conflict):
        services.request_extend(actor=bob, request=request, reason="r")


def test_another_agencys_official_gets_not_found(requester, jongno, carol, dave):
    request = request_one(requester, jongno)
    for official in (carol, dave):
        with pytest.raises(NotFound):
            services.request_decide(actor=official, request=request, outcome="full")
        with pytest.raises(NotFound):
            services.request_extend(actor=official, request=request, reason="r")
    request.refresh_from_db()
    assert request.state == "received"


def test_a_viewer_may_not_decide(requester, jongno, seoul_supervisor):
    request = request_one(requester, jongno)
    with pytest.raises(PermissionDenied):
        services.request_decide(actor=seoul_supervisor, request=request, outcome="full")


# --- objection --------------------------------------------------------------------------------


def test_the_requester_objects_to_a_non_disclosure_on_a_seven_day_clock(
    requester, jongno, bob, django_capture_on_commit_callbacks
):
    request = refuse(bob, request_one(requester, jongno))
    with django_capture_on_commit_callbacks(execute=True):
        objection = services.objection_file(actor=requester, request=request, reason="수사가 끝났습니다")
    request.refresh_from_db()
    assert request.state == "objected" and objection.state == "received"
    assert objection.clock.case_type == "disclosure.objection" and objection.clock.length == 7
    assert objection.clock.agency == jongno and len(mail.outbox) == 1
    assert request.number in mail.outbox[0].subject


def test_an_objection_is_made_within_thirty_days(requester, jongno, bob):
    request = refuse(bob, request_one(requester, jongno))
    DisclosureRequest.objects.filter(pk=request.pk).update(decided_at=timezone.now() - dt.timedelta(days=31))
    request.refresh_from_db()
    with pytest.raises(Conflict) as refused:
        services.objection_file(actor=requester, request=request, reason="늦었지만")
    assert refused.value.code == "expired" and Objection.objects.count() == 0
    DisclosureRequest.objects.filter(pk=request.pk).update(decided_at=timezone.now() - dt.timedelta(days=29))
    request.refresh_from_db()
    assert services.objection_file(actor=requester, request=request, reason="기한 안").state == "received"


def test_no_objection_to_a_full_disclosure_nor_a_second_one(requester, jongno, bob):
    full = services.request_decide(actor=bob, request=request_one(requester, jongno), outcome="full")
    with pytest.raises(Conflict):
        services.objection_file(actor=requester, request=full, reason="r")
    refused = refuse(bob, request_one(requester, jongno))
    services.objection_file(actor=requester, request=refused, reason="r")
    with pytest.raises(Conflict):
        services.objection_file(actor=requester, request=refused, reason="r again")
    assert Objection.objects.count() == 1


def test_an_open_request_cannot_be_objected_to(requester, jongno):
    with pytest.raises(Conflict):
        services.objection_file(actor=requester, request=request_one(requester, jongno), reason="r")


def test_someone_else_cannot_object(requester, frank, jongno, bob):
    request = refuse(bob, request_one(requester, jongno))
    with pytest.raises(NotFound):
        services.objection_file(actor=frank, request=request, reason="r")


def test_an_accepted_objection_lets_the_official_release_files(requester, jongno, bob):
    request = refuse(bob, request_one(requester, jongno))
    services.objection_file(actor=requester, request=request, reason="수사 종결")
    with pytest.raises(Conflict):
        services.release_upload(actor=bob, request=request, uploads=[upload("회의록.pdf", PDF)])
    objection = services.objection_extend(actor=bob, request=request, reason="검토 필요")
    assert objection.state == "extended" and objection.clock.extensions == 1
    with pytest.raises(Conflict):
        services.objection_extend(actor=bob, request=request, reason="또")
    objection = services.objection_decide(actor=bob, request=request, outcome="accepted", grounds="종결됨")
    request.refresh_from_db()
    assert (objection.state, objection.outcome) == (
        "decided",
        "accepted",
    ) and objection.clock.state == "closed"
    assert request.state == "objection_decided"
    assert len(services.release_upload(actor=bob, request=request, uploads=[upload("회의록.pdf", PDF)])) == 1
    with pytest.raises(Conflict):
        services.objection_decide(actor=bob, request=request, outcome="dismissed", grounds="g")


def test_a_dismissed_objection_releases_nothing(requester, jongno, bob, carol):
    request = refuse(bob, request_one(requester, jongno))
    services.objection_file(actor=requester, request=request, reason="r")
    with pytest.raises(NotFound):
        services.objection_decide(actor=carol, request=request, outcome="accepted", grounds="g")
    with pytest.raises(ValidationFailed) as refused:
        services.objection_decide(actor=bob, request=request, outcome="accepted", grounds="")
    assert refused.value.field == "grounds"
    services.objection_decide(actor=bob, request=request, outcome="dismissed", grounds="여전히 수사 중")
    with pytest.raises(Conflict):
        services.release_upload(actor=bob, request=request, uploads=[upload("a.pdf", PDF)])


# --- released files ---------------------------------------------------------------------------


def test_released_files_are_stored_outside_the_web_root(requester, jongno, bob):
    request = services.request_decide(actor=bob, request=request_one(requester, jongno), outcome="full")
    [released] = services.release_upload(actor=bob, request=request, uploads=[upload("회의록.pdf", PDF)])
    assert released.content_type == "application/pdf" and released.uploaded_by == bob
    stored = case_file_path(released)
    assert stored.read_bytes() == PDF and stored.parent == core_files.storage_dir("disclosure")


@pytest.mark.parametrize(
    "name, content", [("scan.pdf", PNG), ("minutes.pdf", EXE), ("setup.exe", EXE), ("empty.pdf", b"")]
)
def test_a_disguised_file_is_refused_and_nothing_is_kept(requester, jongno, bob, name, content):
    request = services.request_decide(actor=bob, request=request_one(requester, jongno), outcome="full")
    with pytest.raises(ValidationFailed) as refused:
        services.release_upload(
            actor=bob, request=request, uploads=[upload("ok.pdf", PDF), upload(name, content)]
        )
    assert refused.value.field == "files"
    assert CaseAttachment.objects.count() == 0
    folder = core_files.storage_dir("disclosure")
    assert not folder.exists() or not any(folder.iterdir())


def test_no_release_before_a_decision_or_after_a_refusal_or_by_another_agency(requester, jongno, bob, carol):
    request = request_one(requester, jongno)
    with pytest.raises(Conflict):
        services.release_upload(actor=bob, request=request, uploads=[upload("a.pdf", PDF)])
    request = refuse(bob, request)
    with pytest.raises(Conflict):
        services.release_upload(actor=bob, request=request, uploads=[upload("a.pdf", PDF)])
    full = services.request_decide(actor=bob, request=request_one(requester, jongno), outcome="full")
    with pytest.raises(NotFound):
        services.release_upload(actor=carol, request=full, uploads=[upload("a.pdf", PDF)])
    assert CaseAttachment.objects.count() == 0


def test_an_official_above_the_agency_may_act(requester, jongno, seoul):
    seoul_registrar = factories.official("seo", seoul)
    request = request_one(requester, jongno)
    assert services.request_decide(actor=seoul_registrar, request=request, outcome="full").outcome == "full"
