"""Issue 19: CKAN `datastore_search` p95 under 100 ms on a 1,000,000-row resource, on PostgreSQL.

    .venv/bin/python benchmarks/opendata_datastore_search.py --recreate --rows 1000000
    .venv/bin/python benchmarks/opendata_datastore_search.py --rows 1000000     # measure again

Database `egov_opendata_bench` (shared with the other open-data benchmarks): one dataset
`bench-datastore-<rows>` whose table resource holds --rows rows (month, district of 25, a
category of 20, a count, an amount), written with `bulk_create` 5,000 at a time as the feed
refresh writes them, then VACUUM (ANALYZE). Each query is sent --requests times (after
--warmup) through Django's full HTTP stack in this process (POST with a JSON body as ckanapi
does; no network), one after another.
"""

import argparse
import datetime as dt
import json
import random
import uuid

import opendata_common as common

DISTRICTS = [f"구{i:02d}" for i in range(25)]
CATEGORIES = [f"분류{i:02d}" for i in range(20)]


def fill(rows: int):
    from django.db import transaction
    from django.utils import timezone

    from egov.opendata.models import Dataset, DatastoreRow, Resource

    name = f"bench-datastore-{rows}"
    resource = Resource.objects.filter(dataset__name=name).first()
    if resource is not None and resource.row_count == rows:
        return resource, 0
    publisher = common.agencies()[0]
    fields = [
        {"id": "month", "type": "text", "label_ko": "월"},
        {"id": "district", "type": "text", "label_ko": "자치구"},
        {"id": "category", "type": "text", "label_ko": "분류"},
        {"id": "count", "type": "int", "label_ko": "건수"},
        {"id": "amount", "type": "numeric", "label_ko": "금액"},
    ]
    rng = random.Random(7)
    with transaction.atomic():
        Dataset.objects.filter(name=name).delete()
        dataset = Dataset.objects.create(
            id=uuid.uuid4(), name=name, title_ko="대용량 벤치 표", publisher=publisher, version=1
        )
        resource = Resource.objects.create(
            dataset=dataset, name="표", format="CSV", media_type="text/csv", datastore_active=True,
            fields=fields, row_count=rows, last_modified=timezone.now(),
        )  # fmt: skip
    start = dt.date(2000, 1, 1)
    batch = []
    for i in range(1, rows + 1):
        month = start + dt.timedelta(days=31 * (i % 300))
        batch.append(
            DatastoreRow(
                resource=resource,
                row_id=i,
                data={
                    "month": month.strftime("%Y-%m"),
                    "district": DISTRICTS[i % 25],
                    "category": CATEGORIES[rng.randrange(20)],
                    "count": rng.randrange(10_000),
                    "amount": round(rng.random() * 1e6, 2),
                },
            )
        )
        if len(batch) == 5000:
            DatastoreRow.objects.bulk_create(batch)
            batch = []
    if batch:
        DatastoreRow.objects.bulk_create(batch)
    return resource, rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default=common.DEFAULT_URL)
    parser.add_argument("--recreate", action="store_true")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    common.setup(args.url, recreate=args.recreate)
    resource, made = fill(args.rows)
    if made:
        common.vacuum()
    from django.test import Client

    print(f"resource {resource.pk}: {resource.row_count:,} rows ({made:,} written now)")
    rid = str(resource.pk)
    queries = {
        "first page (limit 100)": {},
        "page at offset 10,000": {"offset": 10_000, "limit": 100},
        "filter district (1/25 of rows), limit 100": {"filters": {"district": "구07"}},
        "filter district + category (1/500), limit 100": {
            "filters": {"district": "구07", "category": "분류03"}
        },
        "filter month + district, sort count desc": {
            "filters": {"month": "2010-05", "district": "구03"},
            "sort": "count desc",
        },
        "filter _id list": {"filters": {"_id": [1, 500_000, args.rows]}},
    }
    client = Client()
    for label, params in queries.items():

        def call(params=params):
            response = client.post(
                "/api/action/datastore_search",
                data=json.dumps({"resource_id": rid, **params}),
                content_type="application/json",
            )
            assert response.status_code == 200, response.content[:300]

        common.show(label, common.timed(call, warmup=args.warmup, requests=args.requests))


if __name__ == "__main__":
    main()
