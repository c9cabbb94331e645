"""Time the deadline sweep over 100,000 open case clocks on PostgreSQL (target: < 10 s).

    export EGOV_DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_deadline_bench
    export EGOV_SECRET_KEY=bench-secret-key-0123456789-abcdefghijklmnop
    export EGOV_DATA_DIR=var/deadline-bench
    .venv/bin/python benchmarks/deadline_sweep.py --recreate

1. Creates the database named by EGOV_DATABASE_URL if needed (--recreate drops it first),
   migrates it, adds 25 agencies and --clocks open clocks (default 100,000) with one COPY:
   received over the last 15 business days, a mix of periods (7, 10, 14 and 30 business days,
   3 days in working hours), one in ten with a finished supplement request, one in twenty
   waiting for one. Due dates are computed with the engine, as `clock_start` does.
2. Times, each --runs times (default 3):
   - `clocks_recompute()` over every open clock when nothing changed (read and recount only);
   - `holiday_add` of a temporary holiday --holiday-ahead business days ahead (default 3):
     the whole service transaction, with the recomputation that moves the clocks due after it (one UPDATE
     per 5,000 rows and a "recompute" event each); --holiday-ahead 0 moves nearly all of them;
   - `holiday_remove` of it, which moves them back.
3. Times an agency's work queue (open clocks ordered by due date, first page of 50) and prints
   its plan, to show it reads the partial (agency, due_at) index of open clocks.

The database is left in place; rerun with --skip-fill to time again.
"""

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from urllib.parse import urlsplit

import measure  # the sibling module benchmarks/measure.py
import psycopg

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")

TARGET_SECONDS = 10
PERIODS = [("business_days", 7), ("business_days", 10), ("business_days", 14), ("business_days", 30)]
HOURS_PERIOD = ("business_hours", 24)
COLUMNS = (
    "case_type", "case_ref", "agency_id", "received_at", "counted_from", "unit", "length",
    "first_day_counts", "extension_units", "extensions", "pauses", "paused_units", "state",
    "paused_since", "due_at", "revision", "created_at", "updated_at",
)  # fmt: skip


def _prepare(url: str, *, recreate: bool) -> None:
    if measure.database_create(url, recreate=recreate):
        print(f"created database {urlsplit(url).path.lstrip('/')}")


