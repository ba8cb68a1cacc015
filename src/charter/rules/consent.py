"""Action without a meeting: written consent (DGCL §141(f): all directors in office, and the
signers must amount to a quorum) or, where a profile allows it, informal majority action."""

from __future__ import annotations

import datetime as dt

from charter.model.bylaws import WrittenConsent
from charter.model.kinds import ActKind, Outcome, Vote
from charter.rules.base import ActContext, Check, names, tally_outcome
from charter.rules.quorum import quorum_required
from charter.rules.threshold import passes_fn


def _rule(ctx: ActContext) -> tuple[WrittenConsent, str]:
    if ctx.form == "written-consent":
        return ctx.bylaws.written_consent, "consent"
    return ctx.bylaws.action_without_meeting, "without-meeting"


def consent(ctx: ActContext) -> list[Check]:
    if ctx.form == "meeting":
        return []
    rule, prefix = _rule(ctx)
    what = "written consent" if prefix == "consent" else "action without a meeting"
    if not rule.allowed:
        return [
            ctx.check(
                f"{prefix}.allowed",
                rule.citation,
                Outcome.FAILED,
                f"{ctx.subject_text}: {what} is not allowed by this profile; expected "
                "a vote at a duly called meeting",
            )
        ]
    out: list[Check] = []
    directors = sorted(ctx.state.directors)
    fn, need = passes_fn(rule.threshold, ctx, len(directors))
    outcome, counts, unknown = tally_outcome(directors, ctx, fn)
    not_signed = [p for p in directors if ctx.vote_of(p) not in (Vote.FOR, Vote.UNKNOWN)]
    verb = "signed" if prefix == "consent" else "agreed"
    detail = (
        f"{ctx.subject_text} by {what}: needs {rule.threshold.describe()} ({need}); "
        f"{verb}: {counts['for']}"
    )
    if not_signed:
        detail += f"; not {verb} by {names(not_signed)}"
    if unknown:
        detail += f"; unknown for {names(unknown)}"
    out.append(
        ctx.check(
            f"{prefix}.threshold",
            rule.threshold.citation or rule.citation,
            outcome,
            detail,
            missing=("who " + verb + " (" + ", ".join(unknown) + ")",)
            if unknown and outcome is Outcome.UNKNOWN
            else (),
        )
    )
    vac = ctx.bylaws.vacancies
    if rule.signers_at_least_quorum and ctx.spec.act is ActKind.FILL_VACANCY and vac.below_quorum:
        out.append(
            ctx.check(
                f"{prefix}.signers-quorum",
                vac.citation,
                Outcome.PASSED,
                "a vacancy may be filled by the directors then in office, though "
                "less than a quorum",
            )
        )
    elif rule.signers_at_least_quorum:
        required, of = quorum_required(ctx)
        q_outcome, _, _ = tally_outcome(directors, ctx, lambda f, a, b: f >= required)
        out.append(
            ctx.check(
                f"{prefix}.signers-quorum",
                rule.citation,
                q_outcome,
                f"signers must amount to a quorum: required {required} of {of}, "
                f"found {counts['for']}" + (f" (+{len(unknown)} unknown)" if unknown else ""),
                missing=(f"who {verb} ({', '.join(unknown)})",)
                if q_outcome is Outcome.UNKNOWN
                else (),
            )
        )
    if rule.in_writing and ctx.extra.get("in_writing") is False:
        out.append(
            ctx.check(
                f"{prefix}.in-writing",
                rule.citation,
                Outcome.FAILED,
                "expected consent in writing or by electronic transmission, "
                "found an informal agreement",
            )
        )
    if rule.max_delay_days is not None and ctx.effective_at is not None:
        delay = (ctx.effective_at - ctx.at) / dt.timedelta(days=1)
        ok = delay <= rule.max_delay_days
        out.append(
            ctx.check(
                f"{prefix}.delayed-effect",
                rule.citation,
                Outcome.PASSED if ok else Outcome.FAILED,
                f"effective {delay:.0f} days after signature"
                + ("" if ok else f", more than the {rule.max_delay_days} allowed"),
            )
        )
    return out
