"""The open-data refresh in `egov worker`: a sweep (enqueued every EGOV_SWEEP_SECONDS) that
publishes each declared feed as a new version of its dataset once it is due by its frequency.
It is a sweep, not a tick: a feed's build may read a year of cases, and must not hold up the
access log's integrator in the tick thread."""

from django_tasks import task

from egov.opendata.services import feeds_refresh


@task()
def refresh_open_data() -> int:
    """Refresh the feeds that are due; how many datasets were published."""
    return len(feeds_refresh())


SWEEPS = (refresh_open_data,)
