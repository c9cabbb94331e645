"""The kernel's tables, shared by every procedure: history, attachments, number counters,
reminders and escalations.

Each row names its case by content type and primary key (`case_type`, `case_id`), so one table
serves every procedure and a procedure's model reaches its rows through a `GenericRelation`
(`CaseModel` declares them). The history and the reminders are append-only: services create
rows, nothing updates or deletes them.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class CaseEvent(models.Model):
    """One step in a case's history, as the applicant and the officials see it: the state the
    case was left in, the action taken (a declared transition, or "file"), a note shown to
    people and data for the record."""

    case_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    case_id = models.BigIntegerField()
    case = GenericForeignKey("case_type", "case_id")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=24)
    action = models.CharField(max_length=24, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case_type", "case_id", "at"], name="caseevent_case_idx")]

    def __str__(self) -> str:
        return f"{self.case_type_id}:{self.case_id} {self.action or self.state}"

    def _procedure(self):
        from egov.cases.procedures import procedure_of

        return procedure_of(self.case_type.model_class())

    def get_state_display(self) -> str:
        """The state's label in the active language (templates call it as on a choices field)."""
        return self._procedure().state_label(self.state)

    @property
    def action_label(self) -> str:
        """The action as people say it ("배정", "답변"), or "" for one without a label."""
        return self._procedure().action_label(self.action) if self.action else ""


class CaseAttachment(models.Model):
    """A file that belongs to a case: checked by its content (`core.files`), stored under
    `DATA_DIR/<the procedure's folder>/` by a random name, never under a static or media root.
    `purpose` tells the procedure's kinds of file apart (the petitioner's attachment, the
    information released to a requester)."""

    case_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    case_id = models.BigIntegerField()
    case = GenericForeignKey("case_type", "case_id")
    purpose = models.CharField(max_length=24)
    original_name = models.CharField(max_length=200)
    # 100: the office formats of On-nara attachments (DOCX, XLSX) have MIME types of 60-70 characters.
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=64, unique=True)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["case_type", "case_id", "purpose"], name="caseattachment_case_idx")]

    def __str__(self) -> str:
        return self.original_name


class CaseNumberCounter(models.Model):
    """The last serial given to a procedure's cases in a year. Taken under a row lock in the
    transaction that creates the case, so a rolled-back case gives its number back: the serials
    have no gaps.

    `scope` "" is the procedure's own case numbers; a procedure that keeps further registers
    (an e-document's registration number per department) counts each under its own scope."""

    procedure = models.CharField(max_length=64)
    scope = models.CharField(max_length=64, default="", blank=True)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "scope", "year"], name="casenumber_once_per_scope_year"
            ),
        ]

    def __str__(self) -> str:
        scope = f" [{self.scope}]" if self.scope else ""
        return f"{self.procedure}{scope} {self.year}: {self.last}"


class CaseReminder(models.Model):
    """An official reminded of a due date coming (`kind` reminder), or a supervisor told of one
    missed (`kind` escalation), once per case, watched clock and due date: the unique constraint
    makes the sweeps safe to run twice, or from two workers at once. A new due date (extension,
    transfer, reopening, an objection's clock) gets its own."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Reminder"
        ESCALATION = "escalation", "Escalation"

    case_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    case_id = models.BigIntegerField()
    case = GenericForeignKey("case_type", "case_id")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    watch = models.CharField(max_length=24, blank=True)  # "" the case's clock, else the watch's name
    due_at = models.DateTimeField()
    recipients = models.PositiveSmallIntegerField(default=0)
    agency = models.ForeignKey(
        "registry.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case_type", "case_id", "kind", "watch", "due_at"], name="casereminder_once_per_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_type_id}:{self.case_id} {self.kind} {self.due_at:%Y-%m-%d}"


class CaseModel(models.Model):
    """The base of a procedure's model: its history, files and reminders, reached as
    `case.events`, `case.files`, `case.case_reminders` (prefetchable like any relation).

    The procedure's own fields (number, state, agency, clock, who filed it) stay on its model
    under the names it declares in its `Procedure`."""

    events = GenericRelation(CaseEvent, content_type_field="case_type", object_id_field="case_id")
    files = GenericRelation(CaseAttachment, content_type_field="case_type", object_id_field="case_id")
    case_reminders = GenericRelation(CaseReminder, content_type_field="case_type", object_id_field="case_id")

    class Meta:
        abstract = True

    @property
    def procedure(self):
        from egov.cases.procedures import procedure_of

        return procedure_of(self)
