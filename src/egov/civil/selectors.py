"""Reads for civil's pages: the catalogue, a citizen's applications, an official's queue and
application, notices; and the counters the government reports, per service and month
(Government24's KPIs):

- online vs counter applications (certificates issued online count as online applications);
- papers not submitted: each application × the papers its service's shared items replace;
- visits avoided: each online application is one visit to an office not made;
- processing time of decided applications, in business days: average and 95th percentile;
- on-time share: decided applications decided by their due date.
"""

import datetime as dt
import math

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from egov.accounts.permissions import agency_scope_ids
from egov.cases.selectors import case_history, case_queue_for
from egov.civil.models import Application, Notice, Service
from egov.civil.procedure import APPLICATION
from egov.core import deadlines
from egov.core.errors import NotFound, ValidationFailed
from egov.core.histogram import buckets_add, percentile
from egov.core.measures import rollup_cells
from egov.registry.models import Agency


def _month_bounds(month: str) -> tuple[dt.datetime, dt.datetime, str]:
    today = timezone.localdate()
    if not month:
        first = today.replace(day=1)
    else:
        try:
            year, number = (int(part) for part in month.split("-"))
            first = dt.date(year, number, 1)
        except (ValueError, TypeError):
            raise ValidationFailed(_("Give the month as YYYY-MM."), field="month") from None
    following = (first + dt.timedelta(days=32)).replace(day=1)
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(following, dt.time.min, tzinfo=zone)
    return start, end, first.strftime("%Y-%m")


COUNTER_MEASURES = (
    "civil.applications",
    "civil.applications_online",
    "civil.decided",
    "civil.decided_on_time",
)


def counters(*, official=None, month: str = "", services=None) -> tuple[list[dict], str]:
    """Per service, the applications filed in `month` (YYYY-MM, default this month) to the
    services of the official's agencies (or all): total, online, at a counter, online share,
    papers saved, visits avoided, decided, average and 95th-percentile days, on-time share.

    Read from the performance rollups (`egov.core.measures.rollup_cells`, kept by the worker a
    few seconds behind, `civil/kpi_sources.py`), never counted per request; counted live only
    where no rollups are kept. The 95th percentile comes from the cells' histogram (exact for
    whole days up to 30, then the bucket's lower edge)."""
    start, _end, label = _month_bounds(month)
    first = timezone.localtime(start).date()
    agency_ids = agency_scope_ids(official) if official is not None else None
    cells = rollup_cells(measures=COUNTER_MEASURES, year=first.year, agency_ids=agency_ids)
    if cells is None:
        return _counters_live(official=official, month=month, services=services)
    codes = {s.code for s in services} if services is not None else None
    by_service: dict[str, dict[str, dict]] = {}
    for cell in cells:
        if cell["month"] != first or (codes is not None and cell["service"] not in codes):
            continue
        mine = by_service.setdefault(cell["service"], {}).setdefault(
            cell["measure"], {"count": 0, "total": 0.0, "buckets": []}
        )
        mine["count"] += cell["count"]
        mine["total"] += cell["total"]
        mine["buckets"] = buckets_add(mine["buckets"], cell["buckets"] or [])
    empty = {"count": 0, "total": 0.0, "buckets": []}
    out = []
    for service in Service.objects.filter(code__in=by_service).select_related("agency").order_by("name_ko"):
        measures = by_service[service.code]
        total = measures.get("civil.applications", empty)["count"]
        online = measures.get("civil.applications_online", empty)["count"]
        decided = measures.get("civil.decided", empty)
        on_time = measures.get("civil.decided_on_time", empty)["count"]
        if not (total or decided["count"]):
            continue
        out.append(
            {
                "service": service,
                "total": total,
                "online": online,
                "counter": total - online,
                "online_share": online / total if total else 0,
                "papers_saved": total * service.papers_replaced,
                "visits_avoided": online,
                "decided": decided["count"],
                "average_days": decided["total"] / decided["count"] if decided["count"] else None,
                "p95_days": percentile(decided["buckets"], 95),
                "on_time_share": on_time / decided["count"] if decided["count"] else None,
            }
        )
    return out, label


