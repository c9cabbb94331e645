"""Merkle tree hashing and proofs (RFC 9162 §2.1), checkpoints (C2SP tlog-checkpoint) in
signed notes (C2SP signed-note) and witness cosignatures (C2SP tlog-cosignature, v1).

Pure functions of bytes and integers, on the standard library and `cryptography` only: the
platform, the witness program (`egov.exchange.witness`) and an auditor's tools share them, and
none of them needs Django. Hashes are 32-byte `bytes`; positions are 0-based leaf indexes.

No maintained PyPI package implements these formats together with a store the platform can
keep in its own database, so the tree algorithms (hashing only; no crypto primitive) follow the
RFC's recursive definitions and are tested against the RFC 6962 vectors of
transparency-dev/merkle (tests/exchange/test_tlog.py).
"""

import base64
import hashlib
import struct
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

EMPTY_ROOT = hashlib.sha256(b"").digest()
_sha256 = hashlib.sha256


class ProofError(ValueError):
    """A proof, checkpoint or signature that does not verify."""


# --- Hashing (RFC 9162 §2.1.1) ---------------------------------------------------------------


def leaf_hash(entry: bytes) -> bytes:
    """SHA-256(0x00 ‖ entry)."""
    return _sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 ‖ left ‖ right)."""
    return _sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_of(leaves: Sequence[bytes]) -> bytes:
    """MTH of these leaf hashes (not entries)."""
    if not leaves:
        return EMPTY_ROOT
    level = list(leaves)
    # Bottom-up pairing with the odd node carried up gives the RFC's recursive MTH.
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


# --- Subtrees and the stored nodes -------------------------------------------------------------
#
# The store keeps the hash of every complete, aligned subtree: node (level, index) covers leaves
# [index·2^level, (index+1)·2^level). Any range a proof needs is a few such nodes.


def range_nodes(start: int, end: int) -> list[tuple[int, int]]:
    """The stored nodes (level, index) whose hashes make MTH(D[start:end]) for a range the RFC's
    recursion produces (start aligned to the largest power of two not above end - start), left
    to right; `range_hash` combines them."""
    nodes = []
    while start < end:
        size = end - start
        level = size.bit_length() - 1
        while start % (1 << level):
            level -= 1
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def range_hash(hashes: Sequence[bytes]) -> bytes:
    """MTH of a range from its `range_nodes` hashes: they fold right to left."""
    result = hashes[-1]
    for h in reversed(hashes[:-1]):
        result = node_hash(h, result)
    return result


def _inclusion_ranges(index: int, start: int, end: int) -> list[tuple[int, int]]:
    """The ranges whose MTHs make PATH(index, D[start:end]), leaf to root (RFC 9162 §2.1.3.1)."""
    ranges = []
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    ranges.reverse()
    return ranges


def _consistency_ranges(m: int, start: int, end: int, whole: bool = True) -> list[tuple[int, int]]:
    """The ranges whose MTHs make SUBPROOF(m, D[start:end], whole) (RFC 9162 §2.1.4.1)."""
    n = end - start
    if m == n:
        return [] if whole else [(start, end)]
    k = _split(n)
    if m <= k:
        return _consistency_ranges(m, start, start + k, whole) + [(start + k, end)]
    return _consistency_ranges(m - k, start + k, end, False) + [(start, start + k)]


def inclusion_proof_nodes(index: int, size: int) -> list[list[tuple[int, int]]]:
    """For each hash of the inclusion proof of leaf `index` in a tree of `size`, the stored
    nodes that make it."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size}")
    return [range_nodes(a, b) for a, b in _inclusion_ranges(index, 0, size)]


def consistency_proof_nodes(old: int, new: int) -> list[list[tuple[int, int]]]:
    """For each hash of the consistency proof from `old` to `new`, the stored nodes that make it."""
    if not 0 <= old <= new:
        raise ProofError(f"no consistency proof from {old} to {new}")
    if old == 0 or old == new:
        return []
    return [range_nodes(a, b) for a, b in _consistency_ranges(old, 0, new)]


def proof_from_nodes(
    wanted: list[list[tuple[int, int]]], fetch: Callable[[set[tuple[int, int]]], dict[tuple[int, int], bytes]]
) -> list[bytes]:
    """The proof's hashes, fetching every stored node it needs in one call of `fetch`."""
    needed = {node for nodes in wanted for node in nodes}
    found = fetch(needed) if needed else {}
    missing = needed - found.keys()
    if missing:
        raise ProofError(f"the tree lacks node(s) {sorted(missing)[:3]}")
    return [range_hash([found[node] for node in nodes]) for nodes in wanted]


