"""Payment orders: charge, settle, cancel, and the receipt (영수증) once paid.

Every state change is one transaction with its audit event. An order is settled by money
arriving (`statements.statement_import`, the reconciliation queue's "match", a counter's
confirmation through `gateways`), all through `credit_apply`: the order's paid amount and
state move, and when it becomes paid the owning app's declared on-paid handler
(`hooks.on_paid`) runs in the same transaction — the application proceeds by itself.
"""

import datetime as dt
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.permissions import require_role
from egov.core.audit import audit_record
from egov.core.checks import require_text
from egov.core.deadlines import calendar_get
from egov.core.errors import Conflict, ValidationFailed
from egov.core.notifications import notification_send
from egov.documents.services import document_issue
from egov.payments.hooks import on_paid_handler
from egov.payments.models import BankEntry, PaymentOrder, Reconciliation
from egov.payments.virtual_accounts import virtual_account_new
from egov.registry.models import Agency, Business, Resident

logger = logging.getLogger(__name__)
MAX_AMOUNT = 10**12  # a trillion won: far above any fee, duty or tax one order carries


def amount_clean(value, *, field: str = "amount") -> int:
    """A whole, positive number of won, or ValidationFailed naming `field`. Floats are refused:
    money is never a binary fraction."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ValidationFailed(_("An amount is a whole number of won."), field=field)
    try:
        amount = int(str(value).strip().replace(",", ""))
    except (TypeError, ValueError):
        raise ValidationFailed(_("An amount is a whole number of won."), field=field) from None
    if not 0 < amount <= MAX_AMOUNT:
        raise ValidationFailed(_("An amount is between 1 won and 1 trillion won."), field=field)
    return amount


def due_date_for(days: int | None = None, *, today: dt.date | None = None) -> dt.date:
    """The due date `days` business days after `today` (Korean calendar of `core.deadlines`)."""
    days = settings.EGOV_PAYMENT_DUE_DAYS if days is None else days
    today = today or timezone.localdate()
    return calendar_get().nth_business_day(today + dt.timedelta(days=1), max(days, 1))


@transaction.atomic
def payment_order_create(
    *,
    actor,
    payer,
    agency: Agency,
    purpose: str,
    amount,
    case: models.Model | None = None,
    due_days: int | None = None,
    due_date: dt.date | None = None,
    resident: Resident | None = None,
    business: Business | None = None,
) -> PaymentOrder:
    """Charge `payer` (a user; the resident or business behind them) `amount` won for `purpose`
    on behalf of `agency`, for `case` (any model: a civil application, a customs declaration, a
    tax return), payable into a new virtual account by the due date `due_days` business days
    ahead, or by `due_date` when the law fixes it (a tax's 납부기한; never before today).
    `actor` is who charges: the platform (None) for a service's fee, or an official."""
    amount = amount_clean(amount)
    purpose = require_text(purpose, "purpose", label=_("The purpose"), max_length=200)
    if payer is None or not getattr(payer, "pk", None):
        raise ValidationFailed(_("Name the payer."), field="payer")
    if resident is None and business is None:
        resident = getattr(payer, "resident", None)
    order = PaymentOrder(
        payer=payer, payer_resident=resident, payer_business=business, agency=agency, purpose=purpose,
        amount=amount, due_date=max(due_date, timezone.localdate()) if due_date else due_date_for(due_days),
        case_type=ContentType.objects.get_for_model(type(case)) if case is not None else None,
        case_id=case.pk if case is not None else None,
    )  # fmt: skip
    for _attempt in range(5):  # a clash among 10^9 random serials is rare; retry in a savepoint
        order.virtual_account = virtual_account_new()
        try:
            with transaction.atomic():
                order.save()
            break
        except IntegrityError:
            if PaymentOrder.objects.filter(virtual_account=order.virtual_account).exists():
                order.pk = None
                continue
            raise
    else:
        raise Conflict(_("No virtual account could be assigned; try again."), field="virtual_account")
    audit_record(
        actor=actor, action="payment.order_create", obj=order,
        after={"amount": amount, "purpose": purpose, "virtual_account": order.virtual_account,
               "due_date": order.due_date.isoformat(), "case": _case_label(order)},
    )  # fmt: skip
    return order


def _case_label(order: PaymentOrder) -> str | None:
    if not order.case_type_id:
        return None
    case_type = ContentType.objects.get_for_id(order.case_type_id)
    return f"{case_type.app_label}.{case_type.model}:{order.case_id}"


def payment_order_for_case(case: models.Model) -> PaymentOrder | None:
    """The latest order charged for `case`, if any."""
    return (
        PaymentOrder.objects.filter(case_type=ContentType.objects.get_for_model(type(case)), case_id=case.pk)
        .order_by("-id")
        .first()
    )


@transaction.atomic
def payment_order_cancel(*, actor, order: PaymentOrder, reason: str) -> PaymentOrder:
    """Cancel an order nothing has been paid into yet (the case was withdrawn or rejected).
    `actor` None is the platform; an official needs the registrar role over the order's agency."""
    reason = require_text(reason, "reason", label=_("The reason"), max_length=500)
    if actor is not None:
        require_role(actor, "registrar", agency_id=order.agency_id)
    order = PaymentOrder.objects.select_for_update().get(pk=order.pk)
    if order.state != PaymentOrder.State.OPEN or order.paid_amount:
        raise Conflict(_("Only an order with nothing paid into it can be cancelled."), field="state")
    order.state = PaymentOrder.State.CANCELLED
    order.save(update_fields=["state"])
    audit_record(
        actor=actor, action="payment.order_cancel", obj=order, before={"state": "open"},
        after={"state": order.state}, reason=reason,
    )  # fmt: skip
    return order


def credit_apply(order: PaymentOrder, amount: int, *, at: dt.datetime) -> str:
    """Count `amount` won towards the locked `order` (not saved) and say what the credit was:
    "matched", "partial", "overpaid", or "closed" (the order takes no payment; unchanged)."""
    if order.state not in PaymentOrder.PAYABLE_STATES:
        return BankEntry.Outcome.CLOSED
    order.paid_amount += amount
    if order.paid_amount < order.amount:
        order.state = PaymentOrder.State.PARTLY_PAID
        return BankEntry.Outcome.PARTIAL
    order.paid_at = at
    if order.paid_amount == order.amount:
        order.state = PaymentOrder.State.PAID
        return BankEntry.Outcome.MATCHED
    order.state = PaymentOrder.State.OVERPAID
    return BankEntry.Outcome.OVERPAID


def orders_settled(orders: list[PaymentOrder], *, at: dt.datetime) -> None:
    """What follows once orders became paid, in the settling transaction: open partial-payment
    items of these orders close ("settled by a later payment") and each order's case moves on
    through its app's declared handler. Receipts follow (`payment_receipt_issue`)."""
    if not orders:
        return
    ids = [o.pk for o in orders]
    for start in range(0, len(ids), 5000):
        Reconciliation.objects.filter(
            entry__order__in=ids[start : start + 5000], reason=BankEntry.Outcome.PARTIAL, resolution=""
        ).update(resolution=Reconciliation.Resolution.SETTLED, resolved_at=at)
    types = {}
    for order in orders:
        if not order.case_type_id:
            continue
        if order.case_type_id not in types:
            ct = ContentType.objects.get_for_id(order.case_type_id)
            types[order.case_type_id] = on_paid_handler(f"{ct.app_label}.{ct.model}")
        handler = types[order.case_type_id]
        if handler is not None:
            handler(order=order)


# --- receipts ---------------------------------------------------------------------------------


def _won(amount: int) -> str:
    return f"{amount:,}원 (KRW {amount:,})"


@transaction.atomic
def payment_receipt_issue(*, order: PaymentOrder) -> PaymentOrder:
    """Issue the receipt (영수증) of a paid order through `documents`, signed by the order's
    agency, and tell the payer by e-mail once it is committed. Once per order."""
    order = (
        PaymentOrder.objects.select_for_update(of=("self",))
        .select_related("payer", "payer_resident")
        .get(pk=order.pk)
    )
    if order.receipt_id or order.state not in PaymentOrder.SETTLED_STATES:
        return order
    subject = order.payer_business or order.payer_resident
    payer_name = (
        order.payer_business.name if order.payer_business_id
        else order.payer_resident.name_ko if order.payer_resident_id else order.payer.get_full_name() or "—"
    )  # fmt: skip
    payload = {
        "payer": payer_name,
        "purpose": order.purpose,
        "amount": order.amount,
        "amount_display": _won(order.amount),
        "paid": order.paid_amount,
        "paid_display": _won(order.paid_amount),
        "paid_on": timezone.localdate(order.paid_at).isoformat() if order.paid_at else "",
        "virtual_account": order.virtual_account_display,
        "case": _case_label(order) or "",
    }
    order.receipt = document_issue(
        actor=None, doc_type="payments.receipt", subject=subject, payload=payload, agency=order.agency
    )
    order.save(update_fields=["receipt"])
    audit_record(
        actor=None, action="payment.receipt_issue", obj=order, after={"receipt": order.receipt.number}
    )
    _notify_payer(order)
    return order


def _notify_payer(order: PaymentOrder) -> None:
    """The payer's notification that the order is paid, with its receipt (once per order)."""
    purpose, number, paid = order.purpose, order.receipt.number_display, order.paid_amount
    subject = f"[egov] 납부 완료 / Payment received: {purpose}"
    body = "\n".join(
        (
            purpose,
            f"납부액 / Paid: {_won(paid)}",
            f"영수증 / Receipt: {number}",
            f"{settings.EGOV_PUBLIC_URL}/my/payments/",
        )
    )
    notification_send(
        user=order.payer,
        key=f"payment-paid:{order.pk}",
        topic="payment",
        title_ko=f"납부 완료: {purpose}",
        title_en=f"Payment received: {purpose}",
        body=f"납부액 {_won(paid)} · 영수증 {number}",
        link="/my/payments/",
        mail_subject=subject,
        mail_body=body,
    )


def payment_receipts_issue_pending(*, limit: int = 200) -> int:
    """Issue the receipts of paid orders that have none yet (after a bank statement settled
    many at once); how many were issued. Each in its own transaction; safe to run twice."""
    issued = 0
    ids = list(
        PaymentOrder.objects.filter(state__in=PaymentOrder.SETTLED_STATES, receipt__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    for order_id in ids:
        order = payment_receipt_issue(order=PaymentOrder(pk=order_id))
        issued += bool(order.receipt_id)
    return issued
