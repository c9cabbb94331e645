"""Sealed bids: submitted, replaced or withdrawn until the deadline, by the server's clock.

The server sees only the sealed string (`crypto`); it checks its form, not its content.
Who may bid is checked at every bid, against the business register as it is now: a
registered supplier, represented by the actor, active (not closed or suspended), supplying
one of the tender's categories. Refusals are logged (no personal data) before they are raised.
"""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.core import keys
from egov.core.audit import audit_record
from egov.core.errors import Conflict, NotFound, ServiceError, ValidationFailed
from egov.procurement import crypto
from egov.procurement.models import Bid, Supplier, Tender
from egov.procurement.services.suppliers import business_for_representative, business_require_active

logger = logging.getLogger(__name__)


def _refused(exc: ServiceError, *, actor, tender: str, action: str) -> ServiceError:
    logger.warning(
        "procurement %s refused: tender=%s code=%s field=%s", action, tender, exc.code, exc.field,
        extra={"user_id": getattr(actor, "pk", None)},
    )  # fmt: skip
    return exc


def _bidder(*, actor: User, number: str, brn: str) -> tuple[Tender, Supplier, dt.datetime]:
    """The tender, the supplier (row locked) and the time that decided "before the deadline"."""
    tender = Tender.objects.filter(number=number).first()
    if tender is None:
        raise NotFound(_("No such tender."), field="tender")
    business = business_for_representative(actor=actor, brn=brn)
    # The supplier row is the lock: one supplier's bids on any tender are serialised.
    supplier = Supplier.objects.select_for_update().filter(business=business).first()
    if supplier is None:
        raise ValidationFailed(
            _("This business is not a registered supplier."), field="brn", code="not_supplier"
        )
    business.refresh_from_db(fields=["status"])
    business_require_active(business)
    if tender.state != Tender.State.PUBLISHED:
        raise Conflict(_("This tender no longer takes bids."), field="tender")
    now = timezone.now()  # taken after the lock: the time the receipt states is the time checked
    if now >= tender.deadline:
        raise ValidationFailed(_("The submission deadline has passed."), field="deadline", code="late")
    if tender.committee.filter(collected_at__isnull=True).exists():
        raise Conflict(_("Bidding opens when the opening committee has its key shares."), field="tender")
    return tender, supplier, now


def receipt_payload(bid: Bid) -> dict:
    return {
        "type": "egov.procurement.bid-receipt",
        "tender": bid.tender.number,
        "supplier": bid.supplier.business.brn,
        "bid": bid.pk,
        "submitted_at": bid.submitted_at.isoformat(),
        "sealed_sha256": bid.sealed_sha256,
    }


def receipt_verify(bid: Bid) -> str:
    """'' when the bid's stored sealed string matches its receipt and the platform's signature
    on the receipt holds; otherwise the reason."""
    key = keys.platform_key()
    try:
        signature = crypto.b64u_decode(bid.receipt_signature)
    except crypto.SealError:
        return "the receipt's signature is malformed"
    if bid.receipt_key_id != key.key_id or not keys.signature_valid(
        key.public_key, signature, bid.receipt.encode()
    ):
        return "the receipt's signature does not verify"
    if crypto.canonical(receipt_payload(bid)).decode() != bid.receipt:
        return "the receipt does not match the bid"
    if crypto.sealed_digest(bid.sealed) != bid.sealed_sha256:
        return "the sealed bid does not match the hash in its receipt"
    return ""


@transaction.atomic
def bid_submit(*, actor: User, number: str, brn: str, sealed: str) -> Bid:
    """Take a sealed bid from the supplier `brn` (represented by `actor`) for tender `number`.
    A live bid of the same supplier is replaced. Returns the bid with its signed receipt."""
    try:
        tender, supplier, now = _bidder(actor=actor, number=number, brn=brn)
        if not set(supplier.categories) & set(tender.categories):
            raise ValidationFailed(
                _("The supplier is not registered for this tender's product categories."),
                field="brn",
                code="not_eligible",
            )
        try:
            crypto.sealed_parse(sealed)
        except crypto.SealError as exc:
            raise ValidationFailed(
                _("The sealed bid is malformed: %(why)s.") % {"why": exc}, field="sealed"
            ) from None
    except ServiceError as exc:
        raise _refused(exc, actor=actor, tender=str(number)[:30], action="bid") from None
    replaced = list(
        Bid.objects.filter(tender=tender, supplier=supplier, state=Bid.State.LIVE).values_list(
            "pk", flat=True
        )
    )
    Bid.objects.filter(pk__in=replaced).update(state=Bid.State.REPLACED, state_changed_at=now)
    bid = Bid.objects.create(
        tender=tender,
        supplier=supplier,
        submitted_by=actor,
        sealed=sealed,
        sealed_sha256=crypto.sealed_digest(sealed),
        submitted_at=now,
        receipt="",
        receipt_signature="",
    )
    key = keys.platform_key()
    bid.receipt = crypto.canonical(receipt_payload(bid)).decode()
    bid.receipt_signature = crypto.b64u(key.sign(bid.receipt.encode()))
    bid.receipt_key_id = key.key_id
    bid.save(update_fields=["receipt", "receipt_signature", "receipt_key_id"])
    audit_record(
        actor=actor,
        action="procurement.bid_submit",
        obj=bid,
        after={"tender": tender.number, "sealed_sha256": bid.sealed_sha256, "replaced": replaced},
    )
    return bid


@transaction.atomic
def bid_withdraw(*, actor: User, number: str, brn: str) -> Bid:
    """Withdraw the supplier's live bid before the deadline."""
    try:
        tender, supplier, now = _bidder(actor=actor, number=number, brn=brn)
        bid = Bid.objects.filter(tender=tender, supplier=supplier, state=Bid.State.LIVE).first()
        if bid is None:
            raise NotFound(_("There is no bid to withdraw."), field="bid")
    except ServiceError as exc:
        raise _refused(exc, actor=actor, tender=str(number)[:30], action="withdrawal") from None
    bid.state = Bid.State.WITHDRAWN
    bid.state_changed_at = now
    bid.save(update_fields=["state", "state_changed_at"])
    audit_record(actor=actor, action="procurement.bid_withdraw", obj=bid, after={"state": bid.state})
    return bid
