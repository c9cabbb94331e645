"""Sealed bids: submitted, replaced or withdrawn until the deadline, by the server's clock.

The server sees only the sealed string (`crypto`); it checks its form, not its content.
Who may bid is checked at every bid, against the business register as it is now: a
registered supplier, represented by the actor, active (not closed or suspended), supplying
one of the tender's categories. Refusals are logged (no personal data) before they are raised.

The rules are decided here, in Python, on every database, on facts `procurement.store`
reads with the supplier's row locked; the store writes what was decided.
"""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.core import keys
from egov.core.audit import audit_record, audit_row
from egov.core.errors import Conflict, NotFound, PermissionDenied, ServiceError, ValidationFailed
from egov.procurement import crypto, store
from egov.procurement.models import Bid, Tender
from egov.procurement.selectors import lookup_text
from egov.procurement.services.suppliers import business_require_active, require_business_user
from egov.registry.models import Business

logger = logging.getLogger(__name__)


def _refused(exc: ServiceError, *, actor, tender: str, action: str) -> ServiceError:
    logger.warning(
        "procurement %s refused: tender=%s code=%s field=%s", action, tender, exc.code, exc.field,
        extra={"user_id": getattr(actor, "pk", None)},
    )  # fmt: skip
    return exc


def _require_published(state: str) -> None:
    """A cancelled notice (its bids stay sealed for good) or an opened one takes no bid."""
    if state == Tender.State.CANCELLED:
        raise Conflict(_("This notice is cancelled: it takes no bids."), field="tender", code="cancelled")
    if state != Tender.State.PUBLISHED:
        raise Conflict(_("This tender no longer takes bids."), field="tender")


def _bidder_check(facts: store.BidderFacts, *, actor: User) -> dt.datetime:
    """Every rule on who may bid (or withdraw) now, in the order a refusal names the first
    one broken; returns the time that decided "before the deadline", taken after the lock."""
    if facts.tender_id is None:
        raise NotFound(_("No such tender."), field="tender")
    require_business_user(actor)
    if facts.business_id is None:
        raise NotFound(_("No business with this registration number."), field="brn")
    if not facts.represented:
        raise PermissionDenied(_("You do not represent this business."))
    if facts.supplier_id is None:
        raise ValidationFailed(
            _("This business is not a registered supplier."), field="brn", code="not_supplier"
        )
    business_require_active(Business(status=facts.business_status))
    _require_published(facts.tender_state)
    now = timezone.now()  # taken after the lock: the time the receipt states is the time checked
    if now >= facts.deadline:
        raise ValidationFailed(_("The submission deadline has passed."), field="deadline", code="late")
    if facts.committee_waiting:
        raise Conflict(_("Bidding opens when the opening committee has its key shares."), field="tender")
    return now


def _brn(brn) -> str:
    brn = lookup_text(brn).replace("-", "").strip()
    return brn if brn.isdigit() and len(brn) == 10 else ""


def receipt_payload(bid: Bid, *, number: str | None = None, brn: str | None = None) -> dict:
    """What the receipt signs. `number` and `brn`, when the caller has them, spare the look-ups
    of the bid's tender and supplier."""
    return {
        "type": "egov.procurement.bid-receipt",
        "tender": number if number is not None else bid.tender.number,
        "supplier": brn if brn is not None else bid.supplier.business.brn,
        "bid": bid.pk,
        "submitted_at": bid.submitted_at.isoformat(),
        "sealed_sha256": bid.sealed_sha256,
    }


def receipt_verify(bid: Bid, *, key: keys.PlatformKey | None = None, number: str | None = None) -> str:
    """'' when the bid's stored sealed string matches its receipt and the platform's signature
    on the receipt holds; otherwise the reason. `key` (the platform key) and `number` (the
    tender's) spare the opening their look-up for each of its bids."""
    key = key or keys.platform_key()
    try:
        signature = crypto.b64u_decode(bid.receipt_signature)
    except crypto.SealError:
        return "the receipt's signature is malformed"
    if bid.receipt_key_id != key.key_id or not keys.signature_valid(
        key.public_key, signature, bid.receipt.encode()
    ):
        return "the receipt's signature does not verify"
    if crypto.canonical(receipt_payload(bid, number=number)).decode() != bid.receipt:
        return "the receipt does not match the bid"
    if crypto.sealed_digest(bid.sealed) != bid.sealed_sha256:
        return "the sealed bid does not match the hash in its receipt"
    return ""


def bid_submit(*, actor: User, number: str, brn: str, sealed: str) -> Bid:
    """Take a sealed bid from the supplier `brn` (represented by `actor`) for tender `number`.
    A live bid of the same supplier is replaced. Returns the bid with its signed receipt.

    Its own transaction, or a savepoint in the caller's (`store.bid_transaction`; on
    PostgreSQL outside a transaction, two round trips to the server)."""
    number, brn = lookup_text(number), _brn(brn)
    try:
        with store.bid_transaction(number=number, brn=brn, user_id=getattr(actor, "pk", None)) as tx:
            facts = tx.facts
            now = _bidder_check(facts, actor=actor)
            _eligible_and_well_formed(facts.supplier_categories, facts.tender_categories, sealed)
            digest = crypto.sealed_digest(sealed)
            decided = store.BidWrite(
                tender_id=facts.tender_id,
                supplier_id=facts.supplier_id,
                submitted_by_id=actor.pk,
                sealed=sealed,
                sealed_sha256=digest,
                submitted_at=now,
                replaced_ids=facts.live_bid_ids,
                audit=audit_row(
                    actor=actor,
                    action="procurement.bid_submit",
                    object_type=Bid._meta.label_lower,
                    object_id="",
                    after={"tender": number, "sealed_sha256": digest, "replaced": facts.live_bid_ids},
                ),
            )
            bid = tx.bid_write(decided, sign=lambda bid: _receipt_sign(bid, number=number, brn=brn))
    except ServiceError as exc:
        raise _refused(exc, actor=actor, tender=str(number)[:30], action="bid") from None
    bid.submitted_by = actor
    return bid


def _eligible_and_well_formed(categories: list, tender_categories: list, sealed: str) -> None:
    if not set(categories) & set(tender_categories):
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


def _receipt_sign(bid: Bid, *, number: str, brn: str) -> None:
    key = keys.platform_key()
    bid.receipt = crypto.canonical(receipt_payload(bid, number=number, brn=brn)).decode()
    bid.receipt_signature = crypto.b64u(key.sign(bid.receipt.encode()))
    bid.receipt_key_id = key.key_id


@transaction.atomic
def bid_withdraw(*, actor: User, number: str, brn: str) -> Bid:
    """Withdraw the supplier's live bid before the deadline."""
    number, brn = lookup_text(number), _brn(brn)
    try:
        facts = store.bidder_facts(number=number, brn=brn, user_id=getattr(actor, "pk", None))
        now = _bidder_check(facts, actor=actor)
        bid = Bid.objects.filter(pk__in=facts.live_bid_ids).first()
        if bid is None:
            raise NotFound(_("There is no bid to withdraw."), field="bid")
    except ServiceError as exc:
        raise _refused(exc, actor=actor, tender=str(number)[:30], action="withdrawal") from None
    bid.state = Bid.State.WITHDRAWN
    bid.state_changed_at = now
    bid.save(update_fields=["state", "state_changed_at"])
    audit_record(actor=actor, action="procurement.bid_withdraw", obj=bid, after={"state": bid.state})
    return bid
