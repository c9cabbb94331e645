"""Mediated queries from agency systems, answered once per client message ID.

`shared_item_query` is what the API calls: it runs `shared_item_fetch`'s reads
(`shared_item_check`), then logs the query (`shared_item_record`) and keeps the answer
in a QueryReceipt written by the same statement as the query's log entry, so a retry with the same
X-Road-Id gets the stored answer and leaves no second log entry. The receipt's look-up and
insert are plain SQL in `exchange.store`: every API query runs them, and Model.save costs
this hot path about as much as a whole query (docs/benchmarks.md). The API does not look the
receipt up first (`stored=None`): a message answered before makes the receipt's insert fail
and write nothing, and the stored answer is then read and given; other callers leave the
look-up to `shared_item_query`.
"""

import contextlib
import json
from typing import Any

from django.db import IntegrityError, connection, transaction

from egov.accounts.models import AgencySystem
from egov.exchange import store
from egov.exchange.models import AccessLogEntry
from egov.exchange.services import (
    REFUSAL_STATUS,
    Checked,
    ExchangeRefused,
    shared_item_check,
    shared_item_record,
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
    found = store.receipt_answer_get(client_id=client_id, message_id=message_id)
    return stored_answer_of(*found) if found else None


def _record(checked: Checked, client_id: str, message_id: str) -> tuple[int, dict, AccessLogEntry]:
    """Log the checked query with its receipt, in one statement (committed at once outside
    a transaction); return (status, body, log entry). A granted answer's `log_id` is the
    entry's id, which the statement also writes into the receipt's body. The unique
    constraint on (client_id, message_id) raises IntegrityError for a second copy of a
    message, and nothing is written."""
    refusal = checked.refusal
    if refusal is not None:
        status = REFUSAL_STATUS.get(refusal.code, 400)
        body = {"code": refusal.code, "message": str(refusal.message), "field": refusal.field}
    else:
        status, body = 200, {"data": checked.data, "log_id": None, "message_id": message_id}
    receipt = store.Receipt(client_id=client_id, message_id=message_id, status=status, body=body)
    try:
        _data, entry = shared_item_record(checked, receipt)
    except ExchangeRefused as refusal:
        return status, body, refusal.log_entry
    if "log_id" in body:
        body["log_id"] = entry.pk
    return status, body, entry


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
    looked it up or leaves a repeated message to the receipt's unique constraint (the API);
    by default it is looked up here."""
    if stored is LOOK_UP:
        stored = _stored_answer(system.client_id, message_id)
    if stored is not None:
        return stored
    # The reads (item, grant, resident in one statement; the data) before the transaction:
    # it then holds only the writes.
    checked = shared_item_check(
        actor=system, item=item, subject=subject, purpose=purpose, basis=basis, fields=fields,
        case_ref=case_ref, message_id=message_id, user_ref=user_ref,
    )  # fmt: skip
    try:
        # No transaction: on PostgreSQL the entry, its queue row and the receipt are one
        # statement in autocommit, one round trip; no lock is taken.
        # Inside a caller's transaction, a savepoint keeps it usable after a duplicate.
        with transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext():
            status, body, _entry = _record(checked, system.client_id, message_id)
    except IntegrityError:
        # The same message arrived twice at once and the other copy committed first: its
        # receipt stands, and this copy's statement wrote nothing.
        stored = _stored_answer(system.client_id, message_id)
        if stored is None:
            raise
        return stored
    return status, body
