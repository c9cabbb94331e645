"""On-nara's public documents offered to the disclosure app's proactive publication list
(원문정보 공개) through `core.proactive`: enforced (dispatched or internally approved) documents
graded public, still held (not disposed), latest version only. Partly public and not public
documents are never listed."""

from egov.core.proactive import ProactiveItem, proactive_source
from egov.edocs.models import Disclosure, OfficialDocument


@proactive_source("edocs")
def public_documents(*, agency_code: str = "", limit: int = 200) -> list[ProactiveItem]:
    rows = (
        OfficialDocument.objects.select_related("agency", "department", "issued_document")
        .filter(
            disclosure=Disclosure.PUBLIC,
            state__in=("approved", "dispatched"),
            enforced_on__isnull=False,
            records_state__in=("active", "transferred"),
            superseded_by__isnull=True,
        )
        .order_by("-enforced_on", "-id")
    )
    if agency_code:
        rows = rows.filter(agency__code=agency_code)
    return [
        ProactiveItem(
            agency_code=d.agency.code,
            agency_name_ko=d.agency.name_ko,
            agency_name_en=d.agency.name_en,
            title=d.title,
            reference=d.registration_number or "",
            department=d.department.name_ko,
            published_on=d.enforced_on,
            verify_number=d.issued_document.number if d.issued_document_id else "",
        )
        for d in rows[:limit]
    ]
