"""Official documents (공문서, On-nara): drafted in a department, approved along an approval line
(결재선), registered with a number of the department's register, and dispatched to departments
and agencies, which register (접수) and assign (배부) what they receive.

`OfficialDocument` and `ReceivedDocument` are cases of the case kernel (`edocs.procedure`): their
history, attachments and audit are the kernel's. A change after approval is a new version (a new
`OfficialDocument` that `supersedes` the approved one), never an edit.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import pgettext_lazy

from egov.cases.models import CaseModel
from egov.registry.models import Agency


class Position(models.IntegerChoices):
    """The ranks an approval line and a delegation table speak of, lowest first (직위·직급 as the
    line shows them; an agency's own titles are the official's `title`)."""

    STAFF = 10, pgettext_lazy("position", "Officer")  # 주무관
    TEAM_LEADER = 20, pgettext_lazy("position", "Team leader")  # 팀장
    DIRECTOR = 30, pgettext_lazy("position", "Division director")  # 과장
    DIRECTOR_GENERAL = 40, pgettext_lazy("position", "Director general")  # 국장
    DEPUTY_HEAD = 50, pgettext_lazy("position", "Deputy head")  # 부기관장
    HEAD = 60, pgettext_lazy("position", "Head of agency")  # 기관장


class Department(models.Model):
    """A department of an agency (처리과): it drafts, registers and receives documents. The
    registry knows agencies only; their inner organisation is On-nara's. A closed department
    (`closed_at`) receives nothing: documents sent to it bounce."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="edocs_departments")
    code = models.CharField(max_length=16)
    name_ko = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    address = models.CharField(max_length=200, blank=True)
    telephone = models.CharField(max_length=20, blank=True)
    is_registry_office = models.BooleanField(default=False)  # 문서과: receives for the agency
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="edocs_department_code_once"),
            models.UniqueConstraint(
                fields=["agency"],
                condition=Q(is_registry_office=True, closed_at__isnull=True),
                name="edocs_one_registry_office",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency.code}/{self.code} {self.name_ko}"

    def name(self, language: str = "ko") -> str:
        return self.name_en if language == "en" else self.name_ko

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class OfficialPost(models.Model):
    """Where an official sits in On-nara: their department, rank and title (직위)."""

    official = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="edocs_post"
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="posts")
    position = models.PositiveSmallIntegerField(choices=Position.choices, default=Position.STAFF)
    title = models.CharField(max_length=50)  # "주무관", "총무과장"
    display_name = models.CharField(max_length=50)  # the name the line and the foot show

    def __str__(self) -> str:
        return f"{self.display_name} ({self.title})"


class DocumentKind(models.TextChoices):
    """What a document is about, as an agency's delegation table (위임전결규정) tells them apart."""

    GENERAL = "general", pgettext_lazy("document kind", "General business")
    REPORT = "report", pgettext_lazy("document kind", "Report")
    PLAN = "plan", pgettext_lazy("document kind", "Plan")
    BUDGET = "budget", pgettext_lazy("document kind", "Budget and spending")
    PERSONNEL = "personnel", pgettext_lazy("document kind", "Personnel")
    NOTICE = "notice", pgettext_lazy("document kind", "Notice to other agencies")


class DelegationRule(models.Model):
    """A line of the agency's delegation table (위임전결규정): documents of `kind` are finally
    approved (전결) by an official of `position` or above; a kind without a line goes to the head
    of the agency (기관장 결재)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="edocs_delegations")
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    position = models.PositiveSmallIntegerField(choices=Position.choices)

    class Meta:
        ordering = ["agency__code", "kind"]
        constraints = [models.UniqueConstraint(fields=["agency", "kind"], name="edocs_delegation_once")]

    def __str__(self) -> str:
        return f"{self.agency.code} {self.kind} → {self.position}"


class Disclosure(models.TextChoices):
    """The disclosure grade (공개 구분) the foot states."""

    PUBLIC = "public", pgettext_lazy("disclosure", "Public")
    PARTIAL = "partial", pgettext_lazy("disclosure", "Partly public")
    CLOSED = "closed", pgettext_lazy("disclosure", "Not public")


class Retention(models.TextChoices):
    """Retention periods of records (기록물 보존기간, 공공기록물법 시행령 제26조)."""

    Y1 = "1", pgettext_lazy("retention", "1 year")
    Y3 = "3", pgettext_lazy("retention", "3 years")
    Y5 = "5", pgettext_lazy("retention", "5 years")
    Y10 = "10", pgettext_lazy("retention", "10 years")
    Y30 = "30", pgettext_lazy("retention", "30 years")
    SEMI = "semi", pgettext_lazy("retention", "Semi-permanent")
    PERMANENT = "perm", pgettext_lazy("retention", "Permanent")


class UnitTask(models.Model):
    """A unit task (단위과제) of the agency's classification scheme (기록관리기준표): every
    document belongs to one and keeps its retention period; `archival` tasks go to the archive
    when retention ends (이관), the others are proposed for disposal (폐기)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="edocs_unit_tasks")
    code = models.CharField(max_length=16)
    name_ko = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    retention = models.CharField(max_length=4, choices=Retention.choices)
    archival = models.BooleanField(default=False)

    class Meta:
        ordering = ["agency__code", "code"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="edocs_unit_task_once")]

    def __str__(self) -> str:
        return f"{self.code} {self.name_ko}"

    def name(self, language: str = "ko") -> str:
        return self.name_en if language == "en" else self.name_ko


