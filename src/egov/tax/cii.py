"""E-tax invoices as UN/CEFACT Cross Industry Invoice documents (CII D16B, EN 16931 profile).

`invoice_xml` builds one document from a cleaned invoice, element by element in the order the
schema requires (as text, every value escaped), and validates it against the EN 16931 XSD that
the `drafthorse` package ships (Factur-X 1.0.07), parsed once per process. What is signed and
stored are the document's canonical bytes (Canonical XML 1.0, without comments).

The Korean invoice maps onto EN 16931 as (see docs/tax.md):
- 승인번호 (approval number) -> ExchangedDocument/ID (BT-1); 작성일자 -> IssueDateTime (BT-2)
- original 380 (commercial invoice), amended (수정세금계산서) 384 (corrected invoice, BT-3),
  with the original's approval number in InvoiceReferencedDocument (BT-25)
- 공급자/공급받는자 사업자등록번호 -> SpecifiedTaxRegistration/ID schemeID "VA" (BT-31, BT-48)
- 공급가액 -> TaxBasisTotalAmount (BT-109); 세액 -> TaxTotalAmount (BT-110);
  합계금액 -> GrandTotalAmount (BT-112) and DuePayableAmount (BT-115); currency KRW
- VAT 10% is category S, zero-rated (영세율) category Z.
"""

import functools
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import drafthorse
from lxml import etree

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
EN16931 = "urn:cen.eu:en16931:2017"
SCHEMA_FILE = "Factur-X_1.0.07_EN16931.xsd"
TYPE_ORIGINAL, TYPE_AMENDED = "380", "384"


@dataclass(frozen=True)
class Party:
    brn: str
    name: str
    postal_code: str
    address: str


@dataclass(frozen=True)
class Line:
    name: str
    quantity: int
    unit_price: int
    supply_amount: int
    tax_amount: int
    tax_rate: int  # 10 or 0


@dataclass(frozen=True)
class Invoice:
    approval_number: str
    kind_code: str
    write_date: str  # YYYYMMDD
    seller: Party
    buyer: Party
    lines: tuple[Line, ...]
    supply_amount: int
    tax_amount: int
    total_amount: int
    original_approval_number: str = ""


class SchemaInvalid(ValueError):
    """The document breaks the EN 16931 schema; `.message` says where (line and element)."""


@functools.cache
def schema() -> etree.XMLSchema:
    """The EN 16931 XSD shipped by drafthorse, parsed once per process (parsing takes ~50 ms,
    validating one invoice well under one)."""
    path = Path(drafthorse.__file__).parent / "schema" / SCHEMA_FILE
    return etree.XMLSchema(etree.parse(str(path)))


def _e(text: str) -> str:
    return xml_escape(text, {'"': "&quot;"})


def _party(tag: str, party: Party) -> str:
    address = (
        f"<ram:PostcodeCode>{_e(party.postal_code)}</ram:PostcodeCode>" if party.postal_code else ""
    ) + (f"<ram:LineOne>{_e(party.address)}</ram:LineOne>" if party.address else "")
    return (
        f"<ram:{tag}><ram:Name>{_e(party.name)}</ram:Name>"
        f"<ram:PostalTradeAddress>{address}<ram:CountryID>KR</ram:CountryID></ram:PostalTradeAddress>"
        f'<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">{_e(party.brn)}</ram:ID>'
        f"</ram:SpecifiedTaxRegistration></ram:{tag}>"
    )


def _tax(*, calculated: int | None, basis: int | None, rate: int) -> str:
    return (
        "<ram:ApplicableTradeTax>"
        + (f"<ram:CalculatedAmount>{calculated}</ram:CalculatedAmount>" if calculated is not None else "")
        + "<ram:TypeCode>VAT</ram:TypeCode>"
        + (f"<ram:BasisAmount>{basis}</ram:BasisAmount>" if basis is not None else "")
        + f"<ram:CategoryCode>{'S' if rate else 'Z'}</ram:CategoryCode>"
        + f"<ram:RateApplicablePercent>{rate}</ram:RateApplicablePercent></ram:ApplicableTradeTax>"
    )


