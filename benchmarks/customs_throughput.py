"""Declarations accepted and risk-assessed per second, green ones released (issue 16:
at least 100 a second on this 2-core machine): the green-lane benchmark's closed loop — every
declarant submits again as soon as it is answered, no think time. The release notices are
signed by `egov worker` beside the server; the report says how long after the window the last
was signed.

    .venv/bin/python benchmarks/customs_throughput.py                        # 20 declarants, 30 s
    .venv/bin/python benchmarks/customs_throughput.py --declarants 40 --seconds 60
"""

import argparse

import customs_green_lane  # the sibling benchmark: same database, server and declarants

TARGET_PER_SECOND = 100


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=customs_green_lane.DEFAULT_URL)
    parser.add_argument("--recreate", action="store_true")
    parser.add_argument("--declarants", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--drain", type=int, default=300, help="seconds to wait for the notices after")
    args = parser.parse_args()
    r = customs_green_lane.run(
        database_url=args.database_url,
        recreate=args.recreate,
        declarants=args.declarants,
        seconds=args.seconds,
        think=(0.0, 0.0),
        drain=args.drain,
    )
    verdict = "meets" if r["per_second"] >= TARGET_PER_SECOND else "MISSES"
    print(
        f"{args.declarants} declarants, closed loop, {args.seconds} s: {r['count']} declarations accepted, "
        f"assessed and released: {r['per_second']:.1f} per second "
        f"({verdict} >= {TARGET_PER_SECOND}/s), "
        f"p50 {r['p50']:.0f} ms, p99 {r['p99']:.0f} ms, {len(r['errors'])} errors"
    )
    print(customs_green_lane.notices_line(r))
    if r["errors"]:
        print("first errors:", r["errors"][:5])


if __name__ == "__main__":
    main()
