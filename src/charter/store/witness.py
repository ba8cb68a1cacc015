"""A witness: an independent key that co-signs a log's checkpoints, and never two histories.

Why: a signed checkpoint pins the first N events of a log, but the deployment key that signs it
lives beside the database. Whoever can rewrite the database can append a forged event, recompute
every hash and the organisation's head, and (holding the same key) sign a new checkpoint; nothing
in the store tells that tail from an honest one. A witness is a second party with its own key and
its own record of the last (size, root) it co-signed for each log. It co-signs a checkpoint only
if the checkpoint is consistent with that record (an RFC 6962 consistency proof between the two
heads, computed from the log it is shown), so it never signs two histories that disagree: a fork
or a rewritten prefix is refused, and ``charter verify --witness-key`` knows exactly how many
events a witness vouches for (``witnessed_size``). What lies beyond is reported as unwitnessed.

The record is a small JSON file (docs/formats.md, "Witness record"), kept by the witness, written
whole or not at all, and always updated *before* the co-signature is handed out: a witness that
crashes between the two has promised more than it signed, never less.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from charter.store.checkpoint import Checkpoint, cosign, key_id, raw_public_key
from charter.store.merkle import MerkleTree, verify_consistency

RECORD_FORMAT = "charter-witness-record/1"


class WitnessRefused(Exception):
    """The witness will not co-sign: the checkpoint disagrees with what it signed before, does
    not describe the log it was shown, or is not validly signed."""


class WitnessRecordError(Exception):
    """The witness's record file cannot be read or does not belong to this witness key."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Witnessed:
    """What a witness remembers of one log: the largest checkpoint it co-signed."""

    log_key_id: str
    size: int
    root: bytes
    timestamp: str

    def to_json(self) -> dict[str, Any]:
        return {
            "log_key_id": self.log_key_id,
            "size": self.size,
            "root": self.root.hex(),
            "timestamp": self.timestamp,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class WitnessRecord:
    """A witness's whole record: its key id and, per organisation, what it co-signed."""

    witness_key_id: str
    logs: dict[str, Witnessed]

    def to_text(self) -> str:
        data = {
            "format": RECORD_FORMAT,
            "witness_key_id": self.witness_key_id,
            "logs": {org: w.to_json() for org, w in sorted(self.logs.items())},
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _bad(path: Path, why: str) -> WitnessRecordError:
    return WitnessRecordError(f"{path}: not a witness record ({why})")


def read_record(path: str | Path, witness_key_id: str) -> WitnessRecord:
    """The record at ``path`` (an empty one if the file does not exist yet).

    Raises :class:`WitnessRecordError` for a file that is unreadable, malformed, or kept by
    another witness key (a record vouches only for what its own key signed)."""
    path = Path(path)
    if not path.exists():
        return WitnessRecord(witness_key_id=witness_key_id, logs={})
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        message = f"{path}: cannot read the witness record: {error.strerror}"
        raise WitnessRecordError(message) from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _bad(path, f"invalid JSON: {error}") from error
    if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT:
        raise _bad(path, f"'format' must be '{RECORD_FORMAT}'")
    if data.get("witness_key_id") != witness_key_id:
        raise WitnessRecordError(
            f"{path}: this record belongs to witness key {str(data.get('witness_key_id'))[:16]}…,"
            f" not to {witness_key_id[:16]}… (give the record this key keeps, or a new file)"
        )
    logs: dict[str, Witnessed] = {}
    raw = data.get("logs")
    if not isinstance(raw, dict):
        raise _bad(path, "'logs' must be an object")
    for org, entry in raw.items():
        try:
            logs[str(org)] = Witnessed(
                log_key_id=str(entry["log_key_id"]),
                size=int(entry["size"]),
                root=bytes.fromhex(entry["root"]),
                timestamp=str(entry["timestamp"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise _bad(path, f"bad entry for {org!r}: {error}") from error
    return WitnessRecord(witness_key_id=witness_key_id, logs=logs)


def write_record(record: WitnessRecord, path: str | Path) -> None:
    """Write the record whole or not at all, and durably (it is the witness's memory).

    Raises :class:`WitnessRecordError` if it cannot be written (then nothing is co-signed)."""
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("w", encoding="utf-8") as handle:
            handle.write(record.to_text())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as error:
        message = f"{target}: cannot write the witness record: {error.strerror}"
        raise WitnessRecordError(message) from error
    finally:
        temporary.unlink(missing_ok=True)


def _consistent(tree: MerkleTree, older: tuple[int, bytes], newer: tuple[int, bytes]) -> bool:
    """Whether head ``newer`` extends head ``older``, by a consistency proof from ``tree``.

    The proof's source need not be trusted: a proof that verifies between the two signed roots
    shows one tree extends the other whoever computed it."""
    (m, old_root), (n, new_root) = older, newer
    proof = tree.consistency_proof(m, n)
    return verify_consistency(m, n, old_root, new_root, proof)


def check_checkpoint(
    checkpoint: Checkpoint,
    witness_key: Ed25519PublicKey,
    record: WitnessRecord,
    *,
    leaves: Sequence[bytes] | None = None,
    log_key: Ed25519PublicKey | None = None,
) -> None:
    """Everything a witness checks before it co-signs; raises :class:`WitnessRefused`.

    ``leaves`` are the leaf hashes of the log as the witness was shown it (recomputed from the
    rows' bytes); without them the witness can only accept a first checkpoint of a log or one
    equal to what it signed before. ``log_key`` pins the deployment key (otherwise the key the
    checkpoint names is taken, and then pinned by the record)."""
    org = checkpoint.org
    problem = checkpoint.signature_error(log_key)
    if problem is not None:
        raise WitnessRefused(f"the checkpoint's own signature does not hold: {problem}")
    if checkpoint.public_key == raw_public_key(witness_key):
        raise WitnessRefused(
            "the witness key is the key that signed the checkpoint: a witness must hold a key "
            "of its own, kept away from the log's deployment"
        )
    before = record.logs.get(org)
    if before is not None and before.log_key_id != checkpoint.key_id:
        raise WitnessRefused(
            f"{org}'s checkpoints were signed by deployment key {before.log_key_id[:16]}…, "
            f"this one by {checkpoint.key_id[:16]}…: the witness co-signs one log per "
            "organisation (start a new record for a new deployment key)"
        )
    new = (checkpoint.size, checkpoint.root)
    if leaves is None:
        if before is None or (before.size, before.root) == new:
            return
        if before.size == checkpoint.size:
            raise WitnessRefused(_fork(org, before, checkpoint))
        raise WitnessRefused(
            f"the witness co-signed {org}'s log at size {before.size}; to co-sign size "
            f"{checkpoint.size} it must see the log (give --db) to prove one extends the other"
        )
    tree = MerkleTree(leaves)
    n = len(tree)
    if checkpoint.size > n:
        raise WitnessRefused(
            f"the checkpoint signs {checkpoint.size} events; the log shown has {n}"
        )
    if tree.root(checkpoint.size) != checkpoint.root:
        raise WitnessRefused(
            f"the log shown does not have the checkpoint's root at size {checkpoint.size}: "
            "the checkpoint is not of this log, or the log was rewritten"
        )
    if before is None:
        return
    if before.size > n:
        raise WitnessRefused(
            f"the witness co-signed {org}'s log at size {before.size}; the log shown has "
            f"only {n} events (truncated)"
        )
    old = (before.size, before.root)
    older, newer = sorted((old, new))
    if not _consistent(tree, older, newer):
        raise WitnessRefused(_fork(org, before, checkpoint))


def _fork(org: str, before: Witnessed, checkpoint: Checkpoint) -> str:
    return (
        f"fork: the witness co-signed {org}'s log at size {before.size} with root "
        f"{before.root.hex()[:16]}… ({before.timestamp}); the checkpoint of size "
        f"{checkpoint.size} with root {checkpoint.root.hex()[:16]}… is not consistent with it "
        "(the log was rewritten)"
    )


def witness_checkpoint(
    checkpoint: Checkpoint,
    key: Ed25519PrivateKey,
    record_path: str | Path,
    *,
    leaves: Sequence[bytes] | None = None,
    log_key: Ed25519PublicKey | None = None,
    timestamp: str | None = None,
) -> Checkpoint:
    """Check ``checkpoint`` against the witness's record, update the record, co-sign.

    Returns the checkpoint with the co-signature added. Raises :class:`WitnessRefused` (nothing
    is signed or recorded) or :class:`WitnessRecordError`."""
    public = key.public_key()
    record = read_record(record_path, key_id(public))
    check_checkpoint(checkpoint, public, record, leaves=leaves, log_key=log_key)
    cosigned = cosign(checkpoint, key, timestamp)
    before = record.logs.get(checkpoint.org)
    if before is None or checkpoint.size > before.size:
        logs = dict(record.logs)
        logs[checkpoint.org] = Witnessed(
            log_key_id=checkpoint.key_id,
            size=checkpoint.size,
            root=checkpoint.root,
            timestamp=cosigned.timestamp,
        )
        write_record(WitnessRecord(witness_key_id=record.witness_key_id, logs=logs), record_path)
    return checkpoint.with_witness(cosigned)


__all__ = [
    "RECORD_FORMAT",
    "WitnessRecord",
    "WitnessRecordError",
    "WitnessRefused",
    "Witnessed",
    "check_checkpoint",
    "read_record",
    "witness_checkpoint",
    "write_record",
]
