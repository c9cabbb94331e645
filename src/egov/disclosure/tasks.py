"""Background jobs of information disclosure (django-tasks); `egov worker` enqueues them every
`EGOV_SWEEP_SECONDS`. The deemed refusal is particular to disclosure and runs here; the
reminders before a request's or an objection's due date are the case kernel's sweep
(`cases.tasks.remind_due`, for the watches `procedure.py` declares). Idempotent and safe to run
from two workers at once; `now`: see `core.tasks.sweep_moment`.
"""

from django_tasks import task

from egov.core.tasks import sweep_moment
from egov.disclosure.deem import disclosure_deem_refusals


@task()
def deem_refusals(now: str | None = None) -> int:
    """Deem refused the requests not decided by their due date; how many were deemed."""
    return disclosure_deem_refusals(now=sweep_moment(now))


SWEEPS = (deem_refusals,)
