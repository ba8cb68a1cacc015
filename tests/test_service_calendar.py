"""Meetings as iCalendar invitations (issue 15, "Calendar"): served as text/calendar, attached
to every e-mail notice, offered on the Portal; RFC 5545 as a parser reads it back."""

from __future__ import annotations

import datetime as dt
import email
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from charter.service.calendar import DURATION, meeting_invitation
from charter.service.mail import SmtpConfig
from service_support import CHARTER, Portal, SmtpSink, make_portal


@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles", "Europe/Paris", "Asia/Kolkata"])
def test_invitation__parses_back_at_the_same_instant_in_the_zone(zone: str) -> None:
    start = dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)  # near a DST change in Europe
    raw = meeting_invitation(
        org="acme",
        org_title="Acme Foundation",
        meeting="m1",
        kind="special",
        start=start,
        timezone=zone,
        purpose="remove the CEO",
        called_by=["Ana", "Ben"],
        remote=True,
        stamp=start,
    )
    calendar = Calendar.from_ical(raw)
    (event,) = calendar.walk("VEVENT")
    begins = event.decoded("dtstart")
    assert begins == start
    assert str(begins.tzinfo) in (zone, "UTC")
    assert event.decoded("duration") == DURATION
    assert "remove the CEO" in str(event.get("description"))
    assert str(event.get("uid")) == "m1@acme.charter"
    if zone != "UTC":
        assert [str(tz.get("tzid")) for tz in calendar.walk("VTIMEZONE")] == [zone]


def test_api__serves_the_meeting_as_text_calendar(tmp_path: Path) -> None:
    charter = CHARTER.replace("timezone: UTC", "timezone: America/Los_Angeles")
    portal = make_portal(tmp_path, charter=charter)
    called = portal.post(
        "ana",
        "/api/orgs/acme/meetings",
        {"meeting": "m9", "purpose": "appoint a CFO", "at": "2026-02-10T09:00:00-08:00"},
    )
    assert called.status_code == 201, called.json()
    r = portal.as_("obs").get("/api/orgs/acme/meetings/m9.ics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(r.content).walk("VEVENT")
    assert event.decoded("dtstart") == dt.datetime(
        2026, 2, 10, 9, tzinfo=ZoneInfo("America/Los_Angeles")
    )
    assert portal.as_("obs").get("/api/orgs/acme/meetings/nope.ics").status_code == 404
    assert portal.as_("gil").get("/api/orgs/acme/meetings/m9.ics").status_code == 403
    untimed = portal.post("ana", "/api/orgs/acme/meetings", {"meeting": "m10", "purpose": "x"})
    assert untimed.status_code == 201
    assert portal.as_("obs").get("/api/orgs/acme/meetings/m10.ics").status_code == 409


def test_email_notices__carry_the_invitation(tmp_path: Path) -> None:
    sink = SmtpSink()
    try:
        portal: Portal = make_portal(
            tmp_path, smtp=SmtpConfig(host="127.0.0.1", port=sink.port, sender="sec@acme.test")
        )
        portal.post(
            "ana",
            "/api/orgs/acme/meetings",
            {"meeting": "m9", "purpose": "appoint a CFO", "at": "2026-02-10T17:00:00Z"},
        )
        sent = portal.post("sec", "/api/orgs/acme/meetings/m9/notices", {"channel": "email"})
        assert sent.status_code == 201, sent.json()
    finally:
        sink.close()
    assert sink.messages
    for _, raw in sink.messages:
        message = email.message_from_string(raw)
        parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        assert len(parts) == 1
        (event,) = Calendar.from_ical(parts[0].get_payload(decode=True)).walk("VEVENT")
        assert str(event.get("uid")) == "m9@acme.charter"
