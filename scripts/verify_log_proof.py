#!/usr/bin/env python3
"""Verify, offline, that an access-log entry is in the witnessed log (docs/transparency-log.md).

    python3 verify_log_proof.py proof.json --log-key VKEY --witness-key VKEY

`proof.json` is what "who looked at my data" offers for one line: the entry's leaf hash, its
index, the inclusion proof and the checkpoint (a C2SP signed note with the witnesses'
cosignatures). The keys are the published verifier keys of the log and of a witness you trust
(run by another agency). Needs Python 3.11+ and `cryptography` only. Exits 0 if the entry is
in the tree that the log signed and the witness cosigned, 1 otherwise.
"""

import argparse
import base64
import hashlib
import json
import struct
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes]) -> bytes:
    """RFC 9162 §2.1.3.2."""
    if not 0 <= index < size:
        raise ValueError("index outside the tree")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ValueError("proof too long")
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ValueError("proof too short")
    return r


def parse_vkey(text: str) -> tuple[str, bytes, int, Ed25519PublicKey]:
    name, key_id, raw = text.strip().split("+", 2)
    data = base64.b64decode(raw)
    return name, bytes.fromhex(key_id), data[0], Ed25519PublicKey.from_public_bytes(data[1:])


def signatures(note: str) -> tuple[str, list[tuple[str, bytes]]]:
    text, _, sigs = note.rpartition("\n\n")
    lines = []
    for line in sigs.strip("\n").split("\n"):
        _dash, name, b64 = line.split(" ")
        lines.append((name, base64.b64decode(b64)))
    return text + "\n", lines


def valid(key: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("proof", help="the proof JSON file from the page")
    parser.add_argument("--log-key", required=True, help="the log's verifier key")
    parser.add_argument("--witness-key", action="append", required=True, help="a witness's verifier key")
    args = parser.parse_args()
    bundle = json.load(open(args.proof, encoding="utf-8"))  # noqa: SIM115
    text, sigs = signatures(bundle["checkpoint"])
    origin, size, root_b64 = text.split("\n")[:3]
    size, root = int(size), base64.b64decode(root_b64)
    name, key_id, _, key = parse_vkey(args.log_key)
    if not any(n == name and b[:4] == key_id and valid(key, b[4:], text.encode()) for n, b in sigs):
        print("FAIL: the checkpoint is not signed by the log's key")
        return 1
    witnessed = []
    for vkey in args.witness_key:
        name, key_id, _, key = parse_vkey(vkey)
        for n, b in sigs:
            if n == name and b[:4] == key_id and len(b) == 76:
                (timestamp,) = struct.unpack(">Q", b[4:12])
                message = f"cosignature/v1\ntime {timestamp}\n{text}".encode()
                if valid(key, b[12:], message):
                    witnessed.append(name)
    if not witnessed:
        print("FAIL: no witness you trust cosigned the checkpoint")
        return 1
    leaf = bytes.fromhex(bundle["leaf_hash"])
    proof = [base64.b64decode(h) for h in bundle["inclusion_proof"]]
    try:
        ok = root_from_inclusion(bundle["index"], size, leaf, proof) == root
    except ValueError:
        ok = False
    if not ok or bundle["tree_size"] != size:
        print("FAIL: the inclusion proof does not lead to the checkpoint's root")
        return 1
    names = ", ".join(witnessed)
    print(f"OK: entry {bundle['index'] + 1} is in {origin} of {size} entries, cosigned by {names}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
