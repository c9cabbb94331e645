"""HomeTax: taxpayers, electronic tax invoices (전자세금계산서) and VAT returns (부가가치세 신고).

A `TaxOffice` (세무서) is an agency of the National Tax Service that answers for the businesses
of the local governments it covers. A `Taxpayer` is a resident or a business known to the tax
authority, with its tax office; a business becomes one, VAT-registered, from the business
register. A `TaxInvoice` is one e-tax invoice as the tax authority received it: the UN/CEFACT
Cross Industry Invoice XML (EN 16931 profile, `cii.py`), its SHA-256, the platform's Ed25519
signature over those bytes, and the figures the VAT return adds up, by (business, period).

Amounts are integers of won, never floats. An amended invoice (수정세금계산서) references its
original and may carry negative amounts (goods returned, price reduced).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from egov.cases.models import CaseModel
from egov.registry.models import Agency, Business, Resident


class TaxOffice(models.Model):
    """A tax office (세무서): an agency under the National Tax Service, and the local
    governments whose businesses and residents it serves."""

    agency = models.OneToOneField(Agency, on_delete=models.PROTECT, related_name="tax_office")
    jurisdictions = models.ManyToManyField(Agency, related_name="tax_offices_covering", blank=True)

    def __str__(self) -> str:
        return self.agency.name_ko


class Taxpayer(models.Model):
    class Kind(models.TextChoices):
        RESIDENT = "resident", _("Individual")
        BUSINESS = "business", _("Business")

    class VatType(models.TextChoices):
        GENERAL = "general", _("General taxable person")  # 일반과세자
        NONE = "none", _("Not registered for VAT")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    resident = models.OneToOneField(
        Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="taxpayer"
    )
    business = models.OneToOneField(
        Business, null=True, blank=True, on_delete=models.PROTECT, related_name="taxpayer"
    )
    tax_office = models.ForeignKey(TaxOffice, on_delete=models.PROTECT, related_name="taxpayers")
    vat_type = models.CharField(max_length=10, choices=VatType.choices, default=VatType.NONE)
    registered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="resident", resident__isnull=False, business__isnull=True))
                | Q(kind="business", business__isnull=False, resident__isnull=True),
                name="taxpayer_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return str(self.business or self.resident_id)


class TaxInvoice(models.Model):
    class Kind(models.TextChoices):
        ORIGINAL = "original", pgettext_lazy("tax invoice", "Original")
        AMENDED = "amended", pgettext_lazy("tax invoice", "Amended")

    approval_number = models.CharField(max_length=24, unique=True)  # 승인번호
    issuer = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="tax_invoices_issued")
    buyer = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="tax_invoices_received")
    issuer_ref = models.CharField(max_length=64)  # the issuer's own invoice id: the idempotency key
    request_digest = models.CharField(max_length=64)  # of what was asked, to tell a repeat from a clash
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ORIGINAL)
    original = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )
    amendment_reason = models.CharField(max_length=2, blank=True)
    write_date = models.DateField()  # 작성일자: the supply's date, which decides the VAT period
    period = models.CharField(max_length=6)  # "2026-2": the VAT period (과세기간) of write_date
    supply_amount = models.BigIntegerField()  # 공급가액, KRW
    tax_amount = models.BigIntegerField()  # 세액, KRW
    total_amount = models.BigIntegerField()  # 합계금액, KRW
    item_summary = models.CharField(max_length=200)
    xml = models.BinaryField()  # the CII document exactly as signed
    sha256 = models.CharField(max_length=64)
    signature = models.CharField(max_length=100)  # Ed25519 over `xml`, base64
    key_id = models.CharField(max_length=32)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)  # transmitted to the authority (국세청 전송)

    class Meta:
        ordering = ["-write_date", "-id"]
        indexes = [
            # Covering the VAT pre-fill's sums: an index-only scan, whatever the XML's size.
            models.Index(
                fields=["issuer", "period"],
                include=["supply_amount", "tax_amount"],
                name="taxinvoice_issuer_period_idx",
            ),
            models.Index(
                fields=["buyer", "period"],
                include=["supply_amount", "tax_amount"],
                name="taxinvoice_buyer_period_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "issuer_ref"], name="taxinvoice_issuer_ref_once"),
            models.CheckConstraint(
                condition=Q(total_amount=F("supply_amount") + F("tax_amount")),
                name="taxinvoice_total_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(kind="amended", original__isnull=False)
                | Q(kind="original", original__isnull=True, supply_amount__gte=0, tax_amount__gte=0),
                name="taxinvoice_amended_has_original",
            ),
            models.CheckConstraint(condition=~Q(issuer=F("buyer")), name="taxinvoice_not_to_self"),
        ]

    def __str__(self) -> str:
        return self.approval_number

    @property
    def approval_number_display(self) -> str:
        n = self.approval_number
        return f"{n[:8]}-{n[8:16]}-{n[16:]}"


def period_label(period: str) -> str:
    """ "2026-1" as people read it: "2026년 제1기 (1월~6월)" / "2026, first half (January–June)"."""
    year, _sep, half = period.partition("-")
    if half == "1":
        return _("%(year)s, first half (January–June)") % {"year": year}
    if half == "2":
        return _("%(year)s, second half (July–December)") % {"year": year}
    return period


class VatReturn(CaseModel):
    """A business's VAT return (부가가치세 확정신고) for one period, pre-filled from its e-tax
    invoices; a case of the procedure `tax.vat_return` (procedure.py)."""

    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("vat return state", "Being prepared")
        FILED = "filed", pgettext_lazy("vat return state", "Filed, tax due")
        REFUND_DUE = "refund_due", pgettext_lazy("vat return state", "Filed, refund due")
        SETTLED = "settled", pgettext_lazy("vat return state", "Settled")

    OPEN_STATES = ("draft", "filed", "refund_due")

    number = models.CharField(max_length=24, unique=True, null=True, blank=True)
    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="vat_returns")
    period = models.CharField(max_length=6)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")  # the tax office
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="vat_returns"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    # Pre-filled from e-tax invoices (won).
    sales_supply = models.BigIntegerField(default=0)
    sales_tax = models.BigIntegerField(default=0)
    sales_count = models.PositiveIntegerField(default=0)
    purchase_supply = models.BigIntegerField(default=0)
    purchase_tax = models.BigIntegerField(default=0)
    purchase_count = models.PositiveIntegerField(default=0)
    # Added by the business: what invoices do not cover (card and cash sales, other purchases).
    other_sales_supply = models.BigIntegerField(default=0)
    other_sales_tax = models.BigIntegerField(default=0)
    other_purchase_tax = models.BigIntegerField(default=0)
    penalty = models.BigIntegerField(default=0)
    payable = models.BigIntegerField(default=0)  # negative: a refund
    due_date = models.DateField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    payment_order_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["business", "period"], name="vatreturn_once_per_period"),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.business_id}:{self.period}"

    @property
    def output_tax(self) -> int:
        return self.sales_tax + self.other_sales_tax

    @property
    def input_tax(self) -> int:
        return self.purchase_tax + self.other_purchase_tax

    @property
    def period_label(self) -> str:
        return period_label(self.period)

    @property
    def refund(self) -> int:
        """The refund due (won) when input tax exceeds output tax, else 0."""
        return max(-self.payable, 0)


class DeductionKind(models.TextChoices):
    """The kinds of 연말정산 간소화 data the platform gathers (the issue's four)."""

    INSURANCE = "insurance", _("Insurance premiums")
    MEDICAL = "medical", _("Medical costs")
    EDUCATION = "education", _("Education costs")
    CARD = "card", _("Card spending")


class DeductionRecord(models.Model):
    """One year's amount a provider holds about a resident (연말정산 간소화 자료): premiums an
    insurer received, what a hospital was paid, tuition a school received, card spending. The
    provider (an agency or a company registered as a third-party agency) serves its records
    through `exchange` as the shared item of its kind (`tax/shared.py`)."""

    provider = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12, choices=DeductionKind.choices)
    payee = models.CharField(max_length=200)  # 지급처: the hospital, school, insurer, card issuer
    amount = models.PositiveBigIntegerField()  # won

    class Meta:
        indexes = [models.Index(fields=["resident", "kind", "year"], name="tax_deduction_res_kind_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.kind} {self.amount}"


class YearEndPackage(models.Model):
    """An employee's year-end settlement data for a year (연말정산 간소화 자료), gathered with
    their consent through `exchange` and issued to them as a signed document; given to their
    employer (a business) only when they consent to that too."""

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    items = models.JSONField(default=list)  # [{kind, provider, provider_name, payee, amount}]
    totals = models.JSONField(default=dict)  # {kind: won}
    fetched = models.JSONField(default=list)  # [{item, provider, basis, log_seq}]
    document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    employer = models.ForeignKey(Business, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resident", "year"], name="tax_yearend_one_per_year"),
            models.CheckConstraint(
                condition=Q(employer__isnull=True, given_at__isnull=True)
                | Q(employer__isnull=False, given_at__isnull=False),
                name="tax_yearend_given_with_employer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.resident_id}"

    @property
    def total(self) -> int:
        return sum(self.totals.values())


class WithholdingStatement(models.Model):
    """The employer's withholding statement (근로소득 지급명세서) for an employee's year: the
    year's total pay (총급여) and the tax withheld monthly (기납부세액), filed from the data the
    employee gave (`package`), with the settlement computed from both (`yearend_calc.settle`,
    kept in `result`). Filing again with other figures is an amended filing: a new version; the
    highest version is the one in force."""

    employer = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    version = models.PositiveSmallIntegerField(default=1)
    package = models.ForeignKey(YearEndPackage, on_delete=models.PROTECT, related_name="statements")
    total_pay = models.PositiveBigIntegerField()  # 총급여, won
    withheld_tax = models.PositiveBigIntegerField()  # 기납부세액 소득세
    withheld_local_tax = models.PositiveBigIntegerField()  # 기납부세액 지방소득세
    result = models.JSONField(default=dict)  # Settlement.as_dict()
    balance = models.BigIntegerField()  # 차감징수세액 소득세: < 0 refund
    local_balance = models.BigIntegerField()  # 〃 지방소득세
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(default=timezone.now)
    # the signed 근로소득 원천징수영수증 of this version (through `documents`)
    document = models.ForeignKey("documents.Document", null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "resident", "year", "version"], name="tax_withholding_one_per_version"
            ),
        ]
        indexes = [models.Index(fields=["resident", "year"], name="tax_withholding_res_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.resident_id} v{self.version}"

    @property
    def total_balance(self) -> int:
        return self.balance + self.local_balance

    @property
    def refund(self) -> int:
        """환급 예정 금액 (소득세 and 지방소득세)."""
        return max(-self.total_balance, 0)

    @property
    def additional(self) -> int:
        """추가 납부 금액 (소득세 and 지방소득세)."""
        return max(self.total_balance, 0)
