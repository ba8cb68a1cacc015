"""Equity: whether a voidable act still stands open to challenge, is barred, or was challenged.

A void act is a nullity whatever anyone does afterwards (Fogel v. U.S. Energy Systems, Del. Ch.
2007: void acts cannot be ratified).  A *voidable* act - one taken with an equitable defect, such
as a director deceived about a meeting's purpose - stands unless its claimant asks a court to set
it aside, and the claim is lost by acquiescence or by unreasonable delay (Klaassen v. Allegro,
Del. 2014).  So the journal's later facts (``acquiescence``, ``challenge``) change the act's
verdict, not its past: the act was voidable when taken; whether it still is depends on what its
claimants did.  Pure: the fold hands over the act's checks and the facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from charter.model.bylaws import Equity
from charter.model.kinds import Outcome, Severity
from charter.model.source import Source
from charter.rules.base import Check


@dataclass(frozen=True, slots=True, kw_only=True)
class EquityFact:
    """One ``acquiescence`` or ``challenge`` of an act, as the journal records it."""

    kind: Literal["acquiescence", "challenge"]
    person: str
    at: dt.datetime
    source: Source
    text: str = ""


def _line(fact: EquityFact) -> str:
    return f"{fact.at:%Y-%m-%d} ({fact.source})"


def equitable_checks(
    checks: Sequence[Check], act_at: dt.datetime, facts: Sequence[EquityFact], rule: Equity
) -> list[Check]:
    """The act's checks with its equity settled by ``facts`` (in time order).

    Each claimant of a voidable defect (the deceived directors; none named: whoever challenged
    or acquiesced) keeps the claim unless they acquiesced before challenging, or challenged
    later than ``laches_days`` after the act.  When no claimant keeps it, the voidable defects
    become warnings and the act stands; a claim brought in time is recorded as such."""
    if not facts:
        return list(checks)
    failed = [c for c in checks if c.outcome is Outcome.FAILED]

    def note(rid: str, outcome: Outcome, severity: Severity, detail: str) -> Check:
        """What the facts settled, cited and located at the last of them."""
        return Check(
            rule=rid,
            citation=rule.citation,
            outcome=outcome,
            severity=severity,
            detail=detail,
            source=facts[-1].source,
        )

    if any(c.severity is Severity.VOID for c in failed):
        acquiesced = [f for f in facts if f.kind == "acquiescence"]
        if not acquiesced:
            return list(checks)
        who = ", ".join(f"{f.person} on {_line(f)}" for f in acquiesced)
        detail = f"acquiescence by {who} cannot cure a void act"
        return [*checks, note("equity.void", Outcome.FAILED, Severity.WARNING, detail)]
    voidable = [c for c in failed if c.severity is Severity.VOIDABLE]
    if not voidable:
        return list(checks)
    named = sorted({p for c in voidable for p in c.claimants})
    claimants = named or sorted({f.person for f in facts})
    lost: dict[str, tuple[str, str]] = {}
    kept: dict[str, str] = {}
    for person in claimants:
        own = [f for f in facts if f.person == person]
        challenge = next((f for f in own if f.kind == "challenge"), None)
        before = [
            f
            for f in own
            if f.kind == "acquiescence" and (challenge is None or f.at <= challenge.at)
        ]
        if before and rule.acquiescence:
            first = before[0]
            lost[person] = (
                "equity.acquiescence",
                f"{person} acquiesced on {_line(first)}: {first.text}",
            )
            continue
        if challenge is None:
            continue
        days = (challenge.at - act_at).days
        if rule.laches_days is not None and days > rule.laches_days:
            lost[person] = (
                "equity.laches",
                f"{person} challenged it on {_line(challenge)}, {days} days after the act "
                f"(laches: {rule.laches_days} days)",
            )
        else:
            kept[person] = (
                f"{person} challenged it on {_line(challenge)}, {days} days after the act"
            )
    if kept or len(lost) < len(claimants):
        if not kept:
            return list(checks)
        detail = "the claim was brought in time: " + "; ".join(kept.values())
        return [*checks, note("equity.challenge", Outcome.PASSED, Severity.VOIDABLE, detail)]
    barred = "; ".join(text for _, text in lost.values())
    out = [
        replace(c, severity=Severity.WARNING, detail=f"{c.detail} (the claim is lost)")
        if any(c is v for v in voidable)
        else c
        for c in checks
    ]
    rules = {rid for rid, _ in lost.values()}
    rid = "equity.acquiescence" if "equity.acquiescence" in rules else "equity.laches"
    return [*out, note(rid, Outcome.FAILED, Severity.WARNING, f"the act stands: {barred}")]
