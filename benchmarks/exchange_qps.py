"""Mediated queries per second through the HTTP API, against a bare endpoint of the same
server in the same run (issue 3: the mediated rate must be at least half the bare rate).

    .venv/bin/python benchmarks/exchange_qps.py            # seeds egov_qps_bench the first time
    .venv/bin/python benchmarks/exchange_qps.py --recreate --residents 20000 --rounds 3

What it does, all on this machine over loopback:

1. Database `egov_qps_bench` on PostgreSQL at 127.0.0.1 (created, migrated and seeded with
   `egov seed --residents N --seed 1` when missing or with --recreate), under a fixed,
   benchmark-only EGOV_SECRET_KEY. Then, through the platform's own services: the National
   Pension Service as consumer with an agency administrator, a grant on resident.abstract
   (name_ko, address) approved by the seeded MOIS administrator, and an agency system
   registered with `accounts.systems.agency_system_register`. The table `benchmark_bare_hit`
   is created for the bare endpoint's insert.
2. gunicorn with the project's `make run` layout (2 workers x 4 threads) on 127.0.0.1:PORT,
   with EGOV_BENCHMARK_ENDPOINTS=1, which mounts POST /api/v1/exchange/benchmark/bare: one
   indexed select (the resident by the blind index of the ID number, as the mediated query
   does) and one insert, no token, no grant, no log.
3. A token from POST /api/v1/oauth/token with the system's client credentials.
4. `wrk` (Debian package; `apt-get install wrk`) drives each endpoint in turn, bare then
   mediated, for --rounds rounds of --seconds each after a warm-up of both, with --connections
   keep-alive connections. Every mediated request carries a new X-Road-Id (no retries) and one
   of --subjects residents' ID numbers, so each one is a full query: token check, grant check,
   look-up and log append (a pending entry, no lock), while the worker's tick integrates the
   entries into the Merkle tree and signs a checkpoint every second in a process of its own.
5. Prints each round with the CPU time per request of the server's processes and of the
   PostgreSQL backends serving them (from /proc: the machine is shared, so CPU per request
   is steadier than the rate), the median rates and their ratio; checks that every mediated
   answer was a 200 and that the log grew by one entry per answered query; stops the server
   and removes its temporary directory (token, key).

Options for finding where the time goes: --profile DIR runs one more, uncounted round of each
endpoint under py-spy (`.venv/bin/pip install py-spy`) and writes speedscope files; --app
MODULE serves another WSGI module (one that patches code paths, found through PYTHONPATH) to
measure a change before making it. docs/benchmarks.md has the results.

The load is bounded: wrk runs for a fixed time per round against 127.0.0.1 only.
"""

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import measure  # the sibling module benchmarks/measure.py
import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECRET_KEY = "qps-bench-secret-key-0123456789-abcdefghijklmnop"  # noqa: S105 (benchmark data only)
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/egov_qps_bench"
CONSUMER = ("1352000", "국민연금공단", "National Pension Service")
FIELDS = ["name_ko", "address"]
PURPOSE = "연금 수급자격 확인"
TARGET_RATIO = 0.8  # issue 14 (issue 3 asked for 0.5)


def _database_ready(url: str, *, recreate: bool) -> bool:
    """Create the database if needed; True if it already holds a seeded nation."""
    if measure.database_create(url, recreate=recreate):
        return False
    with psycopg.connect(url) as db:
        if not db.execute("SELECT to_regclass('registry_resident')").fetchone()[0]:
            return False
        return db.execute("SELECT EXISTS (SELECT 1 FROM registry_resident)").fetchone()[0]


def _egov(env: dict, *args: str) -> None:
    subprocess.run([str(BIN / "egov"), *args], env=env, check=True)  # noqa: S603 (our own CLI)


