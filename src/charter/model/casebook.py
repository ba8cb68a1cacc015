"""A casebook entry: a court's decision replayed as a case, with the court's holding on each act
as the verdict the replay must agree with (issue 17).  The case directory's ``casebook.yaml``
holds it beside ``charter.yaml`` and the journal; the loader never reads it as a journal."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from charter.model.event_base import Frozen
from charter.model.kinds import Status

Held = Literal["void", "invalid", "voidable", "valid", "stands"]
"""What the court held of an act: ``void`` (a nullity), ``invalid`` (set aside, the opinion
not saying void or voidable), ``voidable``, ``valid``, ``stands`` (voidable, but the claim was
lost by acquiescence or laches)."""

AGREES: dict[str, frozenset[Status]] = {
    "void": frozenset({Status.VOID}),
    "invalid": frozenset({Status.VOID, Status.VOIDABLE, Status.FAILED}),
    "voidable": frozenset({Status.VOIDABLE}),
    "valid": frozenset({Status.VALID, Status.VALID_WITH_WARNINGS}),
    "stands": frozenset({Status.VALID_WITH_WARNINGS}),
}
"""The verdicts of Charter's that say what the court said: a voidable act whose claim is alive
is one a court asked in time sets aside (``invalid``); an act that ``stands`` needs an equity
check that lost the claim (see :func:`agrees`)."""


class CaseSource(Frozen):
    id: str = Field(min_length=1, max_length=40)
    url: str = Field(pattern=r"^https?://\S+$", max_length=2000)
    """A web address (http or https): it becomes a link on the Casebook page."""
    what: str = ""


class Holding(Frozen):
    act: str = Field(min_length=1)
    """The id of the journal's act the court ruled on."""
    held: Held
    ground: str = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)
    limit: str | None = None
    """Why Charter's verdict differs from the court's, where that is a true limit of the engine
    or of the record: a disagreement is accepted only with its reason written here."""


class InOffice(Frozen):
    """Who the court held to be in an office at a moment: the board (``office: director``,
    every director), its ``chair``, or an officer (``ceo`` ...).  The replay's de jure state
    then must say the same: who holds what *when* is where a void act shows."""

    at: dt.datetime | dt.date
    """A bare date means the end of that day in the case's timezone (as ``--at`` does)."""
    office: str = Field(min_length=1)
    holds: tuple[str, ...]
    """Who holds it: the whole board for ``director``; empty: vacant."""
    ground: str = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)
    limit: str | None = None


class CasebookFile(Frozen):
    case: str = Field(min_length=1)
    citation: str = Field(min_length=1)
    court: str = Field(min_length=1)
    decided: dt.date
    summary: str = Field(min_length=1)
    sources: tuple[CaseSource, ...] = Field(min_length=1)
    holdings: tuple[Holding, ...] = Field(min_length=1)
    in_office: tuple[InOffice, ...] = ()
    unknown: tuple[str, ...] = ()
    """Facts the record available to us does not give (the journal writes them ``unknown``)."""


def agrees(held: str, status: Status, rules: frozenset[str]) -> bool:
    """Whether Charter's ``status`` (with the failed ``rules`` of its checks) says what the
    court held."""
    if status not in AGREES[held]:
        return False
    if held == "stands":
        return bool(rules & {"equity.acquiescence", "equity.laches"})
    return True
