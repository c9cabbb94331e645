"""The monthly rollups, maintained incrementally from what the apps declare.

Every app's `kpi_sources.py` lists its sources (`egov.core.measures`). The worker's tick
(`rollups_tick`) reads each `MeasureSource`'s table after the source's watermark, a batch at a
time, adds the batch's facts into the rollup cells and moves the watermark, in one transaction
under the watermark's row lock (a second worker skips a source that is being advanced, so a
cell is only ever written by one transaction at a time and never counted twice). Gauges are
rewritten for the current month at most once a minute. `rollups_rebuild` starts every source
from zero; the tests hold its result against the incremental one.

Rows are read in id order, but PostgreSQL hands out ids before commit: a row committed after
a higher id was read would be skipped for ever. So a source with a time field (`at_field`) is
read only up to rows older than `EGOV_KPI_LAG_SECONDS`; a transaction longer than that is
still counted by the next rebuild.
"""

import datetime as dt
import logging
from collections import defaultdict

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from egov.core.app_modules import app_modules
from egov.core.measures import Fact, GaugeSource, MeasureSource, month_of
from egov.kpi.histogram import EDGES, bucket_of, buckets_add
from egov.kpi.models import Probe, Rollup, Watermark
from egov.registry.models import Agency

logger = logging.getLogger(__name__)

BATCH = 5000
GAUGE_SECONDS = 60

# The time field of the tables sources read, for the lag (see the module's docstring).
AT_FIELDS = {
    "cases.caseevent": "at",
    "exchange.accesslogentry": "at",
    "participation.agreement": "agreed_at",
    "participation.proposal": "posted_at",
    "procurement.award": "awarded_at",
    "edocs.message": "sent_at",
    "kpi.probe": "minute",
}


def sources() -> list[MeasureSource | GaugeSource]:
    """Every source the installed egov apps declare (`SOURCES` in `kpi_sources.py`), in app order."""
    found = [source for _, module in app_modules("kpi_sources") for source in getattr(module, "SOURCES", ())]
    codes = [s.code for s in found]
    if len(codes) != len(set(codes)):
        raise ValueError("a kpi source code is declared twice")
    return found


def _watermark(code: str) -> Watermark:
    """The source's watermark, locked (None when another worker holds it)."""
    try:
        with transaction.atomic():
            Watermark.objects.get_or_create(source=code)
    except IntegrityError:
        pass  # created by another worker at the same moment
    return Watermark.objects.select_for_update(skip_locked=True).filter(source=code).first()


def _ancestry() -> dict[int, tuple[int, ...]]:
    """Each agency and the agencies above it, itself first."""
    parents = dict(Agency.objects.values_list("id", "parent_id"))
    out = {}
    for agency_id in parents:
        line, seen = [], set()
        current = agency_id
        while current is not None and current not in seen:
            seen.add(current)
            line.append(current)
            current = parents.get(current)
        out[agency_id] = tuple(line)
    return out


def _cells_add(facts) -> int:
    """Add the facts into their rollup cells; the number of facts. An agency's fact counts in
    the agency's own cell, in the subtree cells of the agency and of each agency above it, and
    in the nation's (agency NULL), so a figure is read from one cell a month, never by adding
    up many agencies'."""
    grouped: dict[tuple, list] = defaultdict(lambda: [0, 0.0, []])
    ancestry: dict[int, tuple[int, ...]] | None = None
    n = 0
    zone = timezone.get_current_timezone()  # once, not a thread-local look-up per fact
    for fact in facts:
        n += 1
        moment = fact.month
        month = (
            moment.astimezone(zone).date().replace(day=1)
            if isinstance(moment, dt.datetime)
            else month_of(moment)
        )
        keys = [(None, False)]
        if fact.agency_id is not None:
            if ancestry is None:
                ancestry = _ancestry()
            line = ancestry.get(fact.agency_id, (fact.agency_id,))
            keys += [(fact.agency_id, False), *((agency_id, True) for agency_id in line)]
        for agency_id, subtree in keys:
            cell = grouped[(fact.measure, agency_id, month, fact.service, subtree)]
            cell[0] += fact.count
            if fact.value is not None:
                cell[1] += fact.value * fact.count
                if not cell[2]:
                    cell[2] = [0] * len(EDGES)
                cell[2][bucket_of(fact.value)] += fact.count
    if not grouped:
        return n
    agencies = {k[1] for k in grouped if k[1] is not None}
    existing = {
        (r.measure, r.agency_id, r.month, r.service, r.subtree): r
        for r in Rollup.objects.select_for_update().filter(
            Q(agency__isnull=True) | Q(agency_id__in=agencies),
            measure__in={k[0] for k in grouped},
            month__in={k[2] for k in grouped},
        )
    }
    changed, created = [], []
    for key, (count, total, hist) in grouped.items():
        row = existing.get(key)
        if row is None:
            measure, agency_id, month, service, subtree = key
            created.append(
                Rollup(
                    measure=measure, agency_id=agency_id, month=month, service=service, subtree=subtree,
                    count=count, total=total, buckets=hist,
                )
            )  # fmt: skip
        else:
            row.count += count
            row.total += total
            row.buckets = buckets_add(row.buckets or [], hist) if hist else row.buckets
            changed.append(row)
    Rollup.objects.bulk_update(changed, ["count", "total", "buckets"], batch_size=1000)
    Rollup.objects.bulk_create(created, batch_size=1000)
    return n


