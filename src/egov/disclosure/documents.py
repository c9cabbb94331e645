"""Documents the disclosure app issues (through egov.documents)."""

from egov.core.document_types import document_type

document_type(
    "disclosure.receipt",
    title_ko="정보공개청구 접수증",
    title_en="Disclosure Request Receipt",
    template="documents/pdf/receipt.html",
)
