"""The closing-hour burst through the HTTP API (issue 7): 100 tenders closing at the same
moment, 10,000 sealed bids from concurrent clients in the last 60 seconds, on PostgreSQL.
Every acknowledged bid stored exactly once, none accepted after the deadline, no error
answered to a well-formed bid; p50/p99 latency and the accepted bids per second (target:
at least 500 a second on the project's 2-core machine).

    .venv/bin/python benchmarks/procurement_burst.py            # seeds egov_proc_bench the first time
    .venv/bin/python benchmarks/procurement_burst.py --bids 10000 --tenders 100 --window 60

What it does, all on this machine over loopback:

1. Database `egov_proc_bench` on PostgreSQL at 127.0.0.1 (EGOV_PROC_BENCH_DATABASE_URL),
   created, migrated and seeded with `egov seed --residents 300000 --seed 1` when missing or
   with --recreate (about 13,000 businesses), under a fixed benchmark-only EGOV_SECRET_KEY and
   data directory `var/procurement-bench` (the platform key that signs receipts). Then,
   through the platform's services: a registrar and a three-member opening committee of one
   agency, and --suppliers active businesses of the register, each with a business user who
   represents it (`bench.proc.biz.<n>`, one password hash, bulk-created) and registered as a
   supplier with `supplier_register` (category 43). Left in place for the next run.
2. --tenders notices published with `tender_publish` (deadline 8 days ahead, as the notice
   period demands), the three shares collected by the committee (`committee_share_collect`),
   so the tenders take bids. Then their deadline is moved, as the clock would, to --window
   seconds after the burst starts, all the same instant (published_at moved 8 days back).
3. Each business user's bidding software gets its own token (--auth token, the default: the
   `BidToken` rows `bid_token_issue` writes, bulk-written; sent as `Authorization: Bearer`,
   as `egov.procurement.client` sends it), or (--auth session) each user gets a portal
   session (written to django_session as `login()` writes it: the login itself is not what is
   measured) and a CSRF token (cookie + X-CSRFToken header, as the notice page sends them).
4. The bids are sealed before the burst, on the client side, with `egov.procurement.client
   .seal_bid` (ECDH P-256 + HKDF + AES-256-GCM to each tender's published opening key), as a
   bidder seals before sending: one bid per supplier on one tender (supplier n bids on tender
   n mod --tenders), and --replacements of them send a second, different bid later in the
   burst (which replaces the first: one live bid per supplier and tender).
5. gunicorn as `make run` (2 workers x 4 threads) on a free port; `wrk` (C, with a Lua script:
   a Python load generator would take much of the two cores itself) sends every bid once over
   --connections keep-alive connections, each request carrying its supplier's token (or session
   cookie and CSRF token), as fast as the server answers, and records every answer (status and body)
   to a file. A connection whose wrk thread has sent all its bids idles (Lua `delay`), and
   wrk is stopped (SIGINT) when every bid has its answer: its time is the burst's.
6. After the deadline, --late well-formed bids (new sealed bids of suppliers that bid) must
   be refused with 400 `late` (the API's status for a refused bid).
7. Checks against the database: the receipts' bid ids are exactly the stored bids of these
   tenders (each acknowledged bid stored once, no stored bid without its receipt), each
   receipt's SHA-256 matches the stored row and its Ed25519 signature verifies with the
   published receipt key; one live bid per supplier and tender, the others replaced; no bid
   submitted at or after its tender's deadline; zero non-2xx answers to the well-formed bids;
   the late bids all refused and none stored. Prints p50/p99 (wrk, whole request), the
   accepted bids per second (overall, and per second of server time from the receipts), the
   CPU time per bid of the server and of PostgreSQL, the load generator's CPU time, and the
   load average before and after (the machine may be shared: compare CPU per bid).

--profile DIR records the server during the burst with py-spy (speedscope) into DIR.
The load is bounded: one pass over the bids, against 127.0.0.1 only.
"""

