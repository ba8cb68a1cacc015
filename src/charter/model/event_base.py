"""What every journal event is made of, shared by the board's events (charter.model.journal)
and the structural ones (charter.model.structure_events), which the journal's union imports:
a module of its own, so that neither imports the other.  What an act is about (``Subject``)
and a change of the bylaws (``Amendment``) live here too: a board's motion and a holders'
vote both carry them."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class EventBase(Frozen):
    id: str | None = None
    at: dt.datetime | dt.date
    source: str | None = None
    note: str = ""


class Subject(Frozen):
    person: str | None = None
    office: str | None = None
    seat: str | None = None
    """For an election or a vacancy filled: whose seat it is (the elector of a seat elected by
    a class or a holder, as the charter's ``elected_by`` names it); none: a seat of the board
    at large."""


class Amendment(Frozen):
    """``profile`` replaces the profile in force; ``set`` changes single parameters, e.g.
    ``{"quorum.fraction": "1/3"}``."""

    profile: str | None = None
    set: dict[str, str | int | float | bool | tuple[str, ...]] = Field(default_factory=dict)
