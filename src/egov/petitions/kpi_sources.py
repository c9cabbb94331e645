"""What petitions count for performance management and for their public statistics, read from
the case history (`egov.core.measures`; the kpi app adds them into its monthly rollups).

Month: the month the petition was filed; service: its category's code; agency: the competent
agency (a transfer moves the petition's count from the agency that transferred it to the one
that received it). Measures: `petitions.received`; `petitions.answered` (valued at business
days from filing to answer, first day included) and `petitions.answered_on_time`;
`petitions.satisfaction` (valued at the rating, 1 to 5).
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from egov.core.deadlines import business_days_between, calendar_get
from egov.core.measures import Fact, MeasureSource
from egov.petitions.models import Petition
from egov.registry.models import Agency

ACTIONS = ("file", "transfer", "answer", "rate")


def petition_facts(events) -> list[Fact]:
    calendar = calendar_get()  # once a batch: each call reads the holiday table
    petitions = Petition.objects.select_related("category").in_bulk({e.case_id for e in events})
    codes = {e.data.get(k) for e in events for k in ("agency", "source", "target") if e.data.get(k)}
    agency_ids = dict(Agency.objects.filter(code__in=codes).values_list("code", "id"))
    facts = []
    for event in events:
        petition = petitions.get(event.case_id)
        if petition is None:
            continue
        month, category = petition.submitted_at, petition.category.code
        if event.action == "file":
            agency_id = agency_ids.get(event.data.get("agency"), petition.agency_id)
            facts.append(Fact("petitions.received", agency_id, month, category))
        elif event.action == "transfer":
            source, target = (
                agency_ids.get(event.data.get("source")),
                agency_ids.get(event.data.get("target")),
            )
            if source and target:
                facts.append(Fact("petitions.received", source, month, category, count=-1))
                facts.append(Fact("petitions.received", target, month, category))
        elif event.action == "answer":
            days = business_days_between(petition.submitted_at, event.at, calendar=calendar)
            facts.append(Fact("petitions.answered", petition.agency_id, month, category, value=days))
            if not event.data.get("late"):
                facts.append(Fact("petitions.answered_on_time", petition.agency_id, month, category))
        elif event.action == "rate" and event.data.get("satisfaction"):
            value = float(event.data["satisfaction"])
            facts.append(Fact("petitions.satisfaction", petition.agency_id, month, category, value=value))
    return facts


def _petition_events() -> Q:
    return Q(case_type=ContentType.objects.get_for_model(Petition), action__in=ACTIONS)


def rated_records(*, agency_ids, start, end, service="", measure=""):
    """The petitions behind `petitions.satisfaction`: rated, filed in [start, end), newest rating first."""
    rated = Petition.objects.filter(
        agency_id__in=agency_ids, submitted_at__gte=start, submitted_at__lt=end, satisfaction__isnull=False
    )
    if service:
        rated = rated.filter(category__code=service)
    return rated.order_by("-rated_at", "-pk")


def rated_row(petition, actor) -> dict:
    return {
        "number": petition.number,
        "at": petition.rated_at,
        "detail": _("Rated %(points)s of 5") % {"points": petition.satisfaction},
        "url": reverse("petitions:office_petition", args=[petition.number]),
    }


SOURCES = (
    MeasureSource(
        code="petitions.history",
        model="cases.CaseEvent",
        facts=petition_facts,
        where=_petition_events,
        records=rated_records,
        record_row=rated_row,
    ),
)
