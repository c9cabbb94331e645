"""Reads: the requester's requests, the officials' queue, released files, the public list of
requests and decisions (anonymised), the public statistics, and the proactive publications."""

import datetime as dt

from django.db.models import Avg, Count, F, FloatField, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.cases.models import CaseAttachment
from egov.cases.selectors import official_scope, queue_conditions
from egov.core import deadlines
from egov.core import files as core_files
from egov.core.deadlines.aggregates import business_days_sql
from egov.core.errors import NotFound
from egov.core.measures import rollup_cells
from egov.core.models import CaseClock
from egov.core.statistics import statistics_year_bounds
from egov.disclosure.models import DisclosureRequest, Publication
from egov.disclosure.procedure import DISCLOSURE, OPEN_STATES, RELEASED
from egov.registry.models import Agency

PUBLIC_FIELDS = (
    "number",
    "title",
    "agency__code",
    "agency__name_ko",
    "agency__name_en",
    "submitted_at",
    "decided_at",
    "state",
    "outcome",
    "exempt_categories",
)


def _number(number: str) -> str:
    return str(number or "")[:20]


def agencies_for_requests() -> QuerySet:
    return Agency.objects.exclude(kind=Agency.Kind.THIRD_PARTY).order_by("code")


# --- the requester ----------------------------------------------------------------------------


def request_list_for_requester(*, actor) -> QuerySet:
    return DisclosureRequest.objects.filter(requester=actor).select_related("agency", "clock")


def request_get_for_requester(*, actor, number: str) -> DisclosureRequest:
    request = request_list_for_requester(actor=actor).filter(number=_number(number)).first()
    if request is None:
        raise NotFound(_("No such request."), field="request")
    return request


# --- officials --------------------------------------------------------------------------------


def request_get_for_official(*, actor, number: str) -> DisclosureRequest:
    """A request to the official's agency (or one below it); NotFound for any other."""
    request = (
        DisclosureRequest.objects.select_related("agency", "clock", "requester")
        .filter(number=_number(number), agency_id__in=official_scope(actor))
        .first()
    )
    if request is None:
        raise NotFound(_("No such request."), field="request")
    return request


def request_queue_for(*, actor) -> QuerySet:
    """Requests to decide and objections pending in the official's agencies, most urgent first
    (the open clocks of both, through the clock's partial index)."""
    clocks = (
        CaseClock.objects.filter(queue_conditions(actor, "team", prefix="", case_type="disclosure."))
        .order_by()
        .values("pk")
    )
    rows = DisclosureRequest.objects.filter(
        Q(clock__in=clocks) | Q(objection__clock__in=clocks)
    ).select_related("agency", "clock", "objection__clock")
    return rows.order_by("submitted_at", "id")


def queue_due_at(request: DisclosureRequest):
    """The due date that matters now: the objection's while one is pending, else the request's."""
    objection = getattr(request, "objection", None)
    if objection is not None and objection.is_open:
        return objection.clock.due_at
    return request.clock.due_at


def withheld_parts(request: DisclosureRequest) -> QuerySet:
    """The parts withheld in a partial decision, with their exempt categories (the caller has
    checked access)."""
    return request.withheld_parts.all()


def released_files(request: DisclosureRequest) -> QuerySet:
    """The files released to the requester (the caller has checked access)."""
    return request.files.filter(purpose=RELEASED)


def released_file_get_for(*, actor, number: str, file_id: int) -> CaseAttachment:
    """A released file for its requester or an official of the request's agency; NotFound else."""
    if getattr(actor, "is_official", False):
        request = request_get_for_official(actor=actor, number=number)
    else:
        request = request_get_for_requester(actor=actor, number=number)
    found = released_files(request).filter(pk=file_id).first()
    if found is None:
        raise NotFound(_("No such file."), field="file")
    return found


def publication_file_open(publication: Publication):
    """A publication's bytes, kept beside the released files, open for reading (the caller has
    checked it is public or the official's)."""
    return core_files.file_open(publication.storage_name, folder=DISCLOSURE.attachment_folder)


def due_explanation(request: DisclosureRequest, language: str) -> list[str]:
    return deadlines.due_explanation(request.clock, language)


def is_overdue(request: DisclosureRequest, now: dt.datetime | None = None) -> bool:
    clock = request.clock
    return bool(
        request.is_open and clock.state == CaseClock.State.RUNNING and clock.due_at < (now or timezone.now())
    )


# --- the public -------------------------------------------------------------------------------


def public_request_list(*, agency_code: str = "") -> list[dict]:
    """Requests and their decisions for anyone: title, agency, dates, outcome, exempt categories.
    The requester is not in it (no name, no user id): only the columns named here are read."""
    rows = DisclosureRequest.objects.order_by("-submitted_at", "-id")
    if agency_code:
        rows = rows.filter(agency__code=str(agency_code)[:7])
    out = []
    for row in rows.values(*PUBLIC_FIELDS)[:500]:
        row["state_label"] = DisclosureRequest.State(row["state"]).label
        row["outcome_label"] = DisclosureRequest.Outcome(row["outcome"]).label if row["outcome"] else ""
        out.append(row)
    return out


