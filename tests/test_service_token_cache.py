"""The API-token cache: kept answers are vouched for by the database's version stamp, never
older than the TTL, and a change made by any process (here: hand-made SQL) is seen in time."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from charter.service.accounts import Accounts
from charter.service.token_cache import TokenCache
from service_support import make_portal


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(time, "monotonic", fake)
    return fake


ACCOUNT: Any = object()  # the cache keeps whatever it is given


def test_an_entry_ages_out_after_the_ttl_unless_vouched_for(clock: FakeClock) -> None:
    cache = TokenCache(ttl=1.0)
    cache.put("t", ACCOUNT, clock.now)
    assert cache.get("t") is ACCOUNT
    clock.now += 1.5
    assert cache.get("t") is None  # nobody vouched: looked up too long ago

    cache.vouch(7, clock.now)  # the first stamp seen empties the cache
    assert cache.get("t") is None
    cache.put("t", ACCOUNT, clock.now)
    for _ in range(5):  # the same stamp, read every half TTL, keeps it
        clock.now += 0.5
        cache.vouch(7, clock.now)
        assert cache.get("t") is ACCOUNT
    clock.now += 1.2  # the refresher stalled: the entry ages out again
    assert cache.get("t") is None


def test_a_new_stamp_empties_it_and_a_lookup_from_before_is_not_kept(clock: FakeClock) -> None:
    cache = TokenCache(ttl=1.0)
    cache.vouch(1, clock.now)
    started = clock.now
    cache.put("t", ACCOUNT, started)
    clock.now += 0.1
    cache.vouch(2, clock.now)  # something changed
    assert cache.get("t") is None
    cache.put("u", ACCOUNT, started)  # a look-up begun before the change was seen
    assert cache.get("u") is None
    cache.put("u", ACCOUNT, clock.now)
    assert cache.get("u") is ACCOUNT
    cache.clear()  # a change made through this process
    assert cache.get("u") is None


def test_any_change_to_accounts_roles_or_tokens_bumps_the_stamp(db_url: str) -> None:
    engine = sa.create_engine(db_url)
    accounts = Accounts(engine)
    accounts.migrate()
    seen = [accounts.auth_version()]

    def bumped() -> bool:
        seen.append(accounts.auth_version())
        return seen[-1] != seen[-2]

    account, _ = accounts.create("ana", "a-long-enough-password")
    assert bumped()
    accounts.grant("ana", "acme", "director", "ana")
    assert bumped()
    accounts.issue_token(account.id, "script")
    assert bumped()
    assert not bumped()  # reading changes nothing
    with engine.begin() as connection:  # revoked by hand, as another process might
        connection.execute(sa.text("DELETE FROM service_tokens"))
    assert bumped()
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM service_memberships"))
    assert bumped()
    engine.dispose()


def test_a_token_revoked_by_another_process_stops_working_within_the_ttl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    portal = make_portal(tmp_path)
    accounts = portal.app.state.accounts
    cache: TokenCache = portal.app.state.tokens
    assert cache.ttl == 1.0
    lookups = 0
    by_token = accounts.by_token

    def counted(token: str) -> Any:
        nonlocal lookups
        lookups += 1
        return by_token(token)

    monkeypatch.setattr(accounts, "by_token", counted)
    headers = {"Authorization": f"Bearer {portal.tokens['ana']}"}
    with TestClient(portal.app) as client:  # runs the lifespan: the refresher vouches
        deadline, requests = time.monotonic() + 3.5, 0
        while time.monotonic() < deadline:
            assert client.get("/api/me", headers=headers).status_code == 200
            requests += 1
            time.sleep(0.05)
        # three TTLs of requests, looked up about once (before the first stamp): not per TTL,
        # let alone per request
        assert requests > 20
        assert lookups <= 2
        with portal.store.engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM service_tokens"))
        revoked = time.monotonic()
        while client.get("/api/me", headers=headers).status_code == 200:
            assert time.monotonic() - revoked < cache.ttl + 0.5
            time.sleep(0.02)
        assert client.get("/api/me", headers=headers).json()["error"]["status"] == 401
