"""A change of the structure (issue 13) stands on the act that authorised it.

A conversion, a recapitalization, a right granted over a board: each is the act of some body
(the board, the holders, both), and the journal names it with ``by:``.  The change is judged by
that act: it stands where the act stands, falls where the act is void, is voidable where the
act is, and is conditional where the record does not say which act authorised it (the usual
case for a change known only from a press release)."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from charter.model.bylaws import parse_fraction
from charter.model.kinds import ActKind, Outcome, Severity, Status
from charter.model.structure import RightView
from charter.rules.base import ActContext, Check

CITATION = "the act that authorised the change (by:), judged under its own rules"


def structure_authority(ctx: ActContext) -> list[Check]:
    if ctx.spec.act is not ActKind.RESTRUCTURE:
        return []
    act: str | None = ctx.extra.get("by")
    status: Status | None = ctx.extra.get("by_status")
    if act is None:
        return [
            ctx.check(
                "structure.authority",
                CITATION,
                Outcome.UNKNOWN,
                "the record does not say which act authorised it",
                missing=("the act that authorised it",),
            )
        ]
    if status in (Status.VALID, Status.VALID_WITH_WARNINGS):
        return [ctx.check("structure.authority", CITATION, Outcome.PASSED, f"authorised by {act}")]
    if status is Status.CONDITIONAL:
        return [
            ctx.check(
                "structure.authority",
                CITATION,
                Outcome.UNKNOWN,
                f"authorised by {act}, whose own verdict is conditional",
                missing=(f"the facts {act} turns on",),
            )
        ]
    severity = Severity.VOIDABLE if status is Status.VOIDABLE else Severity.VOID
    state = "not adopted" if status is Status.FAILED else str(status)
    return [
        ctx.check(
            "structure.authority",
            CITATION,
            Outcome.FAILED,
            f"authorised by {act}, which is {state}",
            severity,
        )
    ]


def advance_notice(ctx: ActContext) -> list[Check]:
    """A change of an entity over which someone holds an advance-notice right (an attorney
    general's, under a regulator's agreement) needs that notice: given where the event says
    whom it ``notified``, unknown where it does not."""
    if ctx.spec.act is not ActKind.RESTRUCTURE:
        return []
    entity: str | None = ctx.extra.get("entity")
    owed = [
        r
        for r in ctx.state.structure.rights
        if r.right == "advance-notice"
        and r.over == entity
        and not (r.since is not None and r.since >= ctx.at.date().isoformat())
    ]  # a right granted with this change is not owed for it
    return _holders_heard(
        ctx,
        owed,
        ctx.extra.get("notified", ()),
        "structure.advance-notice",
        lambda r: f"advance notice owed to {r.holder} since {r.since}",
        lambda r: (
            f"{r.holder} was told in advance",
            f"whether {r.holder} was told in advance is not recorded",
            f"whether {r.holder} was told of it in advance",
        ),
        Severity.VOIDABLE,
    )


def _holders_heard(
    ctx: ActContext,
    rights: list[RightView],
    heard: tuple[str, ...],
    rule: str,
    citation: Callable[[RightView], str],
    texts: Callable[[RightView], tuple[str, str, str]],
    severity: Severity = Severity.VOID,
) -> list[Check]:
    """For each right whose holder must be heard (told in advance, asked to consent): passed
    where the event names the holder in ``heard``, unknown (a missing fact) where it does not.
    ``texts(r)``: the detail when heard, the detail when not, and the missing fact."""
    out = []
    for r in rights:
        given = r.holder in heard
        done, pending, fact = texts(r)
        out.append(
            ctx.check(
                rule,
                citation(r) + (f" ({r.matters})" if r.matters else ""),
                Outcome.PASSED if given else Outcome.UNKNOWN,
                done if given else pending,
                severity,
                missing=() if given else (fact,),
            )
        )
    return out


def holder_election(ctx: ActContext) -> list[Check]:
    """An elector fills a seat it elects: it must hold a vacancy (``ctx.extra['elector']``);
    or removes a director: only one it elected (DGCL §141(k))."""
    elector: str = ctx.extra.get("elector", "")
    person = ctx.spec.subject.person or ""
    st = ctx.state
    if ctx.spec.act is ActKind.REMOVE_DIRECTOR:
        seat = st.elector_of(person)
        if person not in st.directors:
            ok, detail = False, f"{person} is not a director"
        elif seat == elector:
            ok, detail = True, f"{person} sits in a seat {elector} elects"
        else:
            where = f"a seat {seat} elects" if seat else "a seat at large"
            ok = False
            detail = (
                f"{person} sits in {where}: a director a class elects is removed by that "
                f"class, not by {elector}"
            )
        return [
            ctx.check(
                "seats.holder-removal",
                "DGCL §141(k): the holders who elect a director remove him",
                Outcome.PASSED if ok else Outcome.FAILED,
                detail,
            )
        ]
    if person in st.directors:
        return [
            ctx.check(
                "seats.holder-election",
                HOLDER_CITATION,
                Outcome.FAILED,
                f"{person} is already a director",
                Severity.WARNING,
            )
        ]
    vacant = st.vacancies_of(elector)
    elects = dict(st.elected_seats).get(elector, 0)
    if vacant and len(st.directors) >= st.authorized_seats:
        return [
            ctx.check(
                "seats.holder-election",
                HOLDER_CITATION,
                Outcome.UNKNOWN,
                f"{elector} elects {elects} seats, {vacant} of them not held by its directors, "
                f"but all {st.authorized_seats} authorized seats are filled in the record",
                missing=(f"which director left to free a seat for {person}",),
            )
        ]
    return [
        ctx.check(
            "seats.holder-election",
            HOLDER_CITATION,
            Outcome.PASSED if vacant else Outcome.FAILED,
            f"{elector} elects {elects} seats, {vacant} vacant"
            if vacant
            else f"{elector} elects {elects} seats and none is vacant: it cannot seat {person}",
        )
    ]


HOLDER_CITATION = (
    "DGCL §141(d), §223(a)(2): directors a class elects are elected by that class; the seats "
    "are the certificate's (elected_seats, seats-allotted)"
)


NO_COMMITTEE = {ActKind.AMEND_BYLAWS}
"""Acts no committee may take whatever the board delegates (DGCL §141(c)(2): adopting,
amending or repealing bylaws; matters for the stockholders are not acts of this engine)."""


def committee_act(ctx: ActContext) -> list[Check]:
    """A committee acts only where it may: never on what §141(c)(2) keeps for the board, and
    only under a power the board delegated to it (``under``, one of its ``powers``)."""
    committee = ctx.extra.get("committee")
    if committee is None:
        return []
    name = committee.name
    citation = "DGCL §141(c)(2): a committee exercises the powers the board delegates to it"
    if ctx.spec.act in NO_COMMITTEE:
        return [
            ctx.check(
                "committee.authority",
                citation,
                Outcome.FAILED,
                f"{ctx.subject_text}: no committee may {ctx.spec.act.value.replace('-', ' ')}; "
                f"{name} cannot",
            )
        ]
    under: str | None = ctx.extra.get("under")
    if under is None:
        return [
            ctx.check(
                "committee.delegation",
                citation,
                Outcome.UNKNOWN,
                f"{name} acted; which of its powers it relied on is not recorded "
                f"(its powers: {'; '.join(committee.powers) or 'none recorded'})",
                missing=(f"the power delegated to {name} that covers this act",),
            )
        ]
    ok = under in committee.powers
    return [
        ctx.check(
            "committee.delegation",
            citation,
            Outcome.PASSED if ok else Outcome.FAILED,
            f"{name} acted under its power to {under}"
            if ok
            else f"{name} has no power to {under} (its powers: "
            f"{'; '.join(committee.powers) or 'none recorded'})",
        )
    ]


def holder_consent(ctx: ActContext) -> list[Check]:
    """An act of the board that an approve or veto right covers (``right-granted`` with
    ``acts``) needs the holder's consent: recorded (``consented_by``) it passes; not recorded,
    the act is conditional on it."""
    board = ctx.extra.get("board_entity")
    act = ctx.spec.act.value
    covering = [
        r
        for r in ctx.state.structure.rights
        if r.right in ("approve", "veto") and r.over == board and act in r.acts
    ]
    return _holders_heard(
        ctx,
        covering,
        tuple(getattr(ctx.spec, "consented_by", ())),
        "rights.consent",
        lambda r: f"{r.holder}'s {r.right} right over {board} since {r.since}",
        lambda r: (
            f"{r.holder} consented",
            f"{ctx.subject_text}: {r.holder}'s consent is not recorded",
            f"{r.holder}'s consent to {act}",
        ),
    )


def share_of(text: str) -> Fraction | None:
    """``27%`` -> 27/100, ``3/5`` -> 3/5, ``0.4`` -> 2/5; None when unknown or unreadable."""
    text = text.strip()
    try:
        if text.endswith("%"):
            return Fraction(text[:-1].strip()) / 100
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None


HOLDERS_MAY = {
    ActKind.REMOVE_DIRECTOR: "director_removal",
    ActKind.ELECT_DIRECTOR: "director_election",
    ActKind.FILL_VACANCY: "director_election",
    ActKind.REMOVE_OFFICER: "officer_removal",
    ActKind.APPOINT_OFFICER: "officer_removal",
}
"""For an act of the holders that the profile gives to a body: the profile's rule naming it."""
OFFICERS = (
    "DGCL §141(a), §142(b); Gorman v. Salamone (Del. Ch. 2015): officers are the board's to "
    "choose and remove"
)


