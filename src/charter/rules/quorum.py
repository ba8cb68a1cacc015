"""Quorum (DGCL §141(b)): counted against the profile's base, with the withdrawal clause."""

from __future__ import annotations

from charter.model.bylaws import required_count
from charter.model.kinds import ActKind, Outcome
from charter.rules.base import ActContext, Check, MeetingFacts, tally_outcome


def quorum_required(ctx: ActContext) -> tuple[int, str]:
    q, st = ctx.bylaws.quorum, ctx.state
    total = st.authorized_seats if q.base == "authorized" else len(st.directors)
    base = "authorized seats" if q.base == "authorized" else "directors in office"
    return max(q.floor, required_count(q.fraction, total)), f"{total} {base}"


def quorum(ctx: ActContext) -> list[Check]:
    m = ctx.meeting
    if m is None:
        return []
    q = ctx.bylaws.quorum
    required, of = quorum_required(ctx)
    rid = "quorum"
    vac = ctx.bylaws.vacancies
    if ctx.spec.act is ActKind.FILL_VACANCY and vac.below_quorum:
        return [
            ctx.check(
                rid,
                vac.citation,
                Outcome.PASSED,
                f"a vacancy may be filled with less than a quorum (required {required} "
                f"of {of} does not apply)",
            )
        ]
    if m.present is None and len(ctx.state.directors) < required:
        return [
            ctx.check(
                rid,
                q.citation,
                Outcome.FAILED,
                f"quorum cannot be met: required {required} of {of}, but only "
                f"{len(ctx.state.directors)} directors are in office "
                f"({required - len(ctx.state.directors)} short)",
            )
        ]
    if m.present is None:
        return [
            ctx.check(
                rid,
                q.citation,
                Outcome.UNKNOWN,
                f"required {required} of {of}; who was present is not recorded",
                missing=(f"attendance at {m.id}",),
            )
        ]
    present = m.present & ctx.state.directors
    counts_remote = ctx.bylaws.remote_presence.allowed and q.remote_counts
    if m.remote is True and not counts_remote:
        counted = 0
        note = " (remote participants do not count under this profile)"
    elif m.remote is None and not counts_remote:
        return [
            ctx.check(
                rid,
                q.citation,
                Outcome.UNKNOWN,
                f"required {required} of {of}; {len(present)} present, but remote "
                "presence does not count and whether they were remote is not recorded",
                missing=(f"whether {m.id} was remote",),
            )
        ]
    else:
        counted = len(present)
        note = ""
    interested_count = ctx.bylaws.recusal.interested_count_for_quorum
    if not interested_count:
        counted -= len(present & ctx.interested)
    if counted >= required:
        return [
            ctx.check(
                rid, q.citation, Outcome.PASSED, f"required {required} of {of}, present {counted}"
            )
        ]
    short = (
        f"quorum not met: required {required} of {of}, present {counted} "
        f"({required - counted} short){note}"
    )
    had = _had_quorum(ctx, m, required, counted_remote=counts_remote)
    if had is None and q.withdrawal != "lost":
        return [
            ctx.check(
                rid,
                q.citation,
                Outcome.UNKNOWN,
                f"{short}; whether the meeting had a quorum before the withdrawals is not known: "
                f"at its largest {m.max_present} directors were present, but interested directors "
                f"({', '.join(sorted(ctx.interested & _there(ctx, m)))}), who do not count, "
                "attended at some point",
                missing=(f"who was present at {m.id} when its attendance was largest",),
            )
        ]
    if had and q.withdrawal == "continue":
        return [
            ctx.check(
                rid,
                q.citation,
                Outcome.PASSED,
                f"{short}; the meeting had a quorum and may continue after withdrawals",
            )
        ]
    if had and q.withdrawal == "continue-if-majority-of-quorum":
        need = required_count("majority", required)
        voting = present if interested_count else present - ctx.interested
        outcome, counts, unknown = tally_outcome(sorted(voting), ctx, lambda f, a, b: f >= need)
        detail = (
            f"{short}; the meeting had a quorum, so the act stands if approved by a "
            f"majority of the required quorum: expected {need} for, found "
            f"{counts['for']}" + (f" (+{len(unknown)} unknown)" if unknown else "")
        )
        return [
            ctx.check(
                "quorum.withdrawal",
                q.citation,
                outcome,
                detail,
                missing=("votes of " + ", ".join(unknown),) if unknown else (),
            )
        ]
    return [ctx.check(rid, q.citation, Outcome.FAILED, short)]


def _there(ctx: ActContext, m: MeetingFacts) -> frozenset[str]:
    """Every director who was at the meeting at some point up to the act."""
    at_open = m.present_at_open or frozenset()
    return (at_open | m.attended | (m.present or frozenset())) & ctx.state.directors


def _had_quorum(
    ctx: ActContext, m: MeetingFacts, required: int, *, counted_remote: bool
) -> bool | None:
    """Whether the meeting had a quorum at its largest attendance, counted as quorum is counted
    now (remote participants, interested directors); None when that cannot be known.

    Only the largest number of directors present is recorded, not who they were.  Where
    interested directors do not count and some attended, the count at the peak lies between
    that number less those directors and that number; it is exact when the peak was the
    opening, whose attendance is recorded."""
    if m.max_present is None or (m.remote is True and not counted_remote):
        return False
    if ctx.bylaws.recusal.interested_count_for_quorum or not ctx.interested:
        return m.max_present >= required
    at_open = (m.present_at_open or frozenset()) & ctx.state.directors
    if m.present_at_open is not None and len(at_open) == m.max_present:
        return len(at_open - ctx.interested) >= required
    lowest = m.max_present - len(_there(ctx, m) & ctx.interested)
    if lowest >= required:
        return True
    if m.max_present < required:
        return False
    return None
