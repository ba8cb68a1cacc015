"""The casebook's figure: each court's holding beside Charter's verdict on the same act, the
rule and citation that decided it, and whether they agree.  Pure: the CLI loads and replays."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from charter.model.casebook import CasebookFile, agrees
from charter.model.kinds import Outcome, Severity, Status
from charter.replay import Timeline, Verdict

Agreement = Literal["agrees", "differs", "limit", "stale limit"]
"""``limit``: differs, for the reason the holding's ``limit`` gives; ``stale limit``: a limit
is written but Charter now agrees (the reason no longer holds: remove it)."""

_DECIDES: dict[Status, tuple[Severity, ...]] = {
    Status.FAILED: (Severity.FAILED,),
    Status.VOID: (Severity.VOID,),
    Status.VOIDABLE: (Severity.VOIDABLE,),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Row:
    case: str
    directory: str
    act: str
    held: str
    charter: str
    """Charter's answer: the verdict's status, or who holds the office."""
    agreement: Agreement
    rule: str
    citation: str
    ground: str
    journal: str
    limit: str | None = None
    detail: str = ""
    """What the deciding check found, as the replay says it."""
    kind: Literal["act", "office"] = "act"
    """``office``: a holding on who held an office at a moment (``in_office``)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "directory": self.directory,
            "act": self.act,
            "held": self.held,
            "charter": self.charter,
            "agreement": self.agreement,
            "rule": self.rule,
            "citation": self.citation,
            "ground": self.ground,
            "journal": self.journal,
            "limit": self.limit,
            "detail": self.detail,
            "kind": self.kind,
        }


def deciding_check(verdict: Verdict) -> Any:
    """The check that decided the verdict: the first failed one of the severity its status
    comes from; for an act that stands, the equity check that lost the claim; for a
    conditional one, the first unknown.  (A check, or None; ``report`` names no rules type.)"""
    checks = verdict.checks
    if verdict.status is Status.CONDITIONAL:
        return next((c for c in checks if c.outcome is Outcome.UNKNOWN), None)
    if verdict.status is Status.VALID_WITH_WARNINGS:
        equity = [c for c in checks if c.rule.startswith("equity.")]
        failed = [c for c in checks if c.outcome is Outcome.FAILED]
        return (equity or failed or [None])[0]
    severities = _DECIDES.get(verdict.status)
    if severities is None:
        return None
    return next(
        (c for c in checks if c.outcome is Outcome.FAILED and c.severity in severities), None
    )


def casebook_rows(
    directory: str, book: CasebookFile, timeline: Timeline, tz: dt.tzinfo = dt.UTC
) -> list[Row]:
    """``tz``: the case's timezone, in which an ``in_office`` moment is read."""
    by_id = {v.id: v for v in timeline.verdicts}
    rows: list[Row] = []
    for holding in book.holdings:
        verdict = by_id[holding.act]
        failed = frozenset(c.rule for c in verdict.checks if c.outcome is Outcome.FAILED)
        same = agrees(holding.held, verdict.status, failed)
        agreement = _agreement(same, holding.limit)
        decided = deciding_check(verdict)
        rows.append(
            Row(
                case=book.case,
                directory=directory,
                act=holding.act,
                held=holding.held,
                charter=verdict.status.value,
                agreement=agreement,
                rule=decided.rule if decided is not None else "all checks passed",
                citation=decided.citation if decided is not None else "",
                ground=holding.ground,
                journal=str(verdict.source),
                limit=holding.limit,
                detail=decided.detail if decided is not None else "",
            )
        )
    for office in book.in_office:
        at = _moment(office.at, tz)
        state = timeline.state_at(at)
        if office.office == "director":
            found: tuple[str, ...] = tuple(sorted(state.directors))
        elif office.office == "chair":
            found = (state.chair,) if state.chair else ()
        else:
            holder = state.holder(office.office)
            found = (holder,) if holder else ()
        same = set(found) == set(office.holds)
        agreement = _agreement(same, office.limit)
        rows.append(
            Row(
                case=book.case,
                directory=directory,
                act=f"{office.office} on {at:%Y-%m-%d}",
                held=", ".join(sorted(office.holds)) or "vacant",
                charter=", ".join(found) or "vacant",
                agreement=agreement,
                rule="de jure state",
                citation="",
                ground=office.ground,
                journal=f"the de jure state at {at:%Y-%m-%d %H:%M %Z}",
                limit=office.limit,
                kind="office",
            )
        )
    return rows


def _agreement(same: bool, limit: str | None) -> Agreement:
    """Whether Charter said what the court said, read against the limit written (if any)."""
    if limit is None:
        return "agrees" if same else "differs"
    return "stale limit" if same else "limit"


def _moment(at: dt.datetime | dt.date, tz: dt.tzinfo) -> dt.datetime:
    """A holding's moment in the case's timezone: a bare date is the end of that day."""
    if not isinstance(at, dt.datetime):
        at = dt.datetime.combine(at, dt.time.max)
    return at if at.tzinfo is not None else at.replace(tzinfo=tz)


def tally(rows: Sequence[Row]) -> dict[str, int]:
    """How many holdings agree, differ, are documented limits, or carry a stale limit."""
    out = {"holdings": len(rows), "agrees": 0, "differs": 0, "limit": 0, "stale limit": 0}
    for row in rows:
        out[row.agreement] += 1
    return out
