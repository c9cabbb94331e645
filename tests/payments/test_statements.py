"""Bank statements in: camt.054 credits matched by virtual account and amount."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from egov.payments.iso20022 import StatementInvalid
from egov.payments.models import BankEntry, BankStatement, PaymentOrder, Reconciliation
from egov.payments.services import payment_order_create
from egov.payments.statements import statement_import
from tests.payments.conftest import camt054, credit

pytestmark = pytest.mark.django_db


def test_an_exact_payment_settles_alices_order(fine):
    result = statement_import(actor=None, content=camt054([credit(fine, 40000, "B1")]), source="test")
    fine.refresh_from_db()
    assert fine.state == "paid" and fine.paid_amount == 40000 and fine.paid_at is not None
    assert result.counts["matched"] == 1 and not Reconciliation.objects.exists()
    assert BankEntry.objects.get(bank_ref="B1").order == fine


def test_a_partial_payment_waits_in_the_queue_and_the_rest_settles_it(fine):
    statement_import(actor=None, content=camt054([credit(fine, 15000, "B1")]), source="test")
    fine.refresh_from_db()
    assert fine.state == "partly_paid" and fine.outstanding == 25000
    item = Reconciliation.objects.get()
    assert item.reason == "partial" and item.agency == fine.agency and item.is_open
    statement_import(
        actor=None, content=camt054([credit(fine, 25000, "B2")], message_id="MSG-2"), source="test"
    )
    fine.refresh_from_db()
    item.refresh_from_db()
    assert fine.state == "paid"
    assert item.resolution == "settled"


def test_an_overpayment_and_an_unknown_account_go_to_the_queue(fine, treasury):
    content = camt054([credit(fine, 50000, "B1"), credit("56209999999995", 7000, "B2")])
    result = statement_import(actor=None, content=content, source="test")
    fine.refresh_from_db()
    assert fine.state == "overpaid"
    assert result.counts["overpaid"] == 1 and result.counts["unknown"] == 1
    unknown = Reconciliation.objects.get(reason="unknown")
    assert unknown.agency == treasury.agency and unknown.entry.order is None


def test_a_statement_imported_twice_changes_nothing_the_second_time(fine):
    content = camt054([credit(fine, 15000, "B1")])
    statement_import(actor=None, content=content, source="test")
    again = statement_import(actor=None, content=content, source="test")
    fine.refresh_from_db()
    assert again.already
    assert (
        fine.paid_amount == 15000 and BankEntry.objects.count() == 1 and Reconciliation.objects.count() == 1
    )


def test_an_end_of_day_file_repeating_a_credit_records_it_once(fine):
    statement_import(actor=None, content=camt054([credit(fine, 40000, "B1")]), source="test")
    repeat = statement_import(
        actor=None, content=camt054([credit(fine, 40000, "B1")], message_id="EOD"), source="test"
    )
    fine.refresh_from_db()
    assert repeat.counts["repeated"] == 1 and repeat.counts["new"] == 0
    assert fine.paid_amount == 40000 and fine.state == "paid"


def test_debits_and_pending_entries_are_not_counted(fine):
    result = statement_import(
        actor=None,
        content=camt054(
            [credit(fine, 40000, "B1", indicator="DBIT"), credit(fine, 40000, "B2", status="PDNG")]
        ),
        source="test",
    )
    fine.refresh_from_db()
    assert result.counts["skipped"] == 2 and fine.state == "open"


def test_a_payment_into_a_cancelled_order_goes_to_the_queue(fine):
    from egov.payments.services import payment_order_cancel

    payment_order_cancel(actor=None, order=fine, reason="취소")
    statement_import(actor=None, content=camt054([credit(fine, 40000, "B1")]), source="test")
    fine.refresh_from_db()
    assert fine.state == "cancelled" and fine.paid_amount == 0
    assert Reconciliation.objects.get().reason == "closed"


@pytest.mark.parametrize(
    ("content", "field"),
    [
        (b"", "Document"),
        (b"<Document", "Document"),
        (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>', "DOCTYPE"),
        (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"/>', "Document"),
    ],
)
def test_a_file_that_is_not_a_statement_is_refused_naming_the_element(fine, content, field):
    with pytest.raises(StatementInvalid) as refused:
        statement_import(actor=None, content=content, source="test")
    assert refused.value.field == field
    assert not BankStatement.objects.exists()


def test_an_amount_that_is_not_a_number_is_refused_by_the_schema(fine):
    with pytest.raises(StatementInvalid) as refused:
        statement_import(actor=None, content=camt054([credit(fine, "forty", "B1")]), source="test")
    assert refused.value.field == "Amt" and "line" in refused.value.message


def test_a_missing_required_element_is_named(fine):
    content = camt054([credit(fine, 40000, "B1")]).replace(b"<CdtDbtInd>CRDT</CdtDbtInd><Sts>", b"<Sts>", 1)
    with pytest.raises(StatementInvalid) as refused:
        statement_import(actor=None, content=content, source="test")
    assert refused.value.field == "Sts"


@pytest.mark.parametrize(
    ("amount", "ccy", "field"), [("40000.50", "KRW", "Ntry/Amt"), ("40000", "USD", "Ntry/Amt/@Ccy")]
)
def test_won_with_a_fraction_or_another_currency_is_refused(fine, amount, ccy, field):
    with pytest.raises(StatementInvalid) as refused:
        statement_import(actor=None, content=camt054([credit(fine, amount, "B1", ccy=ccy)]), source="test")
    assert refused.value.field == field


def test_a_file_that_fails_half_way_changes_nothing(fine, payer, jongno, monkeypatch):
    """The second order's handler fails after the first order was settled: nothing stays."""
    from egov.payments import statements

    other = payment_order_create(actor=None, payer=payer, agency=jongno, purpose="수수료", amount=1000)
    calls = []

    def failing(orders, *, at):
        calls.append(len(orders))
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(statements, "orders_settled", failing)
    with pytest.raises(RuntimeError):
        statement_import(
            actor=None, content=camt054([credit(fine, 40000, "B1"), credit(other, 1000, "B2")]), source="test"
        )
    fine.refresh_from_db()
    assert calls == [2]
    assert fine.state == "open" and fine.paid_amount == 0
    assert not BankStatement.objects.exists() and not BankEntry.objects.exists()


def test_egov_payments_import_reads_a_file_and_refuses_a_malformed_one(fine, tmp_path, capsys):
    good = tmp_path / "camt054.xml"
    good.write_bytes(camt054([credit(fine, 40000, "B1")]))
    call_command("payments", "import", str(good))
    assert "1 matched" in capsys.readouterr().out
    assert PaymentOrder.objects.get(pk=fine.pk).state == "paid"
    call_command("payments", "import", str(good))
    assert "nothing changed" in capsys.readouterr().out
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<Document>")
    with pytest.raises(CommandError, match="Document"):
        call_command("payments", "import", str(bad))
