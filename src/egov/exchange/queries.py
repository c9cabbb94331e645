"""Mediated queries from agency systems, answered once per client message ID.

`shared_item_query` is what the API calls: it runs `shared_item_fetch` and keeps the answer
in a QueryReceipt in the same transaction as the query's log entry, so a retry with the same
X-Road-Id gets the stored answer and leaves no second log entry. The receipt's look-up and
insert are plain SQL: every API query runs them, and Model.save costs this hot path about as
much as a whole query (docs/benchmarks.md). The API looks the receipt up in the same
statement as its token (`stored=`); other callers leave that to `shared_item_query`.
"""

import contextlib
import json
from collections.abc import Callable, Iterator
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from egov.accounts.models import AgencySystem
from egov.exchange.models import QueryReceipt
from egov.exchange.services import REFUSAL_STATUS, ExchangeRefused, shared_item_fetch

RECEIPT_SQL = (
    f'SELECT "status_code", "body" FROM "{QueryReceipt._meta.db_table}" '  # noqa: S608 (names from the model)
    'WHERE "client_id" = %s AND "message_id" = %s'
)
RECEIPT_INSERT_SQL = (
    f'INSERT INTO "{QueryReceipt._meta.db_table}" '  # noqa: S608 (names from the model)
    '("client_id", "message_id", "status_code", "body", "log_entry_id", "created_at") '
    "VALUES (%s, %s, %s, %s, %s, %s)"
)


# (HTTP status, body) of an answer given before, or None when the message is new.
StoredAnswer = tuple[int, dict] | None
# `shared_item_query`'s default: the caller has not looked the receipt up.
LOOK_UP: Any = object()


def stored_answer_of(status: int | None, body) -> StoredAnswer:
    """The answer in a receipt's `status_code` and `body` columns as read with plain SQL
    (both None when no receipt was found)."""
    if status is None:
        return None
    return status, json.loads(body) if isinstance(body, str | bytes) else body


def _stored_answer(client_id: str, message_id: str) -> StoredAnswer:
    with connection.cursor() as cursor:
        cursor.execute(RECEIPT_SQL, [client_id, message_id])
        row = cursor.fetchone()
    return stored_answer_of(*row) if row else None


def _receipt_store(client_id: str, message_id: str, status: int, body: dict, entry_id: int) -> None:
    # The unique constraint on (client_id, message_id) raises IntegrityError for a second copy.
    values = [
        client_id,
        message_id,
        status,
        connection.ops.adapt_json_value(body, None),
        entry_id,
        connection.ops.adapt_datetimefield_value(timezone.now()),
    ]
    with connection.cursor() as cursor:
        cursor.execute(RECEIPT_INSERT_SQL, values)


@contextlib.contextmanager
def _sent_with_the_commit() -> Iterator[Callable[[], None]]:
    """Yield a function after which the statements of the transaction that ends inside this
    block are not sent one by one but together with its COMMIT, in one round trip (psycopg 3's
    pipeline mode, on PostgreSQL, when that transaction is the outermost one).

    The access log stays locked from the entry's append to the COMMIT, so every round trip in
    between, and the wait of this thread for the interpreter lock after each, is time no
    other query can be logged (docs/benchmarks.md, issue 3). An error in such a statement
    (the receipt's unique constraint) is raised by the COMMIT, which then rolls back. Leaving
    pipeline mode costs two empty round trips (psycopg syncs when Django turns autocommit
    back on and when the block ends), after the COMMIT has released the lock."""
    with contextlib.ExitStack() as stack:

        def send_with_the_commit() -> None:
            outermost = connection.in_atomic_block and len(connection.atomic_blocks) == 1
            pipeline = getattr(connection.connection, "pipeline", None)
            if outermost and pipeline is not None and connection.vendor == "postgresql":
                stack.enter_context(pipeline())

        yield send_with_the_commit


def _fetch(*, system: AgencySystem, message_id: str, **query) -> tuple[int, dict, int]:
    """Run the query; return (status, body, log entry id). Call inside a transaction."""
    try:
        data, entry = shared_item_fetch(actor=system, message_id=message_id, **query)
    except ExchangeRefused as refusal:
        body = {"code": refusal.code, "message": str(refusal.message), "field": refusal.field}
        return REFUSAL_STATUS.get(refusal.code, 400), body, refusal.log_entry.pk
    return 200, {"data": data, "log_id": entry.seq, "message_id": message_id}, entry.pk


def shared_item_query(
    *,
    system: AgencySystem,
    item: str,
    subject: str,
    purpose: str,
    basis: str,
    fields: list[str] | None,
    case_ref: str,
    message_id: str,
    user_ref: str,
    stored: StoredAnswer = LOOK_UP,
) -> tuple[int, dict]:
    """(HTTP status, body) for this system's message `message_id`: the stored answer if the
    message was seen, else a new query whose log entry and receipt commit together.

    `stored` is the answer kept for this message, or None, when the caller has already
    looked it up (the API reads it together with the token); by default it is looked up here."""
    if stored is LOOK_UP:
        stored = _stored_answer(system.client_id, message_id)
    if stored is not None:
        return stored
    query = {"item": item, "subject": subject, "purpose": purpose, "basis": basis, "fields": fields,
             "case_ref": case_ref, "user_ref": user_ref}  # fmt: skip
    try:
        with _sent_with_the_commit() as send_with_the_commit, transaction.atomic():
            status, body, entry_id = _fetch(system=system, message_id=message_id, **query)
            send_with_the_commit()
            _receipt_store(system.client_id, message_id, status, body, entry_id)
    except IntegrityError:
        # The same message arrived twice at once and the other copy committed first: its
        # receipt stands, and this copy's log entry was rolled back with the transaction.
        stored = _stored_answer(system.client_id, message_id)
        if stored is None:
            raise
        return stored
    return status, body
