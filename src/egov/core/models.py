from django.conf import settings
from django.db import models


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
