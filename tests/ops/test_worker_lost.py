"""A worker killed in the middle of a task: the task runs again, once (issue 20, item 5).

The drill starts two real `egov worker` processes on the test database, enqueues a task, kills
with SIGKILL whichever worker took it while it runs, and sees the other worker run it again,
exactly once. The reaper's rounds are also tested in-process: a lost worker's task is put back
once, failed with the reason the second time, and a live worker's task is left alone."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from egov.core.tasks import WorkerLease, tasks_orphaned_reap, worker_id_new

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]


def _running(worker_ids, **extra) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status="RUNNING",
        args_kwargs={"args": [], "kwargs": {}},
        task_path="tests.ops.worker_tasks.stall_on_first_run",
        backend_name="default",
        run_after=extra.pop("run_after", "9999-01-01T00:00:00Z"),
        worker_ids=worker_ids,
        exception_class_path="",
        traceback="",
        **extra,
    )


def test_a_lost_workers_task_is_put_back_once_then_failed_with_the_reason(db, postgres_only):
    lease = WorkerLease(worker_id_new())
    assert lease.keep()
    try:
        alive = _running([lease.worker_id])
        lost_once = _running(["host-1-gone"])
        lost_twice = _running(["host-1-gone", "host-2-gone"])

        first = tasks_orphaned_reap(set())
        # One round only suspects: a worker whose lock connection dropped gets a round to retake it.
        assert first["suspects"] == {lost_once.id, lost_twice.id}
        assert first["requeued"] == first["failed"] == []
        second = tasks_orphaned_reap(first["suspects"])
    finally:
        lease.close()

    assert second["requeued"] == [lost_once.id] and second["failed"] == [lost_twice.id]
    alive.refresh_from_db()
    lost_once.refresh_from_db()
    lost_twice.refresh_from_db()
    assert alive.status == "RUNNING"
    assert lost_once.status == "READY" and lost_once.started_at is None
    assert lost_once.worker_ids == ["host-1-gone"]  # the record of the lost run stays
    assert lost_twice.status == "FAILED" and lost_twice.finished_at is not None
    assert lost_twice.exception_class_path == "egov.core.tasks.WorkerLost"
    assert "lost on each of its 2 runs (workers host-1-gone, host-2-gone)" in lost_twice.traceback


def test_a_lease_is_held_by_one_worker_only_and_freed_when_its_connection_ends(db, postgres_only):
    worker_id = worker_id_new()
    first, second = WorkerLease(worker_id), WorkerLease(worker_id)
    assert first.keep()
    try:
        assert not second.keep()  # the same id twice: the second worker could not start
        first._conn.close()  # what the server does to a killed process's connection
        assert first.keep()  # taken again on a new connection
    finally:
        first.close()
        second.close()


def _worker(database_url: str, data_dir: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "egov.settings",
        "EGOV_DATABASE_URL": database_url,
        "EGOV_DATA_DIR": str(data_dir),
        "EGOV_WORKER_WATCH_SECONDS": "1",
        "EGOV_SWEEP_SECONDS": "3600",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen(  # noqa: S603 (this interpreter, our own command)
        [sys.executable, "-m", "egov.cli", "worker", "--verbosity", "0", "--skip-checks"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _wait(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s: {what}")


def test_drill_a_worker_killed_mid_task_and_the_task_runs_again_once(
    transactional_db, postgres_only, tmp_path
):
    from tests.ops.worker_tasks import stall_on_first_run

    s = connection.settings_dict
    host, port = s["HOST"] or "127.0.0.1", s["PORT"] or 5432
    url = f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{host}:{port}/{s['NAME']}"
    workers = [_worker(url, tmp_path / f"data{i}") for i in (1, 2)]
    marker = tmp_path / "runs.txt"
    try:
        result = stall_on_first_run.enqueue(str(marker))
        _wait(lambda: marker.exists() and marker.read_text().strip(), 180, "a worker starts the task")
        first_pid = int(marker.read_text().split()[0])
        task = DBTaskResult.objects.get(id=result.id)
        assert task.status == "RUNNING" and len(task.worker_ids) == 1
        victim = next(w for w in workers if w.pid == first_pid)
        os.kill(victim.pid, signal.SIGKILL)  # mid-task: the first run sleeps
        victim.wait(10)

        def finished():
            task.refresh_from_db()
            return task.status in ("SUCCESSFUL", "FAILED")

        _wait(finished, 120, "the surviving worker runs the task again")
        time.sleep(3)  # and no one runs it a third time
        task.refresh_from_db()
        runs = [int(pid) for pid in marker.read_text().split()]
        survivor = next(w for w in workers if w is not victim)
        assert task.status == "SUCCESSFUL" and task.return_value == 2
        assert runs == [victim.pid, survivor.pid]  # exactly twice: the killed run and one re-run
        assert len(task.worker_ids) == 2 and task.worker_ids[0].split("-")[-2] == str(victim.pid)
        assert task.worker_ids[1].split("-")[-2] == str(survivor.pid)
    finally:
        for w in workers:
            if w.poll() is None:
                w.terminate()
                try:
                    w.wait(10)
                except subprocess.TimeoutExpired:
                    w.kill()