def _line(number: int, line: Line) -> str:
    return (
        "<ram:IncludedSupplyChainTradeLineItem>"
        f"<ram:AssociatedDocumentLineDocument><ram:LineID>{number}</ram:LineID></ram:AssociatedDocumentLineDocument>"
        f"<ram:SpecifiedTradeProduct><ram:Name>{_e(line.name)}</ram:Name></ram:SpecifiedTradeProduct>"
        "<ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice>"
        f"<ram:ChargeAmount>{line.unit_price}</ram:ChargeAmount>"
        "</ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>"
        "<ram:SpecifiedLineTradeDelivery>"
        f'<ram:BilledQuantity unitCode="C62">{line.quantity}</ram:BilledQuantity>'
        "</ram:SpecifiedLineTradeDelivery><ram:SpecifiedLineTradeSettlement>"
        + _tax(calculated=None, basis=None, rate=line.tax_rate)
        + "<ram:SpecifiedTradeSettlementLineMonetarySummation>"
        f"<ram:LineTotalAmount>{line.supply_amount}</ram:LineTotalAmount>"
        "</ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement>"
        "</ram:IncludedSupplyChainTradeLineItem>"
    )


def invoice_text(invoice: Invoice) -> str:
    """The invoice as CII text, element by element in the schema's order. Built as text (every
    value escaped; amounts are ints) rather than node by node: a tenth of the time, which
    matters at hundreds of invoices a second (docs/benchmarks.md, issue 18)."""
    rates: dict[int, list[int]] = {}
    for line in invoice.lines:
        basis_tax = rates.setdefault(line.tax_rate, [0, 0])
        basis_tax[0] += line.supply_amount
        basis_tax[1] += line.tax_amount
    namespaces = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NSMAP.items())
    reference = (
        "<ram:InvoiceReferencedDocument>"
        f"<ram:IssuerAssignedID>{_e(invoice.original_approval_number)}</ram:IssuerAssignedID>"
        "</ram:InvoiceReferencedDocument>"
        if invoice.original_approval_number
        else ""
    )
    return "".join(
        [
            f"<rsm:CrossIndustryInvoice {namespaces}>",
            "<rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>",
            f"<ram:ID>{EN16931}</ram:ID>",
            "</ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>",
            f"<rsm:ExchangedDocument><ram:ID>{_e(invoice.approval_number)}</ram:ID>",
            f"<ram:TypeCode>{_e(invoice.kind_code)}</ram:TypeCode>",
            '<ram:IssueDateTime><udt:DateTimeString format="102">',
            f"{_e(invoice.write_date)}</udt:DateTimeString>",
            "</ram:IssueDateTime></rsm:ExchangedDocument><rsm:SupplyChainTradeTransaction>",
            *(_line(number, line) for number, line in enumerate(invoice.lines, 1)),
            "<ram:ApplicableHeaderTradeAgreement>",
            _party("SellerTradeParty", invoice.seller),
            _party("BuyerTradeParty", invoice.buyer),
            "</ram:ApplicableHeaderTradeAgreement><ram:ApplicableHeaderTradeDelivery/>",
            "<ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>KRW</ram:InvoiceCurrencyCode>",
            *(_tax(calculated=t, basis=b, rate=r) for r, (b, t) in sorted(rates.items(), reverse=True)),
            "<ram:SpecifiedTradeSettlementHeaderMonetarySummation>",
            f"<ram:LineTotalAmount>{invoice.supply_amount}</ram:LineTotalAmount>",
            f"<ram:TaxBasisTotalAmount>{invoice.supply_amount}</ram:TaxBasisTotalAmount>",
            f'<ram:TaxTotalAmount currencyID="KRW">{invoice.tax_amount}</ram:TaxTotalAmount>',
            f"<ram:GrandTotalAmount>{invoice.total_amount}</ram:GrandTotalAmount>",
            f"<ram:DuePayableAmount>{invoice.total_amount}</ram:DuePayableAmount>",
            "</ram:SpecifiedTradeSettlementHeaderMonetarySummation>",
            reference,
            "</ram:ApplicableHeaderTradeSettlement></rsm:SupplyChainTradeTransaction></rsm:CrossIndustryInvoice>",
        ]
    )


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def invoice_tree(invoice: Invoice) -> etree._Element:
    """The invoice as a CII element tree (not yet validated)."""
    return etree.fromstring(invoice_text(invoice).encode(), _PARSER)  # noqa: S320 - our own text, hardened parser


