"""The periodic sweeps `egov worker` enqueues, gathered from the apps.

An app declares its sweeps as `SWEEPS = (task, ...)` in its `tasks.py` (django-tasks `@task`s
without arguments, each idempotent and safe from two workers at once). A sweep already waiting
in the queue is not enqueued again, so a slow worker does not pile up copies; running one twice
is harmless anyway.
"""

import datetime as dt
import hashlib
import logging
import os
import socket

from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks.base import Task

from egov.core.app_modules import app_modules
from egov.core.db import core_store

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


# --- A killed worker's task runs again, once ------------------------------------------------
#
# django-tasks-db marks a task RUNNING when a worker claims it and SUCCESSFUL/FAILED when the
# task returns; a worker killed in between (SIGKILL, power loss, OOM) leaves it RUNNING for
# ever. Each `egov worker` therefore holds, for as long as it lives, a PostgreSQL session
# advisory lock keyed by its worker id on a connection of its own (`WorkerLease`): the server
# frees it the moment that connection ends, which a dead process's does. Every live worker
# looks now and then (`tasks_orphaned_reap`) for RUNNING tasks whose last worker's lock is free.
# Seen so on two rounds running (a worker whose lock connection dropped with a database restart
# has a round to take it again), such a task is put back in the queue if it has run once, and
# failed with the reason if it was already put back once: a task that kills its worker does not
# kill every worker in turn. Tasks are written to be run again (idempotent), as the sweeps are.

MAX_CLAIMS = 2  # a task's first run and its one re-run after a lost worker


class WorkerLost(Exception):
    """The reason a task is failed with when its worker was lost on each of its runs."""


def worker_lock_key(worker_id: str) -> int:
    """The second key of the worker's advisory lock: 31 bits of SHA-256 of its id."""
    return int.from_bytes(hashlib.sha256(worker_id.encode()).digest()[:4], "big") & 0x7FFFFFFF


def worker_id_new() -> str:
    """A worker id unique across the pool that says where the worker ran: host-pid-random."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"


class WorkerLease:
    """The worker's sign of life: the advisory lock of `worker_id`, held on a database
    connection of its own (not the one `close_old_connections` recycles) until `close()` or
    the process's end. PostgreSQL only; elsewhere `keep()` is False and nothing is reaped."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self.key = worker_lock_key(worker_id)
        self._conn = None

    def keep(self) -> bool:
        """Whether the lock is held, taking it (on a new connection) when it is not: at start,
        and after the database restarted and ended the connection that held it."""
        if self._conn is not None:
            try:
                core_store.database_ping(self._conn)
                return True
            except DatabaseError:
                self.close()
        if connections["default"].vendor != "postgresql":
            return False
        conn = connections.create_connection("default")
        conn.inc_thread_sharing()  # taken by the command, renewed by its watch thread
        try:
            if core_store.worker_lock_take(conn, self.key):
                self._conn = conn
                return True
        except DatabaseError:
            logger.exception("worker lease not taken", extra={"worker_id": self.worker_id})
        conn.close()
        return False

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except DatabaseError:
                pass
            self._conn = None


def tasks_orphaned_reap(suspects: set | None = None, *, now: dt.datetime | None = None) -> dict:
    """One round of the watch: find RUNNING tasks whose last worker holds no lock; those that
    were already in `suspects` (the previous round's answer) are put back (READY) or failed
    (`WorkerLost`) with the reason. Returns {"suspects": ids seen orphaned now and left for the
    next round, "requeued": ids, "failed": ids}. PostgreSQL only (empty elsewhere)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    found = {"suspects": set(), "requeued": [], "failed": []}
    if connection.vendor != "postgresql":
        return found
    running = list(
        DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list("id", "worker_ids")
    )
    owners = {task_id: (ids[-1] if ids else "") for task_id, ids in running}
    alive = core_store.worker_locks_held({worker_lock_key(w) for w in owners.values() if w})
    orphans = {task_id for task_id, owner in owners.items() if worker_lock_key(owner) not in alive}
    suspects = suspects or set()
    now = now or timezone.now()
    for task_id in orphans:
        if task_id not in suspects:
            found["suspects"].add(task_id)
            continue
        with transaction.atomic():
            task = DBTaskResult.objects.select_for_update().filter(id=task_id, status="RUNNING").first()
            if task is None:  # finished meanwhile
                continue
            if len(task.worker_ids) < MAX_CLAIMS:
                task.status = TaskResultStatus.READY
                task.started_at = None
                task.save(update_fields=["status", "started_at"])
                found["requeued"].append(task_id)
                logger.warning(
                    "task of a lost worker put back in the queue",
                    extra={"task_id": str(task_id), "task": task.task_path, "worker_ids": task.worker_ids},
                )
            else:
                task.status = TaskResultStatus.FAILED
                task.finished_at = now
                task.exception_class_path = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"
                task.traceback = (
                    f"{WorkerLost.__qualname__}: the worker running this task was lost on each of "
                    f"its {len(task.worker_ids)} runs (workers {', '.join(task.worker_ids)}); "
                    "it is not run again. Look at those workers' logs, then enqueue it anew.\n"
                )
                task.return_value = None
                fields = ["status", "finished_at", "exception_class_path", "traceback", "return_value"]
                task.save(update_fields=fields)
                found["failed"].append(task_id)
                logger.error(
                    "task failed: its worker was lost on every run",
                    extra={"task_id": str(task_id), "task": task.task_path, "worker_ids": task.worker_ids},
                )
    return found
