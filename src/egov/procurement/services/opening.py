"""The opening: committee members hand in their shares after the opening time; the second
valid share rebuilds the opening key in memory, every live bid is checked against its receipt
and decrypted, valid bids are ranked by price, and the record is public at once. A tender of
the multiple reserve price method also has its committed seed revealed and its reserve prices
drawn (`reserve`); valid bids below the floor amount are marked as such.

A share is recognised at once by its SHA-256, stored when it was made: a wrong share (another
member's, another tender's, mistyped) and a repeated one are refused and logged. Shares handed
in are erased when the opening completes; the key itself is never written anywhere.
"""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.core import keys
from egov.core.audit import audit_record
from egov.core.errors import Conflict, NotFound, ServiceError, ValidationFailed
from egov.procurement import crypto, reserve, store
from egov.procurement.models import Bid, CommitteeMember, ReserveDraw, Tender
from egov.procurement.selectors import lookup_text
from egov.procurement.services.bids import receipt_verify

logger = logging.getLogger(__name__)
THRESHOLD = 2


def _member(*, actor: User, number: str) -> tuple[Tender, CommitteeMember]:
    tender = Tender.objects.select_for_update().filter(number=lookup_text(number)).first()
    if tender is None:
        raise NotFound(_("No such tender."), field="tender")
    member = CommitteeMember.objects.filter(tender=tender, official_id=getattr(actor, "pk", None)).first()
    if member is None:
        raise NotFound(_("You are not on this tender's opening committee."), field="tender")
    if tender.state == Tender.State.CANCELLED:
        raise Conflict(_("This notice is cancelled: it is never opened."), field="tender", code="cancelled")
    if tender.state != Tender.State.PUBLISHED:
        raise Conflict(_("This tender is already opened."), field="tender")
    if timezone.now() < tender.opening_at:
        raise ValidationFailed(
            _("The opening is not before %(when)s.")
            % {"when": timezone.localtime(tender.opening_at).strftime("%Y-%m-%d %H:%M")},
            field="share",
            code="too_early",
        )
    return tender, member


@transaction.atomic
def opening_share_submit(*, actor: User, number: str, share: str) -> Tender:
    """A committee member hands in their share. With the second one the tender is opened."""
    try:
        tender, member = _member(actor=actor, number=number)
        if member.submitted_at:
            raise Conflict(_("You already handed in your share."), field="share", code="repeated_share")
        try:
            digest = crypto.share_digest(share)
        except crypto.SealError as exc:
            raise ValidationFailed(_("This is not a share: %(why)s.") % {"why": exc}, field="share") from None
        if digest != member.share_sha256:
            raise ValidationFailed(
                _("This is not your share of this tender's key."), field="share", code="wrong_share"
            )
    except ServiceError as exc:
        logger.warning(
            "procurement opening share refused: tender=%s code=%s", str(number)[:30], exc.code,
            extra={"user_id": getattr(actor, "pk", None)},
        )  # fmt: skip
        raise
    member.submitted_share = crypto.share_seal(share, tender_id=tender.pk)
    member.submitted_at = timezone.now()
    member.save(update_fields=["submitted_share", "submitted_at"])
    audit_record(
        actor=actor, action="procurement.opening_share_submit", obj=tender, after={"index": member.index}
    )
    shares = [
        crypto.share_unseal(blob, tender_id=tender.pk)
        for blob in tender.committee.filter(submitted_share__isnull=False).values_list(
            "submitted_share", flat=True
        )
    ]
    if len(shares) >= THRESHOLD:
        _open(tender=tender, shares=shares[:THRESHOLD], actor=actor)
    return tender


def _decrypt(*, bid: Bid, private_key, tender: Tender, key=None) -> tuple[int | None, str, list[int], str]:
    """(price, content, picks, invalid reason) of one bid. `key`: the platform key that signed
    the receipts (looked up once for all the bids)."""
    reason = receipt_verify(bid, key=key, number=tender.number)
    if reason:
        return None, "", [], reason
    brn = bid.supplier.business.brn
    try:
        plaintext = crypto.open_sealed(
            private_key=private_key, sealed=bid.sealed, tender_number=tender.number, brn=brn
        )
    except crypto.SealError as exc:
        return None, "", [], f"the sealed bid {exc}"
    try:
        price, content, picks = crypto.plaintext_validate(
            plaintext,
            tender_number=tender.number,
            brn=brn,
            picks_required=tender.award_method == Tender.AwardMethod.MULTIPLE_RESERVE_PRICE,
        )
    except crypto.SealError as exc:
        return None, "", [], str(exc)
    return price, content, picks, ""


