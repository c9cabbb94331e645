"""Documents the petitions app issues (through egov.documents)."""

from egov.core.document_types import document_type

document_type(
    "petitions.receipt",
    title_ko="민원 접수증",
    title_en="Petition Receipt",
    template="documents/pdf/receipt.html",
)
