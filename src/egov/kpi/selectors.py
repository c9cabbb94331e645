"""Reads of the KPI rollups for pages, the yearly report and the open data feeds.

Figures come from the rollup cells only (never from the cases): a national figure reads the
nation's cells (agency NULL), an official's the cells of the agencies in their scope.
"""

import datetime as dt
from collections import defaultdict

from django.core.paginator import Paginator
from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.permissions import agency_scope_ids
from egov.cases.procedures import procedures
from egov.core.deadlines import business_days_between, calendar_get
from egov.core.errors import NotFound, PermissionDenied, ValidationFailed
from egov.kpi.indicators import INDICATORS, Indicator, indicator_get
from egov.kpi.models import Rollup, Watermark
from egov.kpi.rollups import sources
from egov.registry.models import Agency

CELL_FIELDS = ("measure", "agency_id", "month", "service", "count", "total", "buckets")


def rollup_cells_read(
    *,
    measures: tuple[str, ...],
    year: int,
    agency_ids: set[int] | None = None,
    by_month: bool = True,
    nation: bool = False,
) -> list[dict]:
    """The cells of `measures` in `year` (see `egov.core.measures.rollup_cells`): per agency
    (`agency_ids`, or every agency), or the nation's own cells (`nation`); with `by_month` False
    the database adds the months up (count and total; no histogram)."""
    rows = Rollup.objects.filter(measure__in=measures, month__year=year)
    if nation:
        rows = rows.filter(agency__isnull=True)
    else:
        rows = rows.filter(agency__isnull=False, subtree=False)
        if agency_ids is not None:
            rows = rows.filter(agency_id__in=agency_ids)
    if by_month:
        return list(rows.values(*CELL_FIELDS))
    return [
        {**r, "month": None, "buckets": []}
        for r in rows.values("measure", "agency_id", "service")
        .annotate(count=Sum("count"), total=Sum("total"))
        .order_by()
    ]


def _detailed_measures() -> set[str]:
    """Measures whose cells pages need one by one: percentiles (histograms), figures by service."""
    return {i.measures[0] for i in INDICATORS if i.kind == "percentile"} | {
        m for i in INDICATORS if i.by_service for m in i.measures
    }


def _cells(*, year: int, agency_id: int | None, measures: set[str]) -> list[dict]:
    """The cells of the nation (`agency_id` None), or of an agency and every agency under it.
    Measures no page shows by service nor as a percentile come added up per month by the
    database (a petition's satisfaction has a cell per category: the dashboard needs the sum)."""
    rows = Rollup.objects.filter(month__year=year)
    if agency_id is None:
        rows = rows.filter(agency__isnull=True)
    else:
        rows = rows.filter(agency_id=agency_id, subtree=True)
    detailed = measures & _detailed_measures()
    out = list(rows.filter(measure__in=detailed).values(*CELL_FIELDS)) if detailed else []
    summed = (
        rows.filter(measure__in=measures - detailed)
        .values("measure", "month")
        .annotate(count=Sum("count"), total=Sum("total"))
        .order_by()
    )
    out += [{**r, "service": "", "buckets": [], "agency_id": agency_id} for r in summed]
    return out


def kpi_year(year) -> int:
    """The year asked for (default this one); ValidationFailed on `year` outside 2000..this year."""
    this_year = timezone.localdate().year
    if year in (None, ""):
        return this_year
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Choose a year from 2000 to this year."), field="year") from None
    if not 2000 <= year <= this_year:
        raise ValidationFailed(_("Choose a year from 2000 to this year."), field="year")
    return year


def official_agencies(actor) -> set[int]:
    """The agencies whose figures an official sees; PermissionDenied for anyone else."""
    scope = agency_scope_ids(actor) if getattr(actor, "is_official", False) else set()
    if not scope:
        raise PermissionDenied(_("Only officials see their agency's figures."))
    return scope


