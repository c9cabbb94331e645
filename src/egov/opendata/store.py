"""The datastore's seam: rows of a tabular resource written and read.

A query only ever starts from `resource_id = <the resource asked for>`; the filters, search and
sort come from `query.DatastoreQuery` (names already checked against the resource's fields,
values coerced to the field's type) and become ORM expressions on the JSON row. On PostgreSQL
an equality filter is a JSONB containment (`data @> {...}`), served by the GIN index below; on
SQLite it is a JSON path lookup. The only SQL text here is that index's definition and the
EXPLAIN that estimates a large total (of a query the ORM wrote, its values bound).
"""

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import F, FloatField, Q, TextField
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from egov.opendata.models import DatastoreRow
from egov.opendata.query import DatastoreQuery

BATCH = 5000
COUNT_CAP = 10_000

GIN_INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS opendata_datastorerow_data_gin "
    "ON opendata_datastorerow USING gin (data jsonb_path_ops)"
)
GIN_INDEX_DROP_SQL = "DROP INDEX IF EXISTS opendata_datastorerow_data_gin"


def gin_index_create(apps, schema_editor) -> None:
    """(migration) The GIN index equality filters use, on PostgreSQL only."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GIN_INDEX_SQL)


def gin_index_drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GIN_INDEX_DROP_SQL)


def datastore_replace(*, resource_id, names: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Replace the rows of a resource with `rows` (sequences in the order of `names`), numbered
    1, 2, ... as `_id`; return how many. Runs inside the caller's transaction."""
    DatastoreRow.objects.filter(resource_id=resource_id).delete()
    count = 0
    batch: list[DatastoreRow] = []
    for row in rows:
        count += 1
        batch.append(
            DatastoreRow(resource_id=resource_id, row_id=count, data=dict(zip(names, row, strict=True)))
        )
        if len(batch) >= BATCH:
            DatastoreRow.objects.bulk_create(batch)
            batch = []
    if batch:
        DatastoreRow.objects.bulk_create(batch)
    return count


def _key(name: str, kind: str):
    if name == "_id":
        return F("row_id")
    text = KeyTextTransform(name, "data")
    return Cast(text, FloatField()) if kind in ("int", "numeric") else text


def _count(rows) -> tuple[int, bool]:
    """(how many rows match, whether that is an estimate). On PostgreSQL the planner's estimate
    comes first (one EXPLAIN, no rows read): past COUNT_CAP it is the answer, as CKAN's
    datastore answers past its total_estimation_threshold (an exact count of a filter matching
    40,000 of a million rows reads them all: a second on a loaded machine). Otherwise the rows
    are counted, up to COUNT_CAP + 1."""
    estimate = _estimate(rows) if connection.vendor == "postgresql" else None
    if estimate is not None and estimate > COUNT_CAP:
        return estimate, True
    capped = rows.order_by()[: COUNT_CAP + 1].count()
    if capped <= COUNT_CAP:
        return capped, False
    if estimate is None:
        return rows.count(), False
    return max(estimate, COUNT_CAP + 1), True


def _estimate(rows) -> int:
    sql, params = rows.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


def datastore_search(
    *, resource_id, columns: list[dict], row_count: int, query: DatastoreQuery
) -> tuple[list[dict], int, bool]:
    """(records, total, whether the total is estimated) of a resource's rows as `query` asks:
    each record `_id` plus the chosen fields; `total` the rows matching before paging."""
    types = {"_id": "int"} | {c["id"]: c["type"] for c in columns}
    rows = DatastoreRow.objects.filter(resource_id=resource_id)
    postgres = connection.vendor == "postgresql"
    single = {}  # one-value equality filters, one JSONB containment together on PostgreSQL
    for name, values in query.filters.items():
        if name == "_id":
            rows = rows.filter(row_id__in=values)
            continue
        if postgres and len(values) == 1:
            single[name] = values[0]
            continue
        match = Q()
        for value in values:
            match |= Q(data__contains={name: value}) if postgres else Q(**{f"data__{name}": value})
        rows = rows.filter(match)
    if single:
        rows = rows.filter(data__contains=single)
    if query.q:
        text_fields = [c["id"] for c in columns if c["type"] in ("text", "date")]
        match = Q()
        for name in text_fields:
            match |= Q(**{f"data__{name}__icontains": query.q})
        if postgres:
            # The row's JSON text narrows (it is indexed); it also holds the field names, so
            # the match must then be in a value: `q=district` is no match for every row.
            rows = rows.annotate(_row_text=Cast("data", TextField())).filter(_row_text__icontains=query.q)
        rows = rows.filter(match) if text_fields else rows.none()
    filtered = bool(query.filters or query.q)
    total, estimated = _count(rows) if filtered else (row_count, False)
    order = []
    for name, descending in query.sort:
        key = _key(name, types[name])
        order.append(key.desc(nulls_last=True) if descending else key.asc(nulls_last=True))
    order.append(F("row_id").asc())
    page = rows.order_by(*order).values_list("row_id", "data")[query.offset : query.offset + query.limit]
    wanted = query.fields or ["_id", *types.keys() - {"_id"}]
    names = [c["id"] for c in columns if not query.fields or c["id"] in query.fields]
    records = []
    for row_id, data in page:
        record = {"_id": row_id} if "_id" in wanted else {}
        for name in names:
            record[name] = data.get(name)
        records.append(record)
    return records, total, estimated
