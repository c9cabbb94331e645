"""The officials' reconciliation queue: match, refund (pain.001), resolve."""

import pytest
from lxml import etree

from egov.core.errors import NotFound, PermissionDenied, ValidationFailed
from egov.payments import iso20022
from egov.payments.models import PaymentOrder, Reconciliation, Refund
from egov.payments.reconciliation import (
    reconciliation_match,
    reconciliation_refund,
    reconciliation_resolve,
    refund_file_create,
)
from egov.payments.statements import statement_import
from tests.payments.conftest import camt054, credit

pytestmark = pytest.mark.django_db
PAIN = "{urn:iso:std:iso:20022:tech:xsd:pain.001.001.09}"


def _import(*credits):
    statement_import(actor=None, content=camt054(list(credits)), source="test")


def test_tess_matches_a_payment_into_a_mistyped_account_to_alices_order(
    fine, treasury, mailoutbox, django_capture_on_commit_callbacks
):
    _import(credit("56209999999995", 40000, "B1"))
    item = Reconciliation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        reconciliation_match(
            actor=treasury, item=item, virtual_account=fine.virtual_account_display, note="오타"
        )
    item.refresh_from_db()
    fine.refresh_from_db()
    assert item.resolution == "matched" and item.resolved_by == treasury
    assert fine.state == "paid" and fine.receipt is not None
    assert any("Payment received" in m.subject for m in mailoutbox)


def test_a_mistyped_account_number_is_refused_by_its_check_digit(fine, treasury):
    _import(credit("56209999999995", 40000, "B1"))
    wrong = fine.virtual_account[:-1] + str((int(fine.virtual_account[-1]) + 1) % 10)
    with pytest.raises(ValidationFailed) as refused:
        reconciliation_match(actor=treasury, item=Reconciliation.objects.get(), virtual_account=wrong)
    assert refused.value.field == "virtual_account"


def test_bob_in_jongno_does_not_see_the_ministrys_unknown_payments(fine, bob):
    _import(credit("56209999999995", 40000, "B1"))
    with pytest.raises(NotFound):
        reconciliation_resolve(actor=bob, item=Reconciliation.objects.get(), note="x")


def test_a_citizen_cannot_touch_the_queue(fine, payer, treasury):
    _import(credit("56209999999995", 40000, "B1"))
    with pytest.raises(PermissionDenied):
        reconciliation_resolve(actor=payer, item=Reconciliation.objects.get(), note="x")


def test_resolving_needs_a_note_and_happens_once(fine, treasury):
    _import(credit("56209999999995", 40000, "B1"))
    item = Reconciliation.objects.get()
    with pytest.raises(ValidationFailed) as refused:
        reconciliation_resolve(actor=treasury, item=item, note=" ")
    assert refused.value.field == "note"
    reconciliation_resolve(actor=treasury, item=item, note="창구에서 현금 반환")
    with pytest.raises(Exception, match="already"):
        reconciliation_resolve(actor=treasury, item=item, note="again")


def test_bob_refunds_alices_overpayment_and_the_bank_gets_a_pain_001(fine, bob):
    _import(credit(fine, 50000, "B1", debtor="이서연", debtor_account="110222333444", debtor_bank="004"))
    item = Reconciliation.objects.get(reason="overpaid")
    refund = reconciliation_refund(actor=bob, item=item, reason="초과 납부 환불")
    fine.refresh_from_db()
    assert refund.amount == 10000 and fine.state == "paid" and fine.paid_amount == 40000
    made = refund_file_create(actor=bob)
    assert refund_file_create(actor=bob) is None  # nothing left to send
    root = etree.fromstring(bytes(made.xml))
    assert iso20022._schema(iso20022.PAIN001).validate(root)
    header = root.find(f"{PAIN}CstmrCdtTrfInitn/{PAIN}GrpHdr")
    assert header.findtext(f"{PAIN}NbOfTxs") == "1" and header.findtext(f"{PAIN}CtrlSum") == "10000"
    tx = root.find(f"{PAIN}CstmrCdtTrfInitn/{PAIN}PmtInf/{PAIN}CdtTrfTxInf")
    assert tx.find(f"{PAIN}Amt/{PAIN}InstdAmt").get("Ccy") == "KRW"
    assert tx.findtext(f"{PAIN}Amt/{PAIN}InstdAmt") == "10000"
    assert tx.findtext(f"{PAIN}CdtrAcct/{PAIN}Id/{PAIN}Othr/{PAIN}Id") == "110222333444"
    assert tx.findtext(f"{PAIN}PmtId/{PAIN}EndToEndId") == refund.end_to_end_id
    assert Refund.objects.get().file == made


def test_a_partial_payment_refunded_reopens_the_order(fine, bob):
    _import(credit(fine, 15000, "B1", debtor_account="110222333444"))
    reconciliation_refund(actor=bob, item=Reconciliation.objects.get(), reason="납부자 요청")
    fine.refresh_from_db()
    assert fine.state == PaymentOrder.State.OPEN and fine.paid_amount == 0


def test_a_refund_without_the_payers_account_is_refused(fine, treasury):
    _import(credit("56209999999995", 7000, "B1"))
    with pytest.raises(ValidationFailed) as refused:
        reconciliation_refund(actor=treasury, item=Reconciliation.objects.get(), reason="환불")
    assert refused.value.field == "debtor_account"
