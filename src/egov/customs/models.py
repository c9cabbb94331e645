"""Customs (UNI-PASS, 전자통관): parties, the dated tariff, risk rule sets and declarations.

Traders are the registry's businesses. A customs broker (관세사) declares for a trader only
under a recorded `Mandate`; carriers file cargo `Manifest`s whose lines (B/L, AWB) an import
declaration must match. The tariff is dated: a rate is never overwritten, a new row with a
later `effective_from` replaces it from that day (`TariffRate`, `ExchangeRate`). A `Declaration`
is a case of the kernel (`customs.procedure`); its items carry the duty assessment line by line.
Names follow the WCO Data Model where it has one (docs/customs.md maps them).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from egov.cases.models import CaseModel
from egov.registry.models import Agency, Business

MONEY = {"max_digits": 18, "decimal_places": 2}
RATE = {"max_digits": 7, "decimal_places": 3}  # a percentage: 8.000, 0.000, 513.000


# --- parties ------------------------------------------------------------------------------------


class Broker(models.Model):
    """A licensed customs broker (관세사) firm, itself a business of the register."""

    business = models.OneToOneField(Business, on_delete=models.PROTECT, related_name="customs_broker")
    licence_number = models.CharField(max_length=20, unique=True)
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.business.name} ({self.licence_number})"


class Mandate(models.Model):
    """A trader's mandate to a broker to declare on its behalf (위임), between two dates."""

    broker = models.ForeignKey(Broker, on_delete=models.PROTECT, related_name="mandates")
    trader = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="customs_mandates")
    valid_from = models.DateField()
    valid_until = models.DateField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="mandate_dates_ordered"
            ),
        ]
        indexes = [models.Index(fields=["broker", "trader"], name="mandate_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.broker_id}->{self.trader_id}"


class AeoCertificate(models.Model):
    """Authorised Economic Operator status (수출입 안전관리 우수업체) with its grade and validity."""

    class Grade(models.TextChoices):
        A = "A", "A"
        AA = "AA", "AA"
        AAA = "AAA", "AAA"

    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="aeo_certificates")
    grade = models.CharField(max_length=3, choices=Grade.choices)
    valid_from = models.DateField()
    valid_until = models.DateField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=F("valid_from")), name="aeo_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"AEO {self.grade} {self.business_id}"


class SecurityDeposit(models.Model):
    """A security (담보) a trader lodged with customs: goods are released before their duties
    are paid while it covers them (관세법 제24조, 제248조 ②). What it covers now is the sum of
    `Declaration.secured_amount` of the declarations released against it and not yet paid.
    It is lodged with one customs office (`office`), whose officials see and release it; a
    released security (담보 해제) covers nothing more and is kept as it was."""

    class Kind(models.TextChoices):
        CASH = "cash", pgettext_lazy("security kind", "Cash")
        GUARANTEE_INSURANCE = "insurance", pgettext_lazy("security kind", "Guarantee insurance")
        BANK_GUARANTEE = "bank", pgettext_lazy("security kind", "Bank guarantee")

    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="customs_securities")
    kind = models.CharField(max_length=9, choices=Kind.choices)
    reference = models.CharField(max_length=35)  # the policy's or guarantee's number
    amount = models.BigIntegerField()  # won
    valid_from = models.DateField()
    valid_until = models.DateField()
    office = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    release_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="security_amount_positive"),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True) | Q(released_by__isnull=False),
                name="security_released_by_someone",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="security_dates_ordered"
            ),
            models.UniqueConstraint(fields=["business", "reference"], name="security_once_per_reference"),
        ]

    def __str__(self) -> str:
        return f"security {self.reference}"


class Carrier(models.Model):
    """A carrier or forwarder that files cargo manifests (적하목록)."""

    business = models.OneToOneField(Business, on_delete=models.PROTECT, related_name="customs_carrier")
    code = models.CharField(max_length=8, unique=True)

    def __str__(self) -> str:
        return self.code


class Manifest(models.Model):
    """A cargo manifest of one voyage or flight arriving at a port."""

    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="manifests")
    transport_mode = models.CharField(max_length=1)  # UN/ECE Rec 19: 1 sea, 4 air
    conveyance = models.CharField(max_length=40)  # vessel name and voyage, or flight number
    port_of_discharge = models.CharField(max_length=5)  # UN/LOCODE
    arrival_date = models.DateField()
    filed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.conveyance} {self.arrival_date}"


class ManifestLine(models.Model):
    """One consignment of a manifest under its transport document (B/L or AWB number)."""

    manifest = models.ForeignKey(Manifest, on_delete=models.CASCADE, related_name="lines")
    transport_document = models.CharField(max_length=35, unique=True)
    consignee = models.ForeignKey(Business, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=200)
    packages = models.PositiveIntegerField()
    gross_mass_kg = models.DecimalField(max_digits=12, decimal_places=3)

    def __str__(self) -> str:
        return self.transport_document


