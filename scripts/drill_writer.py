"""The write load of the failover drill: one app process writing audit events, one transaction
each, for DURATION seconds, through the app's own database settings (EGOV_DATABASE_URL, the
platform backend and its health check). Before each write it does what Django does at the start
of every request (`close_old_connections`: the health check, and a new connection when the old
one is broken), so it reconnects exactly as a gunicorn worker would. A write is acknowledged
when its COMMIT returned; failed writes are retried once after 0.5 s, then counted as failed.

    EGOV_DATABASE_URL=... python scripts/drill_writer.py OUT.json DURATION_SECONDS
"""

import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")
import django  # noqa: E402

django.setup()
from django.db import Error, close_old_connections, transaction  # noqa: E402

from egov.core.models import AuditEvent  # noqa: E402


def write(sequence: int) -> None:
    close_old_connections()
    with transaction.atomic():
        AuditEvent.objects.create(action="drill.write", object_type="drill", object_id=str(sequence))


def main() -> None:
    out, duration = sys.argv[1], float(sys.argv[2])
    acknowledged, acknowledged_at, failures, retried_ok = [], [], [], 0
    first_failure = last_failure = None
    started = time.time()
    sequence = 0
    while time.time() - started < duration:
        sequence += 1
        for attempt in (1, 2):
            try:
                write(sequence)
                acknowledged.append(sequence)
                acknowledged_at.append(time.time())
                retried_ok += attempt == 2
                break
            except Error as exc:
                now = time.time()
                first_failure = first_failure or now
                last_failure = now
                if attempt == 2:
                    failures.append({"seq": sequence, "at": now, "error": type(exc).__name__})
                time.sleep(0.5)
        time.sleep(0.01)
    with open(out, "w") as handle:
        json.dump(
            {
                "attempted": sequence,
                "acknowledged": acknowledged,
                "acknowledged_at": acknowledged_at,
                # the first write acknowledged after the last failure: writes work again
                "recovered": next((at for at in acknowledged_at if at > (last_failure or 0)), None)
                if last_failure
                else None,
                "failed": failures,
                "succeeded_on_retry": retried_ok,
                "first_failure": first_failure,
                "last_failure": last_failure,
                "started": started,
            },
            handle,
        )


if __name__ == "__main__":
    main()
