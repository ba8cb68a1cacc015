"""Tampering with a stored log, as an attacker with write access to the database would, and the
exact report ``verify`` gives: on SQLite and on PostgreSQL.

Each test drops the append-only triggers first (the attacker owns the file or the server), then
edits, deletes, reorders, inserts or truncates rows with plain SQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import store_helpers
from charter.store.canonical import entry_bytes
from charter.store.checkpoint import Checkpoint, sign_checkpoint
from charter.store.db import EventStore, StoredEvent, events, orgs
from charter.store.merkle import Frontier, leaf_hash
from charter.store.verify import verify_events, verify_log

# The fixtures this module uses (store_helpers.py holds the store tests' fixtures).
pg_url = store_helpers.pg_url
sqlite_url = store_helpers.sqlite_url
store_url = store_helpers.store_url

N = 8


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def store(store_url: str) -> Iterator[EventStore]:
    with EventStore.open(store_url) as opened:
        opened.append_many("acme", [{"kind": "vote", "n": i} for i in range(1, N + 1)])
        opened.append("beta", {"kind": "meeting"})
        yield opened


def attack(store: EventStore, *statements: str, params: dict[str, object] | None = None) -> None:
    """Drop the append-only triggers, then run SQL as the attacker."""
    with store.engine.begin() as connection:
        if store.dialect == "postgresql":
            for table in ("events", "checkpoints"):
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}")
        else:
            for table in ("events", "checkpoints"):
                for verb in ("update", "delete"):
                    connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
        for statement in statements:
            connection.execute(sa.text(statement), params or {})


def rehash_from(store: EventStore, org: str = "acme") -> None:
    """The thorough attacker: recompute every leaf, tree head and the org's head after editing."""
    rows = store.events(org)
    frontier = Frontier()
    with store.engine.begin() as connection:
        for row in rows:
            leaf = leaf_hash(row.entry_bytes())
            frontier = frontier.append(leaf)
            connection.execute(
                events.update()
                .where(events.c.org == org, events.c.seq == row.seq)
                .values(leaf_hash=leaf, tree_root=frontier.root())
            )
        connection.execute(
            orgs.update()
            .where(orgs.c.name == org)
            .values(size=frontier.size, root=frontier.root(), frontier=frontier.to_bytes())
        )


def report(store: EventStore, checkpoint: Checkpoint | None = None, trusted=None) -> list[str]:  # type: ignore[no-untyped-def]
    result = verify_log(store, "acme", checkpoint, trusted_key=trusted)
    assert verify_log(store, "beta").ok  # tampering with one log never taints another
    return [f.render("acme") for f in result.findings]


def recomputed(store: EventStore, seq: int) -> str:
    row = next(e for e in store.events("acme") if e.seq == seq)
    return leaf_hash(row.entry_bytes()).hex()[:16]


def test_a_clean_log_verifies(store: EventStore, key: Ed25519PrivateKey) -> None:
    saved = store.checkpoint("acme", key)
    store.append("acme", {"kind": "vote", "n": 9})
    result = verify_log(store, "acme", saved, trusted_key=key.public_key())
    assert result.ok
    assert (result.size, result.signed_size) == (9, 8)
    assert result.root == store.tree_head("acme").root


def test_an_edited_payload_is_reported_at_its_seq(store: EventStore) -> None:
    stored = store.events("acme")[2].leaf_hash.hex()[:16]
    attack(
        store,
        "UPDATE events SET payload = :p WHERE org = 'acme' AND seq = 3",
        params={"p": '{"kind":"vote","n":99}'},
    )
    assert report(store) == [
        "acme: seq 3: edited: the stored record no longer matches its leaf hash "
        f"(stored {stored}…, recomputed {recomputed(store, 3)}…)"
    ]


def test_an_edited_timestamp_is_an_edit_too(store: EventStore) -> None:
    stored = store.events("acme")[4].leaf_hash.hex()[:16]
    attack(store, "UPDATE events SET recorded_at = '2023-11-17T12:00:00.000000Z' WHERE seq = 5")
    assert report(store) == [
        "acme: seq 5: edited: the stored record no longer matches its leaf hash "
        f"(stored {stored}…, recomputed {recomputed(store, 5)}…)"
    ]


