"""Time `egov audit verify` over 1,000,000 access-log entries on PostgreSQL (target: < 30 s).

    export EGOV_DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_audit_bench
    export EGOV_SECRET_KEY=bench-secret-key-0123456789-abcdefghijklmnop
    export EGOV_DATA_DIR=var/audit-bench
    .venv/bin/python benchmarks/audit_verify.py --recreate

1. Creates the database named by EGOV_DATABASE_URL if needed (--recreate drops it first),
   migrates it and seeds a small nation (`egov seed --residents 2000`) so that entries name
   real agencies and residents.
2. Appends --entries chained entries (default 1,000,000) after the current head: the hashes
   are computed here with `egov.exchange.accesslog.canonical_form`, exactly as
   `access_log_append` does, and the rows are streamed in with one COPY; a checkpoint signed
   with the platform key (under EGOV_DATA_DIR/keys, created if missing) every
   EGOV_ACCESS_CHECKPOINT_INTERVAL entries (default 1000). Then VACUUM (ANALYZE), as a
   database in service would be.
3. Runs `egov audit verify` --runs times (default 3) in a subprocess and reports its wall
   clock, Django start-up included.
4. Alters one entry near the end (seq head - 12,345), checks that verify exits 1 naming it
   and times that run, then puts the entry back and checks verify passes again.

The database is left in place; rerun with --skip-fill to time verify again.
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import time
from urllib.parse import urlsplit

import measure  # the sibling module benchmarks/measure.py
import psycopg

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")

TARGET_SECONDS = 30
COLUMNS = (
    "seq", "at", "consumer_id", "client_id", "user_ref", "case_ref", "message_id", "item_code",
    "subject_id", "fields", "purpose", "basis", "outcome", "error_code", "prev_hash", "entry_hash",
)  # fmt: skip
ITEMS = {
    "resident.abstract": ["name_ko", "name_en", "birth_date", "address", "household_head"],
    "family.relations": ["spouse", "children", "parents"],
    "vehicle.registration": ["plate", "model", "owner_name", "registered_on"],
    "business.status": ["brn", "trade_name", "status", "closed_on"],
}
PURPOSES = ["연금 수급자격 확인", "기초생활수급 자격 조사", "대출 심사", "자동차세 부과", "학자금 지원 심사"]
REFUSALS = ["grant_invalid", "consent_invalid", "field_not_granted", "unknown_subject", "no_basis"]


def _prepare(url: str, *, recreate: bool) -> None:
    if measure.database_create(url, recreate=recreate):
        print(f"created database {urlsplit(url).path.lstrip('/')}")


def _egov(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own CLI)
        [sys.executable, "-m", "egov.cli", *args], check=check, capture_output=True, text=True
    )


def _fill(count: int, seed: int) -> None:
    from django.conf import settings
    from django.db import connection, transaction

    from egov.core.keys import platform_key
    from egov.exchange.accesslog import GENESIS_HASH, canonical_form, checkpoint_message
    from egov.exchange.models import AccessCheckpoint, AccessLogEntry
    from egov.registry.models import Agency, Resident

    rng = random.Random(seed)
    agencies = list(Agency.objects.values_list("id", flat=True))
    residents = list(Resident.objects.values_list("id", flat=True))
    every = settings.EGOV_ACCESS_CHECKPOINT_INTERVAL
    key = platform_key()
    items = list(ITEMS.items())
    sha256 = hashlib.sha256
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x65676F76])  # no append may interleave
        head = AccessLogEntry.objects.order_by("-seq").values_list("seq", "entry_hash", "at").first()
        start, prev, at = head or (0, GENESIS_HASH, dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
        checkpoints = []
        copy_sql = f"COPY exchange_accesslogentry ({', '.join(COLUMNS)}) FROM STDIN"
        with cursor.cursor.copy(copy_sql) as copy:
            for seq in range(start + 1, start + count + 1):
                at += dt.timedelta(microseconds=rng.randrange(1, 60_000_000))
                item, item_fields = rng.choice(items)
                refused = rng.random() < 0.1
                error = rng.choice(REFUSALS) if refused else ""
                fields = rng.sample(item_fields, rng.randint(1, len(item_fields)))
                is_system = rng.random() < 0.7
                row = (
                    seq, at, rng.choice(agencies), f"sys-{rng.randrange(40):02d}" if is_system else "",
                    "" if is_system else f"official.{rng.randrange(500)}",
                    f"사건-2025-{rng.randrange(100_000):05d}" if rng.random() < 0.3 else "",
                    f"{rng.getrandbits(64):016x}", item,
                    None if error == "unknown_subject" else rng.choice(residents),
                    fields, rng.choice(PURPOSES), f"grant:{rng.randrange(1, 300)}",
                    "refused" if refused else "granted", error, prev,
                )  # fmt: skip
                prev = sha256(canonical_form(row)).hexdigest()
                copy.write_row((*row[:9], json.dumps(fields, ensure_ascii=False), *row[10:], prev))
                if seq % every == 0:
                    message = checkpoint_message(seq=seq, entry_hash=prev, key_id=key.key_id)
                    checkpoints.append(
                        AccessCheckpoint(
                            seq=seq,
                            entry_hash=prev,
                            signature=key.sign(message).hex(),
                            key_id=key.key_id,
                            signed_at=at,
                        )  # fmt: skip
                    )
                if seq % 200_000 == 0:
                    print(f"  {seq - start:>9,} entries  {time.monotonic() - started:6.1f} s", flush=True)
        AccessCheckpoint.objects.bulk_create(checkpoints, batch_size=1000)
    print(
        f"appended {count:,} entries (seq {start + 1:,}–{start + count:,}) and {len(checkpoints):,} "
        f"checkpoints in {time.monotonic() - started:.1f} s"
    )


def _verify(label: str) -> tuple[float, subprocess.CompletedProcess]:
    """Run `egov audit verify`; print its wall clock, its CPU time and the load around it
    (the machine may be shared: CPU time is what the command itself needed)."""
    load = os.getloadavg()[0]
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    result = _egov("audit", "verify", check=False)
    seconds = time.monotonic() - started
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seconds = used.ru_utime - cpu.ru_utime + used.ru_stime - cpu.ru_stime
    print(
        f"{label}: exit {result.returncode}, {seconds:.1f} s wall clock, {cpu_seconds:.1f} s CPU, "
        f"load average {load:.1f} before / {os.getloadavg()[0]:.1f} after"
    )
    print(f"  {(result.stdout + result.stderr).strip()}")
    return seconds, result


def _tamper_check() -> None:
    from django.db.models import Max

    from egov.exchange.models import AccessLogEntry

    head = AccessLogEntry.objects.aggregate(head=Max("seq"))["head"]
    seq = max(1, head - 12_345)
    original = AccessLogEntry.objects.values_list("purpose", flat=True).get(seq=seq)
    AccessLogEntry.objects.filter(seq=seq).update(purpose=original + " (변조)")
    try:
        _seconds, result = _verify(f"verify after altering seq {seq:,}")
        assert result.returncode == 1 and f"seq {seq}: altered" in result.stderr, result.stderr
    finally:
        AccessLogEntry.objects.filter(seq=seq).update(purpose=original)
    _seconds, result = _verify("verify after putting it back")
    assert result.returncode == 0, result.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--recreate", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--skip-fill", action="store_true", help="time verify on the log already there")
    parser.add_argument("--skip-tamper", action="store_true", help="do not run the tamper check")
    args = parser.parse_args()
    url = os.environ.get("EGOV_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "Set EGOV_DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1/egov_audit_bench"
        )

    if not args.skip_fill:
        _prepare(url, recreate=args.recreate)
        _egov("migrate", "--noinput", "--verbosity", "0")
        print(
            _egov("seed", "--residents", "2000", "--seed", str(args.seed), "--if-empty").stdout.splitlines()[
                -1
            ]
        )
    import django

    django.setup()
    if not args.skip_fill:
        _fill(args.entries, args.seed)
        started = time.monotonic()
        with psycopg.connect(url, autocommit=True) as db:
            db.execute("VACUUM (ANALYZE) exchange_accesslogentry")
            db.execute("VACUUM (ANALYZE) exchange_accesscheckpoint")
            size = db.execute("SELECT pg_size_pretty(pg_total_relation_size('exchange_accesslogentry'))")
            size = size.fetchone()[0]
        print(f"VACUUM (ANALYZE) in {time.monotonic() - started:.1f} s; table with indexes: {size}")

    times = [_verify(f"verify run {run + 1}")[0] for run in range(args.runs)]
    best, worst = min(times), max(times)
    print(f"\negov audit verify: best {best:.1f} s, worst {worst:.1f} s wall clock", end="")
    print(f" (target < {TARGET_SECONDS} s)")
    print("PASS" if worst < TARGET_SECONDS else "MISSED TARGET")
    if not args.skip_tamper:
        _tamper_check()


if __name__ == "__main__":
    main()