def _fill(count: int, seed: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from egov.core.deadlines import calendar_get, compute_due
    from egov.core.deadlines.holiday_calendar import SEOUL
    from egov.core.models import CaseClock
    from egov.registry.models import Agency

    rng = random.Random(seed)
    for n in range(25):
        Agency.objects.get_or_create(
            code=f"{3000000 + n * 10000:07d}",
            defaults={"name_ko": f"벤치마크 기관 {n}", "name_en": f"Benchmark agency {n}", "kind": "local"},
        )
    agencies = list(Agency.objects.values_list("id", flat=True))
    calendar = calendar_get()
    now = timezone.now()
    today = now.astimezone(SEOUL).date()
    business_days = []
    day = today - dt.timedelta(days=1)
    while len(business_days) < 15:
        if calendar.is_business_day(day):
            business_days.append(day)
        day -= dt.timedelta(days=1)
    started = time.monotonic()
    cache = {}
    with transaction.atomic(), connection.cursor() as cursor:
        copy_sql = f"COPY {CaseClock._meta.db_table} ({', '.join(COLUMNS)}) FROM STDIN"
        with cursor.cursor.copy(copy_sql) as copy:
            for n in range(count):
                unit, length = HOURS_PERIOD if rng.random() < 0.15 else rng.choice(PERIODS)
                received_on = rng.choice(business_days)
                received = dt.datetime.combine(received_on, dt.time(9), tzinfo=SEOUL) + dt.timedelta(
                    minutes=rng.randrange(9 * 60)
                )
                pauses, state, paused_since = [], "running", None
                roll = rng.random()
                if roll < 0.15:
                    start = received + dt.timedelta(hours=rng.randrange(2, 30))
                    end = None if roll < 0.05 else start + dt.timedelta(hours=rng.randrange(1, 120))
                    if end is not None and end > now:
                        end = now
                    pauses = [(start, end)]
                    if end is None:
                        state, paused_since = "paused", start
                key = (unit, length, received if unit == "business_hours" else received_on, tuple(pauses))
                if key not in cache:
                    cache[key] = compute_due(
                        calendar, unit=unit, length=length, counted_from=received, pauses=pauses
                    )
                outcome = cache[key]
                copy.write_row(
                    (
                        f"bench.{unit}.{length}", f"bench.case:{n}", rng.choice(agencies), received, received,
                        unit, length, True, 0, 0,
                        json.dumps([[s.isoformat(), e.isoformat() if e else None] for s, e in pauses]),
                        outcome.paused_units, state, paused_since, outcome.due_at, 1, now, now,
                    )
                )  # fmt: skip
    print(f"created {count:,} open clocks in {time.monotonic() - started:.1f} s")


def _timed(label: str, call) -> float:
    started = time.perf_counter()
    result = call()
    elapsed = time.perf_counter() - started
    print(f"  {label}: {elapsed:6.2f} s  ({result})")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clocks", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--recreate", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--skip-fill", action="store_true", help="time the clocks already there")
    parser.add_argument(
        "--holiday-ahead",
        type=int,
        default=3,
        help="business days from today to the added holiday (0: today)",
    )
    args = parser.parse_args()
    url = os.environ.get("EGOV_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "Set EGOV_DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1/egov_deadline_bench"
        )
    if not args.skip_fill:
        _prepare(url, recreate=args.recreate)
    import django

    django.setup()
    from django.core.management import call_command

    from egov.core.deadlines import calendar_get, clocks_recompute, holiday_add, holiday_remove
    from egov.core.deadlines.holiday_calendar import SEOUL
    from egov.core.models import AuditEvent, CaseClock, Holiday

    if not args.skip_fill:
        call_command("migrate", "--noinput", verbosity=0)
        _fill(args.clocks, args.seed)
        with psycopg.connect(url, autocommit=True) as db:
            db.execute(f"VACUUM (ANALYZE) {CaseClock._meta.db_table}")
    open_clocks = CaseClock.objects.open().count()
    print(f"{open_clocks:,} open clocks")

    calendar = calendar_get()
    day = dt.datetime.now(SEOUL).date()
    ahead = 0
    if not calendar.is_business_day(day) or args.holiday_ahead > 0:
        while ahead < max(1, args.holiday_ahead):
            day += dt.timedelta(days=1)
            ahead += calendar.is_business_day(day)
    Holiday.objects.filter(date=day).delete()

    sweeps, adds, removes = [], [], []
    for run in range(args.runs):
        print(f"run {run + 1}")
        sweeps.append(_timed("sweep, nothing changed        ", lambda: f"{clocks_recompute():,} moved"))
        added = {}

        def add(added=added):
            added["holiday"] = holiday_add(
                actor=None,
                date=day,
                name_ko="임시공휴일",
                name_en="Temporary holiday",
                legal_basis="벤치마크",
            )
            audit = AuditEvent.objects.filter(action="holiday.add").latest("id")
            return f"{audit.after['clocks_moved']:,} moved"

        adds.append(_timed(f"holiday_add {day} + recompute", add))

        def remove(added=added):
            return f"{holiday_remove(actor=None, holiday=added['holiday']):,} moved"

        removes.append(_timed("holiday_remove + recompute    ", remove))

    agency_id = CaseClock.objects.values_list("agency_id", flat=True).first()
    queue = CaseClock.objects.open().filter(agency_id=agency_id).queue_order()
    timings = []
    for _ in range(50):
        started = time.perf_counter()
        list(queue[:50])
        timings.append(time.perf_counter() - started)
    print(f"agency queue, first page of 50: median {statistics.median(timings) * 1000:.1f} ms")
    print("  " + queue[:50].explain().replace("\n", "\n  "))

    worst = max(sweeps + adds + removes)
    print(
        f"\nsweep over {open_clocks:,} open clocks: best {min(sweeps):.2f} s; holiday add with "
        f"recompute: best {min(adds):.2f} s, worst {max(adds):.2f} s; remove: best {min(removes):.2f} s "
        f"(target < {TARGET_SECONDS} s)"
    )
    print("PASS" if worst < TARGET_SECONDS else "MISSED TARGET")


if __name__ == "__main__":
    main()
