"""Issue 13: the main portal pages with a logged-in citizen on the demo nation: p95 server time
under 150 ms, and the weight of each page (HTML + the CSS and JS it links, bytes).

    .venv/bin/python benchmarks/portal_pages.py --recreate --residents 300   # create, seed, measure
    .venv/bin/python benchmarks/portal_pages.py                              # measure again

What it does, on this machine:

1. Database `egov_portal_bench` on PostgreSQL at 127.0.0.1: created (dropped first with
   --recreate), migrated, seeded with a demo nation of --residents (`measure.nation_prepare`).
2. In-process (Django's test client: server time without the network, one user at a time), as
   the demo citizen: home `/`, My page `/my/`, a service page `/services/resident-abstract/`
   and its certificate form (the same page: the form is on it for a logged-in citizen), My
   applications, the notification inbox; --warmup times each, then --requests times;
   p50/p95/max and the number of queries.
3. Page weight: the HTML's bytes plus the bytes of every stylesheet and script it links
   (read from the static files, uncompressed): what a first visit downloads besides fonts and
   images. A repeat visit downloads the HTML only (static files are cached).
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import measure  # the sibling module benchmarks/measure.py

ROOT = Path(__file__).resolve().parent.parent
BIN = measure.BIN
SECRET_KEY = "portal-bench-not-secret"  # noqa: S105 (a throwaway benchmark database)
TARGET_P95_MS = 150
PAGES = ("/", "/my/", "/services/resident-abstract/", "/my/applications/", "/my/notifications/")
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(/static/[^"]+\.(?:css|js))"')


def _time(client, path: str, warmup: int, requests: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        assert client.get(path).status_code == 200, path
    took = []
    for _ in range(requests):
        began = time.perf_counter()
        response = client.get(path)
        took.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, path
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    took.sort()
    return {
        "p50": statistics.median(took),
        "p95": took[int(len(took) * 0.95) - 1],
        "max": took[-1],
        "queries": len(queries),
        "html": len(response.content),
        "assets": ASSET.findall(response.content.decode()),
    }


def _asset_bytes(url: str) -> int:
    from django.contrib.staticfiles import finders

    found = finders.find(url.removeprefix("/static/").split("?")[0])
    return Path(found).stat().st_size if found else 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default="postgres://postgres@127.0.0.1:5432/egov_portal_bench")
    parser.add_argument("--recreate", action="store_true")
    parser.add_argument("--residents", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()

    data_dir = ROOT / "var" / "bench-portal"
    env = measure.egov_env(args.url, data_dir, SECRET_KEY, EGOV_ALLOWED_HOSTS="127.0.0.1,testserver")
    measure.nation_prepare(args.url, env, residents=args.residents, recreate=args.recreate, egov=BIN / "egov")
    os.environ.update(env)
    import django

    django.setup()
    from django.test import Client

    from egov.accounts.models import User

    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.force_login(User.objects.get(username="citizen"))
    heading = ("page", "p50 ms", "p95 ms", "max ms", "queries", "HTML B", "+CSS/JS B")
    print(f"{heading[0]:36} " + " ".join(f"{h:>9}" for h in heading[1:]) + f"  p95<{TARGET_P95_MS}")
    for path in PAGES:
        r = _time(client, path, args.warmup, args.requests)
        assets = sum(_asset_bytes(a) for a in set(r["assets"]))
        verdict = "OK" if r["p95"] < TARGET_P95_MS else "OVER"
        print(
            f"{path:36} {r['p50']:9.1f} {r['p95']:9.1f} {r['max']:9.1f} {r['queries']:9d} "
            f"{r['html']:9,d} {r['html'] + assets:9,d}  {verdict}"
        )


if __name__ == "__main__":
    main()
