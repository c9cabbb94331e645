"""Background jobs of information disclosure (django-tasks); `egov worker` enqueues them every
`EGOV_SWEEP_SECONDS`. Both are idempotent and safe to run from two workers at once; `now`:
see `core.tasks.sweep_moment`.
"""

from django_tasks import task

from egov.core.tasks import sweep_moment
from egov.disclosure.deem import disclosure_deem_refusals
from egov.disclosure.reminders import disclosure_remind_due


@task()
def deem_refusals(now: str | None = None) -> int:
    """Deem refused the requests not decided by their due date; how many were deemed."""
    return disclosure_deem_refusals(now=sweep_moment(now))


@task()
def remind_due(now: str | None = None) -> int:
    """Remind the agencies' registrars of requests and objections due soon; how many reminders."""
    return disclosure_remind_due(now=sweep_moment(now))


SWEEPS = (deem_refusals, remind_due)