def _prepare_data(*, subjects: int) -> dict:
    """Consumer, grant, system, bare table and sample subjects, through the services."""
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from egov.accounts.models import OfficialRole, User
    from egov.accounts.systems import agency_system_register
    from egov.core.crypto import decrypt_id
    from egov.exchange import services
    from egov.exchange.models import SharedItem
    from egov.registry.models import Agency, Resident

    services.shared_item_sync()
    mois = Agency.objects.get(code="1741000")
    consumer = Agency.objects.get_or_create(
        code=CONSUMER[0], defaults={"name_ko": CONSUMER[1], "name_en": CONSUMER[2], "kind": "office"}
    )[0]
    admin, created = User.objects.get_or_create(
        username="bench.nps.admin", defaults={"kind": User.Kind.OFFICIAL, "agency": consumer}
    )
    if created:
        OfficialRole.objects.create(user=admin, role="agency_admin")
    provider_admin = User.objects.filter(agency=mois, roles__role="agency_admin").first()
    today = timezone.localdate()
    grant = services.grant_request(
        actor=admin, item=SharedItem.objects.get(code="resident.abstract"), fields=FIELDS,
        purpose=PURPOSE, legal_basis="국민연금법 제123조", valid_from=today,
        valid_until=today + dt.timedelta(days=365),
    )  # fmt: skip
    services.grant_approve(actor=provider_admin, grant=grant)
    system, secret = agency_system_register(actor=admin, name=f"qps-{int(time.time())}")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS benchmark_bare_hit "
            "(id bigserial PRIMARY KEY, resident_id bigint, at timestamptz NOT NULL)"
        )
    sample = Resident.objects.order_by("?").values_list("rrn_encrypted", flat=True)[:subjects]
    numbers = [f"{d[:6]}-{d[6:]}" for d in (decrypt_id(e) for e in sample)]
    return {
        "client_id": system.client_id,
        "secret": secret,
        "basis": f"grant:{grant.pk}",
        "subjects": numbers,
        "residents": Resident.objects.count(),
    }


INTEGRATOR_LOOP = """
import time, django
django.setup()
from egov.exchange.accesslog import access_log_tick
while True:
    began = time.monotonic()
    access_log_tick()
    time.sleep(max(0.0, 1.0 - (time.monotonic() - began)))
"""


def _log_counts() -> dict[str, int]:
    from egov.exchange.models import AccessLogEntry, QueryReceipt

    return {
        "entries": AccessLogEntry.objects.count(),
        "refused": AccessLogEntry.objects.filter(outcome="refused").count(),
        "receipts": QueryReceipt.objects.count(),
        "pending": AccessLogEntry.objects.filter(seq=None).count(),
    }


