"""Issue 19: CKAN `package_search` p95 under 100 ms over 10,000 datasets, on PostgreSQL.

    .venv/bin/python benchmarks/opendata_package_search.py --recreate     # create, fill, measure
    .venv/bin/python benchmarks/opendata_package_search.py                # measure again

Database `egov_opendata_bench` (created if missing, migrated; --recreate drops it first) is
filled to --datasets datasets by `bulk_create` (50 publishers, 7 themes, 2-4 tags each, one
resource each), then VACUUM (ANALYZE). Each query below is sent --requests times (after
--warmup) through Django's full HTTP stack in this process (`django.test.Client`, POST with a
JSON body as `ckanapi` sends it: middleware, the view, the action, the JSON envelope; no
network), one after another.
"""

import argparse
import json

import opendata_common as common

QUERIES = {
    "all, 10 rows, 5 facets": {"facet.field": ["organization", "groups", "tags", "res_format", "license_id"]},
    "q=버스 (words), 10 rows": {"q": "버스"},
    "q=버스 + fq organization + tags": {"q": "버스", "fq": 'organization:1105000 tags:"교통"'},
    "fq res_format:CSV, sort metadata_modified, 100 rows": {
        "fq": "res_format:CSV",
        "sort": "metadata_modified desc",
        "rows": 100,
    },
    "deep page start=9000": {"start": 9000, "rows": 10, "sort": "name asc"},
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default=common.DEFAULT_URL)
    parser.add_argument("--recreate", action="store_true")
    parser.add_argument("--datasets", type=int, default=10_000)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    common.setup(args.url, recreate=args.recreate)
    made = common.datasets_fill(args.datasets)
    if made:
        common.vacuum()
    from django.test import Client

    from egov.opendata.models import Dataset

    client = Client()
    print(f"{Dataset.objects.count():,} datasets ({made:,} made now)")
    for label, params in QUERIES.items():

        def call(params=params):
            response = client.post(
                "/api/action/package_search", data=json.dumps(params), content_type="application/json"
            )
            assert response.status_code == 200, response.content[:300]

        common.show(label, common.timed(call, warmup=args.warmup, requests=args.requests))


if __name__ == "__main__":
    main()
