"""The Merkle tree (RFC 9162 §2.1), checkpoints, signed notes and cosignatures of
`egov.exchange.tlog`, against the RFC 6962 vectors of transparency-dev/merkle and by property."""

import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from egov.exchange import tlog

h = bytes.fromhex
LEAF_INPUTS = [h(x) for x in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                              "606162636465666768696a6b6c6d6e6f")]  # fmt: skip
ROOTS = [h(x) for x in (
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
)]  # fmt: skip
# (leaf index, tree size, proof)
INCLUSION = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip
CONSISTENCY = [
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]  # fmt: skip


class MemoryTree:
    """A tree kept as the store keeps it: every complete subtree's hash by (level, index)."""

    def __init__(self, leaves=()):
        self.size, self.frontier, self.nodes = 0, [], {}
        self.append(leaves)

    def append(self, leaves):
        self.size, self.frontier, created = tlog.append_leaves(self.size, self.frontier, leaves)
        self.nodes.update({(level, index): h for level, index, h in created})

    def fetch(self, wanted):
        return {node: self.nodes[node] for node in wanted if node in self.nodes}

    def inclusion(self, index, size):
        return tlog.proof_from_nodes(tlog.inclusion_proof_nodes(index, size), self.fetch)

    def consistency(self, old, new):
        return tlog.proof_from_nodes(tlog.consistency_proof_nodes(old, new), self.fetch)

    def root(self, size):
        return (
            tlog.range_hash([self.nodes[n] for n in tlog.frontier_nodes(size)]) if size else tlog.EMPTY_ROOT
        )


def test_the_roots_of_the_vector_trees_match_at_every_size():
    leaves = [tlog.leaf_hash(x) for x in LEAF_INPUTS]
    tree = MemoryTree(leaves)
    for size, root in enumerate(ROOTS):
        assert tlog.root_of(leaves[:size]) == root
        assert tree.root(size) == root
    assert tlog.frontier_root(tree.frontier) == ROOTS[8]


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_inclusion_proofs_match_the_vectors_and_verify(index, size, proof):
    tree = MemoryTree(tlog.leaf_hash(x) for x in LEAF_INPUTS)
    assert [p.hex() for p in tree.inclusion(index, size)] == proof
    leaf = tlog.leaf_hash(LEAF_INPUTS[index])
    tlog.verify_inclusion(index, size, leaf, [h(p) for p in proof], ROOTS[size])
    for bad_index, bad_size in ((index ^ 1, size), (index, size * 2), (index, size // 2 or 1)):
        if (bad_index, bad_size) != (index, size) and bad_index < bad_size:
            with pytest.raises(tlog.ProofError):
                tlog.verify_inclusion(bad_index, bad_size, leaf, [h(p) for p in proof], ROOTS[size])
    with pytest.raises(tlog.ProofError):
        tlog.verify_inclusion(index, size, leaf, [h(p) for p in proof][:-1], ROOTS[size])
    with pytest.raises(tlog.ProofError):
        tlog.verify_inclusion(index, size, leaf, [*[h(p) for p in proof], ROOTS[size]], ROOTS[size])


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY)
def test_consistency_proofs_match_the_vectors_and_verify(old, new, proof):
    tree = MemoryTree(tlog.leaf_hash(x) for x in LEAF_INPUTS)
    assert [p.hex() for p in tree.consistency(old, new)] == proof
    tlog.verify_consistency(old, new, ROOTS[old], ROOTS[new], [h(p) for p in proof])
    with pytest.raises(tlog.ProofError):
        tlog.verify_consistency(old, new, ROOTS[new], ROOTS[old], [h(p) for p in proof])
    with pytest.raises(tlog.ProofError):
        tlog.verify_consistency(old, new, ROOTS[old], ROOTS[new], [h(p) for p in proof][:-1])


def test_trivial_consistency_and_a_proof_from_a_larger_tree_are_judged():
    tlog.verify_consistency(0, 5, ROOTS[0], ROOTS[5], [])
    tlog.verify_consistency(3, 3, ROOTS[3], ROOTS[3], [])
    with pytest.raises(tlog.ProofError):
        tlog.verify_consistency(3, 3, ROOTS[3], ROOTS[4], [])
    with pytest.raises(tlog.ProofError):
        tlog.verify_consistency(5, 3, ROOTS[5], ROOTS[3], [])


@settings(max_examples=60, deadline=None)
@given(size=st.integers(1, 300), data=st.data())
def test_every_inclusion_and_consistency_proof_verifies_and_any_altered_leaf_fails(size, data):
    leaves = [hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(size)]
    tree = MemoryTree()
    cut = data.draw(st.integers(0, size))
    tree.append(leaves[:cut])
    tree.append(leaves[cut:])  # appended in two batches, as the integrator does
    index = data.draw(st.integers(0, size - 1))
    at = data.draw(st.integers(index + 1, size))
    root = tree.root(at)
    assert root == tlog.root_of(leaves[:at])
    proof = tree.inclusion(index, at)
    tlog.verify_inclusion(index, at, leaves[index], proof, root)
    with pytest.raises(tlog.ProofError):
        tlog.verify_inclusion(index, at, tlog.leaf_hash(b"altered"), proof, root)
    old = data.draw(st.integers(0, at))
    tlog.verify_consistency(old, at, tree.root(old), root, tree.consistency(old, at))
    if 0 < old < at:
        altered = list(leaves[:at])
        altered[data.draw(st.integers(0, old - 1))] = tlog.leaf_hash(b"altered")
        with pytest.raises(tlog.ProofError):
            tlog.verify_consistency(old, at, tlog.root_of(altered[:old]), root, tree.consistency(old, at))


def test_a_checkpoint_note_is_signed_with_the_c2sp_key_id_and_cosigned():
    log = tlog.Signer("egov.example/access-log", Ed25519PrivateKey.generate())
    raw = log.verifier.vkey()
    assert tlog.Verifier.from_vkey(raw).key_id == log.verifier.key_id
    checkpoint = tlog.Checkpoint("egov.example/access-log", 8, ROOTS[8])
    note = tlog.note_sign(checkpoint.text(), log)
    assert note.startswith("egov.example/access-log\n8\nXcnaeacGWamtVZy3Ad7Zoqudgjqt")
    assert "\n\n\u2014 egov.example/access-log " in note
    assert tlog.checkpoint_verify(note, log.verifier) == checkpoint
    tampered = note.replace("\n8\n", "\n7\n")
    with pytest.raises(tlog.ProofError):
        tlog.checkpoint_verify(tampered, log.verifier)
    witness = tlog.Signer("witness.example/w1", Ed25519PrivateKey.generate(), tlog.SIG_COSIGNATURE_V1)
    cosigned = note + tlog.cosign(checkpoint.text(), witness, 1_700_000_000)
    assert tlog.cosignature_verify(cosigned, witness.verifier) == 1_700_000_000
    assert tlog.checkpoint_verify(cosigned, log.verifier) == checkpoint
    with pytest.raises(tlog.ProofError):
        tlog.cosignature_verify(note, witness.verifier)
    other = tlog.Signer("witness.example/w1", Ed25519PrivateKey.generate(), tlog.SIG_COSIGNATURE_V1)
    with pytest.raises(tlog.ProofError):
        tlog.cosignature_verify(cosigned, other.verifier)
