"""Information disclosure (정보공개, open.go.kr): requests, their decisions and withheld parts,
objections, and documents agencies publish proactively.

A request is a case of the kernel (`egov.cases`, declared in `procedure.py`): its history, the
files released to the requester (purpose "released") and the reminders to officials are the
kernel's `CaseEvent`, `CaseAttachment` and `CaseReminder` rows (`request.events`,
`request.files`, `request.case_reminders`). A request and an objection are each counted by a
`core.CaseClock` (one-to-one `clock`): the due date lives there only, so a holiday an operator
adds moves it without touching these tables.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import pgettext_lazy

from egov.cases.models import CaseModel
from egov.disclosure.procedure import OPEN_STATES
from egov.registry.models import Agency


class ExemptCategory(models.TextChoices):
    """비공개 대상 정보, 공공기관의 정보공개에 관한 법률 제9조제1항 각 호."""

    LAW = "1", pgettext_lazy("exempt category", "1. Secret under another law (제9조제1항제1호)")
    NATIONAL_SECURITY = (
        "2",
        pgettext_lazy(
            "exempt category", "2. National security, defence, unification, diplomacy (제9조제1항제2호)"
        ),
    )
    LIFE_AND_SAFETY = (
        "3",
        pgettext_lazy("exempt category", "3. Life, body, property, public safety (제9조제1항제3호)"),
    )
    TRIAL_AND_INVESTIGATION = (
        "4",
        pgettext_lazy("exempt category", "4. Trials, crime prevention and investigation (제9조제1항제4호)"),
    )
    AUDIT_AND_DECISION = (
        "5",
        pgettext_lazy(
            "exempt category", "5. Audits, inspections, decision-making in progress (제9조제1항제5호)"
        ),
    )
    PERSONAL = "6", pgettext_lazy("exempt category", "6. Personal information (제9조제1항제6호)")
    BUSINESS = "7", pgettext_lazy("exempt category", "7. Trade secrets of a business (제9조제1항제7호)")
    SPECULATION = "8", pgettext_lazy("exempt category", "8. Speculation or undue advantage (제9조제1항제8호)")


class DisclosureRequest(CaseModel):
    class ReleaseForm(models.TextChoices):
        VIEW = "view", pgettext_lazy("release form", "Viewing (열람)")
        COPY = "copy", pgettext_lazy("release form", "Copy or print-out (사본·출력물)")
        ELECTRONIC = "electronic", pgettext_lazy("release form", "Electronic file (전자파일)")

    class State(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("disclosure state", "Received")
        EXTENDED = "extended", pgettext_lazy("disclosure state", "Extended")
        DECIDED = "decided", pgettext_lazy("disclosure state", "Decided")
        DEEMED_REFUSED = "deemed_refused", pgettext_lazy("disclosure state", "Deemed refused")
        OBJECTED = "objected", pgettext_lazy("disclosure state", "Objection filed")
        OBJECTION_DECIDED = "objection_decided", pgettext_lazy("disclosure state", "Objection decided")

    class Outcome(models.TextChoices):
        FULL = "full", pgettext_lazy("disclosure outcome", "Disclosed")
        PARTIAL = "partial", pgettext_lazy("disclosure outcome", "Partly disclosed")
        REFUSED = "refused", pgettext_lazy("disclosure outcome", "Not disclosed")
        DEEMED_REFUSED = "deemed_refused", pgettext_lazy("disclosure outcome", "Deemed refused (no decision)")

    OPEN_STATES = OPEN_STATES

    number = models.CharField(max_length=20, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="disclosure_requests")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disclosure_requests"
    )
    title = models.CharField(max_length=200)
    content = models.TextField()
    release_form = models.CharField(max_length=12, choices=ReleaseForm.choices)
    state = models.CharField(max_length=20, choices=State.choices, default=State.RECEIVED)
    submitted_at = models.DateTimeField(db_index=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    grounds = models.TextField(blank=True)
    exempt_categories = models.JSONField(default=list, blank=True)  # sorted codes of 제9조제1항
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    clock = models.OneToOneField(
        "core.CaseClock", on_delete=models.PROTECT, related_name="disclosure_request"
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "state"], name="disclosure_agency_state_idx"),
            models.Index(fields=["decided_at"], name="disclosure_decided_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=("received", "extended"), outcome="", decided_at__isnull=True)
                | (~Q(state__in=("received", "extended")) & ~Q(outcome="") & Q(decided_at__isnull=False)),
                name="disclosure_decided_has_outcome",
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
        return f"disclosure.request:{self.number}"

    @property
    def objection_case_ref(self) -> str:
        return f"disclosure.request:{self.number}:objection"

    def exempt_category_labels(self) -> list[str]:
        return [str(ExemptCategory(code).label) for code in self.exempt_categories]


class WithheldPart(models.Model):
    """A part of the information not disclosed in a partial decision, with its exempt category."""

    request = models.ForeignKey(DisclosureRequest, on_delete=models.CASCADE, related_name="withheld_parts")
    description = models.CharField(max_length=500)
    category = models.CharField(max_length=1, choices=ExemptCategory.choices)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=ExemptCategory.values), name="withheld_part_category_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.category}"


class Objection(models.Model):
    """이의신청 (정보공개법 제18조): one per request, decided within 7 days on its own clock."""

    class State(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("objection state", "Received")
        EXTENDED = "extended", pgettext_lazy("objection state", "Extended")
        DECIDED = "decided", pgettext_lazy("objection state", "Decided")

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", pgettext_lazy("objection outcome", "Accepted (인용)")
        PARTLY_ACCEPTED = "partly_accepted", pgettext_lazy("objection outcome", "Partly accepted (부분 인용)")
        DISMISSED = "dismissed", pgettext_lazy("objection outcome", "Dismissed (기각)")

    request = models.OneToOneField(DisclosureRequest, on_delete=models.CASCADE, related_name="objection")
    reason = models.TextField()
    filed_at = models.DateTimeField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.RECEIVED)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    grounds = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    clock = models.OneToOneField(
        "core.CaseClock", on_delete=models.PROTECT, related_name="disclosure_objection"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(~Q(state="decided") & Q(outcome="", decided_at__isnull=True))
                | (Q(state="decided") & ~Q(outcome="") & Q(decided_at__isnull=False)),
                name="objection_decided_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} objection"

    @property
    def is_open(self) -> bool:
        return self.state != self.State.DECIDED


class Publication(models.Model):
    """사전정보공표 (정보공개법 제7조): a document an agency publishes without being asked. Not a
    case: its file is checked by content and stored like a case's (`egov.core.files`, under
    DATA_DIR/disclosure/ by a random name), never under a static or media root."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="publications")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_withdrawn = models.BooleanField(default=False)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=64, unique=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["agency", "is_withdrawn"], name="publication_agency_idx")]

    def __str__(self) -> str:
        return self.title
