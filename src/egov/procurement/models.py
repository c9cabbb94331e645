"""KONEPS e-procurement: suppliers, tender notices, sealed bids and their opening.

A `Supplier` is a business of the business register, registered once, bidding at every
agency. A `Tender` is an agency's notice; its opening key's private half exists only as the
three committee shares (see `crypto`). A `Bid` holds only the sealed string until the opening.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from egov.registry.models import Agency, Business


class Supplier(models.Model):
    business = models.OneToOneField(Business, on_delete=models.PROTECT, related_name="supplier")
    categories = models.JSONField(default=list)  # codes of `categories.CATEGORIES`
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField()

    class Meta:
        ordering = ["business__name"]

    def __str__(self) -> str:
        return str(self.business)


class Tender(models.Model):
    class AwardMethod(models.TextChoices):
        LOWEST_PRICE = "lowest_price", _("Lowest price")
        MULTIPLE_RESERVE_PRICE = "multiple_reserve_price", _("Multiple reserve price (복수예비가격)")

    class State(models.TextChoices):
        PUBLISHED = "published", pgettext_lazy("tender state", "Published")
        OPENED = "opened", pgettext_lazy("tender state", "Opened")
        CANCELLED = "cancelled", pgettext_lazy("tender state", "Cancelled")

    number = models.CharField(max_length=20, unique=True)  # e.g. 20261123-00001
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="tenders")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    items = models.JSONField(default=list)  # [{"description", "quantity", "unit"}]
    budget = models.BigIntegerField()  # KRW
    base_price = models.BigIntegerField()  # KRW, 기초금액
    award_method = models.CharField(max_length=32, choices=AwardMethod.choices)
    categories = models.JSONField(default=list)  # eligibility: a supplier of one of these
    documents = models.JSONField(default=list, blank=True)  # [{"title", "url"}]
    deadline = models.DateTimeField(db_index=True)
    opening_at = models.DateTimeField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.PUBLISHED)
    opening_public_key = models.BinaryField(max_length=65)  # uncompressed P-256 point
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(null=True, blank=True)
    # A cancelled notice (취소공고): when, by whom and why (public); set once, with state cancelled.
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancel_reason = models.TextField(blank=True)
    # The multiple reserve price method (see `reserve`): the range around the base price in
    # basis points (200 = ±2%), the floor rate in % (낙찰하한율), the seed's public commitment
    # and the seed itself, encrypted at rest (core.crypto) until the opening reveals it.
    reserve_range_bp = models.PositiveSmallIntegerField(null=True, blank=True)
    floor_rate = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    reserve_seed_commitment = models.CharField(max_length=64, blank=True)
    reserve_seed_sealed = models.BinaryField(null=True, blank=True)
    scoring_rules = models.JSONField(null=True, blank=True)  # see `scoring`; None: no scoring

    class Meta:
        ordering = ["deadline", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(base_price__gt=0), name="tender_base_price_positive"),
            models.CheckConstraint(
                condition=Q(base_price__lte=F("budget")), name="tender_base_within_budget"
            ),
            models.CheckConstraint(
                condition=Q(opening_at__gte=F("deadline")), name="tender_opens_after_deadline"
            ),
            models.CheckConstraint(
                condition=Q(deadline__gt=F("published_at")), name="tender_deadline_after_notice"
            ),
            models.CheckConstraint(
                condition=Q(
                    award_method="lowest_price", reserve_range_bp__isnull=True, floor_rate__isnull=True
                )
                | Q(
                    award_method="multiple_reserve_price",
                    reserve_range_bp__gte=1,
                    reserve_range_bp__lte=1000,
                    floor_rate__gt=0,
                    floor_rate__lte=100,
                ),
                name="tender_reserve_fields_by_method",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def state_shown(self) -> str:
        """The state as a person reads it: a published notice past its deadline takes no more
        bids and waits for its opening, so it no longer reads "게시"."""
        if self.state == self.State.PUBLISHED and self.deadline <= timezone.now():
            return str(pgettext_lazy("tender state", "Closed, awaiting opening"))
        return self.get_state_display()


class TenderAmendment(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="amendments")
    changes = models.JSONField()  # {"field": [before, after]}
    reason = models.TextField()
    amended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amended_at = models.DateTimeField()

    class Meta:
        ordering = ["amended_at", "id"]

    def __str__(self) -> str:
        return f"{self.tender.number} amendment {self.pk}"

    LABELS = {
        "title": _("Title"),
        "description": _("Description"),
        "items": _("Items"),
        "budget": _("Budget"),
        "base_price": _("Base price"),
        "categories": _("Eligible product categories"),
        "documents": _("Documents"),
        "deadline": _("Submission deadline"),
        "opening_at": _("Opening"),
    }

    @property
    def changed_labels(self) -> list[str]:
        """What changed, as a bidder reads it ("기초금액"), never the field's code."""
        return [str(self.LABELS.get(name, _("Other"))) for name in self.changes]


