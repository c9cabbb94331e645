"""Documents e-procurement issues (declared here, issued through egov.documents)."""

from egov.core.document_types import document_type

document_type(
    "procurement.contract",
    title_ko="물품·용역 계약서",
    title_en="Public Procurement Contract",
    template="procurement/documents/contract.html",
)
document_type(
    "procurement.bid_receipt",
    title_ko="입찰서 접수증",
    title_en="Bid Receipt",
    template="procurement/documents/bid_receipt.html",
)
