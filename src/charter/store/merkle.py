"""RFC 6962 Merkle hash trees: tree heads, audit paths, consistency proofs, and their checks.

Why a Merkle tree and not a hash chain: a chain proves nothing about one record without replaying
every record before it, while a Merkle tree lets anyone check one record against a signed tree
head with log2(n) hashes (an inclusion proof) and check that a later head extends an earlier one
(a consistency proof), which is what makes a truncated or rewritten history detectable.

Everything here is a pure function over SHA-256 leaf hashes, following RFC 6962 section 2.1
exactly (a leaf is ``SHA-256(0x00 || data)``, a node ``SHA-256(0x01 || left || right)``, and a
range of ``n > 1`` leaves splits at the largest power of two smaller than ``n``); verification
follows the algorithms of RFC 9162 sections 2.1.3.2 and 2.1.4.2.  :class:`MerkleTree` keeps
every complete (perfect, aligned) subtree hash so a head or a proof for any size costs O(log n)
hashes after an O(n) build; :class:`Frontier` keeps only the O(log n) hashes needed to append.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from hmac import compare_digest

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
"""MTH({}) = SHA-256() : the head of the empty tree (RFC 6962 section 2.1)."""


def leaf_hash(data: bytes) -> bytes:
    """MTH({d}) = SHA-256(0x00 || d): the 0x00 prefix keeps a leaf from passing as a node."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right), the interior node of RFC 6962."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (``n >= 2``): RFC 6962's ``k``."""
    if n < 2:
        raise ValueError(f"split_point needs n >= 2, got {n}")
    return 1 << ((n - 1).bit_length() - 1)


