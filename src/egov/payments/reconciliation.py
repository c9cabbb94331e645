"""The officials' reconciliation queue and refunds.

A `Reconciliation` item waits for an official (role registrar, over the item's agency) who
matches it to an order, refunds it, or marks it resolved with a note; each is one transaction
with its audit event. Refunds are gathered into a pain.001.001.09 file for the bank
(`refund_file_create`).
"""

import secrets

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.permissions import agency_scope_ids, require_role
from egov.core.audit import audit_record
from egov.core.checks import require_text
from egov.core.errors import Conflict, NotFound, ValidationFailed
from egov.core.notifications import notification_send
from egov.payments.iso20022 import Transfer, credit_transfer_build
from egov.payments.models import BankEntry, PaymentOrder, Reconciliation, Refund, RefundFile
from egov.payments.services import credit_apply, orders_settled, payment_receipt_issue
from egov.payments.virtual_accounts import virtual_account_clean

ROLE = "registrar"


def _locked_item(actor, item: Reconciliation) -> Reconciliation:
    require_role(actor, ROLE)
    locked = (
        Reconciliation.objects.select_for_update(of=("self",))
        .select_related("entry", "entry__order")
        .get(pk=item.pk)
    )
    if locked.agency_id not in agency_scope_ids(actor):
        raise NotFound(_("No such payment in your queue."), field="item")
    if not locked.is_open:
        raise Conflict(_("This payment was already dealt with."), field="item")
    return locked


def _close(item: Reconciliation, *, actor, resolution: str, note: str) -> None:
    item.resolution = resolution
    item.resolved_at = timezone.now()
    item.resolved_by = actor
    item.note = note
    item.save(update_fields=["resolution", "resolved_at", "resolved_by", "note"])


@transaction.atomic
def reconciliation_match(
    *, actor, item: Reconciliation, virtual_account: str, note: str = ""
) -> Reconciliation:
    """Count a credit into an unknown account (a typo, an old account) or into an order no longer
    payable towards the order of `virtual_account`. An exact payment settles the order (its case
    moves on, its receipt is issued); a partial or over-payment stays in the queue as such."""
    item = _locked_item(actor, item)
    entry = item.entry
    if item.reason not in (BankEntry.Outcome.UNKNOWN, BankEntry.Outcome.CLOSED):
        raise Conflict(_("This payment is already counted towards its order."), field="item")
    account = virtual_account_clean(virtual_account)
    order = PaymentOrder.objects.select_for_update().filter(virtual_account=account).first()
    if order is None or order.agency_id not in agency_scope_ids(actor):
        raise NotFound(_("No order has this virtual account."), field="virtual_account")
    if order.pk == entry.order_id:
        raise Conflict(_("This order does not take payments any more."), field="virtual_account")
    was = order.state
    outcome = credit_apply(order, entry.amount, at=timezone.now())
    if outcome == BankEntry.Outcome.CLOSED:
        raise Conflict(_("This order does not take payments any more."), field="virtual_account")
    order.save(update_fields=["paid_amount", "state", "paid_at"])
    before = {"reason": item.reason, "order": entry.order_id}
    entry.order, entry.outcome = order, outcome
    entry.save(update_fields=["order", "outcome"])
    note = (note or "").strip()[:2000]
    if outcome == BankEntry.Outcome.MATCHED:
        _close(item, actor=actor, resolution=Reconciliation.Resolution.MATCHED, note=note)
    else:  # still someone's business: the rest to pay, or the excess to refund
        item.reason, item.agency_id, item.note = outcome, order.agency_id, note
        item.save(update_fields=["reason", "agency", "note"])
    audit_record(
        actor=actor, action="payment.reconciliation_match", obj=item, before=before,
        after={"reason": item.reason, "order": order.pk, "resolution": item.resolution}, reason=note,
    )  # fmt: skip
    if was in PaymentOrder.PAYABLE_STATES and order.state in PaymentOrder.SETTLED_STATES:
        orders_settled([order], at=timezone.now())
        payment_receipt_issue(order=order)
    return item


