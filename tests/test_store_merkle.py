"""The Merkle tree against RFC 6962's published vectors, pymerkle, and its own invariants."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pymerkle import ConsistencyProof, InclusionProof, InmemoryTree

from charter.store.merkle import (
    EMPTY_ROOT,
    Frontier,
    MerkleTree,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    split_point,
    tree_root,
    verify_consistency,
    verify_inclusion,
)

# The eight inputs and tree heads of the Certificate Transparency reference test suite
# (google/certificate-transparency, merkle_tree_test.cc; also transparency-dev/merkle).
CT_INPUTS = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]

leaf_lists = st.lists(st.binary(max_size=8), min_size=1, max_size=70)


def _pymerkle(data: list[bytes]) -> InmemoryTree:
    tree = InmemoryTree(algorithm="sha256")  # security on: RFC 6962 0x00 / 0x01 prefixes
    for item in data:
        tree.append_entry(item)
    return tree


def test_hashes_use_the_rfc_6962_prefixes() -> None:
    assert leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    assert (
        node_hash(b"a" * 32, b"b" * 32) == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()
    )
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.mark.parametrize(("n", "k"), [(2, 1), (3, 2), (4, 2), (5, 4), (8, 4), (9, 8), (1025, 1024)])
def test_split_point_is_the_largest_power_of_two_below_n(n: int, k: int) -> None:
    assert split_point(n) == k


@pytest.mark.parametrize("size", range(1, 9))
def test_tree_heads_match_the_certificate_transparency_vectors(size: int) -> None:
    leaves = [leaf_hash(bytes.fromhex(x)) for x in CT_INPUTS[:size]]
    assert tree_root(leaves).hex() == CT_ROOTS[size - 1]
    assert MerkleTree(leaves).root().hex() == CT_ROOTS[size - 1]
    assert (
        _pymerkle([bytes.fromhex(x) for x in CT_INPUTS[:size]]).get_root().hex()
        == CT_ROOTS[size - 1]
    )


def test_the_empty_tree_has_the_hash_of_nothing() -> None:
    assert tree_root([]) == EMPTY_ROOT == MerkleTree().root()


@settings(max_examples=60, deadline=None)
@given(leaf_lists)
def test_roots_of_every_prefix_match_pymerkle(data: list[bytes]) -> None:
    theirs = _pymerkle(data)
    ours = MerkleTree(leaf_hash(d) for d in data)
    for size in range(1, len(data) + 1):
        assert ours.root(size) == theirs.get_root(size)


@settings(max_examples=40, deadline=None)
@given(leaf_lists, st.data())
def test_inclusion_proofs_match_pymerkle_and_pymerkle_verifies_ours(
    data: list[bytes], draw: st.DataObject
) -> None:
    theirs = _pymerkle(data)
    leaves = [leaf_hash(d) for d in data]
    ours = MerkleTree(leaves)
    size = draw.draw(st.integers(1, len(data)))
    index = draw.draw(st.integers(0, size - 1))
    path = ours.inclusion_proof(index, size)
    # pymerkle's path is the leaf itself followed by the RFC audit path, deepest first.
    reference = theirs.prove_inclusion(index + 1, size)
    assert list(path) == reference.path[1:]
    rebuilt = InclusionProof(
        "sha256", True, size, index + 1, reference.rule, [leaves[index], *path]
    )
    rebuilt.verify(leaves[index], theirs.get_root(size))  # raises InvalidProof if wrong
    assert verify_inclusion(leaves[index], index, size, path, theirs.get_root(size))


@settings(max_examples=40, deadline=None)
@given(leaf_lists, st.data())
def test_consistency_proofs_agree_with_pymerkle_roots_and_proofs(
    data: list[bytes], draw: st.DataObject
) -> None:
    theirs = _pymerkle(data)
    ours = MerkleTree(leaf_hash(d) for d in data)
    new = draw.draw(st.integers(1, len(data)))
    old = draw.draw(st.integers(1, new))
    old_root, new_root = theirs.get_root(old), theirs.get_root(new)
    assert verify_consistency(old, new, old_root, new_root, ours.consistency_proof(old, new))
    # And pymerkle's own proof, built over the same leaves, holds between our two roots.
    reference = theirs.prove_consistency(old, new)
    assert isinstance(reference, ConsistencyProof)
    reference.verify(ours.root(old), ours.root(new))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.binary(max_size=4), min_size=1, max_size=100), st.data())
def test_every_inclusion_proof_verifies_and_a_tampered_leaf_fails(
    data: list[bytes], draw: st.DataObject
) -> None:
    leaves = [leaf_hash(d) for d in data]
    size = draw.draw(st.integers(1, len(leaves)))
    index = draw.draw(st.integers(0, size - 1))
    root = tree_root(leaves[:size])
    proof = inclusion_proof(leaves, index, size)
    assert len(proof) <= max(1, (size - 1).bit_length())
    assert verify_inclusion(leaves[index], index, size, proof, root)
    assert not verify_inclusion(leaf_hash(data[index] + b"!"), index, size, proof, root)
    if size > 1:
        other = (index + 1) % size
        assert not verify_inclusion(leaves[index], other, size, proof, root) or (
            leaves[other] == leaves[index] and inclusion_proof(leaves, other, size) == proof
        )
    if proof:
        bent = (bytes(32), *proof[1:])
        assert not verify_inclusion(leaves[index], index, size, bent, root)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.binary(max_size=4), min_size=1, max_size=100), st.data())
def test_every_consistency_proof_verifies_and_a_rewritten_prefix_fails(
    data: list[bytes], draw: st.DataObject
) -> None:
    leaves = [leaf_hash(d) for d in data]
    new = draw.draw(st.integers(0, len(leaves)))
    old = draw.draw(st.integers(0, new))
    proof = consistency_proof(leaves, old, new)
    assert len(proof) <= 2 * max(1, new.bit_length())
    old_root, new_root = tree_root(leaves[:old]), tree_root(leaves[:new])
    assert verify_consistency(old, new, old_root, new_root, proof)
    if old > 0:
        changed = draw.draw(st.integers(0, old - 1))
        forged = list(leaves[:new])
        forged[changed] = leaf_hash(data[changed] + b"!")
        assert not verify_consistency(old, new, old_root, tree_root(forged), proof)
        assert not verify_consistency(old, new, tree_root(forged[:old]), new_root, proof)


def test_consistency_edge_cases() -> None:
    leaves = [leaf_hash(bytes([i])) for i in range(7)]
    tree = MerkleTree(leaves)
    assert tree.consistency_proof(0) == ()
    assert tree.consistency_proof(7) == ()
    assert verify_consistency(7, 7, tree.root(), tree.root(), ())
    assert not verify_consistency(7, 7, tree.root(), tree.root(6), ())
    assert not verify_consistency(3, 7, tree.root(3), tree.root(), ())  # a proof is needed
    assert not verify_consistency(5, 3, tree.root(5), tree.root(3), tree.consistency_proof(3))
    assert not verify_consistency(0, 3, tree.root(1), tree.root(3), ())


def test_rfc_6962_example_proofs_have_the_documented_shape() -> None:
    # RFC 6962 section 2.1.3: with seven leaves a..g, the audit path of d is [c, g(a,b), h(e..g)]
    # and the consistency proof from three leaves to seven is [c, d, g(a,b), h(e..g)].
    leaves = [leaf_hash(bytes([i])) for i in range(7)]
    tree = MerkleTree(leaves)
    a, b, c, d, e, f, g = leaves
    efg = node_hash(node_hash(e, f), g)
    assert tree.inclusion_proof(3) == (c, node_hash(a, b), efg)
    assert tree.consistency_proof(3) == (c, d, node_hash(a, b), efg)
    assert tree.consistency_proof(4) == (efg,)
    assert tree.consistency_proof(6) == (
        node_hash(e, f),
        g,
        node_hash(node_hash(a, b), node_hash(c, d)),
    )


@given(st.lists(st.binary(max_size=4), max_size=80))
def test_a_frontier_gives_the_same_head_and_survives_bytes(data: list[bytes]) -> None:
    frontier = Frontier()
    leaves = []
    for item in data:
        leaves.append(leaf_hash(item))
        frontier = frontier.append(leaves[-1])
        assert frontier.root() == tree_root(leaves)
        assert len(frontier.hashes) == bin(frontier.size).count("1")
    assert Frontier.from_bytes(frontier.size, frontier.to_bytes()) == frontier


def test_bad_arguments_are_refused() -> None:
    tree = MerkleTree([leaf_hash(b"a")])
    with pytest.raises(ValueError, match=r"leaf index 1 is out of range 0\.\.0"):
        tree.inclusion_proof(1)
    with pytest.raises(ValueError, match=r"tree size 2 is out of range 0\.\.1"):
        tree.root(2)
    with pytest.raises(ValueError, match="a leaf hash has 32 bytes, got 1"):
        tree.append(b"x")
    with pytest.raises(ValueError, match="frontier of size 3 needs 2 hashes"):
        Frontier.from_bytes(3, bytes(32))
    assert not verify_inclusion(leaf_hash(b"a"), 1, 1, (), tree.root())