# --- Appending: the compact range (the right edge of the tree) ----------------------------------


def frontier_nodes(size: int) -> list[tuple[int, int]]:
    """The complete subtrees of a tree of `size`, left to right: its compact range."""
    return range_nodes(0, size)


def append_leaves(
    size: int, frontier: list[bytes], leaves: Iterable[bytes]
) -> tuple[int, list[bytes], list[tuple[int, int, bytes]]]:
    """Append leaf hashes to a tree of `size` whose compact range is `frontier` (hashes of
    `frontier_nodes(size)`). Returns the new size, the new compact range and every node
    (level, index, hash) that became complete, leaves included."""
    stack = list(frontier)
    created: list[tuple[int, int, bytes]] = []
    for leaf in leaves:
        created.append((0, size, leaf))
        h, level, index = leaf, 0, size
        # Each trailing 1 bit of the new leaf's index completes one more subtree.
        while index & 1:
            h = node_hash(stack.pop(), h)
            level, index = level + 1, index >> 1
            created.append((level, index, h))
        stack.append(h)
        size += 1
    return size, stack, created


def extend(size: int, frontier: list[bytes], leaves: Iterable[bytes]) -> tuple[int, list[bytes]]:
    """`append_leaves` without collecting the new nodes: for verification."""
    stack = frontier
    for leaf in leaves:
        h, index = leaf, size
        while index & 1:
            h = _sha256(b"\x01" + stack.pop() + h).digest()
            index >>= 1
        stack.append(h)
        size += 1
    return size, stack


def frontier_root(frontier: Sequence[bytes]) -> bytes:
    """The root of a tree from its compact range."""
    return range_hash(frontier) if frontier else EMPTY_ROOT


# --- Verification (RFC 9162 §2.1.3.2 and §2.1.4.2) -----------------------------------------------


def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if len(p) != 32 or sn == 0:
            raise ProofError("the inclusion proof is malformed")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the inclusion proof is too short")
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> None:
    """Raise ProofError unless `proof` shows leaf hash `leaf` at `index` in the tree of `size`
    with `root`."""
    if len(leaf) != 32 or root_from_inclusion_proof(index, size, leaf, proof) != root:
        raise ProofError(f"leaf {index} is not in the tree of {size} with this root")


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> None:
    """Raise ProofError unless `proof` shows the tree of `old` with `old_root` is a prefix of
    the tree of `new` with `new_root`."""
    if not 0 <= old <= new:
        raise ProofError(f"a tree of {new} cannot extend one of {old}")
    if old == new:
        if proof or old_root != new_root:
            raise ProofError("equal sizes need equal roots and an empty proof")
        return
    if old == 0:
        if proof:
            raise ProofError("a proof from the empty tree must be empty")
        return
    if not proof or any(len(p) != 32 for p in proof):
        raise ProofError("the consistency proof is malformed")
    path = list(proof)
    if old & (old - 1) == 0:  # a power of two: the old root is the proof's implicit first node
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is too long")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or fr != old_root or sr != new_root:
        raise ProofError(f"the tree of {new} does not extend the tree of {old}")


# --- Signed notes (C2SP signed-note) ---------------------------------------------------------

SIG_ED25519 = 0x01
SIG_COSIGNATURE_V1 = 0x04
_DASH = "\u2014"


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_hash(name: str, sig_type: int, public_key: Ed25519PublicKey) -> bytes:
    """The 4-byte key ID: SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4]."""
    return _sha256(name.encode() + b"\n" + bytes([sig_type]) + _raw(public_key)).digest()[:4]


@dataclass(frozen=True)
class Verifier:
    """A note key: its name, type (0x01 log signature, 0x04 cosignature/v1) and public key."""

    name: str
    public_key: Ed25519PublicKey
    sig_type: int = SIG_ED25519

    @property
    def key_id(self) -> bytes:
        return key_hash(self.name, self.sig_type, self.public_key)

    def vkey(self) -> str:
        """The verifier key text: name+hex key ID+base64(type ‖ public key)."""
        raw = base64.b64encode(bytes([self.sig_type]) + _raw(self.public_key)).decode()
        return f"{self.name}+{self.key_id.hex()}+{raw}"

    @classmethod
    def from_vkey(cls, text: str) -> "Verifier":
        try:
            name, key_id, raw = text.strip().split("+", 2)
            data = base64.b64decode(raw, validate=True)
            verifier = cls(name, Ed25519PublicKey.from_public_bytes(data[1:]), data[0])
        except (ValueError, IndexError) as exc:
            raise ProofError(f"not a verifier key: {text[:40]!r}") from exc
        if verifier.sig_type not in (SIG_ED25519, SIG_COSIGNATURE_V1) or verifier.key_id.hex() != key_id:
            raise ProofError(f"the verifier key {name} does not match its key ID")
        return verifier


