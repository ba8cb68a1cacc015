"""The record: append-only event logs per organisation, a Merkle tree over each, signed checkpoints.

Public API (what the service and the CLI call)::

    store = EventStore.open("sqlite:///charter.db")        # or postgresql+psycopg://…
    stored = store.append("openai", {"kind": "vote", ...})  # StoredEvent(seq, leaf_hash, …)
    store.events("openai"), store.orgs(), store.tree_head("openai")
    key = load_or_create_key(".charter/signing.key")
    checkpoint = store.checkpoint("openai", key)
    report = verify_log(store, "openai", checkpoint)        # VerifyReport(findings, ok, …)
    cosigned = witness_checkpoint(checkpoint, witness_key, "witness.record.json", leaves=…)
    verify_log(store, "openai", cosigned, witness_keys=[witness_key.public_key()]).witnessed_size
"""

from charter.store.canonical import NotCanonicalizable, canonical_event, canonical_json, entry_bytes
from charter.store.checkpoint import (
    Checkpoint,
    KeyFileError,
    load_or_create_key,
    load_public_key,
    read_checkpoint,
    sign_checkpoint,
    write_checkpoint,
)
from charter.store.db import EventStore, StoredEvent, StoreError, TreeHead
from charter.store.merkle import (
    MerkleTree,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    tree_root,
    verify_consistency,
    verify_inclusion,
)
from charter.store.verify import Finding, VerifyReport, verify_events, verify_log
from charter.store.witness import (
    WitnessRecordError,
    WitnessRefused,
    read_record,
    witness_checkpoint,
)

__all__ = [
    "Checkpoint",
    "EventStore",
    "Finding",
    "KeyFileError",
    "MerkleTree",
    "NotCanonicalizable",
    "StoreError",
    "StoredEvent",
    "TreeHead",
    "VerifyReport",
    "WitnessRecordError",
    "WitnessRefused",
    "canonical_event",
    "canonical_json",
    "consistency_proof",
    "entry_bytes",
    "inclusion_proof",
    "leaf_hash",
    "load_or_create_key",
    "load_public_key",
    "read_checkpoint",
    "read_record",
    "sign_checkpoint",
    "tree_root",
    "verify_consistency",
    "verify_events",
    "verify_inclusion",
    "verify_log",
    "witness_checkpoint",
    "write_checkpoint",
]
