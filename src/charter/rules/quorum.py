"""Quorum (DGCL §141(b)): counted against the profile's base, with the withdrawal clause."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from charter.model.bylaws import parse_fraction, required_count
from charter.model.floors import CERTIFICATE, QUORUM, quorum_floor
from charter.model.kinds import ActKind, Outcome
from charter.rules.base import ActContext, Check, MeetingFacts, tally_outcome


@dataclass(frozen=True, slots=True, kw_only=True)
class _Required:
    """The quorum an act needs: the bylaws' count, raised to the statute's floor where the
    bylaws' count falls below it; ``relaxed`` is the bylaws' own count when that stands only
    if the certificate authorises it (a nonstock corporation's bylaws, DGCL §141(j))."""

    count: int
    of: str
    citation: str
    note: str = ""
    relaxed: int | None = None


def _required(ctx: ActContext) -> _Required:
    b, st = ctx.bylaws, ctx.state
    q = b.quorum
    total = st.authorized_seats if q.base == "authorized" else len(st.directors)
    base = "authorized seats" if q.base == "authorized" else "directors in office"
    of = f"{total} {base}"
    own = max(q.floor, required_count(q.fraction, total))
    floor, conditional = quorum_floor(b, st.authorized_seats)
    if own >= floor:
        below_third = parse_fraction(q.fraction)[0] < Fraction(1, 3)
        if b.kind == "nonstock" and q.source == "certificate" and below_third:
            # Not §141(b), which forbids it: the certificate's own authority.
            citation = (
                f"{CERTIFICATE}: a nonstock corporation's certificate sets a quorum below one third"
            )
            return _Required(count=own, of=of, citation=citation)
        return _Required(count=own, of=of, citation=q.citation)
    note = f"the statute's floor: the bylaws' {own} of {of} is less than one third"
    citation = f"{QUORUM.citation}: {QUORUM.requires}"
    return _Required(
        count=floor,
        of=f"{st.authorized_seats} authorized seats",
        citation=citation,
        note=note,
        relaxed=own if conditional else None,
    )


def quorum_required(ctx: ActContext) -> tuple[int, str]:
    """The count of directors that makes a quorum, never below the statute's floor."""
    r = _required(ctx)
    return r.count, r.of


def quorum(ctx: ActContext) -> list[Check]:
    m = ctx.meeting
    if m is None:
        return []
    q = ctx.bylaws.quorum
    r = _required(ctx)
    required, of = r.count, r.of
    q = q.model_copy(update={"citation": r.citation}) if r.citation != q.citation else q
    if r.note:
        of = f"{of} ({r.note})"
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
    if r.relaxed is not None and counted >= r.relaxed:
        return [
            ctx.check(
                rid,
                q.citation,
                Outcome.UNKNOWN,
                f"required {required} of {of}; present {counted}: a quorum under the bylaws "
                f"({r.relaxed}) only if the certificate of incorporation authorises a quorum "
                f"below one third ({CERTIFICATE})",
                missing=(
                    "whether the certificate of incorporation authorises a quorum below one "
                    f"third of the directors ({CERTIFICATE})",
                ),
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
