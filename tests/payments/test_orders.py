"""Payment orders, virtual accounts, receipts and the counter gateway."""

import pytest
from stdnum import luhn

from egov.core.errors import PermissionDenied, ValidationFailed
from egov.payments.gateways import CounterGateway, gateway
from egov.payments.services import due_date_for, payment_order_create, payment_receipts_issue_pending
from egov.payments.statements import statement_import
from egov.payments.virtual_accounts import virtual_account_clean
from tests.payments.conftest import camt054, credit

pytestmark = pytest.mark.django_db


def test_each_order_gets_its_own_virtual_account_with_a_luhn_check_digit(fine, payer, jongno):
    other = payment_order_create(actor=None, payer=payer, agency=jongno, purpose="수수료", amount=1000)
    assert fine.virtual_account != other.virtual_account
    assert len(fine.virtual_account) == 14 and fine.virtual_account.startswith("5620")
    assert luhn.is_valid(fine.virtual_account)
    assert virtual_account_clean(fine.virtual_account_display) == fine.virtual_account


def test_the_due_date_counts_business_days():
    import datetime as dt

    friday = dt.date(2026, 12, 4)
    assert due_date_for(1, today=friday) == dt.date(2026, 12, 7)  # Monday, the weekend skipped


@pytest.mark.parametrize("amount", [0, -5, 1.5, "abc", True, 10**13])
def test_an_amount_is_a_whole_positive_number_of_won(payer, jongno, amount):
    with pytest.raises(ValidationFailed) as refused:
        payment_order_create(actor=None, payer=payer, agency=jongno, purpose="수수료", amount=amount)
    assert refused.value.field == "amount"


def test_receipts_of_orders_a_statement_settled_are_issued_after_it(
    fine, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        statement_import(actor=None, content=camt054([credit(fine, 40000, "B1")]), source="test")
    assert len(callbacks) == 1  # the receipts task is enqueued after the commit
    fine.refresh_from_db()
    assert fine.receipt is None
    with django_capture_on_commit_callbacks(execute=True):
        assert payment_receipts_issue_pending() == 1
    fine.refresh_from_db()
    assert fine.receipt.doc_type == "payments.receipt"
    assert fine.receipt.subject_resident == fine.payer_resident
    assert payment_receipts_issue_pending() == 0
    assert [m.to for m in mailoutbox] == [["alice@example.kr"]]


def test_bob_records_a_card_payment_at_the_jongno_counter(fine, bob):
    assert isinstance(gateway(), CounterGateway)
    assert gateway().start(order=fine).kind == "counter"
    paid = gateway().confirm(actor=bob, order=fine, amount="40,000", reference="T-0001")
    assert paid.state == "paid" and paid.receipt is not None
    assert paid.bank_entries.get().channel == "counter"


def test_the_counter_takes_the_whole_amount_and_only_from_its_own_officials(fine, bob, dave):
    with pytest.raises(ValidationFailed) as refused:
        gateway().confirm(actor=bob, order=fine, amount=1000)
    assert refused.value.field == "amount"
    with pytest.raises(PermissionDenied):
        gateway().confirm(actor=dave, order=fine, amount=40000)
