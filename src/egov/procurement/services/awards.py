"""Award after the opening. Implemented: lowest price — the valid bid ranked first (lowest
price; on a tie, the earlier receipt). The multiple reserve price method (복수예비가격) is refused
for now with a clear reason: it needs the committed-seed draw of issue 7 §5."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.accounts.permissions import require_role
from egov.core.audit import audit_record
from egov.core.errors import Conflict, ValidationFailed
from egov.procurement.models import Award, Bid, Tender
from egov.procurement.selectors import tender_get_for
from egov.procurement.services.tenders import PROCUREMENT_ROLE


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
    if tender.award_method != Tender.AwardMethod.LOWEST_PRICE:
        raise ValidationFailed(
            _("Awards by the multiple reserve price method are not available yet."),
            field="award_method",
            code="not_supported",
        )
    winner = (
        Bid.objects.filter(tender=tender, state=Bid.State.LIVE, rank=1)
        .select_related("supplier__business")
        .first()
    )
    if winner is None:
        raise ValidationFailed(
            _("No valid bid: the tender cannot be awarded."), field="tender", code="no_valid_bid"
        )
    valid = Bid.objects.filter(tender=tender, state=Bid.State.LIVE, rank__isnull=False).count()
    reason = _("Lowest price among %(valid)d valid bids: %(price)s won by %(name)s.") % {
        "valid": valid,
        "price": f"{winner.price:,}",
        "name": winner.supplier.business.name,
    }
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
        after={"bid": winner.pk, "amount": winner.price},
        reason=reason,
    )
    return award
