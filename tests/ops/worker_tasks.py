"""Tasks for the worker drill (tests/ops/test_worker_lost.py): each run appends the worker's
process id to a file, so the test counts the runs and sees which process ran each."""

import os
import time
from pathlib import Path

from django_tasks import task


@task()
def stall_on_first_run(marker: str) -> int:
    """Append this process's id to `marker`; on the first run, then wait long enough for the
    drill to kill the worker in the middle; on a later run, return the number of runs."""
    path = Path(marker)
    with path.open("a") as out:
        out.write(f"{os.getpid()}\n")
    runs = len(path.read_text().splitlines())
    if runs == 1:
        time.sleep(300)
    return runs
