"""Documents the tax app issues."""

from egov.core.document_types import document_type

document_type(
    "tax.yearend_deductions",
    title_ko="연말정산 간소화 자료",
    title_en="Year-end Settlement Deduction Data",
    template="tax/documents/yearend.html",
)

document_type(
    "tax.withholding_receipt",
    title_ko="근로소득 원천징수영수증",
    title_en="Withholding Receipt for Earned Income",
    template="tax/documents/withholding.html",
)
