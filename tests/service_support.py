"""Scenario helpers for the service tests: a small inline case, a clock the test moves, one
HTTP client per account (each with its own API token)."""

from __future__ import annotations

import datetime as dt
import re
import socketserver
import threading
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
        # a meeting held as noticed with everyone present needs no confirmation: anything less
        # is recorded only when confirmed (as the opening of a defective meeting is)
        whole = notice and set(present) == set(DIRECTORS)
        opened = self.post(
            "sec",
            f"/api/orgs/{org}/meetings/m1/open",
            {"present": list(present), "confirm": not whole},
        )
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
    charter: str = CHARTER,
    extra_directors: tuple[str, ...] = (),
    hot_votes: bool = True,
    telemetry: bool = False,
) -> Portal:
    case_dir = write_case(tmp_path / "acme", charter)
    case, diagnostics = load_case(case_dir)
    assert case is not None, diagnostics
    url = db or f"sqlite:///{tmp_path / 'portal.db'}"
    store = EventStore.open(url)
    acme, globex = f"{org_prefix}acme", f"{org_prefix}globex"
    import_case(store, case, acme)
    import_case(store, case, globex)
    clock = Clock()
    config = ServiceConfig(
        db=url,
        smtp=smtp,
        clock=clock,
        password_hasher=FAST_ARGON2,
        hot_votes=hot_votes,
        telemetry=telemetry,
    )
    app = create_app(config, store=store)
    portal = Portal(app=app, store=store, clock=clock)
    for person in (*DIRECTORS, "frank", *extra_directors):
        portal.add(person, acme, "director", person, email=f"{person}@acme.test")
    portal.add("sec", acme, "secretary")
    portal.add("obs", acme, "observer")
    portal.add("adm", acme, "admin")
    portal.add("gil", globex, "director", "ana")
    portal.add("gsec", globex, "secretary")
    return portal


def form_login(client: TestClient, username: str, password: str, totp: str | None = None) -> Any:
    """Log in through the HTML form as a browser does: the page first (its log-in token, in a
    hidden field and a cookie), then the POST; the 303 is not followed."""
    page = client.get("/")
    token = re.search(r'name="login_csrf" value="([^"]+)"', page.text)
    assert token is not None, "the log-in page carries no log-in token"
    data = {"username": username, "password": password, "login_csrf": token.group(1)}
    if totp is not None:
        data["totp"] = totp
    return client.post("/login", data=data, follow_redirects=False)


class SmtpSink:
    """A local SMTP server that accepts every message and keeps it (stdlib only): enough of
    RFC 5321 for smtplib's EHLO, MAIL, RCPT, DATA, NOOP and QUIT."""

    def __init__(self, refuse: tuple[str, ...] = (), drop_after: int | None = None) -> None:
        self.messages: list[tuple[list[str], str]] = []
        self.refuse = refuse
        self.drop_after = drop_after
        """Once this many messages were accepted, drop every new connection unanswered (a
        server that went away part-way); None: serve on."""
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                rcpt: list[str] = []
                if sink.drop_after is not None and len(sink.messages) >= sink.drop_after:
                    return  # closed before the greeting: smtplib sees the server disconnect
                self.wfile.write(b"220 sink ready\r\n")
                while line := self.rfile.readline():
                    verb = line.decode().strip().split(" ")[0].upper()
                    if verb in ("EHLO", "HELO"):
                        self.wfile.write(b"250 sink\r\n")
                    elif verb == "MAIL":
                        rcpt = []
                        self.wfile.write(b"250 ok\r\n")
                    elif verb == "RCPT":
                        address = line.decode().split(":", 1)[1].strip().strip("<>")
                        if address in sink.refuse:
                            self.wfile.write(b"550 no such user\r\n")
                        else:
                            rcpt.append(address)
                            self.wfile.write(b"250 ok\r\n")
                    elif verb == "DATA":
                        self.wfile.write(b"354 go ahead\r\n")
                        data = []
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            data.append(chunk.decode())
                        sink.messages.append((rcpt, "".join(data)))
                        self.wfile.write(b"250 queued\r\n")
                    elif verb == "QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    else:
                        self.wfile.write(b"250 ok\r\n")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def board_of(n: int) -> tuple[str, list[str]]:
    """A charter with ``n`` directors (d00, d01, ...) under Robert's-rules-like defaults."""
    people = [f"d{i:02d}" for i in range(n)]
    text = CHARTER.replace("authorized_seats: 5", f"authorized_seats: {n}")
    text = text.replace(
        "  directors: [{person: ana}, {person: ben}, {person: cleo}, {person: dan}, {person: eve}]",
        "  directors: [" + ", ".join(f"{{person: {p}}}" for p in ["ana", *people[1:]]) + "]",
    )
    text = text.replace(
        "  - {id: frank, name: Frank}",
        "  - {id: frank, name: Frank}\n"
        + "\n".join(f"  - {{id: {p}, name: {p}}}" for p in people[1:]),
    )
    return text, ["ana", *people[1:]]


class ThreadedServer:
    """A real uvicorn server on a free loopback port, in a thread of this process."""

    def __init__(self, app: Any, **options: Any) -> None:
        import socket

        import uvicorn

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", **options
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            threading.Event().wait(0.02)
        self.url = f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def postgres_url() -> str | None:
    """A URL on a fresh schema of the local PostgreSQL test database, or None if unreachable."""
    import secrets

    import sqlalchemy as sa

    base = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    schema = f"charter_t_{secrets.token_hex(4)}"
    try:
        engine = sa.create_engine(base, connect_args={"connect_timeout": 3})
        with engine.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        engine.dispose()
    except Exception:  # any failure to reach the server means: skip
        return None
    return f"{base}?options=-csearch_path%3D{schema}"


def drop_schema(url: str) -> None:
    import sqlalchemy as sa

    schema = url.rsplit("%3D", 1)[1]
    engine = sa.create_engine(url.split("?")[0])
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    engine.dispose()
