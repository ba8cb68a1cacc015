"""Authority to act: may the board take this act at all, and does its subject exist?"""

from __future__ import annotations

from charter.model.kinds import ActKind, Outcome, Severity, Vote
from charter.rules.base import ActContext, Check

_BODY = {"board": "the board", "members": "the members", "stockholders": "the stockholders"}


def authority(ctx: ActContext) -> list[Check]:
    """The board may only do what the profile gives it: under DGCL §141(k) a stock
    corporation's board cannot remove a director at all: such an act is void."""
    act, b = ctx.spec.act, ctx.bylaws
    if act is ActKind.REMOVE_DIRECTOR:
        rule = b.director_removal
        if "board" not in rule.by:
            who = " or ".join(_BODY[x] for x in rule.by)
            return [
                ctx.check(
                    "authority.remove-director",
                    rule.citation,
                    Outcome.FAILED,
                    f"{ctx.subject_text}: the board has no power to remove a director; "
                    f"expected removal by {who}, found an act of the board",
                )
            ]
        return [
            ctx.check(
                "authority.remove-director",
                rule.citation,
                Outcome.PASSED,
                "the board may remove directors under this profile",
            )
        ]
    if act is ActKind.ELECT_DIRECTOR:
        rule = b.director_election
        if "board" in rule.by:
            return [
                ctx.check(
                    "authority.elect-director",
                    rule.citation,
                    Outcome.PASSED,
                    "the board elects directors under this profile",
                )
            ]
        vacant = ctx.state.authorized_seats - len(ctx.state.directors)
        if vacant > 0 and b.vacancies.filled_by == "board":
            return [
                ctx.check(
                    "authority.elect-director",
                    b.vacancies.citation,
                    Outcome.PASSED,
                    f"directors are elected by {' or '.join(rule.by)}, but the board "
                    f"may fill a vacancy ({vacant} vacant)",
                )
            ]
        return [
            ctx.check(
                "authority.elect-director",
                rule.citation,
                Outcome.FAILED,
                f"{ctx.subject_text}: expected election by "
                f"{' or '.join(_BODY[x] for x in rule.by)}, found an act of the board "
                "with no vacancy to fill",
            )
        ]
    if act is ActKind.REMOVE_OFFICER:
        rule = b.officer_removal
        outcome = Outcome.PASSED if "board" in rule.by else Outcome.FAILED
        return [
            ctx.check(
                "authority.remove-officer",
                rule.citation,
                outcome,
                "officers are removed by the board"
                if outcome is Outcome.PASSED
                else f"officers are removed by {' or '.join(rule.by)}, not the board",
            )
        ]
    return []