class Clarification(models.Model):
    """A public question about a notice and the agency's public answer (asker not shown)."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="clarifications")
    question = models.TextField()
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField()
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]

    def __str__(self) -> str:
        return f"{self.tender.number} question {self.pk}"


class CommitteeMember(models.Model):
    """One of the three officials holding a share of the tender's opening key.

    `pending_share` holds the share only until the member collects it (shown once); the
    tender takes no bid before all three are collected, so no share is on the server while
    any bid exists. `share_sha256` lets the opening recognise a wrong share at once. Shares
    on the server (pending, or handed in at the opening until it completes) are encrypted
    at rest with `core.crypto.encrypt_blob`, bound to the tender and index."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="committee")
    official = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    index = models.PositiveSmallIntegerField()
    share_sha256 = models.CharField(max_length=64)
    pending_share = models.BinaryField(null=True, blank=True)
    collected_at = models.DateTimeField(null=True, blank=True)
    submitted_share = models.BinaryField(null=True, blank=True)  # at the opening, until it completes
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["tender", "index"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "index"], name="committee_index_once"),
            models.UniqueConstraint(fields=["tender", "official"], name="committee_official_once"),
            models.CheckConstraint(condition=Q(index__gte=1, index__lte=3), name="committee_index_1_3"),
            models.CheckConstraint(
                condition=Q(pending_share__isnull=True) | Q(collected_at__isnull=True),
                name="committee_share_shown_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tender.number} committee member {self.index}"


class Bid(models.Model):
    class State(models.TextChoices):
        LIVE = "live", _("Submitted")
        REPLACED = "replaced", _("Replaced")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="bids")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="bids")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sealed = models.TextField()
    sealed_sha256 = models.CharField(max_length=64)
    submitted_at = models.DateTimeField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.LIVE)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    receipt = models.TextField()  # canonical JSON the platform signed
    receipt_signature = models.CharField(max_length=100)  # Ed25519, base64url
    receipt_key_id = models.CharField(max_length=16)
    # Filled at the opening:
    price = models.BigIntegerField(null=True, blank=True)
    content = models.TextField(blank=True)
    picks = models.JSONField(default=list, blank=True)  # multiple reserve price: two numbers 1..15
    rank = models.PositiveIntegerField(null=True, blank=True)  # price order among valid bids
    invalid_reason = models.CharField(max_length=300, blank=True)
    # A valid bid that cannot win: below the floor amount, or failing qualification scoring.
    excluded_reason = models.CharField(max_length=300, blank=True)
    score = models.JSONField(null=True, blank=True)  # qualification score at the award (`scoring`)

    class Meta:
        ordering = ["tender", "submitted_at", "id"]
        indexes = [models.Index(fields=["tender", "state"], name="bid_tender_state_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "supplier"], condition=Q(state="live"), name="bid_one_live_per_supplier"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tender.number} bid {self.pk}"

    @property
    def is_valid(self) -> bool:
        return not self.invalid_reason


class ReserveDraw(models.Model):
    """The public draw of a multiple reserve price tender, made at its opening: everything a
    third party needs to recompute the reserve prices, the estimated price and the floor."""

    tender = models.OneToOneField(Tender, on_delete=models.PROTECT, related_name="reserve_draw")
    seed = models.CharField(max_length=64)  # revealed, hex
    seed_commitment = models.CharField(max_length=64)
    bid_hashes = models.JSONField()  # SHA-256 of every sealed bid live at the deadline, sorted
    base_price = models.BigIntegerField()
    range_bp = models.PositiveSmallIntegerField()
    prices = models.JSONField()  # the 15 reserve prices, numbers 1..15 in order
    pick_counts = models.JSONField()  # picks of valid bids per number 1..15
    chosen = models.JSONField()  # the four numbers averaged
    estimated_price = models.BigIntegerField()  # 예정가격
    floor_rate = models.DecimalField(max_digits=6, decimal_places=3)
    floor_amount = models.BigIntegerField()  # 낙찰하한금액
    drawn_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.tender.number} reserve price draw"


class Award(models.Model):
    """The tender's award to one opened, valid bid, with its published reason."""

    tender = models.OneToOneField(Tender, on_delete=models.PROTECT, related_name="award")
    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="award")
    amount = models.BigIntegerField()
    reason = models.TextField()
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    awarded_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="award_amount_positive")]

    def __str__(self) -> str:
        return f"{self.tender.number} award"


