"""The access log's Merkle tree at scale (issue 14): inclusion proofs, sustained appends with the
integrator's lag, full and incremental verification, on PostgreSQL.

    .venv/bin/python benchmarks/tlog_scale.py --recreate --entries 10000000
    .venv/bin/python benchmarks/tlog_scale.py --entries 10000000        # reuse the filled log

1. Database `egov_tlog_bench` (EGOV_TLOG_DATABASE_URL), created and migrated when missing or
   with --recreate; its platform key under var/tlog-bench (EGOV_DATA_DIR).
2. Fill: --entries entries, already positioned, in chunks of 1,000,000 rows, each one
   `INSERT … SELECT … FROM generate_series` whose leaf hash PostgreSQL computes from the
   entry's canonical form exactly as `accesslog.entry_leaf_hash` does (checked on a sample);
   then the tree's nodes, computed in Python from the leaf hashes (`tlog.append_leaves`) and
   streamed in with COPY, each leaf naming its entry (the entry's position); then
   `VACUUM (ANALYZE)`. A witness (`python -m egov.exchange.witness`) in a temporary directory
   cosigns the first checkpoint, signed by `access_log_integrate`.
3. Inclusion proofs: --proofs random leaves, each `accesslog.inclusion_proof(index, size)` (one
   statement fetching the O(log n) nodes, plus the hashing), timed one by one: p50/p99/max.
4. Appends: --writers processes of --threads threads (each with its own connection) append
   through `access_log_append`, one entry per statement in autocommit (--in-transaction: one
   per transaction),
   at --rate entries a second in all for --seconds, while one process runs the worker's tick
   (`access_log_tick`: integrate, sign, ask the witness) every second. The integration lag of
   an entry is the time from its COMMIT to the end of the integration round that gave it its
   position: p50/p99/max.
5. Verification: `egov audit verify --state FILE` in a subprocess before the appends (the whole
   log, against the witness's checkpoint), and again after them (only the new entries).
"""

import argparse
import contextlib
import json
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import measure  # the sibling module benchmarks/measure.py
import psycopg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/egov_tlog_bench"
SECRET_KEY = "bench-secret-key-0123456789-abcdefghijklmnop"  # noqa: S105 (benchmark data only)
CHUNK = 1_000_000

# The canonical form of a bench entry (`accesslog._encode_iso` with seq 0 and prev ""), with
# its time and message id filled in by PostgreSQL.
CANONICAL_SQL = (
    'format(\'{"at":"%%s","basis":"grant:1","case":"CASE-%%s","client":"bench",'
    '"consumer":null,"error":"","fields":["name_ko","address"],"item":"resident.abstract",'
    '"message":"m-%%s","outcome":"granted","prev":"","purpose":"연금 수급자격 확인","seq":0,'
    '"subject":null,"user":""}\', '
    "to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"'), i, i)"
)
FILL_SQL = (
    'INSERT INTO "exchange_accesslogentry" ("id", "at", "consumer_id", "client_id", "user_ref", '  # noqa: S608
    '"case_ref", "message_id", "item_code", "subject_id", "fields", "purpose", "basis", "outcome", '
    '"error_code", "prev_hash", "entry_hash") '
    "SELECT i, t, NULL, 'bench', '', 'CASE-' || i, 'm-' || i, 'resident.abstract', NULL, "
    "'[\"name_ko\", \"address\"]'::jsonb, '연금 수급자격 확인', 'grant:1', 'granted', '', '', "
    f"encode(sha256('\\x00'::bytea || convert_to({CANONICAL_SQL}, 'UTF8')), 'hex') "
    "FROM (SELECT i, TIMESTAMPTZ '2025-01-01 00:00:00+00' + i * INTERVAL '3 milliseconds' AS t "
    "FROM generate_series(%s::bigint, %s::bigint) AS i) AS s"
)


def _env(url: str, data: Path) -> dict:
    return {
        **os.environ,
        "EGOV_DATABASE_URL": url,
        "EGOV_SECRET_KEY": SECRET_KEY,
        "EGOV_DATA_DIR": str(data),
        "DJANGO_SETTINGS_MODULE": "egov.settings",
    }