class Permit(models.Model):
    """A permit another agency issued (a quarantine certificate, a food import report): the
    single window's requirement. Kept here until the issuing agencies have apps of their own;
    customs reads it only through `exchange` as a shared item the issuing agency serves
    (`customs.shared`), so every check is granted and logged."""

    issuer = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="customs_permits")
    item_code = models.CharField(max_length=64)  # the shared item that serves it
    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="customs_permits")
    number = models.CharField(max_length=30, unique=True)
    hs_prefix = models.CharField(max_length=10)  # the goods it covers (chapter, heading or line)
    valid_from = models.DateField()
    valid_until = models.DateField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="permit_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.number


# --- tariff ---------------------------------------------------------------------------------------


class TariffHeading(models.Model):
    """A 10-digit national tariff line (HSK) under its 6-digit HS 2022 subheading.

    `reference_unit_price` (won per `unit`) is what risk rules compare a declared unit price
    with; `permit_item` names the single-window requirement (a shared item code), if any."""

    code = models.CharField(max_length=10, unique=True)
    hs6 = models.CharField(max_length=6, db_index=True)
    description_ko = models.CharField(max_length=200)
    description_en = models.CharField(max_length=200)
    unit = models.CharField(max_length=3)  # UN/ECE Rec 20 (KGM, NAR, LTR...)
    reference_unit_price = models.BigIntegerField(null=True, blank=True)
    permit_item = models.CharField(max_length=64, blank=True)
    demonstration = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{10}$"), name="tariff_code_10_digits"),
            models.CheckConstraint(condition=Q(hs6__regex=r"^[0-9]{6}$"), name="tariff_hs6_6_digits"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def chapter(self) -> str:
        return self.code[:2]


class TariffRate(models.Model):
    """A rate of a tariff line from `effective_from` on: the basic duty (기본세율), a preferential
    rate under an FTA (협정세율, with the origin countries it covers and the proof it needs), or
    an excise-type tax (개별소비세). Never updated: a new rate is a new row."""

    class Kind(models.TextChoices):
        BASIC = "basic", pgettext_lazy("tariff rate", "Basic duty")
        FTA = "fta", pgettext_lazy("tariff rate", "FTA preferential duty")
        EXCISE = "excise", pgettext_lazy("tariff rate", "Individual consumption tax")

    heading = models.ForeignKey(TariffHeading, on_delete=models.PROTECT, related_name="rates")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    agreement = models.CharField(max_length=16, blank=True)  # "KORUS", "KR-EU", "RCEP"
    origin_countries = models.JSONField(default=list, blank=True)  # ISO 3166 alpha-2
    proof_required = models.CharField(max_length=100, blank=True)  # 원산지증명서, 원산지신고서
    rate = models.DecimalField(**RATE)
    effective_from = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["heading", "kind", "agreement", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["heading", "kind", "agreement", "effective_from"], name="tariffrate_once_per_day"
            ),
            models.CheckConstraint(condition=Q(rate__gte=0), name="tariffrate_not_negative"),
            models.CheckConstraint(
                condition=Q(kind="fta", agreement__gt="") | (~Q(kind="fta") & Q(agreement="")),
                name="tariffrate_fta_names_agreement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.heading_id} {self.kind} {self.agreement} {self.rate}% from {self.effective_from}"


class ExchangeRate(models.Model):
    """The customs exchange rate (과세환율) of a currency for the week from `week_from`."""

    currency = models.CharField(max_length=3)  # ISO 4217
    won_per_unit = models.DecimalField(max_digits=12, decimal_places=4)
    week_from = models.DateField()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["currency", "-week_from"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "week_from"], name="exchangerate_once_per_week"),
            models.CheckConstraint(condition=Q(won_per_unit__gt=0), name="exchangerate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.won_per_unit} from {self.week_from}"


# --- risk selectivity ---------------------------------------------------------------------------


class RuleSet(models.Model):
    """A version of the selectivity rules. A draft is edited and back-tested; activating it
    retires the active one (one active at a time, by a partial unique constraint)."""

    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("rule set", "Draft")
        ACTIVE = "active", pgettext_lazy("rule set", "Active")
        RETIRED = "retired", pgettext_lazy("rule set", "Retired")

    version = models.PositiveIntegerField(unique=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.DRAFT)
    note = models.CharField(max_length=200, blank=True)
    yellow_from = models.PositiveIntegerField(default=40)  # score from which the lane is yellow
    red_from = models.PositiveIntegerField(default=80)  # and red
    inspection_quota_bp = models.PositiveIntegerField(default=100)  # of green ones, basis points
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["state"], condition=Q(state="active"), name="ruleset_one_active"),
            models.CheckConstraint(
                condition=Q(red_from__gt=F("yellow_from")), name="ruleset_red_above_yellow"
            ),
            models.CheckConstraint(condition=Q(inspection_quota_bp__lte=10000), name="ruleset_quota_share"),
        ]

    def __str__(self) -> str:
        return f"v{self.version} ({self.state})"


