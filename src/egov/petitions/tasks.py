"""Background jobs of petitions (django-tasks); `egov worker` enqueues them every
`EGOV_SWEEP_SECONDS`. Both are idempotent and safe to run from two workers at once; `now`:
see `core.tasks.sweep_moment`.
"""

from django_tasks import task

from egov.core.tasks import sweep_moment
from egov.petitions.escalation import petitions_escalate_overdue
from egov.petitions.reminders import petitions_remind_due


@task()
def escalate_overdue(now: str | None = None) -> int:
    """Escalate overdue petitions to their supervisors; how many were escalated."""
    return petitions_escalate_overdue(now=sweep_moment(now))


@task()
def remind_due(now: str | None = None) -> int:
    """Remind officials of petitions due soon; how many petitions were reminded."""
    return petitions_remind_due(now=sweep_moment(now))


SWEEPS = (escalate_overdue, remind_due)