def publication_list(*, agency_code: str = "") -> QuerySet:
    rows = Publication.objects.filter(is_withdrawn=False).select_related("agency")
    if agency_code:
        rows = rows.filter(agency__code=str(agency_code)[:7])
    return rows


def publication_get(*, publication_id: int) -> Publication:
    found = publication_list().filter(pk=publication_id).first()
    if found is None:
        raise NotFound(_("No such publication."), field="publication")
    return found


def publication_list_for_official(*, actor) -> QuerySet:
    return Publication.objects.filter(agency_id__in=official_scope(actor)).select_related("agency")


def publication_get_for_official(*, actor, publication_id: int) -> Publication:
    found = publication_list_for_official(actor=actor).filter(pk=publication_id).first()
    if found is None:
        raise NotFound(_("No such publication."), field="publication")
    return found


# --- public statistics ------------------------------------------------------------------------

DECISIONS = ("full", "partial", "refused")  # decided by the agency; deemed refusals are not


STATISTICS_MEASURES = ("disclosure.received", "disclosure.ended", "disclosure.ended_on_time")


def statistics(*, year: int | None = None) -> tuple[list[dict], int]:
    """Per agency, requests received in `year` (default: this year): volume, still open, decisions
    by kind (full, partial, non-disclosure) and deemed refusals; on-time share of the requests
    whose decision period ended (decided by the due date, holidays and the extension included;
    a deemed refusal is late by definition); average business days from the request to the
    decision (first day included, deemed refusals left out). Nothing about a requester is in it.

    Read from the performance rollups (`egov.core.measures.rollup_cells`, kept by the worker a
    few seconds behind the requests, `disclosure/kpi_sources.py`), never counted per request;
    counted live only where no rollups are kept."""
    year, _start, _end = statistics_year_bounds(year)
    cells = rollup_cells(measures=STATISTICS_MEASURES, year=year, by_month=False)
    if cells is None:
        return _statistics_live(year=year)
    by_agency: dict[int, dict] = {}
    for cell in cells:
        row = by_agency.setdefault(
            cell["agency_id"],
            {
                "total": 0,
                "full": 0,
                "partial": 0,
                "refused": 0,
                "deemed_refused": 0,
                "on_time": 0,
                "days": 0.0,
            },
        )
        if cell["measure"] == "disclosure.received":
            row["total"] += cell["count"]
        elif cell["measure"] == "disclosure.ended_on_time":
            row["on_time"] += cell["count"]
        elif cell["service"] in row:
            row[cell["service"]] += cell["count"]
            row["days"] += cell["total"]
    agencies = Agency.objects.in_bulk(set(by_agency))
    out = []
    for agency_id, g in by_agency.items():
        decided = g["full"] + g["partial"] + g["refused"]
        ended = decided + g["deemed_refused"]
        out.append(
            {
                "agency": agencies[agency_id],
                "total": g["total"],
                "open": g["total"] - ended,
                "full": g["full"],
                "partial": g["partial"],
                "refused": g["refused"],
                "deemed_refused": g["deemed_refused"],
                "decided": decided,
                "on_time": g["on_time"],
                "on_time_share": g["on_time"] / ended if ended else None,
                "average_days": g["days"] / decided if decided else None,
            }
        )
    out.sort(key=lambda r: r["agency"].code)
    return out, year


def _statistics_live(*, year: int | None = None) -> tuple[list[dict], int]:
    """Per agency, requests received in `year` (default: this year): volume, still open, decisions
    by kind (full, partial, non-disclosure) and deemed refusals; on-time share of the requests
    whose decision period ended (decided with the clock closed by its due date, holidays and the
    extension included; a deemed refusal is late by definition); average business days from the
    request to the decision (first day included, deemed refusals left out). Aggregated by the
    database in one query; nothing about a requester is in it."""
    year, start, end = statistics_year_bounds(year)
    Outcome = DisclosureRequest.Outcome
    decided = Q(outcome__in=DECISIONS)
    days = business_days_sql(
        "submitted_at", "decided_at", first=start.date(), last=max(timezone.localdate(), end.date())
    )
    groups = list(
        DisclosureRequest.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
        .values("agency_id")
        .annotate(
            total=Count("id"),
            open=Count("id", filter=Q(state__in=OPEN_STATES)),
            full=Count("id", filter=Q(outcome=Outcome.FULL)),
            partial=Count("id", filter=Q(outcome=Outcome.PARTIAL)),
            refused=Count("id", filter=Q(outcome=Outcome.REFUSED)),
            deemed_refused=Count("id", filter=Q(outcome=Outcome.DEEMED_REFUSED)),
            on_time=Count("id", filter=decided & Q(clock__closed_at__lte=F("clock__due_at"))),
            average_days=Avg(days, filter=decided, output_field=FloatField()),
        )
        .order_by()
    )
    agencies = Agency.objects.in_bulk({g["agency_id"] for g in groups})
    out = []
    for g in groups:
        ended = g["full"] + g["partial"] + g["refused"] + g["deemed_refused"]
        out.append(
            {
                **{key: value for key, value in g.items() if key != "agency_id"},
                "agency": agencies[g["agency_id"]],
                "decided": g["full"] + g["partial"] + g["refused"],
                "on_time_share": g["on_time"] / ended if ended else None,
            }
        )
    out.sort(key=lambda r: r["agency"].code)
    return out, year
