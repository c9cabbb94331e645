"""Issue 13: the portal pages of the journeys with logged-in citizens on the demo nation.
Targets: p95 server time under 150 ms with 20 concurrent users on PostgreSQL; a first visit under
500 KB transferred (HTML, CSS, JS, fonts), a repeat visit under 60 KB.

    run-bench python benchmarks/portal_pages.py --recreate --residents 300   # create, seed, measure
    run-bench python benchmarks/portal_pages.py                              # measure again

What it does, on this machine:

1. Database `egov_portal_bench` on PostgreSQL at 127.0.0.1: created (dropped first with
   --recreate), migrated, seeded with a demo nation of --residents (`measure.nation_prepare`),
   static files collected as deployed (hashed names, compressed copies).
2. Queries per page: in-process (Django's test client), one request per page as the demo citizen.
3. Load: gunicorn as `make run` starts it (2 workers x 4 threads, debug off) and --users threads,
   each its own logged-in session of the demo citizen (sessions made with the test client's
   force_login), each requesting every page in turn --rounds times. Per page: the server's own
   time (the request log's `ms`, from the view's first middleware to its last) and the time the
   client waited (which adds the wait for a free worker on the 2 shared cores); p50/p95.
4. Page weight: Chromium (/usr/bin/chromium, Playwright) with a citizen's session opens each page
   twice in one context; the bytes counted are what the network delivered (CDP
   Network.loadingFinished encodedDataLength: headers and compressed bodies; 0 for a file
   served from the browser's cache, headers only for a 304).
"""

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import measure  # the sibling module benchmarks/measure.py

ROOT = Path(__file__).resolve().parent.parent
BIN = measure.BIN
SECRET_KEY = "portal-bench-not-secret-0123456789abcdef"  # noqa: S105 (a throwaway benchmark database)
TARGET_P95_MS = 150
FIRST_VISIT_KB, REPEAT_VISIT_KB = 500, 60
PAGES = (
    "/", "/my/", "/services/", "/services/resident-abstract/", "/my/applications/", "/my/documents/",
    "/my/notifications/", "/search/?q=%EC%A6%9D%EB%AA%85%EC%84%9C", "/petitions/", "/disclosure/",
    "/procurement/",
)  # fmt: skip


def _percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[max(0, int(len(values) * q + 0.5) - 1)] if values else float("nan")


def _queries(client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200, path
    return len(queries)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(env: dict, port: int, log_path: Path) -> subprocess.Popen:
    log_path.write_text("")
    # Appending, so that emptying the file after the warm-up leaves no hole before new lines.
    log = open(log_path, "a")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "egov.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4", "--log-level", "warning"],
        env={**env, "EGOV_LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"}, stdout=log, stderr=log,
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"gunicorn did not answer; see {log_path}")


def _load(
    port: int, cookies: list[str], rounds: int, think: tuple[float, float] = (0, 0)
) -> dict[str, list[float]]:
    """Each session in its own thread requests every page in turn, `rounds` times, pausing a
    random `think` seconds (low, high) after each page as a person reading it would."""
    waited: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()

    def user(cookie: str, offset: int) -> None:
        opener = urllib.request.build_opener()
        opener.addheaders = [("Cookie", f"sessionid={cookie}"), ("Accept-Language", "ko")]
        for r in range(rounds):
            for i in range(len(PAGES)):
                path = PAGES[(i + offset + r) % len(PAGES)]
                began = time.perf_counter()
                try:
                    with opener.open(f"http://127.0.0.1:{port}{path}", timeout=60) as response:  # noqa: S310
                        response.read()
                        status = response.status
                except OSError as exc:
                    status = str(exc)
                took = (time.perf_counter() - began) * 1000
                with lock:
                    if status != 200:
                        errors.append(f"{path}: {status}")
                    waited[path].append(took)
                if think[1]:
                    time.sleep(random.uniform(*think))  # noqa: S311 - pacing, not security

    threads = [threading.Thread(target=user, args=(c, n)) for n, c in enumerate(cookies)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"{len(errors)} failed requests, e.g. {errors[:3]}")
    return waited