@transaction.atomic
def reconciliation_refund(*, actor, item: Reconciliation, reason: str) -> Refund:
    """Send money back to the account it came from: the whole credit (an unknown account, an
    order no longer payable, a partial payment the payer gave up on) or, for an overpayment,
    the excess. The refund leaves with the next pain.001 file."""
    reason = require_text(reason, "reason", label=_("The reason"), max_length=140)
    item = _locked_item(actor, item)
    entry = item.entry
    if not entry.debtor_account:
        raise ValidationFailed(
            _("The bank did not report the payer's account; refund it by other means and mark it resolved."),
            field="debtor_account",
        )
    order = None
    amount = entry.amount
    if entry.order_id and item.reason in (BankEntry.Outcome.PARTIAL, BankEntry.Outcome.OVERPAID):
        order = PaymentOrder.objects.select_for_update().get(pk=entry.order_id)
        before = {"state": order.state, "paid_amount": order.paid_amount}
        if item.reason == BankEntry.Outcome.OVERPAID:
            amount = order.paid_amount - order.amount
            if amount <= 0:
                raise Conflict(_("Nothing is overpaid on this order any more."), field="item")
            order.state = PaymentOrder.State.PAID
        else:
            if order.state not in PaymentOrder.PAYABLE_STATES:
                raise Conflict(_("The order is paid; refund the excess instead."), field="item")
            order.state = (
                PaymentOrder.State.OPEN if order.paid_amount == amount else PaymentOrder.State.PARTLY_PAID
            )
        order.paid_amount -= amount
        order.save(update_fields=["paid_amount", "state"])
        audit_record(
            actor=actor, action="payment.order_refund", obj=order, before=before,
            after={"state": order.state, "paid_amount": order.paid_amount}, reason=reason,
        )  # fmt: skip
    refund = Refund.objects.create(
        entry=entry, order=order, amount=amount, end_to_end_id=f"RF{secrets.token_hex(16)}", reason=reason,
        created_by=actor,
    )  # fmt: skip
    _close(item, actor=actor, resolution=Reconciliation.Resolution.REFUNDED, note=reason)
    if order is not None:
        notification_send(
            user=order.payer,
            key=f"payment-refund:{refund.end_to_end_id}",
            topic="payment",
            title_ko=f"환급 결정: {order.purpose}",
            title_en=f"Refund decided: {order.purpose}",
            body=f"환급액 {amount:,}원 · 납부하신 계좌로 돌려드립니다. 사유: {reason}",
            link="/my/payments/",
        )
    audit_record(
        actor=actor, action="payment.reconciliation_refund", obj=item,
        after={"refund": refund.end_to_end_id, "amount": amount, "order": entry.order_id}, reason=reason,
    )  # fmt: skip
    return refund


