"""Reads: the petitioner's petitions, the officials' queues (through the case kernel),
attachments, history, public statistics.

`statistics_year_bounds` is the kernel's, importable from here for the pages that still take it
from petitions."""

import datetime as dt

from django.db.models import Avg, Count, F, FloatField, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.cases.models import CaseAttachment, CaseReminder
from egov.cases.selectors import (
    QUEUE_VIEWS,  # noqa: F401 - the queue page's views, as before
    case_history,
    case_queue_for,
    case_statistics_monthly,
    official_scope,
    queue_conditions,
    statistics_year_bounds,
)
from egov.core import deadlines
from egov.core.deadlines.aggregates import business_days_sql
from egov.core.errors import NotFound
from egov.core.measures import rollup_cells
from egov.core.models import CaseClock
from egov.petitions.models import Category, Petition
from egov.petitions.procedure import PETITION
from egov.petitions.services import ATTACHMENT
from egov.registry.models import Agency


def _number(number: str) -> str:
    return str(number or "")[:20]


def categories_active() -> QuerySet:
    return Category.objects.filter(is_active=True).select_related("agency").order_by("name_ko")


# --- the petitioner ---------------------------------------------------------------------------


def petition_list_for_petitioner(*, actor) -> QuerySet:
    return Petition.objects.filter(petitioner=actor).select_related("category", "agency", "clock")


def petition_get_for_petitioner(*, actor, number: str) -> Petition:
    petition = petition_list_for_petitioner(actor=actor).filter(number=_number(number)).first()
    if petition is None:
        raise NotFound(_("No such petition."), field="petition")
    return petition


# --- officials --------------------------------------------------------------------------------


def petition_get_for_official(*, actor, number: str) -> Petition:
    """A petition of the official's agency (or one below it); NotFound for any other."""
    petition = (
        Petition.objects.select_related("category", "agency", "clock", "petitioner", "assignee")
        .filter(number=_number(number), agency_id__in=official_scope(actor))
        .first()
    )
    if petition is None:
        raise NotFound(_("No such petition."), field="petition")
    return petition


def petition_queue_for(*, actor, view: str = "team", now: dt.datetime | None = None) -> QuerySet:
    """The official's open petitions, most urgent first (`cases.selectors.case_queue_for`):

    - `mine`: assigned to the official;
    - `team`: every open petition of their agency and the agencies under it;
    - `due_soon`: running, due within two business days (today counted when it is one);
    - `overdue`: running and past the due date.

    For one agency PostgreSQL walks `caseclock_queue_idx` (agency, due_at) of open clocks in
    order and stops after the page: the first 50 of 10,000 open cases read about 50 rows.
    """
    rows = case_queue_for(actor=actor, procedure=PETITION, view=view, now=now)
    return rows.select_related("category", "assignee")


def petition_queue_count(*, actor, view: str = "team", now: dt.datetime | None = None) -> int:
    """How many petitions `petition_queue_for` holds, counted cheaply.

    A petition is open exactly while its current clock is (answering, withdrawing and closing
    close the clock; a reopened petition runs on a new clock, a transferred one on the same),
    so apart from `mine` the count is that of the open petition clocks, read from the clock's
    partial index alone instead of joining 10,000 petitions.
    """
    if view == "mine":
        return petition_queue_for(actor=actor, view=view, now=now).count()
    return CaseClock.objects.filter(
        queue_conditions(actor, view, now, prefix="", case_type="petitions.")
    ).count()


def assignable_officials(*, petition: Petition) -> QuerySet:
    """Officials of the competent agency the petition may be assigned to."""
    return User.objects.filter(
        kind=User.Kind.OFFICIAL, agency_id=petition.agency_id, is_active=True
    ).order_by("username")


def transfer_targets(*, petition: Petition) -> QuerySet:
    return (
        Agency.objects.exclude(pk=petition.agency_id).exclude(kind=Agency.Kind.THIRD_PARTY).order_by("code")
    )


def petition_attachments(*, petition: Petition) -> QuerySet:
    """The files the petitioner sent with the petition (the caller has checked access)."""
    return petition.files.filter(purpose=ATTACHMENT)


def petition_history(*, petition: Petition) -> QuerySet:
    """The petition's history, oldest first (the caller has checked access)."""
    return case_history(case=petition)


def petition_escalations(*, petition: Petition) -> QuerySet:
    """When the petition was reported overdue, and to whom (the caller has checked access)."""
    return petition.case_reminders.filter(kind=CaseReminder.Kind.ESCALATION).select_related("supervisor")


def attachment_get_for(*, actor, number: str, attachment_id: int) -> CaseAttachment:
    """An attachment for its petitioner or an official of the petition's agency; NotFound else."""
    if getattr(actor, "is_official", False):
        petition = petition_get_for_official(actor=actor, number=number)
    else:
        petition = petition_get_for_petitioner(actor=actor, number=number)
    attachment = petition_attachments(petition=petition).filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("No such attachment."), field="attachment")
    return attachment


def due_explanation(petition: Petition, language: str) -> list[str]:
    return deadlines.due_explanation(petition.clock, language)


def is_overdue(petition: Petition, now: dt.datetime | None = None) -> bool:
    clock = petition.clock
    return bool(
        petition.is_open and clock.state == CaseClock.State.RUNNING and clock.due_at < (now or timezone.now())
    )


