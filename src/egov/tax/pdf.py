"""A readable PDF of an e-tax invoice with its CII XML embedded the Factur-X way (PDF/A-3
attachment `factur-x.xml`, AFRelationship "Data", XMP metadata declaring the EN 16931
profile), through drafthorse's `attach_xml`. The page is drawn with reportlab in the
platform's font; the embedded XML is the signed document, byte for byte."""

import io

from django.utils import timezone
from drafthorse.pdf import attach_xml
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from egov.documents.pdf import FONT, FONT_BOLD, fonts_register
from egov.tax.models import TaxInvoice


def _won(amount: int) -> str:
    return f"{amount:,}원"


def invoice_pdf(invoice: TaxInvoice) -> bytes:
    """The invoice as a one-page PDF/A-3 with the XML attached."""
    fonts_register()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"전자세금계산서 {invoice.approval_number_display}")
    width, height = A4
    y = height - 25 * mm
    title = "수정전자세금계산서" if invoice.kind == TaxInvoice.Kind.AMENDED else "전자세금계산서"
    canvas.setFont(FONT_BOLD, 18)
    canvas.drawCentredString(width / 2, y, title)
    y -= 14 * mm
    canvas.setFont(FONT, 10.5)
    rows = [
        ("승인번호", invoice.approval_number_display),
        ("작성일자", f"{invoice.write_date:%Y-%m-%d}"),
        ("공급자", f"{invoice.issuer.name} ({invoice.issuer.brn_formatted})"),
        ("공급받는자", f"{invoice.buyer.name} ({invoice.buyer.brn_formatted})"),
        ("품목", invoice.item_summary),
        ("공급가액", _won(invoice.supply_amount)),
        ("세액", _won(invoice.tax_amount)),
        ("합계금액", _won(invoice.total_amount)),
    ]
    if invoice.original_id:
        rows.append(("당초 승인번호", invoice.original.approval_number_display))
    rows.append(("국세청 전송", f"{timezone.localtime(invoice.received_at):%Y-%m-%d %H:%M}"))
    for label, value in rows:
        canvas.setFont(FONT_BOLD, 10.5)
        canvas.drawString(25 * mm, y, label)
        canvas.setFont(FONT, 10.5)
        canvas.drawString(65 * mm, y, value)
        y -= 8 * mm
    canvas.setFont(FONT, 8)
    canvas.drawString(25 * mm, 20 * mm, f"SHA-256 {invoice.sha256}")
    canvas.showPage()
    canvas.save()
    metadata = {
        "author": invoice.issuer.name,
        "title": f"전자세금계산서 {invoice.approval_number}",
        "subject": f"Tax invoice {invoice.approval_number}",
        "keywords": "Factur-X, EN 16931, 전자세금계산서",
        "creator": "egov",
        "producer": "egov",
    }
    return attach_xml(
        buffer.getvalue(), bytes(invoice.xml), level="EN 16931", metadata=metadata, lang="ko-KR"
    )
