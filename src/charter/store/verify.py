"""Check a whole log: every leaf, every position, every recorded tree head, every checkpoint.

What the evidence can tell, and how (docs/cli.md, "charter verify", is the reference):

- **edited**: a row's entry bytes (payload, timestamp, org, seq) no longer hash to its stored leaf
  hash, and no other seq explains it.  The stored leaf still chains, so checking goes on.
- **replaced**: the row's bytes match its leaf hash, but that leaf does not produce the tree head
  recorded with the row: the leaf hash was rewritten along with the payload.
- **deleted**: a seq is missing (a gap), or a run of later rows hash correctly only under seq + 1
  (they were renumbered to close the gap).
- **inserted**: a run of later rows hash correctly only under seq - 1 (renumbered to make room),
  so the row before that run is foreign; or two rows claim one seq; or the log holds more rows
  than the head recorded on the organisation's row.
- **reordered**: a row hashes correctly only under another seq that is still present.
- **truncated**: the log is shorter than the organisation's head or a signed checkpoint says.
- **checkpoint**: a checkpoint's signature fails, or the log does not extend it (its first
  ``size`` events, as they are now, do not have the signed root: a consistency proof fails).
- **witness**: a witness's co-signature on a checkpoint does not verify.
- **unwitnessed** (only when witness coverage of the whole log is required): events beyond the
  largest checkpoint the trusted witnesses co-signed.
- **document**: a paper the log refers to (by the SHA-256 of its bytes) is not kept, or a kept
  paper's bytes no longer hash to the name it is kept under: what a director signed is not what
  is on file.

Once a row is out of place, later recorded tree heads depend on a leaf that is missing or moved,
so tree heads are checked up to the first structural finding; leaves are checked for every row.
An attacker who rewrites rows *and* recomputes every hash after them is caught only by a signed
checkpoint kept elsewhere: that is what ``charter checkpoint --out FILE`` is for. One who appends
a forged event at the end, with its hashes and the head recomputed, is caught by nothing in the
log: events after the last checkpoint an independent witness co-signed (charter.store.witness)
are reported as unwitnessed, and the witnessed size is the most the evidence can vouch for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from charter.store.canonical import entry_bytes
from charter.store.checkpoint import Checkpoint
from charter.store.db import EventStore, StoredEvent, TreeHead
from charter.store.merkle import Frontier, MerkleTree, leaf_hash, tree_root, verify_consistency

_DOCUMENT_REF = re.compile(r'"sha256":"([0-9a-f]{64})"')
"""How a paper is named in a canonical payload (documents: [{"sha256": ...}]), whatever record
refers to it: a motion, a consent, a meeting's agenda."""
MAX_CANDIDATES = 64
"""How many other seqs a mismatching row is tried under, beyond seq - 1 and seq + 1."""
PROGRESS_STEP = 5000


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One problem in a log: what kind, where (a seq, 1-based, or None for the whole log)."""

    kind: str
    seq: int | None
    message: str

    def render(self, org: str) -> str:
        where = f"seq {self.seq}" if self.seq is not None else "log"
        return f"{org}: {where}: {self.kind}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "seq": self.seq, "message": self.message}


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckpointCheck:
    """The outcome for one checkpoint: where it came from and whether the log extends it."""

    origin: str
    checkpoint: Checkpoint
    ok: bool
    witnessed: bool = False
    """Valid, extended by the log, and co-signed by every trusted witness key given."""


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifyReport:
    """Everything ``verify_log`` found about one organisation's log."""

    org: str
    size: int
    root: bytes
    findings: tuple[Finding, ...]
    checkpoints: tuple[CheckpointCheck, ...] = field(default=())
    witnessing: bool = False
    """Whether trusted witness keys were given (otherwise ``witnessed_size`` is always 0)."""

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def signed_size(self) -> int:
        """How many leading events a valid checkpoint covers (later ones are not yet signed)."""
        return max((c.checkpoint.size for c in self.checkpoints if c.ok), default=0)

    @property
    def witnessed_size(self) -> int:
        """How many leading events a checkpoint co-signed by the trusted witnesses covers: the
        most the evidence vouches for, since later events could be a forged tail."""
        return max((c.checkpoint.size for c in self.checkpoints if c.witnessed), default=0)

    def to_json(self) -> dict[str, Any]:
        return {
            "org": self.org,
            "ok": self.ok,
            "size": self.size,
            "root": self.root.hex(),
            "signed_size": self.signed_size,
            "witnessed_size": self.witnessed_size,
            "checkpoints": [
                {
                    "origin": c.origin,
                    "size": c.checkpoint.size,
                    "timestamp": c.checkpoint.timestamp,
                    "ok": c.ok,
                    "witnesses": len(c.checkpoint.witnesses),
                    "witnessed": c.witnessed,
                }
                for c in self.checkpoints
            ],
            "findings": [f.to_json() for f in self.findings],
        }


