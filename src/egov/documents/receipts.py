"""접수증 (receipts of filing): one signed document per filed case or sealed bid, issued through
`document_issue_once` the first time its owner asks and the same one after. The issuing app
declares the type (`<app>/documents.py`, template `documents/pdf/receipt.html`) and gives the
rows; this module gives every receipt the same shape."""

import datetime as dt

from django.utils import timezone

from egov.documents.models import Document
from egov.documents.services import document_issue_once
from egov.registry.models import Agency

RECEIPT_TEMPLATE = "documents/pdf/receipt.html"


def receipt_subject(user):
    """Whom a receipt is about, so that its filer may read it: the citizen's register entry,
    or the business a representative files for (their first representation)."""
    if getattr(user, "resident_id", None):
        return user.resident
    representation = user.representations.select_related("business").order_by("pk").first()
    return representation.business if representation else None


def receipt_issue(
    *,
    actor,
    doc_type: str,
    key: str,
    number: str,
    received_at: dt.datetime,
    applicant: str,
    rows: list[tuple[str, str]],
    agency: Agency,
    subject,
    due: dt.datetime | None = None,
) -> Document:
    """The receipt for `key` (issued once): the case's number, when it was received, who filed
    it, the app's rows (label, value) and, for a case on a clock, by when it will be handled."""
    payload = {
        "number": number,
        "received_at": timezone.localtime(received_at).strftime("%Y-%m-%d %H:%M"),
        "applicant": applicant,
        "rows": [{"label": str(label), "value": str(value)} for label, value in rows],
        "due": timezone.localtime(due).strftime("%Y-%m-%d") if due else "",
    }
    return document_issue_once(
        key=key, actor=actor, doc_type=doc_type, subject=subject, payload=payload, agency=agency
    )
