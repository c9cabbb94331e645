"""Customs in `egov worker`: release notices of declarations released since the last round,
every EGOV_ACCESS_LOG_INTEGRATE_SECONDS (a tick) and as a sweep (for `egov worker --once`)."""

from django_tasks import task

from egov.customs.services.notices import release_notices_issue_pending

ROUNDS = 4


@task()
def release_notices_issue() -> int:
    """Issue the pending release notices; how many were issued."""
    return release_notices_issue_pending()


def release_notices_tick() -> None:
    """Issue pending release notices, a few batches at most (a burst may leave more than one;
    the other ticks must not wait behind a long queue)."""
    for _round in range(ROUNDS):
        if not release_notices_issue_pending():
            return


SWEEPS = (release_notices_issue,)
TICKS = (release_notices_tick,)
