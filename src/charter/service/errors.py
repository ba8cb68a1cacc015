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


def confirmation(
    defect: str, found: list[dict[str, Any]], anyway: str = "record it anyway", **extra: Any
) -> NeedsConfirmation:
    """The 409 that asks for ``confirm``: what would be defective, the rules that fail, and
    the warnings themselves (with whatever verdicts or profiles ``extra`` gives)."""
    rules = ", ".join(sorted({d["rule"] for d in found}))
    return NeedsConfirmation(
        409,
        "confirm",
        f'{defect} ({rules}): send "confirm": true to {anyway}',
        warnings=found,
        **extra,
    )


def not_found(what: str, ident: str) -> Refused:
    return Refused(404, "not-found", f"no {what} '{ident}' in this organisation")


class LogInFirst(Exception):
    """A browser asked for a page without a session: it is sent to the log-in page, and back to
    the page after (never a JSON error shown to a person)."""

    def __init__(self, next_path: str, *, change_password: bool = False) -> None:
        super().__init__(next_path)
        self.next_path = next_path
        self.change_password = change_password
        """Logged in with a one-time password: the Account page, to choose a new one."""


def safe_next(path: str | None) -> str:
    """Where to go after logging in: a path of this site only (``/orgs/x/portal?done=1``), never
    another site (``//evil.example``, ``https://...``, a backslash trick) or a header injection."""
    if (
        not path
        or not path.startswith("/")
        or path.startswith(("//", "/\\"))
        or any(c in path for c in "\\\r\n\t")
        or len(path) > 2000
    ):
        return "/"
    return path