def _django(env: dict) -> None:
    os.environ.update(env)
    import django

    django.setup()


def _egov(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own CLI)
        [sys.executable, "-m", "egov.cli", *args], env=env, check=check, capture_output=True, text=True
    )


def _fill(url: str, entries: int) -> None:
    from egov.exchange import tlog

    with psycopg.connect(url, autocommit=True) as conn:
        have = conn.execute('SELECT COALESCE(MAX("id"), 0) FROM "exchange_accesslogentry"').fetchone()[0]
        started = time.monotonic()
        for first in range(have + 1, entries + 1, CHUNK):
            last = min(first + CHUNK - 1, entries)
            conn.execute(FILL_SQL, [first, last])
            conn.execute("SELECT setval(pg_get_serial_sequence('exchange_accesslogentry', 'id'), %s)", [last])
            print(f"  entries up to {last:,} ({time.monotonic() - started:.0f} s)", flush=True)
        nodes = conn.execute('SELECT COUNT(*) FROM "exchange_accesslognode" WHERE "level" = 0').fetchone()[0]
        total = conn.execute(
            'SELECT (SELECT COUNT(*) FROM "exchange_accesslogentry") '
            '- (SELECT COUNT(*) FROM "exchange_accesslogpending")'
        ).fetchone()[0]
        if nodes == total:
            return  # the log and its tree are there from an earlier run
        # The tree of the leaves already there goes on from its stored compact range: a log
        # can be built in several runs (--fill-only), each under a few minutes.
        started = time.monotonic()
        size = nodes
        ids = tlog.frontier_nodes(size)
        found = {
            (level, index): bytes(digest)
            for level, index, digest in conn.execute(
                'SELECT "level", "index", "digest" FROM "exchange_accesslognode" '
                'WHERE ("level", "index") IN (SELECT * FROM unnest(%s::smallint[], %s::bigint[]))',
                [[n[0] for n in ids], [n[1] for n in ids]],
            )
        }
        frontier = [found[n] for n in ids]
        last = conn.execute(
            'SELECT COALESCE(MAX("entry_id"), 0) FROM "exchange_accesslognode" WHERE "level" = 0'
        ).fetchone()[0]
        # Two connections: one streams the leaves out while the other copies the nodes in.
        with psycopg.connect(url) as reader, reader.cursor(name="leaves") as leaves, conn.cursor() as out:
            leaves.execute(
                'SELECT "id", "entry_hash" FROM "exchange_accesslogentry" AS e WHERE "id" > %s '
                'AND NOT EXISTS (SELECT 1 FROM "exchange_accesslogpending" AS p WHERE p."entry_id" = e."id") '
                'ORDER BY "id"',
                [last],
            )
            copy_sql = 'COPY "exchange_accesslognode" ("level", "index", "digest", "entry_id") FROM STDIN'
            with out.copy(copy_sql) as copy:
                while rows := leaves.fetchmany(100_000):
                    first = size
                    size, frontier, created = tlog.append_leaves(
                        size, frontier, (bytes.fromhex(r[1]) for r in rows)
                    )
                    for level, index, digest in created:  # a leaf names its entry: its position
                        copy.write_row((level, index, digest, rows[index - first][0] if level == 0 else None))
        print(f"  nodes of {size:,} leaves in {time.monotonic() - started:.0f} s", flush=True)
        conn.execute('VACUUM (ANALYZE) "exchange_accesslogentry"')
        conn.execute('VACUUM (ANALYZE) "exchange_accesslognode"')


def _check_sample() -> None:
    from egov.exchange.accesslog import entry_leaf_hash
    from egov.exchange.models import AccessLogEntry

    for entry in AccessLogEntry.objects.filter(seq__in=[1, 2, 12345]):
        assert entry_leaf_hash(entry).hex() == entry.entry_hash, "the SQL canonical form drifted"


