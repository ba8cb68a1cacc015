"""Action without a meeting: written consent (DGCL §141(f): all directors in office, and the
signers must amount to a quorum) or, where a profile allows it, informal majority action."""

from __future__ import annotations

import datetime as dt

from charter.model.bylaws import WrittenConsent
from charter.model.floors import CERTIFICATE, breaches
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
    if outcome is not Outcome.FAILED:
        out.extend(_certificate_authority(ctx, rule, prefix, what, counts["for"]))
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


def _certificate_authority(
    ctx: ActContext, rule: WrittenConsent, prefix: str, what: str, signed: int
) -> list[Check]:
    """Where the act relies on a departure from DGCL §141(f) that only a nonstock corporation's
    certificate may make (§141(j)) and the profile states it in the bylaws, the act stands only
    if the certificate authorises it: a fact the record does not give, so the check is unknown
    (never simply passed).  An act that would stand under §141(f) itself (everyone in office
    signed, in writing, a quorum of signers, in effect within 60 days) relies on nothing."""
    name = "written_consent" if prefix == "consent" else "action_without_meeting"
    found = {x.where[1] for x in breaches(ctx.bylaws) if x.conditional and x.where[0] == name}
    if not found:
        return []
    relied: list[str] = []
    votes = ctx.votes_of(sorted(ctx.state.directors))
    if "threshold" in found and any(v is not Vote.FOR for v in votes):
        relied.append(f"by {rule.threshold.describe()}")
    if "in_writing" in found and ctx.extra.get("in_writing") is not True:
        relied.append("not in writing")
    if "signers_at_least_quorum" in found and signed < quorum_required(ctx)[0]:
        relied.append("by fewer signers than a quorum")
    late = ctx.effective_at is not None and ctx.effective_at - ctx.at > dt.timedelta(days=60)
    if "max_delay_days" in found and late:
        relied.append("in effect more than 60 days after it is given")
    if not relied:
        return []
    how = ", ".join(relied)
    return [
        ctx.check(
            f"{prefix}.certificate",
            f"DGCL §141(f), (j); {rule.citation}",
            Outcome.UNKNOWN,
            f"{ctx.subject_text} by {what} {how}: DGCL §141(f) requires the written consent "
            "of every director in office; this profile's rule is written in the bylaws, and "
            f"only the certificate of a nonstock corporation may provide otherwise ({CERTIFICATE})"
            ", which the record does not show",
            missing=(
                f"whether the certificate of incorporation authorises {what} {how} ({CERTIFICATE})",
            ),
        )
    ]
