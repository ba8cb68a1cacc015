"""Verdicts as the API answers them, and which of their checks make an act legally defective
(what needs ``confirm``)."""

from __future__ import annotations

from typing import Any

from charter.model.kinds import Outcome, Severity, Status
from charter.replay.engine import Verdict


def verdict_json(v: Verdict) -> dict[str, Any]:
    data = v.to_json()
    data["failed_rules"] = [c.rule for c in v.checks if c.outcome is Outcome.FAILED]
    return data


def defects(v: Verdict, *, final: bool = True) -> list[dict[str, Any]]:
    """The failed checks that make an act legally defective.  Before a motion closes a failing
    threshold only means not enough votes *yet*; it is not a defect of the vote.  A warning is
    not a defect: the act stands (a notice shortfall waived by attendance, say), and the
    verdict returned says it."""
    out = []
    for c in v.checks:
        if c.outcome is not Outcome.FAILED or c.severity is Severity.WARNING:
            continue
        if c.rule.startswith("threshold.") and (not final or v.status is Status.FAILED):
            continue
        out.append(c.to_json())
    return out
