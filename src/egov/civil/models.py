"""Civil services (Government24): the catalogue and the applications.

A `Service` is what a citizen can ask for: a certificate issued at once, or an application an
official decides. How a service works is its `handler` (code registered in `handlers.py`:
the certificates, the moving-in report, and "configurable" — form fields, approval steps and
output document set in the back office, without code). An `Application` is a case of the case
kernel (`procedure.py`): its history is `application.events` (`cases.CaseEvent`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from egov.cases.models import CaseModel
from egov.documents.models import Document
from egov.registry.models import Agency, Resident


class Service(models.Model):
    class Kind(models.TextChoices):
        INSTANT = "instant", _("Issued at once")
        PROCESSED = "processed", _("Decided by an official")

    code = models.SlugField(max_length=64, unique=True)
    name_ko = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    summary_ko = models.TextField(blank=True)
    summary_en = models.TextField(blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="civil_services")
    legal_basis = models.CharField(max_length=300)
    eligibility_ko = models.TextField(blank=True)
    eligibility_en = models.TextField(blank=True)
    fee = models.PositiveIntegerField(default=0)  # KRW; an online application pays it first (`fees.py`)
    processing_days = models.PositiveSmallIntegerField(default=0)  # statutory, business days
    kind = models.CharField(max_length=16, choices=Kind.choices)
    handler = models.CharField(max_length=64)
    items = models.JSONField(default=list, blank=True)  # shared item codes fetched instead of papers
    papers_replaced = models.PositiveSmallIntegerField(default=0)
    doc_type = models.CharField(max_length=64, blank=True)  # the document it issues, if any
    form_schema = models.JSONField(default=list, blank=True)  # configurable services' fields
    approval_steps = models.JSONField(default=list, blank=True)  # configurable services' steps
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name_ko"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="processed") | Q(processing_days=0), name="service_instant_has_no_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name_ko} ({self.code})"

    def name(self, language: str = "ko") -> str:
        return self.name_en if language == "en" else self.name_ko

    def summary(self, language: str = "ko") -> str:
        return self.summary_en if language == "en" else self.summary_ko

    def eligibility(self, language: str = "ko") -> str:
        return self.eligibility_en if language == "en" else self.eligibility_ko

    @property
    def period_code(self) -> str:
        return f"civil.{self.code}"


class Application(CaseModel):
    class State(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", pgettext_lazy("application state", "Awaiting payment")
        SUBMITTED = "submitted", pgettext_lazy("application state", "Submitted")
        IN_REVIEW = "in_review", pgettext_lazy("application state", "In review")
        SUPPLEMENT = "supplement_requested", pgettext_lazy("application state", "Supplement requested")
        APPROVED = "approved", pgettext_lazy("application state", "Approved")
        REJECTED = "rejected", pgettext_lazy("application state", "Rejected")
        ISSUED = "issued", pgettext_lazy("application state", "Issued")
        WITHDRAWN = "withdrawn", pgettext_lazy("application state", "Withdrawn")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        COUNTER = "counter", _("At the counter")

    OPEN_STATES = ("awaiting_payment", "submitted", "in_review", "supplement_requested")
    FINAL_STATES = ("approved", "rejected", "issued", "withdrawn")

    number = models.CharField(max_length=20, unique=True)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    subject = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="applications")
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="applications"
    )  # who handles it
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.ONLINE)
    state = models.CharField(max_length=24, choices=State.choices, default=State.SUBMITTED)
    data = models.JSONField(default=dict, blank=True)  # what the applicant filled in
    fetched = models.JSONField(default=list, blank=True)  # what came through exchange, not from the citizen
    step = models.PositiveSmallIntegerField(default=0)  # approvals given so far
    idempotency_key = models.CharField(max_length=64)
    submitted_at = models.DateTimeField(db_index=True)
    # The deadline clock (core.deadlines) of a processed application: its due date is always
    # current there, also after an operator adds a holiday; instant certificates have none.
    clock = models.OneToOneField(
        "core.CaseClock", null=True, blank=True, on_delete=models.PROTECT, related_name="civil_application"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(  # the official who took a counter application
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "state"], name="application_queue_idx"),
            models.Index(fields=["service", "submitted_at"], name="application_service_month_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["applicant", "idempotency_key"], name="application_idempotent"),
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(decision_reason=""),
                name="application_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def due_at(self):
        return self.clock.due_at if self.clock_id else None

    @property
    def case_ref(self) -> str:
        return f"civil.application:{self.pk}"

    @property
    def title(self) -> str:
        """What the application is for, as its e-mails name it."""
        return f"{self.service.name_ko} ({self.service.name_en})"

    @property
    def service_name(self) -> str:
        """What the application is for, as a page names it: in the request's language only."""
        return self.service.name(get_language() or "ko")


class Subscription(models.Model):
    """An agency that wants to hear of an event (e.g. a pension office of every move)."""

    class Event(models.TextChoices):
        APPROVED = "application.approved", _("An application was approved")
        MOVED = "resident.moved", _("A resident moved in (moving-in report approved)")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="civil_subscriptions")
    event = models.CharField(max_length=32, choices=Event.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "event"], name="subscription_once")]

    def __str__(self) -> str:
        return f"{self.agency_id}:{self.event}"


class Notice(models.Model):
    """What a subscribed agency is told, in the transaction of the decision."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="civil_notices")
    event = models.CharField(max_length=32)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notices")
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.agency_id}:{self.event}:{self.application_id}"
