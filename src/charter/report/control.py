"""Control set against economics: for each party of a waterfall, its share of the votes that
control the paying entity beside its share of the money - so that "Microsoft: 0% of the votes,
75% of the first profits" is read off one table.

Pure: the CLI (``charter report``), the demo and the web UI's Power page all call
:func:`control_vs_economics`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from charter.model.case import Case
from charter.model.source import Diagnostic
from charter.model.state import State
from charter.waterfall import Waterfall, compile_curves, marginal_split
from charter.waterfall.load import load_waterfall, read_spec

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
    directors: tuple[str, ...]
    parties: tuple[PartyControl, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "controlling_board": {"entity": self.entity, "directors": list(self.directors)},
            "parties": [p.to_json() for p in self.parties],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadedWaterfall:
    waterfall: Waterfall
    entities: Mapping[str, str | None]
    names: Mapping[str, str]


def load_for_report(
    path: str | Path, params: Mapping[str, str] | None = None, *, text: str | None = None
) -> tuple[LoadedWaterfall | None, list[Diagnostic]]:
    """The waterfall plus what the report needs from its file: each party's name and the charter
    entity it stands for."""
    wf, diagnostics = load_waterfall(path, params, text=text)
    if wf is None:
        return None, diagnostics
    spec, _, problems = read_spec(str(path), text)
    if spec is None:
        return None, problems
    parties = spec.parties or ()
    return LoadedWaterfall(
        waterfall=wf,
        entities={p.id: p.entity for p in parties},
        names={p.id: p.name or p.id for p in parties},
    ), []


def control_vs_economics(
    case: Case,
    state: State,
    loaded: LoadedWaterfall,
    *,
    amounts: Sequence[Fraction] = DEFAULT_AMOUNTS,
    margins: Sequence[Fraction] = (),
) -> ControlReport:
    """Votes: a party whose charter interest says ``voting: true``, or that stands for the
    entity the board governs, controls through that board (several such parties share it
    equally); every other party holds no vote, whatever money it is owed."""
    curves = compile_curves(loaded.waterfall)
    interests = {x.waterfall_party: x for x in case.charter.interests if x.waterfall_party}
    board_entity = case.charter.board.entity
    voters: dict[str, str] = {}
    silent: dict[str, str] = {}
    for p in curves.parties:
        interest = interests.get(p)
        entity = interest.holder if interest is not None else loaded.entities.get(p)
        if (interest is not None and interest.voting) or entity == board_entity:
            voters[p] = f"through the board of {board_entity} ({len(state.directors)} directors)"
        elif interest is not None:
            silent[p] = f"{interest.kind}: no vote"
        else:
            silent[p] = "no voting interest recorded"
    first = marginal_split(curves, Fraction(0))
    at_margin = {m: marginal_split(curves, m) for m in margins}
    exact = {a: curves.exact(a) for a in amounts if a > 0}
    parties = tuple(
        PartyControl(
            id=p,
            name=loaded.names.get(p, p),
            votes=Fraction(1, len(voters)) if p in voters else Fraction(0),
            why=voters.get(p) or silent.get(p, ""),
            money=tuple((a, exact[a][p] / a) for a in amounts if a > 0),
            first=first[p],
            margin=tuple((m, at_margin[m][p]) for m in margins),
        )
        for p in curves.parties
    )
    return ControlReport(
        entity=board_entity, directors=tuple(sorted(state.directors)), parties=parties
    )
