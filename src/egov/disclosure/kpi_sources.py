"""What information disclosure counts for performance management (`egov.core.measures`), read
from the case history: each decision (`disclosure.decided`, month of the decision, the request's
agency) and those disclosing in full or in part (`disclosure.disclosed`); a deemed refusal is a
decision without disclosure."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from egov.core.measures import Fact, MeasureSource
from egov.disclosure.models import DisclosureRequest

DISCLOSED = (DisclosureRequest.Outcome.FULL, DisclosureRequest.Outcome.PARTIAL)


def decision_facts(events) -> list[Fact]:
    requests = DisclosureRequest.objects.in_bulk({e.case_id for e in events})
    facts = []
    for event in events:
        request = requests.get(event.case_id)
        if request is None:
            continue
        facts.append(Fact("disclosure.decided", request.agency_id, event.at))
        if event.action == "decide" and request.outcome in DISCLOSED:
            facts.append(Fact("disclosure.disclosed", request.agency_id, event.at))
    return facts


def _decisions() -> Q:
    return Q(
        case_type=ContentType.objects.get_for_model(DisclosureRequest), action__in=("decide", "deem_refusal")
    )


SOURCES = (
    MeasureSource(
        code="disclosure.decisions", model="cases.CaseEvent", facts=decision_facts, where=_decisions
    ),
)
