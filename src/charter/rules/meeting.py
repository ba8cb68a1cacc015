"""Rules about the meeting an act was taken at: who called it, remote presence, deception."""

from __future__ import annotations

from charter.model.kinds import Outcome, Severity
from charter.rules.base import ActContext, Check, MeetingFacts, names
from charter.rules.notice import owed_notice

WAIVED_CALL = (
    "DGCL §229: a director who attends without objecting at the start that the meeting was not "
    "lawfully called waives that objection"
)


def call_waived(ctx: ActContext, m: MeetingFacts) -> bool | None:
    """Whether every director owed notice attended and none objected at the start: then
    nobody can say the meeting was not lawfully called (DGCL §229).  None: the record does
    not say (attendance, or whether an attendee objected, is not recorded)."""
    if not ctx.bylaws.waiver.by_attendance:
        return False
    owed = owed_notice(ctx, m)
    if m.present is None:
        return None
    if not owed <= m.attended or m.objected_at_start & owed:
        return False
    if m.objection_unknown & owed:
        return None
    return True


def called_by(ctx: ActContext) -> list[Check]:
    """A special meeting is only a meeting if someone entitled to call it did, unless every
    director attended without objecting at the start (the call then is not in question)."""
    checks = _called_by(ctx)
    m = ctx.meeting
    if not checks or m is None or checks[0].outcome is Outcome.PASSED:
        return checks
    waived = call_waived(ctx, m)
    if waived is None and checks[0].outcome is Outcome.FAILED:
        c = checks[0]
        unsure = sorted(m.objection_unknown & owed_notice(ctx, m))
        return [
            ctx.check(
                c.rule,
                f"{c.citation}; {WAIVED_CALL}",
                Outcome.UNKNOWN,
                f"{c.detail}; every director attended, and whether {names(unsure)} objected at "
                "the start is not recorded (without an objection the call is not in question)",
                missing=tuple(f"whether {p} objected at the start of {m.id}" for p in unsure),
            )
        ]
    if waived is True:
        c = checks[0]
        return [
            ctx.check(
                c.rule,
                f"{c.citation}; {WAIVED_CALL}",
                Outcome.PASSED,
                f"{c.detail}; but every director attended and none objected at the start, so "
                "the call is not in question",
            )
        ]
    return checks


def _called_by(ctx: ActContext) -> list[Check]:
    m, rule = ctx.meeting, ctx.bylaws.special_meetings
    if m is None or m.type == "regular":
        return []
    rid = "meeting.called-by"
    if m.called_by is None:
        return [
            ctx.check(
                rid,
                rule.citation,
                Outcome.UNKNOWN,
                "who called the meeting is not recorded; allowed callers: "
                f"{', '.join(rule.callers) or 'none'}"
                + (
                    f", or {rule.directors_together} directors together"
                    if rule.directors_together
                    else ""
                ),
                missing=(f"who called meeting {m.id}",),
            )
        ]
    st = m.state_at_opening or ctx.state
    directors_calling = [p for p in m.called_by if p in st.directors]
    entitled: list[str] = []
    for person in m.called_by:
        roles = set(st.offices_of(person))
        if st.chair == person:
            roles.add("chair")
        if person in st.directors:
            roles.add("any-director")
        if roles & set(rule.callers):
            entitled.append(person)
    ok = bool(entitled) or (
        rule.directors_together > 0 and len(directors_calling) >= rule.directors_together
    )
    outcome = Outcome.PASSED if ok else Outcome.FAILED
    if m.type == "unknown" and not ok:
        outcome = Outcome.UNKNOWN  # a regular meeting needs no caller
    detail = (
        f"called by {names(m.called_by)}, entitled as "
        f"{'an allowed caller' if entitled else f'{len(directors_calling)} directors'}"
        if ok
        else f"called by {names(m.called_by)}: expected one of {', '.join(rule.callers)}"
        + (f" or {rule.directors_together} directors together" if rule.directors_together else "")
        + f", found {len(directors_calling)} director(s) and no such office"
    )
    missing = (
        (f"whether meeting {m.id} was special or regular",) if outcome is Outcome.UNKNOWN else ()
    )
    return [ctx.check(rid, rule.citation, outcome, detail, missing=missing)]


def remote_presence(ctx: ActContext) -> list[Check]:
    m, rule = ctx.meeting, ctx.bylaws.remote_presence
    if m is None or m.remote is False:
        return []
    rid = "meeting.remote-presence"
    if rule.allowed:
        return [
            ctx.check(
                rid,
                rule.citation,
                Outcome.PASSED,
                "participation by video or phone counts as presence"
                if m.remote
                else "remote participation would count as presence",
            )
        ]
    if m.remote is None:
        return [
            ctx.check(
                rid,
                rule.citation,
                Outcome.UNKNOWN,
                "remote presence is not allowed and whether the meeting was held "
                "remotely is not recorded",
                missing=(f"whether {m.id} was remote",),
            )
        ]
    return [
        ctx.check(
            rid,
            rule.citation,
            Outcome.FAILED,
            "expected an in-person meeting: remote presence is not allowed by the "
            "bylaws, found a remote meeting",
        )
    ]


def deception(ctx: ActContext) -> list[Check]:
    """Withholding the purpose from a director to stop him protecting himself (Adlerstein)."""
    m, rule = ctx.meeting, ctx.bylaws.deception
    if m is None or not m.purpose_withheld_from:
        return []
    sev = Severity(rule.severity)
    return [
        ctx.check(
            "meeting.deception",
            rule.citation,
            Outcome.FAILED,
            f"the purpose of {m.id} was withheld from {names(m.purpose_withheld_from)}",
            sev,
            claimants=tuple(sorted(m.purpose_withheld_from)),
        )
    ]