def _wait_ready(base: str, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn exited before it answered; see its log above")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit("gunicorn did not answer /healthz in time")


def _token(base: str, client_id: str, secret: str) -> str:
    data = f"grant_type=client_credentials&client_id={client_id}&client_secret={secret}".encode()
    request = urllib.request.Request(base + "/api/v1/oauth/token", data=data, method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
        return json.load(response)["access_token"]


def _lua(kind: str, path: Path, *, setup: dict, token: str, label: str) -> None:
    subjects = ",".join(json.dumps(s) for s in setup["subjects"])
    if kind == "bare":
        body = "'{\"subject\":\"' .. s .. '\"}'"
        headers = '{["Content-Type"] = "application/json"}'
        target = "/api/v1/exchange/benchmark/bare"
    else:
        fields = json.dumps(FIELDS)
        body = (
            f'\'{{"item":"resident.abstract","purpose":"{PURPOSE}","basis":"{setup["basis"]}",'
            f'"fields":{fields},"subject":"\' .. s .. \'"}}\''
        )
        headers = (
            '{["Content-Type"] = "application/json", ["Authorization"] = "Bearer ' + token + '", '
            '["X-Road-Client"] = "' + setup["client_id"] + '", '
            '["X-Road-Id"] = "' + label + '-" .. tid .. "-" .. n, '
            '["X-Road-UserId"] = "bench", ["X-Road-Issue"] = "QPS-BENCH"}'
        )
        target = "/api/v1/exchange/queries"
    path.write_text(
        f"""
local subjects = {{{subjects}}}
local count = 0
function setup(thread)
  count = count + 1
  thread:set("tid", count)
end
n = 0
request = function()
  n = n + 1
  local s = subjects[(n * 7 + tid * 1009) % #subjects + 1]
  return wrk.format("POST", "{target}", {headers}, {body})
end
"""
    )


def _wrk(base: str, script: Path, *, seconds: int, connections: int, threads: int) -> dict:
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency",
        "-s", str(script), base,
    ]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)

    def latency(p: str) -> str:
        found = re.search(rf"^\s+{p}%\s+(\S+)", out, re.MULTILINE)
        return found.group(1) if found else "?"

    return {
        "rate": rate,
        "requests": total,
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
        "p50": latency("50"),
        "p99": latency("99"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--recreate", action="store_true", help="drop, create and seed the database")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=20, help="per endpoint per round")
    parser.add_argument("--warmup", type=int, default=5, help="seconds per endpoint before measuring")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--subjects", type=int, default=2000)
    parser.add_argument("--app", default="egov.wsgi", help="WSGI module for gunicorn (for experiments)")
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="record each endpoint's first round with py-spy into DIR (speedscope)",
    )
    args = parser.parse_args()
    if not (0 < args.rounds <= 10 and 0 < args.seconds <= 120 and args.connections <= 256):
        sys.exit("keep the load bounded: --rounds 1..10, --seconds 1..120, --connections <= 256")
    if shutil.which("wrk") is None:
        sys.exit("This benchmark drives the server with wrk: apt-get install wrk")

    url = os.environ.get("EGOV_QPS_DATABASE_URL", DEFAULT_URL)
    work = Path(tempfile.mkdtemp(prefix="egov-qps-"))
    env = {
        **os.environ,
        "EGOV_DATABASE_URL": url,
        "EGOV_SECRET_KEY": SECRET_KEY,
        "EGOV_DATA_DIR": str(work / "data"),
        "DJANGO_SETTINGS_MODULE": "egov.settings",
    }
    env.pop("EGOV_DEBUG", None)
    os.environ.update(env)
    if not _database_ready(url, recreate=args.recreate):
        _egov(env, "migrate", "--noinput", "--verbosity", "0")
        started = time.monotonic()
        _egov(env, "seed", "--residents", str(args.residents), "--seed", "1", "--verbosity", "0")
        print(f"seeded {args.residents:,} residents in {time.monotonic() - started:.0f} s")
    else:
        _egov(env, "migrate", "--noinput", "--verbosity", "0")
    setup = _prepare_data(subjects=args.subjects)

    port = measure.free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(work / "gunicorn.log", "w")  # noqa: SIM115 (closed in finally)
    server = subprocess.Popen(  # noqa: S603 (our own server on loopback)
        [str(BIN / "gunicorn"), args.app, "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
         "--threads", str(args.threads), "--log-level", "warning"],
        # Connections kept for the whole run, so the PostgreSQL backends whose CPU time is read
        # from /proc are the same from the start of a round to its end.
        env={**env, "EGOV_BENCHMARK_ENDPOINTS": "1", "EGOV_DB_CONN_MAX_AGE": "900"},
        stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
    )  # fmt: skip
    # The worker's tick (integrate, sign a checkpoint) runs beside the server, every second, as in
    # production: the mediated query's appends are pending entries it gives positions to.
    integrator = subprocess.Popen(  # noqa: S603 (our own code)
        [sys.executable, "-c", INTEGRATOR_LOOP], env=env, cwd=ROOT, stdout=subprocess.DEVNULL
    )
    try:
        _wait_ready(base, server)
        token = _token(base, setup["client_id"], setup["secret"])
        label = f"r{int(time.time())}"
        scripts = {}
        for kind in ("bare", "mediated"):
            scripts[kind] = work / f"{kind}.lua"
            _lua(kind, scripts[kind], setup=setup, token=token, label=f"{label}-{kind}")
        load = {"connections": args.connections, "threads": args.wrk_threads}
        for kind in ("bare", "mediated"):  # warm-up: connections, caches, query plans
            _lua(kind, work / "warm.lua", setup=setup, token=token, label=f"{label}-warm")
            _wrk(base, work / "warm.lua", seconds=args.warmup, **load)
        before = _log_counts()
        load_before = os.getloadavg()[0]
        results = {"bare": [], "mediated": []}
        for round_no in range(1, args.rounds + 1):
            for kind in ("bare", "mediated"):
                _lua(kind, scripts[kind], setup=setup, token=token, label=f"{label}-{kind}-{round_no}")
                pids = (measure.server_pids(server.pid), measure.backend_pids(url))
                cpu = (measure.cpu_seconds(pids[0]), measure.cpu_seconds(pids[1]))
                outcome = _wrk(base, scripts[kind], seconds=args.seconds, **load)
                per_request = 1000 / max(outcome["requests"], 1)
                outcome["app_ms"] = (measure.cpu_seconds(pids[0]) - cpu[0]) * per_request
                # A backend that appeared during the round counts whole (it is new).
                new_backends = sorted(set(measure.backend_pids(url)) - set(pids[1]))
                db_seconds = measure.cpu_seconds(pids[1]) - cpu[1] + measure.cpu_seconds(new_backends)
                outcome["db_ms"] = db_seconds * per_request
                results[kind].append(outcome)
                print(
                    f"round {round_no} {kind:<8} {outcome['rate']:8.1f} req/s  n={outcome['requests']:<7} "
                    f"p50 {outcome['p50']:>8}  p99 {outcome['p99']:>8}  CPU per request: "
                    f"server {outcome['app_ms']:.2f} ms, PostgreSQL {outcome['db_ms']:.2f} ms"
                    f"  non-2xx {outcome['non_2xx']}"
                    + (f"  socket errors: {outcome['socket_errors']}" if outcome["socket_errors"] else "")
                )
        load_after = os.getloadavg()[0]
        after = _log_counts()
        if args.profile:  # an extra, uncounted round of each under the sampler
            for kind in ("bare", "mediated"):
                _lua(kind, scripts[kind], setup=setup, token=token, label=f"{label}-{kind}-profile")
                spy = measure.py_spy(server.pid, Path(args.profile) / f"{kind}.speedscope.json", args.seconds)
                _wrk(base, scripts[kind], seconds=args.seconds, **load)
                spy.wait(timeout=60)
                print(f"profile of {kind}: {Path(args.profile) / f'{kind}.speedscope.json'}")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        integrator.terminate()
        integrator.wait(timeout=30)
        log.close()
        shutil.rmtree(work, ignore_errors=True)  # it holds the token and the benchmark's key

    bare = statistics.median(r["rate"] for r in results["bare"])
    mediated = statistics.median(r["rate"] for r in results["mediated"])
    answered = sum(r["requests"] for r in results["mediated"])
    non_2xx = sum(r["non_2xx"] for r in results["mediated"] + results["bare"])
    grew = after["entries"] - before["entries"]
    ratio = mediated / bare
    print()
    cpu = platform.processor() or platform.machine()
    print(f"machine: {os.cpu_count()} CPUs, {cpu}, Python {platform.python_version()}")
    name = urlsplit(url).path.lstrip("/")
    print(f"database: {name}, {setup['residents']:,} residents, {len(setup['subjects'])} subjects")
    print(
        f"server: gunicorn {args.workers} workers x {args.threads} threads; "
        f"wrk -t{args.wrk_threads} -c{args.connections}, {args.seconds} s per round"
    )
    print(f"load average (1 min) {load_before:.2f} -> {load_after:.2f}")
    print(f"bare endpoint     median {bare:8.1f} req/s")
    print(f"mediated queries  median {mediated:8.1f} req/s")
    print(f"ratio {ratio:.2f} (target >= {TARGET_RATIO}): {'PASS' if ratio >= TARGET_RATIO else 'MISSED'}")
    print(
        f"log: {grew:,} new entries for {answered:,} answered mediated requests (plus any in flight when a "
        f"round ended); refused {after['refused'] - before['refused']}; non-2xx responses {non_2xx}; "
        f"pending (not yet integrated) at the end {after['pending']}"
    )  # fmt: skip
    if non_2xx or after["refused"] != before["refused"] or grew < answered:
        sys.exit("some requests failed or were refused: the numbers above do not measure what they claim")


if __name__ == "__main__":
    main()
