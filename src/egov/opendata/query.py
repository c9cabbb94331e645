"""Parsing what an API caller asks for, before any of it goes near the database.

Every name a caller gives (a filter's field, a sort key, a facet) is checked against a whitelist
(the resource's field list, or the catalogue's searchable fields); values are coerced to the
field's type. What comes out is plain Python the store turns into ORM expressions; nothing here
or there puts a caller's text into SQL.
"""

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from egov.core.errors import ValidationFailed


class SearchQueryError(ValidationFailed):
    """A package_search query we cannot read (CKAN: "Search Query Error", HTTP 400)."""

    code = "search_query"


MAX_ROWS = 1000  # package_search's rows, as CKAN's ckan.search.rows_max
MAX_LIMIT = 32000  # datastore_search's limit, as CKAN's ckan.datastore.search.rows_max
MAX_INT = 2**62  # any count or offset past this is no row of ours, and past 2**63 not a bigint


def as_int(value: Any, *, name: str, default: int, low: int = 0, high: int | None = None) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed("Invalid integer", field=name) from None
    if number < low:
        raise ValidationFailed(f"Must be a natural number ≥ {low}", field=name)
    if high is None:
        high = MAX_INT
    if number > high:
        raise ValidationFailed(f"Must be at most {high}", field=name)
    return number


