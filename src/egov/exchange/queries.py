"""Mediated queries from agency systems, answered once per client message ID.

`shared_item_query` is what the API calls: it runs `shared_item_fetch`'s reads
(`shared_item_check`), then logs the query (`shared_item_record`) and keeps the answer
in a QueryReceipt in the same transaction as the query's log entry, so a retry with the same
X-Road-Id gets the stored answer and leaves no second log entry. The receipt's look-up and
insert are plain SQL in `exchange.store`: every API query runs them, and Model.save costs
this hot path about as much as a whole query (docs/benchmarks.md). The API looks the receipt up in the same
statement as its token (`stored=`); other callers leave that to `shared_item_query`.
"""

import json
from typing import Any

from django.db import IntegrityError, transaction

from egov.accounts.models import AgencySystem
from egov.exchange import store
from egov.exchange.accesslog import appends_sent_with_the_commit
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


def _receipt_store(client_id: str, message_id: str, status: int, body: dict, entry: AccessLogEntry) -> None:
    """Insert the receipt. For an entry whose append waits for the COMMIT (no `pk` yet) the
    statement takes the entry's id from the session's sequence, also as an answer's `log_id`.
    The unique constraint on (client_id, message_id) raises
    IntegrityError for a second copy of a message (at the COMMIT when sent with it)."""
    store.receipt_insert(
        client_id=client_id,
        message_id=message_id,
        status=status,
        body=body,
        entry_id=entry.pk,
        log_id_from_entry="log_id" in body,
    )


def _record(checked: Checked, message_id: str) -> tuple[int, dict, AccessLogEntry]:
    """Log the checked query; return (status, body, log entry). Call inside a transaction. An
    answer's `log_id` is the entry's id, None while the append waits for the COMMIT."""
    try:
        data, entry = shared_item_record(checked)
    except ExchangeRefused as refusal:
        body = {"code": refusal.code, "message": str(refusal.message), "field": refusal.field}
        return REFUSAL_STATUS.get(refusal.code, 400), body, refusal.log_entry
    return 200, {"data": data, "log_id": entry.pk, "message_id": message_id}, entry


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
    # The reads (item, grant, resident in one statement; the data) before the transaction:
    # it then holds only the writes.
    checked = shared_item_check(
        actor=system, item=item, subject=subject, purpose=purpose, basis=basis, fields=fields,
        case_ref=case_ref, message_id=message_id, user_ref=user_ref,
    )  # fmt: skip
    try:
        # On PostgreSQL the BEGIN, the append, the receipt and the COMMIT go to the server in
        # one round trip (`appends_sent_with_the_commit`); no lock is taken.
        with appends_sent_with_the_commit() as deferral, transaction.atomic():
            deferral.send_with_the_commit()
            status, body, entry = _record(checked, message_id)
            _receipt_store(system.client_id, message_id, status, body, entry)
    except IntegrityError:
        # The same message arrived twice at once and the other copy committed first: its
        # receipt stands, and this copy's log entry was rolled back with the transaction.
        stored = _stored_answer(system.client_id, message_id)
        if stored is None:
            raise
        return stored
    if "log_id" in body:
        body["log_id"] = entry.pk  # read after the COMMIT when the append waited for it
    return status, body
