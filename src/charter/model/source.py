"""Where a thing came from, and what is wrong with it.

Every loaded object carries a :class:`Source` so that a verdict, a state change or an error can
point a person at the exact line of the file that caused it.  These two types sit at the bottom of
the layering because every layer above (load, rules, replay, waterfall, store) shares them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True, kw_only=True, order=True)
class Source:
    """A position in a user's file; lines and columns are 1-based, as editors show them."""

    path: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    """A problem found while loading user input: an error is a value, never an exception."""

    source: Source
    message: str
    hint: str | None = None
    level: Level = Level.ERROR

    def render(self) -> str:
        text = f"{self.source}: {self.level.value}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.source.path,
            "line": self.source.line,
            "column": self.source.column,
            "level": self.level.value,
            "message": self.message,
            "hint": self.hint,
        }


class LoadFailed(Exception):
    """Raised at an edge (CLI, HTTP) when a load produced errors; carries them all."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(d.render() for d in diagnostics))
        self.diagnostics = diagnostics
