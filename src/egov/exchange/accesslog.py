"""The access log: a Merkle tree log (RFC 9162 §2.1) with signed, witnessed checkpoints.

Writers append an entry with no position and no lock (`access_log_append`): one INSERT of the
entry with its leaf hash, SHA-256(0x00 ‖ canonical form), queued for the integrator
(`AccessLogPending`), in the caller's transaction. The integrator (`access_log_integrate`, run
by `egov worker` every second) is the only one that takes a lock, a transaction-scoped
advisory lock that no writer ever waits for: it takes pending entries off the queue, stores
the new complete subtrees' hashes (`AccessLogNode`), each leaf naming its entry (its position,
`seq` = index + 1), and signs a checkpoint (`AccessLogCheckpoint`, C2SP tlog-checkpoint in a
signed note with the platform key). `access_log_witness` then sends each new checkpoint to the
witnesses (`egov.exchange.witness`, EGOV_WITNESSES) with a consistency proof and stores their
cosignatures. `exchange.verify` (`egov audit verify`) checks the database against the latest
checkpoint a witness cosigned, which the witness keeps outside the database.

Entries written before the tree keep their hash chain (`prev_hash`, `entry_hash` = SHA-256 of
the canonical form); migration 0002 made each a leaf, SHA-256(0x00 ‖ the same canonical form),
at its seq. docs/transparency-log.md has the whole design.
"""

import contextlib
import contextvars
import datetime as dt
import hashlib
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from egov.core.keys import platform_key
from egov.exchange import store, tlog
from egov.exchange.models import AccessLogEntry

logger = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64
CHECKPOINT_DOMAIN = "egov.exchange.access-log.checkpoint"

# The columns the canonical form covers, in the order `canonical_form` takes a row tuple.
CANONICAL_COLUMNS = (
    "seq", "at", "consumer_id", "client_id", "user_ref", "case_ref", "message_id",
    "item_code", "subject_id", "fields", "purpose", "basis", "outcome", "error_code", "prev_hash",
    "subject_business_id",
)  # fmt: skip
# JSON keys of the canonical form, by column.
_CANONICAL_KEYS = {
    "seq": "seq", "at": "at", "consumer_id": "consumer", "client_id": "client", "user_ref": "user",
    "case_ref": "case", "message_id": "message", "item_code": "item", "subject_id": "subject",
    "fields": "fields", "purpose": "purpose", "basis": "basis", "outcome": "outcome",
    "error_code": "error", "prev_hash": "prev", "subject_business_id": "business",
}  # fmt: skip

_encode_str = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) uses for str


def _canonical_reference(row: Sequence) -> bytes:
    """The definition of the canonical form: sorted-key compact JSON, UTF-8, of every
    column but the entry's own hash, the time as UTC ISO 8601 with microseconds. The
    business subject ("business") is there only when the entry has one: an entry without one
    has the bytes it had before the column existed."""
    payload = dict(zip((_CANONICAL_KEYS[c] for c in CANONICAL_COLUMNS), row, strict=True))
    if payload["business"] is None:
        del payload["business"]
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
# "business" (between "basis" and "case") is there only for an entry with a business subject.
_BEFORE_PREV = (
    '{"at":%s,"basis":%s,%s"case":%s,"client":%s,"consumer":%s,"error":%s,"fields":%s,"item":%s,'
    '"message":%s,"outcome":%s,"prev":'
)
_BEFORE_SEQ = ',"purpose":%s,"seq":'
_AFTER_SEQ = ',"subject":%s,"user":%s}'
_FORMAT = _BEFORE_PREV + "%s" + _BEFORE_SEQ + "%s" + _AFTER_SEQ
_UTC = dt.UTC


def _utc_iso(at: dt.datetime) -> str:
    return (at if at.tzinfo is _UTC else at.astimezone(_UTC)).isoformat(timespec="microseconds")


def _business(business) -> str:
    """The "business" member of the canonical form and its comma: none without one."""
    if business is None:
        return ""
    if type(business) is not int:
        raise TypeError(business)
    return f'"business":{business!r},'


