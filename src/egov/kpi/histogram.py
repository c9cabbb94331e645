"""The rollups' histogram buckets: kept in `egov.core.histogram` so that the apps reading the
rollups through `egov.core.measures.rollup_cells` can read percentiles from the cells too."""

from egov.core.histogram import EDGES, bucket_of, buckets_add, percentile

__all__ = ["EDGES", "bucket_of", "buckets_add", "percentile"]
