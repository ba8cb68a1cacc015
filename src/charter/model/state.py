"""The state of an organisation at an instant; derived by replay, never stored as truth."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from charter.model.bylaws import Bylaws
from charter.model.structure import Structure


@dataclass(frozen=True, slots=True, kw_only=True)
class AgreementState:
    id: str
    kind: str
    parties: tuple[str, ...]
    covers: str
    excludes_after_agi: bool
    agi_excluded: tuple[tuple[str, str], ...] = ()
    """(date determined, technology) pairs now outside the agreement's scope."""
    terms: tuple[tuple[str, str], ...] = ()
    """Clauses as amended (``AGI verified by``, ``ends`` ...), in words."""
    amended: tuple[str, ...] = ()
    """The ISO dates of its amendments."""

    def to_json(self) -> dict[str, Any]:
        scope = self.covers or "as written"
        if self.agi_excluded:
            scope += "; excludes " + "; ".join(
                f"{tech} (determined AGI on {when})" for when, tech in self.agi_excluded
            )
        return {
            "kind": self.kind,
            "parties": list(self.parties),
            "scope": scope,
            "excludes_after_agi": self.excludes_after_agi,
            "agi_excluded": [{"determined": w, "technology": t} for w, t in self.agi_excluded],
            "terms": dict(self.terms),
            "amended": list(self.amended),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class State:
    at: dt.datetime | None
    directors: frozenset[str]
    authorized_seats: int
    chair: str | None
    officers: tuple[tuple[str, str], ...]
    bylaws: Bylaws
    bylaws_ref: str
    agreements: tuple[AgreementState, ...] = ()
    agi_determinations: tuple[tuple[str, str], ...] = field(default=())
    structure: Structure = field(default_factory=Structure)
    electors: tuple[tuple[str, str], ...] = ()
    """(director, who elected the seat) for the directors in seats a class or holder elects."""
    elected_seats: tuple[tuple[str, int], ...] = ()
    """(elector, number of the authorized seats it elects): a class of stock, a trust."""

    def elector_of(self, person: str) -> str | None:
        return dict(self.electors).get(person)

    def vacancies_of(self, elector: str) -> int:
        """Vacant seats ``elector`` elects: not the board's to fill (DGCL §223(a)(2))."""
        held = sum(1 for p, e in self.electors if e == elector and p in self.directors)
        return max(dict(self.elected_seats).get(elector, 0) - held, 0)

    def seat_filled(self, asked: str | None) -> str | None:
        """Whose seat an election fills: the one asked, else the only elector holding a vacancy
        when the board at large has none (None: a seat at large)."""
        if asked is not None:
            return asked
        held = [e for e, _ in self.elected_seats if self.vacancies_of(e) > 0]
        return held[0] if self.open_seats == 0 and len(held) == 1 else None

    @property
    def open_seats(self) -> int:
        """Vacant seats of the board at large (the authorized seats, less the directors, less
        the vacancies that electors other than the board hold)."""
        held = sum(self.vacancies_of(e) for e, _ in self.elected_seats)
        return max(self.authorized_seats - len(self.directors) - held, 0)

    @property
    def officer_map(self) -> dict[str, str]:
        return dict(self.officers)

    def holder(self, office: str) -> str | None:
        return self.officer_map.get(office)

    def offices_of(self, person: str) -> list[str]:
        return [office for office, holder in self.officers if holder == person]

    def with_officer(self, office: str, person: str | None) -> State:
        officers = {k: v for k, v in self.officers if k != office}
        if person is not None:
            officers[office] = person
        return replace(self, officers=tuple(sorted(officers.items())))

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat() if self.at else None,
            "directors": sorted(self.directors),
            "authorized_seats": self.authorized_seats,
            "chair": self.chair,
            "officers": dict(self.officers),
            "agreements": {a.id: a.to_json() for a in self.agreements},
            "bylaws": self.bylaws_ref,
            "structure": self.structure.to_json(),
        }
