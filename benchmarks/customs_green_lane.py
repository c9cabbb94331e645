"""Green-lane export declarations through the JSON API, from submission to release (issue 16:
p99 under 1 s with 20 concurrent declarants; UNI-PASS: ~2 minutes), and how soon after the
signed export certificate (the release notice, signed by `egov worker`) is there.

    .venv/bin/python benchmarks/customs_green_lane.py                       # 20 declarants, 60 s, think 1-3 s
    .venv/bin/python benchmarks/customs_green_lane.py --declarants 20 --seconds 30 --think 0

What it does, all on this machine over loopback:

1. Database `egov_customs_bench` on PostgreSQL (created, migrated and seeded with `egov seed
   --residents 300 --seed 1` when missing or with --recreate: the seed brings the customs
   offices, the demonstration tariff, exchange rates and rule set v1), the PKI from `egov keys
   init`, and --declarants business accounts, each representing its own exporter.
2. gunicorn as `make run` serves it (2 workers x 4 threads), and one `egov worker` beside it
   signs the release notices (its tick, every second).
3. Each declarant is a thread with its own session: it logs in (not timed), then until
   --seconds are over POSTs an export declaration (one item, a fresh reference) to
   /api/v1/customs/declarations and checks the answer: 201, state `released` (or `inspection`
   when the random draw picked it). One POST = validation, duty assessment, risk rules, the
   case, its history and audit, the release — committed at once; the notice follows.
4. After the window, waits (up to --drain seconds) until every release has its signed notice.
5. Prints declarations, throughput, p50/p95/p99, the CPU the server and the worker used per
   declaration, the notices' delay after release (p50/p99) and errors.
"""

import argparse
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import measure  # the sibling module benchmarks/measure.py
import psycopg
import requests

BIN = Path(sys.executable).parent
SECRET_KEY = "customs-bench-secret-key-0123456789-abcdefghijklmn"  # noqa: S105 (benchmark data only)
PASSWORD = "bench1234!"  # noqa: S105 (benchmark accounts only)
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/egov_customs_bench"
TARGET_P99_MS = 1000
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _env(url: str, data_dir: Path) -> dict:
    return measure.egov_env(
        url, data_dir, SECRET_KEY, EGOV_ALLOWED_HOSTS="127.0.0.1", EGOV_LOGIN_MAX_FAILURES="100000"
    )


def prepare(url: str, data_dir: Path, *, recreate: bool, declarants: int) -> None:
    env = _env(url, data_dir)
    measure.nation_prepare(url, env, residents=300, recreate=recreate, egov=BIN / "egov")
    # each declarant exports for a business of its own (created here, valid check digits)
    code = (
        "from django.contrib.auth.hashers import make_password\n"
        "from egov.accounts.models import BusinessRepresentation, User\n"
        "from egov.core.ids import brn_check_digit\n"
        "from egov.registry.models import Business, Resident\n"
        "import datetime as dt\n"
        f"n = {declarants}\n"
        "hashed = make_password(" + repr(PASSWORD) + ")\n"
        "owner = Resident.objects.order_by('id').first()\n"
        "for i in range(n):\n"
        "    u, _ = User.objects.get_or_create(username=f'bench.trader.{i}', defaults={'kind': 'business',"
        " 'password': hashed})\n"
        "    nine = f'7{i:08d}'\n"
        "    b, _ = Business.objects.get_or_create(brn=nine + str(brn_check_digit(nine)), defaults={"
        "'name': f'벤치수출 {i}', 'representative': owner, 'agency': owner.agency,"
        " 'opened_on': dt.date(2015, 3, 1),"
        " 'road_address': '인천광역시 중구 공항로 272', 'postal_code': '22382'})\n"
        "    BusinessRepresentation.objects.get_or_create(user=u, business=b,"
        " defaults={'since': dt.date(2020, 1, 1)})\n"
        "    print(b.brn)\n"
    )
    done = subprocess.run(
        [str(BIN / "egov"), "shell", "-c", code], env=env, check=True, capture_output=True, text=True
    )
    (data_dir / "brns.txt").write_text(done.stdout)