def _figure(indicator: Indicator, cells: list[dict], year: int) -> dict:
    mine = [c for c in cells if c["measure"] in indicator.measures]
    by_month: dict[int, list[dict]] = defaultdict(list)
    by_service: dict[str, list[dict]] = defaultdict(list)
    for cell in mine:
        by_month[cell["month"].month].append(cell)
        by_service[cell["service"]].append(cell)
    months = [{"month": m, "value": indicator.value(by_month.get(m, []))} for m in range(1, 13)]
    actual = indicator.value(mine)
    services = []
    if indicator.by_service:
        for service in sorted(by_service):
            value = indicator.value(by_service[service])
            if value is not None:
                services.append({"service": service, "value": value})
    return {
        "indicator": indicator,
        "actual": actual,
        "target": indicator.target(year),
        "met": indicator.met(actual, year),
        "months": months,
        "services": services,
    }


def indicators_public(*, year=None) -> tuple[list[dict], int]:
    """Every indicator for the nation in `year`: actual, target, whether met, per month and
    per service; from the nation's rollup cells (one query)."""
    year = kpi_year(year)
    cells = _cells(year=year, agency_id=None, measures={m for i in INDICATORS for m in i.measures})
    return [_figure(indicator, cells, year) for indicator in INDICATORS], year


def indicators_for(
    *, actor, year=None, agency_id: int | None = None
) -> tuple[list[dict], int, Agency | None]:
    """Every indicator for the official's agencies (their agency and those under it), or for
    one agency of their scope (`agency_id`; NotFound for one outside it), in `year`. Indicators
    of the platform as a whole (availability) read the nation's cells."""
    year = kpi_year(year)
    root, agency = official_root(actor=actor, agency_id=agency_id)
    measures = {m for i in INDICATORS for m in i.measures}
    cells = _cells(year=year, agency_id=root, measures=measures)
    national = _cells(year=year, agency_id=None, measures={"platform.probes", "platform.probes_ok"})
    return [_figure(indicator, cells + national, year) for indicator in INDICATORS], year, agency


def official_root(*, actor, agency_id: int | None = None) -> tuple[int, Agency | None]:
    """The agency whose figures (with those under it) an official is shown: their own, or
    `agency_id` of their scope (then also returned); PermissionDenied for anyone but an
    official, NotFound for an agency outside the scope."""
    scope = official_agencies(actor)
    if agency_id is None:
        return actor.agency_id, None
    if agency_id not in scope:
        raise NotFound(_("No such agency."))
    return agency_id, Agency.objects.get(pk=agency_id)


def rollups_version() -> str:
    """Changes whenever the worker writes the rollups (a watermark moves): what a page that
    shows them may be cached under."""
    row = Watermark.objects.aggregate(last=Max("updated_at"), moved=Sum("position"), n=Count("id"))
    return f"{row['n']}-{row['moved']}-{row['last'].timestamp() if row['last'] else 0}"


def indicator_series(*, code: str, year=None) -> tuple[list[str], list[list]]:
    """One indicator's national series for the open data feed: columns and one row per month
    and service ("" for the whole), with the value and the year's target."""
    indicator = indicator_get(code)
    if indicator is None:
        raise NotFound(_("No such indicator."))
    year = kpi_year(year)
    cells = _cells(year=year, agency_id=None, measures=set(indicator.measures))
    columns = ["indicator", "year", "month", "service", "value", "unit", "target"]
    rows = []
    for month in range(1, 13):
        in_month = [c for c in cells if c["month"].month == month]
        services = [""] + (sorted({c["service"] for c in in_month}) if indicator.by_service else [])
        for service in services:
            part = [c for c in in_month if not service or c["service"] == service]
            value = indicator.value(part)
            if value is not None:
                rows.append(
                    [code, year, month, service, round(value, 3), str(indicator.unit), indicator.target(year)]
                )
    return columns, rows


def indicator_feeds() -> list[tuple[str, str]]:
    """(code, name) of every indicator, for the open data feeds (`indicator_series` each)."""
    return [(i.code, str(i.name)) for i in INDICATORS]


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    start = dt.datetime(year, month, 1, tzinfo=zone)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    return start, end


DRILL_PAGE = 100


