"""Interested directors (DGCL §144; RONR): recusal, and the disinterested-majority safe harbour."""

from __future__ import annotations

from charter.model.bylaws import required_count
from charter.model.kinds import ActKind, Outcome, Severity, Vote
from charter.rules.base import ActContext, Check, names

_REMOVALS = {ActKind.REMOVE_DIRECTOR: "director_removal", ActKind.REMOVE_OFFICER: "officer_removal"}


def recusal(ctx: ActContext) -> list[Check]:
    rule = ctx.bylaws.recusal
    out: list[Check] = []
    attr = _REMOVALS.get(ctx.spec.act)
    subject = ctx.spec.subject.person
    if attr is not None and subject is not None:
        removal = getattr(ctx.bylaws, attr)
        if not removal.subject_may_vote:
            vote = ctx.vote_of(subject)
            outcome = {
                Vote.FOR: Outcome.FAILED,
                Vote.AGAINST: Outcome.FAILED,
                Vote.UNKNOWN: Outcome.UNKNOWN,
            }.get(vote, Outcome.PASSED)
            out.append(
                ctx.check(
                    "recusal.subject",
                    removal.citation,
                    outcome,
                    f"the subject {subject} may not vote on the removal; found '{vote.value}'",
                    Severity.VOIDABLE,
                    missing=(f"vote of {subject}",) if vote is Vote.UNKNOWN else (),
                )
            )
    if not ctx.interested:
        return out
    voting = [p for p in sorted(ctx.interested) if p in ctx.state.directors]
    if rule.interested_must_recuse:
        voted = [p for p in voting if ctx.vote_of(p) in (Vote.FOR, Vote.AGAINST)]
        unknown = [p for p in voting if ctx.vote_of(p) is Vote.UNKNOWN]
        outcome = Outcome.FAILED if voted else Outcome.UNKNOWN if unknown else Outcome.PASSED
        detail = (
            f"interested directors must recuse; expected no vote from "
            f"{names(voting)}, found votes from {names(voted)}"
            if voted
            else f"votes of interested {names(unknown)} not recorded"
            if unknown
            else f"interested {names(voting)} did not vote"
        )
        out.append(
            ctx.check(
                "recusal.interested",
                rule.citation,
                outcome,
                detail,
                Severity.VOIDABLE,
                missing=tuple(f"vote of {p}" for p in unknown),
            )
        )
    if ctx.spec.act is ActKind.APPROVE_TRANSACTION and rule.disinterested_majority_safe_harbour:
        disinterested = sorted(ctx.state.directors - ctx.interested)
        need = required_count("majority", len(disinterested))
        # A director absent from the meeting (attendance recorded) did not vote: absent, not
        # unknown (``ActContext.votes_of``).
        votes = ctx.votes_of(disinterested)
        yes = votes.count(Vote.FOR)
        unknown = [p for p, v in zip(disinterested, votes, strict=True) if v is Vote.UNKNOWN]
        maybe = len(unknown)
        outcome = (
            Outcome.PASSED
            if yes >= need
            else Outcome.UNKNOWN
            if yes + maybe >= need
            else Outcome.FAILED
        )
        out.append(
            ctx.check(
                "recusal.safe-harbour",
                rule.citation,
                outcome,
                f"safe harbour needs a majority of the {len(disinterested)} "
                f"disinterested directors ({need}); found {yes} for"
                + (f", {maybe} unknown ({', '.join(unknown)})" if maybe else ""),
                Severity.WARNING,
                missing=tuple(f"vote of {p}" for p in unknown)
                if outcome is Outcome.UNKNOWN
                else (),
            )
        )
    return out
