"""Reads for the payer's and the officials' pages."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from egov.accounts.permissions import agency_scope_ids, has_role
from egov.core.errors import NotFound, PermissionDenied
from egov.payments.models import PaymentOrder, Reconciliation, RefundFile
from egov.payments.virtual_accounts import virtual_account_clean


def payment_order_list_for(*, actor, payable: bool = False) -> QuerySet[PaymentOrder]:
    """The orders `actor` is the payer of, newest first (`payable`: only those still to pay).
    My payments shows them a page at a time."""
    orders = PaymentOrder.objects.filter(payer=actor).select_related("agency", "receipt")
    if payable:
        orders = orders.filter(state__in=PaymentOrder.PAYABLE_STATES)
    return orders


def _official(actor) -> set[int]:
    if not getattr(actor, "is_official", False) or not (
        has_role(actor, "registrar") or has_role(actor, "viewer")
    ):
        raise PermissionDenied(_("Only officials see the reconciliation queue."))
    return agency_scope_ids(actor)


def reconciliation_list_for(*, actor, limit: int = 200) -> list[Reconciliation]:
    """Open items of the queue in `actor`'s agency scope, oldest first."""
    scope = _official(actor)
    return list(
        Reconciliation.objects.filter(resolution="", agency_id__in=scope)
        .select_related("entry", "entry__order", "entry__statement")
        .order_by("created_at", "id")[:limit]
    )


def reconciliation_get_for(*, actor, item_id: int) -> Reconciliation:
    scope = _official(actor)
    item = Reconciliation.objects.select_related("entry", "entry__order").filter(pk=item_id).first()
    if item is None or item.agency_id not in scope:
        raise NotFound(_("No such payment in your queue."), field="item")
    return item


def payment_order_get_for_official(*, actor, virtual_account: str) -> PaymentOrder:
    """The order of a virtual account, for an official of its agency (the counter)."""
    scope = _official(actor)
    account = virtual_account_clean(virtual_account)
    order = (
        PaymentOrder.objects.select_related("agency", "payer_resident")
        .filter(virtual_account=account)
        .first()
    )
    if order is None or order.agency_id not in scope:
        raise NotFound(_("No order has this virtual account."), field="virtual_account")
    return order


def refund_file_list_for(*, actor) -> list[RefundFile]:
    _official(actor)
    return list(RefundFile.objects.all()[:20])


def refund_file_get_for(*, actor, message_id: str) -> RefundFile:
    _official(actor)
    found = RefundFile.objects.filter(message_id=message_id).first()
    if found is None:
        raise NotFound(_("No such refund file."), field="message_id")
    return found
