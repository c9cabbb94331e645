"""Issue 19: the DCAT-AP export of 10,000 datasets in under 10 s, on PostgreSQL.

    .venv/bin/python benchmarks/opendata_dcat_export.py --recreate     # create, fill, measure
    .venv/bin/python benchmarks/opendata_dcat_export.py                # measure again

Database `egov_opendata_bench` (shared with opendata_package_search.py) filled to --datasets
datasets as that script fills it. Then, --runs times each, the whole catalogue is built with
rdflib and serialized (`opendata.dcat.catalogue_build`) in each of --formats, in this process:
wall time, bytes, queries; then the same answer from the cache (`catalogue_serialize`, what
`/catalog.<kind>` serves while the catalogue has not changed). The datasets' RDF fragments are
written first (as the services write them on each change) and timed apart: the export
assembles the stored fragments.
"""

import argparse
import time

import opendata_common as common


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default=common.DEFAULT_URL)
    parser.add_argument("--recreate", action="store_true")
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", default="ttl,jsonld,rdf")
    args = parser.parse_args()
    common.setup(args.url, recreate=args.recreate)
    made = common.datasets_fill(args.datasets)
    if made:
        common.vacuum()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from egov.opendata import dcat
    from egov.opendata.models import Dataset

    print(f"{Dataset.objects.count():,} datasets ({made:,} made now)")
    from django.urls import reverse

    reverse("opendata:catalogue")  # load the URL configuration outside the timings
    # The fragments are written by the services when a dataset changes; the bench's datasets are
    # made by bulk_create, so they are written here once, and timed (the cost moved to the write).
    start = time.perf_counter()
    written = dcat.fragments_refresh()
    took = time.perf_counter() - start
    each = 1000 * took / max(written, 1)
    print(f"RDF fragments written now: {written:,} in {took:.2f} s ({each:.1f} ms each)")
    from django.utils import timezone

    changed = list(Dataset.objects.order_by("?")[:10])
    Dataset.objects.filter(pk__in=[d.pk for d in changed]).update(modified_at=timezone.now())
    start = time.perf_counter()
    written = dcat.fragments_refresh()
    took = time.perf_counter() - start
    print(f"after 10 datasets changed: {written} fragments written again in {took:.2f} s")
    for kind in args.formats.split(","):
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                content = dcat.catalogue_build(kind)
            times.append(time.perf_counter() - start)
        print(
            f"/catalog.{kind:<6} build + serialize: best {min(times):.2f} s, worst {max(times):.2f} s "
            f"({len(content) / 1e6:.1f} MB, {len(queries)} queries)"
        )
        dcat.catalogue_serialize(kind)  # into the cache
        start = time.perf_counter()
        dcat.catalogue_serialize(kind)
        print(f"/catalog.{kind:<6} from the cache (catalogue unchanged): {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()
