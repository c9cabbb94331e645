"""Petitions (e-People, 국민신문고): complaints, grievances and proposals.

A `Petition` is a case of the case kernel (`egov.cases`, declared in `petitions.procedure`): its
history, attachments, reminders and escalations are the kernel's rows (`petition.events`,
`petition.files`, `petition.case_reminders`).

A petition goes to the agency its `Category` names (the competent agency) and is counted by a
`core.CaseClock` (one-to-one `clock`): its due date lives there only, so a holiday an operator
adds moves it without touching this table. A reopened petition gets a new clock; the closed
ones stay in `core` under the petition's earlier case references.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import pgettext_lazy

from egov.cases.models import CaseModel
from egov.registry.models import Agency


class Category(models.Model):
    """What a petition is about, which agency is competent for it and, for a complaint, which
    statutory period applies (a code registered in `petitions.periods`)."""

    code = models.SlugField(max_length=64, unique=True)
    name_ko = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="petition_categories")
    period_code = models.CharField(max_length=64)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name_ko"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return f"{self.name_ko} ({self.code})"

    def name(self, language: str = "ko") -> str:
        return self.name_en if language == "en" else self.name_ko


class Petition(CaseModel):
    class Kind(models.TextChoices):
        COMPLAINT = "complaint", pgettext_lazy("petition kind", "Complaint")
        GRIEVANCE = "grievance", pgettext_lazy("petition kind", "Grievance")
        PROPOSAL = "proposal", pgettext_lazy("petition kind", "Proposal")

    class State(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("petition state", "Received")
        ASSIGNED = "assigned", pgettext_lazy("petition state", "Assigned")
        IN_PROGRESS = "in_progress", pgettext_lazy("petition state", "In progress")
        EXTENDED = "extended", pgettext_lazy("petition state", "Extended")
        ANSWERED = "answered", pgettext_lazy("petition state", "Answered")
        CLOSED = "closed", pgettext_lazy("petition state", "Closed")
        REOPENED = "reopened", pgettext_lazy("petition state", "Reopened")
        TRANSFERRED = "transferred", pgettext_lazy("petition state", "Transferred")

    OPEN_STATES = ("received", "assigned", "in_progress", "extended", "reopened", "transferred")

    number = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="petitions")
    title = models.CharField(max_length=200)
    body = models.TextField()
    petitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="petitions"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="petitions")  # competent now
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.RECEIVED)
    submitted_at = models.DateTimeField(db_index=True)
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    clock = models.OneToOneField("core.CaseClock", on_delete=models.PROTECT, related_name="petition")
    # the filing form's hidden key: a second submission of the same form files nothing new
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "state"], name="petition_agency_state_idx"),
            models.Index(fields=["assignee", "state"], name="petition_assignee_idx"),
            models.Index(fields=["agency", "category", "submitted_at"], name="petition_statistics_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["petitioner", "idempotency_key"], name="petition_idempotent"),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="petition_satisfaction_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(state="answered") | (Q(answered_at__isnull=False) & ~Q(answer="")),
                name="petition_answered_has_answered_at",
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
        """The reference of the current clock: a reopened petition counts on a new one."""
        base = f"petitions.petition:{self.number}"
        return base if not self.reopen_count else f"{base}:r{self.reopen_count}"
