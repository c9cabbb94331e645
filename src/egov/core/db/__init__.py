"""Seams between services and the database.

Services decide; the `store.py` modules of the apps read the facts a decision needs and
write the decided result, with plain values. Raw SQL and psycopg pipelines live only in
those modules and here. `postgresql_fast_path` is the one test of which path a store takes.
"""

import contextlib
import functools
from collections.abc import Iterator

from django.db import connection
from django.db.models import Field, Model
from psycopg import pq


def postgresql_fast_path() -> bool:
    """True when the stores take their PostgreSQL path (plain SQL, pipelines), False when
    they take the ORM (SQLite, the demo's database)."""
    return connection.vendor == "postgresql"


def insert_fields(model: type[Model], *, with_pk: bool = False) -> list[Field]:
    """The concrete fields an INSERT of `model` names, in the model's order."""
    return [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]


@functools.cache
def insert_sql(model: type[Model], *, with_pk: bool = False) -> str:
    """`INSERT INTO <table> (<every concrete field's column>) VALUES (%s, ...)`, from the model:
    the columns are the model's, never written out by hand."""
    fields = insert_fields(model, with_pk=with_pk)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608 (model names)


def insert_params(values: dict, fields: list[Field]) -> list:
    """The parameters of `insert_sql` for `values` (attribute name -> Python value), prepared
    by each field for the connection's database. Raises KeyError naming a field not given,
    and ValueError for a value that names no field."""
    extra = set(values) - {f.attname for f in fields}
    if extra:
        raise ValueError(f"no such column: {sorted(extra)}")
    return [f.get_db_prep_save(values[f.attname], connection) for f in fields]


@contextlib.contextmanager
def pipelined_transaction() -> Iterator[None]:
    """PostgreSQL, outside any transaction: BEGIN, the block's statements and COMMIT sent in
    one psycopg pipeline, on a connection left in autocommit mode. BEGIN and COMMIT are sent
    as statements: through Django's `atomic` psycopg would wait for its BEGIN, and for a Sync
    when Django turns autocommit back on (docs/benchmarks.md, issue 7). A statement whose
    answer the block reads (`fetchone`) makes one round trip of everything sent so far; the
    COMMIT goes with the Sync that ends the pipeline. An exception in the block, or an error
    of any statement, leaves no transaction open: it is rolled back."""
    connection.ensure_connection()
    pgconn = connection.connection
    try:
        with connection.wrap_database_errors, pgconn.pipeline():
            with connection.cursor() as cursor:
                cursor.execute("BEGIN")
            yield
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")
    finally:
        # A refusal or a failed statement: the transaction is still open (an explicit one
        # outlives the pipeline's Sync), or aborted, or the connection is gone.
        if not pgconn.closed and pgconn.info.transaction_status != pq.TransactionStatus.IDLE:
            with connection.wrap_database_errors:
                pgconn.execute("ROLLBACK")