def _login(base: str, index: int) -> requests.Session:
    session = requests.Session()
    login = session.get(f"{base}/accounts/login/", timeout=180)
    session.post(
        f"{base}/accounts/login/",
        data={
            "username": f"bench.trader.{index}",
            "password": PASSWORD,
            "csrfmiddlewaretoken": CSRF.search(login.text).group(1),
        },
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=180,
    )
    return session


def _declarant(base: str, index: int, brn: str, start, think, out: list, errors: list, run: str) -> None:
    """Log in (not timed), wait for every declarant to be logged in, then submit until the
    window (`start`: a barrier whose action sets the deadline) is over."""
    try:
        session = _login(base, index)
    except requests.RequestException as exc:
        session = None
        errors.append(f"declarant {index}: login {exc}")
    start.wait()
    until = start.deadline[0]
    if session is None:
        return
    if "sessionid" not in session.cookies:
        errors.append(f"declarant {index}: login failed")
        return
    rng = random.Random(index)  # noqa: S311 (think times, goods)
    serial = 0
    while time.time() < until:
        serial += 1
        quantity = rng.randint(10, 500)
        body = {
            "kind": "export",
            "declarant_reference": f"B{run}-{index}-{serial}",
            "trader_brn": brn,
            "transport_mode": "4",
            "conveyance": "KE081",
            "port_of_loading": "KRICN",
            "port_of_discharge": rng.choice(["USJFK", "DEFRA", "JPNRT"]),
            "incoterm": "FCA",
            "currency": "USD",
            "invoice_amount": f"{quantity * 400}.00",
            "items": [
                {
                    "description": "Mobile telephones",
                    "hs_code": "8517120000",
                    "origin": "KR",
                    "unit": "H87",
                    "quantity": str(quantity),
                    "value": f"{quantity * 400}.00",
                }
            ],
        }
        started = time.perf_counter()
        try:
            answer = session.post(
                f"{base}/api/v1/customs/declarations",
                json=body,
                timeout=60,
                headers={"X-CSRFToken": session.cookies.get("csrftoken", ""), "Referer": base + "/"},
            )
            data = answer.json()
            # a green export is released and signed; one drawn by the random inspection quota (rule
            # set v1: 2 % of green ones) is accepted and sent to inspection: both are right answers
            ok = answer.status_code == 201 and data["state"] in ("released", "inspection")
        except (requests.RequestException, ValueError, KeyError) as exc:
            ok, answer = False, exc
        elapsed = (time.perf_counter() - started) * 1000
        if ok:
            out.append((time.time(), elapsed))
        else:
            errors.append(
                f"declarant {index}: {getattr(answer, 'status_code', answer)} "
                f"{getattr(answer, 'text', '')[:200]}"
            )
        if think[1] > 0:
            time.sleep(rng.uniform(*think))


def _notices(url: str, tag: str) -> tuple[int, int, list[float]]:
    """(released, of which with their notice, each notice's delay after release in seconds)
    for this run's declarations."""
    with psycopg.connect(url) as db:
        released, issued = db.execute(
            "SELECT count(*), count(*) FILTER (WHERE release_document <> '') FROM customs_declaration"
            " WHERE declarant_reference LIKE %s AND state = 'released'",
            (f"B{tag}-%",),
        ).fetchone()
        delays = [
            float(d)
            for (d,) in db.execute(
                "SELECT extract(epoch FROM doc.issued_at - d.decided_at) FROM customs_declaration d"
                " JOIN documents_document doc ON doc.number = d.release_document"
                " WHERE d.declarant_reference LIKE %s",
                (f"B{tag}-%",),
            )
        ]
    return released, issued, sorted(delays)


