"""Resignations (DGCL §141(b)): effective on delivery unless they name a later time."""

from __future__ import annotations

from charter.model.kinds import ActKind, Outcome, Severity
from charter.rules.base import ActContext, Check


def resignation(ctx: ActContext) -> list[Check]:
    if ctx.spec.act is not ActKind.RESIGN:
        return []
    rule = ctx.bylaws.resignation
    st = ctx.state
    person = ctx.spec.subject.person or ""
    positions: tuple[str, ...] = ctx.extra.get("positions", ())
    out: list[Check] = []
    held: list[str] = []
    not_held: list[str] = []
    for pos in positions:
        ok = (
            person in st.directors
            if pos == "director"
            else st.chair == person
            if pos == "chair"
            else st.holder(pos) == person
        )
        (held if ok else not_held).append(pos)
    out.append(
        ctx.check(
            "resignation.holds-position",
            rule.citation,
            Outcome.FAILED if not_held else Outcome.PASSED,
            f"{person} resigns as {', '.join(positions)}"
            + (f"; does not hold {', '.join(not_held)}" if not_held else ""),
            Severity.WARNING,
        )
    )
    effective = ctx.effective_at
    if ctx.extra.get("effective_unknown"):
        out.append(
            ctx.check(
                "resignation.timing",
                rule.citation,
                Outcome.UNKNOWN,
                "when the resignation takes effect is not recorded; on delivery is assumed",
                missing=(f"effective time of {person}'s resignation",),
            )
        )
    elif effective is None or effective == ctx.at:
        out.append(
            ctx.check(
                "resignation.timing",
                rule.citation,
                Outcome.PASSED,
                f"effective on delivery ({ctx.at.isoformat()})",
            )
        )
    elif effective < ctx.at:
        out.append(
            ctx.check(
                "resignation.timing",
                rule.citation,
                Outcome.FAILED,
                f"a resignation cannot be backdated: named {effective.isoformat()}, "
                f"delivered {ctx.at.isoformat()}; effective on delivery",
                Severity.WARNING,
            )
        )
    else:
        out.append(
            ctx.check(
                "resignation.timing",
                rule.citation,
                Outcome.PASSED,
                f"effective later, at {effective.isoformat()} (named in the resignation)",
            )
        )
    if ctx.extra.get("in_writing") is False and not rule.oral_at_meeting:
        out.append(
            ctx.check(
                "resignation.form",
                rule.citation,
                Outcome.FAILED,
                "expected a resignation in writing or by electronic transmission; "
                "found an oral one, which this profile does not accept",
            )
        )
    return out
