"""The event store on SQLite and PostgreSQL: appends, reads, append-only triggers, durability."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.exc import DatabaseError

import store_helpers
from charter.store.canonical import (
    NotCanonicalizable,
    canonical_event,
    canonical_json,
    entry_bytes,
)
from charter.store.db import EventStore, StoreError, normalize_url
from charter.store.merkle import (
    EMPTY_ROOT,
    leaf_hash,
    tree_root,
    verify_consistency,
    verify_inclusion,
)
from charter.store.verify import verify_log

# The fixtures this module uses (store_helpers.py holds the store tests' fixtures).
pg_url = store_helpers.pg_url
sqlite_url = store_helpers.sqlite_url
store_url = store_helpers.store_url


def test_canonical_json_sorts_keys_drops_whitespace_and_keeps_unicode() -> None:
    event = {"b": [1, 2.5, None], "a": "Ünïcode ✓", "c": {"z": True, "y": "x"}}
    assert canonical_event(event) == '{"a":"Ünïcode ✓","b":[1,2.5,null],"c":{"y":"x","z":true}}'
    with pytest.raises(NotCanonicalizable, match="an event must be a JSON object, got list"):
        canonical_event([1])  # type: ignore[arg-type]
    with pytest.raises(NotCanonicalizable, match="not canonical JSON"):
        canonical_event({"x": float("nan")})


def test_entry_bytes_are_the_canonical_envelope() -> None:
    payload = canonical_event({"kind": "vote", "by": "Sutskever"})
    envelope = {"event": json.loads(payload), "org": "openai", "recorded_at": "T", "seq": 7}
    expected = json.dumps(envelope, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert entry_bytes("openai", 7, "T", payload) == expected.encode()


@given(st.text(), st.text(), st.integers(1, 10**12), st.dictionaries(st.text(), st.text()))
def test_entry_bytes_equal_the_canonical_envelope_for_any_text(
    org: str, recorded_at: str, seq: int, event: dict[str, str]
) -> None:
    payload = canonical_event(event)
    envelope = {"event": event, "org": org, "recorded_at": recorded_at, "seq": seq}
    assert entry_bytes(org, seq, recorded_at, payload) == canonical_json(envelope).encode()


def test_append_assigns_seqs_heads_and_leaves(store_url: str) -> None:
    with EventStore.open(store_url) as store:
        assert store.orgs() == []
        assert store.tree_head("acme").root == EMPTY_ROOT
        first = store.append("acme", {"kind": "meeting", "n": 1})
        batch = store.append_many("acme", [{"kind": "vote", "n": i} for i in range(2, 6)])
        store.append("beta", {"kind": "meeting"})
        assert [first.seq] + [e.seq for e in batch] == [1, 2, 3, 4, 5]
        events = store.events("acme")
        assert [e.event["n"] for e in events] == [1, 2, 3, 4, 5]
        assert store.events("acme", upto=2) == events[:2]
        assert store.orgs() == ["acme", "beta"]
        leaves = [leaf_hash(e.entry_bytes()) for e in events]
        assert [e.leaf_hash for e in events] == leaves
        assert [e.tree_root for e in events] == [tree_root(leaves[:i]) for i in range(1, 6)]
        head = store.tree_head("acme")
        assert (head.size, head.root) == (5, tree_root(leaves))
        proof = store.inclusion_proof("acme", 3)
        assert verify_inclusion(leaves[2], 2, 5, proof, head.root)
        assert verify_consistency(
            2, 5, tree_root(leaves[:2]), head.root, store.consistency_proof("acme", 2)
        )
        assert verify_log(store, "acme").ok


def test_events_are_append_only(store_url: str) -> None:
    with EventStore.open(store_url) as store:
        store.append("acme", {"kind": "meeting"})
        for statement in ("UPDATE events SET payload = '{}'", "DELETE FROM events"):
            with pytest.raises(DatabaseError) as info, store.engine.begin() as connection:
                connection.exec_driver_sql(statement)
            verb = statement.split()[0]
            assert f"charter: events is append-only: {verb} is forbidden" in str(info.value)
        assert len(store.events("acme")) == 1


def test_checkpoints_are_append_only(store_url: str) -> None:
    with EventStore.open(store_url) as store:
        store.append("acme", {"kind": "meeting"})
        store.checkpoint("acme", Ed25519PrivateKey.generate())
        for statement in ("UPDATE checkpoints SET size = 9", "DELETE FROM checkpoints"):
            with pytest.raises(DatabaseError) as info, store.engine.begin() as connection:
                connection.exec_driver_sql(statement)
            verb = statement.split()[0]
            assert f"charter: checkpoints is append-only: {verb} is forbidden" in str(info.value)
        assert [c.size for c in store.checkpoints("acme")] == [1]


@pytest.mark.postgres
def test_postgres_refuses_truncate(pg_url: str) -> None:
    with EventStore.open(pg_url) as store:
        store.append("acme", {"kind": "meeting"})
        with (
            pytest.raises(DatabaseError, match="events is append-only: TRUNCATE"),
            store.engine.begin() as c,
        ):
            c.exec_driver_sql("TRUNCATE events CASCADE")


def test_sqlite_connections_use_wal_full_sync_and_foreign_keys(sqlite_url: str) -> None:
    with EventStore.open(sqlite_url) as store, store.engine.connect() as connection:
        pragmas = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys")
        }
        connection.rollback()
    assert pragmas == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}


@pytest.mark.postgres
def test_postgres_commits_synchronously(pg_url: str) -> None:
    with EventStore.open(pg_url) as store, store.engine.connect() as connection:
        assert connection.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"


def test_opening_is_idempotent_and_bad_urls_say_why(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with EventStore.open(str(path)) as store:
        store.append("acme", {"kind": "meeting"})
    with EventStore.open(f"sqlite:///{path}", create=False) as store:
        assert len(store.events("acme")) == 1
    with pytest.raises(StoreError, match=f"no database at {tmp_path / 'none.db'}"):
        EventStore.open(str(tmp_path / "none.db"), create=False)
    with pytest.raises(StoreError, match="unsupported database 'mysql'"):
        EventStore.open("mysql://x/y")
    with pytest.raises(StoreError, match="an in-memory SQLite store would vanish"):
        EventStore.open("sqlite://")
    with pytest.raises(
        StoreError, match=r"cannot open postgresql\+psycopg://nobody@127\.0\.0\.1:1/x"
    ):
        EventStore.open("postgresql://nobody@127.0.0.1:1/x")
    assert normalize_url("postgres://h/db") == "postgresql+psycopg://h/db"


def test_bad_events_and_orgs_are_refused(sqlite_url: str) -> None:
    with EventStore.open(sqlite_url) as store:
        with pytest.raises(ValueError, match="an organisation is a non-empty string"):
            store.append("", {"kind": "x"})
        with pytest.raises(NotCanonicalizable):
            store.append("acme", {"kind": {1, 2}})
        assert store.orgs() == []


@pytest.mark.parametrize("separate_engines", [False, True])
def test_concurrent_appends_leave_no_gap_and_no_duplicate(
    store_url: str, separate_engines: bool
) -> None:
    threads, each = 8, 25
    EventStore.open(store_url).close()  # migrate once
    shared = EventStore.open(store_url)
    errors: list[BaseException] = []

    def writer(worker: int) -> None:
        store = EventStore.open(store_url) if separate_engines else shared
        try:
            for i in range(each):
                store.append("acme", {"kind": "vote", "worker": worker, "i": i})
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            if separate_engines:
                store.close()

    pool = [threading.Thread(target=writer, args=(w,)) for w in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    assert errors == []
    events = shared.events("acme")
    assert [e.seq for e in events] == list(range(1, threads * each + 1))
    votes = sorted((e.event["worker"], e.event["i"]) for e in events)
    assert votes == [(w, i) for w in range(threads) for i in range(each)]
    assert verify_log(shared, "acme").ok
    shared.close()


WRITER = """
import sys
from charter.store.db import EventStore
store = EventStore.open(sys.argv[1])
i = 0
while True:
    stored = store.append("acme", {"kind": "vote", "n": i})
    print(stored.seq, flush=True)
    i += 1
