"""Scenario helpers for the service tests: a small inline case, a clock the test moves, one
HTTP client per account (each with its own API token)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from charter.load.case import load_case
from charter.service.app import ServiceConfig, create_app
from charter.service.mail import SmtpConfig
from charter.store.db import EventStore
from charter.store.journal_io import import_case

CHARTER = """\
charter: acme
title: Acme Foundation
timezone: UTC
bylaws: delaware-nonstock
entities:
  - {id: acme, name: Acme Foundation, kind: nonprofit}
people:
  - {id: ana, name: Ana}
  - {id: ben, name: Ben}
  - {id: cleo, name: Cleo}
  - {id: dan, name: Dan}
  - {id: eve, name: Eve}
  - {id: frank, name: Frank}
board:
  entity: acme
  authorized_seats: 5
  directors: [{person: ana}, {person: ben}, {person: cleo}, {person: dan}, {person: eve}]
  chair: ana
offices:
  - {office: ceo, holder: frank}
journal: [journal.yaml]
"""
JOURNAL = """\
journal: acme
events:
  - at: 2026-01-05T10:00:00Z
    kind: announcement
    by: acme
    text: the board portal opens
"""
DIRECTORS = ("ana", "ben", "cleo", "dan", "eve")
FAST_ARGON2 = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # still argon2id
START = dt.datetime(2026, 2, 2, 9, 0, tzinfo=dt.UTC)


def write_case(root: Path, charter: str = CHARTER, journal: str = JOURNAL) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "charter.yaml").write_text(charter, encoding="utf-8")
    (root / "journal.yaml").write_text(journal, encoding="utf-8")
    return root


@dataclass
class Clock:
    now: dt.datetime = START

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@dataclass
class Portal:
    """A running app over a fresh store with the ``acme`` case, and a ``globex`` twin."""

    app: Any
    store: EventStore
    clock: Clock
    tokens: dict[str, str] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)

    def as_(self, username: str) -> TestClient:
        client = TestClient(self.app, raise_server_exceptions=True)
        client.headers["Authorization"] = f"Bearer {self.tokens[username]}"
        return client

    def post(self, username: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.as_(username).post(path, json=body if body is not None else {})

    def add(
        self,
        username: str,
        org: str,
        role: str,
        person: str | None = None,
        email: str | None = None,
    ) -> None:
        accounts = self.app.state.accounts
        if accounts.by_username(username) is None:
            account, password = accounts.create(username, f"pw-{username}-0123456789", email=email)
            self.passwords[username] = password
            self.tokens[username] = accounts.issue_token(account.id, "tests")
        accounts.grant(username, org, role, person)

    # a meeting, ready to vote on: called by the chair, noticed, opened with everyone present
    def meeting(
        self, org: str = "acme", present: tuple[str, ...] = DIRECTORS, notice: bool = True
    ) -> str:
        called = self.post("ana", f"/api/orgs/{org}/meetings", {"meeting": "m1", "purpose": "ceo"})
        assert called.status_code == 201, called.json()
        if notice:
            sent = self.post("sec", f"/api/orgs/{org}/meetings/m1/notices", {"channel": "personal"})
            assert sent.status_code == 201, sent.json()
        self.clock.advance(hours=25)
        opened = self.post("sec", f"/api/orgs/{org}/meetings/m1/open", {"present": list(present)})
        assert opened.status_code == 201, opened.json()
        return "m1"

    def motion(self, org: str = "acme", ident: str = "mo1", **act: Any) -> str:
        body = {
            "id": ident,
            "act": "remove-officer",
            "subject": {"person": "frank", "office": "ceo"},
        }
        body.update(act)
        proposed = self.post("ana", f"/api/orgs/{org}/meetings/m1/motions", body)
        assert proposed.status_code == 201, proposed.json()
        return ident


def make_portal(
    tmp_path: Path,
    *,
    db: str | None = None,
    smtp: SmtpConfig | None = None,
    org_prefix: str = "",
) -> Portal:
    case_dir = write_case(tmp_path / "acme")
    case, diagnostics = load_case(case_dir)
    assert case is not None, diagnostics
    url = db or f"sqlite:///{tmp_path / 'portal.db'}"
    store = EventStore.open(url)
    acme, globex = f"{org_prefix}acme", f"{org_prefix}globex"
    import_case(store, case, acme)
    import_case(store, case, globex)
    clock = Clock()
    config = ServiceConfig(db=url, smtp=smtp, clock=clock, password_hasher=FAST_ARGON2)
    app = create_app(config, store=store)
    portal = Portal(app=app, store=store, clock=clock)
    for person in (*DIRECTORS, "frank"):
        portal.add(person, acme, "director", person, email=f"{person}@acme.test")
    portal.add("sec", acme, "secretary")
    portal.add("obs", acme, "observer")
    portal.add("adm", acme, "admin")
    portal.add("gil", globex, "director", "ana")
    portal.add("gsec", globex, "secretary")
    return portal
