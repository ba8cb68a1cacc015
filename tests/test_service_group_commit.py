"""Group commit in the board service: votes decided while a commit is in flight are appended
together in the next transaction, each request is answered only after its own batch committed,
and a batch that fails is committed again request by request: the request the database refuses
acknowledges nothing (503) and leaves no trace in the service's view (the mixed batch:
tests/test_service_board_integrity.py).

Also: a vote is judged on the retained fold exactly as a full replay judges it, and API tokens
are cached only for a bounded time."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

from charter.model.journal import ActSpec, Motion
from charter.model.kinds import Vote
from charter.service import schemas
from charter.service.board import Board
from charter.service.errors import Refused
from service_support import DIRECTORS, Portal, make_portal

T = TypeVar("T")


def _voting_portal(tmp_path: Path) -> Portal:
    portal = make_portal(tmp_path)
    portal.meeting()
    portal.motion()
    return portal


def _votes_in_store(portal: Portal) -> list[dict[str, Any]]:
    return [
        e.event
        for e in portal.store.iter_events("acme")
        if e.event.get("op") == "vote-cast" and e.event.get("motion") == "mo1"
    ]


def test_a_failed_commit_acknowledges_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    portal = _voting_portal(tmp_path)
    store = portal.store
    real = store.append_many
    calls = 0

    def failing_once(org: str, batch: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise OSError("disk full")
        return real(org, batch)

    monkeypatch.setattr(store, "append_many", failing_once)
    failed = portal.post("ben", "/api/orgs/acme/motions/mo1/votes", {"vote": "for"})
    assert failed.status_code == 503
    assert failed.json()["error"] == {
        "status": 503,
        "code": "not-recorded",
        "message": "the database did not record this (OSError: disk full); nothing was "
        "recorded: try again",
    }
    assert _votes_in_store(portal) == []
    pending = portal.as_("ben").get("/api/orgs/acme/pending").json()
    assert pending["motions"][0]["votes"] == {}
    again = portal.post("ben", "/api/orgs/acme/motions/mo1/votes", {"vote": "for"})
    assert again.status_code == 201, again.json()
    assert [v["person"] for v in _votes_in_store(portal)] == ["ben"]
    assert again.json()["recorded"] == [store.tree_head("acme").size]


def _hold_first_commit(
    store: Any, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[list[str]], threading.Event]:
    """Record who is in each committed batch, and hold the first commit until released."""
    real = store.append_many
    batches: list[list[str]] = []
    release = threading.Event()

    def slow_first(org: str, batch: Any) -> Any:
        records = list(batch)
        batches.append([r["person"] for r in records])
        if len(batches) == 1:
            assert release.wait(30)
        return real(org, records)

    monkeypatch.setattr(store, "append_many", slow_first)
    return batches, release


def test_votes_decided_during_a_commit_are_committed_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    portal = _voting_portal(tmp_path)
    board: Board = portal.app.state.board
    accounts = portal.app.state.accounts
    store = portal.store
    batches, release = _hold_first_commit(store, monkeypatch)
    voters = list(DIRECTORS)

    def vote(person: str) -> dict[str, Any]:
        account = accounts.by_username(person)
        return board.vote("acme", account, "mo1", schemas.CastVote(vote="for"))

    with ThreadPoolExecutor(len(voters)) as pool:
        first = pool.submit(vote, voters[0])
        while not batches:  # the first vote's commit is in flight (and held)
            time.sleep(0.01)
        rest = [pool.submit(vote, p) for p in voters[1:]]
        slot = board.pipeline.slot("acme")
        while True:  # every other vote decided and queued behind it
            with slot.mutex:
                if len(slot.pending) == len(voters) - 1:
                    break
            time.sleep(0.01)
        assert not any(f.done() for f in (first, *rest))  # nobody acknowledged before commit
        release.set()
        results = [first.result(), *(f.result() for f in rest)]
    assert batches[0] == [voters[0]]
    assert sorted(batches[1]) == sorted(voters[1:])
    assert len(batches) == 2
    stored = {e.event["person"]: e.seq for e in store.iter_events("acme") if "person" in e.event}
    for person, result in zip(voters, results, strict=True):
        assert result["recorded"] == [stored[person]]


def test_a_second_vote_is_refused_even_before_the_first_is_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    portal = _voting_portal(tmp_path)
    board: Board = portal.app.state.board
    account = portal.app.state.accounts.by_username("ben")
    store = portal.store
    real = store.append_many
    release = threading.Event()

    def held(org: str, batch: Any) -> Any:
        assert release.wait(30)
        return real(org, batch)

    monkeypatch.setattr(store, "append_many", held)
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(board.vote, "acme", account, "mo1", schemas.CastVote(vote="for"))
        slot = board.pipeline.slot("acme")
        while True:
            with slot.mutex:
                if slot.committing:
                    break
            time.sleep(0.01)
        with pytest.raises(Refused) as refused:
            board.vote("acme", account, "mo1", schemas.CastVote(vote="against"))
        release.set()
        assert first.result()["recorded"]
    assert refused.value.code == "already-voted"
    assert [v["vote"] for v in _votes_in_store(portal)] == ["for"]


def test_a_vote_is_judged_as_the_full_replay_judges_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    portal = _voting_portal(tmp_path)
    board: Board = portal.app.state.board
    view = board.view("acme")
    info = view.motions["mo1"]
    now = board.now(view)
    replays = 0
    full = board._candidate

    def counted(*args: Any) -> Any:
        nonlocal replays
        replays += 1
        return full(*args)

    monkeypatch.setattr(board, "_candidate", counted)
    spec = ActSpec.model_validate(info.spec).model_dump(exclude={"id"})
    for votes in ({"ana": "for"}, dict.fromkeys(DIRECTORS[:3], "for"), {"ben": "against"}):
        event = board._motion_event(view, info, votes, now, "adopted")
        validated = Motion(  # the copied template is the event validation would build
            kind="motion",
            at=now,
            meeting=info.meeting,
            votes={p: Vote(v) for p, v in votes.items()},
            **spec,
            id=info.id,
            proposed_by=info.proposed_by,
        )
        assert event == validated
        assert event.model_dump() == validated.model_dump()
        shortcut = board._judge(view, event, now)
        assert replays == 0  # judged on the retained fold
        assert shortcut
        assert shortcut == full(view, [(event, now)])[2]


def test_a_role_granted_through_the_app_applies_at_once(tmp_path: Path) -> None:
    portal = make_portal(tmp_path)
    # 'gil' is a director of globex only: acme refuses him (his account is now cached)
    assert portal.as_("gil").get("/api/orgs/acme/pending").status_code == 403
    granted = portal.post("adm", "/api/orgs/acme/accounts", {"username": "gil", "role": "observer"})
    assert granted.status_code == 201, granted.json()
    assert portal.as_("gil").get("/api/orgs/acme/pending").status_code == 200


def _released(board: Board, slot: Any) -> bool:
    """The cross-process lock is given back once unused for the linger time (and not before)."""
    deadline = time.monotonic() + board.pipeline.linger_s + 2.0
    while slot.held and time.monotonic() < deadline:
        time.sleep(0.005)
    return not slot.held


def test_the_cross_process_lock_lingers_while_in_use_and_goes_back_when_unused(
    tmp_path: Path,
) -> None:
    portal = _voting_portal(tmp_path)
    board: Board = portal.app.state.board
    board.pipeline.linger_s = 1.0
    slot = board.pipeline.slot("acme")
    accounts = portal.app.state.accounts
    board.vote("acme", accounts.by_username("ana"), "mo1", schemas.CastVote(vote="for"))
    assert slot.held  # kept: the next request of a burst need not take it again
    time.sleep(0.6)
    last = time.monotonic()  # the vote takes the lock after this: the linger counts from then
    board.vote("acme", accounts.by_username("ben"), "mo1", schemas.CastVote(vote="for"))
    time.sleep(0.6)  # 1.2 s after the first use, 0.6 s after the last: still kept
    assert slot.held
    assert _released(board, slot)
    assert 1.0 <= time.monotonic() - last < 2.5
    board.pipeline.linger_s = 0.0  # no linger: given back as soon as nothing is pending
    board.vote("acme", accounts.by_username("cleo"), "mo1", schemas.CastVote(vote="for"))
    assert not slot.held


def _on_a_fresh_loop(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """``asyncio.run`` in a thread of its own (another test may leave a loop running here)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result()


