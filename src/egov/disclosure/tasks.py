"""Background jobs of information disclosure (django-tasks); `egov worker` enqueues them every
`EGOV_SWEEP_SECONDS`. Both are idempotent and safe to run from two workers at once.

`now` (an ISO 8601 moment, as task arguments are JSON) lets an operator or a test run a sweep
as of another moment; the worker passes nothing.
"""

import datetime as dt

from django_tasks import task

from egov.disclosure.deem import disclosure_deem_refusals
from egov.disclosure.reminders import disclosure_remind_due


def _moment(now: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(now) if now else None


@task()
def deem_refusals(now: str | None = None) -> int:
    """Deem refused the requests not decided by their due date; how many were deemed."""
    return disclosure_deem_refusals(now=_moment(now))


@task()
def remind_due(now: str | None = None) -> int:
    """Remind the agencies' registrars of requests and objections due soon; how many reminders."""
    return disclosure_remind_due(now=_moment(now))


SWEEPS = (deem_refusals, remind_due)
