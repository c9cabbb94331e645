"""The access log as a hash chain with signed checkpoints.

Each entry stores the SHA-256 of its canonical form, and the canonical form includes the
previous entry's hash, so altering, removing, inserting or reordering any entry breaks every
hash after it. Appends are serialised (a transaction-scoped advisory lock on PostgreSQL;
SQLite serialises writers itself) so concurrent writers in many processes never fork the
chain.

A hash chain alone does not stop someone with write access to the database from rewriting
the chain from some entry on and recomputing every later hash. So every
EGOV_ACCESS_CHECKPOINT_INTERVAL entries the append also writes a checkpoint, in the same
transaction: the platform key's Ed25519 signature over the entry's seq and hash. A rewrite
then has to stop short of the last checkpoint, and `access_log_verify` (`egov audit
verify`) checks the chain, every checkpoint, and that none is missing, with nothing but the
public key. What it cannot see is a careful rewrite, or a forged append, of the entries
since the last checkpoint by someone who can write to the database and recomputes their
hashes: the next checkpoint then signs the chain as it finds it. The interval bounds that
window; publishing checkpoints outside the database would close it.
"""

import contextlib
import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction
from django.db.models import Max, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from egov.core.keys import platform_key, signature_valid
from egov.exchange.models import AccessCheckpoint, AccessLogEntry

GENESIS_HASH = "0" * 64
# Arbitrary constant naming the advisory lock that serialises appends.
APPEND_LOCK_KEY = 0x65676F76  # "egov"
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


# The canonical form's keys in sorted order, for `_encode_iso`.
_FORMAT = (
    '{"at":%s,"basis":%s,"case":%s,"client":%s,"consumer":%s,"error":%s,"fields":%s,"item":%s,'
    '"message":%s,"outcome":%s,"prev":%s,"purpose":%s,"seq":%s,"subject":%s,"user":%s}'
)
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


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [APPEND_LOCK_KEY])


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


def access_log_append(**values) -> AccessLogEntry:
    """Append one entry at the head of the chain, and a signed checkpoint when its seq is a
    multiple of EGOV_ACCESS_CHECKPOINT_INTERVAL. Call inside the caller's transaction, as
    late as possible: the chain stays locked until that transaction ends."""
    if not connection.in_atomic_block:
        raise RuntimeError("access_log_append must run inside a transaction")
    interval = checkpoint_interval()
    _lock_chain()
    head = AccessLogEntry.objects.order_by("-seq").values_list("seq", "entry_hash").first()
    seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
    entry = AccessLogEntry(seq=seq, at=timezone.now(), prev_hash=prev, **values)
    entry.entry_hash = entry_hash(entry)
    entry.save(force_insert=True)
    if seq % interval == 0:
        _checkpoint_write(entry)
    return entry


# --- verification -------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainProblem:
    """The first thing wrong with the chain: where, what kind, and the details."""

    seq: int
    kind: str  # altered, missing, inserted, out of order, rewritten, bad checkpoint signature, ...
    detail: str

    def __str__(self) -> str:
        return f"seq {self.seq}: {self.kind}: {self.detail}"