class OfficialDocument(CaseModel):
    """A document drafted in a department (기안문, and once approved and enforced, 시행문).

    The head is the agency and the recipients (`recipients`); the body the title, content and
    attachments (the kernel's files, purpose "attachment"); the foot the department's address
    and telephone, the approval line (`steps`), the registration number given on approval, the
    date of enforcement and the disclosure grade."""

    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("edocs state", "Draft")
        IN_APPROVAL = "in_approval", pgettext_lazy("edocs state", "In approval")
        RETURNED = "returned", pgettext_lazy("edocs state", "Returned")
        WITHDRAWN = "withdrawn", pgettext_lazy("edocs state", "Withdrawn")
        APPROVED = "approved", pgettext_lazy("edocs state", "Approved")
        DISPATCHED = "dispatched", pgettext_lazy("edocs state", "Dispatched")

    OPEN_STATES = ("draft", "in_approval", "returned", "approved")

    number = models.CharField(max_length=20, unique=True)  # the case's reference, not the register's
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="edocs_documents")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="documents")
    drafter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=DocumentKind.choices, default=DocumentKind.GENERAL)
    title = models.CharField(max_length=200)
    content = models.TextField()
    internal = models.BooleanField(default=False)  # 내부결재: approved, never dispatched
    disclosure = models.CharField(max_length=8, choices=Disclosure.choices, default=Disclosure.PUBLIC)
    disclosure_ground = models.CharField(max_length=100, blank=True)  # 정보공개법 제9조 제1항 제N호
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    version = models.PositiveSmallIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    in_reply_to = models.ForeignKey(
        "ReceivedDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="replies"
    )
    created_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    registration_number = models.CharField(max_length=40, null=True, blank=True)  # 생산등록번호 "총무과-12"
    registration_year = models.PositiveSmallIntegerField(null=True, blank=True)
    registration_serial = models.PositiveIntegerField(null=True, blank=True)
    enforced_on = models.DateField(null=True, blank=True)  # 시행일
    dispatched_at = models.DateTimeField(null=True, blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True)  # what the approvals signed
    current_order = models.PositiveSmallIntegerField(null=True, blank=True)  # whose turn on the line
    issued_document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # records management (기록물관리): the unit task, its retention, when retention ends and
    # where the record stands (active, disposed, transferred). Which appraisal a record is in
    # follows from the case's unit task and dates (`AppraisalCase.since`/`cutoff`): the sweep
    # writes no document row (see services/records.py).
    unit_task = models.ForeignKey(
        UnitTask, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    retention = models.CharField(max_length=4, choices=Retention.choices, blank=True)
    retention_until = models.DateField(null=True, blank=True)  # the first day it may be appraised
    records_state = models.CharField(max_length=12, default="active")  # active/disposed/transferred

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["department", "state", "created_at"], name="edocs_doc_dept_state_idx"),
            models.Index(fields=["agency", "state"], name="edocs_doc_agency_state_idx"),
            # The search's newest-first walk when a word is too common for its bigram index.
            models.Index(fields=["created_at", "id"], name="edocs_doc_created_idx"),
            models.Index(
                fields=["retention_until", "agency", "unit_task"],
                condition=Q(records_state="active", retention_until__isnull=False),
                name="edocs_doc_retention_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "registration_year", "registration_serial"],
                name="edocs_registration_once",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=("approved", "dispatched")) | Q(registration_number__isnull=False),
                name="edocs_approved_is_registered",
            ),
            models.CheckConstraint(
                condition=~Q(disclosure="closed") | ~Q(disclosure_ground=""),
                name="edocs_closed_has_ground",
            ),
        ]

    def __str__(self) -> str:
        return self.registration_number or self.number

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class Recipient(models.Model):
    """One addressee in the head (수신): a department of the same agency, another agency (its
    registry office receives), a department of another agency — or a citizen or a business
    (`resident` / `business`; `agency` is then the sending agency), to whom the enforced
    document is issued through `documents` and lands on their My page (`issued_document`)."""

    document = models.ForeignKey(OfficialDocument, on_delete=models.CASCADE, related_name="recipients")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resident = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    business = models.ForeignKey(
        "registry.Business", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "agency", "department"],
                condition=Q(resident__isnull=True, business__isnull=True),
                name="edocs_recipient_once",
            ),
            models.UniqueConstraint(
                fields=["document", "resident"],
                condition=Q(resident__isnull=False),
                name="edocs_resident_once",
            ),
            models.UniqueConstraint(
                fields=["document", "business"],
                condition=Q(business__isnull=False),
                name="edocs_business_once",
            ),
            models.CheckConstraint(
                condition=Q(resident__isnull=True) | Q(business__isnull=True, department__isnull=True),
                name="edocs_recipient_one_kind",
            ),
        ]

    def __str__(self) -> str:
        if self.resident_id or self.business_id:
            return f"person:{self.resident_id or ''}/{self.business_id or ''}"
        return f"{self.agency.code}/{self.department.code if self.department_id else '*'}"

    @property
    def is_person(self) -> bool:
        return bool(self.resident_id or self.business_id)


