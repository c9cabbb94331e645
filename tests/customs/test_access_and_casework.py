"""Who sees what, and the officials' case work: document requests, inspection with photos,
amended assessment, penalties, approval and rejection, the office's queue."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from egov.core.errors import NotFound, PermissionDenied, ValidationFailed
from egov.customs import selectors
from egov.customs.services import (
    declaration_approve,
    declaration_penalize,
    declaration_reassess,
    declaration_record_inspection,
    declaration_reject,
    declaration_request_documents,
    declaration_submit,
)
from egov.payments.services import payment_order_for_case
from tests.customs.conftest import laptops_export, tshirts

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _cn(**overrides):
    return tshirts(items=[{**tshirts()["items"][0], "origin": "CN"}], **overrides)


@pytest.fixture
def filed(customs, hana, hanbit, minho, jisoo, segye):
    """Hana's own declaration, one Minho's firm filed for 한빛상사, and Jisoo's export."""
    return {
        "own": declaration_submit(actor=hana, trader_brn=hanbit.brn, **tshirts()),
        "by_broker": declaration_submit(
            actor=minho, trader_brn=hanbit.brn, **_cn(declarant_reference="BR-1")
        ),
        "export": declaration_submit(actor=jisoo, trader_brn=segye.brn, **laptops_export()),
    }


def test_a_trader_sees_its_own_declarations_and_those_its_broker_filed_for_it(filed, hana):
    numbers = {d.number for d in selectors.declaration_list_for(actor=hana)}
    assert numbers == {filed["own"].number, filed["by_broker"].number}
    assert selectors.declaration_get_for(actor=hana, number=filed["by_broker"].number)


def test_a_broker_sees_what_it_filed_but_not_the_traders_own(filed, minho):
    numbers = {d.number for d in selectors.declaration_list_for(actor=minho)}
    assert numbers == {filed["by_broker"].number}
    with pytest.raises(NotFound):
        selectors.declaration_get_for(actor=minho, number=filed["own"].number)


def test_another_trader_never_sees_them(filed, jisoo, alice):
    with pytest.raises(NotFound):
        selectors.declaration_get_for(actor=jisoo, number=filed["own"].number)
    with pytest.raises(PermissionDenied):
        selectors.declaration_list_for(actor=alice)


def test_an_official_sees_only_their_office(filed, park, yoon, kang):
    assert {d.number for d in selectors.declaration_list_for(actor=park)} == {
        filed["own"].number,
        filed["by_broker"].number,
    }
    assert {d.number for d in selectors.declaration_list_for(actor=yoon)} == {filed["export"].number}
    with pytest.raises(NotFound):
        selectors.declaration_get_for(actor=yoon, number=filed["own"].number)
    assert len(selectors.declaration_list_for(actor=kang)) == 3  # the KCS, above every office


def test_the_office_queue_holds_what_waits_for_review(filed, park, yoon):
    assert [d.number for d in selectors.declaration_queue_for(actor=park)] == [filed["by_broker"].number]
    assert list(selectors.declaration_queue_for(actor=yoon)) == []


def test_review_with_a_document_request_an_amended_assessment_a_penalty_and_approval(filed, park, hana):
    declaration = filed["by_broker"]
    declaration = declaration_request_documents(
        actor=park, declaration=declaration, note="상업송장 원본을 제출하세요"
    )
    declaration = declaration_reassess(
        actor=park, declaration=declaration, items={"1": {"value": "6000.00"}}, reason="가격 경정"
    )
    assert declaration.customs_value == 8_400_000
    declaration = declaration_penalize(
        actor=park, declaration=declaration, amount=100_000, reason="과소신고 가산세"
    )
    declaration = declaration_approve(actor=park, declaration=declaration)
    assert declaration.state == "awaiting_payment"
    assert payment_order_for_case(declaration).amount == declaration.tax_total + 100_000
    assert [e.action for e in declaration.events.all()] == [
        "submit",
        "route_review",
        "request_documents",
        "reassess",
        "penalize",
        "approve",
        "charge",
    ]


def test_an_inspection_result_is_recorded_with_photos(customs, hana, hanbit, park):
    items = [{**tshirts()["items"][0], "value": "500.00"}]
    declaration = declaration_submit(
        actor=hana, trader_brn=hanbit.brn, **tshirts(items=items, invoice_amount="500")
    )
    assert declaration.state == "inspection"
    photo = SimpleUploadedFile("검사.png", PNG, content_type="image/png")
    declaration = declaration_record_inspection(
        actor=park, declaration=declaration, findings="수량 일치, 라벨 확인", photos=[photo]
    )
    assert declaration.files.get().purpose == "inspection_photo"
    assert "수량 일치" in declaration.findings
    declaration = declaration_reject(actor=park, declaration=declaration, reason="가격 자료 불충분")
    declaration.clock.refresh_from_db()
    assert declaration.state == "rejected" and declaration.clock.state == "closed"


def test_officials_of_another_office_or_without_the_role_cannot_act(filed, yoon, hana):
    with pytest.raises(NotFound):
        declaration_request_documents(actor=yoon, declaration=filed["by_broker"], note="x")
    with pytest.raises(PermissionDenied):
        declaration_approve(actor=hana, declaration=filed["by_broker"])


def test_a_penalty_is_whole_won(filed, park):
    with pytest.raises(ValidationFailed) as refused:
        declaration_penalize(actor=park, declaration=filed["by_broker"], amount=10.5, reason="x")
    assert refused.value.field == "amount"