def run(
    *,
    database_url: str,
    recreate: bool,
    declarants: int,
    seconds: int,
    think: tuple[float, float],
    drain: int = 300,
) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix="egov-customs-bench-"))
    server = worker = None
    try:
        prepare(database_url, data_dir, recreate=recreate, declarants=declarants)
        brns = [
            line for line in (data_dir / "brns.txt").read_text().split() if line.isdigit() and len(line) == 10
        ]
        port = measure.free_port()
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "egov.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--log-level",
                "warning",
            ],
            env=_env(database_url, data_dir),
        )
        worker = subprocess.Popen(
            [str(BIN / "egov"), "worker", "--sweep-seconds", "3600"],
            env=_env(database_url, data_dir),
            stdout=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                requests.get(f"{base}/healthz", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.1)
        out: list = []
        errors: list = []
        deadline: list[float] = []
        start = threading.Barrier(declarants, action=lambda: deadline.append(time.time() + seconds))
        start.deadline = deadline
        tag = str(int(time.time()))
        threads = [
            threading.Thread(target=_declarant, args=(base, i, brns[i], start, think, out, errors, tag))
            for i in range(declarants)
        ]
        for t in threads:
            t.start()
        while not deadline:
            time.sleep(0.05)
        began = time.time()
        cpu_before = measure.cpu_seconds(measure.server_pids(server.pid))
        worker_before = measure.cpu_seconds([worker.pid])
        for t in threads:
            t.join()
        wall = time.time() - began
        server_cpu = measure.cpu_seconds(measure.server_pids(server.pid)) - cpu_before
        window_end = time.time()
        released = issued = 0
        while time.time() < window_end + drain:
            released, issued, delays = _notices(database_url, tag)
            if issued >= released:
                break
            time.sleep(1)
        drained = time.time() - window_end
        worker_cpu = measure.cpu_seconds([worker.pid]) - worker_before
        latencies = sorted(ms for _, ms in out)
        if not latencies:
            raise SystemExit(f"no declaration went through: {errors[:5]}")

        def pct(p):
            return latencies[min(len(latencies) - 1, int(len(latencies) * p))]

        return {
            "server_cpu_ms": server_cpu * 1000 / len(latencies),
            "worker_cpu_ms": worker_cpu * 1000 / max(issued, 1),
            "released": released,
            "issued": issued,
            "drained_s": drained,
            "notice_p50": delays[len(delays) // 2] if delays else None,
            "notice_p99": delays[min(len(delays) - 1, int(len(delays) * 0.99))] if delays else None,
            "count": len(latencies),
            "per_second": len(latencies) / wall,
            "errors": errors,
            "p50": pct(0.5),
            "p95": pct(0.95),
            "p99": pct(0.99),
            "mean": statistics.mean(latencies),
        }
    finally:
        for process in (server, worker):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--recreate", action="store_true")
    parser.add_argument("--declarants", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument(
        "--think", default="1-3", help="seconds between a declarant's submissions, MIN-MAX; 0 for none"
    )
    parser.add_argument("--drain", type=int, default=300, help="seconds to wait for the notices after")
    args = parser.parse_args()
    think = (0.0, 0.0) if args.think in ("0", "0-0") else tuple(float(x) for x in args.think.split("-"))
    r = run(
        database_url=args.database_url,
        recreate=args.recreate,
        declarants=args.declarants,
        seconds=args.seconds,
        think=think,
        drain=args.drain,
    )
    verdict = "meets" if r["p99"] < TARGET_P99_MS else "MISSES"
    print(
        f"{args.declarants} declarants, think {args.think} s, {args.seconds} s: {r['count']} green exports "
        f"released, {r['per_second']:.1f} per second, {len(r['errors'])} errors"
    )
    print(
        f"submission to release: p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms, "
        f"p99 {r['p99']:.0f} ms "
        f"({verdict} p99 < {TARGET_P99_MS} ms), mean {r['mean']:.0f} ms"
    )
    print(notices_line(r))
    if r["errors"]:
        print("first errors:", r["errors"][:5])


def notices_line(r: dict) -> str:
    """The notices' part of a run's report."""
    delays = (
        f"delay after release p50 {r['notice_p50']:.1f} s, p99 {r['notice_p99']:.1f} s"
        if r["notice_p50"] is not None
        else "no notice issued"
    )
    return (
        f"release notices: {r['issued']} of {r['released']} signed, the last {r['drained_s']:.0f} s after "
        f"the window; {delays}; CPU per declaration: server {r['server_cpu_ms']:.0f} ms, "
        f"worker {r['worker_cpu_ms']:.0f} ms per notice"
    )


if __name__ == "__main__":
    main()
