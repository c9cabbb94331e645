"""The disk-full drill's writes: each transaction keeps a 256 KB file in the database store and
an audit event naming it, for DURATION seconds (or until told to stop). A write is acknowledged
when its COMMIT returned; errors are recorded with their message.

    python scripts/drill_disk_writer.py OUT.json DURATION_SECONDS
"""

import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")
import django  # noqa: E402

django.setup()
from django.db import Error, close_old_connections, transaction  # noqa: E402

from egov.core import files as core_files  # noqa: E402
from egov.core.models import AuditEvent  # noqa: E402

BLOB = b"%PDF-1.4\n" + os.urandom(256 * 1024)


def main() -> None:
    out, duration = sys.argv[1], float(sys.argv[2])
    acknowledged, errors = [], []
    started = time.time()
    sequence = 0
    while time.time() - started < duration:
        sequence += 1
        try:
            close_old_connections()
            with transaction.atomic():
                name = core_files.file_write(BLOB, folder="drill")
                AuditEvent.objects.create(action="drill.file", object_type="drill", object_id=name)
            acknowledged.append({"seq": sequence, "name": name, "at": time.time()})
        except Error as exc:
            errors.append({"seq": sequence, "at": time.time(), "error": f"{type(exc).__name__}: {exc}"[:300]})
            time.sleep(0.5)
    with open(out, "w") as handle:
        json.dump({"attempted": sequence, "acknowledged": acknowledged, "errors": errors}, handle)


if __name__ == "__main__":
    main()
