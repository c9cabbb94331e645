"""The document type On-nara issues through `documents`: the enforced official document (시행문)
with its head, body, foot and the signed approval history."""

from egov.core.document_types import document_type

document_type(
    "edocs.official_document",
    title_ko="공문서",
    title_en="Official Document",
    template="edocs/pdf/official_document.html",
)
