"""Property: every kind of tampering, anywhere in a log of any length, is reported exactly once
with its kind and position (``verify_events`` over rows in memory, no database)."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from charter.store.canonical import canonical_event, entry_bytes
from charter.store.db import StoredEvent, TreeHead
from charter.store.merkle import Frontier, leaf_hash
from charter.store.verify import verify_events


def build(n: int, org: str = "acme") -> tuple[list[StoredEvent], TreeHead]:
    rows = []
    frontier = Frontier()
    for seq in range(1, n + 1):
        payload = canonical_event({"kind": "vote", "n": seq})
        at = f"2026-01-01T00:00:{seq % 60:02d}.000000Z"
        leaf = leaf_hash(entry_bytes(org, seq, at, payload))
        frontier = frontier.append(leaf)
        rows.append(
            StoredEvent(
                org=org,
                seq=seq,
                recorded_at=at,
                payload=payload,
                leaf_hash=leaf,
                tree_root=frontier.root(),
            )
        )
    return rows, TreeHead(org=org, size=n, root=frontier.root())


def found(rows: list[StoredEvent], head: TreeHead) -> list[tuple[str, int | None]]:
    return [(f.kind, f.seq) for f in verify_events("acme", rows, head=head).findings]


sizes = st.integers(2, 40)


@settings(max_examples=60, deadline=None)
@given(sizes, st.data())
def test_an_untouched_log_is_clean(n: int, data: st.DataObject) -> None:
    rows, head = build(n)
    assert found(rows, head) == []


@settings(max_examples=60, deadline=None)
@given(sizes, st.data())
def test_an_edit_is_found_where_it_is(n: int, data: st.DataObject) -> None:
    rows, head = build(n)
    i = data.draw(st.integers(0, n - 1))
    rows[i] = replace(rows[i], payload=canonical_event({"kind": "vote", "n": -1}))
    assert found(rows, head) == [("edited", i + 1)]


@settings(max_examples=60, deadline=None)
@given(sizes, st.data(), st.booleans())
def test_a_deletion_is_found_with_or_without_renumbering(
    n: int, data: st.DataObject, renumber: bool
) -> None:
    rows, head = build(n)
    i = data.draw(st.integers(0, n - 2))  # deleting the last record is a truncation
    del rows[i]
    if renumber:
        rows[i:] = [replace(r, seq=r.seq - 1) for r in rows[i:]]
    assert found(rows, head) == [("deleted", i + 1)]


@settings(max_examples=60, deadline=None)
@given(sizes, st.data())
def test_a_swap_is_found_at_both_places(n: int, data: st.DataObject) -> None:
    rows, head = build(n)
    i = data.draw(st.integers(0, n - 2))
    j = data.draw(st.integers(i + 1, n - 1))
    rows[i], rows[j] = replace(rows[j], seq=i + 1), replace(rows[i], seq=j + 1)
    assert found(rows, head) == [("reordered", i + 1), ("reordered", j + 1)]


@settings(max_examples=60, deadline=None)
@given(sizes, st.data(), st.booleans())
def test_an_insertion_is_found_where_it_is(n: int, data: st.DataObject, valid_leaf: bool) -> None:
    rows, head = build(n)
    i = data.draw(st.integers(0, n))
    payload = canonical_event({"kind": "vote", "n": 1000})
    at = "2026-01-01T00:00:00.000000Z"
    leaf = leaf_hash(entry_bytes("acme", i + 1, at, payload)) if valid_leaf else bytes(32)
    frontier = Frontier()
    for row in rows[:i]:
        frontier = frontier.append(row.leaf_hash)
    forged = StoredEvent(
        org="acme",
        seq=i + 1,
        recorded_at=at,
        payload=payload,
        leaf_hash=leaf,
        tree_root=frontier.append(leaf).root(),
    )
    rows = [*rows[:i], forged, *(replace(r, seq=r.seq + 1) for r in rows[i:])]
    expected = [("inserted", i + 1)]
    if i == n and not valid_leaf:  # appended at the end: its bytes do not match its leaf either
        expected = [("inserted", i + 1), ("edited", i + 1)]
    assert sorted(found(rows, head)) == sorted(expected)


@settings(max_examples=60, deadline=None)
@given(sizes, st.data())
def test_a_truncation_is_found_from_the_first_missing_seq(n: int, data: st.DataObject) -> None:
    rows, head = build(n)
    k = data.draw(st.integers(1, n))
    assert found(rows[: n - k], head) == [("truncated", n - k + 1)]


@settings(max_examples=60, deadline=None)
@given(sizes, st.data())
def test_a_replaced_record_is_found_where_it_is(n: int, data: st.DataObject) -> None:
    rows, head = build(n)
    i = data.draw(st.integers(0, n - 1))
    payload = canonical_event({"kind": "vote", "n": -1})
    leaf = leaf_hash(entry_bytes("acme", i + 1, rows[i].recorded_at, payload))
    rows[i] = replace(rows[i], payload=payload, leaf_hash=leaf)
    assert found(rows, head) == [("replaced", i + 1)]
