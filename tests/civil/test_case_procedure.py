"""A civil application as a case of the kernel: its numbers, its steps in the history (in
Korean), its audit events with their legal basis, its e-mails, and the refusals of steps the
procedure does not allow."""

import re
import uuid

import pytest
from django.core import mail
from django.utils import timezone

from egov.cases.models import CaseNumberCounter
from egov.cases.services import case_may_take
from egov.civil import services
from egov.core.errors import Conflict, NotFound, PermissionDenied
from egov.core.models import AuditEvent
from tests import factories
from tests.conftest import login_official

SHAPE = re.compile(r"^\d{8}-\d{8}$")


def key():
    return uuid.uuid4().hex


def _moving_in(citizen, catalogue, gangnam):
    return services.application_submit(
        actor=citizen, service=catalogue["moving-in"], idempotency_key=key(),
        data={"agency": gangnam.code, "road_address": "서울특별시 강남구 테헤란로 152", "postal_code": "06236",
              "moved_on": timezone.localdate().isoformat()},
    )  # fmt: skip


def test_applications_decided_by_officials_are_numbered_in_sequence_in_todays_shape(
    catalogue, citizen, gangnam, carol
):
    first = _moving_in(citizen, catalogue, gangnam)
    brian = factories.citizen("brian", factories.resident(gangnam, "최준호", "Choi Junho"))
    second = _moving_in(brian, catalogue, gangnam)
    other = factories.resident(gangnam, "박민수", "Park Minsu")
    counter = services.counter_application_record(
        actor=carol, service=catalogue["moving-in"], resident=other, idempotency_key=key(),
        data={"agency": gangnam.code, "road_address": "서울특별시 강남구 봉은사로 1", "postal_code": "06000",
              "moved_on": timezone.localdate().isoformat()},
    )  # fmt: skip
    today = f"{timezone.localdate():%Y%m%d}"
    assert [first.number, second.number, counter.number] == [
        f"{today}-00000001",
        f"{today}-00000002",
        f"{today}-00000003",
    ]
    assert CaseNumberCounter.objects.get(procedure="civil.application").last == 3


def test_an_instant_certificate_takes_a_random_number_without_the_counter(catalogue, citizen):
    issued = services.certificate_issue(
        consent=True, actor=citizen, service=catalogue["resident-abstract"], idempotency_key=key()
    )
    assert SHAPE.match(issued.number) and issued.number.startswith(f"{timezone.localdate():%Y%m%d}-")
    assert not CaseNumberCounter.objects.exists()  # no row lock was taken on the hot path
    assert [(e.action, e.state, e.note) for e in issued.events.all()] == [
        ("issue", "issued", issued.document.number_display)
    ]


def test_each_step_is_recorded_with_its_action_and_audited_under_its_legal_basis(
    catalogue, citizen, bob, jongno
):
    service = catalogue["childbirth-grant"]
    application = services.application_submit(
        actor=citizen, service=service, idempotency_key=key(),
        data={"child_name": "이하윤", "child_birth_date": "2026-11-01", "birth_order": "둘째", "bank_account": "국민 1"},
    )  # fmt: skip
    services.application_review(actor=bob, application=application)
    services.application_request_supplement(actor=bob, application=application, note="계좌를 확인해 주세요")
    services.application_supplement(actor=citizen, application=application, data={"bank_account": "국민 2"})
    services.application_approve(actor=bob, application=application)
    services.application_approve(actor=bob, application=application, note="지급")
    application.refresh_from_db()
    assert [(e.action, e.state) for e in application.events.all()] == [
        ("submit", "submitted"),
        ("review", "in_review"),
        ("request_supplement", "supplement_requested"),
        ("supplement", "in_review"),
        ("approve_step", "in_review"),
        ("approve_issue", "issued"),
    ]
    audit = AuditEvent.objects.filter(object_type="civil.application", object_id=str(application.pk))
    assert list(audit.order_by("id").values_list("action", flat=True)) == [
        "civil.submit",
        "civil.review",
        "civil.request_supplement",
        "civil.supplement",
        "civil.approve_step",
        "civil.approve_issue",
    ]
    decision = audit.get(action="civil.approve_issue")
    assert decision.before["state"] == "in_review" and decision.after["state"] == "issued"
    assert service.legal_basis in decision.legal_basis and "제27조" in decision.legal_basis
    assert "제22조" in audit.get(action="civil.request_supplement").legal_basis


