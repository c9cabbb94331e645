"""The back-test's reads of past declarations' recorded facts, in plain SQL on PostgreSQL.

A back-test reads, for up to a million declarations, only the facts its rules look at: each
extracted from the risk record by PostgreSQL (`risk #>> '{facts,<field>}'`, as text), newest
first in pages by primary key, so neither the whole JSON record nor a model instance is built
per row. The hits the declarations got when they were submitted are counted by PostgreSQL in
one aggregate. Other databases (SQLite, the demo) read the records through the ORM and extract
the same text values in Python.
"""

import json
from collections.abc import Iterator

from django.db import connection
from django.db.models import F

from egov.core.db import postgresql_fast_path
from egov.customs.models import Declaration, ExchangeRate, RuleSet, TariffHeading, TariffRate
from egov.registry.models import Agency


def _text(value) -> str | None:
    """A fact as PostgreSQL's `#>>` gives it: strings bare, numbers as written, lists as JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value)


def facts_pages(*, fields: list[str], limit: int, page: int) -> Iterator[list[tuple]]:
    """Pages of (id, lane by score at submission, *the facts `fields` as text or None) of the
    last `limit` declarations, newest first."""
    table = connection.ops.quote_name(Declaration._meta.db_table)
    last_id = None
    left = limit
    while left > 0:
        size = min(page, left)
        if postgresql_fast_path():
            columns = "".join(", risk #>> %s" for _ in fields)
            where = "WHERE id < %s" if last_id is not None else ""
            params = [["facts", name] for name in fields]
            params += [last_id] if last_id is not None else []
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT id, risk ->> 'score_lane'{columns} FROM {table} {where} "  # noqa: S608 - fixed names
                    "ORDER BY id DESC LIMIT %s",
                    [*params, size],
                )
                rows = cursor.fetchall()
        else:
            records = Declaration.objects.order_by("-id")
            if last_id is not None:
                records = records.filter(id__lt=last_id)
            rows = []
            for pk, record in records.values_list("id", F("risk"))[:size]:
                facts = (record or {}).get("facts") or {}
                rows.append((pk, (record or {}).get("score_lane"), *(_text(facts.get(n)) for n in fields)))
        if not rows:
            return
        yield rows
        left -= len(rows)
        last_id = rows[-1][0]


def hits_since(*, from_id: int) -> dict[str, int]:
    """How many declarations from `from_id` on each rule fired on at submission."""
    if postgresql_fast_path():
        table = connection.ops.quote_name(Declaration._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT fired ->> 'rule', count(*) FROM {table} "  # noqa: S608 - fixed names
                "CROSS JOIN LATERAL jsonb_array_elements(COALESCE(risk -> 'fired', '[]'::jsonb)) fired "
                "WHERE id >= %s GROUP BY 1",
                [from_id],
            )
            return {rule: count for rule, count in cursor.fetchall() if rule}
    hits: dict[str, int] = {}
    for record in Declaration.objects.filter(id__gte=from_id).values_list("risk", flat=True):
        for fired in (record or {}).get("fired") or ():
            hits[fired["rule"]] = hits.get(fired["rule"], 0) + 1
    return hits


def reference_version() -> tuple:
    """What identifies the reference data a submission reads, in one statement: the newest id
    of the tariff lines, tariff rates, exchange rates and agencies, and the active rule set's id.
    Those tables only ever gain rows (a rate changes by a new row with its effective date; a
    rule set is activated, never edited once active), so equal versions mean equal data."""
    tables = [
        connection.ops.quote_name(model._meta.db_table)
        for model in (TariffHeading, TariffRate, ExchangeRate, Agency)
    ]
    rule_sets = connection.ops.quote_name(RuleSet._meta.db_table)
    columns = ", ".join(f"(SELECT max(id) FROM {table})" for table in tables)  # noqa: S608 (names from models)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns}, (SELECT max(id) FROM {rule_sets} WHERE state = %s)",  # noqa: S608 (names from models)
            [RuleSet.State.ACTIVE],
        )
        return (connection.alias, *cursor.fetchone())