def _encode_iso(seq, at_iso, consumer, client, user, case, message, item, subject, fields, purpose, basis,
                outcome, error, prev, business=None) -> bytes:  # fmt: skip
    """`_canonical_reference` of these values, byte for byte, the time already formatted,
    without building a dict and sorting its keys for every entry: `egov audit verify` hashes
    a million of them. Raises TypeError on any value it does not expect (a text that is not
    a string, an id that is not an integer, a field name that is not a string)."""
    if type(seq) is not int:
        raise TypeError(seq)
    return (_FORMAT % (
        _encode_str(at_iso), _encode_str(basis), _business(business), _encode_str(case), _encode_str(client),
        _int_or_null(consumer), _encode_str(error), "[" + ",".join(map(_encode_str, fields)) + "]",
        _encode_str(item), _encode_str(message), _encode_str(outcome), _encode_str(prev),
        _encode_str(purpose), repr(seq), _int_or_null(subject), _encode_str(user),
    )).encode()  # fmt: skip


def _canonical_parts(at_iso, consumer, client, user, case, message, item, subject, fields, purpose, basis,
                     outcome, error, business=None) -> tuple[str, str, str]:  # fmt: skip
    """The canonical form of an entry not yet chained, as three texts `a`, `b`, `c` such that
    `a + <previous hash as a JSON string> + b + <seq in decimal> + c` is `_encode_iso` of the
    entry with that seq and previous hash: what lets the database finish the hash once it
    knows the head (`store.APPEND_SQL`). Raises TypeError like `_encode_iso`."""
    return (
        _BEFORE_PREV % (
            _encode_str(at_iso), _encode_str(basis), _business(business), _encode_str(case),
            _encode_str(client), _int_or_null(consumer), _encode_str(error),
            "[" + ",".join(map(_encode_str, fields)) + "]", _encode_str(item), _encode_str(message),
            _encode_str(outcome),
        ),
        _BEFORE_SEQ % _encode_str(purpose),
        _AFTER_SEQ % (_int_or_null(subject), _encode_str(user)),
    )  # fmt: skip


def _canonical_row(row: Sequence) -> bytes:
    """The canonical form of a tuple of the `CANONICAL_COLUMNS`, in that order."""
    try:
        return _encode_iso(row[0], _utc_iso(row[1]), *row[2:16])
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


def leaf_of(row: Sequence) -> bytes:
    """The leaf hash of a tuple of the `CANONICAL_COLUMNS`: for an entry of the tree (empty
    `prev_hash`) its canonical form with seq 0 (its position is the tree's, not its own);
    for an entry of the former hash chain, its canonical form as it was chained."""
    if row[14]:
        return tlog.leaf_hash(_canonical_row(row))
    return tlog.leaf_hash(_canonical_row((0, *row[1:])))


def entry_leaf_hash(entry: AccessLogEntry) -> bytes:
    """The leaf hash of an entry (one of the former chain read through
    `AccessLogEntry.objects`, which gives its seq)."""
    return leaf_of(tuple(getattr(entry, column) for column in CANONICAL_COLUMNS))


# --- Appending: no lock --------------------------------------------------------------------


class Deferral:
    """The appends of one transaction whose ids are read after its COMMIT
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
    does not wait for the database: the INSERT and every later statement of the transaction
    go to the server together with its COMMIT, in one pipeline, and the entries' ids are read
    once the COMMIT has returned, when the block ends. Within the block an appended entry has
    no `pk` yet; statements that need it take it from the database (`currval` of the entry's
    id sequence). Elsewhere appends run as usual."""
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
    for entry in deferral.entries:  # the pipeline has ended: every result has been read
        entry.pk = entry._sent_append.result()[0]
        del entry._sent_append