def _witness(work: Path, log_vkey: str) -> tuple[subprocess.Popen, str]:
    directory = work / "witness"
    vkey = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "egov.exchange.witness", "init", "--dir", str(directory),
         "--name", f"witness.bench.example/run{int(time.time())}", "--log-key", log_vkey],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "egov.exchange.witness", "serve", "--dir", str(directory), "--port", "0"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    url = process.stdout.readline().split()[-1]
    return process, f"{url} {vkey}"


def _percentiles(values: list[float]) -> str:
    values = sorted(values)
    p = lambda q: values[min(len(values) - 1, int(q * len(values)))]  # noqa: E731
    ms = {q: p(q) * 1000 for q in (0.5, 0.99)}
    return f"p50 {ms[0.5]:.2f} ms, p99 {ms[0.99]:.2f} ms, max {values[-1] * 1000:.2f} ms (n={len(values)})"


def _writer(env: dict, rate: float, seconds: float, out: str, threads: int, in_transaction: bool) -> None:
    """One process of `threads` threads, each with its own connection, appending one entry
    at a time at `rate / threads` a second: like as many requests being served. Each append
    is one statement in autocommit, or with `in_transaction` one transaction (BEGIN, INSERT,
    COMMIT)."""
    import threading

    _django(env)
    from django.db import connections, transaction

    from egov.exchange.accesslog import access_log_append

    done = []
    start = time.monotonic()

    def run() -> None:
        n = 0
        try:
            while time.monotonic() - start < seconds:
                due = start + n / (rate / threads)
                time.sleep(max(0.0, due - time.monotonic()))
                with transaction.atomic() if in_transaction else contextlib.nullcontext():
                    entry = access_log_append(
                        consumer=None, client_id="bench", item_code="resident.abstract", subject=None,
                        fields=["name_ko"], purpose="부하 시험", basis="grant:1", outcome="granted",
                        error_code="",
                    )  # fmt: skip
                done.append((entry.pk, time.time()))
                n += 1
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    Path(out).write_text(json.dumps({"entries": done, "elapsed": time.monotonic() - start}))


