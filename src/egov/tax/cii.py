"""E-tax invoices as UN/CEFACT Cross Industry Invoice documents (CII D16B, EN 16931 profile).

`invoice_xml` builds one document from a cleaned invoice, element by element in the order the
schema requires, and validates it against the EN 16931 XSD that the `drafthorse` package ships
(Factur-X 1.0.07), parsed once per process. What is signed and stored are the document's
canonical bytes (Canonical XML 1.0, without comments).

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


def _sub(parent, ns: str, tag: str, text: str | None = None, **attrs):
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _party(parent, tag: str, party: Party) -> None:
    node = _sub(parent, RAM, tag)
    _sub(node, RAM, "Name", party.name)
    address = _sub(node, RAM, "PostalTradeAddress")
    if party.postal_code:
        _sub(address, RAM, "PostcodeCode", party.postal_code)
    if party.address:
        _sub(address, RAM, "LineOne", party.address)
    _sub(address, RAM, "CountryID", "KR")
    _sub(_sub(node, RAM, "SpecifiedTaxRegistration"), RAM, "ID", party.brn, schemeID="VA")


def _tax(parent, *, calculated: int | None, basis: int | None, rate: int) -> None:
    tax = _sub(parent, RAM, "ApplicableTradeTax")
    if calculated is not None:
        _sub(tax, RAM, "CalculatedAmount", str(calculated))
    _sub(tax, RAM, "TypeCode", "VAT")
    if basis is not None:
        _sub(tax, RAM, "BasisAmount", str(basis))
    _sub(tax, RAM, "CategoryCode", "S" if rate else "Z")
    _sub(tax, RAM, "RateApplicablePercent", str(rate))


def invoice_tree(invoice: Invoice) -> etree._Element:
    """The invoice as a CII element tree (not yet validated)."""
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = _sub(root, RSM, "ExchangedDocumentContext")
    _sub(_sub(context, RAM, "GuidelineSpecifiedDocumentContextParameter"), RAM, "ID", EN16931)
    document = _sub(root, RSM, "ExchangedDocument")
    _sub(document, RAM, "ID", invoice.approval_number)
    _sub(document, RAM, "TypeCode", invoice.kind_code)
    _sub(_sub(document, RAM, "IssueDateTime"), UDT, "DateTimeString", invoice.write_date, format="102")
    transaction = _sub(root, RSM, "SupplyChainTradeTransaction")
    for number, line in enumerate(invoice.lines, 1):
        item = _sub(transaction, RAM, "IncludedSupplyChainTradeLineItem")
        _sub(_sub(item, RAM, "AssociatedDocumentLineDocument"), RAM, "LineID", str(number))
        _sub(_sub(item, RAM, "SpecifiedTradeProduct"), RAM, "Name", line.name)
        price = _sub(_sub(item, RAM, "SpecifiedLineTradeAgreement"), RAM, "NetPriceProductTradePrice")
        _sub(price, RAM, "ChargeAmount", str(line.unit_price))
        _sub(
            _sub(item, RAM, "SpecifiedLineTradeDelivery"),
            RAM,
            "BilledQuantity",
            str(line.quantity),
            unitCode="C62",
        )
        settlement = _sub(item, RAM, "SpecifiedLineTradeSettlement")
        _tax(settlement, calculated=None, basis=None, rate=line.tax_rate)
        summation = _sub(settlement, RAM, "SpecifiedTradeSettlementLineMonetarySummation")
        _sub(summation, RAM, "LineTotalAmount", str(line.supply_amount))
    agreement = _sub(transaction, RAM, "ApplicableHeaderTradeAgreement")
    _party(agreement, "SellerTradeParty", invoice.seller)
    _party(agreement, "BuyerTradeParty", invoice.buyer)
    _sub(transaction, RAM, "ApplicableHeaderTradeDelivery")
    settlement = _sub(transaction, RAM, "ApplicableHeaderTradeSettlement")
    _sub(settlement, RAM, "InvoiceCurrencyCode", "KRW")
    rates: dict[int, list[int]] = {}
    for line in invoice.lines:
        basis_tax = rates.setdefault(line.tax_rate, [0, 0])
        basis_tax[0] += line.supply_amount
        basis_tax[1] += line.tax_amount
    for rate, (basis, tax) in sorted(rates.items(), reverse=True):
        _tax(settlement, calculated=tax, basis=basis, rate=rate)
    summation = _sub(settlement, RAM, "SpecifiedTradeSettlementHeaderMonetarySummation")
    _sub(summation, RAM, "LineTotalAmount", str(invoice.supply_amount))
    _sub(summation, RAM, "TaxBasisTotalAmount", str(invoice.supply_amount))
    _sub(summation, RAM, "TaxTotalAmount", str(invoice.tax_amount), currencyID="KRW")
    _sub(summation, RAM, "GrandTotalAmount", str(invoice.total_amount))
    _sub(summation, RAM, "DuePayableAmount", str(invoice.total_amount))
    if invoice.original_approval_number:
        _sub(
            _sub(settlement, RAM, "InvoiceReferencedDocument"),
            RAM,
            "IssuerAssignedID",
            invoice.original_approval_number,
        )
    return root


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
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(content, parser)  # noqa: S320 - hardened parser above
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
