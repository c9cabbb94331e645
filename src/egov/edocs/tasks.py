"""Background jobs of On-nara (django-tasks); `egov worker` enqueues them every
`EGOV_SWEEP_SECONDS`. Idempotent and safe to run from two workers at once."""

from django_tasks import task

from egov.core.tasks import sweep_moment
from egov.edocs.services.records import retention_sweep


@task()
def sweep_retention(now: str | None = None) -> int:
    """Open appraisal cases for the records whose retention has ended; how many were opened."""
    moment = sweep_moment(now)
    return retention_sweep(today=moment.date() if moment else None)


SWEEPS = (sweep_retention,)
