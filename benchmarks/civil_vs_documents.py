"""Certificates through `civil` against `documents.document_issue` alone, side by side in one
run (issue 14: `civil.services.certificate_issue` with 2 processes at least 0.8x the rate of
`document_issue` alone).

    .venv/bin/python benchmarks/civil_vs_documents.py                  # 2 processes x 150, 3 rounds
    .venv/bin/python benchmarks/civil_vs_documents.py --processes 2 --documents 200 --rounds 4

What it does, all on this machine:

1. Database `egov_civil_docs_bench` on PostgreSQL at 127.0.0.1 (created, migrated and seeded with
   `egov seed --residents 500 --seed 1` when missing or with --recreate, which also seeds the
   civil catalogue and the grants its fetches use), a fresh data directory with the PKI from
   `egov keys init`, and one citizen account per process for seeded residents.
2. Rounds, alternating which side goes first: --processes worker processes each load Django,
   issue 3 to warm up, wait for a common start, then issue --documents each, either
   - "civil": `certificate_issue(actor=citizen, service=<resident-abstract>, ...)` as the portal
     calls it: the fetch through `exchange.shared_item_fetch` with its access-log entry, the
     payload, `document_issue`, the application row, its history and audit event; or
   - "documents": `document_issue` alone, a resident abstract of the same person with a payload
     of the same size.
   The rate is all documents over the wall time from the common start to the last one done.
3. Prints each round's rates, CPU per document (client processes and their PostgreSQL
   backends) and the ratio civil/documents, and the median ratio.

In-process profile (no HTTP, no second process; for finding the civil path's own cost, not the
ratio the issue asks for):

    .venv/bin/python benchmarks/civil_vs_documents.py --profile 60 [--cprofile out.prof]

issues --profile certificates through `civil` and as many through `document_issue` alone in one
process, alternating, and prints for each side the CPU ms (this process only; PostgreSQL's share is
not in it) and the SQL statements per document (`CaptureQueriesContext`).
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import measure  # the sibling module benchmarks/measure.py

BIN = Path(sys.executable).parent
SECRET_KEY = "civil-docs-bench-secret-key-0123456789-abcdefghij"  # noqa: S105 (benchmark data only)
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/egov_civil_docs_bench"
TARGET_RATIO = 0.8
SERVICE = "resident-abstract"


def _env(url: str, data_dir: Path) -> dict:
    return measure.egov_env(url, data_dir, SECRET_KEY)


def _prepare(url: str, data_dir: Path, *, recreate: bool, processes: int) -> None:
    env = _env(url, data_dir)
    egov = str(BIN / "egov")
    measure.nation_prepare(url, env, residents=500, recreate=recreate, egov=BIN / "egov")
    code = (
        "from egov.accounts.models import User\n"
        "from egov.registry.models import Resident\n"
        "taken = set(User.objects.exclude(resident=None).values_list('resident_id', flat=True))\n"
        "alive = Resident.objects.filter(status='resident', household__isnull=False).order_by('id')\n"
        f"people = list(alive.exclude(pk__in=taken)[:{processes}])\n"
        f"for i in range({processes}):\n"
        "    User.objects.get_or_create(username=f'bench.civil.{i}', defaults={"
        "'kind': 'citizen', 'resident': people[i]})\n"
    )
    subprocess.run([egov, "shell", "-c", code], env=env, check=True)


# --- the worker (runs in its own process) -----------------------------------------------------


def _issuer(side: str, index: int):
    """A function that issues one document the way `side` does."""
    import django

    django.setup()
    from egov.accounts.models import User
    from egov.civil.models import Service
    from egov.civil.services import certificate_issue
    from egov.documents.services import document_issue

    citizen = User.objects.select_related("resident").get(username=f"bench.civil.{index}")
    service = Service.objects.select_related("agency").get(code=SERVICE)
    if side == "civil":
        return lambda: certificate_issue(
            actor=citizen, service=service, idempotency_key=uuid.uuid4().hex, consent=True
        )
    person = citizen.resident
    payload = {
        "name_ko": person.name_ko, "name_en": person.name_en, "birth_date": person.birth_date.isoformat(),
        "sex": person.sex, "status": person.status, "address": person.full_address,
        "postal_code": person.postal_code, "rrn": person.rrn_masked,
    }  # fmt: skip
    return lambda: document_issue(
        actor=citizen, doc_type="resident.abstract", subject=person, payload=payload, agency=service.agency
    )


def worker(side: str, index: int, count: int, start_at: float) -> None:
    from django.db import connection

    issue = _issuer(side, index)
    for _ in range(3):  # warm-up: fonts, keys, templates, connection
        issue()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    delay = start_at - time.time()
    if delay > 0:
        time.sleep(delay)
    began, cpu, pg_cpu = time.time(), time.process_time(), measure.cpu_seconds([backend])
    for _ in range(count):
        issue()
    cpu, pg_cpu = time.process_time() - cpu, measure.cpu_seconds([backend]) - pg_cpu
    print(json.dumps({"began": began, "ended": time.time(), "count": count, "cpu": cpu, "pg_cpu": pg_cpu}))


def profile(count: int, cprofile: str | None) -> None:
    """Both sides in this process, `count` documents each: CPU ms and statements per document."""
    import cProfile

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sides = {side: _issuer(side, 0) for side in ("civil", "documents")}
    for issue in sides.values():
        for _ in range(3):  # warm-up
            issue()
    totals = {side: [0.0, 0] for side in sides}
    profiler = cProfile.Profile() if cprofile else None
    batch = 10
    for start in range(0, count, batch):
        for side, issue in sides.items():
            n = min(batch, count - start)
            with CaptureQueriesContext(connection) as queries:
                if profiler and side == "civil":
                    profiler.enable()
                cpu = time.process_time()
                for _ in range(n):
                    issue()
                totals[side][0] += time.process_time() - cpu
                if profiler and side == "civil":
                    profiler.disable()
            totals[side][1] += len(queries)
    for side, (cpu, statements) in totals.items():
        per = f"{cpu / count * 1000:.1f} ms CPU, {statements / count:.1f} statements"
        print(f"{side}: {per} per document (n={count})")
    print(f"ratio of CPU per document (documents/civil): {totals['documents'][0] / totals['civil'][0]:.2f}")
    if profiler:
        profiler.dump_stats(cprofile)


# --- the driver -----------------------------------------------------------------------------


def _round(env, side: str, processes: int, documents: int) -> dict:
    start_at = time.time() + 10  # time for every worker to load and warm up
    children = [
        subprocess.Popen(
            [sys.executable, __file__, "--worker", side, str(n), str(documents), str(start_at)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for n in range(processes)
    ]
    results = []
    for child in children:
        out, _err = child.communicate(timeout=3600)
        if child.returncode:
            raise SystemExit(f"a {side} worker failed ({child.returncode})")
        results.append(json.loads(out.strip().splitlines()[-1]))
    total = sum(r["count"] for r in results)
    wall = max(r["ended"] for r in results) - min(r["began"] for r in results)
    return {
        "rate": total / wall,
        "cpu_ms": sum(r["cpu"] for r in results) / total * 1000,
        "pg_cpu_ms": sum(r["pg_cpu"] for r in results) / total * 1000,
    }


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        side, index, count, start_at = sys.argv[2:6]
        worker(side, int(index), int(count), float(start_at))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--profile-worker":
        profile(int(sys.argv[2]), sys.argv[3] or None)
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--recreate", action="store_true")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--documents", type=int, default=150, help="per process and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", type=int, metavar="N", help="in-process CPU and statements, N each")
    parser.add_argument("--cprofile", metavar="FILE", help="with --profile: cProfile of the civil side")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="egov-civil-docs-bench-"))
    try:
        _prepare(args.database_url, data_dir, recreate=args.recreate, processes=args.processes)
        env = _env(args.database_url, data_dir)
        if args.profile:
            command = [sys.executable, __file__, "--profile-worker", str(args.profile), args.cprofile or ""]
            subprocess.run(command, env=env, check=True)
            return
        ratios = []
        for n in range(args.rounds):
            order = ("civil", "documents") if n % 2 == 0 else ("documents", "civil")
            got = {side: _round(env, side, args.processes, args.documents) for side in order}
            ratio = got["civil"]["rate"] / got["documents"]["rate"]
            ratios.append(ratio)
            print(
                f"round {n + 1} ({' then '.join(order)}): "
                + ", ".join(
                    f"{side} {got[side]['rate']:.1f}/s (CPU {got[side]['cpu_ms']:.1f} ms + "
                    f"PostgreSQL {got[side]['pg_cpu_ms']:.1f} ms per document)"
                    for side in ("civil", "documents")
                )
                + f"; ratio {ratio:.2f}"
            )
        verdict = "meets" if statistics.median(ratios) >= TARGET_RATIO else "MISSES"
        print(
            f"{args.processes} processes x {args.documents} documents, {args.rounds} rounds: civil/documents "
            f"median {statistics.median(ratios):.2f} ({verdict} >= {TARGET_RATIO}), "
            f"range {min(ratios):.2f}-{max(ratios):.2f}"
        )
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
