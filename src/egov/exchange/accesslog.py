"""The access log as a hash chain.

Each entry stores the SHA-256 of its canonical form, and the canonical form includes the
previous entry's hash, so altering, removing, inserting or reordering any entry breaks every
hash after it. Appends are serialised (a transaction-scoped advisory lock on PostgreSQL;
SQLite serialises writers itself) so concurrent writers in many processes never fork the
chain.
"""

import datetime as dt
import hashlib
import json

from django.db import connection
from django.utils import timezone

from egov.exchange.models import AccessLogEntry

GENESIS_HASH = "0" * 64
# Arbitrary constant naming the advisory lock that serialises appends.
APPEND_LOCK_KEY = 0x65676F76  # "egov"


def canonical_form(entry: AccessLogEntry) -> bytes:
    """The bytes an entry's hash covers: every field but the hash itself, in a fixed order."""
    payload = {
        "seq": entry.seq,
        "at": entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "consumer": entry.consumer_id,
        "client": entry.client_id,
        "user": entry.user_ref,
        "case": entry.case_ref,
        "message": entry.message_id,
        "item": entry.item_code,
        "subject": entry.subject_id,
        "fields": list(entry.fields),
        "purpose": entry.purpose,
        "basis": entry.basis,
        "outcome": entry.outcome,
        "error": entry.error_code,
        "prev": entry.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(entry: AccessLogEntry) -> str:
    return hashlib.sha256(canonical_form(entry)).hexdigest()


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [APPEND_LOCK_KEY])


def access_log_append(**values) -> AccessLogEntry:
    """Append one entry at the head of the chain. Call inside the caller's transaction, as
    late as possible: the chain stays locked until that transaction ends."""
    if not connection.in_atomic_block:
        raise RuntimeError("access_log_append must run inside a transaction")
    _lock_chain()
    head = AccessLogEntry.objects.order_by("-seq").values_list("seq", "entry_hash").first()
    seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
    entry = AccessLogEntry(seq=seq, at=timezone.now(), prev_hash=prev, **values)
    entry.entry_hash = entry_hash(entry)
    entry.save(force_insert=True)
    return entry
