import datetime as dt

import pytest
from django.utils import timezone

from egov.cases.models import CaseEvent
from egov.core.audit import AuditEvent  # noqa: F401 - the kernel writes it
from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.edocs.models import ApprovalStep, DocumentKind, OfficialDocument, Substitute
from egov.edocs.services.approval import (
    document_post_approve,
    document_return,
    document_sign,
    document_submit,
    document_withdraw,
)
from egov.edocs.services.drafting import document_draft, document_edit, document_revise
from egov.edocs.signatures import official_signature_valid
from tests import factories
from tests.edocs.stepup import fresh


def _through_the_line(document, *officials):
    for official in officials:
        document = document_sign(actor=official, step_up=fresh(official), document=document)
    return document


def test_minji_drafts_a_document_with_its_line_and_attachment(draft, minji):
    document = draft()
    assert document.state == "draft" and document.drafter == minji
    assert [s.role for s in document.steps.order_by("order")] == ["draft", "review", "cooperate", "approve"]
    assert document.files.count() == 1
    assert CaseEvent.objects.filter(case_id=document.pk, action="draft").exists()


def test_the_line_signs_in_turn_and_the_director_approves_under_delegation(draft, minji, junho, soyeon, park):
    document = document_submit(actor=minji, step_up=fresh(minji), document=draft())
    document = _through_the_line(document, junho, soyeon, park)
    document.refresh_from_db()
    assert document.state == "approved"
    assert document.registration_number == "총무과-1"
    approver = document.steps.get(role="approve")
    assert approver.outcome == ApprovalStep.Outcome.DELEGATED
    for step in document.steps.all():
        assert official_signature_valid(
            agency_code="3000000",
            official_id=step.acted_by_id,
            kid=step.kid,
            text=step.signed,
            signature=step.signature,
        )
    assert [e.action for e in document.events.all()] == [
        "draft",
        "submit",
        "review",
        "cooperate",
        "approve_delegated",
    ]


def test_a_tampered_approval_signature_does_not_verify(draft, minji, junho, soyeon, park):
    document = _through_the_line(
        document_submit(actor=minji, step_up=fresh(minji), document=draft()), junho, soyeon, park
    )
    step = document.steps.get(role="review")
    assert not official_signature_valid(
        agency_code="3000000",
        official_id=junho.pk,
        kid=step.kid,
        text=step.signed.replace("review", "approve"),
        signature=step.signature,
    )


def test_registration_numbers_count_per_department_without_gaps(draft, minji, junho, soyeon, park):
    numbers = []
    for _ in range(3):
        document = _through_the_line(
            document_submit(actor=minji, step_up=fresh(minji), document=draft()), junho, soyeon, park
        )
        numbers.append(document.registration_number)
    assert numbers == ["총무과-1", "총무과-2", "총무과-3"]


def test_junho_cannot_sign_before_his_turn_comes_back_nor_park_before_his(draft, minji, junho, park):
    document = document_submit(actor=minji, step_up=fresh(minji), document=draft())
    with pytest.raises(Conflict) as refused:
        document_sign(actor=park, step_up=fresh(park), document=document)
    assert refused.value.code == "not_your_turn"
    document_sign(actor=junho, step_up=fresh(junho), document=document)
    with pytest.raises(Conflict):
        document_sign(actor=junho, step_up=fresh(junho), document=document)


def test_an_official_of_another_agency_is_told_the_document_does_not_exist(draft, minji, carol):
    document = document_submit(actor=minji, step_up=fresh(minji), document=draft())
    with pytest.raises(NotFound):
        document_sign(actor=carol, step_up=fresh(carol), document=document)


def test_a_colleague_of_the_department_not_on_the_line_may_not_sign(draft, minji, mayor):
    document = document_submit(actor=minji, step_up=fresh(minji), document=draft())
    with pytest.raises(PermissionDenied):
        document_sign(actor=mayor, step_up=fresh(mayor), document=document)


def test_an_official_of_another_department_not_on_the_line_is_told_nothing(draft, minji, finance):
    from tests.edocs.conftest import _post

    other = _post("gyeong", finance, 10, "주무관", "윤경")
    document = document_submit(actor=minji, step_up=fresh(minji), document=draft())
    with pytest.raises(NotFound):
        document_sign(actor=other, step_up=fresh(other), document=document)


def test_a_citizen_cannot_sign(draft, minji, alice):
    document = document_submit(actor=minji, step_up=fresh(minji), document=draft())
    with pytest.raises(PermissionDenied):
        document_sign(actor=alice, step_up=fresh(alice), document=document)


