"""What Government24 counts for performance management (`egov.core.measures`):

- `civil.services` / `civil.services_online` (a level, per agency): the services in the
  catalogue, and those open for online application (active);
- `civil.visits_avoided`: an application filed online, or a certificate issued online at once
  (a counter's recording is a visit), month of filing, the handling agency, service = its code;
- `civil.papers_avoided`: for those, the papers the service's shared items replace
  (`Service.papers_replaced`), counted when the application fetched them through the exchange.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.utils import timezone

from egov.civil.models import Application, Service
from egov.core.measures import Fact, GaugeSource, MeasureSource

ONLINE_ACTIONS = ("submit", "issue")


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


SOURCES = (
    MeasureSource(code="civil.filings", model="cases.CaseEvent", facts=filing_facts, where=_filings),
    GaugeSource(
        code="civil.catalogue", measures=("civil.services", "civil.services_online"), facts=catalogue_facts
    ),
)
