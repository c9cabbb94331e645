"""Reads for the documents pages: a person's own documents, an agency's issued documents."""

from django.db.models import QuerySet

from egov.accounts.permissions import agency_scope_ids
from egov.documents.models import Document


def document_list_for(*, actor) -> QuerySet[Document]:
    """The documents about the user: a citizen's own, a representative's businesses'; none for
    anyone else."""
    documents = Document.objects.select_related("agency")
    if actor.is_business:
        return documents.filter(subject_business__in=actor.representations.values("business_id"))
    if actor.resident_id:
        return documents.filter(subject_resident_id=actor.resident_id)
    return documents.none()


def document_search_for(*, actor, number: str = "") -> QuerySet[Document]:
    """The documents issued by the official's agencies, those whose issuance number starts with
    the digits of `number` when one is given (none when it has no digits)."""
    documents = Document.objects.select_related("agency").filter(agency_id__in=agency_scope_ids(actor))
    if number:
        digits = "".join(ch for ch in number if ch.isdigit())
        documents = documents.filter(number__startswith=digits) if digits else documents.none()
    return documents