def test_a_budget_document_needs_the_head_of_the_agency(draft, minji, junho, park):
    document = draft(kind=DocumentKind.BUDGET, line=[(junho, "review"), (park, "approve")])
    with pytest.raises(ValidationFailed) as refused:
        document_submit(actor=minji, step_up=fresh(minji), document=document)
    assert refused.value.field == "approval_line"


def test_the_mayor_approves_a_budget_as_head_without_delegation(draft, minji, junho, mayor):
    document = draft(kind=DocumentKind.BUDGET, line=[(junho, "review"), (mayor, "approve")])
    document = _through_the_line(
        document_submit(actor=minji, step_up=fresh(minji), document=document), junho, mayor
    )
    assert document.steps.get(role="approve").outcome == ApprovalStep.Outcome.APPROVED
    assert document.events.last().action == "approve"


def test_park_returns_with_a_comment_and_minji_edits_and_submits_again(draft, minji, junho, soyeon, park):
    document = _through_the_line(
        document_submit(actor=minji, step_up=fresh(minji), document=draft()), junho, soyeon
    )
    with pytest.raises(ValidationFailed):
        document_return(actor=park, document=document, comment="")
    document = document_return(actor=park, document=document, comment="예산 근거를 보완하세요.")
    assert document.state == "returned"
    document = document_edit(
        actor=minji,
        document=document,
        title=document.title,
        content=document.content + "\n3. 예산: 500만원",
        line=[(junho, "review"), (park, "approve")],
        recipients=[r.agency for r in document.recipients.all()],
        kind=document.kind,
    )
    document = _through_the_line(
        document_submit(actor=minji, step_up=fresh(minji), document=document), junho, park
    )
    assert document.state == "approved"


def test_minji_withdraws_before_anyone_signs_but_not_after(draft, minji, junho):
    document = document_withdraw(
        actor=minji, document=document_submit(actor=minji, step_up=fresh(minji), document=draft())
    )
    assert document.state == "withdrawn"
    other = document_submit(actor=minji, step_up=fresh(minji), document=draft())
    document_sign(actor=junho, step_up=fresh(junho), document=other)
    with pytest.raises(Conflict) as refused:
        document_withdraw(actor=minji, document=other)
    assert refused.value.code == "signed"


def test_nobody_but_the_drafter_withdraws_or_submits(draft, junho):
    document = draft()
    with pytest.raises(NotFound):
        document_withdraw(actor=junho, document=document)
    with pytest.raises(NotFound):
        document_submit(actor=junho, step_up=fresh(junho), document=document)


def test_a_substitute_approves_and_the_director_post_approves(draft, minji, junho, soyeon, park, mayor):
    today = timezone.localdate()
    Substitute.objects.create(
        official=park, substitute=junho, starts_on=today, ends_on=today + dt.timedelta(days=2)
    )
    document = draft(line=[(soyeon, "cooperate"), (park, "approve")])
    document = _through_the_line(
        document_submit(actor=minji, step_up=fresh(minji), document=document), soyeon, junho
    )
    step = document.steps.get(role="approve")
    assert document.state == "approved" and step.outcome == "substituted" and step.acted_by == junho
    with pytest.raises(PermissionDenied):
        document_post_approve(actor=soyeon, step_up=fresh(soyeon), document=document)
    document_post_approve(actor=park, step_up=fresh(park), document=document)
    step.refresh_from_db()
    assert step.post_approved_at is not None and step.post_kid
    with pytest.raises(Conflict):
        document_post_approve(actor=park, step_up=fresh(park), document=document)


def test_an_expired_substitution_gives_no_turn(draft, minji, junho, soyeon, park):
    past = timezone.localdate() - dt.timedelta(days=10)
    Substitute.objects.create(official=park, substitute=junho, starts_on=past, ends_on=past)
    document = draft(line=[(soyeon, "cooperate"), (park, "approve")])
    document = _through_the_line(
        document_submit(actor=minji, step_up=fresh(minji), document=document), soyeon
    )
    with pytest.raises(PermissionDenied):  # of the department, not on the line, no longer substituting
        document_sign(actor=junho, step_up=fresh(junho), document=document)


def test_an_approved_document_is_never_edited_but_gets_a_new_version(draft, minji, junho, soyeon, park):
    document = _through_the_line(
        document_submit(actor=minji, step_up=fresh(minji), document=draft()), junho, soyeon, park
    )
    with pytest.raises(Conflict):
        document_edit(
            actor=minji,
            document=document,
            title="바뀐 제목",
            content="x",
            line=[(park, "approve")],
            recipients=[r.agency for r in document.recipients.all()],
            kind=document.kind,
        )
    revised = document_revise(
        actor=minji, document=document, title="바뀐 제목", content="수정본", line=[(park, "approve")]
    )
    assert revised.version == 2 and revised.supersedes == document and revised.files.count() == 1
    assert OfficialDocument.objects.get(pk=document.pk).title != "바뀐 제목"
    with pytest.raises(Conflict):
        document_revise(actor=minji, document=document, title="또", content="또", line=[(park, "approve")])


