"""Cooperation (협조) by an official of another agency: Minji of Jongno-gu asks Taeyang of
Gangnam-gu's welfare division to cooperate on her notice; he signs it in turn with his own key
(issued to Gangnam), or returns it; nobody else of Gangnam sees it."""

import pytest
from django.test import Client

from egov.core.errors import Conflict, NotFound, ValidationFailed
from egov.edocs import selectors
from egov.edocs.services.approval import document_return, document_sign, document_submit
from tests.conftest import login_official
from tests.edocs.stepup import fresh, totp_code


@pytest.fixture
def with_gangnam(draft, junho, gangnam_officer, park):
    def with_gangnam(**overrides):
        return draft(line=[(junho, "review"), (gangnam_officer, "cooperate"), (park, "approve")], **overrides)

    return with_gangnam


def test_taeyang_of_gangnam_cooperates_in_turn_and_his_signature_verifies_with_gangnams_key(
    with_gangnam, minji, junho, gangnam_officer, park
):
    document = document_submit(actor=minji, step_up=fresh(minji), document=with_gangnam())
    assert list(selectors.document_list_for(actor=gangnam_officer, box="inbox")) == []
    with pytest.raises(Conflict) as early:
        document_sign(actor=gangnam_officer, step_up=fresh(gangnam_officer), document=document)
    assert early.value.code == "not_your_turn"
    document = document_sign(actor=junho, step_up=fresh(junho), document=document)
    assert list(selectors.document_list_for(actor=gangnam_officer, box="inbox")) == [document]
    assert selectors.document_get_for(actor=gangnam_officer, number=document.number) == document
    document = document_sign(
        actor=gangnam_officer, step_up=fresh(gangnam_officer), document=document, comment="협조합니다."
    )
    document = document_sign(actor=park, step_up=fresh(park), document=document)
    assert document.state == "approved"
    history = selectors.approval_history(document=document)
    assert [row["valid"] for row in history] == [True, True, True, True]
    cooperation = history[2]["step"]
    assert cooperation.role == "cooperate" and cooperation.department.agency.code == "3220000"
    assert cooperation.kid and cooperation.outcome == "approved"


def test_another_agencys_official_only_cooperates_never_reviews_or_approves(
    draft, junho, gangnam_officer, park
):
    for line in (
        [(gangnam_officer, "review"), (park, "approve")],
        [(junho, "review"), (gangnam_officer, "approve")],
    ):
        with pytest.raises(ValidationFailed) as refused:
            draft(line=line)
        assert refused.value.field == "approval_line"


def test_taeyang_returns_with_a_comment_and_minji_sees_it(with_gangnam, minji, junho, gangnam_officer):
    document = document_sign(
        actor=junho,
        step_up=fresh(junho),
        document=document_submit(actor=minji, step_up=fresh(minji), document=with_gangnam()),
    )
    document = document_return(actor=gangnam_officer, document=document, comment="예산 협의가 먼저입니다.")
    assert document.state == "returned"
    assert document.steps.get(order=2).comment == "예산 협의가 먼저입니다."


def test_a_colleague_of_taeyang_not_on_the_line_is_told_nothing(with_gangnam, minji, junho, gangnam_clerk):
    document = document_sign(
        actor=junho,
        step_up=fresh(junho),
        document=document_submit(actor=minji, step_up=fresh(minji), document=with_gangnam()),
    )
    with pytest.raises(NotFound):
        document_sign(actor=gangnam_clerk, step_up=fresh(gangnam_clerk), document=document)
    with pytest.raises(NotFound):
        selectors.document_get_for(actor=gangnam_clerk, number=document.number)


def test_the_draft_form_offers_other_agencies_cooperators_and_taeyang_signs_from_his_queue(
    client, minji, junho, soyeon, park, gangnam, gangnam_officer
):
    from egov.edocs.models import OfficialDocument

    login_official(client, minji)
    page = client.get("/office/edocs/new/").content.decode()
    assert "오태양" in page and "outside_cooperators" in page
    response = client.post(
        "/office/edocs/new/",
        {
            "kind": "notice",
            "title": "민원실 환경 개선 협조 요청",
            "content": "1. 협조를 요청합니다.",
            "recipient_agencies": [str(gangnam.pk)],
            "reviewers": [str(junho.pk)],
            "outside_cooperators": [str(gangnam_officer.pk)],
            "approver": str(park.pk),
            "disclosure": "public",
            "disclosure_ground": "",
        },
    )
    assert response.status_code == 302
    document = OfficialDocument.objects.get()
    assert [(s.official, s.role) for s in document.steps.order_by("order")][1:] == [
        (junho, "review"),
        (gangnam_officer, "cooperate"),
        (park, "approve"),
    ]
    document = document_sign(
        actor=junho,
        step_up=fresh(junho),
        document=document_submit(actor=minji, step_up=fresh(minji), document=document),
    )
    taeyang = login_official(Client(), gangnam_officer)
    assert document.title in taeyang.get("/office/edocs/").content.decode()
    page = taeyang.get(f"/office/edocs/documents/{document.number}/").content.decode()
    assert "서울특별시 강남구" in page
    url = f"/office/edocs/documents/{document.number}/sign"
    assert taeyang.post(url, {"otp_token": totp_code(gangnam_officer)}).status_code == 302
    document.refresh_from_db()
    assert document.current_order == 3