@dataclass(slots=True)
class _Row:
    """What verification keeps of a row: its hashes, and its bytes only if they do not match."""

    seq: int
    leaf_hash: bytes  # as stored
    tree_root: bytes  # as stored
    computed: bytes  # leaf hash of the row's bytes as stored, under its current seq
    origin: int | None  # the seq under which the row's bytes match its stored leaf hash
    event: StoredEvent | None  # kept only when ``computed`` differs from ``leaf_hash``


def _span(first: int, last: int) -> str:
    return f"seq {first}" if first == last else f"seqs {first}..{last}"


def _classify_rows(
    org: str, events: Iterable[StoredEvent], progress: Callable[[int], None] | None
) -> list[_Row]:
    rows = []
    for e in events:
        computed = leaf_hash(e.entry_bytes())
        intact = computed == e.leaf_hash
        rows.append(
            _Row(
                seq=e.seq,
                leaf_hash=e.leaf_hash,
                tree_root=e.tree_root,
                computed=e.leaf_hash if intact else computed,  # share the bytes when equal
                origin=e.seq if intact else None,
                event=None if intact else e,
            )
        )
        if progress is not None and len(rows) % PROGRESS_STEP == 0:
            progress(len(rows))
    failing = [r.seq for r in rows if r.event is not None]
    present = {r.seq for r in rows}
    top = max(present, default=0)
    gaps = [s for s in range(1, top + 1) if s not in present][:MAX_CANDIDATES]
    others = (failing[:MAX_CANDIDATES] + gaps)[: 2 * MAX_CANDIDATES]
    for row in rows:
        kept = row.event
        if kept is None:
            continue
        tried = {kept.seq}
        for q in (kept.seq + 1, kept.seq - 1, *others, top + 1):
            if q < 1 or q in tried:
                continue
            tried.add(q)
            if leaf_hash(entry_bytes(org, q, kept.recorded_at, kept.payload)) == kept.leaf_hash:
                row.origin = q
                break
    return rows


