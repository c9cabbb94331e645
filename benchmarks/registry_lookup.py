"""Look-up latency on the seeded 1M-resident PostgreSQL database (run benchmarks/seed_1m.py first).

    EGOV_DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench \\
    EGOV_SECRET_KEY=<the key the seed ran with> .venv/bin/python benchmarks/registry_lookup.py

1. By national ID through the blind index: `registry.selectors.resident_get_by_rrn` for
   2,000 random existing residents (their numbers decrypted first). Target: p99 < 5 ms.
2. By name prefix: `registry.selectors.resident_search_for` as the demo MOIS viewer (every
   district in scope) for 1,000 prefixes, the first two syllables of random residents'
   names, and the bare query `name_ko__startswith ... order_by("name_ko", "id")[:50]`.
   Target: p95 < 50 ms.
3. With --proposed-index: the name search as proposed for issue 2, ordering and filtering on
   `name_ko COLLATE "C"` so that a btree on (name_ko COLLATE "C", id) serves both the prefix
   match and the order, and LIMIT 50 stops after 50 index entries. The index is created for
   the run and dropped after it (unless --keep-index).

Timings are wall clock in this process, ORM included, after a short warm-up.
"""

import argparse
import os
import random
import statistics
import time
from collections import Counter

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models.functions import Collate  # noqa: E402

from egov.accounts.models import User  # noqa: E402
from egov.core.crypto import decrypt_id  # noqa: E402
from egov.registry.models import Resident  # noqa: E402
from egov.registry.selectors import resident_get_by_rrn, resident_search_for  # noqa: E402

TARGETS = {"id": ("p99", 5.0), "name": ("p95", 50.0)}
PROPOSED_INDEX = "bench_resident_name_ko_c_idx"
PROPOSED_INDEX_SQL = (
    f'CREATE INDEX IF NOT EXISTS {PROPOSED_INDEX} ON registry_resident ((name_ko COLLATE "C"), id)'
)


def proposed_search(*, scope: set[int], query: str):
    """resident_search_for's name branch as proposed: prefix and order in the "C" collation."""
    return (
        Resident.objects.filter(agency_id__in=scope)
        .select_related("agency")
        .alias(name_c=Collate("name_ko", "C"))
        .filter(name_c__startswith=query)
        .order_by("name_c", "id")[:50]
    )


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
    print(f"{label:<34} n={len(samples):<5} {line}{verdict}")


def _random_residents(rng: random.Random, count: int) -> list[Resident]:
    low = Resident.objects.order_by("id").values_list("id", flat=True).first()
    high = Resident.objects.order_by("-id").values_list("id", flat=True).first()
    ids = rng.sample(range(low, high + 1), count * 2)
    found = list(Resident.objects.filter(id__in=ids).only("id", "rrn_encrypted", "name_ko"))
    rng.shuffle(found)
    return found[:count]


def _explain(sql: str, params: list) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description="Registry look-up latency")
    parser.add_argument("--ids", type=int, default=2000)
    parser.add_argument("--names", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--explain", action="store_true", help="print one query plan of each kind")
    parser.add_argument("--proposed-index", action="store_true", help="also time the proposed name search")
    parser.add_argument("--keep-index", action="store_true", help="keep the proposed index afterwards")
    args = parser.parse_args()
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
    _report("ID number (blind index)", samples, TARGETS["id"])

    prefixes = [p.name_ko[:2] for p in _random_residents(rng, args.names)]
    official = User.objects.get(username="official.mois")
    samples = _time([lambda q=q: list(resident_search_for(actor=official, query=q)) for q in prefixes])
    _report("name prefix, resident_search_for", samples, TARGETS["name"])
    bare = [
        lambda q=q: list(Resident.objects.filter(name_ko__startswith=q).order_by("name_ko", "id")[:50])
        for q in prefixes
    ]
    _report("name prefix, bare query", _time(bare), TARGETS["name"])
    if args.proposed_index:
        with connection.cursor() as cursor:
            started = time.monotonic()
            cursor.execute(PROPOSED_INDEX_SQL)
            print(f"created {PROPOSED_INDEX} in {time.monotonic() - started:.1f} s")
        scope = official._egov_scope
        proposed = [lambda q=q: list(proposed_search(scope=scope, query=q)) for q in prefixes]
        for query in prefixes[:20]:
            expected = list(resident_search_for(actor=official, query=query))
            assert list(proposed_search(scope=scope, query=query)) == expected
        _report("name prefix, proposed (C collation)", _time(proposed), TARGETS["name"])
    common = ", ".join(f"{p} x{n}" for p, n in Counter(prefixes).most_common(3))
    print(f"prefixes: {len(set(prefixes))} distinct; most common: {common}")

    if args.explain:
        queryset = Resident.objects.filter(rrn_index="0" * 64)
        sql, params = queryset.query.sql_with_params()
        print("\n-- ID number\n" + _explain(sql, list(params)))
        queryset = resident_search_for(actor=official, query=prefixes[0])
        sql, params = queryset.query.sql_with_params()
        print(f"\n-- name prefix {prefixes[0]!r}\n" + _explain(sql, list(params)))
        if args.proposed_index:
            sql, params = proposed_search(
                scope=official._egov_scope, query=prefixes[0]
            ).query.sql_with_params()
            print(f"\n-- proposed name prefix {prefixes[0]!r}\n" + _explain(sql, list(params)))
    if args.proposed_index and not args.keep_index:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {PROPOSED_INDEX}")


if __name__ == "__main__":
    main()