@dataclass(frozen=True)
class Signer:
    name: str
    private_key: Ed25519PrivateKey
    sig_type: int = SIG_ED25519

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, self.private_key.public_key(), self.sig_type)


def _sig_line(name: str, key_id: bytes, signature: bytes) -> str:
    return f"{_DASH} {name} {base64.b64encode(key_id + signature).decode()}\n"


def note_sign(text: str, signer: Signer) -> str:
    """The signed note: `text` (ending in a newline), a blank line and the signature line."""
    if not text.endswith("\n"):
        raise ValueError("a note's text ends with a newline")
    signature = signer.private_key.sign(text.encode())
    return text + "\n" + _sig_line(signer.name, signer.verifier.key_id, signature)


def note_split(note: str) -> tuple[str, list[tuple[str, bytes, bytes]]]:
    """(text, [(key name, key ID, signature bytes), ...]) of a signed note."""
    text, sep, sigs = note.rpartition("\n\n")
    if not sep or not sigs.endswith("\n"):
        raise ProofError("not a signed note")
    lines = []
    for line in sigs[:-1].split("\n"):
        try:
            dash, name, b64 = line.split(" ")
            blob = base64.b64decode(b64, validate=True)
        except ValueError as exc:
            raise ProofError("a note signature line is malformed") from exc
        if dash != _DASH or len(blob) < 5:
            raise ProofError("a note signature line is malformed")
        lines.append((name, blob[:4], blob[4:]))
    return text + "\n", lines


def _verified(verifier: Verifier, signature: bytes, message: bytes) -> bool:
    try:
        verifier.public_key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def note_verify(note: str, verifier: Verifier) -> str:
    """The note's text if it carries a valid signature by `verifier` (a log key); ProofError
    otherwise. Signatures by other keys are ignored."""
    text, lines = note_split(note)
    for name, key_id, signature in lines:
        if (
            name == verifier.name
            and key_id == verifier.key_id
            and _verified(verifier, signature, text.encode())
        ):
            return text
    raise ProofError(f"the note carries no valid signature by {verifier.name}")


# --- Checkpoints (C2SP tlog-checkpoint) ------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    @classmethod
    def parse(cls, text: str) -> "Checkpoint":
        lines = text.split("\n")
        try:
            origin, size, root = lines[0], lines[1], base64.b64decode(lines[2], validate=True)
        except (IndexError, ValueError) as exc:
            raise ProofError("not a checkpoint") from exc
        if not origin or not size.isdigit() or (size != "0" and size.startswith("0")) or len(root) != 32:
            raise ProofError("not a checkpoint")
        return cls(origin, int(size), root)


def checkpoint_verify(note: str, log: Verifier) -> Checkpoint:
    """The checkpoint of a signed note carrying `log`'s valid signature; ProofError otherwise."""
    return Checkpoint.parse(note_verify(note, log))


# --- Cosignatures (C2SP tlog-cosignature, cosignature/v1) -----------------------------------------


def _cosigned_message(text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


def cosign(text: str, witness: Signer, timestamp: int) -> str:
    """The witness's cosignature line over a checkpoint's text."""
    signature = witness.private_key.sign(_cosigned_message(text, timestamp))
    return _sig_line(witness.name, witness.verifier.key_id, struct.pack(">Q", timestamp) + signature)


def cosignature_verify(note: str, witness: Verifier) -> int:
    """The timestamp of `witness`'s valid cosignature on the note; ProofError without one."""
    text, lines = note_split(note)
    for name, key_id, blob in lines:
        if name != witness.name or key_id != witness.key_id or len(blob) != 72:
            continue
        (timestamp,) = struct.unpack(">Q", blob[:8])
        if _verified(witness, blob[8:], _cosigned_message(text, timestamp)):
            return timestamp
    raise ProofError(f"the checkpoint carries no valid cosignature by witness {witness.name}")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise ProofError("not base64") from exc
