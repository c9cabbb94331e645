"""Mediated queries from agency systems, answered once per client message ID.

`shared_item_query` is what the API calls: it runs `shared_item_fetch` and keeps the answer
in a QueryReceipt in the same transaction as the query's log entry, so a retry with the same
X-Road-Id gets the stored answer and leaves no second log entry. The receipt's look-up and
insert are plain SQL: every API query runs them, and Model.save costs this hot path about as
much as a whole query (docs/benchmarks.md).
"""

import json

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


def _stored_answer(client_id: str, message_id: str) -> tuple[int, dict] | None:
    with connection.cursor() as cursor:
        cursor.execute(RECEIPT_SQL, [client_id, message_id])
        row = cursor.fetchone()
    if row is None:
        return None
    status, body = row
    return status, json.loads(body) if isinstance(body, str | bytes) else body


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
) -> tuple[int, dict]:
    """(HTTP status, body) for this system's message `message_id`: the stored answer if the
    message was seen, else a new query whose log entry and receipt commit together."""
    stored = _stored_answer(system.client_id, message_id)
    if stored is not None:
        return stored
    query = {"item": item, "subject": subject, "purpose": purpose, "basis": basis, "fields": fields,
             "case_ref": case_ref, "user_ref": user_ref}  # fmt: skip
    try:
        with transaction.atomic():
            status, body, entry_id = _fetch(system=system, message_id=message_id, **query)
            _receipt_store(system.client_id, message_id, status, body, entry_id)
    except IntegrityError:
        # The same message arrived twice at once and the other copy committed first: its
        # receipt stands, and this copy's log entry was rolled back with the transaction.
        stored = _stored_answer(system.client_id, message_id)
        if stored is None:
            raise
        return stored
    return status, body