def access_log_append(*, receipt: store.Receipt | None = None, **values) -> AccessLogEntry:
    """Append one entry, pending: it gets its position in the tree (`seq`) when the integrator
    next runs (within EGOV_ACCESS_LOG_INTEGRATE_SECONDS). Inside the caller's transaction it
    commits or rolls back with the caller's work; outside one it is committed at once, in one
    statement (the entry and its queue row together, no BEGIN or COMMIT on PostgreSQL). No
    lock is taken, so the caller's later work (rendering, signing) holds nothing of the log's.
    The entry's leaf hash (`entry_hash`) is known at once. With a `receipt` (the answer to a
    client's message), the receipt is written in the same statement (IntegrityError and
    nothing written when that message has one already)."""
    entry = AccessLogEntry(at=timezone.now(), prev_hash="", **values)
    entry.entry_hash = entry_leaf_hash(entry).hex()
    deferral = _deferral.get()
    if receipt is None and deferral is not None and deferral.send_with_the_commit():
        entry._sent_append = store.access_log_append_sent(entry)  # pk is read after the COMMIT
        deferral.entries.append(entry)
    else:
        entry.pk = store.access_log_insert(entry, receipt)
    entry._state.adding = False  # as after save(): the entry is in the database
    entry._state.db = connection.alias
    return entry


# --- The integrator ------------------------------------------------------------------------


def log_origin() -> str:
    """The log's name, the checkpoints' origin line (EGOV_ACCESS_LOG_ORIGIN)."""
    origin = settings.EGOV_ACCESS_LOG_ORIGIN
    if not origin or any(c.isspace() or c == "+" for c in origin):
        raise ImproperlyConfigured(f"EGOV_ACCESS_LOG_ORIGIN must be a name without spaces, not {origin!r}")
    return origin


def log_signer() -> tlog.Signer:
    """The platform key as the log's note key, named by the origin."""
    return tlog.Signer(log_origin(), platform_key().private_key)


def log_verifier() -> tlog.Verifier:
    """The log's verifier key (publish it: `egov audit vkey`)."""
    return log_signer().verifier


def integrate_batch() -> int:
    batch = settings.EGOV_ACCESS_LOG_INTEGRATE_BATCH
    if type(batch) is not int or batch < 1:
        raise ImproperlyConfigured(
            f"EGOV_ACCESS_LOG_INTEGRATE_BATCH must be a positive integer, not {batch!r}"
        )
    return batch


@dataclass(frozen=True)
class Integration:
    """What one run of the integrator did."""

    integrated: int  # entries given a position
    tree_size: int
    checkpoint: int | None  # the size of the checkpoint it signed, if any


def access_log_integrate(*, batch: int | None = None) -> Integration | None:
    """Give pending entries their positions, oldest first, up to `batch` (default
    EGOV_ACCESS_LOG_INTEGRATE_BATCH) per transaction, store the new subtree hashes and sign a
    checkpoint of the new tree. None when another integrator holds the lock (it does the
    work). Writers never wait for this lock, and it is held for no round trip to anything but
    the database."""
    batch = integrate_batch() if batch is None else batch
    integrated = 0
    while True:
        with transaction.atomic():
            if not store.integrator_lock():
                return None
            size = store.tree_size()
            pending = store.pending_take(limit=batch)
            frontier_ids = tlog.frontier_nodes(size)
            found = store.nodes_get(set(frontier_ids))
            frontier = [found[node] for node in frontier_ids]
            if pending:
                new_size, frontier, created = tlog.append_leaves(
                    size, frontier, (bytes.fromhex(leaf) for _, leaf in pending)
                )
                store.nodes_insert(created, {size + i: entry_id for i, (entry_id, _) in enumerate(pending)})
                integrated += new_size - size
                size = new_size
            latest = store.checkpoint_latest()
            signed = None
            if size and (latest is None or latest[0] < size):
                checkpoint = tlog.Checkpoint(log_origin(), size, tlog.frontier_root(frontier))
                note = tlog.note_sign(checkpoint.text(), log_signer())
                store.checkpoint_insert(size=size, root=checkpoint.root, note=note, at=timezone.now())
                signed = size
        if len(pending) < batch:
            return Integration(integrated, size, signed)


# --- Witnesses -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Witness:
    url: str  # the submission prefix: POST {url}/add-checkpoint
    verifier: tlog.Verifier