# --- public statistics ------------------------------------------------------------------------


STATISTICS_MEASURES = (
    "petitions.received",
    "petitions.answered",
    "petitions.answered_on_time",
    "petitions.satisfaction",
)


def statistics(*, year: int | None = None) -> tuple[list[dict], int]:
    """Per agency and category, petitions filed in `year` (default: this year): volume, answered,
    on-time share of the answered ones (answered by the due date, holidays, extensions and
    transfers included), average business days to the answer (first day included) and average
    satisfaction; nothing about a petitioner is in it.

    Read from the performance rollups (`egov.core.measures.rollup_cells`, kept by the worker a
    few seconds behind the petitions, `petitions/kpi_sources.py`), never counted per request;
    counted live only where no rollups are kept."""
    year, _start, _end = statistics_year_bounds(year)
    cells = rollup_cells(measures=STATISTICS_MEASURES, year=year, by_month=False)
    if cells is None:
        return _statistics_live(year=year)
    groups: dict[tuple[int, str], dict[str, dict]] = {}
    for cell in cells:
        groups.setdefault((cell["agency_id"], cell["service"]), {})[cell["measure"]] = cell
    agencies = Agency.objects.in_bulk({agency_id for agency_id, _code in groups})
    categories = Category.objects.in_bulk({code for _agency, code in groups}, field_name="code")
    empty = {"count": 0, "total": 0.0}
    out = []
    for (agency_id, code), measures in groups.items():
        received = measures.get("petitions.received", empty)
        answered = measures.get("petitions.answered", empty)
        on_time = measures.get("petitions.answered_on_time", empty)
        rated = measures.get("petitions.satisfaction", empty)
        if not (received["count"] or answered["count"] or rated["count"]) or code not in categories:
            continue
        out.append(
            {
                "agency": agencies[agency_id],
                "category": categories[code],
                "total": received["count"],
                "answered": answered["count"],
                "on_time_share": on_time["count"] / answered["count"] if answered["count"] else None,
                "average_days": answered["total"] / answered["count"] if answered["count"] else None,
                "average_satisfaction": rated["total"] / rated["count"] if rated["count"] else None,
                "rated": rated["count"],
            }
        )
    out.sort(key=lambda r: (r["agency"].code, r["category"].code))
    return out, year


def _statistics_live(*, year: int | None = None) -> tuple[list[dict], int]:
    """Per agency and category, petitions filed in `year` (default: this year): volume, answered,
    on-time share of the answered ones (the clock they were answered on closed by its due date,
    holidays, extensions and transfers included), average business days to the answer (first day
    included) and average satisfaction. Aggregated by the database in one query; nothing about a
    petitioner is in it."""
    year, start, end = statistics_year_bounds(year)
    answered = Q(answered_at__isnull=False)
    days = business_days_sql(
        "submitted_at", "answered_at", first=start.date(), last=max(timezone.localdate(), end.date())
    )
    groups = (
        Petition.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
        .values("agency_id", "category_id")
        .annotate(
            total=Count("id"),
            answered=Count("id", filter=answered),
            on_time=Count("id", filter=answered & Q(clock__closed_at__lte=F("clock__due_at"))),
            average_days=Avg(days, filter=answered, output_field=FloatField()),
            rated=Count("id", filter=Q(satisfaction__isnull=False)),
            average_satisfaction=Avg("satisfaction", output_field=FloatField()),
        )
        .order_by()
    )
    groups = list(groups)
    agencies = Agency.objects.in_bulk({g["agency_id"] for g in groups})
    categories = Category.objects.in_bulk({g["category_id"] for g in groups})
    out = [
        {
            "agency": agencies[g["agency_id"]],
            "category": categories[g["category_id"]],
            "total": g["total"],
            "answered": g["answered"],
            "on_time_share": g["on_time"] / g["answered"] if g["answered"] else None,
            "average_days": g["average_days"],
            "average_satisfaction": g["average_satisfaction"],
            "rated": g["rated"],
        }
        for g in groups
    ]
    out.sort(key=lambda r: (r["agency"].code, r["category"].code))
    return out, year


def statistics_monthly(*, year: int | None = None) -> tuple[list[dict], int]:
    """Per month of `year` (by filing, Seoul time): petitions, answered, the share answered by the
    due date and the average business days to the answer, counted as `statistics` counts them:
    from the nation's rollup cells, or live (`cases.selectors.case_statistics_monthly`) where
    no rollups are kept."""
    year, _start, _end = statistics_year_bounds(year)
    cells = rollup_cells(measures=STATISTICS_MEASURES[:3], year=year, nation=True)
    if cells is None:
        return case_statistics_monthly(procedure=PETITION, year=year)
    out = []
    for month in range(1, 13):
        mine = [c for c in cells if c["month"].month == month]

        def total(measure, field="count", mine=mine):
            return sum(c[field] for c in mine if c["measure"] == measure)

        closed = total("petitions.answered")
        out.append(
            {
                "month": month,
                "received": total("petitions.received"),
                "closed": closed,
                "on_time": total("petitions.answered_on_time"),
                "on_time_share": total("petitions.answered_on_time") / closed if closed else None,
                "average_days": total("petitions.answered", "total") / closed if closed else None,
            }
        )
    return out, year