def test_the_history_shows_people_korean_words_not_codes(
    catalogue, citizen, gangnam, carol, client, django_capture_on_commit_callbacks
):
    application = _moving_in(citizen, catalogue, gangnam)
    services.application_review(actor=carol, application=application)
    services.application_request_supplement(actor=carol, application=application, note="상세주소")
    client.force_login(citizen)
    client.cookies["django_language"] = "ko"
    page = client.get(f"/my/applications/{application.number}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    for words in (
        "<strong>신청</strong> · 접수",
        "<strong>검토 시작</strong> · 검토 중",
        "<strong>보완 요구</strong>: 상세주소",
    ):
        assert words in page
    assert "request_supplement" not in page.replace('data-action="request_supplement"', "")
    client.logout()
    login_official(client, carol)
    office = client.get(f"/office/civil/applications/{application.number}/", HTTP_ACCEPT_LANGUAGE="ko")
    assert "검토 시작" in office.content.decode()


def test_the_applicant_is_told_by_mail_what_became_of_the_application(
    catalogue, citizen, gangnam, carol, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = _moving_in(citizen, catalogue, gangnam)
        services.application_reject(actor=carol, application=application, reason="주소 불일치")
    submitted, rejected = mail.outbox
    assert submitted.to == ["alice@example.kr"]
    assert submitted.subject == f"[egov] 민원 {application.number}: 접수 / Submitted"
    assert rejected.subject == f"[egov] 민원 {application.number}: 반려 / Rejected"
    assert "전입신고" in rejected.body and f"신청번호 / Application: {application.number}" in rejected.body
    assert "주소 불일치" in rejected.body and f"/my/applications/{application.number}/" in rejected.body


def test_a_certificate_and_a_counter_application_send_no_mail(
    catalogue, citizen, gangnam, carol, django_capture_on_commit_callbacks
):
    other = factories.resident(gangnam, "박민수", "Park Minsu")
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_issue(
            consent=True, actor=citizen, service=catalogue["resident-abstract"], idempotency_key=key()
        )
        counter = services.counter_application_record(
            actor=carol, service=catalogue["moving-in"], resident=other, idempotency_key=key(),
            data={"agency": gangnam.code, "road_address": "서울특별시 강남구 봉은사로 1", "postal_code": "06000",
                  "moved_on": timezone.localdate().isoformat()},
        )  # fmt: skip
    assert mail.outbox == []
    assert [(e.action, e.actor) for e in counter.events.all()] == [("record", carol)]


def test_a_decided_application_refuses_every_further_step(catalogue, citizen, gangnam, carol):
    application = _moving_in(citizen, catalogue, gangnam)
    services.application_approve(actor=carol, application=application)
    application.refresh_from_db()
    for attempt in (
        lambda: services.application_review(actor=carol, application=application),
        lambda: services.application_request_supplement(actor=carol, application=application, note="x"),
        lambda: services.application_reject(actor=carol, application=application, reason="x"),
        lambda: services.application_approve(actor=carol, application=application),
    ):
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.code == "closed"
    assert not case_may_take(carol, application, "reject")


def test_a_step_from_the_wrong_state_is_refused(catalogue, citizen, gangnam, carol):
    application = _moving_in(citizen, catalogue, gangnam)
    with pytest.raises(Conflict) as refused:
        services.application_supplement(actor=citizen, application=application, data={})
    assert refused.value.code == "wrong_state"
    services.application_review(actor=carol, application=application)
    with pytest.raises(Conflict) as refused:
        services.application_review(actor=carol, application=application)
    assert refused.value.code == "wrong_state"


def test_only_the_applicant_supplements_and_only_a_registrar_rejects(
    catalogue, citizen, gangnam, carol, jongno
):
    application = _moving_in(citizen, catalogue, gangnam)
    services.application_request_supplement(actor=carol, application=application, note="상세주소")
    mallory = factories.citizen("mallory", factories.resident(jongno, "김민준", "Kim Minjun"))
    with pytest.raises(NotFound):
        services.application_supplement(actor=mallory, application=application, data={})
    with pytest.raises(NotFound):  # an official does not supplement for the applicant
        services.application_supplement(actor=carol, application=application, data={})
    application = _moving_in(mallory, catalogue, gangnam)
    viewer = factories.official("gina", gangnam, roles=("viewer",))
    with pytest.raises(PermissionDenied):
        services.application_reject(actor=viewer, application=application, reason="x")
    with pytest.raises(PermissionDenied):  # the approval step needs a registrar
        services.application_approve(actor=viewer, application=application)
    with pytest.raises(PermissionDenied):
        services.application_review(actor=mallory, application=application)
    application.refresh_from_db()
    assert application.state == "submitted" and application.events.count() == 1
