"""`/metrics` in the Prometheus text format, for the operator's Prometheus only.

Two sources (docs/operations.md, "What to monitor"):
- request rate, latency, database time and exceptions, counted by each process
  (`egov.core.metrics`; with PROMETHEUS_MULTIPROC_DIR set, added up over gunicorn's workers);
- figures read from the database at scrape time, so every node and worker agrees on them:
  the task queue's depth and age, the transparency log's integration lag, overdue clocks per
  procedure, documents issued and bids submitted (counters from the tables' id high-water marks,
  cheap on any size of table: `rate()` of them is the issuance and bid rate), failed tasks.

Access (never public): a request is answered when it carries `Authorization: Bearer <token>`
equal to EGOV_METRICS_TOKEN, or comes from an address in EGOV_METRICS_ALLOWED_NETWORKS (the
socket's address, REMOTE_ADDR; never X-Forwarded-For). Anything else gets a plain 404, as if
there were no such page. With neither setting the endpoint answers nobody.
"""

import datetime as dt
import hmac
import ipaddress
import logging
import os
import time
from functools import cache

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count, Max, Min, Q
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

log = logging.getLogger("egov.metrics")


# --- Access -----------------------------------------------------------------------------------


@cache
def _networks(spec: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def metrics_allowed(request) -> bool:
    """Whether this request may read the metrics (the token, or an allowed network)."""
    token = getattr(settings, "EGOV_METRICS_TOKEN", None) or ""
    if token:
        header = request.headers.get("Authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
            return True
    allowed = tuple(getattr(settings, "EGOV_METRICS_ALLOWED_NETWORKS", ()) or ())
    if allowed:
        try:
            address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
        except ValueError:
            return False
        return any(address in network for network in _networks(allowed))
    return False


# --- Figures from the database ----------------------------------------------------------------


def _seconds_since(moment: dt.datetime | None, now: dt.datetime) -> float:
    return max(0.0, (now - moment).total_seconds()) if moment else 0.0


def _task_metrics(now: dt.datetime):
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    depth = GaugeMetricFamily(
        "egov_tasks_queue_depth", "Background tasks waiting for a worker, by queue.", labels=["queue"]
    )
    age = GaugeMetricFamily(
        "egov_tasks_queue_oldest_age_seconds",
        "How long the oldest task that is due has waited for a worker, by queue.",
        labels=["queue"],
    )
    running = GaugeMetricFamily("egov_tasks_running", "Background tasks a worker is running now.")
    failed = GaugeMetricFamily("egov_tasks_failed", "Background task results kept with status failed.")
    # A task without a time to run after carries the largest date (django-tasks-db's convention).
    due = Q(run_after=get_date_max()) | Q(run_after__lte=now)
    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY).order_by()
    rows = {
        row["queue_name"]: row
        for row in ready.values("queue_name").annotate(n=Count("pk"), oldest=Min("enqueued_at", filter=due))
    }
    for queue in sorted(set(settings.TASKS["default"].get("QUEUES", ["default"])) | set(rows)):
        row = rows.get(queue, {"n": 0, "oldest": None})
        depth.add_metric([queue], row["n"])
        age.add_metric([queue], _seconds_since(row["oldest"], now))
    running.add_metric([], DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count())
    failed.add_metric([], DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count())
    return [depth, age, running, failed]


def _access_log_metrics(now: dt.datetime):
    from egov.exchange.accesslog import access_log_pending
    from egov.exchange.models import AccessLogCheckpoint

    # Read from the integrator's queue of pending entries: cheap on any size of log.
    pending_n, pending_oldest = access_log_pending()
    lag = GaugeMetricFamily(
        "egov_access_log_pending_entries", "Access-log entries not yet integrated into the Merkle tree."
    )
    lag.add_metric([], pending_n)
    age = GaugeMetricFamily(
        "egov_access_log_integration_lag_seconds",
        "Age of the oldest access-log entry not yet in the tree (0 when none waits).",
    )
    age.add_metric([], _seconds_since(pending_oldest, now))
    latest = AccessLogCheckpoint.objects.aggregate(size=Max("tree_size"), at=Max("signed_at"))
    size = GaugeMetricFamily("egov_access_log_tree_size", "Entries in the latest signed checkpoint.")
    size.add_metric([], latest["size"] or 0)
    checkpoint_age = GaugeMetricFamily(
        "egov_access_log_checkpoint_age_seconds", "Time since the latest checkpoint was signed."
    )
    checkpoint_age.add_metric([], _seconds_since(latest["at"], now))
    return [lag, age, size, checkpoint_age]


def _clock_metrics(now: dt.datetime):
    from egov.cases.procedures import procedures
    from egov.core.models import CaseClock

    overdue = GaugeMetricFamily(
        "egov_case_clocks_overdue",
        "Running clocks of open cases past their due time, by procedure and watched clock.",
        labels=["procedure", "watch"],
    )
    for procedure in procedures():
        for watch in procedure.watches:
            pending = watch.pending if watch.pending is not None else Q(state__in=procedure.open_states)
            count = (
                procedure.model_class.objects.filter(pending)
                .filter(
                    **{f"{watch.clock}__state": CaseClock.State.RUNNING, f"{watch.clock}__due_at__lt": now}
                )
                .count()
            )
            overdue.add_metric([procedure.code, watch.name or "case"], count)
    return [overdue]


def _volume_metrics():
    from egov.documents.models import Document
    from egov.procurement.models import Bid

    issued = CounterMetricFamily(
        "egov_documents_issued",
        "Documents issued (the id high-water mark: rate() of it is the issuance rate).",
    )
    issued.add_metric([], Document.objects.aggregate(n=Max("pk"))["n"] or 0)
    bids = CounterMetricFamily(
        "egov_procurement_bids_submitted",
        "Sealed bids submitted (the id high-water mark: rate() of it is the bid rate).",
    )
    bids.add_metric([], Bid.objects.aggregate(n=Max("pk"))["n"] or 0)
    return [issued, bids]


class DatabaseCollector:
    """Reads the figures above at each scrape. A database that does not answer gives
    `egov_database_up 0` and no other database figure, rather than a failed scrape."""

    def collect(self):
        now = timezone.now()
        started = time.perf_counter()
        families = []
        up = 1
        try:
            for part in (_task_metrics, _access_log_metrics, _clock_metrics):
                families.extend(part(now))
            families.extend(_volume_metrics())
        except DatabaseError as exc:
            log.warning("metrics: database unavailable", extra={"error": type(exc).__name__})
            families, up = [], 0
        database_up = GaugeMetricFamily("egov_database_up", "1 when the database answered this scrape.")
        database_up.add_metric([], up)
        scrape = GaugeMetricFamily(
            "egov_metrics_database_scrape_seconds", "Time the database figures of this scrape took."
        )
        scrape.add_metric([], time.perf_counter() - started)
        yield from families
        yield database_up
        yield scrape


def metrics_render() -> bytes:
    """The exposition text: this process's (or all workers') request figures and the database's."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY)
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector())
    return text + generate_latest(database)


@require_GET
def metrics_view(request):
    if not metrics_allowed(request):
        raise Http404
    return HttpResponse(metrics_render(), content_type=CONTENT_TYPE_LATEST)
