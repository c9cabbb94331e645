"""What customs counts for performance management (`egov.core.measures`; the kpi app adds the
facts into its monthly rollups): `customs.clearance_hours`, one fact per import declaration
released, valued at the hours from the declaration's submission to its release, for the customs
office that handled it, in the month the declaration was submitted (a processing time counts in
the month received, as the other procedures' do), service = the inspection lane (`green`,
`yellow`, `red`). Read from the case history: the `release` step of a declaration."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

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


SOURCES = (
    MeasureSource(
        code="customs.releases",
        model="cases.CaseEvent",
        facts=release_facts,
        where=_releases,
        fields=("case_id", "at"),
    ),
)
