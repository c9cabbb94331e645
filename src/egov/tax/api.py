"""HomeTax APIs under /api/v1/tax/ (docs/tax.md).

A business representative's software issues e-tax invoices with the representative's portal
session (send the CSRF token in `X-CSRFToken`): one at a time (`POST /invoices`) or up to 1,000
in one request (`POST /invoices/batch`), where each item is answered on its own — accepted,
already received (the same `issuer_ref` with the same content), or refused naming its field.
Issuer and buyer read their invoices back, as JSON, as the signed CII XML, or as a PDF/A-3 with
the XML embedded (Factur-X).
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.security import SessionAuth

from egov.core.api_schemas import BRN_PATTERN, Error
from egov.tax import pdf, selectors
from egov.tax.models import TaxInvoice
from egov.tax.services import invoices

router = Router(tags=["tax"])


class PortalSessionAuth(SessionAuth):
    """The portal session, with its CSRF check."""

    def __call__(self, request: HttpRequest):
        if "HTTP_AUTHORIZATION" in request.META:
            return None
        return super().__call__(request)


AUTH = [PortalSessionAuth()]


class TaxInvoiceLineIn(Schema):
    name: str = Field(..., max_length=100)
    quantity: int = Field(1)
    unit_price: int = Field(0, ge=0)
    supply_amount: int = Field(...)
    tax_amount: int = Field(...)
    tax_rate: int = Field(10, description="10 (standard) or 0 (zero-rated, 영세율)")


class TaxInvoiceIn(Schema):
    issuer_brn: str = Field(..., pattern=BRN_PATTERN)
    issuer_ref: str = Field(
        ..., min_length=1, max_length=64, description="Your own invoice id: the idempotency key"
    )
    buyer_brn: str = Field(..., pattern=BRN_PATTERN)
    write_date: dt.date = Field(..., description="작성일자, the date of supply")
    supply_amount: int = Field(...)
    tax_amount: int = Field(...)
    total_amount: int = Field(...)
    lines: list[TaxInvoiceLineIn] = Field(..., min_length=1, max_length=99)
    amends: str | None = Field(None, max_length=26, description="Approval number of the invoice amended")
    amendment_reason: str | None = Field(None, max_length=1, description="수정사유 1-6")


class TaxInvoiceBatchIn(Schema):
    issuer_brn: str = Field(..., pattern=BRN_PATTERN)
    invoices: list[dict[str, Any]] = Field(
        ...,
        min_length=1,
        max_length=invoices.MAX_BATCH,
        description="Items shaped as TaxInvoiceIn, without issuer_brn",
    )


class TaxInvoiceOut(Schema):
    approval_number: str
    issuer_ref: str
    issuer_brn: str
    buyer_brn: str
    kind: str
    original: str | None
    write_date: dt.date
    period: str
    supply_amount: int
    tax_amount: int
    total_amount: int
    sha256: str
    signature: str
    key_id: str
    received_at: dt.datetime
    already: bool = False


class TaxInvoiceItemOut(Schema):
    """One item of a batch: "received" or "already" with its approval number (the whole
    invoice is at GET /invoices/{approval_number}), or "refused" with the error."""

    index: int
    status: str
    approval_number: str | None = None
    error: Error | None = None


class TaxInvoiceBatchOut(Schema):
    received: int
    already: int
    refused: int
    results: list[TaxInvoiceItemOut]


def _out(invoice: TaxInvoice, already: bool = False) -> dict:
    return {
        "approval_number": invoice.approval_number, "issuer_ref": invoice.issuer_ref,
        "issuer_brn": invoice.issuer.brn, "buyer_brn": invoice.buyer.brn, "kind": invoice.kind,
        "original": invoice.original.approval_number if invoice.original_id else None,
        "write_date": invoice.write_date, "period": invoice.period, "supply_amount": invoice.supply_amount,
        "tax_amount": invoice.tax_amount, "total_amount": invoice.total_amount, "sha256": invoice.sha256,
        "signature": invoice.signature, "key_id": invoice.key_id, "received_at": invoice.received_at,
        "already": already,
    }  # fmt: skip


@router.post(
    "/invoices",
    auth=AUTH,
    response={200: TaxInvoiceOut, 201: TaxInvoiceOut, 400: Error, 403: Error, 404: Error, 409: Error},
    summary="Issue one e-tax invoice (전자세금계산서)",
)
def invoice_post(request, payload: TaxInvoiceIn):
    """Issue an e-tax invoice from a business you represent: 201 with the approval number when
    received, 200 when this `issuer_ref` had been received with the same content, 409 when it
    was used for another invoice, 400 naming the field at fault."""
    issuer = selectors.business_for(actor=request.user, brn=payload.issuer_brn)
    data = payload.dict(exclude={"issuer_brn"})
    invoice, already = invoices.tax_invoice_issue(actor=request.user, issuer=issuer, data=data)
    return Status(200 if already else 201, _out(invoice, already))


@router.post(
    "/invoices/xml",
    auth=AUTH,
    response={200: TaxInvoiceOut, 201: TaxInvoiceOut, 400: Error, 403: Error, 404: Error, 409: Error},
    summary="Issue one e-tax invoice sent as a CII document (the XML as the body)",
    openapi_extra={
        "requestBody": {"content": {"application/xml": {"schema": {"type": "string"}}}, "required": True}
    },
)
def invoice_xml_post(request, issuer_brn: str = Query(..., pattern=BRN_PATTERN), amendment_reason: str = ""):
    """Issue an invoice your software built as UN/CEFACT CII (EN 16931): 400 with field "xml"
    when it fails the schema, else as `POST /invoices`; its ExchangedDocument/ID is your
    invoice id."""
    issuer = selectors.business_for(actor=request.user, brn=issuer_brn)
    invoice, already = invoices.tax_invoice_issue_xml(
        actor=request.user, issuer=issuer, content=request.body, amendment_reason=amendment_reason[:1]
    )
    return Status(200 if already else 201, _out(invoice, already))


@router.post(
    "/invoices/batch",
    auth=AUTH,
    response={200: TaxInvoiceBatchOut, 400: Error, 403: Error, 404: Error, 409: Error},
    summary="Issue up to 1,000 e-tax invoices in one request",
)
def invoice_batch_post(request, payload: TaxInvoiceBatchIn):
    """Issue a batch: each item is answered on its own, in order (received, already, or refused
    with the error naming its field); a refused item never stops the others."""
    issuer = selectors.business_for(actor=request.user, brn=payload.issuer_brn)
    results = invoices.tax_invoices_issue(actor=request.user, issuer=issuer, items=payload.invoices)
    items = []
    for result in results:
        if result.error is not None:
            error = {"code": result.error.code, "message": result.error.message, "field": result.error.field}
            items.append({"index": result.index, "status": "refused", "error": error})
        else:
            status = "already" if result.already else "received"
            items.append(
                {"index": result.index, "status": status, "invoice": _out(result.invoice, result.already)}
            )
    return {
        "received": sum(1 for i in items if i["status"] == "received"),
        "already": sum(1 for i in items if i["status"] == "already"),
        "refused": sum(1 for i in items if i["status"] == "refused"),
        "results": items,
    }


@router.get(
    "/invoices/{approval_number}",
    auth=AUTH,
    response={200: TaxInvoiceOut, 404: Error},
    summary="One e-tax invoice, for its issuer or buyer",
)
def invoice_get(request, approval_number: str):
    return _out(selectors.invoice_get_for(actor=request.user, approval_number=approval_number))


@router.get(
    "/invoices/{approval_number}/xml",
    auth=AUTH,
    response={200: None, 404: Error},
    summary="The signed CII XML of an e-tax invoice",
    openapi_extra={"responses": {"200": {"description": "CII XML", "content": {"application/xml": {}}}}},
)
def invoice_xml(request, approval_number: str):
    invoice = selectors.invoice_get_for(actor=request.user, approval_number=approval_number)
    response = HttpResponse(bytes(invoice.xml), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{invoice.approval_number}.xml"'
    response["X-Signature-Ed25519"] = invoice.signature
    return response


@router.get(
    "/invoices/{approval_number}/pdf",
    auth=AUTH,
    response={200: None, 404: Error},
    summary="The invoice as PDF/A-3 with its XML embedded (Factur-X)",
    openapi_extra={"responses": {"200": {"description": "PDF/A-3", "content": {"application/pdf": {}}}}},
)
def invoice_pdf(request, approval_number: str):
    invoice = selectors.invoice_get_for(actor=request.user, approval_number=approval_number)
    response = HttpResponse(pdf.invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.approval_number}.pdf"'
    return response
