"""Notice of meetings, its waiver by attendance, and the objection rule (DGCL §229).

Notice is owed to *each* director (Schroder v. Scotten, Dillon): one director left out is enough
to void the acts of a special meeting.  A private message inviting someone to "talk" is recorded
but is not a notice of a board meeting.
"""

from __future__ import annotations

import datetime as dt

from charter.model.bylaws import NoticeRule, Waiver
from charter.model.kinds import Channel, Outcome, Vote
from charter.rules.base import ActContext, Check, MeetingFacts, combine, names

_Judged = tuple[Outcome, tuple[str, ...], tuple[str, ...], tuple[str, ...]]
_Remembered = tuple[NoticeRule, Waiver, _Judged, str]
"""The rule and waiver judged under, the judgement, and its notes grouped by reason."""
_MEMO: dict[tuple[object, ...], _Remembered] = {}
_MEMO_SIZE = 512


def _per_director(
    ctx: ActContext, m: MeetingFacts, rule: NoticeRule
) -> tuple[Outcome, list[str], list[str], list[str], str]:
    """(outcome, failures, unknowns, notes, the notes grouped by reason) over every director in
    office when it opened.

    Remembered: a live board judges every motion at a meeting, and every vote on it, against
    the same notices, so the answer is looked up by exactly what it reads (the votes only of
    directors who objected, and only where voting for the act withdraws an objection).  The
    rule and the waiver are immutable and kept with the answer, so their ``id`` is safe."""
    waiver = ctx.bylaws.waiver
    objectors: tuple[Vote, ...] = ()
    if waiver.objection == "at-start-and-not-voting-for":
        objectors = tuple(ctx.vote_of(p) for p in sorted(m.objected_at_start))
    key = (
        id(rule),
        id(waiver),
        ctx.state.directors,
        m.opened_at,
        m.notices,
        m.attended,
        m.objected_at_start,
        m.objection_unknown,
        m.notices_complete,
        m.not_notified,
        m.private_messages,
        objectors,
    )
    hit = _MEMO.get(key)
    if hit is None or hit[0] is not rule or hit[1] is not waiver:
        judged = _judge_each(ctx, m, rule, waiver)
        hit = (rule, waiver, judged, _grouped(list(judged[3])))
        if len(_MEMO) >= _MEMO_SIZE:
            _MEMO.clear()
        _MEMO[key] = hit
    outcome, failures, unknowns, notes = hit[2]
    return outcome, list(failures), list(unknowns), list(notes), hit[3]