@dataclass(frozen=True)
class ChainReport:
    """What `access_log_verify` checked, how long it took, and the first problem if any."""

    entries: int
    checkpoints: int
    head: int
    seconds: float
    problem: ChainProblem | None

    @property
    def intact(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class _Checkpoint:
    seq: int
    entry_hash: str
    signature: str
    key_id: str


def _hash_row(row: Sequence, seq: int | None = None) -> str:
    if seq is not None:
        row = (seq, *row[1:])
    return hashlib.sha256(_canonical_row(row[:15])).hexdigest()


def _seq_of_hash(value: str) -> int | None:
    """The current seq of the entry whose stored hash is `value` (0 for the genesis hash)."""
    if value == GENESIS_HASH:
        return 0
    return AccessLogEntry.objects.filter(entry_hash=value).values_list("seq", flat=True).first()


def _written_as(row: Sequence, near: int) -> int | None:
    """The seq `row` had when it was hashed, if it was moved and not otherwise changed."""
    candidates = list(range(max(1, near - 64), near + 65))
    predecessor = _seq_of_hash(row[14])
    if predecessor is not None:
        candidates.insert(0, predecessor + 1)
    for seq in candidates:
        if seq != row[0] and _hash_row(row, seq) == row[15]:
            return seq
    return None


def _entry_row(seq: int) -> tuple | None:
    """Entry `seq` as the ORM reads it: the `CANONICAL_COLUMNS` and the stored hash; None if
    the database holds values no real entry can have (say, a date before year 1)."""
    try:
        return AccessLogEntry.objects.values_list(*CANONICAL_COLUMNS, "entry_hash").get(seq=seq)
    except (DatabaseError, ValueError, OverflowError):
        return None


def _safe_hash(row: tuple | None) -> str | None:
    try:
        return _hash_row(row) if row else None
    except (TypeError, ValueError, AttributeError):
        return None


def _hash_of(seq: int) -> str | None:
    """The hash of entry `seq` recomputed through the reference canonical form, for the rare
    entry the fast path declines; None if it cannot be read or hashed."""
    return _safe_hash(_entry_row(seq))


def _diagnose(seq: int, expected: int, prev: str) -> ChainProblem:
    """Explain why the entry read at `seq` does not continue the chain at `expected` after
    the hash `prev`. Runs only on failure, so it may query and hash freely."""
    if seq < expected:
        return ChainProblem(seq, "inserted", f"entry {seq} lies before the start of the chain at seq 1")
    if seq > expected:
        span = f"entries {expected}–{seq - 1} are" if seq - 1 > expected else f"entry {expected} is"
        return ChainProblem(
            expected, "missing", f"{span} missing: the chain jumps from {expected - 1} to {seq}"
        )
    row = _entry_row(seq)
    actual = _safe_hash(row)
    if actual is None:
        return ChainProblem(seq, "altered", f"entry {seq} holds values no entry can have")
    if actual == row[15]:
        # The entry is as it was written, but it was chained to something else.
        predecessor = _seq_of_hash(row[14])
        if predecessor is None:
            if seq == 1:
                return ChainProblem(1, "altered", "entry 1 does not start from the genesis hash")
            return ChainProblem(
                seq - 1,
                "altered",
                f"entry {seq - 1} is not the entry that entry {seq} was chained to: it was changed "
                "and its hash recomputed, or replaced by a forged entry",
            )
        if predecessor < seq - 1:
            return ChainProblem(
                predecessor + 1,
                "inserted",
                f"entry {seq} was chained to entry {predecessor}; entries {predecessor + 1}–{seq - 1} "
                "were inserted between them",
            )
        return ChainProblem(
            seq, "out of order", f"entry {seq} was chained to the entry now at seq {predecessor}"
        )
    original = _written_as(row, seq)
    if original is None:
        return ChainProblem(seq, "altered", f"entry {seq} no longer matches its hash")
    if original < seq:
        return ChainProblem(
            original,
            "inserted",
            f"the entry written as seq {original} is now at seq {seq}: "
            f"entries {original}–{seq - 1} were inserted before it",
        )
    successor = AccessLogEntry.objects.filter(prev_hash=prev).values_list("seq", flat=True).first()
    if successor is None:
        return ChainProblem(
            seq,
            "missing",
            f"the entry written as seq {seq} was removed and later entries renumbered "
            f"(the entry now at seq {seq} was written as seq {original})",
        )
    return ChainProblem(
        seq,
        "out of order",
        f"the entry now at seq {seq} was written as seq {original}; "
        f"the one written as seq {seq} is now at seq {successor}",
    )


def _check_checkpoint(
    checkpoint: _Checkpoint, stored_hash: str, public_keys: Mapping[str, Ed25519PublicKey], last_good: int
) -> ChainProblem | None:
    seq = checkpoint.seq
    key = public_keys.get(checkpoint.key_id)
    if key is None:
        known = ", ".join(sorted(public_keys)) or "none"
        return ChainProblem(
            seq,
            "bad checkpoint signature",
            f"the checkpoint names key {checkpoint.key_id}, which is not among the public keys given "
            f"({known}); pass the right one with --public-key",
        )
    try:
        signature = bytes.fromhex(checkpoint.signature)
    except ValueError:
        signature = b""
    message = checkpoint_message(seq=seq, entry_hash=checkpoint.entry_hash, key_id=checkpoint.key_id)
    if not signature_valid(key, signature, message):
        return ChainProblem(
            seq, "bad checkpoint signature", f"the checkpoint's signature is not key {checkpoint.key_id}'s"
        )
    if checkpoint.entry_hash != stored_hash:
        return ChainProblem(
            seq,
            "rewritten",
            f"the checkpoint signed entry hash {checkpoint.entry_hash[:16]}…, but entry {seq} now "
            f"hashes to {stored_hash[:16]}…: entries after seq {last_good} up to {seq} were "
            "rewritten with recomputed hashes",
        )
    return None


def _checkpoints_up_to(head: int, first: dict[int, _Checkpoint]) -> dict[int, _Checkpoint]:
    """Checkpoints read before `head` was, plus those committed since with seq <= head."""
    start = max(first, default=0)
    later = AccessCheckpoint.objects.filter(seq__gt=start, seq__lte=head)
    return first | {c.seq: c for c in _checkpoint_rows(later)}


def _checkpoint_rows(queryset) -> Iterable[_Checkpoint]:
    for values in queryset.values_list("seq", "entry_hash", "signature", "key_id"):
        yield _Checkpoint(*values)


# PostgreSQL formats the time as the canonical form has it (Python's
# isoformat(timespec="microseconds") of the UTC time), which saves building a datetime per
# entry; NULL outside Python's years 1-9999, where to_char would drop the era.
_PG_UTC_ISO = (
    "CASE WHEN {at} >= '0001-01-01T00:00:00Z' AND {at} < '10000-01-01T00:00:00Z' "
    "THEN to_char({at} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"') END"
)


def _chain_rows(head: int, chunk_size: int) -> Iterator[tuple]:
    """Every entry up to `head` in seq order, as tuples of the `CANONICAL_COLUMNS` and the
    stored hash, with the time as its canonical ISO text and `fields` as JSON text.

    On PostgreSQL straight from a binary server-side cursor: Django's text-mode loaders (a
    Python class per timestamp, `json.loads` and a converter per `fields`) would double the
    time of a million-entry run. Call inside a transaction there, so that the cursor streams
    instead of being held."""
    if connection.vendor != "postgresql":
        queryset = (
            AccessLogEntry.objects.filter(seq__lte=head)
            .order_by("seq")
            .annotate(fields_json=Cast("fields", TextField()))
            .values_list(*(c if c != "fields" else "fields_json" for c in CANONICAL_COLUMNS), "entry_hash")
        )
        for row in queryset.iterator(chunk_size=chunk_size):
            yield (row[0], _utc_iso(row[1]), *row[2:])
        return
    quote = connection.ops.quote_name
    columns = [quote(AccessLogEntry._meta.get_field(c).column) for c in (*CANONICAL_COLUMNS, "entry_hash")]
    columns[1] = _PG_UTC_ISO.format(at=columns[1])
    columns[9] += "::text"
    seq = columns[0]
    table = quote(AccessLogEntry._meta.db_table)
    query = f"SELECT {', '.join(columns)} FROM {table} WHERE {seq} <= %s ORDER BY {seq}"  # noqa: S608 (quoted names only)
    connection.ensure_connection()
    with connection.connection.cursor(name="egov_access_log_verify", binary=True) as cursor:
        cursor.execute(query, [head])
        while rows := cursor.fetchmany(chunk_size):
            yield from rows


def access_log_verify(
    *,
    public_keys: Mapping[str, Ed25519PublicKey],
    interval: int | None = None,
    chunk_size: int = 20_000,
    progress: Callable[[int], None] | None = None,
) -> ChainReport:
    """Check the whole access log: seqs contiguous from 1, every hash recomputed from the
    entry's canonical form, every entry chained to the one before, every checkpoint signed by
    one of `public_keys` (key id -> key) over its entry's hash, and (unless `interval` is 0)
    a checkpoint at every multiple of `interval` (default: EGOV_ACCESS_CHECKPOINT_INTERVAL).

    Reads the entries once, in seq order, as plain tuples from a server-side cursor; needs
    no private key. Returns a report naming the first problem, if any.
    """
    started = time.monotonic()
    interval = checkpoint_interval() if interval is None else interval
    # Checkpoints first, then the head: every checkpoint read belongs to an entry that was
    # committed by then, so one beyond the head means removed entries, while appends that
    # commit during the run are simply left for the next one.
    early = {c.seq: c for c in _checkpoint_rows(AccessCheckpoint.objects.all())}
    head = AccessLogEntry.objects.aggregate(head=Max("seq"))["head"] or 0
    checkpoints = _checkpoints_up_to(head, early)
    checked = 0  # checkpoints verified so far

    def report(entries: int, problem: ChainProblem | None) -> ChainReport:
        return ChainReport(entries, checked, head, time.monotonic() - started, problem)

    stray = sorted(seq for seq in checkpoints if seq < 1)
    if stray:
        return report(0, ChainProblem(stray[0], "inserted", f"a checkpoint at seq {stray[0]} names no entry"))
    events = sorted(seq for seq in checkpoints if seq <= head)
    if interval:
        events = sorted(set(events).union(range(interval, head + 1, interval)))
    events.append(head + 1)  # sentinel: never reached
    event_index = 0
    next_event = events[0]
    expected, prev, last_good = 1, GENESIS_HASH, 0

    sha256, loads, encode = hashlib.sha256, json.loads, _encode_iso
    # SQLite's atomic blocks take the write lock here, so it reads without one; reading only
    # up to the head keeps the result consistent all the same.
    with (
        transaction.atomic() if connection.vendor == "postgresql" else contextlib.nullcontext(),
        contextlib.closing(_chain_rows(head, chunk_size)) as rows,
    ):
        for (seq, at, consumer, client, user, case, message, item, subject, fields_json, purpose, basis,
             outcome, error, prev_hash, stored) in rows:  # fmt: skip
            try:
                digest = sha256(
                    encode(seq, at, consumer, client, user, case, message, item, subject, loads(fields_json),
                           purpose, basis, outcome, error, prev_hash)
                ).hexdigest()  # fmt: skip
            except (TypeError, ValueError):
                digest = _hash_of(seq)  # unusual values: through the reference form
            if seq != expected or prev_hash != prev or digest != stored:
                return report(expected - 1, _diagnose(seq, expected, prev))
            if seq == next_event:
                checkpoint = checkpoints.get(seq)
                if checkpoint is None:
                    problem = ChainProblem(
                        seq, "checkpoint missing", f"no checkpoint at seq {seq} (one is due every {interval})"
                    )
                    return report(seq - 1, problem)
                problem = _check_checkpoint(checkpoint, digest, public_keys, last_good)
                if problem:
                    return report(seq - 1, problem)
                checked += 1
                last_good = seq
                event_index += 1
                next_event = events[event_index]
            prev = digest
            expected += 1
            if progress and not expected % 100_000:
                progress(expected)
    beyond = sorted(seq for seq in early if seq > head)
    if beyond:
        problem = ChainProblem(
            head + 1,
            "missing",
            f"the chain ends at seq {head}, but a checkpoint signs seq {beyond[0]}: "
            f"entries {head + 1}–{beyond[0]} were removed",
        )
        return report(head, problem)
    return report(head, None)
