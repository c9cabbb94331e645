"""The kpi app's tables: monthly rollups of what the apps count, the watermark each source has
been read to, and the availability probes the worker records.

A rollup cell is one measure for one agency (or the nation, agency NULL), month and service:
how many facts (`count`), the sum of their values (`total`) and, for measures with a value, a
histogram over fixed buckets (`buckets`, counts per `egov.kpi.histogram.EDGES` bucket), so
percentiles are read from the cells without keeping a raw list. Cells are only ever added to
by the worker's tick (`egov.kpi.rollups`), or rebuilt from scratch by `egov kpi_rebuild`.

An agency has two cells per measure, month and service: its own facts (`subtree` False: what
the per-agency statistics list), and its own plus those of every agency under it (`subtree`
True: what an official of that agency sees), so no page adds up the cells of many agencies.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Rollup(models.Model):
    measure = models.CharField(max_length=64)
    agency = models.ForeignKey(
        "registry.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField()  # the first day of the month (Seoul)
    service = models.CharField(max_length=64, blank=True, default="")
    subtree = models.BooleanField(default=False)  # the agency and every agency under it
    count = models.BigIntegerField(default=0)
    total = models.FloatField(default=0)
    buckets = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "agency", "month", "service", "subtree"],
                condition=Q(agency__isnull=False),
                name="kpi_rollup_once_per_agency_cell",
            ),
            models.UniqueConstraint(
                fields=["measure", "month", "service"],
                condition=Q(agency__isnull=True),
                name="kpi_rollup_once_per_platform_cell",
            ),
        ]
        indexes = [
            models.Index(fields=["month", "measure"], name="kpi_rollup_month_idx"),
            models.Index(fields=["agency", "subtree", "month"], name="kpi_rollup_agency_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.agency_id or '-'} {self.month:%Y-%m} {self.service}: {self.count}"


class Watermark(models.Model):
    """How far a source has been read: the last id of its table whose facts are in the
    rollups (gauges: when they were last written)."""

    source = models.CharField(max_length=64, unique=True)
    position = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.source} @ {self.position}"


class Probe(models.Model):
    """One availability probe (the readiness check: database answers, migrations applied), at
    most one a minute (`minute` unique), recorded by the worker."""

    minute = models.DateTimeField(unique=True)
    ok = models.BooleanField()
    latency_ms = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.minute:%Y-%m-%d %H:%M} {'ok' if self.ok else 'down'}"
