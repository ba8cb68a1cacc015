"""What the board answers when it does not do what was asked: one exception type carrying its
HTTP status (STYLE.md §13), raised by the board's operations and by its commit pipeline alike, and
mapped once at each edge (the JSON API, the portal's pages)."""

from __future__ import annotations

from typing import Any


class Refused(Exception):
    """An operation that cannot happen; ``status`` is the HTTP status it maps to."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra

    def to_json(self) -> dict[str, Any]:
        return {"error": {"status": self.status, "code": self.code, "message": self.message}} | (
            self.extra
        )


class NeedsConfirmation(Refused):
    """The act would be recorded with a defective verdict: say ``confirm: true`` to record it."""


def not_found(what: str, ident: str) -> Refused:
    return Refused(404, "not-found", f"no {what} '{ident}' in this organisation")
