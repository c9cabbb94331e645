"""The bid's receipt (입찰서 접수증) issued through documents: printable, signed, with the QR. It
states the time and the SHA-256 of the sealed bid; never the amount, which the platform does
not know until opening — the bidder's own screen shows it from what the browser kept when it
sealed the bid (procurement/seal.js)."""

from django.utils.translation import gettext as _

from egov.core.errors import NotFound
from egov.documents.models import Document
from egov.documents.receipts import receipt_issue
from egov.procurement import selectors
from egov.procurement.models import Bid


def bid_receipt_issue(*, actor, number: str, bid_id: int) -> Document:
    """The receipt of a bid of one of the actor's suppliers in tender `number` (NotFound for
    anyone else's, or a bid replaced by a later one)."""
    tender = selectors.tender_get_public(number=number)
    bid = next((b for b in selectors.bid_list_for(actor=actor, tender=tender) if b.pk == bid_id), None)
    if bid is None or bid.state == Bid.State.REPLACED:
        raise NotFound(_("No such bid."), field="bid")
    business = bid.supplier.business
    return receipt_issue(
        actor=actor,
        doc_type="procurement.bid_receipt",
        key=f"receipt:procurement.bid:{bid.pk}",
        number=tender.number,
        received_at=bid.submitted_at,
        applicant=f"{business.name} ({business.brn_formatted})",
        rows=[
            (_("Tender"), tender.title),
            (_("Agency"), tender.agency.name_ko),
            (_("Sealed bid (SHA-256)"), bid.sealed_sha256),
            (_("Amount sealed"), _("Sealed: the platform does not know it until the opening.")),
        ],
        agency=tender.agency,
        subject=business,
    )
