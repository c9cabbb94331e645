"""The access log as a hash chain with signed checkpoints.

Each entry stores the SHA-256 of its canonical form, and the canonical form includes the
previous entry's hash, so altering, removing, inserting or reordering any entry breaks every
hash after it. Appends are serialised (a transaction-scoped advisory lock on PostgreSQL;
SQLite serialises writers itself) so concurrent writers in many processes never fork the
chain.

A hash chain alone does not stop someone with write access to the database from rewriting
the chain from some entry on and recomputing every later hash. So every
EGOV_ACCESS_CHECKPOINT_INTERVAL entries the append also writes a checkpoint, in the same
transaction (or, for appends sent with the COMMIT, right after it: `appends_sent_with_the_commit`):
the platform key's Ed25519 signature over the entry's seq and hash. A rewrite
then has to stop short of the last checkpoint, and `access_log_verify` (`egov audit
verify`, in `exchange.verify`) checks the chain, every checkpoint, and that none is missing,
with nothing but the public key. What it cannot see is a careful rewrite, or a forged
append, of the entries since the last checkpoint by someone who can write to the database
and recomputes their hashes: the next checkpoint then signs the chain as it finds it. The
interval bounds that window; publishing checkpoints outside the database would close it.
"""

import contextlib
import contextvars
import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from egov.core.keys import platform_key
from egov.exchange import store
from egov.exchange.models import AccessCheckpoint, AccessLogEntry

GENESIS_HASH = "0" * 64
CHECKPOINT_DOMAIN = "egov.exchange.access-log.checkpoint"

# The columns the canonical form covers, in the order `canonical_form` takes a row tuple.
CANONICAL_COLUMNS = (
    "seq", "at", "consumer_id", "client_id", "user_ref", "case_ref", "message_id",
    "item_code", "subject_id", "fields", "purpose", "basis", "outcome", "error_code", "prev_hash",
)  # fmt: skip
# JSON keys of the canonical form, by column.
_CANONICAL_KEYS = {
    "seq": "seq", "at": "at", "consumer_id": "consumer", "client_id": "client", "user_ref": "user",
    "case_ref": "case", "message_id": "message", "item_code": "item", "subject_id": "subject",
    "fields": "fields", "purpose": "purpose", "basis": "basis", "outcome": "outcome",
    "error_code": "error", "prev_hash": "prev",
}  # fmt: skip

_encode_str = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) uses for str


def _canonical_reference(row: Sequence) -> bytes:
    """The definition of the canonical form: sorted-key compact JSON, UTF-8, of every
    column but the entry's own hash, the time as UTC ISO 8601 with microseconds."""
    payload = dict(zip((_CANONICAL_KEYS[c] for c in CANONICAL_COLUMNS), row, strict=True))
    payload["at"] = payload["at"].astimezone(dt.UTC).isoformat(timespec="microseconds")
    payload["fields"] = list(payload["fields"])
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _int_or_null(value) -> str:
    if value is None:
        return "null"
    if type(value) is not int:
        raise TypeError(value)
    return repr(value)


# The canonical form's keys in sorted order, for `_encode_iso`, in three parts around the
# two values only the chain's head gives, the previous hash and the seq (`_canonical_parts`).
_BEFORE_PREV = (
    '{"at":%s,"basis":%s,"case":%s,"client":%s,"consumer":%s,"error":%s,"fields":%s,"item":%s,'
    '"message":%s,"outcome":%s,"prev":'
)
_BEFORE_SEQ = ',"purpose":%s,"seq":'
_AFTER_SEQ = ',"subject":%s,"user":%s}'
_FORMAT = _BEFORE_PREV + "%s" + _BEFORE_SEQ + "%s" + _AFTER_SEQ
_UTC = dt.UTC


def _utc_iso(at: dt.datetime) -> str:
    return (at if at.tzinfo is _UTC else at.astimezone(_UTC)).isoformat(timespec="microseconds")


def _encode_iso(seq, at_iso, consumer, client, user, case, message, item, subject, fields, purpose, basis,
                outcome, error, prev) -> bytes:  # fmt: skip
    """`_canonical_reference` of these values, byte for byte, the time already formatted,
    without building a dict and sorting its keys for every entry: `egov audit verify` hashes
    a million of them. Raises TypeError on any value it does not expect (a text that is not
    a string, an id that is not an integer, a field name that is not a string)."""
    if type(seq) is not int:
        raise TypeError(seq)
    return (_FORMAT % (
        _encode_str(at_iso), _encode_str(basis), _encode_str(case), _encode_str(client),
        _int_or_null(consumer), _encode_str(error), "[" + ",".join(map(_encode_str, fields)) + "]",
        _encode_str(item), _encode_str(message), _encode_str(outcome), _encode_str(prev),
        _encode_str(purpose), repr(seq), _int_or_null(subject), _encode_str(user),
    )).encode()  # fmt: skip


