"""Issue 6: an agency's petition work queue with 10,000 open cases (p95 under 200 ms) and the
deadline sweep over all open cases (under 10 s), with 100,000 petitions on PostgreSQL.

    .venv/bin/python benchmarks/petitions_queue.py --recreate      # create, seed, fill, measure
    .venv/bin/python benchmarks/petitions_queue.py                 # measure again, same data

What it does, all on this machine over loopback:

1. Database `egov_petitions_bench` on PostgreSQL at 127.0.0.1 (user postgres, no password):
   created if missing (dropped first with --recreate), migrated, seeded with
   `egov seed --residents 2000 --seed 1 --if-empty` (which also seeds the petition categories
   and the demo citizen's petitions). If it holds fewer than --petitions petitions it is filled:
   one bench category for every agency without one (period codes of `petitions.periods`
   rotating), 500 petitioner accounts, 4 extra Jongno-gu officials, then --petitions petitions
   with their clocks, history rows and clock events by `bulk_create`, as the services write
   them: Jongno-gu (3000000) gets --open open cases (received over the last period or so of
   business days: received, assigned, in progress, 5 % extended; a tenth assigned to the
   benchmark official) plus 5,000 answered ones; the rest is spread over every category with
   Pareto weights, 90 % answered or closed (rated) over the last ten months, 10 % open. Due
   dates come from the deadline engine (`compute_due`, the period registered for the case
   type, shared per day of receipt as `clocks_recompute` shares them). Then VACUUM (ANALYZE).
2. The benchmark official `bench.queue.jongno` (registrar of Jongno-gu, password
   `bench1234!`) has a confirmed TOTP device with a fixed key; the script computes the code
   with `django_otp.oath.TOTP` and logs in over HTTP like a person (password page, then code).
3. gunicorn as `make run` (2 workers x 4 threads, EGOV_DEBUG off) serves it. Each queue view
   (`/office/petitions/?view=mine|team|due_soon|overdue`) is requested --warmup times, then
   --requests times, one after another over one keep-alive session; p50/p95/p99/max per view.
4. In-process: queries per page (Django test client under CaptureQueriesContext) and
   `EXPLAIN (ANALYZE, BUFFERS)` of each view's queue query.
5. The sweeps, in-process: `deadlines.clocks_recompute()` over every open clock (--sweeps
   times), then the case kernel's `case_escalations_send()` and `case_reminders_send()` for
   petitions (each handles at most 1,000 petitions a run, one transaction each) repeated
   until a run finds nothing, then once more (the steady state the worker sees every
   EGOV_SWEEP_SECONDS). The first measurement on a fresh fill therefore includes the backlog
   of every overdue petition.
"""

import argparse
import datetime as dt
import os
import random
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import measure  # the sibling module benchmarks/measure.py

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/egov_petitions_bench"
SECRET_KEY = "petitions-bench-secret-key-0123456789-abcdefghijklmnop"  # noqa: S105 (benchmark data only)
PASSWORD = "bench1234!"  # noqa: S105 (benchmark accounts only)
OFFICIAL = "bench.queue.jongno"
TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 6238 test key, benchmark account only
JONGNO = "3000000"
VIEWS = ("mine", "team", "due_soon", "overdue")
TARGET_P95_MS = 200
TARGET_SWEEP_S = 10