class ApprovalStep(models.Model):
    """One official on the approval line, in order: reviewers (검토), cooperators (협조) and
    the approver (결재) last. Each act is signed with the official's own key (`signature` over
    `signed`, the canonical JSON of what they approved)."""

    class Role(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("approval role", "Drafting")  # 기안: order 0, signed on submission
        REVIEW = "review", pgettext_lazy("approval role", "Review")
        COOPERATE = "cooperate", pgettext_lazy("approval role", "Cooperation")
        APPROVE = "approve", pgettext_lazy("approval role", "Approval")

    class Outcome(models.TextChoices):
        PENDING = "pending", pgettext_lazy("approval outcome", "Pending")
        APPROVED = "approved", pgettext_lazy("approval outcome", "Signed")  # 검토·협조·결재
        DELEGATED = "delegated", pgettext_lazy("approval outcome", "Approved under delegation")  # 전결
        SUBSTITUTED = "substituted", pgettext_lazy("approval outcome", "Approved by a substitute")  # 대결
        RETURNED = "returned", pgettext_lazy("approval outcome", "Returned")
        SKIPPED = "skipped", pgettext_lazy("approval outcome", "Not needed")  # above a 전결

    document = models.ForeignKey(OfficialDocument, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=10, choices=Role.choices)
    official = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=50)  # as the line shows them when it was drawn
    title = models.CharField(max_length=50)
    position = models.PositiveSmallIntegerField(choices=Position.choices)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    acted_by = models.ForeignKey(  # the substitute (대결), else the official
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acted_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)
    signed = models.TextField(blank=True)
    signature = models.TextField(blank=True)  # base64 DER ECDSA
    kid = models.CharField(max_length=16, blank=True)
    post_approved_at = models.DateTimeField(null=True, blank=True)  # 후결 after a 대결
    post_signature = models.TextField(blank=True)
    post_kid = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["document", "order"]
        indexes = [models.Index(fields=["official", "outcome"], name="edocs_step_inbox_idx")]
        constraints = [
            models.UniqueConstraint(fields=["document", "order"], name="edocs_step_order_once"),
            models.CheckConstraint(
                condition=Q(outcome="pending") | Q(outcome="skipped") | Q(acted_at__isnull=False),
                name="edocs_step_acted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_id}#{self.order} {self.role} {self.outcome}"


class Substitute(models.Model):
    """Who acts for an absent official (대결, 직무대리): within the dates, the substitute may
    approve what the official would, and the official post-approves (후결) when back."""

    official = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    substitute = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="edocs_substitute_dates"
            ),
            models.CheckConstraint(
                condition=~Q(official=models.F("substitute")), name="edocs_substitute_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.substitute_id} for {self.official_id}"


class Message(models.Model):
    """A document delivered to one recipient: between agencies a signed message (X-Road style:
    the sender agency's signature over the canonical body, a message ID that makes a
    re-delivery a no-op) answered by a signed acknowledgement of the receiving agency; within
    an agency the same row, signed as well. A recipient that is unknown or closed bounces
    (`bounce_reason`)."""

    class State(models.TextChoices):
        DELIVERED = "delivered", pgettext_lazy("edocs message", "Delivered")
        BOUNCED = "bounced", pgettext_lazy("edocs message", "Bounced")

    message_id = models.CharField(max_length=64, unique=True)
    document = models.ForeignKey(OfficialDocument, on_delete=models.PROTECT, related_name="messages")
    sender = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recipient_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recipient_department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField()  # canonical JSON
    body_sha256 = models.CharField(max_length=64)
    signature = models.TextField()
    kid = models.CharField(max_length=16)
    state = models.CharField(max_length=10, choices=State.choices)
    bounce_reason = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField()
    ack = models.TextField(blank=True)  # canonical JSON of the acknowledgement
    ack_signature = models.TextField(blank=True)
    ack_kid = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="bounced") | ~Q(bounce_reason=""), name="edocs_bounce_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.message_id


class ReceivedDocument(CaseModel):
    """A document as the receiving agency holds it: delivered to its registry office or to a
    department, registered (접수) with a receipt number of the receiving department's register,
    and assigned (배부) to a department and an official, who may answer with a new document."""

    class State(models.TextChoices):
        DELIVERED = "delivered", pgettext_lazy("edocs receipt state", "Delivered")
        REGISTERED = "registered", pgettext_lazy("edocs receipt state", "Registered")
        ASSIGNED = "assigned", pgettext_lazy("edocs receipt state", "Assigned")
        RETURNED = "returned", pgettext_lazy("edocs receipt state", "Sent back")

    OPEN_STATES = ("delivered", "registered")

    number = models.CharField(max_length=20, unique=True)
    message = models.OneToOneField(Message, on_delete=models.PROTECT, related_name="receipt")
    source = models.ForeignKey(OfficialDocument, on_delete=models.PROTECT, related_name="receipts")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="edocs_receipts")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="receipts")
    sender = models.ForeignKey(  # the drafter of the source (the kernel's applicant: told by e-mail)
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.DELIVERED)
    delivered_at = models.DateTimeField()
    registered_at = models.DateTimeField(null=True, blank=True)
    receipt_number = models.CharField(max_length=40, null=True, blank=True)  # 접수번호 "민원과-7"
    receipt_year = models.PositiveSmallIntegerField(null=True, blank=True)
    receipt_serial = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-delivered_at", "-id"]
        indexes = [
            models.Index(fields=["department", "state", "delivered_at"], name="edocs_rcv_dept_state_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "receipt_year", "receipt_serial"], name="edocs_receipt_once"
            ),
            models.CheckConstraint(
                condition=Q(state="delivered") | Q(state="returned") | Q(receipt_number__isnull=False),
                name="edocs_registered_has_number",
            ),
        ]

    def __str__(self) -> str:
        return self.receipt_number or self.number