"""


def _crash_writer(url: str, acks: int) -> list[int]:
    """Run a writer, SIGKILL it after ``acks`` acknowledged appends; return every seq it acked."""
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    acked: list[int] = []
    deadline = time.monotonic() + 120
    while len(acked) < acks and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        acked.append(int(line))
    os.kill(process.pid, signal.SIGKILL)
    rest, err = process.communicate(timeout=30)
    acked += [int(line) for line in rest.split()]  # printed before the kill: acknowledged too
    assert process.returncode == -signal.SIGKILL, err
    assert len(acked) >= acks, err
    return acked


@pytest.mark.slow
def test_a_writer_killed_with_sigkill_loses_no_acknowledged_event(store_url: str) -> None:
    EventStore.open(store_url).close()
    acked = _crash_writer(store_url, 150)
    with EventStore.open(store_url) as store:
        events = {e.seq: e for e in store.events("acme")}
        for seq in acked:
            assert events[seq].event == {"kind": "vote", "n": seq - 1}
        assert sorted(events) == list(range(1, len(events) + 1))
        report = verify_log(store, "acme")
        assert report.ok, report.findings
        # A second writer after the crash carries on from the durable head.
        acked_again = _crash_writer(store_url, 20)
        assert min(acked_again) == len(events) + 1
        assert verify_log(store, "acme").ok
