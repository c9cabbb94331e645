"""The periodic sweeps `egov worker` enqueues, gathered from the apps.

An app declares its sweeps as `SWEEPS = (task, ...)` in its `tasks.py` (django-tasks `@task`s
without arguments, each idempotent and safe from two workers at once). A sweep already waiting
in the queue is not enqueued again, so a slow worker does not pile up copies; running one twice
is harmless anyway.
"""

import datetime as dt
import logging

from django_tasks.base import Task

from egov.core.app_modules import app_modules

logger = logging.getLogger(__name__)


def sweep_moment(now: str | None) -> dt.datetime | None:
    """The moment a sweep runs as of: `now` (ISO 8601, as task arguments are JSON) lets an
    operator or a test run it as of another moment; the worker passes nothing (None)."""
    return dt.datetime.fromisoformat(now) if now else None


def sweeps() -> list[Task]:
    """Every sweep the installed egov apps declare, in app order."""
    return [sweep for _, module in app_modules("tasks") for sweep in getattr(module, "SWEEPS", ())]


def ticks() -> list:
    """Every tick the installed egov apps declare (`TICKS` in their `tasks.py`): functions
    without arguments `egov worker` calls in a thread of its own every
    EGOV_ACCESS_LOG_INTEGRATE_SECONDS, not through the queue (the access log's integrator)."""
    return [tick for _, module in app_modules("tasks") for tick in getattr(module, "TICKS", ())]


def _waiting(sweep: Task) -> bool:
    """Whether the sweep is already queued and not started (database backend only)."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = sweep.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        task_path=sweep.module_path, backend_name=backend.alias, status="READY"
    ).exists()


def sweeps_enqueue() -> list[str]:
    """Enqueue every sweep not already waiting; return the names enqueued."""
    enqueued = []
    for sweep in sweeps():
        if _waiting(sweep):
            continue
        sweep.enqueue()
        enqueued.append(sweep.module_path)
    if enqueued:
        logger.info("sweeps enqueued", extra={"count": len(enqueued)})
    return enqueued
