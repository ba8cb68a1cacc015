"""The structure at an instant, beside the board: the entities, who controls whom, the
economics of each paying entity (its interests, the waterfall that distributes its profits,
its warrants), the rights held over boards, observers, committees and other boards.

Derived by replay from the charter (the structure at the journal's start) and the structural
events (charter.model.structure_events); never stored as truth."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from charter.model.charter import Interest
from charter.model.structure_events import Warrant


@dataclass(frozen=True, slots=True, kw_only=True)
class EntityView:
    id: str
    name: str
    kind: str
    jurisdiction: str
    formerly: tuple[str, ...] = ()
    """Earlier names and forms, oldest first (``OpenAI Global, LLC (llc)``)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "jurisdiction": self.jurisdiction,
            "formerly": list(self.formerly),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Economics:
    """Who is owed what by ``entity`` from ``since``: its interests and the waterfall file that
    distributes its profits (relative to the case directory), with the warrants on it."""

    entity: str
    since: str | None
    """The ISO date of the event that set it (None: as the charter sets it)."""
    waterfall: str | None
    interests: tuple[Interest, ...]
    warrants: tuple[Warrant, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "since": self.since,
            "waterfall": self.waterfall,
            "interests": [
                {
                    "holder": i.holder,
                    "kind": i.kind,
                    "cap": i.cap,
                    "voting": i.voting,
                    "waterfall_party": i.waterfall_party,
                }
                for i in self.interests
            ],
            "warrants": [
                {
                    "holder": w.holder,
                    "fraction": w.fraction,
                    "vests_when": {
                        "multiple": w.vests_when.multiple,
                        "within_years": w.vests_when.within_years,
                    },
                }
                for w in self.warrants
            ],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class RightView:
    holder: str
    right: str
    over: str
    exclusive: bool | None
    via: str = ""
    matters: str = ""
    since: str | None = None
    acts: tuple[str, ...] = ()
    """For approve and veto: the act kinds of the board it covers."""

    def to_json(self) -> dict[str, Any]:
        return {
            "acts": list(self.acts),
            "holder": self.holder,
            "right": self.right,
            "over": self.over,
            "exclusive": self.exclusive,
            "via": self.via,
            "matters": self.matters,
            "since": self.since,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class CommitteeView:
    id: str
    name: str
    board: str
    members: tuple[str, ...]
    chair: str | None
    powers: tuple[str, ...]
    independent: bool | None
    since: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "board": self.board,
            "members": list(self.members),
            "chair": self.chair,
            "powers": list(self.powers),
            "independent": self.independent,
            "since": self.since,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class BoardView:
    entity: str
    directors: tuple[str, ...]
    chair: str | None
    since: str | None = None
    bylaws: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Structure:
    entities: tuple[EntityView, ...] = ()
    controls: tuple[tuple[str, str, str], ...] = ()
    """(controller, controlled, how)."""
    economics: tuple[Economics, ...] = ()
    rights: tuple[RightView, ...] = ()
    observers: tuple[tuple[str, str, str | None], ...] = ()
    """(person, entity whose board they observe, whom they stand for)."""
    committees: tuple[CommitteeView, ...] = ()
    boards: tuple[BoardView, ...] = ()
    """Boards of other entities than the charter's, as last seated."""

    def entity(self, ident: str) -> EntityView | None:
        return next((e for e in self.entities if e.id == ident), None)

    def economics_of(self, entity: str | None = None) -> Economics | None:
        """The economics of ``entity``, or of the one entity that has a waterfall."""
        with_file = [e for e in self.economics if entity is None or e.entity == entity]
        return with_file[0] if with_file else None

    def waterfall(self, fallback: str | None) -> str | None:
        """The waterfall file of the economics in force (``fallback``: the charter's, when no
        event has named one)."""
        era = self.economics_of()
        return era.waterfall if era is not None and era.waterfall else fallback

    def appointer_of(self, entity: str) -> RightView | None:
        """Who holds an exclusive right to appoint ``entity``'s directors (or the only one who
        holds such a right when its exclusivity is unknown)."""
        holders = [r for r in self.rights if r.over == entity and r.right == "appoint-directors"]
        exclusive = [r for r in holders if r.exclusive]
        if exclusive:
            return exclusive[0]
        return holders[0] if len(holders) == 1 else None

    def to_json(self) -> dict[str, Any]:
        return {
            "entities": {e.id: e.to_json() for e in self.entities},
            "controls": [{"controller": a, "controlled": b, "how": h} for a, b, h in self.controls],
            "economics": {e.entity: e.to_json() for e in self.economics},
            "rights": [r.to_json() for r in self.rights],
            "observers": [{"person": p, "board": b, "for": f} for p, b, f in self.observers],
            "committees": {c.id: c.to_json() for c in self.committees},
            "boards": {
                b.entity: {
                    "directors": list(b.directors),
                    "chair": b.chair,
                    "since": b.since,
                    "bylaws": b.bylaws,
                }
                for b in self.boards
            },
        }
