"""Award after the opening, by the tender's award method, then its qualification scoring.

- Lowest price: the valid bids in price order (earlier receipt first on a tie).
- Multiple reserve price (복수예비가격): the same order, leaving out the bids below the floor
  amount of the draw made at the opening (`reserve`).
- With a scoring rule set (`scoring`), every remaining bid is scored on the facts of the
  award date (past awards on this platform, business age from the business register); the
  lowest-priced bid that reaches the pass mark wins. Scores are stored on the bids and public.

The award and its reason are public at once (the notice, the API, the OCDS release).
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.accounts.permissions import require_role
from egov.core.audit import audit_record
from egov.core.errors import Conflict, ValidationFailed
from egov.core.notifications import notification_send
from egov.procurement import scoring
from egov.procurement.models import Award, Bid, ReserveDraw, Tender
from egov.procurement.selectors import tender_get_for
from egov.procurement.services.tenders import PROCUREMENT_ROLE


def _business_years(opened_on, today) -> int:
    years = today.year - opened_on.year
    return years - 1 if (today.month, today.day) < (opened_on.month, opened_on.day) else years


def _score(tender: Tender, candidates: list[Bid]) -> None:
    """Score every candidate under the tender's rule set; failing ones get their reason."""
    rules = tender.scoring_rules
    today = timezone.localdate()
    lowest = min(b.price for b in candidates)
    suppliers = {b.supplier_id for b in candidates}
    past = {s: 0 for s in suppliers}
    for supplier_id in (
        Award.objects.filter(bid__supplier_id__in=suppliers)
        .exclude(tender=tender)
        .values_list("bid__supplier_id", flat=True)
    ):
        past[supplier_id] += 1
    for bid in candidates:
        bid.score = scoring.score(
            rules,
            price=bid.price,
            lowest_price=lowest,
            awards=past[bid.supplier_id],
            business_years=max(0, _business_years(bid.supplier.business.opened_on, today)),
        )
        if not bid.score["passed"]:
            bid.excluded_reason = (
                f"qualification score {bid.score['total']} is below the pass mark {bid.score['pass_mark']}"
            )


def _reason(tender: Tender, winner: Bid, *, valid: int, draw: ReserveDraw | None) -> str:
    values = {"valid": valid, "price": f"{winner.price:,}", "name": winner.supplier.business.name}
    if draw is None:
        reason = _("Lowest price among %(valid)d valid bids: %(price)s won by %(name)s.") % values
    else:
        reason = _(
            "Multiple reserve price: the estimated price is %(estimated)s won (the average of reserve "
            "prices %(chosen)s), the floor %(floor)s won (%(rate)s%%). Lowest of the %(valid)d valid bids "
            "at or above the floor: %(price)s won by %(name)s."
        ) % {
            **values,
            "estimated": f"{draw.estimated_price:,}",
            "chosen": ", ".join(str(n) for n in draw.chosen),
            "floor": f"{draw.floor_amount:,}",
            "rate": draw.floor_rate,
        }
    if winner.score:
        reason += " " + _("Qualification score %(total)s (pass mark %(mark)s).") % {
            "total": winner.score["total"],
            "mark": winner.score["pass_mark"],
        }
    return reason


@transaction.atomic
def tender_award(*, actor: User, number: str) -> Award:
    """Award an opened tender of the actor's agency by its award method; the award and its
    reason are public at once (and in the OCDS release)."""
    tender = tender_get_for(actor=actor, number=number, lock=True)
    require_role(actor, PROCUREMENT_ROLE, agency_id=tender.agency_id)
    if tender.state != Tender.State.OPENED:
        raise Conflict(_("A tender is awarded after its opening."), field="tender")
    if Award.objects.filter(tender=tender).exists():
        raise Conflict(_("This tender is already awarded."), field="tender")
    bids = list(
        Bid.objects.filter(tender=tender, state=Bid.State.LIVE, rank__isnull=False)
        .select_related("supplier__business")
        .order_by("rank")
    )
    if not bids:
        raise ValidationFailed(
            _("No valid bid: the tender cannot be awarded."), field="tender", code="no_valid_bid"
        )
    draw = ReserveDraw.objects.filter(tender=tender).first()
    if tender.award_method == Tender.AwardMethod.MULTIPLE_RESERVE_PRICE and draw is None:
        raise Conflict(_("The reserve price draw of this tender is missing."), field="tender")
    candidates = [b for b in bids if not b.excluded_reason]  # below the floor already excluded
    if candidates and tender.scoring_rules:
        _score(tender, candidates)
        Bid.objects.bulk_update(candidates, ["score", "excluded_reason"], batch_size=500)
    winner = next((b for b in candidates if not b.excluded_reason), None)
    if winner is None:
        raise ValidationFailed(
            _(
                "No valid bid can be awarded: each is below the floor amount "
                "or fails the qualification scoring."
            ),
            field="tender",
            code="no_eligible_bid",
        )
    reason = _reason(tender, winner, valid=len(candidates) if draw else len(bids), draw=draw)
    try:
        with transaction.atomic():
            award = Award.objects.create(
                tender=tender,
                bid=winner,
                amount=winner.price,
                reason=reason,
                awarded_by=actor,
                awarded_at=timezone.now(),
            )
    except IntegrityError:
        raise Conflict(_("This tender is already awarded."), field="tender") from None
    audit_record(
        actor=actor,
        action="procurement.tender_award",
        obj=tender,
        after={
            "bid": winner.pk,
            "amount": winner.price,
            "scores": {b.pk: b.score for b in candidates if b.score},
        },
        reason=reason,
    )
    _bidders_notify(tender, winner)
    return award


def _bidders_notify(tender: Tender, winner: Bid) -> None:
    """Every bidder waits for the result: the winner is told of the award, the others that the
    tender went to another supplier (one notification per bid, after commit by e-mail)."""
    link = f"/procurement/tenders/{tender.number}/"
    for bid in Bid.objects.filter(tender=tender, state=Bid.State.LIVE).select_related("submitted_by"):
        won = bid.pk == winner.pk
        notification_send(
            user=bid.submitted_by,
            key=f"tender-award:{tender.pk}:{bid.pk}",
            topic="tender",
            title_ko=f"{'낙찰' if won else '입찰 결과'}: {tender.title}",
            title_en=f"{'Awarded to you' if won else 'Tender result'}: {tender.title}",
            body=f"공고번호 {tender.number}" + ("" if won else " · 다른 업체가 낙찰되었습니다."),
            link=link,
        )
