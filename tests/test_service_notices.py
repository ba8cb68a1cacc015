"""Notices by email: delivered through SMTP (a local sink here), recorded per director."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from pathlib import Path

import pytest

from charter.service.mail import SmtpConfig
from service_support import DIRECTORS, Portal, SmtpSink, make_portal


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    server = SmtpSink(refuse=("eve@acme.test",))
    yield server
    server.close()


def test_notices__sent_by_smtp_and_recorded_per_director(tmp_path: Path, sink: SmtpSink) -> None:
    portal = make_portal(tmp_path, smtp=SmtpConfig(host="127.0.0.1", port=sink.port))
    portal.post("ana", "/api/orgs/acme/meetings", {"meeting": "m1", "purpose": "the CEO"})
    sent = portal.post("ana", "/api/orgs/acme/meetings/m1/notices")
    assert sent.status_code == 201, sent.json()
    deliveries = {d["person"]: d["status"] for d in sent.json()["deliveries"]}
    assert deliveries == {
        "ana": "sent",
        "ben": "sent",
        "cleo": "sent",
        "dan": "sent",
        "eve": "failed",
    }
    assert sorted(r[0][0] for r in sink.messages) == [f"{p}@acme.test" for p in DIRECTORS[:-1]]
    assert "Subject: [acme] notice of a special meeting: m1" in sink.messages[0][1]
    assert "Purpose: the CEO" in sink.messages[0][1]
    journal = portal.as_("obs").get("/api/orgs/acme/journal").text
    assert journal.count("kind: notice") == 4  # eve's notice did not reach her: not given
    assert "note: accepted by SMTP 127.0.0.1" in journal
    pending = portal.as_("obs").get("/api/orgs/acme/pending").json()
    failed = [n for n in pending["meetings"][0]["notices"] if n.get("status") == "failed"]
    assert [n["person"] for n in failed] == ["eve"]
    assert failed[0]["detail"] == (
        "SMTP delivery to eve@acme.test failed: {'eve@acme.test': (550, b'no such user')}"
    )


def test_notices__without_smtp_are_recorded_as_not_sent(tmp_path: Path) -> None:
    portal = make_portal(tmp_path)
    portal.post("ana", "/api/orgs/acme/meetings", {"meeting": "m1"})
    sent = portal.post("ana", "/api/orgs/acme/meetings/m1/notices")
    assert {d["status"] for d in sent.json()["deliveries"]} == {"not-sent"}
    assert sent.json()["deliveries"][0]["detail"] == (
        "not sent: no SMTP server configured (--smtp-host)"
    )
    assert "kind: notice" not in portal.as_("obs").get("/api/orgs/acme/journal").text


def test_notices__an_unnoticed_director_makes_the_meeting_void(
    tmp_path: Path, sink: SmtpSink
) -> None:
    portal: Portal = make_portal(tmp_path, smtp=SmtpConfig(host="127.0.0.1", port=sink.port))
    portal.post("ana", "/api/orgs/acme/meetings", {"meeting": "m1"})
    portal.post("ana", "/api/orgs/acme/meetings/m1/notices")
    portal.clock.advance(hours=25)
    present = ["ana", "ben", "cleo"]
    # opening it is itself recorded only when confirmed: every act there would be void
    refused = portal.post("sec", "/api/orgs/acme/meetings/m1/open", {"present": present})
    assert refused.status_code == 409
    assert "eve (no notice recorded, absent)" in refused.json()["warnings"][0]["detail"]
    opened = portal.post(
        "sec", "/api/orgs/acme/meetings/m1/open", {"present": present, "confirm": True}
    )
    assert opened.status_code == 201
    portal.motion()
    warned = portal.post("ana", "/api/orgs/acme/motions/mo1/votes", {"vote": "for"})
    assert warned.status_code == 409
    detail = warned.json()["warnings"][0]["detail"]
    assert "not given and not waived for 1: eve (no notice recorded, absent)" in detail
    # once eve attends without objecting, her notice is waived and the motion stands
    assert portal.post("eve", "/api/orgs/acme/meetings/m1/join").status_code == 201
    assert (
        portal.post("ana", "/api/orgs/acme/motions/mo1/votes", {"vote": "for"}).status_code == 201
    )


def test_notices__after_the_meeting_opened_is_409(tmp_path: Path) -> None:
    portal = make_portal(tmp_path)
    portal.meeting()
    late = portal.post("sec", "/api/orgs/acme/meetings/m1/notices", {"channel": "phone"})
    assert late.status_code == 409
    assert late.json()["error"]["message"] == "meeting 'm1' is already open"


def test_notices__carry_the_agenda_its_papers_and_the_time_as_people_write_it(
    tmp_path: Path, sink: SmtpSink
) -> None:
    portal = make_portal(tmp_path, smtp=SmtpConfig(host="127.0.0.1", port=sink.port))
    pack = portal.as_("sec").post(
        "/api/orgs/acme/documents?name=pack.pdf", content=b"%PDF-1.4\n%%EOF\n"
    )
    sha = pack.json()["sha256"]
    body = {
        "meeting": "m1",
        "purpose": "the CEO",
        "at": "2026-02-10T15:30:00+00:00",
        "place": "https://video.example/m1",
        "agenda": [{"title": "Minutes"}, {"title": "The CEO", "documents": [{"sha256": sha}]}],
    }
    assert portal.post("ana", "/api/orgs/acme/meetings", body).status_code == 201
    sent = portal.post("ana", "/api/orgs/acme/meetings/m1/notices", {"to": list(DIRECTORS[:-1])})
    assert sent.status_code == 409  # eve left out: confirmed only
    sent = portal.post("ana", "/api/orgs/acme/meetings/m1/notices")
    assert sent.status_code == 201, sent.json()
    raw = next(m for to, m in sink.messages if to == ["ben@acme.test"])
    message = email.message_from_string(raw, policy=email.policy.default)
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    text = part.get_content()
    assert "Dear Ben," in text
    assert "called by Ana for 2026-02-10 15:30 UTC." in text
    assert "Place or call link: https://video.example/m1" in text
    assert "1. Minutes" in text
    assert "2. The CEO" in text
    assert f"paper: pack.pdf (SHA-256 {sha})" in text
