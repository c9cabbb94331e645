"""An official refunds a whole paid order: refunds to the payer's account, out in pain.001."""

import pytest
from lxml import etree

from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.payments.gateways import CounterGateway
from egov.payments.models import PaymentOrder, Refund
from egov.payments.reconciliation import payment_order_refund, refund_file_create
from egov.payments.statements import statement_import
from tests import factories
from tests.conftest import login_official
from tests.payments.conftest import camt054, credit

pytestmark = pytest.mark.django_db
PAIN = "{urn:iso:std:iso:20022:tech:xsd:pain.001.001.09}"


@pytest.fixture
def paid_fine(fine):
    statement_import(
        actor=None, source="test",
        content=camt054([credit(fine, 40000, "R1", debtor="이서연", debtor_account="110222333444")]),
    )  # fmt: skip
    fine.refresh_from_db()
    assert fine.state == "paid"
    return fine


def test_bob_refunds_alices_paid_fine_and_it_leaves_in_the_next_pain001(paid_fine, bob):
    [refund] = payment_order_refund(actor=bob, order=paid_fine, reason="부과 취소 (charge annulled)")
    paid_fine.refresh_from_db()
    assert paid_fine.state == PaymentOrder.State.REFUNDED and paid_fine.paid_amount == 0
    assert refund.amount == 40000 and refund.order == paid_fine
    made = refund_file_create(actor=bob)
    root = etree.fromstring(bytes(made.xml))  # noqa: S320 - our own file
    assert root.findtext(f".//{PAIN}CdtrAcct/{PAIN}Id/{PAIN}Othr/{PAIN}Id") == "110222333444"
    with pytest.raises(Conflict):
        payment_order_refund(actor=bob, order=paid_fine, reason="again")
    assert Refund.objects.count() == 1


def test_an_open_order_or_another_agencys_or_a_counter_payment_is_refused(fine, bob, carol, jongno):
    with pytest.raises(Conflict):
        payment_order_refund(actor=bob, order=fine, reason="x")
    statement_import(
        actor=None, source="test", content=camt054([credit(fine, 40000, "R2", debtor_account="1102")])
    )
    fine.refresh_from_db()
    with pytest.raises(PermissionDenied):
        payment_order_refund(actor=carol, order=fine, reason="x")
    with pytest.raises(ValidationFailed):
        payment_order_refund(actor=bob, order=fine, reason=" ")
    counter = factories.official("clerk", jongno)
    other = type(fine).objects.create(
        payer=fine.payer,
        agency=jongno,
        purpose="수수료",
        amount=1000,
        due_date=fine.due_date,
        virtual_account="X1",
    )
    CounterGateway().confirm(actor=counter, order=other, amount=1000, reference="S-1")
    with pytest.raises(ValidationFailed) as refused:
        payment_order_refund(actor=bob, order=other, reason="x")
    assert refused.value.field == "order"


def test_the_refund_form_on_the_queue_page(client, paid_fine, bob):
    office = login_official(client, bob)
    assert "/office/payments/orders/refund" in office.get("/office/payments/").content.decode()
    response = office.post(
        "/office/payments/orders/refund",
        {"virtual_account": paid_fine.virtual_account_display, "reason": "부과 취소"},
    )
    assert response.status_code == 302
    paid_fine.refresh_from_db()
    assert paid_fine.state == "refunded"
    again = office.post(
        "/office/payments/orders/refund", {"virtual_account": paid_fine.virtual_account, "reason": "x"}
    )
    assert again.status_code == 400


__all__ = ["NotFound"]