def subject(ctx: ActContext) -> list[Check]:
    """The act must have an object: you cannot remove a CEO who does not hold the office."""
    act, s, st = ctx.spec.act, ctx.spec.subject, ctx.state
    person = s.person or ""

    def verdict(rule: str, ok: bool, passed: str, failed: str, severity: Severity) -> list[Check]:
        outcome = Outcome.PASSED if ok else Outcome.FAILED
        detail = passed if ok else f"{ctx.subject_text}: {failed}"
        return [ctx.check(rule, "act subject (state as replayed)", outcome, detail, severity)]

    if act is ActKind.REMOVE_OFFICER and s.office:
        holder = st.holder(s.office)
        return verdict(
            "subject.holds-office",
            holder == person,
            f"{person} holds {s.office}",
            f"expected {person} to hold {s.office}, found {holder or 'the office vacant'}",
            Severity.VOID,
        )
    if act is ActKind.REMOVE_DIRECTOR:
        return verdict(
            "subject.is-director",
            person in st.directors,
            f"{person} is a director",
            f"{person} is not a director",
            Severity.VOID,
        )
    if act in (ActKind.ELECT_DIRECTOR, ActKind.FILL_VACANCY):
        if person in st.directors:
            return verdict(
                "subject.seat-available",
                False,
                "",
                f"{person} is already a director",
                Severity.WARNING,
            )
        held = [e for e, _ in st.elected_seats if st.vacancies_of(e) > 0]
        seat = st.seat_filled(s.seat)
        if seat is not None:
            return _elected_seat(ctx, seat)
        vacant = st.open_seats
        reserved = f" ({', '.join(held)} elect the other vacant seats)" if held else ""
        return verdict(
            "subject.seat-available",
            vacant > 0,
            f"{vacant} of {st.authorized_seats} seats vacant",
            f"expected a vacant seat, found all {st.authorized_seats} authorized seats filled"
            + reserved,
            Severity.VOID,
        )
    if act is ActKind.ELECT_CHAIR:
        return verdict(
            "subject.chair-is-director",
            person in st.directors,
            f"{person} is a director",
            f"the chair must be a director; {person} is not",
            Severity.VOID,
        )
    if act is ActKind.REMOVE_CHAIR:
        return verdict(
            "subject.is-chair",
            st.chair is not None and (not person or st.chair == person),
            f"{st.chair} is chair",
            f"expected {person or 'a chair'} as chair, found {st.chair or 'no chair'}",
            Severity.WARNING,
        )
    if act is ActKind.CHANGE_BOARD_SIZE and ctx.spec.seats is not None:
        seats, n = ctx.spec.seats, len(st.directors)
        return [
            ctx.check(
                "subject.board-size",
                "act subject (state as replayed)",
                Outcome.PASSED if seats >= n else Outcome.FAILED,
                f"{seats} seats for {n} directors"
                if seats >= n
                else f"board size {seats} is below the {n} directors in office "
                f"({n - seats} too many); remove directors first",
                Severity.VOID,
            )
        ]
    return []


SEAT_CITATION = (
    "DGCL §223(a)(2): a vacancy in a seat a class elects is filled by a majority of the "
    "directors that class elected then in office, or by its sole remaining one (or by the class)"
)


def _elected_seat(ctx: ActContext, elector: str) -> list[Check]:
    """The board fills a seat that ``elector`` elects: only the directors ``elector`` elected
    may, by a majority of them in office; the rest of the board has no say."""
    st = ctx.state
    if st.vacancies_of(elector) == 0:
        return [
            ctx.check(
                "subject.seat-available",
                SEAT_CITATION,
                Outcome.FAILED,
                f"{ctx.subject_text}: no vacant seat elected by {elector}",
            )
        ]
    theirs = sorted(p for p, e in st.electors if e == elector and p in st.directors)
    if not theirs:
        return [
            ctx.check(
                "seats.elected-by",
                SEAT_CITATION,
                Outcome.FAILED,
                f"{ctx.subject_text}: the seat is elected by {elector}, and no director it "
                f"elected is in office: the vacancy is for {elector} to fill, not the board",
            )
        ]
    if ctx.votes is None:
        return [
            ctx.check(
                "seats.elected-by",
                SEAT_CITATION,
                Outcome.UNKNOWN,
                f"{ctx.subject_text}: the seat is elected by {elector}; only its directors "
                f"({', '.join(theirs)}) may fill it, and the tally is not recorded",
                missing=(f"the votes of {', '.join(theirs)}",),
            )
        ]
    votes = ctx.votes_of(theirs)
    ayes = [p for p, v in zip(theirs, votes, strict=True) if v is Vote.FOR]
    unknown = [p for p, v in zip(theirs, votes, strict=True) if v is Vote.UNKNOWN]
    need = len(theirs) // 2 + 1
    if len(ayes) >= need:
        outcome = Outcome.PASSED
    elif len(ayes) + len(unknown) >= need:
        outcome = Outcome.UNKNOWN
    else:
        outcome = Outcome.FAILED
    return [
        ctx.check(
            "seats.elected-by",
            SEAT_CITATION,
            outcome,
            f"{ctx.subject_text}: the seat is elected by {elector}; {len(ayes)} of its "
            f"{len(theirs)} directors in office for, {need} needed",
            missing=(f"the votes of {', '.join(unknown)}",) if outcome is Outcome.UNKNOWN else (),
        )
    ]
