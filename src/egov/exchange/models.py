"""Shared use of administrative information (HANAR, X-Road): the catalogue of shared items,
grants between agencies, citizens' consents, and the tamper-evident access log."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class SharedItem(models.Model):
    """An item a providing agency serves; the data comes from a selector registered in code
    under the same `code` (see `egov.exchange.catalogue`)."""

    code = models.CharField(max_length=64, unique=True)
    provider = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="shared_items")
    name_ko = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    fields = models.JSONField(default=list)  # the field names the item can return
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Grant(models.Model):
    """A consuming agency may call `item` for `fields` only, for `purpose`, under `legal_basis`,
    between the validity dates, once the provider approved it."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        REVOKED = "revoked", _("Revoked")

    consumer = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="grants_held")
    item = models.ForeignKey(SharedItem, on_delete=models.PROTECT, related_name="grants")
    fields = models.JSONField(default=list)
    purpose = models.CharField(max_length=300)
    legal_basis = models.CharField(max_length=200)  # statute and article
    valid_from = models.DateField()
    valid_until = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=F("valid_from")), name="grant_dates_ordered")
        ]
        indexes = [models.Index(fields=["consumer", "item", "status"], name="grant_lookup_idx")]

    def __str__(self) -> str:
        return f"grant {self.pk}: {self.consumer_id} -> {self.item_id}"


class Consent(models.Model):
    """A citizen lets `recipient` (an agency or a registered third party) receive `items`
    about them for `purpose` until `valid_until`, or until they revoke it."""

    resident = models.ForeignKey("registry.Resident", on_delete=models.CASCADE, related_name="consents")
    recipient = models.ForeignKey(
        "registry.Agency", on_delete=models.PROTECT, related_name="consents_received"
    )
    items = models.ManyToManyField(SharedItem, related_name="consents")
    purpose = models.CharField(max_length=300)
    valid_from = models.DateField()
    valid_until = models.DateField()
    given_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="consent_dates_ordered"
            )
        ]
        indexes = [models.Index(fields=["resident", "recipient"], name="consent_lookup_idx")]

    def __str__(self) -> str:
        return f"consent {self.pk}"


class EntryManager(models.Manager):
    """Every entry with its position `seq` (1-based; the tree's leaf index is seq - 1), read
    from its level-0 node (`AccessLogNode.entry`), or None while it is pending."""

    def get_queryset(self):
        return super().get_queryset().annotate(seq=F("leaf__index") + 1)