def _env(url: str, data_dir: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "egov.settings",
        "EGOV_DATABASE_URL": url,
        "EGOV_DATA_DIR": str(data_dir),
        "EGOV_SECRET_KEY": SECRET_KEY,
        "EGOV_DEBUG": "0",
        "EGOV_LOG_LEVEL": "WARNING",
        "EGOV_ALLOWED_HOSTS": "127.0.0.1,testserver",
        "EGOV_LOGIN_MAX_FAILURES": "1000",
        "EGOV_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


def _prepare(url: str, data_dir: Path, *, recreate: bool) -> None:
    if measure.database_create(url, recreate=recreate):
        print(f"created database {urlsplit(url).path.lstrip('/')}")
    env = _env(url, data_dir)
    egov = str(BIN / "egov")
    subprocess.run([egov, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    subprocess.run(
        [egov, "seed", "--residents", "2000", "--seed", "1", "--if-empty"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [egov, "collectstatic", "--noinput", "-v", "0"], env=env, check=True, stdout=subprocess.DEVNULL
    )


# --- fill -------------------------------------------------------------------------------------


def _business_days_back(calendar, today: dt.date, count: int) -> list[dt.date]:
    days, day = [], today
    while len(days) < count:
        if calendar.is_business_day(day):
            days.append(day)
        day -= dt.timedelta(days=1)
    return days  # days[0] is today (or the last business day), days[k] k business days back


def _officials():
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from egov.accounts.models import OfficialRole, User
    from egov.registry.models import Agency

    jongno = Agency.objects.get(code=JONGNO)
    hashed = make_password(PASSWORD)
    official, _created = User.objects.get_or_create(
        username=OFFICIAL,
        defaults={"kind": "official", "agency": jongno, "password": hashed, "email": "queue@bench.example"},
    )
    for role in ("viewer", "registrar"):
        OfficialRole.objects.get_or_create(user=official, role=role)
    TOTPDevice.objects.get_or_create(
        user=official, defaults={"name": "authenticator", "confirmed": True, "key": TOTP_KEY}
    )
    team = [official]
    for n in range(4):
        user, _created = User.objects.get_or_create(
            username=f"bench.jongno.{n}",
            defaults={"kind": "official", "agency": jongno, "password": "!", "email": f"j{n}@bench.example"},
        )
        OfficialRole.objects.get_or_create(user=user, role="registrar")
        team.append(user)
    return jongno, official, team


def _fill(total: int, jongno_open: int, seed: int) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone

    from egov.accounts.models import User
    from egov.cases.models import CaseEvent
    from egov.core.deadlines import calendar_get, compute_due, period_get
    from egov.core.deadlines.holiday_calendar import SEOUL
    from egov.core.models import CaseClock, ClockEvent
    from egov.petitions.models import Category, Petition
    from egov.petitions.periods import COMPLAINT_PERIODS, GRIEVANCE, PROPOSAL
    from egov.petitions.seed import categories_seed
    from egov.registry.models import Agency, Resident

    started = time.monotonic()
    rng = random.Random(seed)
    calendar = calendar_get()
    now = timezone.now()
    today = now.astimezone(SEOUL).date()
    jongno, official, team = _officials()

    categories_seed()
    codes = list(COMPLAINT_PERIODS)
    covered = set(Category.objects.values_list("agency_id", flat=True))
    extra = []
    for n, agency in enumerate(Agency.objects.exclude(kind=Agency.Kind.THIRD_PARTY).order_by("code")):
        if agency.pk not in covered:
            extra.append(
                Category(
                    code=f"general-{agency.code}", name_ko=f"일반민원 ({agency.name_ko})",
                    name_en=f"General ({agency.name_en})", agency=agency, period_code=codes[n % len(codes)],
                )
            )  # fmt: skip
    Category.objects.bulk_create(extra, ignore_conflicts=True)
    categories = list(Category.objects.select_related("agency").order_by("code"))
    jongno_categories = [c for c in categories if c.agency_id == jongno.pk]
    others = [c for c in categories if c.agency_id != jongno.pk]
    weights = [rng.paretovariate(1.2) for _ in others]

    taken = set(User.objects.exclude(resident=None).values_list("resident_id", flat=True))
    free = [
        r for r in Resident.objects.filter(status="resident").values_list("id", flat=True) if r not in taken
    ]
    User.objects.bulk_create(
        [
            User(username=f"bench.petitioner.{n}", kind="citizen", resident_id=free[n], password="!")  # noqa: S106
            for n in range(min(500, len(free)))
        ],
        ignore_conflicts=True,
    )
    petitioners = list(
        User.objects.filter(username__startswith="bench.petitioner.").values_list("id", flat=True)
    )
    answerers = {}
    for user in User.objects.filter(kind="official", roles__role="registrar").order_by("id"):
        answerers.setdefault(user.agency_id, user.pk)
    answerers[jongno.pk] = team[1].pk

    back = _business_days_back(calendar, today, 40)
    taken_numbers = set(Petition.objects.values_list("number", flat=True))
    cache: dict[tuple, object] = {}
    titles = (
        "보도블록 파손 신고", "불법 주차 단속 요청", "가로등 고장", "쓰레기 무단투기", "소음 민원",
        "제도 개선 제안", "처리 절차 문의", "공사장 안전 점검 요청", "도로 포장 요청", "민원 처리 결과 문의",
    )  # fmt: skip
    body = "현장을 확인해 주시기 바랍니다. " * 8

    def due(period, received, ext_units=0):
        start = received if period.unit == "business_hours" else received.astimezone(SEOUL).date()
        key = (period.code, ext_units, start)
        outcome = cache.get(key)
        if outcome is None:
            outcome = cache[key] = compute_due(
                calendar, unit=period.unit, length=period.length + ext_units, counted_from=received,
                first_day_counts=period.first_day_counts,
            )  # fmt: skip
        return outcome.due_at

    def period_of(kind, category):
        code = GRIEVANCE if kind == "grievance" else PROPOSAL if kind == "proposal" else category.period_code
        return period_get(code)

    def period_days(period):
        return period.length // 8 if period.unit == "business_hours" else period.length

    jongno_closed = 5000
    plan = [("jongno", True)] * jongno_open + [("jongno", False)] * jongno_closed
    for _ in range(total - len(plan)):
        plan.append(("other", rng.random() < 0.10))
    rng.shuffle(plan)

    clocks, rows, extended = [], [], []
    for n, (where, is_open) in enumerate(plan):
        category = rng.choice(jongno_categories) if where == "jongno" else rng.choices(others, weights)[0]
        roll = rng.random()
        kind = "complaint" if roll < 0.80 else "grievance" if roll < 0.92 else "proposal"
        period = period_of(kind, category)
        days = period_days(period)
        state, assignee, ext, answered_at, satisfaction = "received", None, 0, None, None
        if is_open:
            back_days = rng.randrange(0, days + 2)
            roll = rng.random()
            if roll < 0.05:
                ext = period.max_extension_length
                back_days = rng.randrange(days - 1, 2 * days + 1)
                state = "extended"
            elif roll < 0.35:
                state = "received"
            elif roll < 0.70:
                state = "assigned"
            else:
                state = "in_progress"
            day = back[min(back_days, len(back) - 1)]
            received = dt.datetime.combine(day, dt.time(9), tzinfo=SEOUL) + dt.timedelta(
                minutes=rng.randrange(9 * 60)
            )
            if received > now:
                received = now - dt.timedelta(minutes=rng.randrange(1, 60))
            if state != "received" and where == "jongno":
                assignee = official.pk if rng.random() < 0.10 else rng.choice(team[1:]).pk
            elif state != "received":
                state = "received"
        else:
            received = now - dt.timedelta(days=15 + rng.random() * 290)
            answered_at = received + dt.timedelta(hours=rng.uniform(3, days * 1.5 * 24))
            if rng.random() < 0.7:
                state, satisfaction = "closed", rng.choice((3, 4, 4, 5, 5))
            else:
                state, satisfaction = "answered", rng.choice((None, None, 1, 2))
        number = f"1AA-{received.astimezone(SEOUL):%y%m}-{n:07d}"
        while number in taken_numbers:
            number = f"1AA-{received.astimezone(SEOUL):%y%m}-{rng.randrange(10**7):07d}"
        taken_numbers.add(number)
        due_at = due(period, received, ext)
        clocks.append(
            CaseClock(
                case_type=period.code, case_ref=f"petitions.petition:{number}", agency_id=category.agency_id,
                received_at=received, counted_from=received, unit=period.unit, length=period.length,
                first_day_counts=period.first_day_counts, extension_units=ext, extensions=1 if ext else 0,
                pauses=[], paused_units=0, state="running" if is_open else "closed",
                closed_at=None if is_open else answered_at, due_at=due_at,
                revision=2 if ext or not is_open else 1,
            )
        )  # fmt: skip
        rows.append(
            Petition(
                number=number, kind=kind, category=category, title=rng.choice(titles), body=body,
                petitioner_id=rng.choice(petitioners), agency_id=category.agency_id, assignee_id=assignee,
                state=state, submitted_at=received,
                answer="" if is_open else "검토한 결과를 알려 드립니다. 감사합니다.",
                answered_at=answered_at,
                answered_by_id=None if is_open else answerers.get(category.agency_id),
                satisfaction=satisfaction,
                rated_at=answered_at + dt.timedelta(days=1) if satisfaction else None,
            )
        )  # fmt: skip
        if ext:
            extended.append(n)
    print(
        f"planned {len(rows):,} petitions in {time.monotonic() - started:.1f} s ({len(cache):,} computations)"
    )

    with transaction.atomic():
        CaseClock.objects.bulk_create(clocks, batch_size=5000)
        for clock, petition in zip(clocks, rows, strict=True):
            petition.clock_id = clock.pk
        Petition.objects.bulk_create(rows, batch_size=5000)
        events, clock_events = [], []
        petition_type = ContentType.objects.get_for_model(Petition)
        for p, c in zip(rows, clocks, strict=True):
            events.append(CaseEvent(case_type=petition_type, case_id=p.pk, at=p.submitted_at,
                                    actor_id=p.petitioner_id, state="received", action="file",
                                    data={"agency": c.agency_id}))  # fmt: skip
            clock_events.append(
                ClockEvent(
                    clock_id=c.pk, kind="start", at=c.received_at, actor_id=p.petitioner_id,
                    data={"period": c.case_type, "unit": c.unit, "length": c.length,
                          "first_day_counts": c.first_day_counts, "agency": c.agency_id},
                )
            )  # fmt: skip
            if p.assignee_id:
                events.append(CaseEvent(case_type=petition_type, case_id=p.pk, at=p.submitted_at,
                                        actor_id=p.assignee_id, state=p.state, action="assign",
                                        data={"assignee": p.assignee_id}))  # fmt: skip
            if c.extensions:
                clock_events.append(ClockEvent(clock_id=c.pk, kind="extend", at=c.received_at, reason="조사",
                                               data={"length": c.extension_units, "unit": c.unit,
                                                     "due_after": c.due_at.isoformat()}))  # fmt: skip
            if c.closed_at:
                events.append(CaseEvent(case_type=petition_type, case_id=p.pk, at=p.answered_at,
                                        actor_id=p.answered_by_id, state="answered", action="answer",
                                        note=p.answer))  # fmt: skip
                clock_events.append(ClockEvent(clock_id=c.pk, kind="close", at=c.closed_at, reason="answered",
                                               data={"due_after": c.due_at.isoformat(),
                                                     "late": c.closed_at > c.due_at}))  # fmt: skip
        CaseEvent.objects.bulk_create(events, batch_size=5000)
        ClockEvent.objects.bulk_create(clock_events, batch_size=5000)
    print(
        f"created {len(rows):,} petitions, {len(events):,} history rows, {len(clock_events):,} clock events "
        f"in {time.monotonic() - started:.1f} s"
    )


# --- measurements ------------------------------------------------------------------------------


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _login(base: str):
    import requests
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username=OFFICIAL, confirmed=True)
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=30)
    answer = session.post(
        f"{base}/accounts/login/",
        data={
            "username": OFFICIAL,
            "password": PASSWORD,
            "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
        },
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=30,
    )
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    answer = session.post(
        answer.url,
        data={
            "token": f"{totp.token():0{device.digits}d}",
            "csrfmiddlewaretoken": CSRF.search(answer.text).group(1),
        },
        headers={"Referer": answer.url},
        timeout=30,
    )
    probe = session.get(f"{base}/office/petitions/?view=mine", timeout=60, allow_redirects=False)
    if probe.status_code != 200:
        raise SystemExit(f"login failed: queue answered {probe.status_code}")
    return session


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of gunicorn's workers (the children of `pid`), from /proc."""
    total = 0.0
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _http(url: str, data_dir: Path, warmup: int, count: int) -> dict:
    import requests

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "egov.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4", "--log-level", "warning"],
        env=_env(url, data_dir), cwd=ROOT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    results = {}
    try:
        for _ in range(200):
            try:
                requests.get(f"{base}/healthz", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.1)
        session = _login(base)
        for view in VIEWS:
            target = f"{base}/office/petitions/?view={view}"
            for _ in range(warmup):
                session.get(target, timeout=60)
            times, size, cpu = [], 0, _cpu_seconds(server.pid)
            for _ in range(count):
                started = time.perf_counter()
                answer = session.get(target, timeout=60)
                times.append((time.perf_counter() - started) * 1000)
                if answer.status_code != 200:
                    raise SystemExit(f"{view}: HTTP {answer.status_code}")
                size = len(answer.content)
            cpu = (_cpu_seconds(server.pid) - cpu) / count * 1000
            rows = answer.text.count("/office/petitions/1AA-")
            results[view] = times
            print(
                f"  {view:9} {count} requests: p50 {_pct(times, 0.5):6.1f} ms,"
                f" p95 {_pct(times, 0.95):6.1f} ms, p99 {_pct(times, 0.99):6.1f} ms,"
                f" max {max(times):6.1f} ms; server CPU {cpu:.1f} ms a request;",
                f"{rows} rows, {size / 1024:.0f} KiB",
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def _diagnose() -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from egov.accounts.models import User
    from egov.petitions import selectors

    official = User.objects.get(username=OFFICIAL)
    device = TOTPDevice.objects.get(user=official, confirmed=True)
    client = Client()
    client.force_login(official)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    for view in VIEWS:
        client.get(f"/office/petitions/?view={view}")
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            answer = client.get(f"/office/petitions/?view={view}")
            elapsed = (time.perf_counter() - started) * 1000
        qs = selectors.petition_queue_for(actor=official, view=view)
        total = qs.count()
        sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        print(
            f"  {view:9} HTTP {answer.status_code}, {len(queries)} queries ({sql_ms:.1f} ms in SQL), "
            f"{elapsed:.1f} ms in-process; {total:,} petitions in the queue"
        )
    for view in VIEWS:
        qs = selectors.petition_queue_for(actor=official, view=view)[:50]
        print(f"  EXPLAIN {view}:\n    " + qs.explain(analyze=True, buffers=True).replace("\n", "\n    "))


def _sweeps(runs: int) -> dict:
    from egov.cases.sweeps import case_escalations_send, case_reminders_send
    from egov.core.deadlines import clocks_recompute
    from egov.core.models import CaseClock
    from egov.petitions.procedure import PETITION

    def petitions_escalate_overdue():
        return case_escalations_send(procedure=PETITION)

    def petitions_remind_due():
        return case_reminders_send(procedure=PETITION)

    out = {}
    open_clocks = CaseClock.objects.open().count()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        moved = clocks_recompute()
        times.append(time.perf_counter() - started)
        print(f"  clocks_recompute() over {open_clocks:,} open clocks: {times[-1]:.2f} s, {moved:,} moved")
    out["recompute"] = times
    for name, sweep in (("escalate", petitions_escalate_overdue), ("remind", petitions_remind_due)):
        runs_done, total, began = [], 0, time.perf_counter()
        while True:
            started = time.perf_counter()
            done = sweep()
            runs_done.append((done, time.perf_counter() - started))
            total += done
            if not done:
                break
        backlog = time.perf_counter() - began
        for done, seconds in runs_done:
            print(f"  {sweep.__name__}(): {done:,} petitions in {seconds:.2f} s")
        started = time.perf_counter()
        sweep()
        steady = time.perf_counter() - started
        print(f"  {sweep.__name__}: backlog of {total:,} in {backlog:.2f} s; steady-state run {steady:.2f} s")
        out[name] = (total, backlog, steady)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--recreate", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--petitions", type=int, default=100_000)
    parser.add_argument("--open", type=int, default=10_000, help="open petitions of Jongno-gu")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--requests", type=int, default=200, help="requests per queue view")
    parser.add_argument("--sweeps", type=int, default=3)
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-sweeps", action="store_true")
    args = parser.parse_args()

    data_dir = ROOT / "var" / "petitions-bench"
    data_dir.mkdir(parents=True, exist_ok=True)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    _prepare(args.database_url, data_dir, recreate=args.recreate)
    os.environ.update(_env(args.database_url, data_dir))
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    import psycopg

    from egov.petitions.models import Petition

    existing = Petition.objects.count()
    if existing < args.petitions:
        _fill(args.petitions - existing, args.open, args.seed)
        with psycopg.connect(args.database_url, autocommit=True) as db:
            db.execute("VACUUM (ANALYZE)")
    _officials()
    open_count = Petition.objects.filter(state__in=Petition.OPEN_STATES).count()
    jongno = Petition.objects.filter(state__in=Petition.OPEN_STATES, agency__code=JONGNO).count()
    print(f"{Petition.objects.count():,} petitions, {open_count:,} open, {jongno:,} open at Jongno-gu")

    if not args.skip_http:
        print(f"queue pages through gunicorn (2 workers x 4 threads), as {OFFICIAL}:")
        results = _http(args.database_url, data_dir, args.warmup, args.requests)
        print("queries per page and plans (in-process):")
        try:
            _diagnose()
        except Exception as exc:  # noqa: BLE001 - the figures above stand without it
            print(f"  not measured: {exc!r}")
    if not args.skip_sweeps:
        print("sweeps (in-process):")
        sweeps = _sweeps(args.sweeps)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if not args.skip_http:
        worst = max(_pct(times, 0.95) for times in results.values())
        verdict = "PASS" if worst < TARGET_P95_MS else "MISSED"
        print(f"queue: worst p95 {worst:.1f} ms (target < {TARGET_P95_MS} ms): {verdict}")
    if not args.skip_sweeps:
        recompute = min(sweeps["recompute"])
        steady = recompute + sweeps["escalate"][2] + sweeps["remind"][2]
        verdict = "PASS" if steady < TARGET_SWEEP_S else "MISSED"
        print(
            f"sweep: clocks_recompute {recompute:.2f} s + escalation {sweeps['escalate'][2]:.2f} s"
            f" + reminders {sweeps['remind'][2]:.2f} s = {steady:.2f} s"
            f" (target < {TARGET_SWEEP_S} s): {verdict}"
        )


if __name__ == "__main__":
    main()