def _ticker(env: dict, seconds: float, out: str) -> None:
    _django(env)
    from egov.exchange.accesslog import access_log_integrate, access_log_witness

    rounds = []
    stop = time.monotonic() + seconds + 3
    while time.monotonic() < stop:
        began = time.monotonic()
        done = access_log_integrate()
        ended = time.time()
        access_log_witness()
        rounds.append((ended, done.tree_size if done else None, time.monotonic() - began))
        time.sleep(max(0.0, 1.0 - (time.monotonic() - began)))
    Path(out).write_text(json.dumps(rounds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000_000)
    parser.add_argument("--recreate", action="store_true")
    parser.add_argument("--proofs", type=int, default=2000)
    parser.add_argument("--writers", type=int, default=4, help="writer processes")
    parser.add_argument("--threads", type=int, default=8, help="threads (connections) per writer")
    parser.add_argument("--rate", type=float, default=2000, help="appends per second, all writers together")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument(
        "--in-transaction", action="store_true", help="each append in a transaction (default: autocommit)"
    )
    parser.add_argument("--proofs-only", action="store_true", help="measure the proofs and stop")
    parser.add_argument("--appends-only", action="store_true", help="skip both verifications")
    parser.add_argument(
        "--fill-only", action="store_true", help="fill the log up to --entries and stop (build in steps)"
    )
    parser.add_argument("--seed", type=int, default=1, help="of the random leaves proved")
    args = parser.parse_args()
    if not (0 < args.entries <= 20_000_000 and args.seconds <= 120 and args.writers <= 16):
        sys.exit("keep the load bounded: --entries <= 20M, --seconds <= 120, --writers <= 16")
    url = os.environ.get("EGOV_TLOG_DATABASE_URL", DEFAULT_URL)
    data = ROOT / "var" / "tlog-bench"
    env = _env(url, data)
    work = Path(tempfile.mkdtemp(prefix="egov-tlog-"))
    print(f"database {urlsplit(url).path.lstrip('/')}; load average {os.getloadavg()[0]:.1f}")
    if measure.database_create(url, recreate=args.recreate):
        print("created the database")
    _egov(env, "migrate", "--no-input")
    started = time.monotonic()
    _fill(url, args.entries)
    print(f"fill: {time.monotonic() - started:.0f} s")
    if args.fill_only:
        return
    _django(env)
    from egov.exchange import accesslog, store

    _check_sample()
    size = store.tree_size()
    witness, witnesses = _witness(work, accesslog.log_verifier().vkey())
    env["EGOV_WITNESSES"] = witnesses
    os.environ["EGOV_WITNESSES"] = witnesses
    from django.conf import settings

    settings.EGOV_WITNESSES = witnesses
    try:
        accesslog.access_log_integrate()
        assert accesslog.access_log_witness() == 1, "the witness did not cosign"
        print(f"tree of {size:,} leaves, checkpoint signed and cosigned")

        timings = []
        for index in random.Random(args.seed).sample(range(size), args.proofs):
            began = time.perf_counter()
            accesslog.inclusion_proof(index, size)
            timings.append(time.perf_counter() - began)
        print(
            f"inclusion proof in a tree of {size:,}: {_percentiles(timings)}; load {os.getloadavg()[0]:.1f}"
        )
        if args.proofs_only:
            return

        state = work / "verified.json"
        if not args.appends_only:
            began = time.monotonic()
            full = _egov(env, "audit", "verify", "--state", str(state), check=False)
            print(
                f"full verification: {time.monotonic() - began:.1f} s wall, exit {full.returncode}: "
                f"{full.stdout.strip()} {full.stderr.strip()[-300:]}"
            )

        from django.db import connections

        connections.close_all()
        ctx = multiprocessing.get_context("spawn")
        outs = [str(work / f"writer{n}.json") for n in range(args.writers)]
        ticks = str(work / "ticks.json")
        procs = [ctx.Process(target=_ticker, args=(env, args.seconds, ticks))]
        procs += [
            ctx.Process(
                target=_writer,
                args=(env, args.rate / args.writers, args.seconds, o, args.threads, args.in_transaction),
            )
            for o in outs
        ]
        load_before = os.getloadavg()[0]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        appended = [e for o in outs for e in json.loads(Path(o).read_text())["entries"]]
        elapsed = max(json.loads(Path(o).read_text())["elapsed"] for o in outs)
        rounds = json.loads(Path(ticks).read_text())
        from egov.exchange.models import AccessLogEntry

        seqs = dict(AccessLogEntry.objects.filter(pk__in=[e[0] for e in appended]).values_list("pk", "seq"))
        lags = []
        for pk, committed in appended:
            seq = seqs.get(pk)
            done = next((r[0] for r in rounds if r[1] is not None and seq is not None and r[1] >= seq), None)
            if done is not None:
                lags.append(done - committed)
        unintegrated = len(appended) - len(lags)
        busy = [r[2] for r in rounds]
        print(
            f"appends: {len(appended):,} in {elapsed:.1f} s = {len(appended) / elapsed:,.0f}/s by "
            f"{args.writers} writers x {args.threads} threads "
            f"({'one transaction' if args.in_transaction else 'one autocommit statement'} each); "
            f"integration lag {_percentiles(lags)}; {unintegrated} not "
            "integrated; integrator round "
            f"{_percentiles(busy)}; load average {load_before:.1f} -> {os.getloadavg()[0]:.1f}"
        )
        if args.appends_only:
            return
        began = time.monotonic()
        incremental = _egov(env, "audit", "verify", "--state", str(state), check=False)
        print(
            f"incremental verification: {time.monotonic() - began:.1f} s wall, "
            f"exit {incremental.returncode}: "
            f"{incremental.stdout.strip()} {incremental.stderr.strip()[-300:]}"
        )
    finally:
        witness.terminate()
        witness.wait(timeout=10)


if __name__ == "__main__":
    main()
