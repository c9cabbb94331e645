"""Bank statements in: `statement_import` reads a camt.054 or camt.053 file and settles orders.

One file, one transaction: either every credit in it is recorded and matched, or — when the
file is refused or anything fails half-way — nothing at all. Credits are keyed by the bank's
reference (`BankEntry.bank_ref`, unique in the database), so the same file imported twice, or
an end-of-day camt.053 repeating the day's camt.054 credits, records each credit once; the same
file (by SHA-256) is recognised at once and changes nothing.

Matching is set-based (docs/benchmarks.md): known references and the orders of the credited
virtual accounts are read in batches, the orders locked in one statement per batch, and the
entries, queue items and changed orders written with bulk statements (`store.py`).
"""

import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.core.audit import audit_record
from egov.core.errors import Conflict
from egov.payments import store
from egov.payments.iso20022 import statement_parse
from egov.payments.models import BankEntry, BankStatement, PaymentOrder, Reconciliation
from egov.payments.services import credit_apply, orders_settled
from egov.registry.models import Agency


@dataclass
class ImportResult:
    statement: BankStatement
    already: bool = False  # this very file was imported before
    counts: dict[str, int] = field(default_factory=dict)


def treasury_agency() -> Agency | None:
    """The agency whose officials look at credits into accounts no order has."""
    return Agency.objects.filter(code=settings.EGOV_PAYMENT_AGENCY).first()


def statement_import(*, actor, content: bytes, source: str) -> ImportResult:
    """Import one camt.054.001.08 or camt.053.001.08 file (`content`, bytes) from the collecting
    bank: record each new credit, settle the orders of exact payments (their cases move on),
    and put partial payments, overpayments, unknown accounts and payments into orders no longer
    payable in the reconciliation queue. `actor` is the official at the console, or None for
    the bank's system (`source` names it). StatementInvalid (naming the element) for a file
    refused; the same file again returns the first import with `already`."""
    digest = hashlib.sha256(content).hexdigest()
    found = BankStatement.objects.filter(sha256=digest).first()
    if found is not None:  # this very file again: nothing to read
        return ImportResult(statement=found, already=True)
    parsed = statement_parse(content)  # before the transaction: a refused file touches nothing
    try:
        with transaction.atomic():
            return _import(actor=actor, parsed=parsed, digest=digest, source=source)
    except IntegrityError:
        found = BankStatement.objects.filter(sha256=digest).first()
        if found is not None:
            return ImportResult(statement=found, already=True)
        raise Conflict(
            _("Another import of the same credits is under way; try again in a moment."), field="file"
        ) from None


def _import(*, actor, parsed, digest: str, source: str) -> ImportResult:
    found = BankStatement.objects.filter(sha256=digest).first()
    if found is not None:
        return ImportResult(statement=found, already=True)
    now = timezone.now()
    statement = BankStatement.objects.create(
        kind=parsed.kind, message_id=parsed.message_id[:35], sha256=digest, created_at=parsed.created_at,
        imported_at=now, imported_by=actor if getattr(actor, "pk", None) else None, source=source[:100],
    )  # fmt: skip
    known = store.bank_refs_known([c.bank_ref for c in parsed.credits])
    credits = [c for c in parsed.credits if c.bank_ref not in known]
    orders = store.orders_lock_by_account({c.account for c in credits})
    treasury = treasury_agency()
    entries, changed, settled = [], {}, []
    outcomes = dict.fromkeys(BankEntry.Outcome.values, 0)
    for credit in credits:
        order = orders.get(credit.account)
        if order is None:
            outcome = BankEntry.Outcome.UNKNOWN
        else:
            was = order.state
            outcome = credit_apply(order, credit.amount, at=now)
            if outcome != BankEntry.Outcome.CLOSED:
                changed[order.pk] = order
            if was in PaymentOrder.PAYABLE_STATES and order.state in PaymentOrder.SETTLED_STATES:
                settled.append(order)
        outcomes[outcome] += 1
        entries.append(
            BankEntry(
                statement=statement,
                channel=BankEntry.Channel.BANK,
                bank_ref=credit.bank_ref,
                virtual_account=credit.account[:34],
                amount=credit.amount,
                booked_on=credit.booked_on,
                debtor_name=credit.debtor_name,
                debtor_account=credit.debtor_account[:34],
                debtor_bank=credit.debtor_bank,
                order=order if outcome != BankEntry.Outcome.UNKNOWN else None,
                outcome=outcome,
            )  # fmt: skip
        )
    store.entries_insert(entries)
    store.orders_update(list(changed.values()))
    treasury_id = treasury.pk if treasury else None
    store.reconciliations_insert(
        [
            Reconciliation(
                entry=e,
                reason=e.outcome,
                agency_id=e.order.agency_id if e.order_id else treasury_id,
                created_at=now,
            )
            for e in entries
            if e.outcome != BankEntry.Outcome.MATCHED
        ]
    )
    orders_settled(settled, at=now)
    statement.entries = len(entries)
    statement.repeated = len(parsed.credits) - len(credits)
    statement.save(update_fields=["entries", "repeated"])
    counts = {
        "credits": len(parsed.credits), "new": len(entries), "repeated": statement.repeated,
        "skipped": parsed.skipped, "settled": len(settled), **outcomes,
    }  # fmt: skip
    audit_record(
        actor=actor, action="payment.statement_import", obj=statement,
        after={"kind": parsed.kind, "message_id": parsed.message_id, "source": source, **counts},
    )  # fmt: skip
    if settled:
        transaction.on_commit(_receipts_enqueue)
    return ImportResult(statement=statement, counts=counts)


def _receipts_enqueue() -> None:
    from egov.payments.tasks import receipts_issue

    receipts_issue.enqueue()
