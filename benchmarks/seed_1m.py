"""Time `egov seed --residents 1000000` on a fresh PostgreSQL database (target: < 5 minutes).

    EGOV_DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench \\
    EGOV_SECRET_KEY=... .venv/bin/python benchmarks/seed_1m.py --recreate

The database named by EGOV_DATABASE_URL is created if it does not exist. With --recreate an
existing one is dropped first; without it, a database that already holds residents is
refused. The database is left in place, vacuumed, for benchmarks/registry_lookup.py.
"""

import argparse
import os
import subprocess
import sys
import time
from urllib.parse import urlsplit

import measure  # the sibling module benchmarks/measure.py
import psycopg
from psycopg import sql

TARGET_SECONDS = 300


def _prepare(url: str, *, recreate: bool) -> None:
    name = urlsplit(url).path.lstrip("/")
    if measure.database_create(url, recreate=recreate):
        print(f"created database {name}")
        return
    with psycopg.connect(url) as db:
        has_table = db.execute("SELECT to_regclass('registry_resident')").fetchone()[0]
        if has_table and db.execute("SELECT EXISTS (SELECT 1 FROM registry_resident)").fetchone()[0]:
            sys.exit(f"database {name} already holds residents: pass --recreate to start afresh")


def _egov(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "egov.cli", *args], check=True)  # noqa: S603 (our own CLI)


def _counts(url: str) -> dict[str, tuple[int, str]]:
    tables = ["household", "resident", "familyrelation", "lifeevent", "business", "businessevent"]
    tables += ["vehicle", "vehicleevent"]
    out = {}
    with psycopg.connect(url) as db:
        for table in tables:
            name = f"registry_{table}"
            count = db.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name))).fetchone()[0]
            size = db.execute("SELECT pg_size_pretty(pg_total_relation_size(%s))", [name]).fetchone()[0]
            out[name] = (count, size)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--recreate", action="store_true", help="drop and recreate the database first")
    args = parser.parse_args()
    url = os.environ.get("EGOV_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "Set EGOV_DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1/egov_bench"
        )
    _prepare(url, recreate=args.recreate)
    _egov("migrate", "--noinput", "--verbosity", "0")
    started = time.monotonic()
    _egov("seed", "--residents", str(args.residents), "--seed", str(args.seed))
    seconds = time.monotonic() - started
    print(f"\nseed of {args.residents:,} residents: {seconds:.1f} s wall clock (target < {TARGET_SECONDS} s)")
    for table, (count, size) in _counts(url).items():
        print(f"  {table:<26} {count:>10,} rows  {size:>8}")
    print("PASS" if seconds < TARGET_SECONDS else "MISSED TARGET")
    # Leave the database as it would be in service (visibility map set, no autovacuum
    # pending) so that the look-up benchmark does not race the autovacuum of a fresh load.
    started = time.monotonic()
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("VACUUM (ANALYZE)")
    print(f"VACUUM (ANALYZE) afterwards, not timed above: {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
