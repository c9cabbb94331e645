"""The application's receipt (민원 접수증), issued through documents once and the same after."""

from django.utils.translation import gettext as _

from egov.civil import selectors
from egov.core.errors import NotFound
from egov.documents.models import Document
from egov.documents.receipts import receipt_issue


def application_receipt_issue(*, actor, number: str) -> Document:
    """The receipt of the actor's own application `number` (NotFound for anyone else's)."""
    application = selectors.application_get_for(actor=actor, number=number)
    if application.applicant_id != getattr(actor, "pk", None):
        raise NotFound(_("No such application."), field="application")
    return receipt_issue(
        actor=actor,
        doc_type="civil.application_receipt",
        key=f"receipt:civil.application:{application.pk}",
        number=application.number,
        received_at=application.submitted_at,
        applicant=application.subject.name_ko,
        rows=[(_("Service"), application.service.name_ko), (_("Agency"), application.agency.name_ko)],
        agency=application.agency,
        subject=application.subject,
        due=application.due_at,
    )
