"""The enforced document as a signed PDF through `documents` (type `edocs.official_document`):
head, body, foot and the approval line with each official's signing key."""

from django.utils import timezone

from egov.documents.services import document_issue
from egov.edocs.models import ApprovalStep, OfficialDocument

# the head of an agency by how its name ends (기관장 직함), longest ending first: 종로구 →
# 종로구청장, 서울특별시 → 서울특별시장, 경기도 → 경기도지사, 행정안전부 → 행정안전부장관
HEAD_TITLES = (
    ("교육청", "교육감"),
    ("특별자치도", "특별자치도지사"),
    ("특별자치시", "특별자치시장"),
    ("특별시", "특별시장"),
    ("광역시", "광역시장"),
    ("위원회", "위원장"),
    ("구청", "구청장"),
    ("시청", "시장"),
    ("군청", "군수"),
    ("도청", "도지사"),
    ("구", "구청장"),
    ("시", "시장"),
    ("군", "군수"),
    ("도", "도지사"),
    ("부", "부장관"),
    ("처", "처장"),
    ("청", "청장"),
    ("원", "원장"),
    ("실", "실장"),
)


def agency_head_title(name_ko: str) -> str:
    """The head's title as the sender line (발신명의) of the agency's documents writes it."""
    name = name_ko.strip()
    for ending, title in HEAD_TITLES:
        if name.endswith(ending):
            return name[: -len(ending)] + title
    return f"{name}의 장"


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
        "sender": agency_head_title(document.agency.name_ko),
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
