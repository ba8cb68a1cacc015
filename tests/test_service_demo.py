"""`charter serve --demo`: the bundled case served with an account per person of the case; a new
user logs in as a director, calls and notices a meeting, opens it, votes and sees the verdicts."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from charter.cli.casebook_cmd import bundled_casebook
from charter.cli.demo_cmd import bundled_case_dir
from charter.load.casebook import casebook_cases
from charter.service.accounts import Accounts
from charter.service.demo import DEMO_ORG, setup_demo
from charter.store.db import EventStore
from service_support import FAST_ARGON2

CHARTER_BIN = Path(sys.executable).with_name("charter")


def test_setup_demo__an_account_per_person_observer_secretary_admin(tmp_path: Path) -> None:
    store = EventStore.open(str(tmp_path / "demo.db"))
    accounts = Accounts(store.engine, FAST_ARGON2)
    accounts.migrate()
    casebook = casebook_cases(bundled_casebook())
    made = setup_demo(store, accounts, bundled_case_dir(), casebook)
    by_name = {a.username: a for a in made}
    assert by_name["taylor"].role == "director"
    assert by_name["taylor"].seated
    assert not by_name["sutskever"].seated  # left the board on 29 November 2023
    assert by_name["microsoft"].role == "observer"
    assert (by_name["secretary"].role, by_name["admin"].role) == ("secretary", "admin")
    assert all(a.password for a in made)
    again = setup_demo(
        store, accounts, bundled_case_dir(), casebook
    )  # a second start keeps the log
    assert all(a.password is None for a in again)
    assert sorted(store.orgs()) == sorted([DEMO_ORG, *(f"casebook-{p.name}" for p in casebook)])
    assert "casebook-fogel" in store.orgs()
    taylor = accounts.by_username("taylor")
    assert taylor is not None
    assert taylor.roles("casebook-fogel") == {"observer"}
    store.close()


@pytest.mark.slow
def test_serve_demo__log_in_as_a_director_and_vote(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(CHARTER_BIN), "serve", "--demo", "--port", str(port), "--db", str(tmp_path / "d.db")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        lines = []
        for line in server.stdout:
            lines.append(line)
            if "serving on" in line:
                break
        passwords = dict(re.findall(r"│ (\S+)\s+│ \S+\s+│[^│]*│ (\S+)\s+│", "".join(lines)))
        assert set(passwords) >= {"taylor", "summers", "microsoft", "secretary", "admin"}
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(base + "/", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        with httpx.Client(base_url=base, timeout=30) as taylor:
            login = taylor.post(
                "/api/login", json={"username": "taylor", "password": passwords["taylor"]}
            )
            assert login.status_code == 200, login.text
            assert login.json()["account"]["must_change_password"] is True
            taylor.headers["X-CSRF-Token"] = login.json()["csrf_token"]
            org = "/api/orgs/openai-2023"
            blocked = taylor.get(f"{org}/acts")
            assert (blocked.status_code, blocked.json()["error"]["code"]) == (
                403,
                "change-password",
            )
            own = {"old": passwords["taylor"], "new": "taylor's own passphrase"}
            assert taylor.post("/api/me/password", json=own).status_code == 200
            login = taylor.post("/api/login", json={"username": "taylor", "password": own["new"]})
            assert login.json()["account"]["must_change_password"] is False
            taylor.headers["X-CSRF-Token"] = login.json()["csrf_token"]
            assert taylor.post(f"{org}/meetings", json={"meeting": "b1"}).status_code == 201
            notices = taylor.post(f"{org}/meetings/b1/notices", json={"channel": "phone"})
            assert notices.status_code == 201
            alone = taylor.post(f"{org}/meetings/b1/open", json={})
            assert alone.status_code == 409  # no quorum: opened only when confirmed
            assert alone.json()["warnings"][0]["rule"] == "quorum"
            opened = taylor.post(f"{org}/meetings/b1/open", json={"confirm": True})
            assert opened.status_code == 201
            body = {
                "id": "cfo",
                "act": "appoint-officer",
                "subject": {"person": "murati", "office": "cfo"},
            }
            assert taylor.post(f"{org}/meetings/b1/motions", json=body).status_code == 201
            warned = taylor.post(f"{org}/motions/cfo/votes", json={"vote": "for"})
            assert warned.status_code == 409
            assert warned.json()["warnings"][0]["detail"] == (
                "quorum not met: required 6 of 10 authorized seats, present 1 (5 short)"
            )
            acts = taylor.get(f"{org}/acts").json()["acts"]
            assert acts[0]["id"] == "remove-altman-ceo"
            assert acts[0]["status"] == "conditional"
        page = httpx.get(base + "/", timeout=5)
        assert 'method="post" action="/login">' in page.text
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_demo_org__the_money_page_reads_the_waterfall_kept_in_the_log(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from charter.service.app import ServiceConfig, create_app

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    store = EventStore.open(url)
    app = create_app(ServiceConfig(db=url, password_hasher=FAST_ARGON2), store=store)
    made = {a.username: a for a in setup_demo(store, app.state.accounts, bundled_case_dir())}
    client = TestClient(app, headers={"Accept": "text/html"})
    login = {"username": "taylor", "password": made["taylor"].password}
    csrf = client.post("/api/login", json=login).json()["csrf_token"]
    # a one-time password: every page leads to the Account page until it is changed
    first = client.get(f"/orgs/{DEMO_ORG}/money", follow_redirects=False)
    assert (first.status_code, first.headers["location"]) == (303, "/account")
    change = {"old": made["taylor"].password, "new": "taylor's own passphrase"}
    assert client.post("/api/me/password", json=change, headers={"X-CSRF-Token": csrf}).is_success
    login["password"] = change["new"]
    assert client.post("/api/login", json=login).status_code == 200
    page = client.get(f"/orgs/{DEMO_ORG}/money", params={"amount": "13B"})
    assert page.status_code == 200, page.text
    assert "Microsoft" in page.text
    assert "9,750,000,000" in page.text  # 75% of 13B goes to Microsoft in tier 2
    store.close()


def _casebook_demo(tmp_path: Path, username: str) -> tuple[Any, EventStore]:
    """The demo service with the casebook, and a client logged in as ``username`` (its
    one-time password changed, as every first log-in must)."""
    from fastapi.testclient import TestClient

    from charter.service.app import ServiceConfig, create_app

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    store = EventStore.open(url)
    root = bundled_casebook()
    config = ServiceConfig(db=url, password_hasher=FAST_ARGON2, casebook=str(root))
    app = create_app(config, store=store)
    made = {
        a.username: a
        for a in setup_demo(store, app.state.accounts, bundled_case_dir(), casebook_cases(root))
    }
    client = TestClient(app, headers={"Accept": "text/html"})
    assert client.get("/casebook", follow_redirects=False).status_code in (303, 401)
    login = {"username": username, "password": made[username].password}
    csrf = client.post("/api/login", json=login).json()["csrf_token"]
    change = {"old": made[username].password, "new": f"{username}'s own passphrase"}
    assert client.post("/api/me/password", json=change, headers={"X-CSRF-Token": csrf}).is_success
    login["password"] = change["new"]
    assert client.post("/api/login", json=login).status_code == 200
    return client, store


def test_demo__the_timeline_page_opens_a_casebook_case(tmp_path: Path) -> None:
    client, store = _casebook_demo(tmp_path, "microsoft")
    orgs = client.get("/orgs")
    assert "casebook-klaassen" in orgs.text
    page = client.get("/orgs/casebook-fogel/timeline")
    assert page.status_code == 200, page.text
    assert "fire-fogel" in page.text
    assert "void" in page.text
    store.close()


def test_demo__the_casebook_page_sets_each_holding_beside_the_verdict(tmp_path: Path) -> None:
    client, store = _casebook_demo(tmp_path, "admin")
    assert "/casebook" in client.get("/orgs").text
    page = client.get("/casebook")
    assert page.status_code == 200, page.text
    assert "Fogel v. U.S. Energy Systems, Inc." in page.text
    assert "/orgs/casebook-fogel/timeline?act=fire-fogel#act-fire-fogel" in page.text
    assert re.search(r"<strong>\d+ of \d+</strong>\s+holdings agree", page.text)
    timeline = client.get("/orgs/casebook-fogel/timeline", params={"act": "fire-fogel"})
    assert timeline.status_code == 200
    store.close()