def _server_times(log_path: Path) -> dict[str, list[float]]:
    """The request log's time per route pattern (the server's own time)."""
    by_route: dict[str, list[float]] = defaultdict(list)
    for line in log_path.read_text().splitlines():
        if line.startswith("{") and '"msg": "request"' in line:
            entry = json.loads(line)
            if entry.get("status") == 200:
                by_route[entry["route"]].append(entry["ms"])
    return by_route


def _weights(port: int, cookie: str) -> dict[str, tuple[int, int]]:
    """(first visit, repeat visit) bytes per page, as Chromium's network delivered them."""
    from playwright.sync_api import sync_playwright

    weights = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for path in PAGES:
            context = browser.new_context(locale="ko-KR")
            context.add_cookies([{"name": "sessionid", "value": cookie, "domain": "127.0.0.1", "path": "/"}])
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            delivered = [0]

            def count(event, delivered=delivered):
                delivered[0] += event["encodedDataLength"]

            cdp.on("Network.loadingFinished", count)
            visits = []
            for _ in range(2):
                delivered[0] = 0
                page.goto(f"http://127.0.0.1:{port}{path}", wait_until="networkidle")
                visits.append(delivered[0])
            weights[path] = (visits[0], visits[1])
            context.close()
        browser.close()
    return weights


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default="postgres://postgres@127.0.0.1:5432/egov_portal_bench")
    parser.add_argument("--recreate", action="store_true")
    parser.add_argument("--residents", type=int, default=300)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument(
        "--think", default="0", help="seconds a user reads each page, LOW-HIGH (e.g. 1-3); 0: none"
    )
    args = parser.parse_args()

    data_dir = ROOT / "var" / "bench-portal"
    env = measure.egov_env(
        args.url, data_dir, SECRET_KEY, EGOV_ALLOWED_HOSTS="127.0.0.1,testserver", EGOV_DEMO_TOTP_BYPASS="0"
    )
    measure.nation_prepare(args.url, env, residents=args.residents, recreate=args.recreate, egov=BIN / "egov")
    subprocess.run([str(BIN / "egov"), "collectstatic", "--noinput", "-v", "0"], env=env, check=True)
    os.environ.update(env)
    import django

    django.setup()
    from django.test import Client

    from egov.accounts.models import User

    citizen = User.objects.get(username="citizen")
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.force_login(citizen)
    queries = {path: _queries(client, path) for path in PAGES}
    cookies = []
    for _ in range(args.users):
        session = Client()
        session.force_login(citizen)
        cookies.append(session.cookies["sessionid"].value)

    port = _free_port()
    log_path = data_dir / "gunicorn.log"
    server = _serve(env, port, log_path)
    try:
        _load(port, cookies[:2], 1)  # warm-up: templates, connections
        log_path.write_text("")
        began = time.perf_counter()
        low, _, high = args.think.partition("-")
        think = (float(low), float(high or low))
        waited = _load(port, cookies, args.rounds, think)
        seconds = time.perf_counter() - began
        server_ms = _server_times(log_path)
        weights = _weights(port, cookies[0])
    finally:
        server.terminate()
        server.wait(timeout=30)

    from django.urls import resolve

    total = sum(len(v) for v in waited.values())
    print(
        f"{args.users} users x {args.rounds} rounds x {len(PAGES)} pages = {total} requests "
        f"in {seconds:.1f} s ({total / seconds:.1f}/s), think {args.think} s; "
        f"demo nation of {args.residents} residents"
    )
    heading = ("page", "queries", "server p50", "server p95", "client p95", "first KB", "repeat KB")
    print(f"{heading[0]:44} " + " ".join(f"{h:>10}" for h in heading[1:]))
    for path in PAGES:
        route = resolve(path.split("?")[0]).route
        own = server_ms.get(route, [])
        first, repeat = weights[path]
        verdict = [
            "p95 OK" if _percentile(own, 0.95) < TARGET_P95_MS else "p95 OVER",
            "first OK" if first / 1024 < FIRST_VISIT_KB else "first OVER",
            "repeat OK" if repeat / 1024 < REPEAT_VISIT_KB else "repeat OVER",
        ]
        print(
            f"{path:44} {queries[path]:10d} {_percentile(own, 0.5):10.1f} {_percentile(own, 0.95):10.1f} "
            f"{_percentile(waited[path], 0.95):10.1f} {first / 1024:10.1f} {repeat / 1024:10.1f}  "
            + ", ".join(verdict)
        )


if __name__ == "__main__":
    main()