def test_a_deleted_record_leaves_a_gap(store: EventStore) -> None:
    attack(store, "DELETE FROM events WHERE org = 'acme' AND seq = 3")
    assert report(store) == [
        "acme: seq 3: deleted: seq 3 missing: the log jumps from seq 2 to seq 4"
    ]


def test_a_deleted_record_is_found_even_when_later_seqs_are_renumbered(store: EventStore) -> None:
    attack(
        store,
        "DELETE FROM events WHERE org = 'acme' AND seq = 3",
        "UPDATE events SET seq = seq + 1000 WHERE org = 'acme' AND seq > 3",
        "UPDATE events SET seq = seq - 1001 WHERE org = 'acme' AND seq > 1000",
    )
    assert report(store) == [
        "acme: seq 3: deleted: the record is missing; the 5 records after it were renumbered "
        "to close the gap (seqs 4..8 now seqs 3..7)"
    ]


def test_a_truncated_log_is_caught_by_the_recorded_head(store: EventStore) -> None:
    attack(store, "DELETE FROM events WHERE org = 'acme' AND seq >= 6")
    assert report(store) == [
        "acme: seq 6: truncated: seqs 6..8 missing: the organisation's head records 8 events, "
        "the log has 5"
    ]


def test_a_truncation_that_rewrites_the_head_is_caught_by_a_saved_checkpoint(
    store: EventStore, key: Ed25519PrivateKey
) -> None:
    saved = store.checkpoint("acme", key)
    attack(
        store,
        "DELETE FROM events WHERE org = 'acme' AND seq >= 6",
        "DELETE FROM checkpoints",
    )
    rehash_from(store)
    assert report(store) == []  # the rows alone now look clean: only the checkpoint knows
    assert report(store, saved, key.public_key()) == [
        "acme: seq 6: truncated: seqs 6..8 missing: a signed checkpoint records 8 events, "
        "the log has 5"
    ]


def test_swapped_records_are_reported_as_reordered(store: EventStore) -> None:
    attack(
        store,
        "UPDATE events SET seq = -1 WHERE org = 'acme' AND seq = 2",
        "UPDATE events SET seq = 2 WHERE org = 'acme' AND seq = 5",
        "UPDATE events SET seq = 5 WHERE org = 'acme' AND seq = -1",
    )
    assert report(store) == [
        "acme: seq 2: reordered: this record was recorded at seq 5",
        "acme: seq 5: reordered: this record was recorded at seq 2",
    ]


def test_adjacent_swaps_are_reordered_not_inserted_or_deleted(store: EventStore) -> None:
    attack(
        store,
        "UPDATE events SET seq = -1 WHERE org = 'acme' AND seq = 4",
        "UPDATE events SET seq = 4 WHERE org = 'acme' AND seq = 5",
        "UPDATE events SET seq = 5 WHERE org = 'acme' AND seq = -1",
    )
    assert report(store) == [
        "acme: seq 4: reordered: this record was recorded at seq 5",
        "acme: seq 5: reordered: this record was recorded at seq 4",
    ]


@pytest.mark.parametrize("forged_leaf", [True, False])
def test_an_inserted_record_is_found_by_the_renumbered_records_after_it(
    store: EventStore, forged_leaf: bool
) -> None:
    third = store.events("acme")[2]
    payload = '{"kind":"vote","n":100}'
    leaf = (
        leaf_hash(entry_bytes("acme", 4, third.recorded_at, payload)) if forged_leaf else bytes(32)
    )
    attack(
        store,
        "UPDATE events SET seq = seq + 1000 WHERE org = 'acme' AND seq >= 4",
        "UPDATE events SET seq = seq - 999 WHERE org = 'acme' AND seq > 1000",
        "INSERT INTO events (org, seq, recorded_at, payload, leaf_hash, tree_root) "
        "VALUES ('acme', 4, :at, :payload, :leaf, :leaf)",
        "UPDATE orgs SET size = 9 WHERE name = 'acme'",
        params={"at": third.recorded_at, "payload": payload, "leaf": leaf},
    )
    assert report(store) == [
        "acme: seq 4: inserted: this record is not part of the log; the 5 records after it were "
        "renumbered to make room (seqs 4..8 now seqs 5..9)"
    ]


