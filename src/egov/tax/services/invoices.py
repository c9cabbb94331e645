"""Electronic tax invoices (전자세금계산서): issued by a business, received by the tax authority.

`tax_invoices_issue` takes a batch (the API's and the portal's single invoice are batches of
one): each item is checked (business numbers and their check digits, the buyer open in the
business register, every line and total adding up, whole won), built as a CII document
(`cii.py`) validated against the EN 16931 schema, signed with the platform's Ed25519 key over
its canonical bytes, and stored as received by the authority — at once, which is what the law
asks of an e-tax invoice (발급 즉시 전송). The issuer's own invoice id is the idempotency key:
the same invoice sent again is answered with the one received the first time; a different
invoice under the same id is refused. A batch writes its accepted invoices and their audit
events in one transaction, in three statements whatever its size (`store.invoices_write`); a
refused item never stops the others.
"""

import base64
import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.core import keys
from egov.core.audit import audit_row
from egov.core.errors import Conflict, ServiceError, ValidationFailed
from egov.core.ids import IdentifierError, brn_parse
from egov.registry.models import Business
from egov.tax import cii, store
from egov.tax.models import TaxInvoice
from egov.tax.services.taxpayers import taxpayer_register_business

VAT_ACT = "부가가치세법 제32조 (세금계산서 등)"
MAX_BATCH = 1000
MAX_LINES = 99
MAX_AMOUNT = 10**13  # ten trillion won: far above any one invoice
TAX_RATES = (10, 0)  # standard rate and zero rate (영세율)
# 수정세금계산서 발급 사유 (부가가치세법 시행령 제70조)
AMENDMENT_REASONS = {
    "1": "기재사항 착오·정정",
    "2": "공급가액 변동",
    "3": "환입",
    "4": "계약의 해제",
    "5": "내국신용장 사후 개설",
    "6": "착오에 의한 이중발급",
}


@dataclass(frozen=True)
class Cleaned:
    issuer_ref: str
    buyer_brn: str
    write_date: dt.date
    lines: tuple[cii.Line, ...]
    supply_amount: int
    tax_amount: int
    total_amount: int
    amends: str
    amendment_reason: str

    @property
    def digest(self) -> str:
        data = json.dumps(
            [self.issuer_ref, self.buyer_brn, self.write_date.isoformat(),
             [list(vars(line).values()) for line in self.lines],
             self.supply_amount, self.tax_amount, self.total_amount, self.amends, self.amendment_reason],
            ensure_ascii=False,
        )  # fmt: skip
        return hashlib.sha256(data.encode()).hexdigest()


@dataclass
class IssueResult:
    """One item's outcome: the invoice received (`already` when it had been received before),
    or the refusal naming its field."""

    index: int
    invoice: TaxInvoice | None = None
    already: bool = False
    error: ServiceError | None = None


def vat_period(day: dt.date) -> str:
    """The VAT period (과세기간) of `day`: "2026-1" for January to June, "2026-2" for July to
    December (부가가치세법 제5조)."""
    return f"{day.year}-{1 if day.month <= 6 else 2}"


