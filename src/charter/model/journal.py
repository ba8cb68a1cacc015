"""Journal events: dated facts, in order.  Events are facts; state is derived by replay."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from charter.model.event_base import Amendment as Amendment
from charter.model.event_base import EventBase as _Event
from charter.model.event_base import Frozen as _Frozen
from charter.model.event_base import Subject as Subject
from charter.model.kinds import ActKind, Channel, Vote
from charter.model.structure_events import (
    STRUCTURAL_KINDS,
    HolderElection,
    HoldersVote,
    StructuralEvent,
)
from charter.model.unknown import Unknown

SHA256_PATTERN = r"^[0-9a-f]{64}$"


class Document(_Frozen):
    """A paper an act refers to (board-pack document, draft minutes), named by the SHA-256 of
    its bytes: the hash is part of the logged event, so the log proves which bytes were before
    the board, and the bytes are kept once however many acts refer to them."""

    sha256: str = Field(pattern=SHA256_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    media_type: str = "application/octet-stream"
    size: int | None = Field(default=None, ge=0)


class ActSpec(_Frozen):
    """What an act does, independent of how it was taken (meeting, consent).

    ``text`` is the resolution as the board is asked to adopt it (Markdown): what a director
    votes on or signs, word for word; ``documents`` are the papers it refers to."""

    id: str | None = None
    act: ActKind
    subject: Subject = Subject()
    seats: int | None = Field(default=None, ge=1)
    technology: str | None = None
    description: str = ""
    amendment: Amendment | None = None
    minutes_of: str | None = None
    """The meeting whose minutes an ``approve-minutes`` act approves."""
    text: str = ""
    documents: tuple[Document, ...] = ()


class Notice(_Event):
    kind: Literal["notice"]
    meeting: str
    to: tuple[str, ...]
    channel: Channel = Channel.UNKNOWN
    by: str | Unknown = "unknown"
    purpose_stated: bool | Unknown = "unknown"


class MeetingOpened(_Event):
    kind: Literal["meeting-opened"]
    meeting: str
    type: Literal["special", "regular", "unknown"] = "unknown"
    called_by: tuple[str, ...] | Unknown = "unknown"
    remote: bool | Unknown = "unknown"
    present: tuple[str, ...] | Unknown = "unknown"
    notices: Literal["complete", "unknown"] = "unknown"
    objections: Literal["complete", "unknown"] = "complete"
    """``complete``: every objection made at this meeting is recorded (as minutes record them);
    ``unknown``: whether those who attended objected is not known."""
    not_notified: tuple[str, ...] = ()
    purpose_withheld_from: tuple[str, ...] = ()


class MeetingClosed(_Event):
    kind: Literal["meeting-closed"]
    meeting: str


class Joined(_Event):
    kind: Literal["joined"]
    meeting: str
    person: str


class Left(_Event):
    kind: Literal["left"]
    meeting: str
    person: str


class Objection(_Event):
    kind: Literal["objection"]
    meeting: str
    person: str
    at_start: bool | Unknown = "unknown"
    reason: str = "the meeting was not lawfully called or convened"


class Motion(ActSpec, _Event):
    kind: Literal["motion"]
    form: Literal["meeting", "written-consent", "without-meeting", "unknown"] = "meeting"
    meeting: str | None = None
    interested: tuple[str, ...] = ()
    votes: dict[str, Vote] | Unknown = "unknown"
    in_writing: bool | Unknown = "unknown"
    declared: Literal["adopted", "rejected", "unknown"] = "adopted"
    proposed_by: str | None = None
    body: str | None = None
    """A committee's id (``committee-formed``): the act is the committee's, taken by its members
    under a power the board delegated to it (None: the board's own act)."""
    under: str | None = None
    """For a committee's act: the delegated power it relies on, as the committee's ``powers``
    word it."""
    consented_by: tuple[str, ...] = ()
    """Holders of an approve or veto right over the board's acts who consented to this one
    (rule ``rights.consent``)."""


class ConsentCirculated(_Event):
    kind: Literal["consent-circulated"]
    consent: str
    acts: tuple[ActSpec, ...] = Field(min_length=1)
    to: tuple[str, ...] | Unknown = "unknown"
    effective_at: dt.datetime | dt.date | None = None
    in_writing: bool | Unknown = True
    by: str | None = None
    """Who circulated it (a person of the case), where known."""


class ConsentSigned(_Event):
    kind: Literal["consent-signed"]
    consent: str
    by: str


class ConsentAdopted(_Event):
    """The organisation treated the consent as adopted (e.g. announced it), whatever it lacked."""

    kind: Literal["consent-adopted"]
    consent: str


class Resignation(_Event):
    kind: Literal["resignation"]
    person: str
    positions: tuple[str, ...] = Field(min_length=1)
    """``director``, ``chair`` or an office name (``ceo``, ``president`` ...)."""
    effective: dt.datetime | dt.date | Literal["on-delivery"] | Unknown = "on-delivery"
    channel: Channel = Channel.UNKNOWN
    in_writing: bool | Unknown = "unknown"


class InterestDeclared(_Event):
    kind: Literal["interest-declared"]
    person: str
    motion: str | None = None
    matter: str = ""


class PrivateMessage(_Event):
    kind: Literal["private-message"]
    from_: str = Field(alias="from")
    to: tuple[str, ...]
    channel: Channel = Channel.UNKNOWN
    text: str = ""


class Acquiescence(_Event):
    """``person`` accepted ``act`` by conduct (took part in the board afterwards without
    objecting, took the severance, worked on under the new terms): one who acquiesces in an act
    cannot later have it set aside in equity (Klaassen v. Allegro, Del. 2014).  It never cures a
    void act (Fogel v. U.S. Energy Systems, Del. Ch. 2007)."""

    kind: Literal["acquiescence"]
    person: str
    act: str
    """The id of the act acquiesced in (a motion's, a consent's act's, a holders' vote's)."""
    conduct: str = Field(min_length=1)
    """What the person did that accepted the act, as the record gives it."""


class Challenge(_Event):
    """``by`` asked a court to set ``acts`` aside (e.g. an action under DGCL §225): what keeps
    an equitable claim alive, if it comes in time (the profile's ``equity.laches_days``)."""

    kind: Literal["challenge"]
    by: str
    acts: tuple[str, ...] = Field(min_length=1)
    forum: str = ""


class Announcement(_Event):
    kind: Literal["announcement"]
    by: str
    text: str


Event = Annotated[
    Notice
    | MeetingOpened
    | MeetingClosed
    | Joined
    | Left
    | Objection
    | Motion
    | ConsentCirculated
    | ConsentSigned
    | ConsentAdopted
    | Resignation
    | InterestDeclared
    | PrivateMessage
    | Announcement
    | Acquiescence
    | Challenge
    | StructuralEvent
    | HolderElection
    | HoldersVote,
    Field(discriminator="kind"),
]

EVENT_KINDS: tuple[str, ...] = (
    "notice",
    "meeting-opened",
    "meeting-closed",
    "joined",
    "left",
    "objection",
    "motion",
    "consent-circulated",
    "consent-signed",
    "consent-adopted",
    "resignation",
    "interest-declared",
    "private-message",
    "announcement",
    "acquiescence",
    "challenge",
    *STRUCTURAL_KINDS,
    "holder-election",
    "holder-removal",
    "holders-vote",
)

# Events at the same instant are ordered by this rank, then by file order (STYLE.md §7): the
# meeting opens before anyone joins, objections come before motions, and it closes last.
KIND_RANK: dict[str, int] = {
    "notice": 0,
    "private-message": 1,
    "announcement": 9,
    "acquiescence": 9,
    "challenge": 9,
    "meeting-opened": 2,
    "joined": 3,
    "objection": 4,
    "interest-declared": 5,
    "consent-circulated": 5,
    "consent-signed": 6,
    "motion": 6,
    "consent-adopted": 7,
    "resignation": 5,
    "left": 8,
    "meeting-closed": 10,
    # a structural change follows the acts of its instant (it may cite one as its authority)
    **dict.fromkeys(STRUCTURAL_KINDS, 9),
    "seats-allotted": 1,  # an allotment of seats takes effect before the elections it allows
    "holder-election": 6,
    "holder-removal": 6,
    "holders-vote": 6,
}


class JournalFile(_Frozen):
    journal: str | None = None
    events: tuple[Event, ...]