# What an official reads instead of the fact's and operator's codes.
RULE_FACT_WORDS = {
    "kind": "신고 구분", "trader": "화주 사업자등록번호", "declarant": "신고인 사업자등록번호",
    "aeo_grade": "AEO 등급", "transport_mode": "운송 수단", "port_of_loading": "적재항",
    "origin": "원산지", "hs_chapter": "HS 류(2단위)", "hs_code": "HS 부호(10단위)",
    "customs_value": "과세가격(원)", "unit_price_ratio_min": "참고가격 대비 최저 단가 비율",
    "unit_price_ratio_max": "참고가격 대비 최고 단가 비율", "item_count": "품목 수",
    "preference_claimed": "FTA 협정세율 적용 신청(1: 신청)",
}  # fmt: skip
RULE_OPERATOR_WORDS = {"eq": "=", "ne": "≠", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}


class Rule(models.Model):
    """One selectivity rule: `field` compared by `operator` with `value`; when it holds, the
    declaration's score grows by `weight` and the reason is recorded."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="rules")
    code = models.CharField(max_length=32)
    field = models.CharField(max_length=32)
    operator = models.CharField(max_length=8)
    value = models.JSONField()
    weight = models.IntegerField()
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["rule_set", "code"]
        constraints = [models.UniqueConstraint(fields=["rule_set", "code"], name="rule_code_once_per_set")]

    def __str__(self) -> str:
        return f"{self.code}: {self.field} {self.operator} {self.value!r} ({self.weight:+d})"

    def condition_text(self) -> str:
        """The condition in words: "AEO 등급: A, AA, AAA 중 하나", "과세가격(원) ≥ 100000000"."""
        fact = RULE_FACT_WORDS.get(self.field, self.field)
        values = self.value if isinstance(self.value, list) else [self.value]
        shown = ", ".join("(없음)" if v == "" else str(v) for v in values)
        if self.operator == "in":
            return f"{fact}: {shown} 중 하나"
        if self.operator == "not_in":
            return f"{fact}: {shown} 외"
        if self.operator == "prefix":
            return f"{fact}: {shown}(으)로 시작"
        return f"{fact} {RULE_OPERATOR_WORDS.get(self.operator, self.operator)} {shown}"


class InspectionDraw(models.Model):
    """The random inspection draw of one day (Seoul): the seed's SHA-256 commitment is public
    from the start of the day, the seed itself is revealed the day after. A green declaration
    is drawn when HMAC-SHA256(seed, its number) falls below the quota; anyone can check it."""

    day = models.DateField(unique=True)
    seed_commitment = models.CharField(max_length=64)
    seed_encrypted = models.BinaryField()
    seed_revealed = models.CharField(max_length=64, blank=True)
    revealed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"draw {self.day}"


# --- declarations -------------------------------------------------------------------------------


class Declaration(CaseModel):
    """An import (수입신고) or export (수출신고) declaration: a case of the kernel."""

    class Kind(models.TextChoices):
        IMPORT = "import", pgettext_lazy("declaration kind", "Import")
        EXPORT = "export", pgettext_lazy("declaration kind", "Export")

    class State(models.TextChoices):
        ACCEPTED = "accepted", pgettext_lazy("declaration state", "Accepted")
        HELD = "held", pgettext_lazy("declaration state", "Held for a permit")
        UNDER_REVIEW = "under_review", pgettext_lazy("declaration state", "Document review")
        INSPECTION = "inspection", pgettext_lazy("declaration state", "Physical inspection")
        AWAITING_PAYMENT = "awaiting_payment", pgettext_lazy("declaration state", "Awaiting payment")
        RELEASED = "released", pgettext_lazy("declaration state", "Released")
        REJECTED = "rejected", pgettext_lazy("declaration state", "Rejected")
        WITHDRAWN = "withdrawn", pgettext_lazy("declaration state", "Withdrawn")

    class Lane(models.TextChoices):
        GREEN = "green", pgettext_lazy("lane", "Green (release without documents)")
        YELLOW = "yellow", pgettext_lazy("lane", "Yellow (document review)")
        RED = "red", pgettext_lazy("lane", "Red (physical inspection)")

    OPEN_STATES = ("accepted", "held", "under_review", "inspection", "awaiting_payment")

    number = models.CharField(max_length=24, unique=True)
    kind = models.CharField(max_length=6, choices=Kind.choices)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declarant = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="+")  # trader or broker
    declarant_reference = models.CharField(max_length=35)  # LRN
    trader = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="customs_declarations")
    broker = models.ForeignKey(Broker, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="customs_declarations")
    state = models.CharField(max_length=16, choices=State.choices, default=State.ACCEPTED)
    transport_mode = models.CharField(max_length=1)
    conveyance = models.CharField(max_length=40, blank=True)
    port_of_loading = models.CharField(max_length=5)
    port_of_discharge = models.CharField(max_length=5)
    transport_document = models.CharField(max_length=35, blank=True)
    incoterm = models.CharField(max_length=3)
    currency = models.CharField(max_length=3)
    invoice_amount = models.DecimalField(**MONEY)
    won_per_unit = models.DecimalField(max_digits=12, decimal_places=4)
    customs_value = models.BigIntegerField()  # won
    duty_total = models.BigIntegerField(default=0)
    excise_total = models.BigIntegerField(default=0)
    vat_total = models.BigIntegerField(default=0)
    penalty_total = models.BigIntegerField(default=0)
    tax_total = models.BigIntegerField(default=0)
    lane = models.CharField(max_length=6, choices=Lane.choices, blank=True)
    risk_score = models.IntegerField(default=0)
    rule_set = models.ForeignKey(RuleSet, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    risk = models.JSONField(default=dict, blank=True)  # fired rules with their values, the draw
    hold_reason = models.CharField(max_length=300, blank=True)
    deferred_payment = models.BooleanField(default=False)  # released before paying (AEO or security)
    # the security the goods were released against, and what of it they use until paid
    security = models.ForeignKey(
        SecurityDeposit, null=True, blank=True, on_delete=models.PROTECT, related_name="declarations"
    )
    secured_amount = models.BigIntegerField(default=0)
    # the notice's issuance number; "" on a released declaration while the notice is being issued
    # (signed out of the request by `egov worker`: `services.notices`)
    release_document = models.CharField(max_length=16, blank=True)
    release_note = models.CharField(max_length=1000, blank=True)  # printed on the notice
    findings = models.TextField(blank=True)
    # the office's clock, started when the declaration is routed to review or inspection
    clock = models.OneToOneField(
        "core.CaseClock", null=True, blank=True, on_delete=models.PROTECT, related_name="customs_declaration"
    )
    submitted_at = models.DateTimeField(db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)  # released, rejected or withdrawn

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "state"], name="declaration_agency_state_idx"),
            models.Index(fields=["trader", "submitted_at"], name="declaration_trader_idx"),
            models.Index(
                fields=["id"],
                condition=Q(state="released", release_document=""),
                name="declaration_notice_due_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["declarant", "declarant_reference"], name="declaration_once_per_reference"
            ),
            models.CheckConstraint(condition=Q(customs_value__gte=0), name="declaration_value_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def case_ref(self) -> str:
        return f"customs.declaration:{self.number}"

    @property
    def release_notice_pending(self) -> bool:
        return self.state == self.State.RELEASED and not self.release_document

    @property
    def due_at(self):
        return self.clock.due_at if self.clock_id else None


class DeclarationItem(models.Model):
    """One goods item (GovernmentAgencyGoodsItem) with its assessment: the customs value in won,
    each tax and the explanation, line by line, of how it was computed."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="items")
    sequence = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=200)
    heading = models.ForeignKey(TariffHeading, on_delete=models.PROTECT, related_name="+")
    origin = models.CharField(max_length=2)  # ISO 3166-1 alpha-2
    unit = models.CharField(max_length=3)  # UN/ECE Rec 20
    quantity = models.DecimalField(max_digits=16, decimal_places=3)
    value = models.DecimalField(**MONEY)  # in the invoice currency
    preference = models.CharField(max_length=16, blank=True)  # the FTA claimed
    origin_proof = models.CharField(max_length=35, blank=True)  # the proof's reference
    customs_value = models.BigIntegerField(default=0)
    duty_rate = models.DecimalField(**RATE, default=0)
    duty = models.BigIntegerField(default=0)
    excise = models.BigIntegerField(default=0)
    vat = models.BigIntegerField(default=0)
    explanation = models.JSONField(default=list)

    class Meta:
        ordering = ["declaration", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "sequence"], name="item_sequence_once"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="item_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.declaration_id}/{self.sequence}"


class Amendment(models.Model):
    """A recorded amendment (정정) of a declaration or its assessment, with before and after."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="amendments")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=500)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.declaration_id} amendment {self.at:%Y-%m-%d}"


class DeclarationDraft(models.Model):
    """A declaration being filled in the portal's multi-step form, saved to resume later."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict)
    step = models.PositiveSmallIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"draft {self.pk}"