def indicator_cases_for(
    *,
    actor,
    code: str,
    year=None,
    month: int | None = None,
    service: str = "",
    agency_id: int | None = None,
    page: int | None = None,
) -> dict:
    """The records behind a figure, for an official: of the agencies of their scope (or one of
    them, `agency_id`), in `year` (and `month`), of `service` (or every one). The scope, the
    period and the pagination are applied here once; what the records are, the figure's source
    says (`MeasureSource.records`), the case kernel's closed cases for the processing-time and
    on-time figures. NotFound for an unknown indicator, one without records behind it, or an
    agency outside the scope."""
    indicator = indicator_get(code)
    if indicator is None or not indicator.drill_down:
        raise NotFound(_("No such indicator."))
    if indicator.drill_down == "cases.history":
        return _closed_cases_for(
            actor=actor, indicator=indicator, year=year, month=month, service=service, agency_id=agency_id
        )
    source = next((s for s in sources() if s.code == indicator.drill_down), None)
    if source is None or getattr(source, "records", None) is None:
        raise NotFound(_("No such indicator."))
    scope, year, start, end = _drill_bounds(actor=actor, year=year, month=month, agency_id=agency_id)
    records = source.records(
        agency_ids=scope, start=start, end=end, service=service, measure=indicator.measures[0]
    )
    paginator = Paginator(records, DRILL_PAGE)
    page_obj = paginator.get_page(page or 1)
    rows = [source.record_row(record, actor) for record in page_obj.object_list]
    return {
        "indicator": indicator, "year": year, "month": month, "service": service, "rows": rows,
        "page_obj": page_obj, "records": True,
    }  # fmt: skip


def _drill_bounds(*, actor, year, month, agency_id):
    scope = official_agencies(actor)
    if agency_id is not None:
        if agency_id not in scope:
            raise NotFound(_("No such agency."))
        scope = {agency_id}
    year = kpi_year(year)
    if month is not None and not 1 <= month <= 12:
        raise ValidationFailed(_("Choose a month from 1 to 12."), field="month")
    if month:
        start, end = month_bounds(year, month)
    else:
        start, end = month_bounds(year, 1)[0], month_bounds(year, 12)[1]
    return scope, year, start, end


def _closed_cases_for(*, actor, indicator, year, month, service, agency_id) -> dict:
    """The case kernel's closed cases behind a processing-time or on-time figure, newest first,
    at most DRILL_PAGE."""
    scope, year, start, end = _drill_bounds(actor=actor, year=year, month=month, agency_id=agency_id)
    chosen = [p for p in procedures() if not service or p.code == service]
    if service and not chosen:
        raise NotFound(_("No such service."))
    rows = []
    calendar = calendar_get()  # once: each call reads the holiday table
    for procedure in chosen:
        submitted, closed = procedure.submitted_field, procedure.closed_field
        model = procedure.model_class
        has_clock = any(f.name == "clock" for f in model._meta.get_fields())
        cases = model.objects.filter(
            **{
                f"{procedure.agency_field}_id__in": scope,
                f"{submitted}__gte": start,
                f"{submitted}__lt": end,
                f"{closed}__isnull": False,
            }
        ).order_by(f"-{closed}", "-pk")
        if has_clock:
            cases = cases.select_related("clock")
        for case in cases[:DRILL_PAGE]:
            clock = getattr(case, "clock", None) if has_clock else None
            closed_at = getattr(case, closed)
            rows.append(
                {
                    "procedure": procedure.label,
                    "number": case.number,
                    "submitted_at": getattr(case, submitted),
                    "closed_at": closed_at,
                    "days": business_days_between(getattr(case, submitted), closed_at, calendar=calendar),
                    "on_time": None if clock is None else closed_at <= clock.due_at,
                    "url": f"/office/{procedure.url_path}/{case.number}/" if procedure.url_path else "",
                }
            )
    rows.sort(key=lambda r: r["closed_at"], reverse=True)
    rows = rows[:DRILL_PAGE]
    return {"indicator": indicator, "year": year, "month": month, "service": service, "rows": rows}
