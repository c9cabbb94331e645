"""`egov worker [--once]`: run background jobs (django-tasks' database worker) and enqueue the
periodic sweeps every `EGOV_SWEEP_SECONDS`. On PostgreSQL the worker holds its lease (an
advisory lock named by its worker id) and watches for the tasks of lost workers
(`egov.core.tasks.tasks_orphaned_reap`), so a task whose worker was killed runs again, once."""

import logging
import signal
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from egov.core.tasks import WorkerLease, sweeps_enqueue, tasks_orphaned_reap, ticks, worker_id_new

logger = logging.getLogger(__name__)


def _sweep_loop(stop: threading.Event, seconds: int) -> None:
    """Enqueue the sweeps now and then every `seconds`, until `stop` is set. Runs in a thread
    beside the worker: its database connection is its own and closed after each round."""
    while True:
        try:
            sweeps_enqueue()
        except Exception:  # noqa: BLE001 - a database hiccup must not stop the schedule
            logger.exception("sweeps not enqueued")
        finally:
            connections.close_all()
        if stop.wait(seconds):
            return


def _tick_loop(stop: threading.Event, seconds: float) -> None:
    """Call every app's ticks (the access log's integrator) every `seconds`, until `stop`."""
    jobs = ticks()
    while not stop.wait(seconds):
        for job in jobs:
            try:
                job()
            except Exception:  # noqa: BLE001 - the next tick tries again
                logger.exception("tick failed", extra={"tick": getattr(job, "__name__", "?")})
        connections.close_all()


def _watch_loop(stop: threading.Event, lease: WorkerLease, seconds: int) -> None:
    """Every `seconds`, until `stop`: keep the lease (take it again after a database restart)
    and reap the tasks of lost workers, two rounds running being needed (see the reaper)."""
    suspects: set = set()
    while not stop.wait(seconds):
        try:
            if not lease.keep():
                logger.error("worker lease not held", extra={"worker_id": lease.worker_id})
                continue
            suspects = tasks_orphaned_reap(suspects)["suspects"]
        except Exception:  # noqa: BLE001 - the next round tries again
            logger.exception("lost workers' tasks not reaped")
        finally:
            connections.close_all()


class Command(BaseCommand):
    help = (
        "Run background jobs (django-tasks database worker) and enqueue the periodic sweeps "
        "(petition escalation and reminders, disclosure deemed refusals and reminders) "
        "every EGOV_SWEEP_SECONDS."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="Enqueue the sweeps once, run every task waiting, then exit (for cron or a check).",
        )
        parser.add_argument(
            "--sweep-seconds",
            type=int,
            default=None,
            help="Seconds between two rounds of sweeps (default EGOV_SWEEP_SECONDS, 300).",
        )
        parser.add_argument(
            "--queue-name", default="default", help="Queues to process, comma-separated ('*' for all)."
        )

    def handle(self, *args, once: bool, sweep_seconds: int | None, queue_name: str, **options) -> None:
        worker_id = worker_id_new()
        lease = WorkerLease(worker_id)
        if not lease.keep() and connections["default"].vendor == "postgresql":
            raise CommandError(f"The worker's lease (advisory lock of {worker_id}) could not be taken.")
        worker_args = [
            "--queue-name", queue_name, "--no-reload", f"--verbosity={options['verbosity']}",
            "--worker-id", worker_id,
        ]  # fmt: skip
        try:
            self._run(once, sweep_seconds, worker_args, lease)
        finally:
            lease.close()

    def _run(self, once: bool, sweep_seconds: int | None, worker_args: list[str], lease: WorkerLease) -> None:
        if once:
            enqueued = sweeps_enqueue()
            self.stdout.write(f"{len(enqueued)} sweep(s) enqueued.")
            handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
            try:
                call_command("db_worker", *worker_args, "--batch", "--no-startup-delay", stdout=self.stdout)
            finally:  # db_worker installs its own; give the caller (cron, a test run) back its own
                for sig, handler in handlers.items():
                    signal.signal(sig, handler)
            return
        seconds = settings.EGOV_SWEEP_SECONDS if sweep_seconds is None else sweep_seconds
        if seconds < 1:
            raise CommandError("--sweep-seconds must be at least 1.")
        stop = threading.Event()
        scheduler = threading.Thread(
            target=_sweep_loop, args=(stop, seconds), name="egov-sweeps", daemon=True
        )
        scheduler.start()
        ticker = threading.Thread(
            target=_tick_loop,
            args=(stop, settings.EGOV_ACCESS_LOG_INTEGRATE_SECONDS),
            name="egov-ticks",
            daemon=True,
        )
        ticker.start()
        watcher = threading.Thread(
            target=_watch_loop,
            args=(stop, lease, settings.EGOV_WORKER_WATCH_SECONDS),
            name="egov-watch",
            daemon=True,
        )
        watcher.start()
        self.stdout.write(f"Worker started; sweeps every {seconds} s.")
        try:
            call_command("db_worker", *worker_args, stdout=self.stdout)
        finally:
            stop.set()