def _canonical_parts(at_iso, consumer, client, user, case, message, item, subject, fields, purpose, basis,
                     outcome, error) -> tuple[str, str, str]:  # fmt: skip
    """The canonical form of an entry not yet chained, as three texts `a`, `b`, `c` such that
    `a + <previous hash as a JSON string> + b + <seq in decimal> + c` is `_encode_iso` of the
    entry with that seq and previous hash: what lets the database finish the hash once it
    knows the head (`store.APPEND_SQL`). Raises TypeError like `_encode_iso`."""
    return (
        _BEFORE_PREV % (
            _encode_str(at_iso), _encode_str(basis), _encode_str(case), _encode_str(client),
            _int_or_null(consumer), _encode_str(error), "[" + ",".join(map(_encode_str, fields)) + "]",
            _encode_str(item), _encode_str(message), _encode_str(outcome),
        ),
        _BEFORE_SEQ % _encode_str(purpose),
        _AFTER_SEQ % (_int_or_null(subject), _encode_str(user)),
    )  # fmt: skip


def _canonical_row(row: Sequence) -> bytes:
    """The canonical form of a tuple of the `CANONICAL_COLUMNS`, in that order."""
    try:
        return _encode_iso(row[0], _utc_iso(row[1]), *row[2:15])
    except TypeError:
        return _canonical_reference(row)


def canonical_form(entry: AccessLogEntry | Mapping[str, Any] | Sequence) -> bytes:
    """The bytes an entry's hash covers: every field but the hash itself, in a fixed order.

    `entry` is a model instance, a mapping with the `CANONICAL_COLUMNS` as keys (as from
    `values()`), or a tuple of those columns in that order (as from `values_list()`)."""
    if isinstance(entry, AccessLogEntry):
        row = tuple(getattr(entry, column) for column in CANONICAL_COLUMNS)
    elif isinstance(entry, Mapping):
        row = tuple(entry[column] for column in CANONICAL_COLUMNS)
    else:
        row = tuple(entry[: len(CANONICAL_COLUMNS)])
    return _canonical_row(row)


def entry_hash(entry: AccessLogEntry | Mapping[str, Any] | Sequence) -> str:
    """The SHA-256 (hex) of the entry's canonical form."""
    return hashlib.sha256(canonical_form(entry)).hexdigest()


def checkpoint_message(*, seq: int, entry_hash: str, key_id: str) -> bytes:
    """The bytes a checkpoint's signature covers: the chain's name, the entry's seq and hash,
    and the signing key's id."""
    payload = {"chain": CHECKPOINT_DOMAIN, "entry_hash": entry_hash, "key_id": key_id, "seq": seq, "v": 1}
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def checkpoint_interval() -> int:
    """Entries between two checkpoints (EGOV_ACCESS_CHECKPOINT_INTERVAL)."""
    interval = settings.EGOV_ACCESS_CHECKPOINT_INTERVAL
    if type(interval) is not int or interval < 1:
        raise ImproperlyConfigured(
            f"EGOV_ACCESS_CHECKPOINT_INTERVAL must be a positive integer, not {interval!r}"
        )
    return interval


def _checkpoint_write(entry: AccessLogEntry) -> AccessCheckpoint:
    key = platform_key()  # created on first use when `egov keys init` was not run
    message = checkpoint_message(seq=entry.seq, entry_hash=entry.entry_hash, key_id=key.key_id)
    return AccessCheckpoint.objects.create(
        seq=entry.seq,
        entry_hash=entry.entry_hash,
        signature=key.sign(message).hex(),
        key_id=key.key_id,
        signed_at=entry.at,
    )


# An append's statements are plain SQL built once from the model's names (`exchange.store`),
# not an ORM query and a Model.save compiled on every call: the chain stays locked from the
# moment its lock is granted until the transaction ends, and that time bounds how many queries
# per second the whole platform can log (docs/benchmarks.md, issue 3).


def _append_in_python(entry: AccessLogEntry) -> None:
    """Lock, read the head, hash in Python and insert: SQLite (whose writers are serialised
    anyway), and values the fast canonical form declines."""
    head = store.access_log_lock_and_head()
    entry.seq, entry.prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
    entry.entry_hash = entry_hash(entry)
    entry.pk = store.access_log_insert(entry)


