"""Participation (국민생각함-style public proposals): a citizen posts a proposal in public, other
residents comment and agree during a set period, and a proposal that reaches the threshold
becomes a petition of kind proposal to the competent agency (`petitions`), whose answer is then
published on the proposal's page.

`agreement_count` is kept on the proposal under its row lock, so the list sorts on it without
counting; `Agreement` is unique per (proposal, resident): one agreement per person, also in the
database.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import pgettext_lazy

from egov.petitions.models import Category, Petition
from egov.registry.models import Agency, Resident


class Proposal(models.Model):
    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("proposal state", "Collecting agreements")
        PETITIONED = "petitioned", pgettext_lazy("proposal state", "Sent to the agency")

    title = models.CharField(max_length=200)
    body = models.TextField()
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="proposals")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="proposals")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals")
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    posted_at = models.DateTimeField(db_index=True)
    closes_at = models.DateTimeField()
    threshold = models.PositiveIntegerField()
    agreement_count = models.PositiveIntegerField(default=0)
    petition = models.OneToOneField(
        Petition, null=True, blank=True, on_delete=models.PROTECT, related_name="public_proposal"
    )
    petitioned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-posted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="petitioned") | Q(petition__isnull=False),
                name="proposal_petitioned_has_petition",
            ),
            models.CheckConstraint(condition=Q(threshold__gte=1), name="proposal_threshold_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class Comment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    posted_at = models.DateTimeField()

    class Meta:
        ordering = ["posted_at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id} #{self.pk}"


class Agreement(models.Model):
    """One resident agrees with one proposal, once."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="agreements")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agreed_at = models.DateTimeField()

    class Meta:
        ordering = ["agreed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "resident"], name="agreement_once_per_resident")
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.resident_id}"
