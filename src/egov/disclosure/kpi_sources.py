"""What information disclosure counts for performance management and for its public
statistics (`egov.core.measures`), read from the case history:

- for the disclosure rate, by the month of the decision: each decision or deemed refusal
  (`disclosure.decided`) and those disclosing in full or in part (`disclosure.disclosed`);
- for the statistics page, by the month the request was received (the request's agency):
  `disclosure.received`; `disclosure.ended` with service = the outcome (full, partial,
  refused, deemed_refused), valued at the business days from the request to the decision
  (first day included; deemed refusals carry no value); `disclosure.ended_on_time` for a
  decision taken by the due date (a deemed refusal is late by definition).
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse

from egov.core.deadlines import business_days_between, calendar_get
from egov.core.measures import Fact, MeasureSource
from egov.disclosure.models import DisclosureRequest

DISCLOSED = (DisclosureRequest.Outcome.FULL, DisclosureRequest.Outcome.PARTIAL)
ACTIONS = ("file", "decide", "deem_refusal")


def request_facts(events) -> list[Fact]:
    calendar = calendar_get()  # once a batch: each call reads the holiday table
    requests = DisclosureRequest.objects.select_related("clock").in_bulk({e.case_id for e in events})
    facts = []
    for event in events:
        request = requests.get(event.case_id)
        if request is None:
            continue
        agency, received = request.agency_id, request.submitted_at
        if event.action == "file":
            facts.append(Fact("disclosure.received", agency, received))
            continue
        facts.append(Fact("disclosure.decided", agency, event.at))
        if event.action == "deem_refusal":
            facts.append(Fact("disclosure.ended", agency, received, DisclosureRequest.Outcome.DEEMED_REFUSED))
            continue
        if request.outcome in DISCLOSED:
            facts.append(Fact("disclosure.disclosed", agency, event.at))
        days = business_days_between(received, event.at, calendar=calendar)
        facts.append(Fact("disclosure.ended", agency, received, request.outcome, value=days))
        if request.clock_id and event.at <= request.clock.due_at:
            facts.append(Fact("disclosure.ended_on_time", agency, received))
    return facts


def _request_events() -> Q:
    return Q(case_type=ContentType.objects.get_for_model(DisclosureRequest), action__in=ACTIONS)


def decided_records(*, agency_ids, start, end, service="", measure=""):
    """The requests behind the disclosure rate: decided (or deemed refused) in [start, end),
    newest decision first."""
    return DisclosureRequest.objects.filter(
        agency_id__in=agency_ids, decided_at__gte=start, decided_at__lt=end
    ).order_by("-decided_at", "-pk")


def decided_row(request, actor) -> dict:
    return {
        "number": request.number,
        "at": request.decided_at,
        "detail": request.get_outcome_display(),
        "url": reverse("disclosure:office_request", args=[request.number]),
    }


SOURCES = (
    MeasureSource(
        code="disclosure.history",
        model="cases.CaseEvent",
        facts=request_facts,
        where=_request_events,
        records=decided_records,
        record_row=decided_row,
    ),
)
