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

The applications behind `visits_avoided` and `papers_avoided` (issue 19 item 7) are listed to
the handling agency's officials (`filed_records`, `filed_row`): the application's number,
service, date and the shared items fetched for it, never the applicant or their number.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from egov.civil.models import Application, Service
from egov.core.deadlines import business_days_between, calendar_get
from egov.core.measures import Fact, GaugeSource, MeasureSource
from egov.exchange.models import SharedItem

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


def filed_records(*, agency_ids, start, end, service="", measure=""):
    """The online applications behind the visits avoided (filed in [start, end) with the
    agencies of `agency_ids`), or, for `civil.papers_avoided`, those whose shared-item fetches
    replaced papers; newest first. Only what the row shows is read (no applicant, no subject)."""
    rows = Application.objects.filter(
        agency_id__in=agency_ids, channel=Application.Channel.ONLINE,
        submitted_at__gte=start, submitted_at__lt=end,
    )  # fmt: skip
    if service:
        rows = rows.filter(service__code=service)
    if measure == "civil.papers_avoided":
        rows = rows.filter(service__papers_replaced__gt=0).exclude(fetched=[])
    return (
        rows.select_related("service")
        .only(
            "number",
            "submitted_at",
            "fetched",
            "service__name_ko",
            "service__name_en",
            "service__papers_replaced",
        )  # fmt: skip
        .order_by("-submitted_at", "-pk")
    )


def filed_row(application, actor) -> dict:
    language = "en" if (get_language() or "ko").startswith("en") else "ko"
    codes = [f.get("item", "") for f in application.fetched or []]
    names = dict(SharedItem.objects.filter(code__in=codes).values_list("code", f"name_{language}"))
    detail = application.service.name(language)
    if codes:
        detail = _("%(service)s · fetched: %(items)s") % {
            "service": detail,
            "items": ", ".join(names.get(c, c) for c in codes),
        }
        if application.service.papers_replaced:
            detail = _("%(detail)s · %(n)s papers replaced") % {
                "detail": detail,
                "n": application.service.papers_replaced,
            }
    return {
        "number": application.number,
        "at": application.submitted_at,
        "detail": detail,
        "url": reverse("civil:office_application", args=[application.number]),  # the same agency scope
    }


def _filings() -> Q:
    return Q(case_type=ContentType.objects.get_for_model(Application), action__in=ONLINE_ACTIONS)


def _counted() -> Q:
    return Q(
        case_type=ContentType.objects.get_for_model(Application),
        action__in=sorted(set(FILING_ACTIONS) | set(DECISION_ACTIONS)),
    )


SOURCES = (
    MeasureSource(
        code="civil.filings",
        model="cases.CaseEvent",
        facts=filing_facts,
        where=_filings,
        records=filed_records,
        record_row=filed_row,
    ),  # fmt: skip
    MeasureSource(code="civil.counters", model="cases.CaseEvent", facts=counter_facts, where=_counted),
    GaugeSource(
        code="civil.catalogue", measures=("civil.services", "civil.services_online"), facts=catalogue_facts
    ),
)
