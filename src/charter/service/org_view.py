"""What the service keeps of one organisation between requests: its records, the case they hold,
the replayed timeline, and what is pending (meetings called, motions open, consents circulating).

Why its own module: the commit pipeline caches and rebuilds these views (it knows when they go
stale) and the board's operations read them (they know what the records mean); both import this,
neither imports the other's internals.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from charter.model.case import Case
from charter.model.journal import Motion
from charter.replay import Timeline, replay
from charter.service.errors import Refused
from charter.store.journal_io import SERVICE, case_from_records


@dataclass
class MeetingInfo:
    id: str
    type: str = "regular"
    called_by: tuple[str, ...] | None = None
    called_at: str | None = None
    scheduled_at: str | None = None
    purpose: str = ""
    remote: bool | None = None
    place: str = ""
    agenda: list[dict[str, Any]] = field(default_factory=list)
    opened: bool = False
    closed: bool = False
    present: list[str] = field(default_factory=list)
    notices: list[dict[str, Any]] = field(default_factory=list)
    motions_proposed: int = 0

    def to_json(self) -> dict[str, Any]:
        status = "closed" if self.closed else "open" if self.opened else "called"
        return {
            "id": self.id,
            "type": self.type,
            "status": status,
            "called_by": list(self.called_by) if self.called_by is not None else None,
            "called_at": self.called_at,
            "scheduled_at": self.scheduled_at,
            "purpose": self.purpose,
            "remote": self.remote,
            "place": self.place,
            "agenda": list(self.agenda),
            "present": list(self.present),
            "notices": list(self.notices),
        }


@dataclass
class MotionInfo:
    id: str
    meeting: str
    spec: dict[str, Any]
    proposed_by: str
    proposed_at: str
    votes: dict[str, str] = field(default_factory=dict)
    closed: bool = False
    template: Motion | None = field(default=None, repr=False, compare=False)
    """The journal event this motion becomes, validated once; each vote copies it with its
    own tally (see :meth:`Board._motion_event`)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "meeting": self.meeting,
            "status": "closed" if self.closed else "open",
            "proposed_by": self.proposed_by,
            "proposed_at": self.proposed_at,
            "act": self.spec,
            "votes": dict(self.votes),
        }


@dataclass
class OrgView:
    """One organisation as the service sees it: its records, the case they hold, the replayed
    timeline, and what is pending (meetings called, motions open, consents circulating)."""

    org: str
    records: list[dict[str, Any]]
    case: Case
    timeline: Timeline
    tz: dt.tzinfo
    meetings: dict[str, MeetingInfo] = field(default_factory=dict)
    motions: dict[str, MotionInfo] = field(default_factory=dict)
    consents: dict[str, list[str]] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)

    def name(self, person: str) -> str:
        """A person of the case as people read them (their name, else their id)."""
        found = next((p for p in self.case.charter.people if p.id == person), None)
        return (found.name or found.id) if found is not None else person

    @property
    def size(self) -> int:
        return len(self.records)

    def apply(
        self, records: list[dict[str, Any]], case: Case | None, timeline: Timeline | None
    ) -> None:
        """Take decided ``records`` in (before they are committed: the commit pipeline answers
        for them), with the case and timeline they make when they hold journal events."""
        self.records.extend(records)
        if case is not None and timeline is not None:
            self.case, self.timeline = case, timeline
        for record in records:
            self.fold(record)

    def fold(self, record: dict[str, Any]) -> None:
        """Fold one record into the pending state (the case itself is rebuilt separately)."""
        if record.get("type") == SERVICE:
            self._service(record)
            return
        event = record.get("event") or {}
        kind, ident = event.get("kind"), event.get("id")
        if ident:
            self.ids.add(ident)
        meeting = event.get("meeting")
        if kind == "meeting-opened" and isinstance(meeting, str):
            info = self.meetings.setdefault(meeting, MeetingInfo(id=meeting))
            info.opened = True
            info.type = event.get("type", info.type)
            present = event.get("present")
            info.present = list(present) if isinstance(present, list) else []
        elif kind == "joined" and meeting in self.meetings:
            if event["person"] not in self.meetings[meeting].present:
                self.meetings[meeting].present.append(event["person"])
        elif kind == "left" and meeting in self.meetings:
            with contextlib.suppress(ValueError):
                self.meetings[meeting].present.remove(event["person"])
        elif kind == "meeting-closed" and meeting in self.meetings:
            self.meetings[meeting].closed = True
        elif kind == "notice" and meeting in self.meetings:
            for person in event.get("to", []):
                self.meetings[meeting].notices.append(
                    {"person": person, "at": event["at"], "channel": event.get("channel")}
                )
        elif kind == "motion" and ident in self.motions:
            self.motions[ident].closed = True
        elif kind == "consent-circulated":
            self.consents[event["consent"]] = []
            self.ids.update(a["id"] for a in event.get("acts", []) if a.get("id"))
        elif kind == "consent-signed" and event.get("consent") in self.consents:
            self.consents[event["consent"]].append(event["by"])

    def _service(self, record: dict[str, Any]) -> None:
        op = record.get("op")
        if op == "meeting-called":
            self.meetings[record["meeting"]] = MeetingInfo(
                id=record["meeting"],
                type=record["meeting_type"],
                called_by=tuple(record["called_by"]),
                called_at=record["at"],
                scheduled_at=record.get("scheduled_at"),
                purpose=record.get("purpose", ""),
                remote=record.get("remote"),
                place=record.get("place", ""),
                agenda=list(record.get("agenda", [])),
            )
        elif op == "motion-proposed":
            self.motions[record["motion"]] = MotionInfo(
                id=record["motion"],
                meeting=record["meeting"],
                spec=record["act"],
                proposed_by=record["by"],
                proposed_at=record["at"],
            )
            self.ids.add(record["motion"])
            if record["meeting"] in self.meetings:
                self.meetings[record["meeting"]].motions_proposed += 1
        elif op == "vote-cast" and record.get("motion") in self.motions:
            self.motions[record["motion"]].votes[record["person"]] = record["vote"]
        elif (
            op == "notice-delivery"
            and record.get("meeting") in self.meetings
            and record.get("status") != "sent"
        ):
            self.meetings[record["meeting"]].notices.append(
                {"person": record["person"], "at": record["at"], "channel": "email"}
                | {"status": record["status"], "detail": record.get("detail", "")}
            )


def build_view(org: str, records: list[dict[str, Any]]) -> OrgView:
    case, diagnostics = case_from_records(records, origin=f"store:{org}")
    if case is None:
        raise Refused(
            500, "corrupt-log", f"{org}: the stored log does not replay: {diagnostics[0].render()}"
        )
    view = OrgView(
        org=org,
        records=records,
        case=case,
        timeline=replay(case),
        tz=ZoneInfo(case.charter.timezone),
    )
    for record in records[1:]:
        view.fold(record)
    return view