def source_advance(source: MeasureSource, *, lag_seconds: int | None = None, batch: int = BATCH) -> int:
    """Read one batch of `source`'s rows after its watermark into the rollups; the rows read (0
    when none are new, or another worker is advancing the source)."""
    model = apps.get_model(source.model)
    at_field = AT_FIELDS.get(model._meta.label_lower)
    lag = settings.EGOV_KPI_LAG_SECONDS if lag_seconds is None else lag_seconds
    with transaction.atomic():
        mark = _watermark(source.code)
        if mark is None:
            return 0
        rows = model.objects.filter(pk__gt=mark.position)
        if source.where is not None:
            rows = rows.filter(source.where())
        if source.select_related:
            rows = rows.select_related(*source.select_related)
        if source.fields:
            rows = rows.only("pk", *source.fields, *([at_field] if at_field else []))
        rows = list(rows.order_by("pk")[:batch])
        if at_field and lag:
            cut = timezone.now() - dt.timedelta(seconds=lag)
            for i, row in enumerate(rows):
                if getattr(row, at_field) > cut:
                    rows = rows[:i]
                    break
        if not rows:
            return 0
        _cells_add(source.facts(rows))
        mark.position = rows[-1].pk
        mark.updated_at = timezone.now()
        mark.save(update_fields=["position", "updated_at"])
    return len(rows)


def gauge_write(source: GaugeSource, *, force: bool = False) -> bool:
    """Rewrite the gauge's cells for the current month (at most once a minute unless `force`);
    whether it was written."""
    with transaction.atomic():
        mark = _watermark(source.code)
        if mark is None:
            return False
        now = timezone.now()
        if not force and mark.position and (now - mark.updated_at).total_seconds() < GAUGE_SECONDS:
            return False
        Rollup.objects.filter(measure__in=source.measures, month=month_of(now)).delete()
        _cells_add(
            Fact(f.measure, f.agency_id, month_of(now), f.service, f.count, f.value) for f in source.facts()
        )
        mark.position += 1
        mark.updated_at = now
        mark.save(update_fields=["position", "updated_at"])
    return True


def rollups_advance(*, lag_seconds: int | None = None, force_gauges: bool = False, batch: int = BATCH) -> int:
    """Bring every source up to date (measure sources until nothing new is left); rows read."""
    read = 0
    for source in sources():
        if isinstance(source, GaugeSource):
            gauge_write(source, force=force_gauges)
            continue
        while True:
            n = source_advance(source, lag_seconds=lag_seconds, batch=batch)
            read += n
            if n < batch:
                break
    return read


def rollups_rebuild(*, batch: int = BATCH) -> int:
    """Throw the rollups away and read every source again from its first row, in one
    transaction (the pages keep showing the old figures until it commits); rows read."""
    with transaction.atomic():
        list(Watermark.objects.select_for_update().all())
        Rollup.objects.all().delete()
        Watermark.objects.all().delete()
        return rollups_advance(lag_seconds=0, force_gauges=True, batch=batch)


def probe_record(*, now: dt.datetime | None = None) -> Probe | None:
    """Record this minute's availability probe (the readiness check), once a minute; the probe,
    or None when this minute's is already recorded."""
    from egov.core.health import readyz

    now = now or timezone.now()
    minute = now.replace(second=0, microsecond=0)
    if Probe.objects.filter(minute=minute).exists():
        return None
    started = timezone.now()
    response = readyz(None)  # the check reads nothing from the request
    latency = int((timezone.now() - started).total_seconds() * 1000)
    try:
        with transaction.atomic():
            return Probe.objects.create(minute=minute, ok=response.status_code == 200, latency_ms=latency)
    except IntegrityError:
        return None


def rollups_tick() -> None:
    """The worker's tick: record this minute's probe and bring the rollups up to date."""
    probe_record()
    rollups_advance()
