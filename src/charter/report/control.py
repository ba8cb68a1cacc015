"""Control set against economics: for each party of a waterfall, its share of the votes that
control the paying entity beside its share of the money - so that "Microsoft: 0% of the votes,
75% of the first profits" is read off one table.

Pure: the CLI (``charter report``), the demo and the web UI's Power page all call
:func:`control_vs_economics`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from charter.model.case import Case
from charter.model.source import Diagnostic
from charter.model.state import State
from charter.waterfall import Waterfall, compile_curves, marginal_split
from charter.waterfall.load import build_waterfall, read_spec

DEFAULT_AMOUNTS = (Fraction(10 * 10**9), Fraction(100 * 10**9), Fraction(500 * 10**9))


@dataclass(frozen=True, slots=True, kw_only=True)
class PartyControl:
    id: str
    name: str
    votes: Fraction
    """Share of the votes that control the paying entity."""
    why: str
    money: tuple[tuple[Fraction, Fraction], ...]
    """(amount distributed, this party's share of it)."""
    first: Fraction
    """Share of the first dollar."""
    margin: tuple[tuple[Fraction, Fraction], ...]
    """(amount, share of the next dollar after it)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "party": self.id,
            "name": self.name,
            "votes": float(self.votes),
            "votes_exact": str(self.votes),
            "why": self.why,
            "money": [
                {"amount": str(a), "share": float(s), "share_exact": str(s)} for a, s in self.money
            ],
            "first_dollar": float(self.first),
            "margin": [
                {"after": str(a), "share": float(s), "share_exact": str(s)} for a, s in self.margin
            ],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ControlReport:
    entity: str
    """Id of the entity whose board holds the votes."""
    directors: tuple[str, ...]
    """Ids of the directors of that board at :attr:`at`, sorted."""
    parties: tuple[PartyControl, ...]
    entity_name: str = ""
    """The entity's name from the case (the id when the case gives none)."""
    director_names: tuple[str, ...] = ()
    """The directors' names, in the order of :attr:`directors`."""
    at: dt.datetime | None = None
    """When the board was read (the state's time); None: the charter's initial board."""

    @property
    def board_label(self) -> str:
        """``the board of OpenAI, Inc. on 2023-11-16`` - what a reader needs to know whose votes
        these are and as of when (a board changes; the economics do not)."""
        if self.at is None:
            when = " as the charter sets it"
        elif self.at.time() == dt.time.max:  # how a bare date is read: the end of that day
            when = f" at the end of {self.at:%Y-%m-%d}"
        elif (self.at.hour, self.at.minute) == (0, 0):
            when = f" on {self.at:%Y-%m-%d}"
        else:
            when = f" on {self.at:%Y-%m-%d %H:%M}"
        return f"the board of {self.entity_name or self.entity}{when}"

    def to_json(self) -> dict[str, Any]:
        return {
            "controlling_board": {
                "entity": self.entity,
                "name": self.entity_name or self.entity,
                "at": self.at.isoformat() if self.at is not None else None,
                "directors": list(self.directors),
                "director_names": list(self.director_names or self.directors),
            },
            "parties": [p.to_json() for p in self.parties],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadedWaterfall:
    waterfall: Waterfall
    entities: Mapping[str, str | None]
    names: Mapping[str, str | None]
    """Party id -> the name its file gives (None: the file gives none; the case may)."""


def load_for_report(
    path: str | Path, params: Mapping[str, str] | None = None, *, text: str | None = None
) -> tuple[LoadedWaterfall | None, list[Diagnostic]]:
    """The waterfall plus what the report needs from its file: each party's name and the charter
    entity it stands for."""
    spec, root, problems = read_spec(str(path), text)  # read once: the model and the names
    if spec is None:
        return None, problems
    wf, diagnostics = build_waterfall(path, spec, root, params)
    if wf is None:
        return None, diagnostics
    parties = spec.parties or ()
    return LoadedWaterfall(
        waterfall=wf,
        entities={p.id: p.entity for p in parties},
        names={p.id: p.name for p in parties},
    ), []


def control_vs_economics(
    case: Case,
    state: State,
    loaded: LoadedWaterfall,
    *,
    amounts: Sequence[Fraction] = DEFAULT_AMOUNTS,
    margins: Sequence[Fraction] = (),
) -> ControlReport:
    """Votes, derived from who governs the paying entity: where one holder has the (exclusive)
    right to appoint the paying entity's directors, its party holds every vote, whatever the
    other interests say (the Foundation over OpenAI Group PBC); otherwise a party whose
    interest says ``voting: true``, or that stands for the entity the board governs, controls
    through that board (several such parties share it equally).  Every other party holds no
    vote, whatever money it is owed.  The interests are the state's (the era's), not only the
    charter's."""
    curves = compile_curves(loaded.waterfall)
    era = state.structure.economics_of()
    held = era.interests if era is not None else case.charter.interests
    interests = {x.waterfall_party: x for x in held if x.waterfall_party}
    board_entity = case.charter.board.entity
    known = case_names(case)
    known.update({e.id: e.name for e in state.structure.entities})
    board_name = known.get(board_entity, board_entity)
    paying = era.entity if era is not None else None
    appointer = state.structure.appointer_of(paying) if paying is not None else None
    voters: dict[str, str] = {}
    silent: dict[str, str] = {}
    holders: dict[str, str | None] = {}
    for p in curves.parties:
        interest = interests.get(p)
        entity = interest.holder if interest is not None else loaded.entities.get(p)
        holders[p] = entity
        if appointer is not None and paying is not None:
            if entity == appointer.holder:
                why = f"appoints every director of {known.get(paying, paying)}"
                if entity == board_entity:
                    why += f", through the board of {board_name} ({len(state.directors)})"
                voters[p] = why
            elif interest is not None:
                silent[p] = f"{interest.kind}: elects no director"
            else:
                silent[p] = "no voting interest recorded"
        elif (interest is not None and interest.voting is True) or entity == board_entity:
            voters[p] = f"through the board of {board_name} ({len(state.directors)} directors)"
        elif interest is not None:
            silent[p] = f"{interest.kind}: no vote"
        else:
            silent[p] = "no voting interest recorded"
    votes = {p: Fraction(1, len(voters)) for p in voters}
    if appointer is None and state.elected_seats:
        votes = _by_elected_seats(state, holders, voters, silent, known)
    first = marginal_split(curves, Fraction(0))
    at_margin = {m: marginal_split(curves, m) for m in margins}
    exact = {a: curves.exact(a) for a in amounts if a > 0}
    parties = tuple(
        PartyControl(
            id=p,
            name=party_name(p, loaded.names.get(p), holders[p], known),
            votes=votes.get(p, Fraction(0)),
            why=voters.get(p) or silent.get(p, ""),
            money=tuple((a, exact[a][p] / a) for a in amounts if a > 0),
            first=first[p],
            margin=tuple((m, at_margin[m][p]) for m in margins),
        )
        for p in curves.parties
    )
    directors = tuple(sorted(state.directors))
    return ControlReport(
        entity=board_entity,
        directors=directors,
        parties=parties,
        entity_name=board_name,
        director_names=tuple(known.get(d, d) for d in directors),
        at=state.at,
    )


def _by_elected_seats(
    state: State,
    holders: Mapping[str, str | None],
    voters: dict[str, str],
    silent: dict[str, str],
    known: Mapping[str, str],
) -> dict[str, Fraction]:
    """Votes as the seats each party elects: a party whose holder elects seats of the board
    (``elected_seats``, a phase-in) holds that share of the seats; the seats at large are shared
    equally by the other voting parties (who among them elects which is not recorded, and the
    reason says so).  Edits ``voters`` and ``silent`` to give each party its reason."""
    seats = state.authorized_seats
    elected = dict(state.elected_seats)
    votes: dict[str, Fraction] = {}
    for p, holder in holders.items():
        n = elected.get(holder or "", 0)
        if n:
            votes[p] = Fraction(n, seats)
            voters[p] = f"elects {n} of the {seats} seats of the board"
            silent.pop(p, None)
    at_large = seats - sum(elected.values())
    rest = [p for p in voters if p not in votes]
    for p in rest:
        votes[p] = Fraction(at_large, seats * len(rest))
        voters[p] = f"shares the {at_large} seats at large" + (
            f" with {len(rest) - 1} other voting parties (who elects which is not recorded)"
            if len(rest) > 1
            else ""
        )
    return votes


def case_names(case: Case) -> dict[str, str]:
    """Id -> name for every person and entity of the case: a reader sees names, never ids."""
    names = {e.id: e.name for e in case.charter.entities}
    names.update({p.id: p.name for p in case.charter.people})
    return names


def party_name(party: str, given: str | None, holder: str | None, known: Mapping[str, str]) -> str:
    """The name a waterfall party is shown by: its own ``name`` in the waterfall file, else the
    name of the case's entity or person it stands for (its ``entity:``, the holder of the charter
    interest that names it, or a person or entity with its id), and only else its id."""
    if given:
        return given
    if holder is not None and holder in known:
        return known[holder]
    return known.get(party, party)
