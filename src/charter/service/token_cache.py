"""API tokens resolved once and kept, with a bound on how stale a kept answer can be.

A script, or a board voting at once, sends a burst of requests with the same few tokens; looking
each token, its account and its roles up in the database every time, or again whenever a short
TTL runs out (50 look-ups in worker threads in the middle of a burst), costs more than deciding
the vote.  So the cache is *vouched for* instead: the database keeps a version stamp that triggers
bump on any change to accounts, roles or tokens, by any process (migration s0002), and a
refresher reads that one number every ``ttl / 2`` seconds.  While it is unchanged every kept
token still resolves the same way; when it changes the cache is emptied.

The bound: an entry is used only while it was looked up, or last vouched for, within ``ttl``
seconds.  A refresher that stalls (or never runs, as under a test client without its lifespan)
makes the cache fall back to a look-up per token per ``ttl``, never to a stale answer.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

import anyio
import anyio.to_thread

from charter.service.accounts import Account

MAX_ENTRIES = 10_000


class TokenCache:
    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._found: dict[str, tuple[float, Account]] = {}
        self._lock = threading.Lock()
        self._version: int | None = None
        self._vouched_at = -math.inf
        self._cleared_at = time.monotonic()

    def get(self, token: str) -> Account | None:
        hit = self._found.get(token)
        if hit is None or time.monotonic() - max(hit[0], self._vouched_at) > self.ttl:
            return None
        return hit[1]

    def put(self, token: str, account: Account, looked_up_at: float) -> None:
        """Keep ``account`` for ``token``, looked up from ``looked_up_at`` (``time.monotonic``):
        not if a change was seen since, as the look-up may have read what it replaced."""
        with self._lock:
            if looked_up_at < self._cleared_at:
                return
            if len(self._found) >= MAX_ENTRIES:
                self._found.clear()
            self._found[token] = (looked_up_at, account)

    def vouch(self, version: int, read_at: float) -> None:
        """The stamp read from ``read_at``: the same as last time vouches for every entry up to
        then; a new one (or the first) empties the cache."""
        with self._lock:
            if version == self._version:
                self._vouched_at = max(self._vouched_at, read_at)
                return
            self._version = version
            self._found.clear()
            self._cleared_at = time.monotonic()

    def clear(self) -> None:
        """A change made through this process: forget everything at once."""
        with self._lock:
            self._found.clear()
            self._cleared_at = time.monotonic()


async def keep_vouching(cache: TokenCache, read_version: Callable[[], int]) -> None:
    """Read the version stamp every ``ttl / 2`` seconds (in a worker thread) until cancelled.
    A failed read vouches for nothing: the entries then age out on their own."""
    while True:
        read_at = time.monotonic()
        try:
            version = await anyio.to_thread.run_sync(read_version)
        except Exception:  # the database is unreachable for now: vouch for nothing
            pass
        else:
            cache.vouch(version, read_at)
        await anyio.sleep(cache.ttl / 2)
