"""Documents the payments app issues."""

from egov.core.document_types import document_type

document_type(
    "payments.receipt",
    title_ko="영수증",
    title_en="Receipt",
    template="payments/documents/receipt.html",
)