def _counters_live(*, official=None, month: str = "", services=None) -> tuple[list[dict], str]:
    """`counters`, counted from the applications (where no rollups are kept)."""
    start, end, label = _month_bounds(month)
    rows = Application.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    if official is not None:
        rows = rows.filter(service__agency_id__in=agency_scope_ids(official))
    if services is not None:
        rows = rows.filter(service__in=services)
    counts = {
        r["service"]: r
        for r in rows.values("service").annotate(
            total=Count("id"),
            online=Count("id", filter=Q(channel="online")),
            counter=Count("id", filter=Q(channel="counter")),
        )
    }
    decided = rows.filter(decided_at__isnull=False).values_list(
        "service", "submitted_at", "decided_at", "clock__due_at", "service__kind"
    )
    calendar = deadlines.calendar_get()  # once: each look-up checks the holiday table
    times: dict[int, list[float]] = {}
    on_time: dict[int, list[bool]] = {}
    for service_id, submitted, decided_at, due, kind in decided:
        if kind == Service.Kind.INSTANT:
            days = (decided_at - submitted).total_seconds() / 86400
        else:
            days = deadlines.business_days_between(submitted, decided_at, calendar=calendar)
        times.setdefault(service_id, []).append(days)
        on_time.setdefault(service_id, []).append(due is None or decided_at <= due)
    out = []
    for service in Service.objects.filter(pk__in=counts).select_related("agency").order_by("name_ko"):
        c = counts[service.pk]
        spent = sorted(times.get(service.pk, []))
        p95 = spent[max(0, math.ceil(len(spent) * 0.95) - 1)] if spent else None
        punctual = on_time.get(service.pk, [])
        out.append(
            {
                "service": service,
                "total": c["total"],
                "online": c["online"],
                "counter": c["counter"],
                "online_share": c["online"] / c["total"] if c["total"] else 0,
                "papers_saved": c["total"] * service.papers_replaced,
                "visits_avoided": c["online"],
                "decided": len(spent),
                "average_days": sum(spent) / len(spent) if spent else None,
                "p95_days": p95,
                "on_time_share": sum(punctual) / len(punctual) if punctual else None,
            }
        )
    return out, label


# --- the catalogue, applications and notices, for the pages ---------------------------------------


def service_list(*, query: str = "", kind: str = "") -> list[Service]:
    """The public catalogue: active services matching `query` (name, summary or agency, either
    language) and `kind`, by kind and Korean name."""
    services = Service.objects.filter(is_active=True).select_related("agency")
    query = (query or "").strip()[:100]
    if query:
        services = services.filter(
            Q(name_ko__icontains=query)
            | Q(name_en__icontains=query)
            | Q(summary_ko__icontains=query)
            | Q(summary_en__icontains=query)
            | Q(agency__name_ko__icontains=query)
            | Q(agency__name_en__icontains=query)
        )
    if kind in Service.Kind.values:
        services = services.filter(kind=kind)
    return list(services.order_by("kind", "name_ko"))


def service_get(*, code: str) -> Service:
    """An active service by its code; NotFound otherwise."""
    service = Service.objects.select_related("agency").filter(code=code, is_active=True).first()
    if service is None:
        raise NotFound(_("No such service."), field="service")
    return service


def service_list_for(*, actor) -> QuerySet[Service]:
    """The services of the official's own agency (active or not), for its administrator's page."""
    return Service.objects.filter(agency_id=actor.agency_id).order_by("name_ko")


def application_list_for(*, actor) -> QuerySet[Application]:
    """The applicant's own applications, newest first as the model orders them."""
    return Application.objects.filter(applicant=actor).select_related(
        "service", "document", "agency", "clock"
    )


def application_get_for(*, actor, number: str) -> Application:
    """One application by number: the applicant's own, or for an official one of an agency in
    their scope. NotFound for any other (nobody learns that it exists)."""
    number = str(number)[:20]
    if getattr(actor, "is_official", False):
        application = (
            Application.objects.select_related("service", "subject", "agency", "document", "clock")
            .filter(number=number, agency_id__in=agency_scope_ids(actor))
            .first()
        )
    else:
        application = application_list_for(actor=actor).filter(number=number).first()
    if application is None:
        raise NotFound(_("No such application."), field="application")
    return application