def witnesses() -> list[Witness]:
    """EGOV_WITNESSES: "URL VKEY" pairs separated by ";" or newlines."""
    found = []
    for part in settings.EGOV_WITNESSES.replace("\n", ";").split(";"):
        if not part.strip():
            continue
        try:
            url, vkey = part.split()
            verifier = tlog.Verifier.from_vkey(vkey)
        except (ValueError, tlog.ProofError) as exc:
            raise ImproperlyConfigured(
                f"EGOV_WITNESSES: each witness is 'URL VKEY', not {part.strip()!r}"
            ) from exc
        found.append(Witness(url.rstrip("/"), verifier))
    return found


def _post(url: str, body: bytes, timeout: float) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "text/plain"})  # noqa: S310 (configured URL)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def witness_request(old: int, proof: list[bytes], note: str) -> bytes:
    """The C2SP tlog-witness add-checkpoint body."""
    lines = [f"old {old}\n", *(tlog.b64(p) + "\n" for p in proof), "\n"]
    return ("".join(lines) + note).encode()


def consistency_proof(old: int, new: int) -> list[bytes]:
    return tlog.proof_from_nodes(tlog.consistency_proof_nodes(old, new), store.nodes_get)


def inclusion_proof(index: int, size: int) -> list[bytes]:
    return tlog.proof_from_nodes(tlog.inclusion_proof_nodes(index, size), store.nodes_get)


def access_log_witness(*, timeout: float = 5.0) -> int:
    """Send the latest checkpoint to every configured witness not yet cosigning it, with a
    consistency proof from the size the witness last cosigned; store each cosignature.
    Outside any transaction, holding no lock. Returns the cosignatures stored."""
    latest = store.checkpoint_latest()
    if latest is None:
        return 0
    size, note, checkpoint_id = latest
    stored = 0
    for witness in witnesses():
        name = witness.verifier.name
        old = store.cosigned_size(witness=name)
        if old == size:
            continue
        for _attempt in range(2):
            status, body = _post(
                f"{witness.url}/add-checkpoint",
                witness_request(old, consistency_proof(old, size), note),
                timeout,
            )
            if status == 409 and body.strip().isdigit() and int(body) <= size and int(body) != old:
                old = int(body)  # the witness saw a later checkpoint than we stored: prove from there
                continue
            break
        if status != 200:
            logger.warning("witness refused the checkpoint", extra={"witness": name, "status": status})
            continue
        line = body.decode()
        try:
            tlog.cosignature_verify(note + line, witness.verifier)
        except tlog.ProofError:
            logger.warning("witness answered with no valid cosignature", extra={"witness": name})
            continue
        store.cosignature_insert(checkpoint_id=checkpoint_id, witness=name, line=line, at=timezone.now())
        stored += 1
    return stored


def access_log_tick() -> None:
    """The worker's every-second job: integrate, then ask the witnesses to cosign."""
    access_log_integrate()
    access_log_witness()


# --- What the log publishes ----------------------------------------------------------------


def checkpoint_published() -> tuple[int, bytes, str] | None:
    """(tree size, root hash, the signed note with every stored cosignature appended) of the
    latest checkpoint, or None before the first."""
    latest = store.checkpoint_latest()
    if latest is None:
        return None
    size, note, checkpoint_id = latest
    lines = "".join(store.checkpoint_cosignature_lines(checkpoint_id=checkpoint_id))
    return size, tlog.Checkpoint.parse(tlog.note_split(note)[0]).root, note + lines


def access_log_pending() -> tuple[int, dt.datetime | None]:
    """(entries not yet in the tree, the time of the oldest): what monitoring shows, read from
    the integrator's queue (cheap on any size of log)."""
    return store.pending_summary()


def entry_position(*, entry_id: int, client_id: str | None = None) -> tuple[int | None, str] | None:
    """(seq or None while pending, leaf hash hex) of an entry, of this client's entries only
    when `client_id` is given; None if there is no such entry."""
    return store.entry_position(entry_id=entry_id, client_id=client_id)