def _open(*, tender: Tender, shares: list[str], actor: User) -> None:
    try:
        private_key = crypto.opening_key_combine(shares, bytes(tender.opening_public_key))
    except crypto.SealError as exc:  # cannot happen with shares that matched their digests
        raise ValidationFailed(
            _("The shares do not open this tender: %(why)s.") % {"why": exc}, field="share"
        ) from None
    bids = list(tender.bids.filter(state=Bid.State.LIVE).select_related("supplier__business"))
    key = keys.platform_key()
    for bid in bids:
        bid.tender = tender
        bid.price, bid.content, bid.picks, bid.invalid_reason = _decrypt(
            bid=bid, private_key=private_key, tender=tender, key=key
        )
        bid.content = bid.content[:20000]
    valid = sorted((b for b in bids if not b.invalid_reason), key=lambda b: (b.price, b.submitted_at, b.pk))
    for rank, bid in enumerate(valid, start=1):
        bid.rank = rank
    draw = None
    if tender.award_method == Tender.AwardMethod.MULTIPLE_RESERVE_PRICE:
        draw = _reserve_draw(tender=tender, bids=bids, valid=valid)
        for bid in valid:
            if bid.price < draw.floor_amount:
                bid.excluded_reason = f"below the floor amount of {draw.floor_amount:,} won"
    store.bid_results_write(bids)
    del private_key
    tender.committee.update(submitted_share=None)
    tender.state = Tender.State.OPENED
    tender.opened_at = timezone.now()
    tender.save(update_fields=["state", "opened_at"])
    audit_record(
        actor=actor,
        action="procurement.tender_open",
        obj=tender,
        after={
            "bids": len(bids),
            "valid": len(valid),
            "invalid": len(bids) - len(valid),
            **({"estimated_price": draw.estimated_price, "floor_amount": draw.floor_amount} if draw else {}),
        },
    )


def _reserve_draw(*, tender: Tender, bids: list[Bid], valid: list[Bid]) -> ReserveDraw:
    """Reveal the committed seed and make the public draw: 15 reserve prices from the seed and
    the hashes of every sealed bid live at the deadline, counted picks of the valid bids, the
    estimated price and the floor amount (`reserve` says how; anyone can recompute)."""
    try:
        seed = crypto.reserve_seed_unseal(tender.reserve_seed_sealed or b"", tender_id=tender.pk)
    except crypto.SealError:  # a refusal, not a 500: the opening is rolled back and can be retried
        raise Conflict(
            _("The reserve price seed cannot be read: the opening stops."), field="tender"
        ) from None
    if reserve.seed_commitment(seed) != tender.reserve_seed_commitment:
        raise Conflict(_("The reserve price seed does not match its published commitment."), field="tender")
    hashes = sorted(b.sealed_sha256 for b in bids)
    prices = reserve.reserve_prices_derive(seed, hashes, tender.base_price, tender.reserve_range_bp)
    counts, chosen, estimated = reserve.estimated_price_derive(prices, [b.picks for b in valid])
    draw = ReserveDraw.objects.create(
        tender=tender,
        seed=seed.hex(),
        seed_commitment=tender.reserve_seed_commitment,
        bid_hashes=hashes,
        base_price=tender.base_price,
        range_bp=tender.reserve_range_bp,
        prices=prices,
        pick_counts=counts,
        chosen=chosen,
        estimated_price=estimated,
        floor_rate=tender.floor_rate,
        floor_amount=reserve.floor_amount_derive(estimated, tender.floor_rate),
        drawn_at=timezone.now(),
    )
    tender.reserve_seed_sealed = None
    tender.save(update_fields=["reserve_seed_sealed"])
    return draw