def tree_validate(root: etree._Element) -> None:
    """SchemaInvalid unless `root` is a valid EN 16931 CII document."""
    xsd = schema()
    if not xsd.validate(root):
        error = xsd.error_log.last_error
        raise SchemaInvalid(f"line {error.line}: {error.message}" if error else "invalid")


def canonical_bytes(root: etree._Element) -> bytes:
    """The bytes that are signed and stored: C14N 1.0 without comments."""
    return etree.tostring(root, method="c14n", exclusive=False, with_comments=False)


def invoice_xml(invoice: Invoice) -> bytes:
    """The invoice's canonical CII bytes, validated against the EN 16931 schema."""
    root = invoice_tree(invoice)
    tree_validate(root)
    return canonical_bytes(root)


def xml_validate(content: bytes) -> etree._Element:
    """Parse `content` (no DTD, no network, no entities) and validate it; SchemaInvalid otherwise."""
    try:
        root = etree.fromstring(content, _PARSER)  # noqa: S320 - hardened parser
    except etree.XMLSyntaxError as exc:
        raise SchemaInvalid(f"not well-formed XML: {exc}") from None
    tree_validate(root)
    return root


SETTLEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
SUMMATION = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
LINE_TAX = "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent"
LINE_TOTAL = (
    "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount"
)


def _text(node, path: str, default: str = "") -> str:
    return (node.findtext(path, namespaces=NSMAP) or default).strip()


def _whole(text: str) -> str:
    """ "1000.00" -> "1000"; anything else as it is, for the service to accept or refuse."""
    head, dot, tail = text.partition(".")
    return head if dot and tail.strip("0") == "" else text


def _line_tax(supply: str, rate: str) -> str:
    """The line's tax at its rate, won truncated toward zero (CII carries no tax per line)."""
    if not supply.lstrip("-").isdigit() or not rate.isdigit():
        return ""
    value = int(supply)
    return str((abs(value) * int(rate) // 100) * (-1 if value < 0 else 1))


def invoice_fields(root: etree._Element) -> dict:
    """The fields of a schema-valid CII document sent by an issuer, in the shape the issuing
    service takes: ExchangedDocument/ID becomes the issuer's invoice id (the authority gives
    its own approval number), the buyer's VAT registration its business number."""
    lines = []
    for item in root.iterfind("rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem", NSMAP):
        rate = _whole(_text(item, LINE_TAX, "10"))
        supply = _whole(_text(item, LINE_TOTAL))
        lines.append({
            "name": _text(item, "ram:SpecifiedTradeProduct/ram:Name"),
            "quantity": _whole(_text(item, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", "1")),
            "unit_price": _whole(_text(item, ".//ram:NetPriceProductTradePrice/ram:ChargeAmount", "0")),
            "supply_amount": supply,
            "tax_amount": _line_tax(supply, rate),
            "tax_rate": int(rate) if rate.isdigit() else rate,
        })  # fmt: skip
    date = _text(root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString")
    buyer = ".//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID"
    return {
        "issuer_ref": _text(root, "rsm:ExchangedDocument/ram:ID"),
        "buyer_brn": _text(root, buyer),
        "write_date": f"{date[:4]}-{date[4:6]}-{date[6:8]}" if len(date) == 8 else date,
        "supply_amount": _whole(_text(root, f"{SUMMATION}/ram:TaxBasisTotalAmount")),
        "tax_amount": _whole(_text(root, f"{SUMMATION}/ram:TaxTotalAmount")),
        "total_amount": _whole(_text(root, f"{SUMMATION}/ram:GrandTotalAmount")),
        "lines": lines,
        "amends": _text(root, f"{SETTLEMENT}/ram:InvoiceReferencedDocument/ram:IssuerAssignedID"),
        "amendment_reason": "",
    }
