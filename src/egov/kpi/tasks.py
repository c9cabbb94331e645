"""The rollups in `egov worker`: brought up to date on every tick (a thread of the worker), and
as a sweep (for `egov worker --once`)."""

from django_tasks import task

from egov.kpi.rollups import rollups_advance, rollups_tick


@task()
def advance_rollups() -> int:
    """Bring the KPI rollups up to date; rows read."""
    return rollups_advance()


SWEEPS = (advance_rollups,)
TICKS = (rollups_tick,)
