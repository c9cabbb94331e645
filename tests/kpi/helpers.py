"""Reading one indicator for one agency and month, as the rollups hold it after the worker's tick."""

from django.utils import timezone

from egov.core.measures import month_of, rollup_cells
from egov.kpi.indicators import BY_CODE
from egov.kpi.rollups import rollups_tick


def tick_and_read(code: str, agency, moment=None) -> float | None:
    """Run the worker's incremental tick (`rollups_tick`, what `egov worker` calls), then the
    indicator `code` for `agency` (its own cells, not those of agencies under it) in the month
    of `moment` (now by default)."""
    rollups_tick()
    month = month_of(moment or timezone.now())
    indicator = BY_CODE[code]
    cells = rollup_cells(measures=indicator.measures, year=month.year, agency_ids={agency.pk})
    mine = [c for c in cells if c["agency_id"] == agency.pk and c["month"] == month]
    return indicator.value(mine)
