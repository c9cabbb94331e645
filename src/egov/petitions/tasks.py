"""Background jobs of petitions (django-tasks); `egov worker` enqueues them every
`EGOV_SWEEP_SECONDS`. Both are idempotent and safe to run from two workers at once.

`now` (an ISO 8601 moment, as task arguments are JSON) lets an operator or a test run a sweep
as of another moment; the worker passes nothing.
"""

import datetime as dt

from django_tasks import task

from egov.petitions.escalation import petitions_escalate_overdue
from egov.petitions.reminders import petitions_remind_due


def _moment(now: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(now) if now else None


@task()
def escalate_overdue(now: str | None = None) -> int:
    """Escalate overdue petitions to their supervisors; how many were escalated."""
    return petitions_escalate_overdue(now=_moment(now))


@task()
def remind_due(now: str | None = None) -> int:
    """Remind officials of petitions due soon; how many petitions were reminded."""
    return petitions_remind_due(now=_moment(now))


SWEEPS = (escalate_overdue, remind_due)
