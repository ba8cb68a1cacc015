"""E-mail notices survive a failing SMTP server (issue 11, item 13): each delivery is recorded
and committed as it happens, a server that goes away part-way is a clear error naming what was
sent, a retry sends only the rest, and an e-mail field holds exactly one address."""

from __future__ import annotations

import itertools
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from charter.service.accounts import AccountError
from charter.service.mail import Mailer, SmtpConfig, address_problem
from service_support import DIRECTORS, Portal, SmtpSink, make_portal

API = "/api/orgs/acme"


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    server = SmtpSink()
    yield server
    server.close()


def _portal(tmp_path: Path, port: int) -> Portal:
    portal = make_portal(tmp_path, smtp=SmtpConfig(host="127.0.0.1", port=port, timeout=5))
    called = portal.post("ana", f"{API}/meetings", {"meeting": "m1", "purpose": "the CEO"})
    assert called.status_code == 201
    return portal


def _logged(portal: Portal) -> list[dict[str, Any]]:
    return [e.event for e in portal.store.iter_events("acme")]


def _deliveries(portal: Portal) -> list[tuple[str, str]]:
    return [(r["person"], r["status"]) for r in _logged(portal) if r.get("op") == "notice-delivery"]


def _notices(portal: Portal) -> list[str]:
    return [
        r["event"]["to"][0] for r in _logged(portal) if r.get("event", {}).get("kind") == "notice"
    ]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_each_delivery_is_committed_before_the_next_is_sent(
    tmp_path: Path, sink: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    portal = _portal(tmp_path, sink.port)
    mailer: Mailer = portal.app.state.board.mailer
    real = mailer.deliver
    sizes: list[int] = []

    def watched(*args: Any, **kwargs: Any) -> Any:
        sizes.append(portal.store.tree_head("acme").size)  # what is durable at each send
        return real(*args, **kwargs)

    monkeypatch.setattr(mailer, "deliver", watched)
    sent = portal.post("ana", f"{API}/meetings/m1/notices")
    assert sent.status_code == 201, sent.json()
    # two records per notice sent (the delivery, the journal notice), durable before the next
    assert [b - a for a, b in itertools.pairwise(sizes)] == [2] * (len(DIRECTORS) - 1)
    assert len(sent.json()["recorded"]) == 2 * len(DIRECTORS)


def test_a_server_gone_part_way_is_a_clear_error_and_a_retry_sends_only_the_rest(
    tmp_path: Path,
) -> None:
    sink = SmtpSink(drop_after=2)
    try:
        portal = _portal(tmp_path, sink.port)
        failed = portal.post("ana", f"{API}/meetings/m1/notices")
        assert failed.status_code == 502, failed.json()
        error = failed.json()["error"]
        assert error["code"] == "smtp-failed"
        assert "notices sent and recorded: ana, ben; not sent: cleo, dan, eve" in error["message"]
        assert "Send the notices again to send only those not sent" in error["message"]
        assert [(d["person"], d["status"]) for d in failed.json()["deliveries"]] == [
            ("ana", "sent"),
            ("ben", "sent"),
            ("cleo", "failed"),
        ]
        # what was sent is in the log, and so is the failed attempt
        assert _deliveries(portal) == [("ana", "sent"), ("ben", "sent"), ("cleo", "failed")]
        assert _notices(portal) == ["ana", "ben"]
        sink.drop_after = None  # the server is back
        again = portal.post("ana", f"{API}/meetings/m1/notices")
        assert again.status_code == 201, again.json()
        assert [(d["person"], d["status"]) for d in again.json()["deliveries"]] == [
            ("ana", "already-sent"),
            ("ben", "already-sent"),
            ("cleo", "sent"),
            ("dan", "sent"),
            ("eve", "sent"),
        ]
        received = sorted(r[0][0] for r in sink.messages)
        assert received == [f"{p}@acme.test" for p in DIRECTORS]  # each exactly once
        assert sorted(_notices(portal)) == sorted(DIRECTORS)
        # nothing more to send: a third round sends nothing and records nothing
        before = portal.store.tree_head("acme").size
        third = portal.post("ana", f"{API}/meetings/m1/notices")
        assert third.status_code == 201
        assert {d["status"] for d in third.json()["deliveries"]} == {"already-sent"}
        assert portal.store.tree_head("acme").size == before
        assert len(sink.messages) == len(DIRECTORS)
    finally:
        sink.close()


def test_an_unreachable_server_sends_nothing_and_says_so(tmp_path: Path) -> None:
    portal = _portal(tmp_path, _free_port())
    failed = portal.post("ana", f"{API}/meetings/m1/notices")
    assert failed.status_code == 502
    message = failed.json()["error"]["message"]
    assert "notices sent and recorded: none; not sent: ana, ben, cleo, dan, eve" in message
    assert _deliveries(portal) == [("ana", "failed")]
    assert _notices(portal) == []


def test_a_refused_recipient_is_a_failed_delivery_and_the_round_goes_on(tmp_path: Path) -> None:
    sink = SmtpSink(refuse=("cleo@acme.test",))
    try:
        portal = _portal(tmp_path, sink.port)
        sent = portal.post("ana", f"{API}/meetings/m1/notices")
        assert sent.status_code == 201
        assert ("cleo", "failed") in _deliveries(portal)
        assert sorted(_notices(portal)) == ["ana", "ben", "dan", "eve"]
    finally:
        sink.close()


# -- one address per field -------------------------------------------------------------------------

BAD = [
    "a@x.test, b@y.test",
    "a@x.test;b@y.test",
    "a@x.test\r\nBcc: evil@y.test",
    "a@x.test\nb@y.test",
    "a@x.test b@y.test",
    "Ana <a@x.test>",
    "<a@x.test>",
    "a@b@x.test",
    "a@",
    "@x.test",
    "a",
    "",
    "a@x..test",
    "a@-x.test",
    "a\t@x.test",
    "a@x.test\x00",
    "a" * 65 + "@x.test",
    "a@" + "x" * 320 + ".test",
]
GOOD = ["a@x.test", "first.last+tag@mail.example.org", "o'brien@x.test", "a@localhost"]


@pytest.mark.parametrize("address", BAD)
def test_address__anything_but_one_bare_address_is_refused(address: str) -> None:
    assert address_problem(address) is not None


@pytest.mark.parametrize("address", GOOD)
def test_address__one_bare_address_is_accepted(address: str) -> None:
    assert address_problem(address) is None


@pytest.mark.parametrize("address", BAD[:8])
def test_address__an_account_with_a_list_or_header_in_its_email_is_422(
    tmp_path: Path, address: str
) -> None:
    portal = make_portal(tmp_path)
    made = portal.post(
        "adm", f"{API}/accounts", {"username": "new", "role": "observer", "email": address}
    )
    assert made.status_code == 422, made.json()
    assert "body.email" in made.json()["error"]["message"]
    assert portal.app.state.accounts.by_username("new") is None
    with pytest.raises(AccountError):
        portal.app.state.accounts.create("new", email=address)


def test_address__a_bad_address_on_file_is_not_sent_to(tmp_path: Path, sink: SmtpSink) -> None:
    portal = _portal(tmp_path, sink.port)
    accounts = portal.app.state.accounts
    from charter.service.accounts import accounts as table

    with accounts.engine.begin() as connection:  # written before addresses were checked
        connection.execute(
            table.update()
            .where(table.c.username == "ben")
            .values(email="ben@acme.test, boss@rival.test")
        )
    sent = portal.post("ana", f"{API}/meetings/m1/notices")
    assert sent.status_code == 201
    ben = next(d for d in sent.json()["deliveries"] if d["person"] == "ben")
    assert ben["status"] == "not-sent"
    assert ben["detail"] == "not sent: address on file: one e-mail address per field, not a list"
    assert all("rival" not in r for rcpt, _ in sink.messages for r in rcpt)
    assert len(sink.messages) == len(DIRECTORS) - 1


def test_address__the_smtp_sender_is_one_address_too() -> None:
    with pytest.raises(ValueError, match="one e-mail address per field"):
        SmtpConfig(host="127.0.0.1", sender="charter@x.test, spy@y.test")


def test_address__serve_refuses_a_list_as_its_sender(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from charter.cli import app

    db = tmp_path / "x.db"
    args = ["serve", "--db", str(db), "--smtp-host", "127.0.0.1", "--smtp-from", "a@x.test,b@y"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "--smtp-from 'a@x.test,b@y': one e-mail address per field" in result.output
    assert not db.exists()  # refused before anything was opened