class Deferral:
    """The appends of one transaction whose answers are read after its COMMIT
    (`appends_sent_with_the_commit`)."""

    def __init__(self, stack: contextlib.ExitStack) -> None:
        self._stack = stack
        self._in_pipeline = False
        self.entries: list[AccessLogEntry] = []

    def send_with_the_commit(self) -> bool:
        """Put the connection in pipeline mode until the block ends, when this is the
        outermost transaction (no savepoint within it) on PostgreSQL with psycopg 3; True if
        it now is."""
        if not self._in_pipeline:
            self._in_pipeline = store.pipeline_enter(self._stack)
        return self._in_pipeline


_deferral: contextvars.ContextVar[Deferral | None] = contextvars.ContextVar(
    "egov_access_log_deferral", default=None
)


@contextlib.contextmanager
def appends_sent_with_the_commit() -> Iterator[Deferral]:
    """A block around one outermost transaction in which, on PostgreSQL, `access_log_append`
    does not wait for the database: the chain's lock, the append and every later statement of
    the transaction go to the server together with its COMMIT, in one pipeline, and the
    entries' seq, id and hashes are read once the COMMIT has returned, when the block ends.

    The chain is locked from the moment the server grants the lock until that COMMIT, and no
    turnaround to this process (nor its wait for the interpreter lock) now falls within that
    time: it is the server's own work and the COMMIT's WAL flush (docs/benchmarks.md, issue 3).
    Within the block an appended entry has no `pk`, `seq` or hashes yet; statements that need
    them must take them from the database (`currval` of the entry's id sequence, as
    `exchange.store.receipt_insert` does for the receipt). A checkpoint due at one of the entries is
    written after the COMMIT, in a transaction of its own. Elsewhere (SQLite, a nested
    transaction, values the fast canonical form declines) appends run as usual."""
    with contextlib.ExitStack() as stack:
        deferral = Deferral(stack)
        token = _deferral.set(deferral)
        try:
            yield deferral
        except BaseException:
            deferral.entries.clear()
            raise
        finally:
            _deferral.reset(token)
    # The pipeline has ended: every result has been read.
    interval = checkpoint_interval() if deferral.entries else 0
    for entry in deferral.entries:
        entry.pk, entry.seq, entry.prev_hash, entry.entry_hash = entry._sent_append.result()
        del entry._sent_append
        if entry.seq % interval == 0:
            with transaction.atomic():
                _checkpoint_write(entry)


def _append_deferred(entry: AccessLogEntry, parts: tuple[str, str, str], deferral: Deferral) -> None:
    entry._sent_append = store.access_log_append_sent(entry, parts, genesis=GENESIS_HASH)
    deferral.entries.append(entry)


def access_log_append(**values) -> AccessLogEntry:
    """Append one entry at the head of the chain, and a signed checkpoint when its seq is a
    multiple of EGOV_ACCESS_CHECKPOINT_INTERVAL. Call inside the caller's transaction, as
    late as possible: the chain stays locked until that transaction ends.

    The head is read after the lock is granted, by a statement of its own: under READ
    COMMITTED a statement sees what was committed when it started, so the statement that
    waits for the lock could miss the entry its predecessor just committed. On PostgreSQL
    that later statement is the INSERT itself, which reads the head, hashes and inserts, and
    both go to the server in one round trip (`store.access_log_append_hashed`).

    The entry's time is taken when the append is asked for, before the lock: entries of
    queries made at the same moment may be a few milliseconds out of time order along the
    chain, as entries from several machines' clocks may be anyway. The chain's order is seq."""
    if not connection.in_atomic_block:
        raise RuntimeError("access_log_append must run inside a transaction")
    interval = checkpoint_interval()
    entry = AccessLogEntry(at=timezone.now(), **values)
    try:
        parts = _canonical_parts(_utc_iso(entry.at), *(getattr(entry, c) for c in CANONICAL_COLUMNS[2:14]))
    except TypeError:  # unusual values: the reference form, in Python
        parts = None
    deferral = _deferral.get()
    if parts and deferral is not None and deferral.send_with_the_commit():
        _append_deferred(entry, parts, deferral)  # pk and seq are read after the COMMIT
    elif parts and store.access_log_hashed_in_database():
        entry.pk, entry.seq, entry.prev_hash, entry.entry_hash = store.access_log_append_hashed(
            entry, parts, genesis=GENESIS_HASH
        )
    else:
        _append_in_python(entry)
    entry._state.adding = False  # as after save(): the entry is in the database
    entry._state.db = connection.alias
    if entry.seq is not None and entry.seq % interval == 0:
        _checkpoint_write(entry)
    return entry
