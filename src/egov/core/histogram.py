"""Fixed histogram buckets for percentiles kept incrementally (the KPI rollups, `egov.kpi`).

Bucket i holds values v with EDGES[i] <= v < EDGES[i + 1] (the last one has no upper end). The
edges are whole units up to 30 (business days, hours), so the percentile of whole-unit values
up to 30 is exact; above, buckets widen and the percentile is the bucket's lower edge.
"""

import bisect

EDGES: tuple[float, ...] = (
    *range(0, 31),
    35, 40, 45, 50, 60, 70, 80, 90, 120, 150, 180, 240, 365, 730,
)  # fmt: skip


def bucket_of(value: float) -> int:
    """The bucket a value falls in (values below 0 go to the first)."""
    return max(0, bisect.bisect_right(EDGES, value) - 1)


def buckets_add(into: list[int], other: list[int]) -> list[int]:
    """`into` plus `other`, bucket by bucket (either may be shorter: missing buckets are 0)."""
    size = max(len(into), len(other))
    return [(into[i] if i < len(into) else 0) + (other[i] if i < len(other) else 0) for i in range(size)]


def percentile(buckets: list[int], p: float) -> float | None:
    """The nearest-rank `p`-th percentile (0 < p <= 100) of the histogram: the lower edge of the
    bucket holding the value of rank ceil(p/100 * n); None for an empty histogram."""
    n = sum(buckets)
    if n <= 0:
        return None
    rank = max(1, -(-int(p * n) // 100))
    seen = 0
    for index, count in enumerate(buckets):
        seen += count
        if seen >= rank:
            return float(EDGES[index])
    return float(EDGES[len(buckets) - 1])