class AppraisalCase(CaseModel):
    """An appraisal (기록물 평가) the retention sweep opens for the records of one unit task
    whose retention ended: it proposes disposal (폐기) or, for an archival task, transfer to the
    archive (이관). An official of the agency decides; disposal is recorded with every record's
    number and title, never silent; a transfer produces a BagIt package."""

    class State(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("appraisal state", "Proposed")
        DISPOSED = "disposed", pgettext_lazy("appraisal state", "Disposed")
        TRANSFERRED = "transferred", pgettext_lazy("appraisal state", "Transferred to the archive")
        RETAINED = "retained", pgettext_lazy("appraisal state", "Retention extended")

    class Proposal(models.TextChoices):
        DISPOSE = "dispose", pgettext_lazy("appraisal proposal", "Disposal")
        TRANSFER = "transfer", pgettext_lazy("appraisal proposal", "Transfer to the archive")

    OPEN_STATES = ("proposed",)

    number = models.CharField(max_length=20, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="edocs_appraisals")
    unit_task = models.ForeignKey(UnitTask, on_delete=models.PROTECT, related_name="appraisals")
    proposal = models.CharField(max_length=10, choices=Proposal.choices)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PROPOSED)
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    records = models.PositiveIntegerField(default=0)
    # the records of the case: active records of the unit task in the agency whose retention
    # ended after `since` (the previous case's cutoff, if any) and on or before `cutoff`
    since = models.DateField(null=True, blank=True)
    cutoff = models.DateField()
    package_name = models.CharField(max_length=200, blank=True)  # the BagIt directory under DATA_DIR
    package_sha256 = models.CharField(max_length=64, blank=True)  # of its tagmanifest

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["agency", "unit_task", "cutoff"], name="edocs_appraisal_cutoff_idx")]

    def __str__(self) -> str:
        return self.number

    def record_rows(self):
        """The records this appraisal decides (still active: a decision moves them on)."""
        rows = OfficialDocument.objects.filter(
            agency_id=self.agency_id,
            unit_task_id=self.unit_task_id,
            records_state="active",
            retention_until__lte=self.cutoff,
        )
        return rows.filter(retention_until__gt=self.since) if self.since else rows
