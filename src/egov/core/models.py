from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """Who changed what, when, and why: one row per state change, written by services.

    `before` and `after` never hold a national ID number in clear; services pass masked
    values.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    reason = models.TextField(blank=True)
    legal_basis = models.CharField(max_length=200, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class RateCounter(models.Model):
    """Requests per client and window, for rate limits shared by every worker process.

    `key` is a keyed hash (never the client's address in clear) prefixed with the limit's
    name; old windows are deleted as new ones start.
    """

    key = models.CharField(max_length=100)
    window_start = models.BigIntegerField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="ratecounter_key_window_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.key}@{self.window_start}: {self.hits}"


class Holiday(models.Model):
    """A day the operator adds to (or takes out of) the Korean holiday calendar.

    The `holidays` library gives the statutory holidays and substitute holidays; operators add
    what it cannot know in advance: temporary holidays (임시공휴일) decided by the Cabinet,
    election days it does not list, or — kind "workday" — a library holiday that is not a
    holiday for government offices. Changed only through `egov.core.deadlines` services, which
    recompute the due dates of open cases in the same transaction.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "Holiday (offices closed)"
        WORKDAY = "workday", "Working day (the library's holiday does not apply)"

    date = models.DateField(unique=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.HOLIDAY)
    name_ko = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    legal_basis = models.CharField(max_length=200, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name_ko}"


class CaseClockQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(state=CaseClock.State.CLOSED)

    def running(self):
        return self.filter(state=CaseClock.State.RUNNING)

    def for_agencies(self, agency_ids):
        return self.filter(agency_id__in=agency_ids)

    def overdue(self, now=None):
        """Running clocks whose period has run out (paused ones wait for the citizen)."""
        return self.running().filter(due_at__lt=now or timezone.now())

    def queue_order(self):
        """Most urgent first: the earliest due date, so overdue cases lead the queue."""
        return self.order_by("due_at", "id")


class CaseClock(models.Model):
    """The processing-period clock of one case (a civil application, a petition, a request).

    `due_at` is kept current by `egov.core.deadlines` and indexed so queues sort and filter on
    it without computing anything. What the due date is made of is stored on the row as the
    period counted (`unit`, `length`, `extension_units`, snapshotted when the clock starts, so
    a later change of the law's period does not move open cases), the moment counting started
    (`counted_from`: the receipt, or the receipt at the competent agency after a transfer) and
    the pauses since then, so due dates can be recomputed in bulk when holidays change.
    `ClockEvent` rows keep the whole history and are what the explanation is written from.
    """

    class State(models.TextChoices):
        RUNNING = "running", "Running"
        PAUSED = "paused", "Paused (waiting for the applicant)"
        CLOSED = "closed", "Closed"

    class Unit(models.TextChoices):
        BUSINESS_HOURS = "business_hours", "Business hours"
        BUSINESS_DAYS = "business_days", "Business days"
        CALENDAR_DAYS = "calendar_days", "Calendar days"
        MONTHS = "months", "Months"

    case_type = models.CharField(max_length=64)
    case_ref = models.CharField(max_length=100, unique=True)
    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField()
    counted_from = models.DateTimeField()
    unit = models.CharField(max_length=16, choices=Unit.choices)
    length = models.PositiveIntegerField()
    first_day_counts = models.BooleanField(default=True)
    extension_units = models.PositiveIntegerField(default=0)
    extensions = models.PositiveSmallIntegerField(default=0)
    pauses = models.JSONField(default=list, blank=True)
    paused_units = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=8, choices=State.choices, default=State.RUNNING)
    paused_since = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseClockQuerySet.as_manager()

    class Meta:
        # Partial: closed clocks pile up for ever, queues and sweeps only read the open ones.
        indexes = [
            models.Index(
                fields=["agency", "due_at"], condition=~models.Q(state="closed"), name="caseclock_queue_idx"
            ),
            models.Index(fields=["due_at"], condition=~models.Q(state="closed"), name="caseclock_sweep_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(length__gt=0), name="caseclock_length_positive"),
            models.CheckConstraint(
                condition=models.Q(state="paused", paused_since__isnull=False)
                | (~models.Q(state="paused") & models.Q(paused_since__isnull=True)),
                name="caseclock_paused_since_iff_paused",
            ),
            models.CheckConstraint(
                condition=models.Q(state="closed", closed_at__isnull=False)
                | (~models.Q(state="closed") & models.Q(closed_at__isnull=True)),
                name="caseclock_closed_at_iff_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_ref} ({self.case_type}) due {timezone.localtime(self.due_at):%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.state != self.State.CLOSED

    @property
    def closed_late(self) -> bool | None:
        """Whether the case was closed after its due date; None while it is open."""
        return None if self.closed_at is None else self.closed_at > self.due_at


class ClockEvent(models.Model):
    """One append-only step in the life of a case clock, with who, when and why."""

    class Kind(models.TextChoices):
        START = "start", "Started"
        PAUSE = "pause", "Paused"
        RESUME = "resume", "Resumed"
        EXTEND = "extend", "Extended"
        TRANSFER = "transfer", "Transferred"
        CLOSE = "close", "Closed"
        RECOMPUTE = "recompute", "Recomputed"

    clock = models.ForeignKey(CaseClock, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["clock", "at"], name="clockevent_clock_at_idx")]

    def __str__(self) -> str:
        return f"{self.clock_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """One message to one person in their inbox (알림함), written in the same transaction as
    the change it tells of; its e-mail and text message leave after commit. `key` makes it
    idempotent: the same change told twice is one notification."""

    class Topic(models.TextChoices):
        CASE = "case", "case"
        PAYMENT = "payment", "payment"
        DOCUMENT = "document", "document"
        TENDER = "tender", "tender"
        OTHER = "other", "other"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(max_length=120)
    topic = models.CharField(max_length=16, choices=Topic.choices, default=Topic.OTHER)
    title_ko = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    texted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_key")]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_inbox_idx"),
            models.Index(
                fields=["user"], condition=models.Q(read_at__isnull=True), name="notification_unread_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.title_en}"

    def title(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_ko


class NotificationPreference(models.Model):
    """Which channels a person wants besides the inbox, which is always on: e-mail (on unless
    turned off) and SMS/알림톡 (off until they give a mobile number and turn it on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField(default=True)
    sms = models.BooleanField(default=False)
    phone = models.CharField(max_length=20, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sms=False) | ~models.Q(phone=""), name="notification_sms_needs_phone"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: email={self.email} sms={self.sms}"


class StoredFile(models.Model):
    """A file kept in the database by `egov.core.storage.DatabaseStorage`, for deployments whose
    app nodes share nothing but PostgreSQL (no object storage): the bytes travel with the
    database's backups, WAL archive and standby."""

    name = models.CharField(max_length=255, unique=True)
    content = models.BinaryField()
    size = models.BigIntegerField()
    modified_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name
