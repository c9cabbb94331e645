"""Issued documents: the register every verification reads.

The personal content never sits in clear: the signed JSON twin (which holds the payload) is
stored encrypted in `jws_encrypted`, the signed PDF encrypted in a file under
EGOV_DATA_DIR/documents. What verification by number may show — type, agency, date,
status, hashes — is in plain columns.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egov.registry.models import Agency, Business, Resident


class Document(models.Model):
    class Language(models.TextChoices):
        KO = "ko", _("Korean")
        EN = "en", _("English")

    number = models.CharField(max_length=16, unique=True)  # 발급번호: 15 random digits + Luhn
    doc_type = models.CharField(max_length=64, db_index=True)
    title = models.CharField(max_length=200)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.KO)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="documents")
    subject_resident = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    subject_business = models.ForeignKey(
        Business, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(db_index=True)
    kid = models.CharField(max_length=16)  # the agency key that signed it
    twin_sha256 = models.CharField(max_length=64)  # SHA-256 of the canonical JSON twin
    pdf_sha256 = models.CharField(max_length=64, unique=True)
    pdf_size = models.PositiveIntegerField()
    pdf_path = models.CharField(max_length=200)  # relative to EGOV_DATA_DIR, encrypted content
    jws_encrypted = models.BinaryField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revocation_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["agency", "-issued_at"], name="document_agency_issued_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(number__regex=r"^[0-9]{16}$"), name="document_number_16"),
            models.CheckConstraint(
                condition=Q(subject_resident__isnull=True) | Q(subject_business__isnull=True),
                name="document_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revocation_reason=""),
                name="document_revocation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.doc_type} {self.number_display}"

    @property
    def number_display(self) -> str:
        return "-".join(self.number[i : i + 4] for i in range(0, 16, 4))

    @property
    def status(self) -> str:
        return "revoked" if self.revoked_at else "valid"


class DocumentIssueKey(models.Model):
    """A document issued once for a named thing (`receipt:petitions.petition:12`): asking again
    returns the same document instead of a second one (`document_issue_once`)."""

    key = models.CharField(max_length=120, unique=True)
    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="issue_key")

    def __str__(self) -> str:
        return self.key
