"""The charter file: the organisation as it stands at the start of the journal."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from charter.model.unknown import Unknown

EntityKind = Literal[
    "nonprofit",
    "llc",
    "lp",
    "corporation",
    "pbc",
    "fund",
    "trust",
    "holding",
    "partnership",
    "government",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Entity(_Frozen):
    id: str
    name: str
    kind: EntityKind
    jurisdiction: str | Unknown = "unknown"
    note: str = ""
    source: str | None = None


class Control(_Frozen):
    """``controller`` controls ``controlled`` (as sole member, manager, majority holder ...)."""

    controller: str
    controlled: str
    how: str = ""
    source: str | None = None


class Person(_Frozen):
    id: str
    name: str
    note: str = ""


class DirectorSeat(_Frozen):
    person: str
    since: str = "unknown"
    """An ISO date, a year, or unknown."""
    note: str = ""
    elected_by: str | None = None
    """Who elects this seat, where not the board and the holders at large: an entity or person
    (the holder of a class of stock that elects it, a trust).  A vacancy in it is then for that
    elector, or for the directors it elected, to fill (DGCL §223(a)(2))."""


class Board(_Frozen):
    entity: str
    authorized_seats: int = Field(ge=1)
    directors: tuple[DirectorSeat, ...]
    elected_seats: dict[str, int] = Field(default_factory=dict)
    """How many of the authorized seats each elector elects (a class of stock's holder, a
    trust); the directors in them say ``elected_by``."""
    chair: str | None = None
    source: str | None = None
    note: str = ""


class OfficeHolding(_Frozen):
    office: str
    holder: str
    entity: str | None = None
    source: str | None = None


class Scope(_Frozen):
    """What an agreement covers; ``excludes_after_agi`` models the OpenAI-Microsoft clause that
    licences only pre-AGI technology once the board determines AGI has been attained."""

    covers: str = ""
    excludes_after_agi: bool = False


class Agreement(_Frozen):
    id: str
    kind: str
    parties: tuple[str, ...]
    licensor: str | None = None
    licensee: str | None = None
    scope: Scope = Scope()
    source: str | None = None
    note: str = ""


class Interest(_Frozen):
    """An economic interest: who holds a claim on which entity's distributions, and its cap."""

    holder: str
    entity: str
    kind: str
    cap: str | Unknown = "unknown"
    voting: bool | Unknown = False
    """Whether the interest carries votes (unknown where the record does not say)."""
    votes: str | Unknown = "unknown"
    """Its share of the holders' voting power (``27%``, ``3/5``), for a ``holders-vote``."""
    waterfall_party: str | None = None
    source: str | None = None
    note: str = ""


class CharterFile(_Frozen):
    charter: str
    title: str = ""
    timezone: str = "UTC"
    bylaws: str
    entities: tuple[Entity, ...]
    controls: tuple[Control, ...] = ()
    people: tuple[Person, ...]
    board: Board
    offices: tuple[OfficeHolding, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    interests: tuple[Interest, ...] = ()
    journal: tuple[str, ...] = ("journal.yaml",)
    waterfall: str | None = None
    sources: dict[str, str] = Field(default_factory=dict)