def as_json(value: Any, *, name: str) -> Any:
    """A parameter that may come as JSON text (GET, forms) or already decoded (a JSON body)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise ValidationFailed("Cannot parse JSON", field=name) from None
    return value


def as_list(value: Any, *, name: str) -> list[str]:
    """A list of names: a JSON list, or comma-separated text."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = as_json(value, name=name) if value.strip().startswith("[") else value.split(",")
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationFailed("Must be a list of strings", field=name)
    return [item.strip() for item in value if item.strip()]


# --- datastore ----------------------------------------------------------------------------------


def coerce(value: Any, *, kind: str, name: str) -> Any:
    """`value` as the type of the field (int, numeric, date, text); a mismatch names the field."""
    if isinstance(value, bool) or isinstance(value, dict | list):
        raise ValidationFailed(f"Invalid value for field {name}", field="filters")
    try:
        if kind == "int":
            number = int(value)
            if not -(2**63) <= number < 2**63:
                raise ValueError(name)
            return number
        if kind == "numeric":
            number = Decimal(str(value))
            # NaN and Infinity are no JSON number; a number beyond float's range matches no row.
            if not number.is_finite() or abs(number.adjusted()) > 300:
                raise ValueError(name)
            return int(number) if number == number.to_integral_value() else float(number)
        if kind == "date":
            return dt.date.fromisoformat(str(value)).isoformat()
    except (TypeError, ValueError, InvalidOperation, OverflowError):
        raise ValidationFailed(f"Invalid value for field {name}", field="filters") from None
    return str(value)


@dataclass
class DatastoreQuery:
    filters: dict[str, list[Any]] = field(default_factory=dict)
    q: str = ""
    sort: list[tuple[str, bool]] = field(default_factory=list)  # (field, descending)
    fields: list[str] = field(default_factory=list)
    limit: int = 100
    offset: int = 0


_SORT = re.compile(r"^\s*(?P<name>[^\s]+)(?:\s+(?P<dir>asc|desc))?\s*$", re.IGNORECASE)


def datastore_query_parse(params: dict, *, columns: list[dict]) -> DatastoreQuery:
    """datastore_search's `filters`, `q`, `sort`, `fields`, `limit`, `offset`, checked against the
    resource's `columns` ([{"id", "type"}]; `_id` is always there)."""
    types = {"_id": "int"} | {c["id"]: c["type"] for c in columns}
    query = DatastoreQuery(
        limit=as_int(params.get("limit"), name="limit", default=100, high=MAX_LIMIT),
        offset=as_int(params.get("offset"), name="offset", default=0),
    )
    filters = as_json(params.get("filters") or {}, name="filters")
    if not isinstance(filters, dict):
        raise ValidationFailed("Must be a dictionary of field: value", field="filters")
    for name, value in filters.items():
        if name not in types:
            raise ValidationFailed(f"Field {name!r} not in the resource", field="filters")
        values = value if isinstance(value, list) else [value]
        if not values or len(values) > 100:
            raise ValidationFailed(f"Give 1 to 100 values for field {name}", field="filters")
        query.filters[name] = [coerce(v, kind=types[name], name=name) for v in values]
    q = params.get("q") or ""
    if not isinstance(q, str):
        raise ValidationFailed("Full-text search takes a string", field="q")
    query.q = q.strip()[:200]
    for part in as_list(params.get("sort"), name="sort"):
        match = _SORT.match(part.replace('"', ""))
        if not match or match["name"] not in types:
            raise ValidationFailed(f"Cannot sort by {part!r}: not a field of the resource", field="sort")
        query.sort.append((match["name"], (match["dir"] or "asc").lower() == "desc"))
    for name in as_list(params.get("fields"), name="fields"):
        if name not in types:
            raise ValidationFailed(f"Field {name!r} not in the resource", field="fields")
        query.fields.append(name)
    return query


# --- package_search ---------------------------------------------------------------------------------

# fq's field names and what they mean on a dataset (CKAN's Solr field names).
FQ_FIELDS = {"organization", "groups", "tags", "res_format", "license_id", "name", "frequency"}
FACET_FIELDS = FQ_FIELDS - {"name"}
SORT_FIELDS = {
    "score": "-modified_at",
    "name": "name",
    "title_string": "title_ko",
    "metadata_modified": "modified_at",
    "metadata_created": "created_at",
}

_FQ_TERM = re.compile(r'^(?P<neg>[-+]?)(?P<name>[a-z_]+):(?P<value>"[^"]*"|[^\s"()]+)$')


@dataclass
class PackageQuery:
    q: str = ""
    fq: list[tuple[str, str, bool]] = field(default_factory=list)  # (field, value, negated)
    rows: int = 10
    start: int = 0
    sort: list[str] = field(default_factory=list)  # ORM order_by terms
    facet_fields: list[str] = field(default_factory=list)
    facet_limit: int = 50


def _fq_terms(fq: str) -> list[tuple[str, str, bool]]:
    """`organization:1741000 +tags:"교통" -res_format:CSV` → terms; anything else is refused. Terms
    are ANDed (CKAN's default operator); `AND` between terms is accepted and means the same."""
    terms = []
    for term in re.findall(r'[-+]?[a-z_]+:(?:"[^"]*"|[^\s"()]+)|\S+', fq):
        if term == "AND":
            continue
        match = _FQ_TERM.match(term)
        if not match or match["name"] not in FQ_FIELDS:
            raise SearchQueryError(
                f"Unsupported filter {term!r} (fields: {', '.join(sorted(FQ_FIELDS))})", field="fq"
            )
        terms.append((match["name"], match["value"].strip('"'), match["neg"] == "-"))
    return terms


def package_query_parse(params: dict) -> PackageQuery:
    """package_search's `q`, `fq`, `rows`, `start`, `sort`, `facet.field`, `facet.limit`."""
    q = params.get("q") or ""
    fq = params.get("fq") or ""
    if not isinstance(q, str) or not isinstance(fq, str):
        raise ValidationFailed("Must be a string", field="q" if not isinstance(q, str) else "fq")
    query = PackageQuery(
        rows=as_int(params.get("rows"), name="rows", default=10, high=MAX_ROWS),
        start=as_int(params.get("start"), name="start", default=0),
        facet_limit=as_int(params.get("facet.limit"), name="facet.limit", default=50, low=-1),
    )
    q = q.strip()
    if q in ("*:*", "*"):
        q = ""
    # `field:value` terms in q are filters too (CKAN passes them to Solr the same way).
    plain = []
    for token in q.split():
        if re.match(r"^[-+]?[a-z_]+:", token):
            query.fq.extend(_fq_terms(token))
        else:
            plain.append(token)
    query.q = " ".join(plain)[:200]
    query.fq.extend(_fq_terms(fq))
    for part in as_list(params.get("sort"), name="sort") if params.get("sort") else []:
        bits = part.split()
        if (
            not bits
            or bits[0] not in SORT_FIELDS
            or len(bits) > 2
            or (len(bits) == 2 and bits[1] not in ("asc", "desc"))
        ):
            raise SearchQueryError(f"Cannot sort by {part!r}", field="sort")
        term = SORT_FIELDS[bits[0]]
        if len(bits) == 2 and bits[1] == "desc" and not term.startswith("-"):
            term = "-" + term
        query.sort.append(term)
    for name in as_list(params.get("facet.field"), name="facet.field"):
        if name not in FACET_FIELDS:
            raise ValidationFailed(f"Cannot facet on {name!r}", field="facet.field")
        query.facet_fields.append(name)
    return query