def _judge_each(ctx: ActContext, m: MeetingFacts, rule: NoticeRule, waiver: Waiver) -> _Judged:
    failures: list[str] = []
    unknowns: list[str] = []
    notes: list[str] = []
    outcomes: list[Outcome] = []
    notices_to: dict[str, list[tuple[str, dt.datetime, str, bool | None]]] = {}
    for n in m.notices:
        notices_to.setdefault(n[0], []).append(n)
    for person in sorted(ctx.state.directors):
        got = [n for n in notices_to.get(person, ()) if n[1] <= m.opened_at]
        adequate = Outcome.FAILED
        short: list[str] = []
        for _, sent, channel, purpose in got:
            hours = rule.lead_time_hours.get(Channel(channel))
            lead = (m.opened_at - sent) / dt.timedelta(hours=1)
            if channel == Channel.UNKNOWN.value:
                ok = Outcome.UNKNOWN
            elif hours is None:
                ok = Outcome.FAILED
                allowed = ", ".join(sorted(c.value for c in rule.lead_time_hours)) or "none"
                short.append(
                    f"by {channel}, a channel the bylaws do not provide for notice "
                    f"(allowed: {allowed})"
                )
            else:
                ok = Outcome.PASSED if lead >= hours else Outcome.FAILED
                if ok is Outcome.FAILED:
                    short.append(f"{channel} {lead:.1f} h before (expected {hours:g} h)")
            if rule.purpose_required and ok is not Outcome.FAILED:
                if purpose is False:
                    ok = Outcome.FAILED
                    short.append("the notice did not state the purpose")
                elif purpose is None:
                    ok = Outcome.UNKNOWN
            if ok is Outcome.PASSED or (ok is Outcome.UNKNOWN and adequate is Outcome.FAILED):
                adequate = ok
        if adequate is Outcome.PASSED:
            outcomes.append(Outcome.PASSED)
            continue
        # Not (adequately) notified: waived by attendance without objection at the start?
        waived = Outcome.FAILED
        if waiver.by_attendance and person in m.attended:
            if person in m.objected_at_start:
                objection_ok = Outcome.PASSED
                if (
                    waiver.objection == "at-start-and-not-voting-for"
                    and ctx.vote_of(person) is Vote.FOR
                ):
                    objection_ok = Outcome.FAILED
                waived = Outcome.FAILED if objection_ok is Outcome.PASSED else Outcome.PASSED
                if waived is Outcome.FAILED:
                    notes.append(f"{person} attended but objected at the start")
            elif person in m.objection_unknown:
                waived = Outcome.UNKNOWN
            else:
                waived = Outcome.PASSED
                notes.append(f"{person}: notice waived by attendance")
        if waived is Outcome.PASSED:
            outcomes.append(Outcome.PASSED)
            continue
        messages = [f"{frm} ({ch})" for frm, to, ch in m.private_messages if to == person]
        why = "; ".join(short) if short else "no notice recorded"
        if messages:
            why += (
                "; only a private message from " + ", ".join(messages) + ", which is not a notice"
            )
        if waived is Outcome.UNKNOWN:
            why += "; attended, but whether they objected at the start is not recorded"
        if adequate is Outcome.UNKNOWN or waived is Outcome.UNKNOWN:
            outcomes.append(Outcome.UNKNOWN)
            unknowns.append(person)
            notes.append(f"{person}: {why}")
        elif short or m.notices_complete or person in m.not_notified:
            outcomes.append(Outcome.FAILED)
            failures.append(
                f"{person} ({why}, absent)" if person not in m.attended else f"{person} ({why})"
            )
        else:
            outcomes.append(Outcome.UNKNOWN)
            unknowns.append(person)
            notes.append(f"{person}: {why}")
    if failures:
        return Outcome.FAILED, tuple(failures), tuple(unknowns), tuple(notes)
    outcome = combine(outcomes) if outcomes else Outcome.PASSED
    return outcome, tuple(failures), tuple(unknowns), tuple(notes)


def _grouped(notes: list[str], people: list[str] | None = None) -> str:
    """'a: why; b: why; c: other' -> 'a, b (why); c (other)': one reason, said once (for
    ``people`` only, when given)."""
    only = None if people is None else set(people)
    by_reason: dict[str, list[str]] = {}
    for note in notes:
        person, _, why = note.partition(": ")
        if only is None or person in only:
            by_reason.setdefault(why, []).append(person)
    return "; ".join(f"{', '.join(who)} ({why})" for why, who in by_reason.items())


def notice(ctx: ActContext) -> list[Check]:
    m = ctx.meeting
    if m is None:
        return []
    types = ["special", "regular"] if m.type == "unknown" else [m.type]
    results: list[Check] = []
    for kind in types:
        rule = ctx.bylaws.notice.special if kind == "special" else ctx.bylaws.notice.regular
        rid = f"notice.{kind}-meeting"
        if not rule.required:
            results.append(
                ctx.check(
                    rid,
                    rule.citation,
                    Outcome.PASSED,
                    f"no notice is required for a {kind} meeting",
                )
            )
            continue
        outcome, failures, unknowns, notes, grouped = _per_director(ctx, m, rule)
        total = len(ctx.state.directors)
        if outcome is Outcome.FAILED:
            detail = (
                f"{ctx.subject_text} at {kind} meeting {m.id}: notice required to each of "
                f"{total} directors; not given and not waived for {len(failures)}: "
                + "; ".join(failures)
            )
            if unknowns:
                detail += "; not known for " + _grouped(notes, unknowns)
        elif outcome is Outcome.UNKNOWN:
            detail = (
                f"notice to {names(unknowns)} is not recorded (not known whether given); "
                + "; ".join(notes)
            )
        else:
            detail = f"all {total} directors notified or waived"
            if notes:  # each reason said once, with everyone it applies to
                detail += "; " + grouped
        missing = tuple(f"notice to {p} of {m.id}" for p in unknowns)
        results.append(ctx.check(rid, rule.citation, outcome, detail, missing=missing))
    if len(results) == 2 and results[0].outcome != results[1].outcome:
        merged = combine([r.outcome for r in results])
        return [
            ctx.check(
                "notice.meeting",
                results[0].citation,
                merged,
                f"the meeting type is not recorded: if special, {results[0].detail}; "
                f"if regular, {results[1].detail}",
                missing=(f"whether {m.id} was special or regular", *results[0].missing),
            )
        ]
    return results[:1]
