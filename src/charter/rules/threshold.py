"""Voting thresholds: each is a pair (fraction, base), so 'majority' means nothing until the
base is known - votes cast (RONR), directors present (DGCL), in office or authorized seats."""

from __future__ import annotations

from fractions import Fraction

from charter.model.bylaws import Threshold, parse_fraction, required_count
from charter.model.floors import CERTIFICATE, at_least_majority_present
from charter.model.kinds import CAST_VOTES, ActKind, Outcome, Severity, Vote
from charter.rules.base import ActContext, Check, tally_outcome

MAJORITY_PRESENT = Threshold(fraction="majority", base="present", citation="DGCL §141(b)")


def _needs_certificate(ctx: ActContext, th: Threshold) -> bool:
    """Whether ``th`` is below DGCL §141(b) in a nonstock corporation's bylaws (a departure
    only its certificate may make: ``charter.model.floors``)."""
    b = ctx.bylaws
    if b.kind != "nonstock" or th.source == "certificate" or ctx.spec.act is ActKind.FILL_VACANCY:
        return False
    return not at_least_majority_present(th)


def applicable_threshold(ctx: ActContext) -> Threshold:
    if ctx.spec.act is ActKind.FILL_VACANCY:
        return ctx.bylaws.vacancies.threshold
    return ctx.bylaws.threshold_for(ctx.spec.act)


def voters(ctx: ActContext) -> list[str]:
    """Directors entitled to vote: in office (de jure) and, at a meeting, present."""
    in_office = ctx.state.directors
    if ctx.meeting is not None and ctx.meeting.present is not None:
        return sorted(ctx.meeting.present & in_office)
    return sorted(in_office)


def counted(th: Threshold, ctx: ActContext, people: list[str]) -> list[str]:
    """The directors a threshold counts among ``people``: all, or those holding no office."""
    if th.among == "non-officers":
        return [p for p in people if not ctx.state.offices_of(p)]
    return people


def passes_fn(th: Threshold, ctx: ActContext, n_present: int):  # type: ignore[no-untyped-def]
    frac, strict = parse_fraction(th.fraction)
    if th.base == "cast":

        def cast(f: int, a: int, _abstain: int) -> bool:
            total = f + a
            if total == 0:
                return False
            share = Fraction(f, total)
            return share > frac if strict else share >= frac

        return cast, "votes cast"
    in_office = len(counted(th, ctx, sorted(ctx.state.directors)))
    total = {
        "present": n_present,
        "in-office": in_office,
        "authorized": ctx.state.authorized_seats
        if th.among == "all"
        else in_office + ctx.state.open_seats,
    }[th.base]
    need = required_count(th.fraction, total)
    return (lambda f, a, b: total > 0 and f >= need), f"{need} of {total}"


def _absent_voters(ctx: ActContext, people: list[str]) -> list[str]:
    """Directors in office recorded as voting at a meeting they were not present at: their votes
    do not count, and the check says so rather than dropping them silently.  (A vote by someone
    not in office at all is disregarded by the replay: see :func:`disregarded`.)"""
    if ctx.votes is None or ctx.meeting is None or ctx.meeting.present is None:
        return []
    counted, in_office = set(people), ctx.state.directors
    return sorted(
        p for p, v in ctx.votes.items() if p not in counted and p in in_office and v in CAST_VOTES
    )


def threshold(ctx: ActContext) -> list[Check]:
    if ctx.spec.act in (ActKind.FILL_VACANCY, ActKind.ELECT_DIRECTOR) and (
        ctx.state.seat_filled(ctx.spec.subject.seat) is not None
    ):
        return []  # a seat a class elects: its directors decide (rule seats.elected-by)
    th = applicable_threshold(ctx)
    people = counted(th, ctx, voters(ctx))
    recused = Vote.RECUSED  # named once, not per voter (an enum look-up each)
    pairs = [(p, v) for p, v in zip(people, ctx.votes_of(people), strict=True) if v is not recused]
    eligible = [p for p, _ in pairs]
    fn, need = passes_fn(th, ctx, len(people))
    outcome, counts, unknown = tally_outcome(eligible, ctx, fn, [v for _, v in pairs])
    counts["recused"] = len(people) - len(eligible)  # not counted, but said
    tally = f"for {counts['for']}, against {counts['against']}, abstain {counts['abstain']}"
    if counts["recused"]:
        tally += f", recused {counts['recused']}"
    if unknown:
        tally += f"; votes of {', '.join(unknown)} unknown"
    absent = _absent_voters(ctx, people)
    if absent:
        tally += f"; votes of {', '.join(absent)} not counted: not present"
    if outcome is Outcome.FAILED and th.base != "cast":
        total_need = int(need.split(" of ")[0])
        gap = f" ({total_need - counts['for']} short)"
    elif outcome is Outcome.FAILED:
        gap = " (a tie or less fails)" if th.fraction == "majority" else ""
    else:
        gap = ""
    needs = th.describe() if th.base == "cast" else f"{th.describe()} ({need})"
    detail = f"{ctx.subject_text}: needs {needs}; found {tally}{gap}"
    missing = ("the tally (votes of " + ", ".join(unknown) + ")",) if unknown else ()
    if outcome is not Outcome.FAILED and _needs_certificate(ctx, th):
        # A nonstock corporation's bylaws set a threshold below DGCL §141(b)'s majority of
        # those present: the act stands on it only if the certificate authorises it (§141(j)).
        floor_fn, floor_need = passes_fn(MAJORITY_PRESENT, ctx, len(people))
        floor_outcome, _, _ = tally_outcome(eligible, ctx, floor_fn, [v for _, v in pairs])
        if floor_outcome is not Outcome.PASSED:
            fact = (
                f"whether the certificate of incorporation authorises an act of the board by "
                f"{th.describe()} ({CERTIFICATE})"
            )
            detail += (
                f"; DGCL §141(b) requires a majority of directors present ({floor_need}), and "
                f"only the certificate may provide otherwise ({CERTIFICATE})"
            )
            outcome, missing = Outcome.UNKNOWN, (*missing, fact)
    return [
        ctx.check(
            f"threshold.{ctx.spec.act.value}",
            th.citation,
            outcome,
            detail,
            Severity.FAILED,
            missing=missing,
        )
    ]


def disregarded(ctx: ActContext) -> list[Check]:
    """Votes (or consent signatures) recorded from people who are not directors at the act:
    not counted, and said, with why, as a warning on the act (the record holds a vote it
    should not)."""
    if not ctx.disregarded:
        return []
    if ctx.form == "written-consent":
        citation = ctx.bylaws.written_consent.citation
    elif ctx.form == "without-meeting":
        citation = ctx.bylaws.action_without_meeting.citation
    else:
        citation = applicable_threshold(ctx).citation
    return [
        ctx.check(
            "votes.not-directors",
            citation,
            Outcome.FAILED,
            "; ".join(ctx.disregarded[p] for p in sorted(ctx.disregarded))
            + " (only directors in office vote; not counted)",
            Severity.WARNING,
        )
    ]
