"""Issue 19: the KPI dashboard p95 under 300 ms with 1,000,000 cases behind it, on PostgreSQL.

    .venv/bin/python benchmarks/kpi_dashboard.py --recreate --cases 1000000   # create, fill, measure
    .venv/bin/python benchmarks/kpi_dashboard.py                              # measure again

What it does, on this machine:

1. Database `egov_kpi_bench` on PostgreSQL at 127.0.0.1: created (dropped first with
   --recreate), migrated, seeded with a demo nation of --residents (`measure.nation_prepare`).
2. If it holds fewer than --cases bench petitions, it is filled in bulk by SQL
   (`generate_series`): petitions with their clocks and their history as the services write
   it — a filing event for each, an answer event for 90 % (10 % still open; an answer after
   the due date is marked late, as `petition_answer` marks it), a rating for a third — spread
   over every petition category (and so over their agencies) from 1 January to today. When
   the rollups exist, the fill goes in steps of --step petitions, each step's history read into
   the rollups by the worker's incremental path (`rollups_advance`) before the next, for at most
   --budget seconds a run (run it again until the target is reached: the run says so).
3. The rollups rebuilt from scratch (`rollups_rebuild`, as `egov kpi_rebuild`; with --rebuild,
   or when there are none: rows read and seconds), then --tick-cases more petitions filed and
   answered and one incremental tick over them timed (seconds, rows/s).
4. In-process (Django's test client, so server time without the network): the public
   dashboard `/kpi/`, the officials' dashboard `/office/kpi/` of a district official and of the
   ministry (the nation in its scope), and `/petitions/statistics/` (which read the rollups),
   --warmup times each, then --requests times; p50/p95/max and queries per page.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import measure  # the sibling module benchmarks/measure.py

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/egov_kpi_bench"
SECRET_KEY = "kpi-bench-secret-key-0123456789-abcdefghijklmnopqrstuv"  # noqa: S105 (benchmark data only)
TARGET_P95_MS = 300
REF = "bench-kpi-"

FILL_SQL = """
WITH cats AS (
    SELECT array_agg(c.id ORDER BY c.id) AS ids, array_agg(c.agency_id ORDER BY c.id) AS agencies,
           array_agg(a.code ORDER BY c.id) AS codes, count(*) AS n
    FROM petitions_category c JOIN registry_agency a ON a.id = c.agency_id
), rows AS (
    SELECT g, 1 + (g * 7919) %% cats.n AS k, cats.*,
           %(start)s::timestamptz + ((g * 104729) %% %(span)s) * interval '1 second' AS sub
    FROM generate_series(%(first)s::bigint, %(last)s::bigint) g, cats
)
INSERT INTO core_caseclock (case_type, case_ref, agency_id, received_at, counted_from, unit, length,
    first_day_counts, extension_units, extensions, pauses, paused_units, state, due_at, closed_at, revision,
    created_at, updated_at)
SELECT 'petitions.petition', %(ref)s || g, agencies[k], sub, sub, 'business_days', 7, true, 0, 0, '[]', 0,
    CASE WHEN g %% 10 = 0 THEN 'running' ELSE 'closed' END, sub + interval '9 days',
    CASE WHEN g %% 10 = 0 THEN NULL ELSE sub + (g %% 13) * interval '1 day' END, 1, now(), now()
FROM rows
"""

PETITIONS_SQL = """
WITH cats AS (
    SELECT array_agg(c.id ORDER BY c.id) AS ids, count(*) AS n FROM petitions_category c
)
INSERT INTO petitions_petition (number, kind, category_id, title, body, petitioner_id, agency_id, state,
    submitted_at, answer, answered_at, satisfaction, rated_at, reopen_count, clock_id)