def holders_authority(ctx: ActContext) -> list[Check]:
    """Whether the holders may take the act at all: remove and elect directors where the
    profile gives it to them (a stock corporation's stockholders: DGCL §141(k), §211), amend
    the bylaws (§109(a)), approve a matter put to them; never an act the law keeps for the
    board (choosing or removing officers, Gorman v. Salamone; the board's own acts)."""
    act = ctx.spec.act
    if act is ActKind.APPROVE_TRANSACTION:
        return []
    rid = "holders.authority"
    if act is ActKind.AMEND_BYLAWS:
        return [
            ctx.check(
                rid,
                "DGCL §109(a): the power to adopt, amend or repeal bylaws is the stockholders'",
                Outcome.PASSED,
                "the holders may amend the bylaws",
            )
        ]
    key = HOLDERS_MAY.get(act)
    if key is None:
        return [
            ctx.check(
                rid,
                "DGCL §141(a): the business is managed by or under the direction of the board",
                Outcome.FAILED,
                f"{ctx.subject_text}: not an act of the holders; it is the board's",
            )
        ]
    rule = getattr(ctx.bylaws, key)
    bodies = {"stockholders", "members"} & set(rule.by)
    officers = key == "officer_removal"
    citation = OFFICERS if officers and not bodies else rule.citation or OFFICERS
    return [
        ctx.check(
            rid,
            citation,
            Outcome.PASSED if bodies else Outcome.FAILED,
            f"{ctx.subject_text}: the {' and '.join(sorted(bodies))} may"
            if bodies
            else f"{ctx.subject_text}: expected an act of the "
            f"{' or '.join(rule.by)}; the holders have no such power",
        )
    ]


