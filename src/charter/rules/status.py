"""How an act's checks combine into its status.

Why here, in ``rules`` and not in ``replay``: the fold judges acts with it, and so does the power
analysis (``power`` asks whether a coalition's act would pass); a function two layers share
lives below both (STYLE.md §15), and ``power`` may import only ``model`` and ``rules``.
"""

from __future__ import annotations

from collections.abc import Iterable

from charter.model.kinds import Outcome, Severity, Status
from charter.rules.base import Check

_MAY_UNDO = (Severity.FAILED, Severity.VOID)


def status_of(checks: Iterable[Check]) -> Status:
    """An act that was not adopted (a vote that fell short, a consent never completed: a
    failed check of severity failed) fails; a known void defect decides; an act with a
    voidable defect but an open question that could make it fail or void is conditional (it
    may be of no effect), not merely voidable."""
    checks = list(checks)
    failed = [c for c in checks if c.outcome is Outcome.FAILED]
    if any(c.severity is Severity.FAILED for c in failed):
        return Status.FAILED
    if any(c.severity is Severity.VOID for c in failed):
        return Status.VOID
    unknown_void = any(c.outcome is Outcome.UNKNOWN and c.severity in _MAY_UNDO for c in checks)
    if any(c.severity is Severity.VOIDABLE for c in failed) and not unknown_void:
        return Status.VOIDABLE
    if any(c.outcome is Outcome.UNKNOWN for c in checks):
        return Status.CONDITIONAL
    if failed:
        return Status.VALID_WITH_WARNINGS
    return Status.VALID


def missing_of(checks: Iterable[Check]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for c in checks:
        if c.outcome is Outcome.UNKNOWN:
            for fact in c.missing or (c.detail,):
                seen.setdefault(fact, None)
    return tuple(seen)