@transaction.atomic
def payment_order_refund(*, actor, order: PaymentOrder, reason: str) -> list[Refund]:
    """Give back everything paid into a settled order (the service was not delivered, the
    charge was wrong): one refund per credit received by bank transfer, to the account it came
    from, leaving with the next pain.001 file; the order becomes refunded. An official with the
    registrar role over the order's agency decides. A payment taken at the counter has no
    account to send to: refused, naming the order, to be refunded at the counter."""
    reason = require_text(reason, "reason", label=_("The reason"), max_length=140)
    require_role(actor, ROLE, agency_id=order.agency_id)
    order = PaymentOrder.objects.select_for_update().get(pk=order.pk)
    if order.state not in PaymentOrder.SETTLED_STATES:
        raise Conflict(_("Only a paid order can be refunded in full."), field="order", code="not_paid")
    counted = (BankEntry.Outcome.MATCHED, BankEntry.Outcome.PARTIAL, BankEntry.Outcome.OVERPAID)
    entries = list(order.bank_entries.filter(outcome__in=counted).order_by("id"))
    if any(not e.debtor_account for e in entries):
        raise ValidationFailed(
            _("Part of this order was paid at the counter; refund it there."),
            field="order",
        )
    refunded = {
        entry_id: total
        for entry_id, total in Refund.objects.filter(entry__in=entries)
        .values_list("entry_id")
        .annotate(total=models.Sum("amount"))
    }
    refunds = []
    for entry in entries:
        amount = entry.amount - refunded.get(entry.pk, 0)
        if amount > 0:
            refunds.append(
                Refund.objects.create(
                    entry=entry,
                    order=order,
                    amount=amount,
                    end_to_end_id=f"RF{secrets.token_hex(16)}",
                    reason=reason,
                    created_by=actor,
                )  # fmt: skip
            )
    before = {"state": order.state, "paid_amount": order.paid_amount}
    order.paid_amount = 0
    order.state = PaymentOrder.State.REFUNDED
    order.save(update_fields=["paid_amount", "state"])
    audit_record(
        actor=actor, action="payment.order_refund", obj=order, before=before, reason=reason,
        after={"state": order.state, "refunds": [r.end_to_end_id for r in refunds],
               "amount": sum(r.amount for r in refunds)},
    )  # fmt: skip
    return refunds


@transaction.atomic
def reconciliation_resolve(*, actor, item: Reconciliation, note: str) -> Reconciliation:
    """Mark a queue item resolved without matching or refunding it (refunded by other means,
    the payer will pay the rest at the counter...), with the note saying why."""
    note = require_text(note, "note", label=_("The note"), max_length=2000)
    item = _locked_item(actor, item)
    _close(item, actor=actor, resolution=Reconciliation.Resolution.RESOLVED, note=note)
    audit_record(
        actor=actor,
        action="payment.reconciliation_resolve",
        obj=item,
        after={"resolution": "resolved"},
        reason=note,
    )
    return item


@transaction.atomic
def refund_file_create(*, actor) -> RefundFile | None:
    """Gather every refund not yet sent into one pain.001.001.09 file for the collecting bank
    (None when there is none). An official with the registrar role of the treasury agency."""
    require_role(actor, ROLE)
    refunds = list(
        Refund.objects.select_for_update(of=("self",))
        .select_related("entry")
        .filter(file__isnull=True)
        .order_by("id")
    )
    if not refunds:
        return None
    now = timezone.now()
    message_id = f"EGOVRF{now:%Y%m%d%H%M%S}{secrets.token_hex(4).upper()}"
    xml = credit_transfer_build(
        message_id=message_id, created_at=now, execution_date=timezone.localdate(now),
        initiator=settings.EGOV_PAYMENT_ACCOUNT_NAME, debtor_name=settings.EGOV_PAYMENT_ACCOUNT_NAME,
        debtor_account=settings.EGOV_PAYMENT_ACCOUNT, debtor_bank=settings.EGOV_PAYMENT_BANK_CODE,
        transfers=[
            Transfer(
                end_to_end_id=r.end_to_end_id, amount=r.amount, creditor_name=r.entry.debtor_name,
                creditor_account=r.entry.debtor_account, creditor_bank=r.entry.debtor_bank,
                remittance=f"환불 Refund {r.entry.bank_ref}: {r.reason}",
            )  # fmt: skip
            for r in refunds
        ],
    )  # fmt: skip
    file = RefundFile.objects.create(
        message_id=message_id, created_at=now, created_by=actor, xml=xml,
        total=sum(r.amount for r in refunds), count=len(refunds),
    )  # fmt: skip
    Refund.objects.filter(pk__in=[r.pk for r in refunds]).update(file=file)
    audit_record(
        actor=actor, action="payment.refund_file_create", obj=file,
        after={"message_id": message_id, "count": file.count, "total": file.total},
    )  # fmt: skip
    return file
