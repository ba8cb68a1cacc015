"""A meeting as an iCalendar (RFC 5545) invitation: what a notice carries and what the Portal
offers for download, so that a director's calendar holds the meeting at its time in the
organisation's time zone (a VTIMEZONE is included: a calendar that does not know the zone still
places it right).

Only what the record says goes in: the time the meeting was called for, the purpose, who called
it and whether it is held remotely.  How long it lasts is not recorded; the event is given one
hour (``DURATION``), as calendars need an end."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

DURATION = dt.timedelta(hours=1)


def meeting_invitation(
    *,
    org: str,
    org_title: str,
    meeting: str,
    kind: str,
    start: dt.datetime,
    timezone: str,
    purpose: str = "",
    called_by: Sequence[str] = (),
    remote: bool | None = None,
    stamp: dt.datetime,
) -> bytes:
    """The ``.ics`` bytes of one meeting (``METHOD:PUBLISH``: an announcement to add, not a
    request whose replies anyone collects)."""
    zone = ZoneInfo(timezone)
    calendar = Calendar()
    calendar.add("prodid", "-//Charter//governance as code//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{meeting}@{org}.charter")
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("dtstart", start.astimezone(zone))
    event.add("duration", DURATION)
    event.add("summary", f"{org_title}: {kind} meeting of the board ({meeting})")
    lines = [f"{kind.capitalize()} meeting of the board of {org_title}."]
    if purpose:
        lines.append(f"Purpose: {purpose}")
    if called_by:
        lines.append(f"Called by: {', '.join(called_by)}")
    lines.append("The duration is not part of the record: one hour is shown.")
    event.add("description", "\n".join(lines))
    if remote is not None:
        event.add("location", "remote (video or telephone)" if remote else "in person")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
