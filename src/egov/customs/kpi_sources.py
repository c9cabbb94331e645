"""What customs counts for performance management (`egov.core.measures`; the kpi app adds the
facts into its monthly rollups): `customs.clearance_hours`, one fact per import declaration
released, valued at the hours from the declaration's submission to its release, for the customs
office that handled it, in the month the declaration was submitted (a processing time counts in
the month received, as the other procedures' do), service = the inspection lane (`green`,
`yellow`, `red`). Read from the case history: the `release` step of a declaration."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from egov.core.measures import Fact, MeasureSource
from egov.customs.models import Declaration


def release_facts(events) -> list[Fact]:
    declarations = Declaration.objects.only("kind", "agency_id", "lane", "submitted_at").in_bulk(
        {e.case_id for e in events}
    )
    facts = []
    for event in events:
        declaration = declarations.get(event.case_id)
        if declaration is None or declaration.kind != Declaration.Kind.IMPORT or not declaration.lane:
            continue
        hours = max(0.0, (event.at - declaration.submitted_at).total_seconds() / 3600)
        facts.append(
            Fact(
                "customs.clearance_hours",
                declaration.agency_id,
                declaration.submitted_at,
                declaration.lane,
                value=round(hours, 2),
            )
        )
    return facts


def _releases() -> Q:
    return Q(case_type=ContentType.objects.get_for_model(Declaration), action="release")


def release_records(*, agency_ids, start, end, service="", measure=""):
    """The import declarations behind the clearance time: submitted in [start, end) at the
    offices of `agency_ids`, released, of the lane `service` (or every lane), newest first."""
    released = Declaration.objects.filter(
        kind=Declaration.Kind.IMPORT,
        agency_id__in=agency_ids,
        submitted_at__gte=start,
        submitted_at__lt=end,
        state=Declaration.State.RELEASED,
    ).exclude(lane="")
    if service:
        released = released.filter(lane=service)
    return released.order_by("-decided_at", "-pk")  # fmt: skip


def release_row(declaration, actor) -> dict:
    hours = max(0.0, (declaration.decided_at - declaration.submitted_at).total_seconds() / 3600)
    return {
        "number": declaration.number,
        "at": declaration.decided_at,
        "detail": _("%(lane)s · released in %(hours)s hours")
        % {"lane": declaration.get_lane_display(), "hours": f"{hours:.1f}"},
        "url": reverse("customs:office_declaration", args=[declaration.number]),
    }


SOURCES = (
    MeasureSource(
        code="customs.releases",
        model="cases.CaseEvent",
        facts=release_facts,
        where=_releases,
        records=release_records,
        record_row=release_row,
        fields=("case_id", "at"),
    ),
)