def application_queue_for(*, actor, state: str = "", overdue_only: bool = False) -> QuerySet[Application]:
    """The open applications of the official's agencies, the soonest due first (the kernel's
    queue: `overdue_only` keeps those running past their due date); PermissionDenied for anyone
    without an agency scope."""
    rows = case_queue_for(actor=actor, procedure=APPLICATION, view="overdue" if overdue_only else "team")
    rows = rows.select_related("service", "subject")
    if state in Application.OPEN_STATES:
        rows = rows.filter(state=state)
    return rows


def application_events(*, application: Application) -> QuerySet:
    """An application's history, with who acted (the caller got the application from a `_for`
    selector)."""
    return case_history(case=application)


def due_explanation(*, application: Application, language: str) -> list[str]:
    """How the due date was reckoned, line by line; nothing for instant issuance."""
    if application.service.kind == Service.Kind.INSTANT:
        return []
    try:
        clock = deadlines.clock_get(application.case_ref)
    except NotFound:
        return []
    return deadlines.due_explanation(clock, language)


def application_is_overdue(*, application: Application, now: dt.datetime | None = None) -> bool:
    """Open and past its due date."""
    return bool(application.is_open and application.due_at and application.due_at < (now or timezone.now()))


def notice_list_for(*, actor, limit: int = 200) -> QuerySet[Notice]:
    """The notices of decisions sent to the official's agency (its subscriptions), newest first."""
    return Notice.objects.filter(agency_id=actor.agency_id).select_related("application__service")[:limit]


_MOVING_IN_LABELS = {
    "agency": _lazy("City, county or district moved to"),
    "road_address": _lazy("New road-name address"),
    "address_detail": _lazy("Detail (building, unit)"),
    "postal_code": _lazy("Postal code"),
    "moved_on": _lazy("Date of the move"),
    "whole_household": _lazy("The whole household moves"),
}
_OPTION_LABELS = {
    "address_history": _lazy("Include the address history"),
    "reveal_numbers": _lazy("Resident registration numbers in full"),
    "plate": _lazy("Vehicle"),
    "brn": _lazy("Business"),
    "language": _lazy("Edition"),
}


def _shown(value, language: str) -> str:
    if value is True:
        return str(_("Yes"))
    if value is False:
        return str(_("No"))
    if value == "ko":
        return "한국어" if language == "ko" else "Korean"
    if value == "en":
        return "영문" if language == "ko" else "English"
    return "" if value is None else str(value)


def application_fields(*, application: Application, language: str) -> list[tuple[str, str]]:
    """What the applicant submitted, as (label, value) in the page's language: the form's own
    labels, agencies by name and yes/no for ticks, never a field's code."""
    service, data = application.service, dict(application.data or {})
    rows: list[tuple[str, str]] = []
    if service.kind == Service.Kind.INSTANT:
        options = dict(data.get("options") or {})
        if data.get("language"):
            options["language"] = data["language"]
        for name, value in options.items():
            rows.append((str(_OPTION_LABELS.get(name, _("Option"))), _shown(value, language)))
        return rows
    if service.handler == "moving_in":
        agency = Agency.objects.filter(code=str(data.get("agency", ""))).first()
        for name, label in _MOVING_IN_LABELS.items():
            if name not in data:
                continue
            value = data[name]
            if name == "agency":
                value = agency.name(language) if agency else value
            rows.append((str(label), _shown(value, language)))
        return rows
    labels = {
        spec["name"]: spec.get(f"label_{language}") or spec.get("label_ko") for spec in service.form_schema
    }
    for name, value in data.items():
        rows.append((labels.get(name) or str(_("Other")), _shown(value, language)))
    return rows


def counter_services():
    """The services an official may record at the counter: processed ones that are active."""
    return Service.objects.filter(kind=Service.Kind.PROCESSED, is_active=True).order_by("name_ko")
