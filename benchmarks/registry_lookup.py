"""Look-up latency on the seeded 1M-resident PostgreSQL database (run benchmarks/seed_1m.py first,
and `egov migrate` if the database predates a registry migration).

    EGOV_DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench \\
    EGOV_SECRET_KEY=<the key the seed ran with> .venv/bin/python benchmarks/registry_lookup.py

1. By national ID through the blind index: `registry.selectors.resident_get_by_rrn` for
   2,000 random existing residents (their numbers decrypted first). Target: p99 < 5 ms.
2. By name prefix: `registry.selectors.resident_search_for` for 1,000 prefixes, the first two
   syllables of random residents' names, as the demo MOIS viewer (every district in scope)
   and as the demo Jongno-gu viewer (one district). The selector filters and orders on
   `name_ko COLLATE "C"`, served by the index `resident_name_ko_c_idx` on
   (name_ko COLLATE "C", id) from migration 0002. Target: p95 < 50 ms.
3. EXPLAIN ANALYZE of the ID look-up and of the name search for the most common prefix drawn,
   as both viewers.

Timings are wall clock in this process, ORM included, after a short warm-up.
"""

import argparse
import os
import random
import statistics
import sys
import time
from collections import Counter

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from egov.accounts.models import User  # noqa: E402
from egov.core.crypto import decrypt_id  # noqa: E402
from egov.registry.models import Resident  # noqa: E402
from egov.registry.selectors import resident_get_by_rrn, resident_search_for  # noqa: E402

TARGETS = {"id": ("p99", 5.0), "name": ("p95", 50.0)}
NAME_INDEX = "resident_name_ko_c_idx"
VIEWERS = (("MOIS viewer", "official.mois"), ("Jongno-gu viewer", "official.jongno"))


def _percentiles(samples_ms: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return {
        "p50": statistics.median(samples_ms),
        "p95": cuts[94],
        "p99": cuts[98],
        "max": max(samples_ms),
        "mean": statistics.fmean(samples_ms),
    }


def _time(calls, *, warmup: int = 50) -> list[float]:
    for call in calls[:warmup]:
        call()
    samples = []
    for call in calls:
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _report(label: str, samples: list[float], target: tuple[str, float] | None = None) -> None:
    stats = _percentiles(samples)
    line = "  ".join(f"{k} {v:7.2f} ms" for k, v in stats.items())
    verdict = ""
    if target:
        key, limit = target
        verdict = f"  [{key} target < {limit:g} ms: {'PASS' if stats[key] < limit else 'MISSED'}]"
    print(f"{label:<40} n={len(samples):<5} {line}{verdict}")


def _random_residents(rng: random.Random, count: int) -> list[Resident]:
    low = Resident.objects.order_by("id").values_list("id", flat=True).first()
    high = Resident.objects.order_by("-id").values_list("id", flat=True).first()
    ids = rng.sample(range(low, high + 1), count * 2)
    found = list(Resident.objects.filter(id__in=ids).only("id", "rrn_encrypted", "name_ko"))
    rng.shuffle(found)
    return found[:count]


def _explain_sql(sql: str, params: list) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _explain(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    return _explain_sql(sql, list(params))


def _name_index_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [NAME_INDEX])
        return cursor.fetchone() is not None


def main() -> None:
    parser = argparse.ArgumentParser(description="Registry look-up latency")
    parser.add_argument("--ids", type=int, default=2000)
    parser.add_argument("--names", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("This benchmark needs the PostgreSQL database (set EGOV_DATABASE_URL).")
    if not _name_index_exists():
        sys.exit(f"Index {NAME_INDEX} is missing: run `egov migrate` on this database first.")
    rng = random.Random(args.seed)
    total = Resident.objects.count()
    print(f"database {connection.settings_dict['NAME']}: {total:,} residents")

    people = _random_residents(rng, args.ids)
    numbers = []
    for person in people:
        digits = decrypt_id(person.rrn_encrypted)
        numbers.append(f"{digits[:6]}-{digits[6:]}")
    samples = _time([lambda n=n: resident_get_by_rrn(rrn=n) for n in numbers])
    assert all(resident_get_by_rrn(rrn=n).pk == p.pk for n, p in zip(numbers[:50], people, strict=False))
    _report("ID number, resident_get_by_rrn", samples, TARGETS["id"])

    prefixes = [p.name_ko[:2] for p in _random_residents(rng, args.names)]
    officials = {label: User.objects.get(username=username) for label, username in VIEWERS}
    for label, official in officials.items():
        calls = [lambda q=q, o=official: list(resident_search_for(actor=o, query=q)) for q in prefixes]
        _report(f"name prefix, {label}", _time(calls), TARGETS["name"])
    counts = Counter(prefixes).most_common(3)
    most_common = ", ".join(f"{prefix} x{n}" for prefix, n in counts)
    print(f"prefixes: {len(set(prefixes))} distinct; most common: {most_common}")

    with CaptureQueriesContext(connection) as captured:
        resident_get_by_rrn(rrn=numbers[0])
    print("\n-- ID number, resident_get_by_rrn\n" + _explain_sql(captured[-1]["sql"], []))
    common = counts[0][0]
    matches = Resident.objects.filter(name_ko__startswith=common).count()
    for label, official in officials.items():
        plan = _explain(resident_search_for(actor=official, query=common))
        print(f"\n-- name prefix {common!r} ({matches:,} residents nationwide), {label}\n{plan}")


if __name__ == "__main__":
    main()