def _won(value, field: str, *, negative: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationFailed(_("An amount is a whole number of won."), field=field)
    try:
        amount = int(value)
    except ValueError:
        raise ValidationFailed(_("An amount is a whole number of won."), field=field) from None
    if abs(amount) > MAX_AMOUNT or (amount < 0 and not negative):
        raise ValidationFailed(_("The amount is out of range."), field=field)
    return amount


def _text(value, field: str, label: str, max_length: int) -> str:
    text = " ".join(str(value or "").split()) if isinstance(value, str) else ""
    if not text:
        raise ValidationFailed(_("%(label)s is required.") % {"label": label}, field=field)
    if len(text) > max_length or not text.isprintable():
        raise ValidationFailed(
            _("%(label)s is too long or has invalid characters.") % {"label": label}, field=field
        )
    return text


def _brn(value, field: str) -> str:
    try:
        return brn_parse(value)
    except IdentifierError as exc:
        raise ValidationFailed(str(exc), field=field) from None


def invoice_clean(data: dict, *, today: dt.date | None = None) -> Cleaned:
    """The invoice's values checked, or ValidationFailed naming the first field at fault."""
    if not isinstance(data, dict):
        raise ValidationFailed(_("An invoice is an object of fields."), field="invoice")
    issuer_ref = _text(data.get("issuer_ref"), "issuer_ref", _("The issuer's invoice id"), 64)
    buyer_brn = _brn(data.get("buyer_brn"), "buyer_brn")
    raw_date = data.get("write_date")
    try:
        write_date = raw_date if isinstance(raw_date, dt.date) else dt.date.fromisoformat(str(raw_date))
    except ValueError:
        raise ValidationFailed(_("Give the date of supply as YYYY-MM-DD."), field="write_date") from None
    if write_date > (today or timezone.localdate()):
        raise ValidationFailed(_("The date of supply cannot be in the future."), field="write_date")
    amends = str(data.get("amends") or "").replace("-", "").strip()
    reason = str(data.get("amendment_reason") or "").strip()
    if amends and not (amends.isascii() and amends.isdigit() and len(amends) == 24):
        raise ValidationFailed(_("An approval number is 24 digits."), field="amends")
    if amends and reason not in AMENDMENT_REASONS:
        raise ValidationFailed(_("Choose the reason for the amendment."), field="amendment_reason")
    if reason and not amends:
        raise ValidationFailed(_("Give the approval number of the invoice being amended."), field="amends")
    raw_lines = data.get("lines")
    if not isinstance(raw_lines, list) or not raw_lines:
        raise ValidationFailed(_("An invoice has at least one line."), field="lines")
    if len(raw_lines) > MAX_LINES:
        raise ValidationFailed(_("An invoice has at most 99 lines."), field="lines")
    lines = []
    for n, raw in enumerate(raw_lines):
        where = f"lines[{n}]"
        if not isinstance(raw, dict):
            raise ValidationFailed(_("A line is an object of fields."), field=where)
        name = _text(raw.get("name"), f"{where}.name", _("The item"), 100)
        quantity = _won(raw.get("quantity", 1), f"{where}.quantity", negative=bool(amends))
        unit_price = _won(raw.get("unit_price", 0), f"{where}.unit_price")
        supply = _won(raw.get("supply_amount"), f"{where}.supply_amount", negative=bool(amends))
        tax = _won(raw.get("tax_amount"), f"{where}.tax_amount", negative=bool(amends))
        rate = raw.get("tax_rate", 10)
        if rate not in TAX_RATES or isinstance(rate, bool):
            raise ValidationFailed(_("The tax rate is 10 or 0 (zero-rated)."), field=f"{where}.tax_rate")
        if unit_price and quantity * unit_price != supply:
            raise ValidationFailed(
                _("The supply value is not the quantity times the unit price."),
                field=f"{where}.supply_amount",
            )
        expected_tax = (abs(supply) * rate // 100) * (1 if supply >= 0 else -1)
        if tax != expected_tax:
            raise ValidationFailed(
                _("The tax is not %(rate)d%% of the supply value (won truncated).") % {"rate": rate},
                field=f"{where}.tax_amount",
            )
        lines.append(cii.Line(name, quantity, unit_price, supply, tax, rate))
    supply_amount = _won(data.get("supply_amount"), "supply_amount", negative=bool(amends))
    tax_amount = _won(data.get("tax_amount"), "tax_amount", negative=bool(amends))
    total_amount = _won(data.get("total_amount"), "total_amount", negative=bool(amends))
    if supply_amount != sum(line.supply_amount for line in lines):
        raise ValidationFailed(_("The supply value is not the sum of the lines."), field="supply_amount")
    if tax_amount != sum(line.tax_amount for line in lines):
        raise ValidationFailed(_("The tax is not the sum of the lines' tax."), field="tax_amount")
    if total_amount != supply_amount + tax_amount:
        raise ValidationFailed(_("The total is not the supply value plus the tax."), field="total_amount")
    return Cleaned(
        issuer_ref,
        buyer_brn,
        write_date,
        tuple(lines),
        supply_amount,
        tax_amount,
        total_amount,
        amends,
        reason,
    )


def approval_number_new(write_date: dt.date, office_code: str) -> str:
    """승인번호: 24 digits, the date of supply, four digits of the issuer's tax office and a
    random serial of twelve (unique constraint; a clash retries the batch)."""
    return f"{write_date:%Y%m%d}{office_code[-4:]}{secrets.randbelow(10**12):012d}"


def _party(business: Business) -> cii.Party:
    return cii.Party(business.brn, business.name, business.postal_code, business.road_address)


def tax_invoices_issue(*, actor, issuer: Business, items: list) -> list[IssueResult]:
    """Issue a batch of e-tax invoices from `issuer` (a business `actor` represents: the caller
    checks that, `selectors.business_for`). Returns one result per item, in order."""
    if not isinstance(items, list) or not items:
        raise ValidationFailed(_("Send at least one invoice."), field="invoices")
    if len(items) > MAX_BATCH:
        raise ValidationFailed(_("Send at most 1,000 invoices at a time."), field="invoices")
    if issuer.status != Business.Status.ACTIVE:
        raise ValidationFailed(
            _("The issuing business is not active in the business register."), field="issuer_brn"
        )
    taxpayer = taxpayer_register_business(actor=actor, business=issuer)
    office_code = taxpayer.tax_office.agency.code
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return _issue(actor, issuer, items, office_code)
        except IntegrityError:
            continue  # a concurrent batch took one of these ids (or a serial clashed): look again
    raise Conflict(_("The invoices could not be stored; send them again."), field="invoices")


def _issue(actor, issuer: Business, items: list, office_code: str) -> list[IssueResult]:
    results = [IssueResult(index=n) for n in range(len(items))]
    cleaned: dict[int, Cleaned] = {}
    refs: dict[str, int] = {}
    for n, data in enumerate(items):
        try:
            item = invoice_clean(data)
        except ServiceError as exc:
            results[n].error = exc
            continue
        if item.issuer_ref in refs:
            results[n].error = ValidationFailed(
                _("This invoice id appears twice in the batch."), field="issuer_ref"
            )
            continue
        if item.buyer_brn == issuer.brn:
            results[n].error = ValidationFailed(_("A business does not invoice itself."), field="buyer_brn")
            continue
        refs[item.issuer_ref] = n
        cleaned[n] = item
    existing = {
        row.issuer_ref: row for row in TaxInvoice.objects.filter(issuer=issuer, issuer_ref__in=list(refs))
    }
    buyers = {b.brn: b for b in Business.objects.filter(brn__in={c.buyer_brn for c in cleaned.values()})}
    originals = {
        o.approval_number: o
        for o in TaxInvoice.objects.filter(
            issuer=issuer, approval_number__in={c.amends for c in cleaned.values() if c.amends}
        )
    }
    key = keys.platform_key()
    seller = _party(issuer)
    now = timezone.now()
    new: list[TaxInvoice] = []
    for n, item in cleaned.items():
        found = existing.get(item.issuer_ref)
        if found is not None:
            if found.request_digest == item.digest:
                results[n].invoice, results[n].already = found, True
            else:
                results[n].error = Conflict(
                    _("This invoice id was used for a different invoice."),
                    field="issuer_ref",
                    code="conflict",
                )
            continue
        buyer = buyers.get(item.buyer_brn)
        if buyer is None:
            results[n].error = ValidationFailed(
                _("No business has this registration number."), field="buyer_brn"
            )
            continue
        if buyer.status == Business.Status.CLOSED:
            results[n].error = ValidationFailed(
                _("The buyer's business is closed."), field="buyer_brn", code="buyer_closed"
            )
            continue
        original = None
        if item.amends:
            original = originals.get(item.amends)
            if original is None or original.buyer_id != buyer.pk:
                results[n].error = ValidationFailed(
                    _("No invoice of yours to this buyer has this approval number."), field="amends"
                )
                continue
        approval = approval_number_new(item.write_date, office_code)
        document = cii.Invoice(
            approval_number=approval,
            kind_code=cii.TYPE_AMENDED if original else cii.TYPE_ORIGINAL,
            write_date=f"{item.write_date:%Y%m%d}",
            seller=seller,
            buyer=_party(buyer),
            lines=item.lines,
            supply_amount=item.supply_amount,
            tax_amount=item.tax_amount,
            total_amount=item.total_amount,
            original_approval_number=original.approval_number if original else "",
        )
        try:
            xml = cii.invoice_xml(document)
        except cii.SchemaInvalid as exc:
            results[n].error = ValidationFailed(
                _("The invoice does not meet the EN 16931 schema: %(error)s") % {"error": str(exc)},
                field="xml",
            )
            continue
        invoice = TaxInvoice(
            approval_number=approval, issuer=issuer, buyer=buyer, issuer_ref=item.issuer_ref,
            request_digest=item.digest,
            kind=TaxInvoice.Kind.AMENDED if original else TaxInvoice.Kind.ORIGINAL,
            original=original, amendment_reason=item.amendment_reason, write_date=item.write_date,
            period=vat_period(item.write_date), supply_amount=item.supply_amount, tax_amount=item.tax_amount,
            total_amount=item.total_amount, item_summary=_summary(item.lines), xml=xml,
            sha256=hashlib.sha256(xml).hexdigest(), signature=base64.b64encode(key.sign(xml)).decode(),
            key_id=key.key_id, issued_by=actor if getattr(actor, "pk", None) else None, received_at=now,
        )  # fmt: skip
        new.append(invoice)
        results[n].invoice = invoice
    store.invoices_write(new, lambda invoice: _audit(actor, invoice))
    return results


def _audit(actor, invoice: TaxInvoice) -> dict:
    row = audit_row(
        actor=actor, action="tax.invoice_issue", object_type="tax.taxinvoice", object_id=invoice.pk,
        after={"approval_number": invoice.approval_number, "issuer_ref": invoice.issuer_ref,
               "buyer": invoice.buyer.brn, "total": invoice.total_amount, "sha256": invoice.sha256},
        legal_basis=VAT_ACT,
    )  # fmt: skip
    return row


def _summary(lines: tuple[cii.Line, ...]) -> str:
    first = lines[0].name
    more = len(lines) - 1
    return (_("%(item)s and %(n)d more") % {"item": first, "n": more}) if more else first


def tax_invoice_issue(*, actor, issuer: Business, data: dict) -> tuple[TaxInvoice, bool]:
    """Issue one e-tax invoice; (the invoice, whether it had been received before). The refusal
    is raised as it is, naming its field."""
    result = tax_invoices_issue(actor=actor, issuer=issuer, items=[data])[0]
    if result.error is not None:
        raise result.error
    return result.invoice, result.already


def tax_invoice_signature_valid(invoice: TaxInvoice) -> bool:
    """Whether the stored XML is what the platform signed (its key as of now)."""
    key = keys.platform_key()
    return key.key_id == invoice.key_id and keys.signature_valid(
        key.public_key, base64.b64decode(invoice.signature), bytes(invoice.xml)
    )


def tax_invoice_issue_xml(
    *, actor, issuer: Business, content: bytes, amendment_reason: str = ""
) -> tuple[TaxInvoice, bool]:
    """Issue an e-tax invoice that the issuer's software sent as a CII document: it must be
    well-formed and valid against the EN 16931 schema (else refused naming "xml"), its seller
    must be `issuer`, and its figures pass the same checks as any invoice. Its
    ExchangedDocument/ID is the issuer's invoice id; the document stored is the authority's,
    under its approval number."""
    if not isinstance(content, bytes | bytearray) or not content.strip():
        raise ValidationFailed(_("Send the invoice's XML."), field="xml")
    try:
        root = cii.xml_validate(bytes(content))
    except cii.SchemaInvalid as exc:
        raise ValidationFailed(
            _("The invoice does not meet the EN 16931 schema: %(error)s") % {"error": str(exc)}, field="xml"
        ) from None
    seller = root.findtext(
        ".//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID", namespaces=cii.NSMAP
    )
    if (seller or "").replace("-", "").strip() != issuer.brn:
        raise ValidationFailed(
            _("The seller's VAT registration is not the issuing business."), field="seller_brn"
        )
    data = cii.invoice_fields(root)
    data["amendment_reason"] = amendment_reason
    return tax_invoice_issue(actor=actor, issuer=issuer, data=data)
