"""The enforced document as a signed PDF through `documents` (type `edocs.official_document`):
head, body, foot and the approval line with each official's signing key."""

from django.utils import timezone

from egov.documents.services import document_issue
from egov.edocs.models import ApprovalStep, OfficialDocument


def recipient_label(r) -> str:
    """The head's 수신 line for one recipient: the agency and department, or the person (귀하)."""
    if r.resident_id:
        return f"{r.resident.name_ko} 귀하"
    if r.business_id:
        return f"{r.business.name} 대표자 귀하"
    return f"{r.agency.name_ko} {r.department.name_ko}" if r.department_id else r.agency.name_ko


def document_payload(document: OfficialDocument) -> dict:
    """What the PDF and its signed JSON twin hold: no personal data beyond the officials'
    names and titles as the foot of every official document shows them."""
    department = document.department
    line = []
    for step in document.steps.order_by("order"):
        at = timezone.localtime(step.acted_at).strftime("%Y-%m-%d %H:%M") if step.acted_at else ""
        outcome = str(ApprovalStep.Outcome(step.outcome).label)
        if step.post_approved_at:
            outcome += " / 후결"
        line.append(
            {
                "role": str(ApprovalStep.Role(step.role).label),
                "title": step.title,
                "name": step.name,
                "outcome": outcome,
                "at": at,
                "kid": step.kid,
            }
        )
    recipients = [
        recipient_label(r)
        for r in document.recipients.select_related("agency", "department", "resident", "business")
    ]
    return {
        "agency_name": document.agency.name_ko,
        "recipients": recipients,
        "in_reply_to": document.in_reply_to.receipt_number if document.in_reply_to_id else "",
        "title": document.title,
        "paragraphs": [p for p in document.content.splitlines() if p.strip()],
        "attachments": [{"name": f.original_name, "sha256": f.sha256} for f in document.files.order_by("id")],
        "sender": f"{document.agency.name_ko}장",
        "line": line,
        "registration_number": document.registration_number or "",
        "enforced_on": document.enforced_on.isoformat() if document.enforced_on else "",
        "department": department.name_ko,
        "address": department.address,
        "telephone": department.telephone,
        "disclosure": document.get_disclosure_display()
        + (f" ({document.disclosure_ground})" if document.disclosure_ground else ""),
        "content_sha256": document.content_sha256,
        "version": document.version,
    }


def document_pdf_issue(*, actor, document: OfficialDocument) -> OfficialDocument:
    """Issue the enforced document's signed PDF (called inside the approving or dispatching
    transaction) and link it to the document."""
    issued = document_issue(
        actor=actor,
        doc_type="edocs.official_document",
        subject=None,
        payload=document_payload(document),
        agency=document.agency,
    )
    document.issued_document = issued
    document.save(update_fields=["issued_document"])
    return document