class Contract(models.Model):
    """The contract the agency's registrar issues after the award, as a signed document
    (`documents`, type `procurement.contract`, the supplier's business as its subject)."""

    class State(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("contract state", "Active")
        COMPLETED = "completed", pgettext_lazy("contract state", "Completed")

    number = models.CharField(max_length=24, unique=True)  # the tender number + "-C"
    tender = models.OneToOneField(Tender, on_delete=models.PROTECT, related_name="contract")
    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="contract")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="contracts")
    amount = models.BigIntegerField()  # KRW, the awarded amount
    start_date = models.DateField()
    end_date = models.DateField()
    terms = models.TextField()
    document = models.OneToOneField("documents.Document", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=16, choices=State.choices, default=State.ACTIVE)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="contract_amount_positive"),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="contract_period_order"),
        ]

    def __str__(self) -> str:
        return f"{self.number} contract"


class Milestone(models.Model):
    """A delivery the contract pays for; the agency accepts or rejects it once (a rejected
    delivery is replaced by a new milestone), and payments are recorded against an accepted one."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting delivery")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="milestones")
    description = models.CharField(max_length=200)
    due_date = models.DateField()
    amount = models.BigIntegerField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    note = models.TextField(blank=True)  # the acceptance or rejection note
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["contract", "due_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="milestone_amount_positive"),
            models.CheckConstraint(
                condition=Q(state="pending", decided_at__isnull=True)
                | (~Q(state="pending") & Q(decided_at__isnull=False)),
                name="milestone_decided_when_not_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.number} milestone {self.pk}"


class Payment(models.Model):
    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="payments")
    amount = models.BigIntegerField()
    paid_on = models.DateField()
    reference = models.CharField(max_length=100)  # the transfer's reference (not published)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]

    def __str__(self) -> str:
        return f"{self.milestone.contract.number} payment {self.pk}"


class BidToken(models.Model):
    """A bearer token with which a business representative's bidding software submits and
    withdraws sealed bids (`Authorization: Bearer egovbid_…`), instead of a portal session.

    Only the token's SHA-256 is kept (the token is 256 random bits, shown once when issued).
    It acts as its user and can do only what the bid API allows that user: each bid still
    names the business, which the user must represent, checked at every bid."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bid_tokens")
    name = models.CharField(max_length=100)  # what the representative calls the software
    checksum = models.CharField(max_length=64, unique=True)  # SHA-256 of the token, hex
    hint = models.CharField(max_length=16)  # the token's first characters, to tell them apart
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"
