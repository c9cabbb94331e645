"""Verification of the access log (`egov audit verify`): every entry's leaf recomputed, the
tree rebuilt, every checkpoint checked, and the database held against the latest checkpoint a
witness cosigned, which the witness keeps outside the database.

So cutting the log's head back, emptying it, or rewriting entries the witness has seen (even
with every hash, node and checkpoint recomputed) is reported, naming the first missing or
altered position it can. Needs no private key: the log's verifier key and the witnesses'.
"""

import hashlib
import json
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from egov.exchange import store, tlog
from egov.exchange.accesslog import CANONICAL_COLUMNS, GENESIS_HASH, _canonical_row, _encode_iso, leaf_of
from egov.exchange.models import AccessLogCheckpoint, AccessLogEntry


@dataclass(frozen=True)
class LogProblem:
    """The first thing wrong: where (seq, 1-based position), what kind, and the details."""

    seq: int | None  # None for an entry that has no position
    kind: str  # missing, altered, rewritten, bad checkpoint, outside the tree ...
    detail: str
    entry: int | None = None  # the entry's id, when it has no seq

    def __str__(self) -> str:
        where = f"seq {self.seq}" if self.seq is not None else f"entry id {self.entry}"
        return f"{where}: {self.kind}: {self.detail}"


@dataclass(frozen=True)
class LogReport:
    entries: int  # entries verified (positions 1..entries, or since `since`)
    checkpoints: int
    tree_size: int
    witnessed: int | None  # the size of the witnessed checkpoint held against the database
    seconds: float
    problem: LogProblem | None
    root: bytes = b""
    placed_below: int = 1  # every entry with a lower id was found in the tree

    @property
    def intact(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class Witnessed:
    checkpoint: tlog.Checkpoint
    note: str
    witness: str


def witnessed_checkpoint(
    notes: Sequence[str], log: tlog.Verifier, witnesses: Sequence[tlog.Verifier]
) -> Witnessed:
    """The largest of these checkpoints that carries the log's signature and a cosignature
    of one of `witnesses`; ProofError if none does."""
    best = None
    for note in notes:
        checkpoint = tlog.checkpoint_verify(note, log)
        for witness in witnesses:
            try:
                tlog.cosignature_verify(note, witness)
            except tlog.ProofError:
                continue
            if best is None or checkpoint.size > best.checkpoint.size:
                best = Witnessed(checkpoint, note, witness.name)
    if best is None:
        raise tlog.ProofError("no checkpoint given carries a valid cosignature of a witness given")
    return best


def witness_latest(url: str, origin: str, timeout: float = 5.0) -> str:
    """The latest checkpoint a witness cosigned for `origin`, asked of the witness."""
    query = urllib.parse.urlencode({"origin": origin})
    with urllib.request.urlopen(f"{url.rstrip('/')}/checkpoint?{query}", timeout=timeout) as answer:  # noqa: S310
        return answer.read().decode()


def _model_row(seq: int) -> tuple:
    return AccessLogEntry.objects.filter(seq=seq).values_list(*CANONICAL_COLUMNS).get()


def _rows(start: int, chunk_size: int) -> Iterator[tuple]:
    return store.access_log_tree_rows(start=start, columns=CANONICAL_COLUMNS, chunk_size=chunk_size)


def access_log_verify(
    *,
    log: tlog.Verifier,
    witnessed: Witnessed | None = None,
    witnesses: Sequence[tlog.Verifier] = (),
    since: tuple[int, bytes] | None = None,
    entries_from: int = 1,
    chunk_size: int = 20_000,
    progress: Callable[[int], None] | None = None,
) -> LogReport:
    """Check the log. From the start, or `since` (size, root) a tree verified before: then
    only the entries after it are read, and the stored nodes of the old tree's compact range
    must make the old root (time proportional to the new entries).

    Every entry's leaf is recomputed from its canonical form and must match its stored hash
    and level-0 node; positions must run without a gap; every checkpoint in the database
    must be signed by `log` and match the rebuilt tree; so must every cosigned checkpoint in
    the database whose cosignature verifies with one of `witnesses`, and `witnessed` (kept
    outside the database) must be covered: fewer entries than it names are missing ones.
    Last, every entry with an id from `entries_from` on must be a leaf of the tree or wait in
    the integrator's queue: one that is neither (inserted behind the integrator's back, or its
    queue row deleted) is named by its id. With `since`, pass the `placed_below` of the
    report that recorded it, so that only the entries appended since are read."""
    started = time.monotonic()
    placed_below = store.entries_placed_below()  # before the check: it covers everything after
    size, frontier = 0, []
    if since is not None:
        size, old_root = since
        ids = tlog.frontier_nodes(size)
        found = store.nodes_get(set(ids))
        frontier = [found.get(node, b"") for node in ids]
        if tlog.frontier_root(frontier) != old_root:
            problem = LogProblem(
                size, "rewritten", f"the stored tree of {size} no longer has the root verified before"
            )
            return LogReport(0, 0, store.tree_size(), None, time.monotonic() - started, problem)
    checked = 0
    targets: dict[int, list[tuple[bytes, str]]] = {}
    for cp_size, note, root in AccessLogCheckpoint.objects.filter(tree_size__gt=size).values_list(
        "tree_size", "note", "root_hash"
    ):
        try:
            parsed = tlog.checkpoint_verify(note, log)
        except tlog.ProofError:
            return LogReport(
                0, 0, store.tree_size(), None, time.monotonic() - started,
                LogProblem(cp_size, "bad checkpoint", f"the checkpoint of {cp_size} is not {log.name}'s"),
            )  # fmt: skip
        label = f"the signed checkpoint of {cp_size}"
        for witness in witnesses:
            for line in store.cosignature_lines(size=cp_size, witness=witness.name):
                try:
                    tlog.cosignature_verify(note + line, witness)
                    label = f"the checkpoint of {cp_size} cosigned by {witness.name}"
                except tlog.ProofError:
                    pass
        targets.setdefault(parsed.size, []).append((parsed.root, label))
        if parsed.size != cp_size or parsed.root != bytes(root):
            targets[parsed.size].append((bytes(root), f"the stored root of checkpoint {cp_size}"))
    if witnessed is not None:
        w = witnessed.checkpoint
        targets.setdefault(w.size, []).append(
            (w.root, f"the checkpoint of {w.size} witness {witnessed.witness} keeps")
        )
    last_target = max(targets, default=0)
    tree_size = store.tree_size()
    start_size = size
    last_good = size
    problem = None
    prev_hash = None
    sha256, loads, encode = hashlib.sha256, json.loads, _encode_iso
    # Leaves are appended to the compact range in batches that end at every size a checkpoint
    # names, so that its root is compared there.
    stops = sorted(t for t in targets if t > size)
    stop_at = iter([*stops, None])
    next_stop = next(stop_at)
    batch: list[bytes] = []
    expected = size + 1

    def flush() -> LogProblem | None:
        nonlocal size, frontier, last_good, checked
        size, frontier = tlog.extend(size, frontier, batch)
        batch.clear()
        for root, label in targets.get(size, ()):
            checked += 1
            if tlog.frontier_root(frontier) != root:
                return LogProblem(
                    last_good + 1, "rewritten",
                    f"the entries after seq {last_good} up to seq {size} do not make the root of {label}",
                )  # fmt: skip
        if size in targets:
            last_good = size
        return None

    with store.access_log_chain_read():
        for row in _rows(size, chunk_size):
            seq, node = row[0], row[-1]
            if seq != expected:
                problem = flush() or LogProblem(
                    expected, "missing", f"no entry at seq {expected}; the next is at seq {seq}"
                )
                break
            stored = row[16]  # the entry's hash, after the 16 canonical columns
            if stored is None:
                problem = flush() or LogProblem(seq, "missing", f"the entry at seq {seq} is gone")
                break
            values = (seq, row[1], *row[2:9], loads(row[9]), *row[10:16])
            try:
                canonical = encode(*values) if row[14] else encode(0, *values[1:])
            except (TypeError, ValueError):
                canonical = None
                values = _model_row(seq)  # unusual values: the reference form, from the model's row
            if row[14]:  # an entry of the former hash chain
                chained = sha256(canonical or _canonical_row(values)).hexdigest()
                leaf = tlog.leaf_hash(canonical) if canonical else leaf_of(values)
                if chained != stored or (prev_hash is not None and row[14] != prev_hash):
                    problem = flush() or LogProblem(
                        seq, "altered", f"entry {seq} no longer matches its chain hash"
                    )
                    break
                prev_hash = stored
            else:
                leaf = sha256(b"\x00" + canonical).digest() if canonical else leaf_of(values)
                if leaf.hex() != stored:
                    problem = flush() or LogProblem(
                        seq, "altered", f"entry {seq} no longer matches its leaf hash"
                    )
                    break
                prev_hash = GENESIS_HASH
            if node is None or (node if type(node) is bytes else bytes(node)) != leaf:
                problem = flush() or LogProblem(
                    seq, "altered", f"entry {seq}'s leaf is not the tree's leaf {seq - 1}"
                )
                break
            batch.append(leaf)
            expected += 1
            if seq == next_stop or len(batch) >= 50_000:
                if seq == next_stop:
                    next_stop = next(stop_at)
                problem = flush()
                if problem:
                    break
                if progress:
                    progress(size)
        if problem is None and batch:
            problem = flush()
    if problem is None and size < last_target:
        label = targets[last_target][-1][1]
        problem = LogProblem(
            size + 1,
            "missing",
            f"the log ends at seq {size}, but {label}: seqs {size + 1}–{last_target} were removed",
        )
    if problem is None:
        problem = _outside_the_tree(entries_from)
    return LogReport(
        size - start_size, checked, tree_size, witnessed.checkpoint.size if witnessed else None,
        time.monotonic() - started, problem, tlog.frontier_root(frontier), placed_below,
    )  # fmt: skip


def _outside_the_tree(entries_from: int) -> LogProblem | None:
    """The first entry (id from `entries_from` on) neither in the tree nor in the queue."""
    found = store.entries_outside_the_tree(from_id=entries_from)
    if not found:
        return None
    entry_id, at, item, client = found[0]
    more = f"; {len(found) - 1}{'+' if len(found) == 10 else ''} more after it" if len(found) > 1 else ""
    return LogProblem(
        None, "outside the tree",
        f"entry id {entry_id} ({item} for {client or 'no client'} at {at.isoformat()}) is neither a leaf "
        f"of the tree nor waiting for the integrator: written behind the integrator's back or "
        f"taken off its queue{more}",
        entry=entry_id,
    )  # fmt: skip
