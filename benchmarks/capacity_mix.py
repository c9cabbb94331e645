"""Capacity of one app node under the national day's mix (issue 20, item 7; docs/capacity.md).

    .venv/bin/python benchmarks/capacity_mix.py                       # users 8,16,32; 45 s each
    .venv/bin/python benchmarks/capacity_mix.py --users 8,16,32,48 --seconds 60

1. Database `egov_civil_bench` as benchmarks/civil_issuance.py prepares it (2,000 residents,
   keys, --max-users citizen accounts `bench.citizen.<n>`).
2. One app node: gunicorn as `make run` and deploy/gunicorn.conf.py default it on this
   machine (2 workers x 4 threads) on a free port.
3. For each number of users, locust headless (benchmarks/locustfile.py: uses, certificates,
   tender list at 50:40:10) for --seconds after all users have started and signed in; the
   statistics of each step are locust's own (CSV), sign-in excluded.
4. Prints per step: requests a second, actions a second by kind, p50/p95/p99 over every
   request, failures; and the highest step with p95 under 500 ms and no failure.
The load generator runs on the same two cores as the node and PostgreSQL: its share of the
CPU is printed, and the node's capacity alone is higher than the figure.
"""

import argparse
import csv
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import civil_issuance  # the sibling benchmark: the same database and accounts
import measure
import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TARGET_P95_MS = 500


def _step(base: str, users: int, seconds: int, work: Path) -> dict:
    prefix = work / f"u{users}"
    ramp = max(1, users // 4)  # users a second: sign-in is slow (argon2), spread it
    warm = users / ramp + 5
    started = time.time()
    process = subprocess.Popen(  # noqa: S603 (locust of this venv, fixed arguments)
        [str(BIN / "locust"), "-f", str(ROOT / "benchmarks" / "locustfile.py"), "--headless",
         "--host", base, "-u", str(users), "-r", str(ramp), "-t", f"{int(warm + seconds)}s",
         "--csv", str(prefix), "--only-summary", "--reset-stats", "--loglevel", "WARNING"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    _, err = process.communicate()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    locust_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rows = {row["Name"]: row for row in csv.DictReader(open(f"{prefix}_stats.csv"))}  # noqa: SIM115
    total = rows["Aggregated"]
    actions = {name: float(row["Requests/s"]) for name, row in rows.items() if name != "Aggregated"}
    return {
        "users": users,
        "wall": time.time() - started,
        "rps": float(total["Requests/s"]),
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "p50": float(total["50%"]),
        "p95": float(total["95%"]),
        "p99": float(total["99%"]),
        "actions": actions,
        "stderr": err[-500:],
        "locust_cpu": locust_cpu,
        "issued": int(rows.get("certificate: submit and result page", {}).get("Request Count", 0)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=civil_issuance.DEFAULT_URL)
    parser.add_argument("--users", default="8,16,32")
    parser.add_argument("--seconds", type=int, default=45)
    parser.add_argument("--recreate", action="store_true")
    args = parser.parse_args()
    steps = [int(u) for u in args.users.split(",")]
    data_dir = Path(tempfile.mkdtemp(prefix="egov-capacity-"))
    work = Path(tempfile.mkdtemp(prefix="egov-capacity-locust-"))
    server = None
    try:
        civil_issuance._prepare(args.database_url, data_dir, recreate=args.recreate, citizens=max(steps))
        env = civil_issuance._env(args.database_url, data_dir)
        port = measure.free_port()
        server = subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "egov.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", "2", "--threads", "4", "--log-level", "warning"],
            env=env,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                requests.get(f"{base}/healthz", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.2)
        print(f"one app node: gunicorn 2 workers x 4 threads; {os.cpu_count()} cores; {measure_load()}")
        best = None
        size_before, files_before = _database_bytes(args.database_url), _files_bytes(data_dir)
        issued = 0
        for users in steps:
            server_cpu = measure.cpu_seconds(measure.server_pids(server.pid))
            result = _step(base, users, args.seconds, work)
            server_cpu = measure.cpu_seconds(measure.server_pids(server.pid)) - server_cpu
            ok = result["p95"] < TARGET_P95_MS and result["failures"] == 0
            kinds = ", ".join(f"{name} {rate:.1f}/s" for name, rate in result["actions"].items())
            print(
                f"{users:3d} users: {result['rps']:.1f} requests/s ({result['requests']} requests), "
                f"p50 {result['p50']:.0f} ms, p95 {result['p95']:.0f} ms, p99 {result['p99']:.0f} ms, "
                f"{result['failures']} failures, CPU: node {server_cpu / result['wall'] * 100:.0f} %, "
                f"locust {result['locust_cpu'] / result['wall'] * 100:.0f} % of one core "
                f"-> {'within' if ok else 'OVER'} p95 < {TARGET_P95_MS} ms\n      {kinds}"
            )
            issued += result["issued"]
            if ok:
                best = result
        grown = _database_bytes(args.database_url) - size_before
        files = _files_bytes(data_dir) - files_before
        if issued:
            print(
                f"growth per certificate issued ({issued}, with the page views around them): database "
                f"{grown / issued / 1024:.1f} KB, files {files / issued / 1024:.1f} KB"
            )
        if best:
            print(f"highest step within the target: {best['users']} users, {best['rps']:.1f} requests/s")
        else:
            print("no step within the target")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


def _database_bytes(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as db:
        return db.execute("SELECT pg_database_size(current_database())").fetchone()[0]


def _files_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def measure_load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
