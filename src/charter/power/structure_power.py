"""Who can act on an entity through the structure (issue 13): the routes by which a board
reaches an entity's act — its own board, a holder's right to replace that board, or control
from above — so that "who can remove the PBC's CEO" answers level by level: the PBC's board,
and the Foundation's board through the Foundation's right to replace every PBC director.

Pure: the routes only; the shell computes each board's game (charter.power.board) under the
profile it loads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from charter.model.structure import Structure

MAX_DEPTH = 6


@dataclass(frozen=True, slots=True, kw_only=True)
class Route:
    body: str
    """The entity whose board decides on this route."""
    acts_on: str
    """The entity the act is about."""
    replaces: bool
    """True: the body acts by replacing ``acts_on``'s directors (the act is then its own
    ordinary act, not the act asked about)."""
    path: tuple[str, ...]
    """How the body reaches the entity, in words, from the body down."""


def routes(
    structure: Structure,
    target: str,
    charter_board: str,
    names: Mapping[str, str] | None = None,
) -> list[Route]:
    """Every route by which a board in the case reaches ``target``'s acts, nearest first; the
    path's words name entities by ``names`` (ids where none)."""
    found: list[Route] = []

    def n(ident: str) -> str:
        return names.get(ident, ident) if names else ident

    def walk(entity: str, path: tuple[str, ...], replaces: bool, seen: frozenset[str]) -> None:
        if len(path) > MAX_DEPTH or entity in seen:
            return
        seen = seen | {entity}
        has_board = entity == charter_board or any(b.entity == entity for b in structure.boards)
        if has_board:
            found.append(Route(body=entity, acts_on=target, replaces=replaces, path=path))
        rights = [
            r
            for r in structure.rights
            if r.over == entity and r.right in ("appoint-directors", "remove-directors")
        ]
        for r in rights:
            exclusive = {True: "exclusive", False: "not exclusive", None: "exclusivity unknown"}
            verb = "appoint" if r.right == "appoint-directors" else "remove"
            link = f"{n(r.holder)} may {verb} the directors of {n(entity)}"
            link += f" ({exclusive[r.exclusive]})"
            if r.right == "appoint-directors" and any(
                x.holder == r.holder and x.over == entity and x.right == "remove-directors"
                for x in rights
            ):
                continue  # the holder's removal right is the route; appointing alone fills seats
            walk(r.holder, (link, *path), True, seen)
        if not has_board and not rights:
            for controller, controlled, how in structure.controls:
                if controlled == entity:
                    link = f"{n(controller)} controls {n(entity)}" + (f" ({how})" if how else "")
                    walk(controller, (link, *path), replaces, seen)

    walk(target, (), False, frozenset())
    return found
