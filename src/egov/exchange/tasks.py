"""The access log's integrator in `egov worker`: every EGOV_ACCESS_LOG_INTEGRATE_SECONDS (a
tick, run in the worker's own thread) and as a sweep (for `egov worker --once`)."""

from django_tasks import task

from egov.exchange.accesslog import access_log_integrate, access_log_tick, access_log_witness


@task()
def integrate_access_log() -> int:
    """Integrate pending entries and ask the witnesses to cosign; entries integrated."""
    done = access_log_integrate()
    access_log_witness()
    return done.integrated if done else 0


SWEEPS = (integrate_access_log,)
TICKS = (access_log_tick,)
