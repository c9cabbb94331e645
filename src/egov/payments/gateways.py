"""Card and easy-payment gateways (카드·간편결제) behind one interface.

`EGOV_PAYMENT_GATEWAY` names the backend class (dotted path). No gateway is reachable from
here; the one backend shipped, `CounterGateway`, records an order as paid when an official at
a counter confirms the payment taken there (card terminal, cash). A real gateway's backend
implements the same two methods: `start` tells the payer's page what to do (redirect to the
gateway's checkout), `confirm` settles the order once the gateway says it was paid (its
callback, verified by the backend) — both through `payments.services`, never by writing
orders itself.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from egov.accounts.permissions import require_role
from egov.core.audit import audit_record
from egov.core.errors import Conflict, ValidationFailed
from egov.payments.models import BankEntry, PaymentOrder
from egov.payments.services import amount_clean, credit_apply, orders_settled, payment_receipt_issue


@dataclass(frozen=True)
class GatewayStart:
    """What the payer's page shows or does to pay an order through the gateway."""

    kind: str  # "counter": pay in person; "redirect": go to `url`
    url: str = ""
    instructions: str = ""


class PaymentGateway:
    """The interface every backend implements."""

    code = ""

    def start(self, *, order: PaymentOrder) -> GatewayStart:
        raise NotImplementedError

    def confirm(self, *, actor, order: PaymentOrder, amount, reference: str = "") -> PaymentOrder:
        raise NotImplementedError


class CounterGateway(PaymentGateway):
    """Payment taken at an agency's counter, confirmed there by an official (role registrar
    over the order's agency)."""

    code = "counter"

    def start(self, *, order: PaymentOrder) -> GatewayStart:
        return GatewayStart(
            kind="counter",
            instructions=_("Pay at the counter of %(agency)s.") % {"agency": order.agency.name_ko},
        )

    @transaction.atomic
    def confirm(self, *, actor, order: PaymentOrder, amount, reference: str = "") -> PaymentOrder:
        """Record the payment of the whole amount due on `order` at the counter: the order is
        settled, its case moves on, its receipt is issued. `reference` is the terminal's slip
        number (kept; one confirmation per slip)."""
        require_role(actor, "registrar", agency_id=order.agency_id)
        amount = amount_clean(amount)
        order = PaymentOrder.objects.select_for_update().get(pk=order.pk)
        if order.state not in PaymentOrder.PAYABLE_STATES:
            raise Conflict(_("This order does not take payments any more."), field="order")
        if amount != order.outstanding:
            raise ValidationFailed(
                _("At the counter the amount due is paid in full: %(due)s won.")
                % {"due": f"{order.outstanding:,}"},
                field="amount",
            )
        reference = (reference or "").strip()[:28] or secrets.token_hex(8)
        now = timezone.now()
        before = {"state": order.state, "paid_amount": order.paid_amount}
        outcome = credit_apply(order, amount, at=now)
        order.save(update_fields=["paid_amount", "state", "paid_at"])
        try:
            with transaction.atomic():
                BankEntry.objects.create(
                    statement=None, channel=BankEntry.Channel.COUNTER, bank_ref=f"CTR-{reference}",
                    virtual_account=order.virtual_account, amount=amount, booked_on=timezone.localdate(now),
                    order=order, outcome=outcome,
                )  # fmt: skip
        except IntegrityError:
            raise Conflict(_("This slip was already recorded."), field="reference") from None
        audit_record(
            actor=actor, action="payment.counter_confirm", obj=order, before=before,
            after={"state": order.state, "paid_amount": order.paid_amount, "reference": reference},
        )  # fmt: skip
        orders_settled([order], at=now)
        return payment_receipt_issue(order=order)


def gateway() -> PaymentGateway:
    """The configured backend (`EGOV_PAYMENT_GATEWAY`)."""
    return import_string(settings.EGOV_PAYMENT_GATEWAY)()
