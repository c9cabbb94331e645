"""Reads the kernel gives every procedure: officials' queues, histories, monthly statistics.

Queues filter and sort on the case's clock (`core.CaseClock`, joined one-to-one), with the
conditions put on the joined clock itself, so that for one agency PostgreSQL walks the clock's
partial index (agency, due_at) of open clocks in order and stops after the page.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, F, FloatField, Q, QuerySet
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.permissions import agency_scope_ids
from egov.cases.procedures import APPLICANT, Procedure, procedure_of, procedures
from egov.core.deadlines.aggregates import business_days_sql
from egov.core.deadlines.holiday_calendar import calendar_get, end_of_day, local_date
from egov.core.errors import PermissionDenied, ValidationFailed
from egov.core.models import CaseClock
from egov.core.statistics import statistics_year_bounds

QUEUE_VIEWS = ("mine", "team", "due_soon", "overdue")
DUE_SOON_BUSINESS_DAYS = 2


def official_scope(actor) -> set[int]:
    """The agencies whose cases the official works on; PermissionDenied for anyone else."""
    scope = agency_scope_ids(actor) if getattr(actor, "is_official", False) else set()
    if not scope:
        raise PermissionDenied(_("Only officials have a work queue."))
    return scope


def queue_conditions(
    actor, view: str, now: dt.datetime | None = None, *, prefix: str = "clock__", case_type: str = ""
) -> Q:
    """The queue's conditions on the clock (`prefix` is the path from the case to its clock; ""
    to filter `CaseClock` itself, then `case_type` narrows it to the procedure's periods)."""
    if view not in QUEUE_VIEWS:
        raise ValidationFailed(_("Unknown queue."), field="view")
    conditions = Q(**{f"{prefix}agency_id__in": official_scope(actor)}) & ~Q(
        **{f"{prefix}state": CaseClock.State.CLOSED}
    )
    if case_type:
        conditions &= Q(**{f"{prefix}case_type__startswith": case_type})
    if view in ("due_soon", "overdue"):
        now = now or timezone.now()
        conditions &= Q(**{f"{prefix}state": CaseClock.State.RUNNING})
        if view == "overdue":
            conditions &= Q(**{f"{prefix}due_at__lt": now})
        else:
            last = calendar_get().nth_business_day(local_date(now), DUE_SOON_BUSINESS_DAYS)
            conditions &= Q(**{f"{prefix}due_at__gte": now, f"{prefix}due_at__lte": end_of_day(last)})
    return conditions


def case_queue_for(
    *, actor, procedure: Procedure, view: str = "team", now: dt.datetime | None = None
) -> QuerySet:
    """The official's open cases of `procedure`, most urgent first:

    - `mine`: assigned to the official (procedures with an assignee);
    - `team`: every open case of their agency and the agencies under it;
    - `due_soon`: running, due within two business days (today counted when it is one);
    - `overdue`: running and past the due date.
    """
    rows = procedure.model_class.objects.filter(
        queue_conditions(actor, view, now), state__in=procedure.open_states
    )
    if view == "mine":
        if not procedure.assignee_field:
            raise ValidationFailed(_("Unknown queue."), field="view")
        rows = rows.filter(**{procedure.assignee_field: actor})
    return rows.select_related("clock", procedure.agency_field).order_by("clock__due_at", "id")


def case_history(*, case) -> QuerySet:
    """The case's history, oldest first, with who acted (the caller has checked access)."""
    return case.events.select_related("actor", "case_type").order_by("at", "id")


def case_statistics_monthly(
    *, procedure: Procedure, year: int | None = None, agency_ids: set[int] | None = None
) -> tuple[list[dict], int]:
    """Per month of `year` (by receipt, Seoul time): cases received, closed (answered or
    decided), closed by their due date, and the average business days to the answer (first day
    included). One query, aggregated by the database; nothing about an applicant is in it.
    Months without cases are listed with zeros."""
    year, start, end = statistics_year_bounds(year)
    submitted, closed = procedure.submitted_field, procedure.closed_field
    done = Q(**{f"{closed}__isnull": False})
    days = business_days_sql(
        submitted, closed, first=start.date(), last=max(timezone.localdate(), end.date())
    )
    rows = procedure.model_class.objects.filter(**{f"{submitted}__gte": start, f"{submitted}__lt": end})
    if agency_ids is not None:
        rows = rows.filter(**{f"{procedure.agency_field}_id__in": agency_ids})
    grouped = {
        g["month"]: g
        for g in rows.annotate(month=ExtractMonth(submitted, tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(
            received=Count("id"),
            closed=Count("id", filter=done),
            on_time=Count("id", filter=done & Q(clock__closed_at__lte=F("clock__due_at"))),
            average_days=Avg(days, filter=done, output_field=FloatField()),
        )
        .order_by()
    }
    out = []
    for month in range(1, 13):
        g = grouped.get(month, {})
        closed_count = g.get("closed", 0)
        out.append(
            {
                "month": month,
                "received": g.get("received", 0),
                "closed": closed_count,
                "on_time": g.get("on_time", 0),
                "on_time_share": g["on_time"] / closed_count if closed_count else None,
                "average_days": g.get("average_days"),
            }
        )
    return out, year


# Applicant steps that are not a request for the applicant to act (they can always withdraw).
_NOT_ASKED = frozenset({"file", "submit", "withdraw", "cancel"})


@dataclass(frozen=True)
class MyCase:
    """One of a person's own cases, as My page's dashboard lists it."""

    procedure: str
    number: str
    title: str
    state: str
    submitted_at: object
    link: str
    needs_action: bool


def case_dashboard_for(*, actor, limit: int = 10) -> dict[str, list[MyCase]]:
    """The actor's own open cases of every procedure, newest first: `action` those waiting for
    a step only the applicant may take (a supplement asked for...), `progress` the rest."""
    result: dict[str, list[MyCase]] = {"action": [], "progress": []}
    if not getattr(actor, "is_authenticated", False):
        return result
    found: list[MyCase] = []
    for procedure in procedures():
        model = procedure.model_class
        asked = {
            state
            for t in procedure.transitions
            if t.by == APPLICANT and t.action not in _NOT_ASKED
            for state in t.sources
        }
        rows = model.objects.filter(
            **{procedure.applicant_field: actor}, state__in=procedure.open_states
        ).order_by(f"-{procedure.submitted_field}")[:limit]
        for case in rows:
            title_field = procedure.page_title_field or procedure.title_field
            title = getattr(case, title_field, "") if title_field else ""
            found.append(
                MyCase(
                    procedure=str(procedure.label),
                    number=case.number or "",
                    title=str(title or procedure.label),
                    state=procedure.state_label(case.state),
                    submitted_at=getattr(case, procedure.submitted_field),
                    link=procedure.applicant_url(case),
                    needs_action=case.state in asked,
                )
            )
    found.sort(key=lambda c: str(c.submitted_at or ""), reverse=True)  # dates and datetimes alike
    for case in found:
        result["action" if case.needs_action else "progress"].append(case)
    return {key: value[:limit] for key, value in result.items()}


CASE_STATUS_FILTERS = ("open", "closed")


def case_list_by_status(rows: QuerySet, status: str | None) -> QuerySet:
    """A person's list of cases narrowed to the open ones (`open`: still being handled) or the
    closed ones (`closed`); any other value leaves it whole. The filter behind My page lists."""
    if status not in CASE_STATUS_FILTERS:
        return rows
    procedure = procedure_of(rows.model)
    lookup = {"state__in": procedure.open_states}
    return rows.filter(**lookup) if status == "open" else rows.exclude(**lookup)
