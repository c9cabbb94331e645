"""Payments: what the platform charges and what the bank says came in.

A `PaymentOrder` is one amount a service charges one payer (a certificate fee, a duty, a tax),
tied to the case it belongs to by content type and id (like the case kernel's tables), payable
into its own virtual account (가상계좌, `virtual_accounts.py`). What the collecting bank reports
arrives as ISO 20022 statements (`iso20022.py`): each `BankStatement` is one file, each
`BankEntry` one credit in it, keyed by the bank's reference so a file imported twice — or an
end-of-day camt.053 repeating the day's camt.054 notifications — adds nothing the second time.
A credit that does not settle an order exactly waits for an official as a `Reconciliation`;
money sent back leaves as a `Refund`, gathered into a pain.001 `RefundFile`.

Amounts are integers of won (KRW has no minor unit in use), never floats.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from egov.documents.models import Document
from egov.registry.models import Agency, Business, Resident


class PaymentOrder(models.Model):
    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("payment state", "Awaiting payment")
        PARTLY_PAID = "partly_paid", pgettext_lazy("payment state", "Partly paid")
        PAID = "paid", pgettext_lazy("payment state", "Paid")
        OVERPAID = "overpaid", pgettext_lazy("payment state", "Overpaid")
        CANCELLED = "cancelled", pgettext_lazy("payment state", "Cancelled")
        REFUNDED = "refunded", pgettext_lazy("payment state", "Refunded")

    PAYABLE_STATES = ("open", "partly_paid")
    SETTLED_STATES = ("paid", "overpaid")

    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payment_orders"
    )
    payer_resident = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="payment_orders"
    )
    payer_business = models.ForeignKey(
        Business, null=True, blank=True, on_delete=models.PROTECT, related_name="payment_orders"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="payment_orders"
    )  # the creditor
    purpose = models.CharField(max_length=200)
    case_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case_id = models.BigIntegerField(null=True, blank=True)
    case = GenericForeignKey("case_type", "case_id")
    amount = models.PositiveBigIntegerField()  # KRW
    paid_amount = models.BigIntegerField(default=0)  # credited minus refunded, KRW
    due_date = models.DateField()
    virtual_account = models.CharField(max_length=20, unique=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)
    receipt = models.ForeignKey(Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["payer", "created_at"], name="paymentorder_payer_idx"),
            models.Index(fields=["case_type", "case_id"], name="paymentorder_case_idx"),
            models.Index(
                fields=["id"],
                condition=Q(state__in=("paid", "overpaid"), receipt__isnull=True),
                name="paymentorder_receipt_due_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="paymentorder_amount_positive"),
            models.CheckConstraint(condition=Q(paid_amount__gte=0), name="paymentorder_paid_not_negative"),
        ]

    def __str__(self) -> str:
        return self.virtual_account

    @property
    def outstanding(self) -> int:
        return max(self.amount - self.paid_amount, 0)

    @property
    def virtual_account_display(self) -> str:
        va = self.virtual_account
        return f"{va[:4]}-{va[4:8]}-{va[8:]}"


class BankStatement(models.Model):
    """One statement file from the collecting bank, as received (its entries are `BankEntry`)."""

    class Kind(models.TextChoices):
        CAMT053 = "camt.053.001.08", _("End-of-day statement (camt.053)")
        CAMT054 = "camt.054.001.08", _("Credit notification (camt.054)")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    message_id = models.CharField(max_length=35)  # GrpHdr/MsgId
    sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()  # GrpHdr/CreDtTm
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=100)  # "api:<client id>" or "console"
    entries = models.PositiveIntegerField(default=0)  # new credits recorded
    repeated = models.PositiveIntegerField(default=0)  # credits already recorded from an earlier file

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.message_id}"


class BankEntry(models.Model):
    """One credit to a virtual account, keyed by the bank's reference (AcctSvcrRef, else NtryRef);
    or a payment confirmed at a counter, keyed by the gateway's reference."""

    class Outcome(models.TextChoices):
        MATCHED = "matched", _("Matched")
        PARTIAL = "partial", _("Partial payment")
        OVERPAID = "overpaid", _("Overpayment")
        UNKNOWN = "unknown", _("Unknown account")
        CLOSED = "closed", _("Order not payable")

    class Channel(models.TextChoices):
        BANK = "bank", _("Bank transfer")
        COUNTER = "counter", _("At the counter")

    statement = models.ForeignKey(
        BankStatement, null=True, blank=True, on_delete=models.PROTECT, related_name="bank_entries"
    )  # None for a payment confirmed at a counter (`gateways`)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.BANK)
    bank_ref = models.CharField(max_length=35, unique=True)
    virtual_account = models.CharField(max_length=34, db_index=True)
    amount = models.PositiveBigIntegerField()  # KRW
    booked_on = models.DateField()
    debtor_name = models.CharField(max_length=140, blank=True)
    debtor_account = models.CharField(max_length=34, blank=True)
    debtor_bank = models.CharField(max_length=35, blank=True)  # ClrSysMmbId/MmbId or BICFI
    order = models.ForeignKey(
        PaymentOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="bank_entries"
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices)

    class Meta:
        ordering = ["-booked_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="bankentry_amount_positive")]

    def __str__(self) -> str:
        return self.bank_ref


class Reconciliation(models.Model):
    """A credit an official must look at: a partial payment, an overpayment, a payment into an
    unknown account or into an order no longer payable. Resolved by matching it to an order,
    refunding it, or marking it resolved with a note."""

    class Resolution(models.TextChoices):
        MATCHED = "matched", _("Matched to an order")
        REFUNDED = "refunded", _("Refunded")
        RESOLVED = "resolved", _("Resolved")
        SETTLED = "settled", _("Settled by a later payment")

    entry = models.OneToOneField(BankEntry, on_delete=models.PROTECT, related_name="reconciliation")
    reason = models.CharField(max_length=16, choices=BankEntry.Outcome.choices)
    agency = models.ForeignKey(  # whose queue: the order's creditor; None for an unknown account
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.CharField(max_length=16, choices=Resolution.choices, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(resolution=""), name="reconciliation_open_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolution="") | Q(resolved_at__isnull=False),
                name="reconciliation_resolved_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reason}:{self.entry_id}"

    @property
    def is_open(self) -> bool:
        return not self.resolution


class RefundFile(models.Model):
    """A pain.001.001.09 credit-transfer initiation handed to the bank, with its refunds."""

    message_id = models.CharField(max_length=35, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    xml = models.BinaryField()
    total = models.PositiveBigIntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.message_id


class Refund(models.Model):
    """Money to send back to the account it came from."""

    entry = models.ForeignKey(BankEntry, on_delete=models.PROTECT, related_name="refunds")
    order = models.ForeignKey(
        PaymentOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    amount = models.PositiveBigIntegerField()
    end_to_end_id = models.CharField(max_length=35, unique=True)
    reason = models.CharField(max_length=140)
    file = models.ForeignKey(
        RefundFile, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive")]

    def __str__(self) -> str:
        return self.end_to_end_id
