"""The commit pipeline: how the board's decisions become durable, in order, once, and fast.

- **Locks.** An organisation's decisions take turns under one lock per organisation in this
  process, plus a cross-process lock (a PostgreSQL advisory lock, or a lock file beside a SQLite
  database) so that two servers on one database also take turns; while this process holds it
  without a break, the cached view is current and a decision needs no query.
- **Group commit.** A decided request queues its records and waits; one waiter at a time commits
  everything queued in one transaction, so a burst of votes costs one durable commit, not one
  each.  A request is answered only once its own records are durable.
- **Durability checks.** A commit that fails answers 503 and forgets the view; a batch that fails
  is committed again request by request, so one record the database refuses fails only its own
  request (and those decided on what it would have created).  Every record is encoded as the
  store will encode it before it is queued.

What a request *decides* is the board's business (:mod:`charter.service.board`); this module
knows nothing of meetings or votes beyond which ids a record introduces.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import functools
import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import anyio
import anyio.to_thread
import sqlalchemy as sa

from charter.model.case import Case
from charter.replay import Timeline
from charter.service.errors import Refused, not_found
from charter.service.org_view import OrgView, build_view
from charter.store.bulk import collector_paused
from charter.store.canonical import NotCanonicalizable, canonical_event
from charter.store.db import EventStore
from charter.store.journal_io import SERVICE

T = TypeVar("T")
_LOOP_WAIT_S = 0.01
"""The longest the event loop waits for an organisation's lock before handing the decision
to a worker thread instead."""


@dataclass(eq=False)
class _Ticket:
    """Records one request decided, waiting for the commit that makes them durable."""

    records: list[dict[str, Any]]
    seqs: list[int]
    done: bool = False
    """Committed (or failed): read and set under the slot's ``mutex``; a thread waits for it on
    the slot's ``idle`` condition, a request on the event loop through ``wake``."""
    error: str | None = None
    wake: Callable[[], object] | None = None
    """Set by a request waiting on the event loop: called (under ``mutex``) when the ticket is
    committed or when the commit before it ends (it may then become the committer)."""