def test_a_record_appended_behind_the_heads_back_is_inserted(store: EventStore) -> None:
    rows = store.events("acme")
    payload = '{"kind":"vote","n":9}'
    at = rows[-1].recorded_at
    leaf = leaf_hash(entry_bytes("acme", 9, at, payload))
    frontier = Frontier()
    for row in rows:
        frontier = frontier.append(row.leaf_hash)
    root = frontier.append(leaf).root()
    attack(
        store,
        "INSERT INTO events (org, seq, recorded_at, payload, leaf_hash, tree_root) "
        "VALUES ('acme', 9, :at, :payload, :leaf, :root)",
        params={"at": at, "payload": payload, "leaf": leaf, "root": root},
    )
    assert report(store) == [
        "acme: seq 9: inserted: seq 9 is not part of the log: the organisation's head records "
        "8 events"
    ]


def test_a_record_replaced_with_its_leaf_hash_breaks_the_recorded_tree_head(
    store: EventStore,
) -> None:
    fourth = store.events("acme")[3]
    payload = '{"kind":"vote","n":40}'
    leaf = leaf_hash(entry_bytes("acme", 4, fourth.recorded_at, payload))
    attack(
        store,
        "UPDATE events SET payload = :payload, leaf_hash = :leaf WHERE org = 'acme' AND seq = 4",
        params={"payload": payload, "leaf": leaf},
    )
    assert report(store) == [
        "acme: seq 4: replaced: the record matches its leaf hash, but that leaf does not produce "
        "the tree head recorded with it: the record and its leaf hash were both rewritten"
    ]


def test_a_rewritten_history_is_caught_by_every_checkpoint(
    store: EventStore, key: Ed25519PrivateKey
) -> None:
    saved = store.checkpoint("acme", key)
    attack(
        store,
        "UPDATE events SET payload = :p WHERE org = 'acme' AND seq = 3",
        params={"p": '{"kind":"vote","n":0}'},
    )
    rehash_from(store)
    label = f"(size 8, {saved.timestamp})"
    assert report(store, saved, key.public_key()) == [
        f"acme: log: checkpoint: the log does not extend the checkpoint #1 in the store {label}: "
        "its first 8 events do not have the signed root",
        f"acme: log: checkpoint: the log does not extend the checkpoint from the file {label}: "
        "its first 8 events do not have the signed root",
    ]


def test_a_checkpoint_signed_by_another_key_is_not_trusted(
    store: EventStore, key: Ed25519PrivateKey
) -> None:
    forger = Ed25519PrivateKey.generate()
    head = store.tree_head("acme")
    forged = sign_checkpoint(forger, "acme", head.size, head.root, "2026-01-01T00:00:00.000000Z")
    assert report(store, forged, key.public_key()) == [
        "acme: log: checkpoint: the checkpoint from the file "
        "(size 8, 2026-01-01T00:00:00.000000Z): "
        f"signed by key {forged.key_id[:16]}…, not by the trusted deployment key"
    ]
    assert report(store, forged) == []  # without a trusted key, the named key is all we have


def test_verify_events_is_pure_over_rows() -> None:
    rows = []
    frontier = Frontier()
    for seq in range(1, 4):
        payload = f'{{"n":{seq}}}'
        leaf = leaf_hash(entry_bytes("x", seq, "T", payload))
        frontier = frontier.append(leaf)
        rows.append(
            StoredEvent(
                org="x",
                seq=seq,
                recorded_at="T",
                payload=payload,
                leaf_hash=leaf,
                tree_root=frontier.root(),
            )
        )
    assert verify_events("x", rows).ok
    assert [f.kind for f in verify_events("x", rows[:1] + rows[2:]).findings] == ["deleted"]
    assert verify_events("x", []).root == Frontier().root()


def test_the_sqlite_file_can_be_verified_after_reopening(sqlite_url: str, tmp_path: Path) -> None:
    with EventStore.open(sqlite_url) as first:
        first.append("acme", {"kind": "vote"})
    with EventStore.open(sqlite_url, create=False) as second:
        assert verify_log(second, "acme").ok
