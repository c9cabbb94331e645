"""What Government24 counts for performance management (`egov.core.measures`):

- `civil.services` / `civil.services_online` (a level, per agency): the services in the
  catalogue, and those open for online application (active);
- `civil.visits_avoided`: an application filed online, or a certificate issued online at once
  (a counter's recording is a visit), month of filing, the handling agency, service = its code;
- `civil.papers_avoided`: for those, the papers the service's shared items replace
  (`Service.papers_replaced`), counted when the application fetched them through the exchange.

The counters page (`civil.selectors.counters`) reads its own measures, for the service's agency,
the month the application was filed, service = its code: `civil.applications` and
`civil.applications_online` (a filing: applied online, received at a counter, issued at once),
`civil.decided` (valued at the days to the decision: business days, first day counted, or for a
service decided at once the fraction of a day) and `civil.decided_on_time` (decided by the clock's
due date, or with no clock).
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.utils import timezone

from egov.civil.models import Application, Service
from egov.core.deadlines import business_days_between, calendar_get
from egov.core.measures import Fact, GaugeSource, MeasureSource

ONLINE_ACTIONS = ("submit", "issue")
FILING_ACTIONS = ("submit", "record", "issue")
DECISION_ACTIONS = ("approve", "approve_issue", "reject", "withdraw", "issue")


def filing_facts(events) -> list[Fact]:
    applications = Application.objects.select_related("service").in_bulk({e.case_id for e in events})
    facts = []
    for event in events:
        application = applications.get(event.case_id)
        if application is None or application.channel != Application.Channel.ONLINE:
            continue
        agency, month, service = application.agency_id, application.submitted_at, application.service.code
        facts.append(Fact("civil.visits_avoided", agency, month, service))
        if application.fetched and application.service.papers_replaced:
            count = application.service.papers_replaced
            facts.append(Fact("civil.papers_avoided", agency, month, service, count=count))
    return facts


def counter_facts(events) -> list[Fact]:
    applications = Application.objects.select_related("service", "clock").in_bulk({e.case_id for e in events})
    calendar = calendar_get()  # once a batch: each call reads the holiday table
    facts = []
    for event in events:
        application = applications.get(event.case_id)
        if application is None:
            continue
        service = application.service
        agency, month, code = service.agency_id, application.submitted_at, service.code
        if event.action in FILING_ACTIONS:
            facts.append(Fact("civil.applications", agency, month, code))
            if application.channel == Application.Channel.ONLINE:
                facts.append(Fact("civil.applications_online", agency, month, code))
        if event.action in DECISION_ACTIONS:
            decided = application.decided_at or event.at
            if service.kind == Service.Kind.INSTANT:
                days = (decided - application.submitted_at).total_seconds() / 86400
            else:
                days = business_days_between(application.submitted_at, decided, calendar=calendar)
            facts.append(Fact("civil.decided", agency, month, code, value=days))
            due = application.clock.due_at if application.clock_id else None
            if due is None or decided <= due:
                facts.append(Fact("civil.decided_on_time", agency, month, code))
    return facts


def catalogue_facts() -> list[Fact]:
    now = timezone.now()
    facts = []
    for row in Service.objects.values("agency_id").annotate(
        total=Count("id"), online=Count("id", filter=Q(is_active=True))
    ):
        facts.append(Fact("civil.services", row["agency_id"], now.date(), count=row["total"]))
        if row["online"]:
            facts.append(Fact("civil.services_online", row["agency_id"], now.date(), count=row["online"]))
    return facts


def _filings() -> Q:
    return Q(case_type=ContentType.objects.get_for_model(Application), action__in=ONLINE_ACTIONS)


def _counted() -> Q:
    return Q(
        case_type=ContentType.objects.get_for_model(Application),
        action__in=sorted(set(FILING_ACTIONS) | set(DECISION_ACTIONS)),
    )


SOURCES = (
    MeasureSource(code="civil.filings", model="cases.CaseEvent", facts=filing_facts, where=_filings),
    MeasureSource(code="civil.counters", model="cases.CaseEvent", facts=counter_facts, where=_counted),
    GaugeSource(
        code="civil.catalogue", measures=("civil.services", "civil.services_online"), facts=catalogue_facts
    ),
)
