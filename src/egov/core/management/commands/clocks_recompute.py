"""`egov clocks_recompute [--since YYYY-MM-DD]`: the deadline sweep, e.g. nightly from cron.

Holiday changes recompute open clocks at once; this catches anything that raced with one (a
clock started in another process with the calendar of a moment before) and is the
recomputation to run after upgrading the `holidays` library.
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from egov.core.deadlines import clocks_recompute


class Command(BaseCommand):
    help = "Recompute the due dates of open case clocks with the current holiday calendar."

    def add_arguments(self, parser):
        parser.add_argument("--since", help="only clocks due on or after this date (YYYY-MM-DD)")

    def handle(self, *args, since=None, **options):
        try:
            since_day = dt.date.fromisoformat(since) if since else None
        except ValueError as exc:
            raise CommandError("--since takes a date as YYYY-MM-DD") from exc
        started = time.perf_counter()
        moved = clocks_recompute(since=since_day, reason="clocks_recompute")
        self.stdout.write(f"{moved} clock(s) got a new due date in {time.perf_counter() - started:.2f} s")
