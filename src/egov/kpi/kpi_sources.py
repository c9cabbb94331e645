"""What every procedure counts, read from the case kernel's history (`cases.CaseEvent`), and
the availability probes. Measures (service = the procedure's code, month = the month the case
was received, as the procedures' own statistics count):

- `cases.received`: a case filed;
- `cases.closed`: a case taken from an open state to a closed one (answered, decided,
  withdrawn), valued at the business days from receipt to that step (first day included);
- `cases.clocked` / `cases.on_time`: of those with a statutory period (a clock), the ones
  closed by their due date;
- `platform.probes` / `platform.probes_ok` (no agency): availability probes, and the ones
  that found the platform ready.
"""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType

from egov.cases.models import CaseEvent
from egov.cases.procedures import procedure_of
from egov.core.deadlines import business_days_between, calendar_get
from egov.core.measures import Fact, MeasureSource


def cases_of(events: list[CaseEvent]) -> dict[tuple[int, int], object]:
    """The cases behind `events`, in bulk per procedure, keyed by (content type id, case id)."""
    wanted: dict[int, set[int]] = defaultdict(set)
    for event in events:
        wanted[event.case_type_id].add(event.case_id)
    out = {}
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        rows = model.objects.filter(pk__in=ids)
        if any(f.name == "clock" for f in model._meta.get_fields()):
            rows = rows.select_related("clock")
        for case in rows:
            out[(type_id, case.pk)] = case
    return out


def closing(procedure, action: str) -> bool:
    """Whether `action` takes a case of `procedure` from an open state to a closed one."""
    try:
        transition = procedure.transition(action)
    except LookupError:
        return False
    return (
        transition.target is not None
        and not procedure.is_open(transition.target)
        and any(procedure.is_open(s) for s in transition.sources)
    )


def case_facts(events: list[CaseEvent]):
    calendar = calendar_get()  # once a batch: each call reads the holiday table
    cases = cases_of(events)
    for event in events:
        case = cases.get((event.case_type_id, event.case_id))
        if case is None:
            continue
        procedure = procedure_of(case)
        agency_id = getattr(case, f"{procedure.agency_field}_id", None)
        received = getattr(case, procedure.submitted_field, None) or event.at
        if _files(procedure, event.action):
            yield Fact("cases.received", agency_id, received, procedure.code)
        elif closing(procedure, event.action):
            days = business_days_between(received, event.at, calendar=calendar)
            yield Fact("cases.closed", agency_id, received, procedure.code, value=days)
            clock = getattr(case, "clock", None)
            if clock is not None:
                yield Fact("cases.clocked", agency_id, received, procedure.code)
                if event.at <= clock.due_at:
                    yield Fact("cases.on_time", agency_id, received, procedure.code)


def _files(procedure, action: str) -> bool:
    """Whether `action` is the step that brings a case into being (a transition from nowhere)."""
    try:
        return not procedure.transition(action).sources
    except LookupError:
        return False


def probe_facts(probes):
    for probe in probes:
        yield Fact("platform.probes", None, probe.minute)
        if probe.ok:
            yield Fact("platform.probes_ok", None, probe.minute)


SOURCES = (
    MeasureSource(code="cases.history", model="cases.CaseEvent", facts=lambda rows: list(case_facts(rows))),
    MeasureSource(code="kpi.probes", model="kpi.Probe", facts=lambda rows: list(probe_facts(rows))),
)