def _runs(rows: Sequence[_Row], shift: int) -> list[tuple[int, int]]:
    """Maximal runs (first index, last index) of rows whose origin is seq + shift."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for i, row in enumerate(rows):
        moved = row.origin is not None and row.origin == row.seq + shift
        if moved and start is None:
            start = i
        if not moved and start is not None:
            runs.append((start, i - 1))
            start = None
    if start is not None:
        runs.append((start, len(rows) - 1))
    return runs


def _row_findings(rows: Sequence[_Row]) -> tuple[list[Finding], set[int], int, int]:
    """Findings from leaves and seqs: them, the rows they explain, rows deleted and inserted."""
    found: list[Finding] = []
    explained: set[int] = set()  # row indexes already told by a finding
    origins: dict[int, int] = {}
    for row in rows:
        if row.origin is not None:
            origins[row.origin] = origins.get(row.origin, 0) + 1
    deleted = inserted = 0

    for first, last in _runs(rows, +1):
        seq = rows[first].seq
        if origins.get(seq, 0) == 0:
            count = last - first + 1
            found.append(
                Finding(
                    kind="deleted",
                    seq=seq,
                    message=f"the record is missing; the {count} records after it were "
                    f"renumbered to close the gap ({_span(seq + 1, seq + count)} "
                    f"now {_span(seq, seq + count - 1)})",
                )
            )
            explained.update(range(first, last + 1))
            deleted += 1
    for first, last in _runs(rows, -1):
        if first == 0:
            continue
        foreign = rows[first - 1]
        seq = foreign.seq
        copy = rows[last]
        if (
            first == last == len(rows) - 1
            and foreign.origin == seq
            and copy.leaf_hash == foreign.leaf_hash
        ):
            # The last row repeats the one before it (the same bytes, one seq on): the copy at
            # the end is what was added, not the intact row it repeats.
            found.append(
                Finding(
                    kind="inserted",
                    seq=copy.seq,
                    message=f"this record is not part of the log: it repeats seq {seq} "
                    "(the same bytes, one seq later)",
                )
            )
            explained.add(last)
            inserted += 1
            continue
        if foreign.origin is None or (foreign.origin == seq and origins.get(seq, 0) > 1):
            count = last - first + 1
            found.append(
                Finding(
                    kind="inserted",
                    seq=seq,
                    message=f"this record is not part of the log; the {count} records after "
                    f"it were renumbered to make room ({_span(seq, seq + count - 1)} "
                    f"now {_span(seq + 1, seq + count)})",
                )
            )
            explained.update(range(first - 1, last + 1))
            inserted += 1

    expected = 1
    for i, row in enumerate(rows):
        e = row
        if e.seq > expected and not any(j in explained for j in (i - 1, i)):
            found.append(
                Finding(
                    kind="deleted",
                    seq=expected,
                    message=f"{_span(expected, e.seq - 1)} missing: the log jumps from seq "
                    f"{expected - 1} to seq {e.seq}",
                )
            )
            deleted += e.seq - expected
        elif e.seq < expected:
            found.append(
                Finding(
                    kind="inserted",
                    seq=e.seq,
                    message=f"a second record claims seq {e.seq}",
                )
            )
            inserted += 1
            explained.add(i)
        expected = e.seq + 1
        if i in explained:
            continue
        if row.origin is None:
            found.append(
                Finding(
                    kind="edited",
                    seq=e.seq,
                    message="the stored record no longer matches its leaf hash "
                    f"(stored {e.leaf_hash.hex()[:16]}…, recomputed {row.computed.hex()[:16]}…)",
                )
            )
        elif row.origin != e.seq:
            found.append(
                Finding(
                    kind="reordered",
                    seq=e.seq,
                    message=f"this record was recorded at seq {row.origin}",
                )
            )
    return found, explained, deleted, inserted


def _chain_findings(
    rows: Sequence[_Row], explained: set[int]
) -> tuple[list[Finding], Frontier, bool]:
    """Check recorded tree heads up to the first row out of place.

    Returns the findings, the frontier over the stored leaves checked, and whether every row
    was checked (no row out of place, no head mismatch).
    """
    frontier = Frontier()
    for i, row in enumerate(rows):
        e = row
        if i in explained or e.seq != frontier.size + 1 or row.origin not in (None, e.seq):
            return [], frontier, False
        frontier = frontier.append(e.leaf_hash)
        if frontier.root() != e.tree_root:
            if row.origin is None:  # payload and leaf hash both changed: already "edited"
                return [], frontier, False
            return (
                [
                    Finding(
                        kind="replaced",
                        seq=e.seq,
                        message="the record matches its leaf hash, but that leaf does not "
                        "produce the tree head recorded with it: the record and its leaf "
                        "hash were both rewritten",
                    )
                ],
                frontier,
                False,
            )
    return [], frontier, True


def _checkpoint_findings(
    org: str,
    tree: MerkleTree,
    checks: Iterable[tuple[str, Checkpoint]],
    trusted: Ed25519PublicKey | None,
    expected_size: int,
    witness_keys: Sequence[Ed25519PublicKey] = (),
) -> tuple[list[Finding], list[CheckpointCheck], int]:
    """Signature, co-signature and extension checks; returns findings, outcomes and the largest
    signed size.  A checkpoint is witnessed when it holds and every key in ``witness_keys``
    co-signed it validly; a co-signature that fails (by any key) is a ``witness`` finding."""
    found: list[Finding] = []
    outcomes: list[CheckpointCheck] = []
    claimed = 0
    n = len(tree)
    root = tree.root()
    for origin, cp in checks:
        label = f"the checkpoint {origin} (size {cp.size}, {cp.timestamp})"
        if cp.org != org:
            found.append(Finding(kind="checkpoint", seq=None, message=f"{label} is for {cp.org!r}"))
            outcomes.append(CheckpointCheck(origin=origin, checkpoint=cp, ok=False))
            continue
        problem = cp.signature_error(trusted)
        if problem is not None:
            found.append(Finding(kind="checkpoint", seq=None, message=f"{label}: {problem}"))
            outcomes.append(CheckpointCheck(origin=origin, checkpoint=cp, ok=False))
            continue
        claimed = max(claimed, cp.size)
        broken = [e for w in cp.witnesses if (e := cp.witness_error(w)) is not None]
        found.extend(Finding(kind="witness", seq=None, message=f"{label}: {e}") for e in broken)
        cosigned = bool(witness_keys) and all(cp.witnessed_by(k) for k in witness_keys)
        if cp.size > n:
            ok = False
            if expected_size < cp.size:
                pass  # told once below, as truncation
            else:
                found.append(
                    Finding(
                        kind="checkpoint",
                        seq=None,
                        message=f"{label} signed {cp.size} events; the log has {n}",
                    )
                )
        else:
            proof = tree.consistency_proof(cp.size)
            ok = verify_consistency(cp.size, n, cp.root, root, proof)
            if not ok:
                found.append(
                    Finding(
                        kind="checkpoint",
                        seq=None,
                        message=f"the log does not extend {label}: its first {cp.size} events "
                        "do not have the signed root",
                    )
                )
        outcomes.append(
            CheckpointCheck(origin=origin, checkpoint=cp, ok=ok, witnessed=ok and cosigned)
        )
    return found, outcomes, claimed


def verify_events(
    org: str,
    events: Iterable[StoredEvent],
    *,
    head: TreeHead | None = None,
    checkpoints: Sequence[tuple[str, Checkpoint]] = (),
    trusted_key: Ed25519PublicKey | None = None,
    witness_keys: Sequence[Ed25519PublicKey] = (),
    require_witnessed: bool = False,
    progress: Callable[[int], None] | None = None,
) -> VerifyReport:
    """Verify rows (in seq order) against their own hashes, a head and checkpoints.

    ``witness_keys`` are trusted witnesses' public keys: a checkpoint co-signed by all of them
    sets ``witnessed_size``; with ``require_witnessed`` events beyond it are an ``unwitnessed``
    finding (the log fails), since a forged tail with recomputed hashes looks like any other.

    Pure: the store is only read by :func:`verify_log`, so the rules here are testable on lists.
    ``progress`` is called with the number of rows hashed so far, every few thousand rows.
    """
    rows = _classify_rows(org, events, progress)
    findings, explained, deleted, inserted = _row_findings(rows)
    chain, frontier, complete = _chain_findings(rows, explained)
    findings += chain
    # The tree of the rows as they are now; its inner nodes are kept only for consistency proofs.
    tree = MerkleTree(row.computed for row in rows) if checkpoints else None
    root = tree.root() if tree is not None else tree_root([row.computed for row in rows])
    n = len(rows)
    # The size the log should have, given the rows found missing or foreign: a head or a
    # checkpoint that records more than that (and more than there are rows) was truncated.
    expected = max(n, n + deleted - inserted)
    claims: list[tuple[int, str]] = []
    if head is not None:
        if complete and head.size == n and head.root != frontier.root():
            findings.append(
                Finding(
                    kind="head",
                    seq=None,
                    message="the organisation's recorded head does not match its rows "
                    f"(recorded root {head.root.hex()[:16]}…, rows give "
                    f"{frontier.root().hex()[:16]}…)",
                )
            )
        if head.size < n and complete:
            findings.append(
                Finding(
                    kind="inserted",
                    seq=head.size + 1,
                    message=f"{_span(head.size + 1, n)} {'is' if n == head.size + 1 else 'are'}"
                    f" not part of the log: the organisation's head records {head.size} events",
                )
            )
        claims.append((head.size, "the organisation's head"))
    cp_findings, outcomes, signed = _checkpoint_findings(
        org, tree or MerkleTree(), checkpoints, trusted_key, expected, witness_keys
    )
    claims.append((signed, "a signed checkpoint"))
    size, source = max(claims, default=(0, ""))
    if size > expected:
        findings.append(
            Finding(
                kind="truncated",
                seq=expected + 1,
                message=f"{_span(expected + 1, size)} missing: {source} records {size} events, "
                f"the log has {n}",
            )
        )
    findings += cp_findings
    witnessed = max((c.checkpoint.size for c in outcomes if c.witnessed), default=0)
    if require_witnessed and witnessed < n:
        findings.append(
            Finding(
                kind="unwitnessed",
                seq=witnessed + 1,
                message=f"{_span(witnessed + 1, n)} {'is' if n == witnessed + 1 else 'are'} not "
                f"covered by a witnessed checkpoint (unwitnessed beyond size {witnessed}): an "
                "event forged at the end, with its hashes and the head recomputed, would look "
                "the same",
            )
        )
    findings.sort(key=lambda f: (f.seq is None, f.seq or 0))
    return VerifyReport(
        org=org,
        size=n,
        root=root,
        findings=tuple(findings),
        checkpoints=tuple(outcomes),
        witnessing=bool(witness_keys),
    )


def verify_log(
    store: EventStore,
    org: str,
    checkpoint: Checkpoint | None = None,
    *,
    trusted_key: Ed25519PublicKey | None = None,
    witness_keys: Sequence[Ed25519PublicKey] = (),
    require_witnessed: bool = False,
    progress: Callable[[int], None] | None = None,
) -> VerifyReport:
    """Verify ``org``'s log in ``store``, its stored checkpoints and an optional saved one.

    ``trusted_key`` is the deployment's public key: checkpoints must be signed by it (without
    it, by the key each names).  ``progress`` receives the number of rows read so far.
    """
    checks = [("#" + str(i + 1) + " in the store", c) for i, c in enumerate(store.checkpoints(org))]
    if checkpoint is not None:
        checks.append(("from the file", checkpoint))
    referenced: dict[str, int] = {}

    def rows() -> Iterator[StoredEvent]:
        for row in store.iter_events(org):
            for sha in _DOCUMENT_REF.findall(row.payload):
                referenced.setdefault(sha, row.seq)
            yield row

    report = verify_events(
        org,
        rows(),
        head=store.tree_head(org) if store.has_org(org) else None,
        checkpoints=checks,
        trusted_key=trusted_key,
        witness_keys=witness_keys,
        require_witnessed=require_witnessed,
        progress=progress,
    )
    found = document_findings(referenced, store.document_hashes(org))
    if not found:
        return report
    findings = sorted((*report.findings, *found), key=lambda f: (f.seq is None, f.seq or 0))
    return replace(report, findings=tuple(findings))


def document_findings(referenced: dict[str, int], kept: Iterable[tuple[str, str]]) -> list[Finding]:
    """Findings about papers: ``referenced`` maps each SHA-256 the log names to the first seq
    naming it; ``kept`` gives each stored paper's name and the hash of its bytes now."""
    findings = []
    present = set()
    for sha, actual in kept:
        present.add(sha)
        if actual != sha:
            findings.append(
                Finding(
                    kind="document",
                    seq=referenced.get(sha),
                    message=f"the paper kept as {sha[:16]}… has changed: its bytes hash to "
                    f"{actual[:16]}…",
                )
            )
    for sha, seq in referenced.items():
        if sha not in present:
            findings.append(
                Finding(
                    kind="document",
                    seq=seq,
                    message=f"the paper {sha[:16]}… that this event refers to is not kept",
                )
            )
    return findings
