"""The kernel's background jobs (django-tasks), enqueued by `egov worker` every
`EGOV_SWEEP_SECONDS` for every procedure that declares reminders or escalations. Both are
idempotent and safe from two workers at once; `now`: see `core.tasks.sweep_moment`.
"""

from django_tasks import task

from egov.cases.sweeps import cases_escalate_overdue, cases_remind_due
from egov.core.tasks import sweep_moment


@task()
def remind_due(now: str | None = None) -> int:
    """Remind officials of cases due soon; how many cases were reminded."""
    return cases_remind_due(now=sweep_moment(now))


@task()
def escalate_overdue(now: str | None = None) -> int:
    """Escalate overdue cases to their supervisors; how many were escalated."""
    return cases_escalate_overdue(now=sweep_moment(now))


SWEEPS = (escalate_overdue, remind_due)
