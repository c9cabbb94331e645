"""Customs in `egov worker`: release notices of declarations released since the last round,
every EGOV_ACCESS_LOG_INTEGRATE_SECONDS (a tick) and as a sweep (for `egov worker --once`)."""

from django_tasks import task

from egov.customs.services.notices import release_notices_issue_pending

# Notices a tick issues at most (~50 ms of CPU each): the ticks run one after another in one
# thread, so a burst of releases must not hold the access log's integrator back for long; the
# next tick, a second later, goes on with the rest.
TICK_BATCH = 40


@task()
def release_notices_issue() -> int:
    """Issue the pending release notices; how many were issued."""
    return release_notices_issue_pending()


def release_notices_tick() -> None:
    """Issue the oldest pending release notices, a few dozen at most."""
    release_notices_issue_pending(limit=TICK_BATCH)


SWEEPS = (release_notices_issue,)
TICKS = (release_notices_tick,)
