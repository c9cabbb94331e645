"""Instant certificates through the portal with 20 concurrent citizens (issue 5: p95 under
500 ms on PostgreSQL, login excluded; throughput recorded).

    .venv/bin/python benchmarks/civil_issuance.py                    # 20 citizens, 60 s
    .venv/bin/python benchmarks/civil_issuance.py --citizens 20 --seconds 60 --think 1-3

What it does, all on this machine over loopback:

1. Database `egov_civil_bench` on PostgreSQL at 127.0.0.1 (created, migrated and seeded with
   `egov seed --residents 2000 --seed 1` when missing or with --recreate), a fresh data
   directory with the PKI from `egov keys init`, and --citizens citizen accounts for seeded
   residents (password `bench1234!`).
2. gunicorn as `make run` serves it (2 workers x 4 threads).
3. Each citizen is a thread with its own session (Python `requests`), like a locust user: it
   logs in (not timed), then until --seconds are over: opens the service page of the resident
   registration abstract (GET, which carries the CSRF token and a fresh idempotency key),
   submits it (POST: fetch through exchange with its access-log entry, PDF rendered and signed
   PAdES with timestamp, JWS, stored, recorded) and follows the redirect to the application
   page that offers the download. One issuance = those three requests, timed together.
   Between issuances a citizen thinks for a uniform --think seconds (0 for a closed loop at
   full speed, which measures the maximum throughput instead).
4. Prints issuances, throughput, p50/p95/p99 and the error count; checks every answer was the
   issued application page.
"""

import argparse
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import measure  # the sibling module benchmarks/measure.py
import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECRET_KEY = "civil-bench-secret-key-0123456789-abcdefghijklmnop"  # noqa: S105 (benchmark data only)
PASSWORD = "bench1234!"  # noqa: S105 (benchmark accounts only)
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/egov_civil_bench"
TARGET_P95_MS = 500
SERVICE = "resident-abstract"


def _env(url: str, data_dir: Path) -> dict:
    return measure.egov_env(
        url, data_dir, SECRET_KEY, EGOV_ALLOWED_HOSTS="127.0.0.1", EGOV_LOGIN_MAX_FAILURES="1000"
    )


def _prepare(url: str, data_dir: Path, *, recreate: bool, citizens: int) -> None:
    env = _env(url, data_dir)
    egov = str(BIN / "egov")
    measure.nation_prepare(url, env, residents=2000, recreate=recreate, egov=BIN / "egov")
    subprocess.run(
        [egov, "collectstatic", "--noinput", "-v", "0"], env=env, check=True, stdout=subprocess.DEVNULL
    )
    code = (
        "from django.contrib.auth.hashers import make_password\n"
        "from egov.accounts.models import User\n"
        "from egov.registry.models import Resident\n"
        f"n = {citizens}\n"
        "taken = set(User.objects.exclude(resident=None).values_list('resident_id', flat=True))\n"
        "alive = Resident.objects.filter(status='resident', household__isnull=False).order_by('id')\n"
        "people = [r for r in alive[:n * 3] if r.pk not in taken]\n"
        f"hashed = make_password({PASSWORD!r})\n"
        "for i in range(n):\n"
        "    User.objects.get_or_create(username=f'bench.citizen.{i}', defaults={"
        "'kind': 'citizen', 'resident': people[i], 'password': hashed})\n"
    )
    subprocess.run([egov, "shell", "-c", code], env=env, check=True)


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')


def _citizen(
    base: str, index: int, until: float, think: tuple[float, float], out: list, errors: list
) -> None:
    session = requests.Session()
    login = session.get(f"{base}/accounts/login/", timeout=30)
    token = CSRF.search(login.text).group(1)
    answer = session.post(
        f"{base}/accounts/login/",
        data={"username": f"bench.citizen.{index}", "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=30,
    )
    if "logout" not in answer.text and "로그아웃" not in answer.text:
        errors.append(f"citizen {index}: login failed ({answer.status_code})")
        return
    rng = random.Random(index)  # noqa: S311 (think times)
    while time.time() < until:
        started = time.perf_counter()
        try:
            page = session.get(f"{base}/services/{SERVICE}/", timeout=60)
            data = {
                "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
                "idempotency_key": KEY.search(page.text).group(1),
                "language": "ko",
                "consent": "on",
            }
            done = session.post(
                f"{base}/services/{SERVICE}/apply", data=data, headers={"Referer": page.url}, timeout=60
            )
            ok = (
                done.status_code == 200
                and "/my/applications/" in done.url
                and 'data-testid="download-pdf"' in done.text
            )
        except (requests.RequestException, AttributeError) as exc:
            ok, done = False, exc
        elapsed = (time.perf_counter() - started) * 1000
        if ok:
            out.append((time.time(), elapsed))
        else:
            errors.append(f"citizen {index}: {getattr(done, 'status_code', done)}")
        if think[1] > 0:
            time.sleep(rng.uniform(*think))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--recreate", action="store_true")
    parser.add_argument("--citizens", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument(
        "--think", default="1-3", help="seconds between a citizen's issuances, as MIN-MAX; 0 for none"
    )
    args = parser.parse_args()
    think = (0.0, 0.0) if args.think in ("0", "0-0") else tuple(float(x) for x in args.think.split("-"))

    data_dir = Path(tempfile.mkdtemp(prefix="egov-civil-bench-"))
    server = None
    try:
        _prepare(args.database_url, data_dir, recreate=args.recreate, citizens=args.citizens)
        env = _env(args.database_url, data_dir)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "egov.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", "2", "--threads", "4", "--log-level", "warning"],
            env=env,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                requests.get(f"{base}/healthz", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.1)
        out: list = []
        errors: list = []
        until = time.time() + args.seconds
        threads = [
            threading.Thread(target=_citizen, args=(base, i, until, think, out, errors))
            for i in range(args.citizens)
        ]
        began = time.time()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.time() - began
        latencies = sorted(ms for _, ms in out)
        if not latencies:
            raise SystemExit(f"no issuance succeeded: {errors[:5]}")

        def pct(p):
            return latencies[min(len(latencies) - 1, int(len(latencies) * p))]

        verdict = "meets" if pct(0.95) < TARGET_P95_MS else "MISSES"
        print(
            f"{args.citizens} citizens, think {args.think} s, {args.seconds} s: "
            f"{len(latencies)} certificates issued, {len(latencies) / wall:.1f} per second, "
            f"{len(errors)} errors"
        )
        print(
            f"issuance (page + submit + result page): p50 {pct(0.5):.0f} ms, p95 {pct(0.95):.0f} ms "
            f"({verdict} p95 < {TARGET_P95_MS} ms), p99 {pct(0.99):.0f} ms, "
            f"mean {statistics.mean(latencies):.0f} ms"
        )
        if errors:
            print("first errors:", errors[:5])
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