@dataclass(eq=False)
class _OrgSlot:
    """Per organisation: the decision lock, the cross-process lock while this process holds
    it, and the queue of decided records not yet committed (guarded by ``mutex``)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    mutex: threading.Lock = field(default_factory=threading.Lock)
    idle: threading.Condition = field(init=False)
    held: bool = False
    release: Callable[[], None] | None = None
    pending: list[_Ticket] = field(default_factory=list)
    committing: bool = False
    inflight: _Ticket | None = None
    last_used: float = 0.0
    """When a decision last took ``lock`` (``time.monotonic``): the lingering release waits
    until the lock has gone unused for the linger time."""
    release_armed: bool = False

    def __post_init__(self) -> None:
        self.idle = threading.Condition(self.mutex)


@dataclass(frozen=True, slots=True)
class _Done(Generic[T]):
    value: T


@dataclass(frozen=True, slots=True)
class _Failed:
    error: Exception


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _not_recorded(error: str) -> Refused:
    return Refused(
        503,
        "not-recorded",
        f"the database did not record this ({error}); nothing was recorded: try again",
    )


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}".splitlines()[0]


_INTRODUCES = {"meeting-called": "meeting", "motion-proposed": "motion"}
"""The id a service record brings into being (what later records may refer to)."""
_REFERS = ("meeting", "motion", "consent")


@dataclass
class _Taint:
    """What records that failed to commit leave unsafe to commit after them: everything, once
    a journal event failed (the case changed under every later decision); else the records
    that refer to an id a failed service record introduced."""

    everything: bool = False
    ids: set[str] = field(default_factory=set)

    def add(self, ticket: _Ticket) -> None:
        for record in ticket.records:
            if record.get("type") != SERVICE:
                self.everything = True
            key = _INTRODUCES.get(str(record.get("op")))
            if key is not None and isinstance(record.get(key), str):
                self.ids.add(record[key])

    def touches(self, ticket: _Ticket) -> bool:
        if self.everything:
            return True
        if not self.ids:
            return False
        for record in ticket.records:
            event = record.get("event")
            fields = record | (event if isinstance(event, dict) else {})
            if any(fields.get(k) in self.ids for k in _REFERS):
                return True
        return False


def _pg_unlock(connection: sa.Connection, key: int) -> None:
    try:
        connection.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": key})
        connection.commit()
    finally:
        connection.close()  # closing the session would release the lock in any case


def _flock_unlock(handle: Any) -> None:
    try:
        fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()


class CommitPipeline:
    """Locks, cached views and group commit for every organisation of one store.  Thread-safe."""

    def __init__(self, store: EventStore, *, linger_s: float = 0.05) -> None:
        self.store = store
        self.linger_s = linger_s
        """How long the cross-process lock is kept once nothing is pending.  Giving it back the
        moment a commit drains the queue made the next request of a burst take it again and
        re-read the log's head (a worker thread and a query) many times a second; another
        process serving the same database waits at most this long more for its turn."""
        self._views: dict[str, OrgView] = {}
        self._slots: dict[str, _OrgSlot] = {}
        self._guard = threading.Lock()
        self._local = threading.local()
        url = store.engine.url
        self._lockfile = (
            Path(f"{url.database}.service-lock")
            if store.dialect == "sqlite" and url.database
            else None
        )

    def slot(self, org: str) -> _OrgSlot:
        with self._guard:
            slot = self._slots.get(org)
            if slot is None:
                slot = self._slots[org] = _OrgSlot()
            return slot

    @contextlib.contextmanager
    def locked(self, org: str) -> Iterator[OrgView]:
        """Decide under the organisation's lock; the records the body decides (:meth:`record`) are
        committed after the lock is released, in a batch with those of concurrent requests, and
        the block exits only once they are durable (or raises 503 if their batch failed)."""
        slot = self.slot(org)
        tickets: list[_Ticket] = []
        try:
            with slot.lock:
                slot.last_used = time.monotonic()
                fresh = not slot.held
                if fresh:
                    self._acquire(org, slot)
                try:
                    # While this process has held the cross-process lock without a break, every
                    # append to the organisation is one it decided: the view is current.
                    view = self._fresh(org) if fresh or org not in self._views else self._views[org]
                    self._local.tickets = tickets
                    try:
                        yield view
                    finally:
                        self._local.tickets = None
                finally:
                    with slot.mutex:
                        idle = not slot.pending and not slot.committing
                    if idle:
                        self._linger(slot)
        finally:
            for ticket in tickets:
                self._wait(org, slot, ticket)

    async def operate(self, org: str, decide: Callable[[OrgView], T]) -> T:
        """What :meth:`locked` does, for a caller on the event loop: ``decide`` runs under the
        organisation's lock right here when that needs no I/O (this process holds the
        cross-process lock and the view is current; taking them is done in a worker thread
        first), and the request then awaits its batch's commit, which one worker thread makes
        for every request in the batch.  No thread is tied up per request."""
        with anyio.CancelScope(shield=True):  # a decided record must be committed, not orphaned
            return await self._operate(org, decide)
        raise AssertionError("unreachable: a shielded scope is not cancelled")

    async def _operate(self, org: str, decide: Callable[[OrgView], T]) -> T:
        slot = self.slot(org)
        for _ in range(3):
            tickets: list[_Ticket] = []
            outcome = self._decide_here(org, slot, decide, tickets)
            if outcome is None:
                await anyio.to_thread.run_sync(self._prepare, org, slot)
                continue
            for ticket in tickets:
                await self._committed(org, slot, ticket)
            if not tickets:  # no commit will let the lock go: let it linger, then go, if idle
                await anyio.to_thread.run_sync(self._linger_if_idle, slot)
            if isinstance(outcome, _Failed):
                raise outcome.error
            return outcome.value
        return await anyio.to_thread.run_sync(self._locked_call, org, decide)

    def _decide_here(
        self,
        org: str,
        slot: _OrgSlot,
        decide: Callable[[OrgView], T],
        tickets: list[_Ticket],
    ) -> _Done[T] | _Failed | None:
        """``decide`` on the calling thread if the lock is free, held and the view current.  The
        lock is waited for briefly: the committing thread takes it only to settle a batch in
        memory, and falling back to a worker thread costs more than that wait."""
        if not slot.lock.acquire(timeout=_LOOP_WAIT_S):
            return None
        try:
            slot.last_used = time.monotonic()
            view = self._views.get(org)
            if not slot.held or view is None:
                return None
            self._local.tickets = tickets
            try:
                return _Done(decide(view))
            except Exception as error:  # answered once what was decided before it is durable
                return _Failed(error)
            finally:
                self._local.tickets = None
        finally:
            slot.lock.release()

    def _prepare(self, org: str, slot: _OrgSlot) -> None:
        """Take the cross-process lock and bring the view up to date (blocking: a worker
        thread); the commit of the next decision, or :meth:`_linger_if_idle`, gives it back."""
        with slot.lock:
            slot.last_used = time.monotonic()
            if not slot.held:
                self._acquire(org, slot)
                try:
                    self._fresh(org)
                except BaseException:
                    self._release(slot)
                    raise
            elif org not in self._views:
                self._fresh(org)

    def _linger_if_idle(self, slot: _OrgSlot) -> None:
        with slot.lock:
            with slot.mutex:
                idle = not slot.pending and not slot.committing
            if idle:
                self._linger(slot)

    def _linger(self, slot: _OrgSlot) -> None:
        """Nothing is pending: give the cross-process lock back once it has gone unused for
        ``linger_s`` (the caller holds ``slot.lock``)."""
        if self.linger_s <= 0:
            self._release(slot)
        elif slot.held and not slot.release_armed:
            slot.release_armed = True
            self._arm(slot, self.linger_s)

    def _arm(self, slot: _OrgSlot, delay: float) -> None:
        timer = threading.Timer(delay, self._release_unused, (slot,))
        timer.daemon = True
        timer.start()

    def _release_unused(self, slot: _OrgSlot) -> None:
        with slot.lock:
            with slot.mutex:
                idle = not slot.pending and not slot.committing
            unused = time.monotonic() - slot.last_used
            if not slot.held or not idle:  # the commit that drains the queue arms it again
                slot.release_armed = False
            elif unused >= self.linger_s:
                slot.release_armed = False
                self._release(slot)
            else:  # used since: look again when it may have gone unused long enough
                self._arm(slot, self.linger_s - unused)

    def _locked_call(self, org: str, decide: Callable[[OrgView], T]) -> T:
        with self.locked(org) as view:
            return decide(view)

    async def _committed(self, org: str, slot: _OrgSlot, ticket: _Ticket) -> None:
        """:meth:`_wait` on the event loop: the request awaits a future the committing thread
        resolves, or becomes the committer (the commit itself runs in a worker thread)."""
        loop = asyncio.get_running_loop()
        while True:
            woken: asyncio.Future[None] | None = None
            with slot.mutex:
                if ticket.done:
                    ticket.wake = None
                    break
                if slot.committing:
                    woken = loop.create_future()
                    ticket.wake = functools.partial(loop.call_soon_threadsafe, _resolve, woken)
                else:
                    slot.committing = True
                    batch, slot.pending = slot.pending, []
                    slot.inflight = batch[-1] if batch else None
            if woken is not None:
                await woken
            else:
                await anyio.to_thread.run_sync(self._commit, org, slot, batch)
        if ticket.error is not None:
            raise _not_recorded(ticket.error)

    def _acquire(self, org: str, slot: _OrgSlot) -> None:
        """Take the cross-process lock (two processes serving one database take turns)."""
        if self.store.dialect == "postgresql":
            key = int.from_bytes(hashlib.sha256(org.encode()).digest()[:8], "big", signed=True)
            connection = self.store.engine.connect()
            try:
                connection.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": key})
                connection.commit()
            except BaseException:
                connection.close()
                raise
            slot.release = lambda: _pg_unlock(connection, key)
        elif self._lockfile is not None:
            handle = self._lockfile.open("a")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX)
            except BaseException:
                handle.close()
                raise
            slot.release = lambda: _flock_unlock(handle)
        else:
            slot.release = None
        slot.held = True

    @staticmethod
    def _release(slot: _OrgSlot) -> None:
        """Give the cross-process lock back (the caller holds ``slot.lock``)."""
        if not slot.held:
            return
        release, slot.release, slot.held = slot.release, None, False
        if release is not None:
            release()

    def _wait(self, org: str, slot: _OrgSlot, ticket: _Ticket) -> None:
        """Until ``ticket`` is committed: one waiter at a time becomes the committer and appends
        every record decided so far in one transaction (one durable commit for many requests)."""
        while True:
            with slot.mutex:
                while slot.committing and not ticket.done:
                    slot.idle.wait()
                if ticket.done:
                    break
                slot.committing = True
                batch, slot.pending = slot.pending, []
                slot.inflight = batch[-1] if batch else None
            self._commit(org, slot, batch)
        if ticket.error is not None:
            raise _not_recorded(ticket.error)

    def _commit(self, org: str, slot: _OrgSlot, batch: list[_Ticket]) -> None:
        """Append the batch in one transaction.  If that fails, every request decided so far
        is committed request by request (:meth:`_commit_each`) while new decisions wait, so that
        one record the database refuses fails its own request, not the hundreds decided beside
        it; the view is then rebuilt from the store by the next request."""
        try:
            records = [r for t in batch for r in t.records]
            flat = [s.seq for s in self.store.append_many(org, records)] if records else []
        except Exception as exc:
            self._commit_apart(org, slot, batch, _describe(exc))
            return
        with slot.lock:
            with slot.mutex:
                for ticket in batch:
                    n = len(ticket.seqs)
                    if flat[:n] != ticket.seqs:
                        self._views.pop(org, None)  # another writer appended without the lock
                    ticket.seqs[:], flat = flat[:n], flat[n:]
                    ticket.done = True
                idle = self._settled(slot, batch)
            if idle:
                self._linger(slot)

    def _commit_apart(self, org: str, slot: _OrgSlot, batch: list[_Ticket], error: str) -> None:
        """The batch failed as a whole: under the decision lock (no request decides meanwhile on
        the view that holds the failed records), commit it and every request queued after it
        one request at a time, then answer each and forget the view."""
        with slot.lock:
            with slot.mutex:
                tickets, slot.pending = batch + slot.pending, []
            known = {id(batch[0]): error} if len(batch) == 1 else {}
            stored, errors = self._commit_each(org, tickets, known)
            with slot.mutex:
                self._views.pop(org, None)
                for ticket, seqs, failure in zip(tickets, stored, errors, strict=True):
                    if failure is None:
                        ticket.seqs[:] = seqs
                    ticket.error = failure
                    ticket.done = True
                self._settled(slot, tickets)
            # as after any failure: give the cross-process lock back (nothing is pending)
            self._release(slot)

    @staticmethod
    def _settled(slot: _OrgSlot, batch: list[_Ticket]) -> bool:
        """End a commit (the caller holds ``slot.mutex``): wake the batch's requests (answered)
        and one waiting request to commit the next batch; the rest sleep on until their own
        batch is committed (waking all of them after every commit cost a loop turn and a new
        future each).  True if nothing is pending."""
        slot.committing = False
        slot.inflight = None
        slot.idle.notify_all()
        successor = next((t for t in slot.pending if t.wake is not None), None)
        for ticket in (*batch, *([successor] if successor else [])):
            if ticket.wake is not None:
                ticket.wake()
        return not slot.pending

    def _commit_each(
        self, org: str, tickets: list[_Ticket], known: dict[int, str]
    ) -> tuple[list[list[int]], list[str | None]]:
        """``tickets`` committed one request at a time, in order (``known``: failures already
        known, by ``id(ticket)``).  A request fails if its own records fail, or if it may rest
        on records of an earlier request that failed (:class:`_Taint`)."""
        stored: list[list[int]] = []
        errors: list[str | None] = []
        tainted = _Taint()
        for ticket in tickets:
            failure = known.get(id(ticket))
            if failure is None and tainted.touches(ticket):
                failure = "it was decided on a record that failed to commit"
            elif failure is None:
                try:
                    seqs = [s.seq for s in self.store.append_many(org, ticket.records)]
                except Exception as exc:
                    failure = _describe(exc)
            if failure is None:
                stored.append(seqs)
            else:
                stored.append([])
                tainted.add(ticket)
            errors.append(failure)
        return stored, errors

    def _fresh(self, org: str) -> OrgView:
        """The cached view, brought up to the store's head (another process may have appended)."""
        size = self.store.tree_head(org).size
        if size == 0:
            raise not_found("organisation", org)
        view = self._views.get(org)
        with collector_paused():  # reading and rebuilding a log (charter.store.bulk)
            if view is None or view.size > size:
                view = build_view(org, self.store.records(org))
            elif view.size < size:
                tail = self.store.records(org, after=view.size)
                view = build_view(org, view.records + tail)
        self._views[org] = view
        return view

    def view(self, org: str) -> OrgView:
        """A consistent snapshot for reads (taken under the organisation's lock), once every
        record decided before it is durable: a read never shows what a crash could still undo."""
        slot = self.slot(org)
        with self.locked(org) as view, slot.mutex:
            last = slot.pending[-1] if slot.pending else slot.inflight
        if last is not None:
            self._wait(org, slot, last)
        return view

    def record(
        self,
        view: OrgView,
        records: list[dict[str, Any]],
        *,
        case: Case | None = None,
        timeline: Timeline | None = None,
    ) -> list[int]:
        """Take ``records`` into the view now and queue them for the organisation's next
        commit; the request waits for that commit when it leaves :meth:`locked`.  The list
        returned is filled with the stored sequence numbers by the commit (they are the ones
        predicted here unless another writer appended without taking the lock).

        Each record is encoded as the store will encode it *before* anything is queued: a record
        the commit would refuse (NaN, an infinity, a lone surrogate...) is a 422 for this
        request alone, never a failure of the batch it would have joined."""
        if case is None and any(r.get("type") != SERVICE for r in records):
            raise AssertionError("journal events are appended with the case they make")
        for record in records:
            try:
                canonical_event(record)
            except NotCanonicalizable as error:
                raise Refused(422, "not-recordable", f"this cannot be recorded: {error}") from error
        tickets: list[_Ticket] | None = getattr(self._local, "tickets", None)
        if tickets is None:
            raise AssertionError("records are decided under CommitPipeline.locked")
        seqs = list(range(view.size + 1, view.size + 1 + len(records)))
        ticket = _Ticket(records=list(records), seqs=seqs)
        slot = self.slot(view.org)
        with slot.mutex:
            slot.pending.append(ticket)
        tickets.append(ticket)
        view.apply(records, case, timeline)
        return seqs