class AccessLogEntry(models.Model):
    """One query, granted or refused: a leaf of the access log's Merkle tree
    (`egov.exchange.accesslog`). Inserted by `access_log_append` with no position, queued in
    `AccessLogPending`; the integrator gives it its position by writing its level-0 node
    (`AccessLogNode.entry`) and dequeues it. An entry is never updated (the database refuses
    it, docs/transparency-log.md); `objects` reads its position as `seq`.

    `entry_hash` is the leaf hash SHA-256(0x00 ‖ canonical form), hex, and `prev_hash` is
    empty. Entries written before the tree (issue 14) keep their hash chain: `prev_hash` is the
    previous entry's `entry_hash`, `entry_hash` the SHA-256 of their canonical form, and their
    leaf hash is SHA-256(0x00 ‖ that same canonical form)."""

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    seq = None  # the position, as `objects` reads it from the level-0 node (None: pending)
    at = models.DateTimeField()
    consumer = models.ForeignKey(
        "registry.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    client_id = models.CharField(max_length=64, blank=True)  # X-Road-Client: the calling system
    user_ref = models.CharField(max_length=64, blank=True)  # X-Road-UserId: the person behind it
    case_ref = models.CharField(max_length=100, blank=True)  # X-Road-Issue
    message_id = models.CharField(max_length=100, blank=True)  # X-Road-Id
    item_code = models.CharField(max_length=64)
    subject = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="accesses"
    )
    # the business an item about a business was asked for (a shared item with subject
    # "business"); `subject` is then empty, so no person sees the read as one of theirs
    subject_business = models.ForeignKey(
        "registry.Business", null=True, blank=True, on_delete=models.PROTECT, related_name="accesses"
    )
    fields = models.JSONField(default=list)
    purpose = models.CharField(max_length=300, blank=True)
    basis = models.CharField(max_length=32, blank=True)  # "grant:12", "consent:3" or ""
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    error_code = models.CharField(max_length=32, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    objects = EntryManager()
    plain = models.Manager()  # noqa: DJ012 - a manager: the entries without their position's join

    class Meta:
        indexes = [
            models.Index(fields=["subject", "at"], name="access_subject_idx"),
            models.Index(fields=["item_code", "at"], name="access_item_idx"),
            models.Index(
                fields=["subject_business", "at"],
                name="access_business_idx",
                condition=models.Q(subject_business__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.item_code} {self.outcome}"


class AccessLogPending(models.Model):
    """The integrator's queue: an entry appended and not yet given a position. Inserted with
    the entry, in the same statement; deleted by the integrator in the transaction that
    writes the entry's level-0 node. Not part of the log (no append-only trigger)."""

    entry = models.OneToOneField(
        AccessLogEntry, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )

    def __str__(self) -> str:
        return f"pending {self.entry_id}"


class AccessCheckpoint(models.Model):
    """The platform key's Ed25519 signature over the hash chain's head at `seq`: the chain's
    checkpoints before the Merkle tree (issue 14), kept as they were; the tree's are
    `AccessLogCheckpoint`."""

    seq = models.BigIntegerField(unique=True)
    entry_hash = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)  # hex
    key_id = models.CharField(max_length=64)
    signed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"checkpoint @{self.seq}"


class AccessLogNode(models.Model):
    """The hash of one complete subtree of the access log's Merkle tree: node (level, index)
    covers the leaves index·2^level up to (index+1)·2^level - 1; level 0 holds the leaf
    hashes. Written once by the integrator, never updated; an inclusion or consistency proof
    reads O(log n) of them by primary key.

    A leaf's node names its entry (`entry`, level 0 only): that is the entry's position, seq =
    index + 1, written in bulk with the nodes instead of an UPDATE of each entry. No foreign
    key constraint in the database (it would lock every entry row it checks); `egov audit
    verify` checks that each leaf is its entry's hash."""

    pk = models.CompositePrimaryKey("level", "index")
    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    digest = models.BinaryField()
    entry = models.OneToOneField(
        AccessLogEntry, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="leaf",
    )  # fmt: skip

    def __str__(self) -> str:
        return f"node {self.level}/{self.index}"


class AccessLogCheckpoint(models.Model):
    """The tree at `tree_size` with `root_hash`, as a C2SP checkpoint in a signed note
    (`note`) by the platform key; written by the integrator, never updated."""

    tree_size = models.BigIntegerField(unique=True)
    root_hash = models.BinaryField()
    note = models.TextField()
    signed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"checkpoint {self.tree_size}"


class AccessLogCosignature(models.Model):
    """A witness's cosignature (C2SP tlog-cosignature v1) on a checkpoint: the note
    signature line it answered with."""

    checkpoint = models.ForeignKey(AccessLogCheckpoint, on_delete=models.PROTECT, related_name="cosignatures")
    witness = models.CharField(max_length=200)  # the witness's key name
    line = models.TextField()
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "witness"], name="cosignature_once_per_witness")
        ]

    def __str__(self) -> str:
        return f"{self.witness} on {self.checkpoint_id}"


class QueryReceipt(models.Model):
    """The answer given to one client message ID, so a retry gets the same answer and no
    second log entry."""

    client_id = models.CharField(max_length=64)
    message_id = models.CharField(max_length=100)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    log_entry = models.ForeignKey(AccessLogEntry, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client_id", "message_id"], name="receipt_once_per_message")
        ]

    def __str__(self) -> str:
        return f"{self.client_id}/{self.message_id}"


class Delivery(models.Model):
    """One message delivered between agencies through the exchange (`exchange.delivery`), as
    X-Road's message log keeps it: the sender's signed body, the recipient's signed
    acknowledgement or the reason it bounced, and the exchange's seal (the platform key's
    Ed25519 signature over both). The message ID is unique: a re-delivery finds this row and
    delivers nothing twice."""

    class State(models.TextChoices):
        DELIVERED = "delivered", _("Delivered")
        BOUNCED = "bounced", _("Bounced")

    message_id = models.CharField(max_length=100, unique=True)  # X-Road-Id
    service = models.CharField(max_length=64)  # what the recipient's handler serves
    sender = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+")
    body = models.TextField()  # as the sender signed it
    body_sha256 = models.CharField(max_length=64)
    signature = models.TextField()  # the sender's, base64
    kid = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices)
    bounce_reason = models.CharField(max_length=200, blank=True)
    ack = models.TextField(blank=True)  # as the recipient signed it
    ack_signature = models.TextField(blank=True)
    ack_kid = models.CharField(max_length=64, blank=True)
    seal = models.CharField(max_length=128)  # the platform's Ed25519 signature, hex
    seal_kid = models.CharField(max_length=16)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["sender", "at"], name="delivery_sender_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(state="delivered", bounce_reason="") & ~Q(ack=""))
                | (Q(state="bounced", ack="") & ~Q(bounce_reason="")),
                name="delivery_acknowledged_or_bounced",
            ),
        ]

    def __str__(self) -> str:
        return self.message_id
