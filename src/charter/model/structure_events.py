"""Journal events that change the structure itself (issue 13): entities created, renamed and
converted, who controls whom, the interests issued in an entity (a recapitalization: the
economics from that date), rights held over another entity's board, observer seats,
committees and other entities' boards, and amendments of an agreement's clauses.

They are facts like every event: each names the act that authorised it (``by``) where the
record gives one, and the replay judges it by that act (see ``charter.rules.structure``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from charter.model.bylaws import checked_fraction
from charter.model.charter import Entity, EntityKind, Interest
from charter.model.event_base import Amendment, EventBase, Frozen, Subject
from charter.model.kinds import ActKind
from charter.model.unknown import Unknown


class _Structural(EventBase):
    by: str | Unknown = "unknown"
    """The id of the journal act (a motion or a consent's act) that authorised the change, or
    unknown where the record does not say."""
    notified: tuple[str, ...] = ()
    """Who was told of the change in advance (an attorney general holding an advance-notice
    right over the entity, rule ``structure.advance-notice``)."""


class EntityCreated(_Structural):
    kind: Literal["entity-created"]
    entity: Entity


class EntityRenamed(_Structural):
    kind: Literal["entity-renamed"]
    entity: str
    name: str = Field(min_length=1)


class EntityConverted(_Structural):
    """A change of legal form (an LLC becoming a public benefit corporation), possibly with a
    new name and jurisdiction."""

    kind: Literal["entity-converted"]
    entity: str
    to: EntityKind
    name: str | None = None
    jurisdiction: str | Unknown | None = None


class ControlChanged(_Structural):
    """``controller`` now controls ``controlled`` (``controller: null``: nobody does)."""

    kind: Literal["control-changed"]
    controlled: str
    controller: str | None
    how: str = ""


class Milestone(Frozen):
    """When a warrant vests: the company's value reaching ``multiple`` times its value at
    issue within ``within_years``."""

    multiple: float = Field(gt=1)
    within_years: float = Field(gt=0)


class Warrant(Frozen):
    holder: str
    fraction: float | Unknown = Field(default="unknown")
    """More of the company on vesting (unknown: a parameter, since terms may not be public)."""
    vests_when: Milestone
    source: str | None = None
    note: str = ""


class InterestsIssued(_Structural):
    """The interests in ``entity`` from this date: with ``replaces`` (a recapitalization) every
    earlier interest in it ends; ``waterfall`` names the file that distributes its profits from
    now on (the economics of the era)."""

    kind: Literal["interests-issued"]
    entity: str
    replaces: bool = True
    interests: tuple[Interest, ...] = ()
    warrants: tuple[Warrant, ...] = ()
    waterfall: str | None = None


class RightGranted(_Structural):
    """A right ``holder`` holds over ``over``: to appoint or remove its directors, to veto or
    approve a class of its acts, or to be told in advance of a change; held through a share
    class or a contract (``via``), exclusive or not (often unknown)."""

    kind: Literal["right-granted"]
    holder: str
    right: Literal["appoint-directors", "remove-directors", "veto", "approve", "advance-notice"]
    over: str
    exclusive: bool | Unknown = "unknown"
    via: str = ""
    matters: str = ""
    acts: tuple[ActKind, ...] = ()
    """For ``approve`` and ``veto``: the act kinds of ``over``'s board the right covers, so that
    each such act is judged for the holder's consent (rule ``rights.consent``)."""


class ObserverSeat(_Structural):
    """A non-voting observer at ``board``'s meetings: no vote, no quorum count; notice and
    information only."""

    kind: Literal["observer-seat"]
    person: str
    board: str
    """The entity whose board the observer attends."""
    for_: str | None = Field(default=None, alias="for")
    action: Literal["granted", "given-up"] = "granted"


class CommitteeFormed(_Structural):
    kind: Literal["committee-formed"]
    committee: str
    name: str
    board: str
    """The entity whose board formed it."""
    members: tuple[str, ...]
    chair: str | None = None
    powers: tuple[str, ...] = ()
    """What the board delegated to it, in words (e.g. "delay a model release")."""
    independent: bool | Unknown = "unknown"


class CommitteeChanged(_Structural):
    """A committee's new members, chair, powers or independence (each only where given), or
    its move to another entity's board."""

    kind: Literal["committee-changed"]
    committee: str
    members: tuple[str, ...] | None = None
    chair: str | None = None
    powers: tuple[str, ...] | None = None
    independent: bool | Unknown | None = None
    board: str | None = None


class BoardSeated(_Structural):
    """The directors of another entity's board (a subsidiary's, a new corporation's), as a
    fact at this date: the board the charter describes stays the one whose acts are judged."""

    kind: Literal["board-seated"]
    entity: str
    directors: tuple[str, ...]
    chair: str | None = None
    bylaws: str | None = None
    """The shipped profile its acts follow in a power analysis (default: by the entity's form,
    delaware-stock for a corporation or a PBC, delaware-nonstock for a nonprofit)."""


class AgreementAmended(_Structural):
    """New terms of an agreement: its scope, who determines and who verifies AGI, when it
    ends, and any other clause in words."""

    kind: Literal["agreement-amended"]
    agreement: str
    covers: str | None = None
    agi_determined_by: str | None = None
    agi_verified_by: str | None = None
    ends: str | None = None
    """A date, a year, or words ("the panel verifies AGI or 2030, whichever comes first")."""
    clauses: dict[str, str] = Field(default_factory=dict)

    @field_validator("clauses")
    @classmethod
    def _by_name(cls, clauses: dict[str, str]) -> dict[str, str]:
        """In name order, whatever order the file gives: a log stores a mapping by key, and the
        replayed terms must not depend on where the event was read from."""
        return dict(sorted(clauses.items()))


class SeatsAllotted(_Structural):
    """From this date ``elector`` (a class of stock's holder, a trust) elects ``seats`` of the
    board's authorized seats: a phase-in, by date or on a milestone reached."""

    kind: Literal["seats-allotted"]
    elector: str
    seats: int = Field(ge=0)


class HoldersVote(EventBase):
    """A vote of ``entity``'s holders (its stockholders, its members) on ``matter``: each
    holder's share of the voting power is its interest's ``votes``; the act passes when the
    holders for it hold ``fraction`` of the voting power of those entitled (all holders with
    voting interests, less ``excluding``).  Judged by rules ``holders.authority`` and
    ``holders.threshold`` (and ``amendment.*`` for an amendment of the bylaws); for an act
    whose vote the law or the bylaws fix (removing a director: ``director_removal.
    holders_fraction``), that fraction, not ``fraction``, decides."""

    kind: Literal["holders-vote"]
    entity: str
    matter: str = Field(min_length=1)
    act: ActKind = ActKind.APPROVE_TRANSACTION
    """What the holders do: approve a matter (the default), remove or elect a director
    (DGCL §141(k), §211), amend the bylaws (§109(a)), or an act the law keeps for the board
    (removing an officer: Gorman v. Salamone), which rule ``holders.authority`` refuses."""
    subject: Subject = Subject()
    amendment: Amendment | None = None
    form: Literal["meeting", "written-consent"] = "meeting"
    """``written-consent``: holders acting without a meeting (DGCL §228), by the same share of
    the voting power a meeting at which every share voted would need."""
    fraction: str = "majority"
    excluding: tuple[str, ...] = ()
    votes: dict[str, Literal["for", "against", "abstain"]] | Unknown = "unknown"

    @field_validator("fraction")
    @classmethod
    def _fraction(cls, text: str) -> str:
        return checked_fraction(text)


def changed_entity(ev: object) -> str | None:
    """The entity a structural event changes (None: an agreement's terms)."""
    for key in ("entity", "controlled", "over", "board"):
        value = getattr(ev, key, None)
        if isinstance(value, str):
            return value
    created = getattr(ev, "entity", None)
    return getattr(created, "id", None)


class HolderElection(EventBase):
    """``elector`` (the holder of the class that elects a seat, a trust's trustees acting for
    it) elects ``person`` to a vacant seat it elects (``holder-election``), or removes a director
    it elected (``holder-removal``, DGCL §141(k)): an act of the elector, not of the board,
    judged by rule ``seats.holder-election`` or ``seats.holder-removal``."""

    kind: Literal["holder-election", "holder-removal"]
    elector: str
    person: str


StructuralEvent = (
    EntityCreated
    | EntityRenamed
    | EntityConverted
    | ControlChanged
    | InterestsIssued
    | RightGranted
    | ObserverSeat
    | CommitteeFormed
    | CommitteeChanged
    | BoardSeated
    | AgreementAmended
    | SeatsAllotted
)
"""Every event that changes the structure (each judged by ``structure.authority``)."""

STRUCTURAL_KINDS: tuple[str, ...] = (
    "entity-created",
    "entity-renamed",
    "entity-converted",
    "control-changed",
    "interests-issued",
    "right-granted",
    "observer-seat",
    "committee-formed",
    "committee-changed",
    "board-seated",
    "agreement-amended",
    "seats-allotted",
)