SELECT 'BK' || lpad(g::text, 10, '0'), 'complaint', cats.ids[1 + (g * 7919) %% cats.n],
    '벤치마크 민원', '본문',
    %(petitioner)s, c.agency_id, CASE WHEN g %% 10 = 0 THEN 'received' ELSE 'answered' END, c.received_at,
    CASE WHEN g %% 10 = 0 THEN '' ELSE '답변' END, c.closed_at,
    CASE WHEN g %% 10 <> 0 AND g %% 3 = 0 THEN 1 + g %% 5 END,
    CASE WHEN g %% 10 <> 0 AND g %% 3 = 0 THEN c.closed_at + interval '1 hour' END, 0, c.id
FROM core_caseclock c CROSS JOIN cats
CROSS JOIN LATERAL (SELECT substr(c.case_ref, %(reflen)s + 1)::bigint AS g) n
WHERE c.case_ref LIKE %(like)s AND substr(c.case_ref, %(reflen)s + 1)::bigint BETWEEN %(first)s AND %(last)s
"""

EVENTS_SQL = """
INSERT INTO cases_caseevent (case_type_id, case_id, at, state, action, note, data)
SELECT %(ct)s, p.id, e.at, e.state, e.action, '', e.data
FROM petitions_petition p
JOIN core_caseclock c ON c.id = p.clock_id
JOIN registry_agency a ON a.id = p.agency_id
CROSS JOIN LATERAL (VALUES
    (1, p.submitted_at, 'received', 'file', jsonb_build_object('agency', a.code)),
    (2, p.answered_at, 'answered', 'answer', jsonb_build_object('late', p.answered_at > c.due_at)),
    (3, p.rated_at, 'answered', 'rate', jsonb_build_object('satisfaction', p.satisfaction))
) e(step, at, state, action, data)
WHERE p.number BETWEEN %(lo)s AND %(hi)s AND e.at IS NOT NULL
ORDER BY e.at, p.id
"""


def _fill(first: int, last: int) -> None:
    import datetime as dt

    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone

    from egov.accounts.models import User
    from egov.petitions.models import Petition

    today = timezone.localdate()
    start = dt.datetime(today.year, 1, 1, tzinfo=timezone.get_current_timezone())
    span = max(3600, int((timezone.now() - dt.timedelta(days=14) - start).total_seconds()))
    petitioner = User.objects.filter(kind="citizen").order_by("id").first()
    ct = ContentType.objects.get_for_model(Petition).pk
    step = 100_000
    for lo in range(first, last + 1, step):
        hi = min(last, lo + step - 1)
        with transaction.atomic(), connection.cursor() as cursor:
            args = {"first": lo, "last": hi, "start": start, "span": span, "ref": REF}
            cursor.execute(FILL_SQL, args)
            cursor.execute(
                PETITIONS_SQL,
                {**args, "petitioner": petitioner.pk, "reflen": len(REF), "like": REF + "%"},
            )
            cursor.execute(EVENTS_SQL, {"ct": ct, "lo": f"BK{lo:010d}", "hi": f"BK{hi:010d}"})
        print(f"  filled {hi:,}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _bench_count() -> int:
    from egov.petitions.models import Petition

    return Petition.objects.filter(number__startswith="BK").count()


def _time(client, path: str, warmup: int, requests: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        assert client.get(path).status_code == 200, path
    samples = []
    for _ in range(requests):
        began = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, path
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    samples.sort()
    return {
        "p50": statistics.median(samples),
        "p95": samples[max(0, int(len(samples) * 0.95) - 1)],
        "max": samples[-1],
        "queries": len(queries.captured_queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--recreate", action="store_true")
    parser.add_argument("--residents", type=int, default=2000)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--tick-cases", type=int, default=10_000, help="petitions added, then one tick timed")
    parser.add_argument("--rebuild", action="store_true", help="time `rollups_rebuild` (always when empty)")
    parser.add_argument(
        "--step", type=int, default=50_000, help="petitions filled per step before an advance"
    )
    parser.add_argument("--advance-batch", type=int, default=20_000, help="history rows per rollup batch")
    parser.add_argument("--budget", type=int, default=240, help="seconds of filling per run (then stop)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument(
        "--uncached",
        action="store_true",
        help="no cache: every request renders the figures (the first reader after a tick)",
    )
    args = parser.parse_args()

    data_dir = ROOT / "var" / "bench-kpi"
    env = measure.egov_env(args.url, data_dir, SECRET_KEY, EGOV_ALLOWED_HOSTS="127.0.0.1,testserver")
    measure.nation_prepare(args.url, env, residents=args.residents, recreate=args.recreate, egov=BIN / "egov")
    os.environ.update(env)
    import django

    django.setup()
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from egov.accounts.models import User
    from egov.kpi.models import Rollup
    from egov.kpi.rollups import rollups_advance, rollups_rebuild

    have = _bench_count()
    if have < args.cases and Rollup.objects.exists() and not args.rebuild:
        # Grow in steps, each step's history read into the rollups by the worker's own incremental
        # path (`rollups_advance`, in batches of --advance-batch rows), until the target or the
        # run's --budget; a run that stops short says so and measures nothing (run it again).
        began = time.perf_counter()
        while have < args.cases and time.perf_counter() - began < args.budget:
            last = min(args.cases, have + args.step)
            step_began = time.perf_counter()
            _fill(have + 1, last)
            filled = time.perf_counter() - step_began
            step_began = time.perf_counter()
            read = rollups_advance(lag_seconds=0, batch=args.advance_batch)
            took = time.perf_counter() - step_began
            print(
                f"petitions {have + 1:,}..{last:,}: filled in {filled:.1f} s; rollups advanced over "
                f"{read:,} history rows in {took:.1f} s ({read / max(took, 1e-9):,.0f} rows/s)",
                flush=True,
            )
            have = last
        if have < args.cases:
            print(f"stopped at {have:,} of {args.cases:,} petitions (budget {args.budget} s): run again")
            return
    elif have < args.cases:
        print(f"filling {args.cases - have:,} petitions ...", flush=True)
        began = time.perf_counter()
        _fill(have + 1, args.cases)
        print(f"filled in {time.perf_counter() - began:.1f} s", flush=True)
    if args.rebuild or not Rollup.objects.exists():
        began = time.perf_counter()
        read = rollups_rebuild()
        took = time.perf_counter() - began
        print(f"rebuild: {read:,} rows read in {took:.1f} s ({read / took:,.0f} rows/s)", flush=True)
    if args.tick_cases:
        have = _bench_count()
        _fill(have + 1, have + args.tick_cases)
        began = time.perf_counter()
        read = rollups_advance(lag_seconds=0)
        took = time.perf_counter() - began
        print(f"incremental tick: {read:,} new rows in {took:.2f} s ({read / took:,.0f} rows/s)", flush=True)
    print(f"bench petitions: {_bench_count():,}")

    if args.uncached:
        from django.test.utils import override_settings

        override_settings(
            CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
        ).enable()
        print("uncached: Django's cache is a DummyCache, every request renders the dashboard")
    public = Client()
    results = {"/kpi/": _time(public, "/kpi/", args.warmup, args.requests)}
    results["/petitions/statistics/"] = _time(public, "/petitions/statistics/", args.warmup, args.requests)
    for username in ("official.jongno", "official.mois"):
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.filter(user=user).first().persistent_id
        session.save()
        results[f"/office/kpi/ ({username})"] = _time(client, "/office/kpi/", args.warmup, args.requests)
    for path, r in results.items():
        verdict = "OK" if r["p95"] < TARGET_P95_MS else "OVER"
        print(
            f"{path:40s} p50 {r['p50']:7.1f} ms  p95 {r['p95']:7.1f} ms  max {r['max']:7.1f} ms  "
            f"queries {r['queries']}  {verdict}"
        )


if __name__ == "__main__":
    main()