def holders_threshold(ctx: ActContext) -> list[Check]:
    """A holders' vote passes when the holders for it hold the fraction asked of the voting
    power of those entitled; a share or a vote the record lacks leaves it unknown."""
    interests = ctx.extra.get("interests", ())
    excluding: tuple[str, ...] = ctx.extra.get("excluding", ())
    votes = ctx.extra.get("holder_votes")
    fraction: str = ctx.extra.get("fraction", "majority")
    citation = "DGCL §216, §242: holders vote by the voting power of their shares"
    if ctx.spec.act is ActKind.REMOVE_DIRECTOR:
        fraction = ctx.bylaws.director_removal.holders_fraction
        citation = (
            "DGCL §141(k): removal by the holders of a majority of the shares entitled to vote"
        )
    if ctx.extra.get("form") == "written-consent":
        citation += "; §228: by written consent, the votes a meeting of every share would need"
    eligible = [i for i in interests if i.voting is not False and i.holder not in excluding]
    unknown = [i.holder for i in eligible if share_of(str(i.votes)) is None]
    if not eligible:
        return [
            ctx.check(
                "holders.threshold",
                citation,
                Outcome.FAILED,
                f"{ctx.spec.description}: no holder with a voting interest is recorded",
            )
        ]
    if unknown or votes is None:
        missing = tuple(f"the voting power of {h}" for h in unknown)
        if votes is None:
            missing += ("how each holder voted",)
        return [
            ctx.check(
                "holders.threshold",
                citation,
                Outcome.UNKNOWN,
                f"{ctx.spec.description}: needs {fraction} of the voting power; "
                + "; ".join(missing)
                + " not recorded",
                missing=missing,
            )
        ]
    base = sum((share_of(str(i.votes)) or Fraction(0) for i in eligible), Fraction(0))
    ayes = sum(
        (share_of(str(i.votes)) or Fraction(0) for i in eligible if votes.get(i.holder) == "for"),
        Fraction(0),
    )
    frac, strict = parse_fraction(fraction)
    share = ayes / base if base else Fraction(0)
    ok = share > frac if strict else share >= frac
    return [
        ctx.check(
            "holders.threshold",
            citation,
            Outcome.PASSED if ok else Outcome.FAILED,
            f"{ctx.spec.description}: for {float(share):.1%} of the voting power entitled, "
            f"{fraction} needed",
            Severity.FAILED,
        )
    ]


def observer_notice(ctx: ActContext) -> list[Check]:
    """An observer of the board (``observer-seat``) has a right to notice of its meetings: a
    special meeting held without notice to one is a warning on its acts (the right is the
    observer's, by agreement; it does not make the board's act void)."""
    meeting, board = ctx.meeting, ctx.extra.get("board_entity")
    if meeting is None or meeting.type != "special" or ctx.extra.get("committee") is not None:
        return []
    observers = [p for p, b, _ in ctx.state.structure.observers if b == board]
    if not observers:
        return []
    noticed = {person for person, *_ in meeting.notices}
    missing = [p for p in observers if p not in noticed]
    if meeting.notices_complete and not meeting.notices:
        missing = observers  # "complete" speaks of the directors; observers are not among them
    return [
        ctx.check(
            "notice.observer",
            "the observer seat's right to notice of the board's meetings (observer-seat)",
            Outcome.FAILED if missing else Outcome.PASSED,
            f"no notice recorded to observer {', '.join(missing)}"
            if missing
            else f"observer {', '.join(observers)} noticed",
            Severity.WARNING,
        )
    ]
