"""Verification of the access log (`egov audit verify`): the whole hash chain re-computed,
every signed checkpoint checked, and the first thing wrong named.

`exchange.accesslog` defines the chain (the canonical form, the hashes, the checkpoints'
messages) and appends to it; this module only reads it, and needs no private key: the
platform's public key, or the published one, is enough.
"""

import contextlib
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import DatabaseError
from django.db.models import Max

from egov.core.keys import signature_valid
from egov.exchange import store
from egov.exchange.accesslog import (
    CANONICAL_COLUMNS,
    GENESIS_HASH,
    _canonical_row,
    _encode_iso,
    _utc_iso,
    checkpoint_interval,
    checkpoint_message,
)
from egov.exchange.models import AccessCheckpoint, AccessLogEntry


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


def _chain_rows(head: int, chunk_size: int) -> Iterator[tuple]:
    """Every entry up to `head` in seq order, as tuples of the `CANONICAL_COLUMNS` and the
    stored hash, with the time as its canonical ISO text and `fields` as JSON text; within
    `store.access_log_chain_read`. On PostgreSQL the database formats the time, which saves
    building a datetime per entry."""
    return store.access_log_chain_rows(
        head=head, columns=CANONICAL_COLUMNS, chunk_size=chunk_size, utc_iso=_utc_iso
    )


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
    # Reading only up to the head keeps the result consistent where no transaction is held.
    with (
        store.access_log_chain_read(),
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