def test_votes_on_the_event_loop_wait_for_a_commit_in_flight_and_release_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The async path (what the vote endpoint uses) joins the group commit of the blocking
    path: votes decided on the loop while a blocking vote's commit is held are acknowledged only
    after their own batch, and the cross-process lock is given back once nothing is pending."""
    portal = _voting_portal(tmp_path)
    board: Board = portal.app.state.board
    accounts = portal.app.state.accounts
    store = portal.store
    batches, release = _hold_first_commit(store, monkeypatch)
    voters = list(DIRECTORS)
    slot = board.pipeline.slot("acme")

    async def on_the_loop() -> list[dict[str, Any]]:
        tasks = [
            asyncio.ensure_future(
                board.vote_async(
                    "acme", accounts.by_username(p), "mo1", schemas.CastVote(vote="for")
                )
            )
            for p in voters[1:]
        ]
        while True:  # every loop vote decided and queued behind the held commit
            await asyncio.sleep(0.01)
            with slot.mutex:
                if len(slot.pending) == len(voters) - 1:
                    break
        assert not any(t.done() for t in tasks)  # nobody acknowledged before the commit
        release.set()
        return list(await asyncio.gather(*tasks))

    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(
            board.vote, "acme", accounts.by_username(voters[0]), "mo1", schemas.CastVote(vote="for")
        )
        while not batches:  # the blocking vote's commit is in flight (and held)
            time.sleep(0.01)
        results = _on_a_fresh_loop(on_the_loop)
        results.insert(0, first.result())
    assert batches[0] == [voters[0]]
    assert sorted(batches[1]) == sorted(voters[1:])
    assert len(batches) == 2
    stored = {e.event["person"]: e.seq for e in store.iter_events("acme") if "person" in e.event}
    for person, result in zip(voters, results, strict=True):
        assert result["recorded"] == [stored[person]]
    assert _released(board, slot)
    account = accounts.by_username(voters[0])
    with pytest.raises(Refused) as refused:
        _on_a_fresh_loop(
            lambda: board.vote_async("acme", account, "mo1", schemas.CastVote(vote="for"))
        )
    assert refused.value.code == "already-voted"
    assert _released(board, slot)