def test_the_line_is_checked_when_drafting(minji, junho, park, carol, draft):
    with pytest.raises(ValidationFailed):
        draft(line=[])
    with pytest.raises(ValidationFailed):
        draft(line=[(park, "approve"), (junho, "review")])
    with pytest.raises(ValidationFailed):
        draft(line=[(junho, "review"), (junho, "approve")])
    with pytest.raises(ValidationFailed):
        draft(line=[(carol, "approve")])  # of another agency, without a post
    with pytest.raises(ValidationFailed):
        draft(line=[(minji, "approve")])


def test_drafting_refuses_bad_input_naming_the_field(draft, minji, park):
    for overrides, field in (
        ({"title": ""}, "title"),
        ({"kind": "poetry"}, "kind"),
        ({"recipients": []}, "recipients"),
        ({"internal": True}, "recipients"),
        ({"disclosure": "closed"}, "disclosure_ground"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            draft(**overrides)
        assert refused.value.field == field


def test_an_official_without_a_post_cannot_draft(jongno, park):
    stranger = factories.official("stranger", jongno)
    with pytest.raises(PermissionDenied):
        document_draft(actor=stranger, title="t", content="c", line=[(park, "approve")], internal=True)


def test_an_internal_document_is_enforced_on_approval_with_its_signed_pdf(draft, minji, park):
    document = draft(internal=True, recipients=[], line=[(park, "approve")])
    document = _through_the_line(document_submit(actor=minji, step_up=fresh(minji), document=document), park)
    assert document.enforced_on == timezone.localdate()
    assert document.issued_document.doc_type == "edocs.official_document"


def test_the_document_page_names_the_substitute_by_title_and_name_not_login(
    client, draft, minji, junho, soyeon, park
):
    from tests.conftest import login_official

    today = timezone.localdate()
    Substitute.objects.create(
        official=park, substitute=junho, starts_on=today, ends_on=today + dt.timedelta(days=2)
    )
    document = draft(line=[(soyeon, "cooperate"), (park, "approve")])
    document = _through_the_line(
        document_submit(actor=minji, step_up=fresh(minji), document=document), soyeon, junho
    )
    login_official(client, minji)
    page = client.get(f"/office/edocs/documents/{document.number}/").content.decode()
    assert "총무팀장 이준호)" in page and junho.username not in page


def test_the_queue_never_shows_a_login_name_for_an_official_without_a_display_name(
    client, draft, minji, junho
):
    from egov.edocs.models import OfficialPost
    from tests.conftest import login_official

    document_submit(actor=minji, step_up=fresh(minji), document=draft())
    OfficialPost.objects.filter(official=minji).update(display_name="")
    login_official(client, junho)
    page = client.get("/office/edocs/").content.decode()
    assert minji.username not in page and "주무관" in page


@pytest.mark.parametrize(
    ("agency", "head"),
    [
        ("종로구", "종로구청장"),
        ("서울특별시 종로구", "서울특별시 종로구청장"),
        ("강남구", "강남구청장"),
        ("서울특별시", "서울특별시장"),
        ("부산광역시", "부산광역시장"),
        ("세종특별자치시", "세종특별자치시장"),
        ("제주특별자치도", "제주특별자치도지사"),
        ("경기도", "경기도지사"),
        ("수원시", "수원시장"),
        ("양평군", "양평군수"),
        ("행정안전부", "행정안전부장관"),
        ("인사혁신처", "인사혁신처장"),
        ("경찰청", "경찰청장"),
        ("서울특별시교육청", "서울특별시교육감"),
        ("개인정보보호위원회", "개인정보보호위원장"),
        ("감사원", "감사원장"),
    ],
)
def test_the_sender_line_is_the_title_of_the_agency_head(agency, head):
    from egov.edocs.services.issuing import agency_head_title

    assert agency_head_title(agency) == head


def test_the_issued_pdf_is_sent_in_the_name_of_the_head(draft, minji, junho, soyeon, park):
    from egov.edocs.services.issuing import document_payload

    document = _through_the_line(
        document_submit(actor=minji, step_up=fresh(minji), document=draft()), junho, soyeon, park
    )
    assert document.agency.name_ko == "서울특별시 종로구"
    assert document_payload(document)["sender"] == "서울특별시 종로구청장"
