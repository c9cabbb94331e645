"""VAT returns: pre-filled from the period's e-tax invoices, filed, paid or refunded."""

import datetime as dt

import pytest

from egov.core.errors import NotFound, ValidationFailed
from egov.payments.gateways import CounterGateway
from egov.payments.models import PaymentOrder
from egov.tax import selectors
from egov.tax.services.invoices import tax_invoice_issue
from egov.tax.services.vat import (
    penalty_for,
    period_due_date,
    vat_return_file,
    vat_return_prepare,
    vat_return_refund,
)
from tests.tax.conftest import invoice_data

pytestmark = pytest.mark.django_db
TODAY = dt.date(2027, 1, 10)


@pytest.fixture
def trade(hana, hanbit, daon, minsu):
    """한빛상사 sold 3,000,000 won to 다온유통 and bought 500,000 won from it in 2026-2."""
    for n, supply in enumerate((1_000_000, 2_000_000)):
        tax_invoice_issue(actor=hana, issuer=hanbit, data=invoice_data(daon, f"S-{n}", supply=supply))
    tax_invoice_issue(actor=minsu, issuer=daon, data=invoice_data(hanbit, "P-1", supply=500_000))
    tax_invoice_issue(
        actor=hana, issuer=hanbit, data=invoice_data(daon, "OLD", supply=7_000, write_date="2026-03-02")
    )


def test_the_prefill_adds_up_sales_and_purchases_of_the_period(trade, hanbit):
    figures = selectors.vat_prefill(business=hanbit, period="2026-2")
    assert figures == {
        "sales_supply": 3_000_000, "sales_tax": 300_000, "sales_count": 2,
        "purchase_supply": 500_000, "purchase_tax": 50_000, "purchase_count": 1,
    }  # fmt: skip


def test_hana_files_with_card_sales_pays_at_the_counter_and_the_return_is_settled(
    trade, hana, hanbit, jongno_office, tom
):
    draft = vat_return_prepare(actor=hana, business=hanbit, period="2026-2", today=TODAY)
    assert draft.state == "draft" and draft.sales_tax == 300_000
    filed = vat_return_file(
        actor=hana, vat_return=draft, other_sales_supply="200,000", other_sales_tax=20_000, today=TODAY
    )
    assert filed.state == "filed" and filed.number.startswith("VAT-")
    assert filed.payable == 300_000 + 20_000 - 50_000 and filed.penalty == 0
    order = PaymentOrder.objects.get(pk=filed.payment_order_id)
    assert order.amount == 270_000 and order.agency == jongno_office.agency and order.payer_business == hanbit
    CounterGateway().confirm(actor=tom, order=order, amount=270_000, reference="SLIP-1")  # paid at the office
    filed.refresh_from_db()
    assert filed.state == "settled"


def test_a_late_return_carries_the_documented_penalties(trade, hana, hanbit):
    draft = vat_return_prepare(actor=hana, business=hanbit, period="2026-2", today=TODAY)
    late = dt.date(2027, 2, 4)  # ten days after 25 January
    filed = vat_return_file(actor=hana, vat_return=draft, today=late)
    # 무신고가산세 20% halved within a month (25,000) + 0.022% a day for 10 days (550)
    assert filed.payable == 250_000 and filed.penalty == 25_000 + 550
    assert PaymentOrder.objects.get(pk=filed.payment_order_id).amount == 250_000 + 25_550


def test_penalties_are_nil_on_time_and_on_a_refund():
    due = period_due_date("2026-2")
    assert due == dt.date(2027, 1, 25) and period_due_date("2026-1") == dt.date(2026, 7, 25)
    assert penalty_for(payable=100_000, due_date=due, filed_on=due) == 0
    assert penalty_for(payable=-100_000, due_date=due, filed_on=due + dt.timedelta(days=40)) == 0
    assert penalty_for(payable=100_000, due_date=due, filed_on=due + dt.timedelta(days=40)) == 14_000 + 880


def test_minsus_excess_input_tax_waits_for_a_refund_that_the_office_pays(trade, minsu, daon, sam, tom):
    draft = vat_return_prepare(actor=minsu, business=daon, period="2026-2", today=TODAY)
    filed = vat_return_file(actor=minsu, vat_return=draft, today=TODAY)
    assert filed.state == "refund_due" and filed.payable == 50_000 - 300_000
    assert filed.payment_order_id is None
    with pytest.raises(NotFound):
        vat_return_refund(actor=tom, vat_return=filed)  # another tax office
    assert vat_return_refund(actor=sam, vat_return=filed).state == "settled"


def test_a_period_not_yet_ended_or_malformed_is_refused(hana, hanbit):
    for period in ("2027-1", "2026-3", "twenty"):
        with pytest.raises(ValidationFailed) as refused:
            vat_return_prepare(actor=hana, business=hanbit, period=period, today=TODAY)
        assert refused.value.field == "period"


def test_an_amount_hana_adds_must_be_whole_won(trade, hana, hanbit):
    draft = vat_return_prepare(actor=hana, business=hanbit, period="2026-2", today=TODAY)
    for kwargs, field in (
        ({"other_sales_supply": 1.5}, "other_sales_supply"),
        ({"other_sales_supply": -1}, "other_sales_supply"),
        ({"other_sales_supply": 100, "other_sales_tax": 200}, "other_sales_tax"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            vat_return_file(actor=hana, vat_return=draft, today=TODAY, **kwargs)
        assert refused.value.field == field
    draft.refresh_from_db()
    assert draft.state == "draft" and not PaymentOrder.objects.exists()


def test_minsu_cannot_file_hanas_return(trade, hana, hanbit, minsu):
    draft = vat_return_prepare(actor=hana, business=hanbit, period="2026-2", today=TODAY)
    with pytest.raises(NotFound):
        vat_return_file(actor=minsu, vat_return=draft, today=TODAY)


def test_a_filed_return_is_not_filed_twice(trade, hana, hanbit):
    from egov.core.errors import Conflict

    draft = vat_return_prepare(actor=hana, business=hanbit, period="2026-2", today=TODAY)
    vat_return_file(actor=hana, vat_return=draft, today=TODAY)
    assert vat_return_prepare(actor=hana, business=hanbit, period="2026-2", today=TODAY).state == "filed"
    with pytest.raises(Conflict):
        vat_return_file(actor=hana, vat_return=draft, today=TODAY)
    assert PaymentOrder.objects.count() == 1