class MerkleTree:
    """An append-only list of leaf hashes with every complete subtree hash kept.

    ``levels[h][i]`` is the hash of leaves ``[i * 2**h, (i + 1) * 2**h)``; any RFC 6962 subtree
    is a left-to-right fold of at most log2(n) of these, so heads and proofs for any size are
    O(log n) each.  Memory is about two hashes per leaf.
    """

    __slots__ = ("_levels",)

    def __init__(self, leaves: Iterable[bytes] = ()) -> None:
        self._levels: list[list[bytes]] = [[]]
        for leaf in leaves:
            self.append(leaf)

    def __len__(self) -> int:
        return len(self._levels[0])

    def append(self, leaf: bytes) -> None:
        """Add one leaf hash (not the data: callers hash with :func:`leaf_hash`)."""
        if len(leaf) != HASH_SIZE:
            raise ValueError(f"a leaf hash has {HASH_SIZE} bytes, got {len(leaf)}")
        self._levels[0].append(leaf)
        height = 0
        while len(self._levels[height]) % 2 == 0:
            level = self._levels[height]
            if height + 1 == len(self._levels):
                self._levels.append([])
            self._levels[height + 1].append(node_hash(level[-2], level[-1]))
            height += 1

    def leaf(self, index: int) -> bytes:
        return self._levels[0][index]

    def _subtree(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for a range that the RFC recursion can produce."""
        width = end - start
        if width == 0:
            return EMPTY_ROOT
        height = width.bit_length() - 1
        if width == 1 << height and start % width == 0:
            return self._levels[height][start >> height]
        k = split_point(width)
        return node_hash(self._subtree(start, start + k), self._subtree(start + k, end))

    def _check_size(self, size: int | None) -> int:
        if size is None:
            return len(self)
        if not 0 <= size <= len(self):
            raise ValueError(f"tree size {size} is out of range 0..{len(self)}")
        return size

    def root(self, size: int | None = None) -> bytes:
        """The tree head MTH(D[0:size]) (the whole tree when ``size`` is None)."""
        return self._subtree(0, self._check_size(size))

    def inclusion_proof(self, index: int, size: int | None = None) -> tuple[bytes, ...]:
        """PATH(index, D[0:size]) of RFC 6962 section 2.1.1, deepest sibling first."""
        n = self._check_size(size)
        if not 0 <= index < n:
            raise ValueError(f"leaf index {index} is out of range 0..{n - 1}")
        path: list[bytes] = []
        start, end = 0, n
        while end - start > 1:
            k = split_point(end - start)
            if index < start + k:
                path.append(self._subtree(start + k, end))
                end = start + k
            else:
                path.append(self._subtree(start, start + k))
                start += k
        path.reverse()
        return tuple(path)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> tuple[bytes, ...]:
        """PROOF(old_size, D[0:new_size]) of RFC 6962 section 2.1.2.

        The proof is empty when ``old_size`` is 0 or equal to ``new_size``: every tree extends the
        empty tree and itself, and RFC 9162 defines no proof for those cases.
        """
        n = self._check_size(new_size)
        if not 0 <= old_size <= n:
            raise ValueError(f"old size {old_size} is out of range 0..{n}")
        if old_size in (0, n):
            return ()
        path: list[bytes] = []
        start, end, m, complete = 0, n, old_size, True
        # SUBPROOF(m, D[start:end], complete), unrolled: each step appends one sibling hash.
        while m != end - start:
            k = split_point(end - start)
            if m <= k:
                path.append(self._subtree(start + k, end))
                end = start + k
            else:
                path.append(self._subtree(start, start + k))
                start, m, complete = start + k, m - k, False
        if not complete:
            path.append(self._subtree(start, end))
        path.reverse()
        return tuple(path)


def tree_root(leaves: Sequence[bytes]) -> bytes:
    """MTH over a list of leaf hashes in O(n) time and O(log n) extra memory."""
    frontier = Frontier()
    for leaf in leaves:
        frontier = frontier.append(leaf)
    return frontier.root()


def inclusion_proof(
    leaves: Sequence[bytes], index: int, size: int | None = None
) -> tuple[bytes, ...]:
    """Audit path for leaf ``index`` (0-based) in the tree of the first ``size`` leaves."""
    n = len(leaves) if size is None else size
    return MerkleTree(leaves[:n]).inclusion_proof(index)


def consistency_proof(
    leaves: Sequence[bytes], old_size: int, new_size: int | None = None
) -> tuple[bytes, ...]:
    """Consistency proof from the tree of ``old_size`` leaves to that of ``new_size`` leaves."""
    n = len(leaves) if new_size is None else new_size
    return MerkleTree(leaves[:n]).consistency_proof(old_size)


def root_from_inclusion_proof(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes]
) -> bytes | None:
    """The root an audit path leads to (RFC 9162 section 2.1.3.2), or None if it is malformed."""
    if not 0 <= index < size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """True when ``proof`` shows leaf ``index`` (0-based) is in the tree ``root`` of ``size``."""
    computed = root_from_inclusion_proof(leaf, index, size, proof)
    return computed is not None and compare_digest(computed, root)


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """True when ``proof`` shows the tree (new_size, new_root) extends (old_size, old_root).

    RFC 9162 section 2.1.4.2, plus the two trivial cases it leaves out: from the empty tree
    (``old_root`` must be the empty root) and to the same size (the roots must be equal), where
    the proof must be empty.
    """
    if not 0 <= old_size <= new_size:
        return False
    if old_size == 0:
        return not proof and compare_digest(old_root, EMPTY_ROOT)
    if old_size == new_size:
        return not proof and compare_digest(old_root, new_root)
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # an exact power of two: the old root is a subtree
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and compare_digest(fr, old_root) and compare_digest(sr, new_root)


@dataclass(frozen=True, slots=True)
class Frontier:
    """The O(log n) state needed to append to a tree and compute its head (a compact range).

    ``hashes`` are the roots of the perfect subtrees that make up the first ``size`` leaves, left
    (largest) to right, one per set bit of ``size``.  The store keeps this on each organisation's
    row, so an append costs O(log n) hashes without reading earlier leaves.
    """

    size: int = 0
    hashes: tuple[bytes, ...] = ()

    def append(self, leaf: bytes) -> Frontier:
        hashes = [*self.hashes, leaf]
        size = self.size
        while size & 1:
            right = hashes.pop()
            hashes[-1] = node_hash(hashes[-1], right)
            size >>= 1
        return Frontier(size=self.size + 1, hashes=tuple(hashes))

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        result = self.hashes[-1]
        for h in reversed(self.hashes[:-1]):
            result = node_hash(h, result)
        return result

    def to_bytes(self) -> bytes:
        return b"".join(self.hashes)

    @classmethod
    def from_bytes(cls, size: int, data: bytes) -> Frontier:
        """Rebuild from :meth:`to_bytes`; raises ValueError if the bytes do not fit ``size``."""
        if len(data) != HASH_SIZE * bin(size).count("1"):
            raise ValueError(f"frontier of size {size} needs {bin(size).count('1')} hashes")
        hashes = tuple(data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE))
        return cls(size=size, hashes=hashes)