import argparse
import base64
import datetime as dt
import hashlib
import json
import os
import platform
import random
import re
import resource
import secrets
import shutil
import signal
import socket
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
SECRET_KEY = "proc-bench-secret-key-0123456789-abcdefghijklmnop"  # noqa: S105 (benchmark data only)
PASSWORD = "bench1234!"  # noqa: S105 (benchmark accounts only)
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/egov_proc_bench"
DATA_DIR = ROOT / "var" / "procurement-bench"
RESIDENTS = 300_000
AGENCY = "3000000"  # 종로구 (Jongno-gu)
CATEGORY = "43"
BASE_PRICE = 90_000_000
TARGET_RATE = 500


# --- the database and the cast (shared with procurement_opening.py) ---------------------------


def env_for(url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "egov.settings",
        "EGOV_DATABASE_URL": url,
        "EGOV_DATA_DIR": str(DATA_DIR),
        "EGOV_SECRET_KEY": SECRET_KEY,
        "EGOV_DEBUG": "0",
        "EGOV_LOG_LEVEL": "WARNING",
        "EGOV_ALLOWED_HOSTS": "127.0.0.1",
    }


def database_prepare(url: str, *, recreate: bool) -> None:
    """Create, migrate and seed the database (once); the platform keys; django.setup()."""
    measure.database_create(url, recreate=recreate)
    env = env_for(url)
    egov = str(BIN / "egov")
    subprocess.run([egov, "migrate", "--noinput", "-v", "0"], env=env, check=True)  # noqa: S603
    started = time.monotonic()
    out = subprocess.run(  # noqa: S603 (our own CLI)
        [egov, "seed", "--residents", str(RESIDENTS), "--seed", "1", "--if-empty"],
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    if "not seeding" not in out.stdout:
        print(f"seeded {RESIDENTS:,} residents in {time.monotonic() - started:.0f} s")
    subprocess.run([egov, "keys", "init"], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    os.environ.update(env)
    import django

    django.setup()


def cast_prepare(*, suppliers: int) -> dict:
    """Registrar, committee and `suppliers` business users with their registered suppliers."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from egov.accounts.models import BusinessRepresentation, OfficialRole, User
    from egov.procurement import services
    from egov.procurement.models import Supplier
    from egov.registry.models import Agency, Business

    agency = Agency.objects.get(code=AGENCY)

    def official(username: str, roles: tuple[str, ...]) -> User:
        user, created = User.objects.get_or_create(
            username=username, defaults={"kind": User.Kind.OFFICIAL, "agency": agency}
        )
        if created:
            for role in roles:
                OfficialRole.objects.create(user=user, role=role)
        return user

    registrar = official("bench.proc.registrar", ("viewer", "registrar"))
    committee = [official(f"bench.proc.committee.{i}", ("viewer",)) for i in (1, 2, 3)]
    have = User.objects.filter(username__startswith="bench.proc.biz.").count()
    if have < suppliers:
        started = time.monotonic()
        taken = set(BusinessRepresentation.objects.values_list("business_id", flat=True))
        businesses = [
            b
            for b in Business.objects.filter(status=Business.Status.ACTIVE).order_by("id").only("id", "brn")
            if b.pk not in taken
        ][: suppliers - have]
        if len(businesses) < suppliers - have:
            sys.exit(
                f"only {have + len(businesses)} active businesses free: seed more residents (--recreate)"
            )
        hashed = make_password(PASSWORD)
        with transaction.atomic():
            users = User.objects.bulk_create(
                User(username=f"bench.proc.biz.{have + i}", kind=User.Kind.BUSINESS, password=hashed)
                for i in range(len(businesses))
            )
            BusinessRepresentation.objects.bulk_create(
                BusinessRepresentation(user=u, business=b, since=dt.date(2020, 1, 1))
                for u, b in zip(users, businesses, strict=True)
            )
        for user, business in zip(users, businesses, strict=True):
            services.supplier_register(actor=user, brn=business.brn, categories=[CATEGORY])
        print(f"{len(users):,} business users and suppliers registered in {time.monotonic() - started:.0f} s")
    cast = []
    reps = (
        BusinessRepresentation.objects.filter(user__username__startswith="bench.proc.biz.")
        .select_related("user", "business")
        .order_by("user_id")
    )
    registered = set(Supplier.objects.values_list("business_id", flat=True))
    for rep in reps:
        if rep.business_id in registered and rep.business.status == Business.Status.ACTIVE:
            cast.append({"user": rep.user, "brn": rep.business.brn})
    if len(cast) < suppliers:
        sys.exit(f"only {len(cast)} suppliers usable (a business closed?): run with --recreate")
    return {"registrar": registrar, "committee": committee, "suppliers": cast[:suppliers]}


def tenders_publish(*, cast: dict, count: int, label: str, award_method: str = "lowest_price") -> list:
    """`count` notices through `tender_publish`, each committee member collecting their share;
    returns [(tender, {username: share})]."""
    from django.utils import timezone

    from egov.procurement import services

    now = timezone.now()
    extra = (
        {"reserve_range_bp": 200, "floor_rate": "87.745"} if award_method == "multiple_reserve_price" else {}
    )
    out = []
    for i in range(count):
        tender = services.tender_publish(
            actor=cast["registrar"],
            title=f"Benchmark {label} {i + 1}: 업무용 노트북 구매 (office laptops)",
            items=[{"description": "Laptop, 14 inch", "quantity": 100, "unit": "EA"}],
            budget=100_000_000,
            base_price=BASE_PRICE,
            award_method=award_method,
            categories=[CATEGORY],
            deadline=now + dt.timedelta(days=8),
            opening_at=now + dt.timedelta(days=8, hours=1),
            committee=cast["committee"],
            **extra,
        )
        shares = {
            m.username: services.committee_share_collect(actor=m, number=tender.number)
            for m in cast["committee"]
        }
        out.append((tender, shares))
    return out


def clock_move(tenders: list, *, deadline: dt.datetime, opening_at: dt.datetime) -> None:
    """Move the deadline and opening time, as the clock would (published 8 days before)."""
    from egov.procurement.models import Tender

    Tender.objects.filter(pk__in=[t.pk for t in tenders]).update(
        deadline=deadline, opening_at=opening_at, published_at=deadline - dt.timedelta(days=8)
    )
    for tender in tenders:
        tender.refresh_from_db()


def sessions_create(users: list) -> dict[int, tuple[str, str]]:
    """{user id: (session key, csrf secret)}: what `django.contrib.auth.login` leaves in the
    session store, bulk-written (logging 10,000 users in is not what is measured)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.middleware.csrf import _get_new_csrf_string
    from django.utils import timezone

    from egov.core.middleware import SessionRefreshMiddleware

    store = SessionStore()
    expire = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    out, rows = {}, []
    for user in users:
        key = secrets.token_hex(16)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            SessionRefreshMiddleware.KEY: int(time.time()),  # stamped on the login's response
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        out[user.pk] = (key, _get_new_csrf_string())
    Session.objects.bulk_create(rows, batch_size=2000)
    return out


def tokens_create(users: list) -> dict[int, str]:
    """{user id: bidding software token}: the rows `procurement.services.bid_token_issue` writes,
    bulk-written (issuing 10,000 tokens is not what is measured). Earlier runs' are deleted."""
    from django.conf import settings
    from django.utils import timezone

    from egov.procurement.models import BidToken
    from egov.procurement.services.tokens import PREFIX, token_checksum

    name = "benchmark bidding software"
    BidToken.objects.filter(name=name).delete()
    now, out, rows = timezone.now(), {}, []
    for user in users:
        token = PREFIX + secrets.token_urlsafe(32)
        rows.append(
            BidToken(
                user=user, name=name, checksum=token_checksum(token), hint=token[: len(PREFIX) + 4],
                created_at=now, expires_at=now + dt.timedelta(days=settings.EGOV_BID_TOKEN_DAYS),
            )
        )  # fmt: skip
        out[user.pk] = token
    BidToken.objects.bulk_create(rows, batch_size=2000)
    return out


def server_start(url: str, work: Path, *, workers: int, threads: int) -> tuple[subprocess.Popen, str, object]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    log = open(work / "gunicorn.log", "w")  # noqa: SIM115 (closed by server_stop)
    server = subprocess.Popen(  # noqa: S603 (our own server on loopback)
        [str(BIN / "gunicorn"), "egov.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--threads", str(threads), "--log-level", "warning"],
        env={**env_for(os.environ["EGOV_DATABASE_URL"]), "EGOV_DB_CONN_MAX_AGE": "900"},
        stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited before it answered:\n{(work / 'gunicorn.log').read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return server, base, log
        except OSError:
            time.sleep(0.3)
    sys.exit("gunicorn did not answer /healthz in time")


def server_stop(server: subprocess.Popen, log) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


def machine_line() -> str:
    cpu = platform.processor() or platform.machine()
    return f"machine: {os.cpu_count()} CPUs, {cpu}, Python {platform.python_version()}"


def load_line(before: tuple, after: tuple) -> str:
    return (
        f"load average (1, 5, 15 min) before {before[0]:.2f} {before[1]:.2f} {before[2]:.2f}, "
        f"after {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}"
        + ("  (the machine was busy: compare the CPU time per bid)" if max(before[0], after[0]) > 0.7 else "")
    )


# --- the burst -------------------------------------------------------------------------------

LUA = r"""
local lines = {}
local mine = {}
local sent, done, fillers = 0, 0, 0
local counter = 0
local out, outdir
local verified = false

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

function init(args)
  local nthreads, path = tonumber(args[1]), args[2]
  outdir = args[3]
  local i = 0
  for line in io.lines(path) do
    if i % nthreads == tid - 1 then
      -- path, two "Name: value" headers (either may be empty), body
      local p, h1, h2, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      local headers = {["Content-Type"] = "application/json"}
      for _, h in ipairs({h1, h2}) do
        local name, value = h:match("^([^:]+): (.*)$")
        if name then headers[name] = value end
      end
      mine[#mine + 1] = wrk.format("POST", p, headers, body)
    end
    i = i + 1
  end
  out = io.open(outdir .. "/answers-" .. tid .. ".txt", "w")
end

function delay()
  -- A connection with nothing left to send idles until the run is stopped.
  if sent >= #mine then return 3600000 end
  return 0
end

function request()
  -- wrk calls the first thread's request() once before the run, to see how many requests it
  -- returns (pipelining); that call's answer is never sent, so it must not use up a bid.
  if tid == 1 and not verified then
    verified = true
    return mine[1] or wrk.format("GET", "/healthz")
  end
  sent = sent + 1
  if sent <= #mine then
    return mine[sent]
  end
  return wrk.format("GET", "/healthz")
end

function response(status, headers, body)
  out:write(status, "\t", (body:gsub("[\r\n]", " ")), "\n")
  out:flush()
  -- A bid's answer is JSON (a receipt or an error).
  if body:sub(1, 1) == "{" and (body:find('"sealed_sha256"', 1, true) or body:find('"code"', 1, true)) then
    done = done + 1
    if done == #mine then
      io.open(outdir .. "/done-" .. tid, "w"):close()
    end
  end
end
"""


def _wrk(
    base: str,
    script: Path,
    data: Path,
    work: Path,
    *,
    threads: int,
    connections: int,
    cap: int,
    stall: int = 10,
) -> dict:
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{cap}s", "--timeout", "30s", "--latency",
        "-s", str(script), base, "--", str(threads), str(data), str(work),
    ]  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    wrk = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # noqa: S603
    # wrk runs for -d seconds whatever its threads do: stop it (SIGINT: it prints its
    # statistics) once every thread has had all its bids answered, or when no answer came
    # for --stall seconds (a bid lost: reported). The burst's time ends at the last answer.
    size, last = 0, started
    while wrk.poll() is None and len(list(work.glob("done-*"))) < threads:
        time.sleep(0.02)
        now_size = sum(p.stat().st_size for p in work.glob("answers-*.txt"))
        if now_size != size:
            size, last = now_size, time.monotonic()
        elif size and time.monotonic() - last > stall:
            break
    else:
        last = time.monotonic()
    wrk.send_signal(signal.SIGINT)
    out, err = wrk.communicate(timeout=60)
    if "requests in" not in out:
        sys.exit(f"wrk failed: {out}{err}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    found = re.search(r"(\d+) requests in", out)
    seconds = last - started
    errors = re.search(r"Socket errors: (.*)", out)

    def latency(p: str) -> str:
        hit = re.search(rf"^\s+{p}%\s+(\S+)", out, re.MULTILINE)
        return hit.group(1) if hit else "?"

    return {
        "requests": int(found.group(1)),
        "seconds": seconds,
        "socket_errors": errors.group(1) if errors else "",
        "p50": latency("50"),
        "p75": latency("75"),
        "p90": latency("90"),
        "p99": latency("99"),
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "raw": out,
    }


def _answers(work: Path) -> tuple[list[tuple[int, dict]], int]:
    answers, fillers = [], []
    for path in sorted(work.glob("answers-*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            status, _, body = line.partition("\t")
            try:
                data = json.loads(body)
            except ValueError:
                data = None
            if isinstance(data, dict) and ("sealed_sha256" in data or "code" in data):
                answers.append((int(status), data))
            else:
                fillers.append(f"{status} {body[:200]}")
    return answers, fillers


def _late_bids(base: str, late: list[dict]) -> list[tuple[int, dict]]:
    import requests

    out = []
    with requests.Session() as http:
        for bid in late:
            answer = http.post(
                base + bid["path"],
                data=bid["body"],
                headers={"Content-Type": "application/json", **bid["headers"]},
                timeout=30,
            )
            out.append((answer.status_code, answer.json()))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recreate", action="store_true", help="drop, create and seed the database")
    parser.add_argument("--tenders", type=int, default=100)
    parser.add_argument("--bids", type=int, default=10_000, help="bids in the burst, replacements included")
    parser.add_argument("--replacements", type=int, default=500, help="of --bids: second bids that replace")
    parser.add_argument("--suppliers", type=int, default=10_000, help="business users and suppliers")
    parser.add_argument(
        "--window", type=int, default=60, help="seconds from the burst's start to the deadline"
    )
    parser.add_argument("--late", type=int, default=50, help="well-formed bids sent after the deadline")
    parser.add_argument("--connections", type=int, default=32, help="concurrent clients (wrk connections)")
    parser.add_argument(
        "--wrk-threads",
        type=int,
        default=1,
        help="one keeps every connection busy to the end (see _wrk); one wrk thread sends 10,000+ a second",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7, help="random seed of prices and order")
    parser.add_argument(
        "--auth",
        choices=["token", "session"],
        default="token",
        help="bidding software tokens (Authorization: Bearer), or portal sessions with their CSRF token",
    )
    parser.add_argument("--profile", metavar="DIR", help="record the server with py-spy during the burst")
    args = parser.parse_args()
    first_bids = args.bids - args.replacements
    if not (
        0 < args.tenders <= 1000 and 0 < first_bids <= args.suppliers and 0 <= args.replacements <= first_bids
    ):
        sys.exit("need 0 < --bids - --replacements <= --suppliers and --replacements <= that")
    if not (args.connections <= 256 and 10 <= args.window <= 600 and 0 <= args.late <= 1000):
        sys.exit("keep the load bounded: --connections <= 256, --window 10..600, --late <= 1000")
    if shutil.which("wrk") is None:
        sys.exit("This benchmark drives the server with wrk: apt-get install wrk")
    if args.profile and not (BIN / "py-spy").exists():
        sys.exit("--profile needs py-spy: .venv/bin/pip install py-spy")
    rng = random.Random(args.seed)

    url = os.environ.get("EGOV_PROC_BENCH_DATABASE_URL", DEFAULT_URL)
    database_prepare(url, recreate=args.recreate)
    from cryptography.hazmat.primitives import serialization

    from egov.procurement.client import seal_bid
    from egov.procurement.crypto import b64u

    cast = cast_prepare(suppliers=max(args.suppliers, first_bids))
    started = time.monotonic()
    label = time.strftime("%H%M%S")
    tenders = [t for t, _shares in tenders_publish(cast=cast, count=args.tenders, label=f"burst {label}")]
    print(f"{len(tenders)} tenders published, shares collected, in {time.monotonic() - started:.0f} s")

    # Who bids where, with what (sealed now, before the burst, as a client seals before sending).
    bidders = cast["suppliers"][:first_bids]
    users = [b["user"] for b in bidders]
    if args.auth == "token":
        tokens = tokens_create(users)
        credentials = {pk: [f"Authorization: Bearer {token}", ""] for pk, token in tokens.items()}
    else:
        credentials = {
            pk: [f"Cookie: sessionid={session}; csrftoken={csrf}", f"X-CSRFToken: {csrf}"]
            for pk, (session, csrf) in sessions_create(users).items()
        }
    started = time.monotonic()
    plan = []
    for n, bidder in enumerate(bidders):
        tender = tenders[n % len(tenders)]
        plan.append({"bidder": bidder, "tender": tender})
    order = list(range(first_bids))
    rng.shuffle(order)
    later = rng.sample(range(first_bids), args.replacements)
    # Replacements go into the second half of the burst, after their first bid was sent.
    half = first_bids // 2
    sequence = [plan[i] for i in order[:half]]
    rest = [plan[i] for i in order[half:]] + [plan[i] for i in later]
    rng.shuffle(rest)
    sequence += rest
    late_plan = [plan[i] for i in rng.sample(range(first_bids), min(args.late, first_bids))]

    def sealed_request(item: dict) -> dict:
        tender, bidder = item["tender"], item["bidder"]
        headers = credentials[bidder["user"].pk]
        sealed = seal_bid(
            opening_key=b64u(bytes(tender.opening_public_key)),
            tender=tender.number,
            brn=bidder["brn"],
            price=rng.randrange(BASE_PRICE * 85 // 100, BASE_PRICE * 105 // 100),
            content=f"납품 30일 이내 (delivery within 30 days), bid of {bidder['brn']}",
        )
        return {
            "path": f"/api/v1/procurement/tenders/{tender.number}/bids",
            "header_lines": headers,
            "headers": dict(h.split(": ", 1) for h in headers if h),
            "body": json.dumps({"brn": bidder["brn"], "sealed": sealed}),
            "sha": hashlib.sha256(sealed.encode()).hexdigest(),
        }

    burst = [sealed_request(item) for item in sequence]
    late = [sealed_request(item) for item in late_plan]
    print(f"{len(burst):,} bids sealed client-side ({len(burst) - first_bids} replacements) "
          f"and {len(late)} late ones in {time.monotonic() - started:.1f} s")  # fmt: skip

    work = Path(tempfile.mkdtemp(prefix="egov-proc-burst-"))
    data = work / "bids.tsv"
    data.write_text(
        "".join(f"{b['path']}\t{b['header_lines'][0]}\t{b['header_lines'][1]}\t{b['body']}\n" for b in burst)
    )
    script = work / "burst.lua"
    script.write_text(LUA)
    server, base, log = server_start(url, work, workers=args.workers, threads=args.threads)
    try:
        # Warm up each worker thread (connections, imports): a few public reads, no bids.
        for _ in range(40):
            with urllib.request.urlopen(f"{base}/api/v1/procurement/tenders/{tenders[0].number}", timeout=30):  # noqa: S310
                pass
        from django.utils import timezone

        start = timezone.now()
        deadline = start + dt.timedelta(seconds=args.window)
        clock_move(tenders, deadline=deadline, opening_at=deadline + dt.timedelta(seconds=1))
        pids = (measure.server_pids(server.pid), measure.backend_pids(url))
        cpu = (measure.cpu_seconds(pids[0]), measure.cpu_seconds(pids[1]))
        load_before = os.getloadavg()
        spy = (
            measure.py_spy(server.pid, Path(args.profile) / "burst.speedscope.json", args.window)
            if args.profile
            else None
        )
        outcome = _wrk(
            base,
            script,
            data,
            work,
            threads=args.wrk_threads,
            connections=args.connections,
            cap=args.window + 30,
        )
        load_after = os.getloadavg()
        server_cpu = measure.cpu_seconds(pids[0]) - cpu[0]
        new_backends = sorted(set(measure.backend_pids(url)) - set(pids[1]))
        db_cpu = measure.cpu_seconds(pids[1]) - cpu[1] + measure.cpu_seconds(new_backends)
        if spy:
            spy.wait(timeout=args.window + 60)
        answers, fillers = _answers(work)
        wait = (deadline - timezone.now()).total_seconds() + 1
        if wait > 0:
            print(f"burst over {wait:.0f} s before the deadline; waiting for it to send the late bids")
            time.sleep(wait)
        late_answers = _late_bids(base, late)
        with urllib.request.urlopen(f"{base}/api/v1/procurement/receipt-key", timeout=30) as answer:  # noqa: S310
            receipt_key = json.load(answer)
    finally:
        server_stop(server, log)
        gunicorn_log = (work / "gunicorn.log").read_text()
        shutil.rmtree(work, ignore_errors=True)

    # --- checks -------------------------------------------------------------------------------
    problems = []
    accepted = [body for status, body in answers if status == 201]
    refused = [(status, body) for status, body in answers if status != 201]
    if len(answers) != len(burst):
        problems.append(
            f"{len(burst) - len(answers)} bids got no answer (wrk: {outcome['socket_errors']}; "
            "the check of the stored bids below says whether they were taken)"
        )
    if fillers:
        problems.append(f"{len(fillers)} answers that are not a bid's answer, e.g. {fillers[:2]}")
    if refused:
        codes = {}
        for status, body in refused:
            key = f"{status} {body.get('code', '?')}"
            codes[key] = codes.get(key, 0) + 1
        problems.append(f"{len(refused)} well-formed bids answered with an error: {codes}")
    with psycopg.connect(url) as db:
        stored = db.execute(
            "SELECT b.id, b.state, b.sealed_sha256, b.submitted_at, t.deadline, b.tender_id, b.supplier_id, "
            "b.receipt, b.receipt_signature FROM procurement_bid b "
            "JOIN procurement_tender t ON t.id = b.tender_id WHERE b.tender_id = ANY(%s)",
            [[t.pk for t in tenders]],
        ).fetchall()
    by_id = {row[0]: row for row in stored}
    receipt_ids = [a["bid"] for a in accepted]
    if len(set(receipt_ids)) != len(receipt_ids):
        problems.append("two receipts name the same bid")
    if set(receipt_ids) != set(by_id):
        problems.append(
            f"receipts and stored bids differ: {len(set(receipt_ids) - set(by_id))} acknowledged but not "
            f"stored, {len(set(by_id) - set(receipt_ids))} stored without a receipt"
        )
    public = serialization.load_pem_public_key(receipt_key["public_key_pem"].encode())  # as published
    bad_receipts = 0
    for a in accepted:
        row = by_id.get(a["bid"])
        if row is None:
            continue
        try:
            public.verify(base64.urlsafe_b64decode(a["signature"] + "=="), a["receipt"].encode())
            ok = True
        except Exception:  # noqa: BLE001 (InvalidSignature and malformed input alike)
            ok = False
        if not ok or row[2] != a["sealed_sha256"] or row[7] != a["receipt"] or row[8] != a["signature"]:
            bad_receipts += 1
    if bad_receipts:
        problems.append(f"{bad_receipts} receipts do not verify or do not match the stored bid")
    sent_shas = {b["sha"] for b in burst}
    if any(row[2] not in sent_shas for row in stored):
        problems.append("a stored bid is not one that was sent")
    late_stored = [row for row in stored if row[3] >= row[4]]
    if late_stored:
        problems.append(f"{len(late_stored)} bids stored at or after their deadline")
    pairs = {(row[5], row[6]) for row in stored}
    live = [row for row in stored if row[1] == "live"]
    replaced = [row for row in stored if row[1] == "replaced"]
    if len(live) != len(pairs) or len({(r[5], r[6]) for r in live}) != len(live):
        problems.append(f"{len(live)} live bids for {len(pairs)} supplier-tender pairs")
    if len(live) + len(replaced) != len(stored):
        problems.append("bids in another state than live or replaced")
    late_ok = [a for a in late_answers if a[0] == 400 and a[1].get("code") == "late"]
    if len(late_ok) != len(late):
        problems.append(
            f"late bids: {len(late) - len(late_ok)} not refused with 400 late: {late_answers[:3]}"
        )
    if {b["sha"] for b in late} & {row[2] for row in stored}:
        problems.append("a late bid was stored")

    # Accepted bids per second of server time (the receipts' submitted_at).
    times = sorted(row[3] for row in stored)
    per_second = {}
    for t in times:
        per_second[int(t.timestamp())] = per_second.get(int(t.timestamp()), 0) + 1
    full = [per_second[s] for s in sorted(per_second)[1:-1]]  # whole seconds (not the first, last)
    span = (times[-1] - times[0]).total_seconds() if len(times) > 1 else 0
    rate = len(accepted) / outcome["seconds"]

    ahead = (deadline - start).total_seconds() - outcome["seconds"]
    other = f"; {len(fillers)} answers that are not a bid's" if fillers else ""
    whole = (
        f"min {min(full)}, median {statistics.median(full):.0f}, max {max(full)}"
        if full
        else "fewer than 3 s"
    )
    per_bid = 1000 / max(len(answers), 1)
    latest = max(times).isoformat() if times else "-"
    print()
    print(machine_line())
    print(
        f"database: {urlsplit(url).path.lstrip('/')} ({RESIDENTS:,} residents seeded), PostgreSQL, 127.0.0.1"
    )
    print(
        f"server: gunicorn {args.workers} workers x {args.threads} threads (as make run); load: wrk "
        f"-t{args.wrk_threads} -c{args.connections}, one pass over the bids{other}"
    )
    print(load_line(load_before, load_after))
    credential = "token" if args.auth == "token" else "session"
    print(
        f"burst: {len(burst):,} sealed bids ({len(burst) - first_bids} replacing an earlier one) from "
        f"{first_bids:,} suppliers (each its own {credential}) to {len(tenders)} tenders closing at the same "
        f"instant, {args.window} s after the start"
    )
    print(
        f"answered: {len(accepted):,} accepted (201, signed receipt), {len(refused)} errors, "
        f"{len(burst) - len(answers)} unanswered; the last answer {ahead:.1f} s before the deadline"
    )
    print(
        f"latency per bid (wrk, request sent to answer read): p50 {outcome['p50']}, p75 {outcome['p75']}, "
        f"p90 {outcome['p90']}, p99 {outcome['p99']}"
    )
    print(
        f"accepted bids per second: {rate:.0f} over the burst ({outcome['seconds']:.1f} s, first request to "
        f"last answer); by the receipts' times {len(times) / span if span else 0:.0f}/s over {span:.1f} s, "
        f"per whole second {whole}"
    )
    print(
        f"CPU per bid: server {server_cpu * per_bid:.2f} ms, PostgreSQL {db_cpu * per_bid:.2f} ms, "
        f"wrk {outcome['cpu'] * per_bid:.2f} ms (the load generator: {outcome['cpu']:.1f} s in all)"
    )
    print(
        f"stored: {len(stored):,} bids ({len(live):,} live, {len(replaced)} replaced) for "
        f"{len(accepted):,} receipts; latest submitted_at {latest}, deadline {deadline.isoformat()}; "
        f"{len(late_ok)}/{len(late)} late bids refused with 400 late"
    )
    verdict = "PASS" if rate >= TARGET_RATE else "MISSED"
    print(f"target: at least {TARGET_RATE} accepted bids per second: {verdict}")
    if "Traceback" in gunicorn_log:
        problems.append("the server logged a traceback")
    if problems:
        kept = Path(tempfile.gettempdir()) / f"procurement-burst-gunicorn-{label}.log"
        kept.write_text(gunicorn_log)
        print("\nPROBLEMS:\n- " + "\n- ".join(problems) + f"\nserver log: {kept}")
        sys.exit(1)
    print(
        "checks: every acknowledged bid stored once with a verifying receipt, none at or after the "
        "deadline, no error to a well-formed bid, late bids refused: OK"
    )


if __name__ == "__main__":
    main()
