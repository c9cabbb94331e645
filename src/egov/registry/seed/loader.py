"""Writing the registers in bulk with pre-assigned primary keys: COPY FROM STDIN on
PostgreSQL (with foreign keys, unique constraints and indexes dropped while the rows stream
in and rebuilt at the end), `bulk_create` elsewhere.
"""

import datetime as dt
from collections.abc import Callable

from django.db import connection, models

from egov.registry.models import (
    Business,
    BusinessEvent,
    FamilyRelation,
    Household,
    LifeEvent,
    Resident,
    Vehicle,
    VehicleEvent,
)

ADDRESS_COLUMNS = (
    "road_address", "address_detail", "postal_code", "sido", "sigungu", "road_name", "building_number",
    "address_key",
)  # fmt: skip
# Columns written per table, by attname, in the order the generator fills its rows.
COLUMNS: dict[type[models.Model], tuple[str, ...]] = {
    Household: (
        "id", "number", "agency_id", "head_id", "formed_on", "dissolved_on",
        *ADDRESS_COLUMNS,
    ),
    Resident: (
        "id", "rrn_encrypted", "rrn_index", "rrn_head", "name_ko", "name_en", "birth_date", "sex",
        "status", "status_since", "agency_id", "household_id", "relation_to_head",
        *ADDRESS_COLUMNS, "created_at", "updated_at",
    ),
    FamilyRelation: ("id", "person_id", "relative_id", "kind", "since", "ended_on"),
    LifeEvent: (
        "id", "resident_id", "kind", "occurred_on", "recorded_at", "reason", "legal_basis",
        "recorded_by_id", "details",
    ),
    Business: (
        "id", "brn", "name", "representative_id", "agency_id", "status", "opened_on", "suspended_on",
        "closed_on", *ADDRESS_COLUMNS,
    ),
    BusinessEvent: (
        "id", "business_id", "kind", "occurred_on", "recorded_at", "reason", "legal_basis",
        "recorded_by_id", "details",
    ),
    Vehicle: (
        "id", "plate", "vin", "model_name", "model_year", "owner_resident_id", "owner_business_id",
        "agency_id", "registered_on", "deregistered_on",
    ),
    VehicleEvent: (
        "id", "vehicle_id", "kind", "occurred_on", "recorded_at", "reason", "legal_basis",
        "recorded_by_id", "details",
    ),
}  # fmt: skip
TABLES = tuple(COLUMNS)


def copy_safe(value: str) -> str:
    """Refuse a string that COPY's text format would need to escape.

    The generator composes every string from pools checked here once, digits and fixed
    words, so rows can be formatted with a bare str() per value, twice as fast as escaping.
    """
    if any(char in value for char in '\\\t\n\r"'):
        raise ValueError(f"not safe for COPY: {value!r}")
    return value


def json_text(value) -> str:
    """JSON of the generator's details (dicts of ints and COPY-safe strings, which need no
    escaping), several times faster than json.dumps for these small values."""
    if isinstance(value, dict):
        return "{" + ", ".join([f'"{key}": {json_text(item)}' for key, item in value.items()]) + "}"
    if isinstance(value, str):
        return f'"{value}"'
    if value is None:
        return "null"
    return str(int(value))


class Writer:
    """Pre-assigns primary keys and writes rows: COPY on PostgreSQL, bulk_create elsewhere.

    On PostgreSQL the tables' foreign keys, unique constraints and secondary indexes are
    dropped while the rows stream in and rebuilt at the end, inside the same transaction:
    building an index once is far cheaper than updating it a million times, and checking a
    foreign key once with a join far cheaper than a million queued trigger calls. If
    anything fails, the rollback brings every one of them back.
    """

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.next_id: dict[type[models.Model], int] = {}
        self.constraints: list[tuple[str, str, str]] = []
        self.indexes: list[tuple[str, str]] = []
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            if self.postgres:
                tables = ", ".join(quote(m._meta.db_table) for m in TABLES)
                # Nobody else may use these tables while we hand out their keys.
                cursor.execute(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE")
            for model in TABLES:
                table = quote(model._meta.db_table)
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 (our own table names)
                self.next_id[model] = cursor.fetchone()[0] + 1
            if self.postgres:
                self._drop_constraints(cursor)

    def _drop_constraints(self, cursor) -> None:
        tables = [connection.ops.quote_name(m._meta.db_table) for m in TABLES]
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u') ORDER BY contype DESC, conname",
            [tables],
        )
        self.constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint WHERE conindid = indexrelid) ORDER BY 1",
            [tables],
        )
        self.indexes = cursor.fetchall()
        # A table with queued foreign-key checks (the agencies just created) cannot be altered:
        # run those checks now. Django's constraints are all INITIALLY DEFERRED again after.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _definition in self.constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _definition in self.indexes:
            cursor.execute(f"DROP INDEX {name}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def timestamp(self, moment: dt.datetime) -> dt.datetime | str:
        """`moment` as the rows carry it: formatted once for COPY, which saves a million str()s."""
        return moment.isoformat() if self.postgres else moment

    @property
    def null(self) -> str | None:
        """SQL NULL as the rows carry it."""
        return "\\N" if self.postgres else None

    def blob(self, value: bytes) -> bytes | str:
        """A bytea value: hex for COPY."""
        return "\\\\x" + value.hex() if self.postgres else value

    def json(self, value: dict) -> dict | str:
        """A JSON column's value: serialised for COPY, a dict for bulk_create."""
        return json_text(value) if self.postgres else value

    def ids(self, model: type[models.Model]) -> Callable[[], int]:
        """A function that hands out the next primary key of `model`."""

        def take() -> int:
            value = self.next_id[model]
            self.next_id[model] = value + 1
            return value

        return take

    def write(self, model: type[models.Model], rows: list[list]) -> None:
        if not rows:
            return
        attnames = COLUMNS[model]
        if not self.postgres:
            model.objects.bulk_create(
                (model(**dict(zip(attnames, row, strict=True))) for row in rows), batch_size=2000
            )
            return
        quote = connection.ops.quote_name
        columns = ", ".join(quote(model._meta.get_field(a).column) for a in attnames)
        sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for start in range(0, len(rows), 5000):
                block = rows[start : start + 5000]
                # NULL, bytea and JSON values arrive formatted (see null, blob, json)
                copy.write("".join(["\t".join(map(str, row)) + "\n" for row in block]))

    def finish(self) -> None:
        """Rebuild what `__init__` dropped, move each table's id sequence past the keys we
        assigned, and refresh the planner's statistics."""
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for _name, definition in self.indexes:
                cursor.execute(definition)
            for table, name, definition in self.constraints:
                cursor.execute(
                    f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
                )
            for model in TABLES:
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)", [table, self.next_id[model]]
                )
                cursor.execute(f"ANALYZE {table}")
