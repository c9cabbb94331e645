"""The disclosure request's receipt (정보공개청구 접수증), issued through documents once."""

from django.utils.translation import gettext as _

from egov.disclosure import selectors
from egov.documents.models import Document
from egov.documents.receipts import receipt_issue, receipt_subject


def request_receipt_issue(*, actor, number: str) -> Document:
    """The receipt of the actor's own disclosure request `number` (NotFound for anyone else's)."""
    request = selectors.request_get_for_requester(actor=actor, number=number)
    return receipt_issue(
        actor=actor,
        doc_type="disclosure.receipt",
        key=f"receipt:disclosure.request:{request.pk}",
        number=request.number,
        received_at=request.submitted_at,
        applicant=actor.resident.name_ko if actor.resident_id else actor.get_full_name() or actor.username,
        rows=[(_("Information requested"), request.title), (_("Agency"), request.agency.name_ko)],
        agency=request.agency,
        subject=receipt_subject(actor),
        due=request.due_at,
    )
