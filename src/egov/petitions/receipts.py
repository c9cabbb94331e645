"""The petition's receipt (민원 접수증), issued through documents once and the same after."""

from django.utils.translation import gettext as _

from egov.documents.models import Document
from egov.documents.receipts import receipt_issue, receipt_subject
from egov.petitions import selectors


def petition_receipt_issue(*, actor, number: str) -> Document:
    """The receipt of the actor's own petition `number` (NotFound for anyone else's)."""
    petition = selectors.petition_get_for_petitioner(actor=actor, number=number)
    return receipt_issue(
        actor=actor,
        doc_type="petitions.receipt",
        key=f"receipt:petitions.petition:{petition.pk}",
        number=petition.number,
        received_at=petition.submitted_at,
        applicant=actor.resident.name_ko if actor.resident_id else actor.get_full_name() or actor.username,
        rows=[
            (_("Kind"), petition.get_kind_display()),
            (_("Title"), petition.title),
            (_("Agency"), petition.agency.name_ko),
        ],
        agency=petition.agency,
        subject=receipt_subject(actor),
        due=petition.due_at,
    )
