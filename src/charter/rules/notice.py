"""Notice of meetings, its waiver by attendance, and the objection rule (DGCL §229).

Notice is owed to *each* director in office when the meeting opened (Schroder v. Scotten,
Dillon): one director left out is enough to void the acts of a special meeting, and a director
elected during the meeting is not owed notice of it.  A private message inviting someone to "talk"
is recorded but is not a notice of a board meeting.  A defect cured by waiver is still reported,
as a warning naming the shortfall and the waiver: the record should show both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from charter.model.bylaws import NoticeRule, Waiver
from charter.model.kinds import Channel, Outcome, Severity, Vote
from charter.rules.base import ActContext, Check, MeetingFacts, combine, names

_MEMO_SIZE = 64
"""Answers kept per meeting: one per distinct set of facts read (attendance, objections, the
objectors' votes), so a handful in practice; cleared when full rather than grown."""


@dataclass(frozen=True, slots=True)
class _Judged:
    """The notice owed to each director, judged: ``notes`` and ``missing`` are per person
    (``"person: why"``); ``waived`` names each shortfall that attendance waived."""

    outcome: Outcome
    failures: tuple[str, ...]
    unknowns: tuple[str, ...]
    notes: tuple[str, ...]
    missing: tuple[str, ...]
    waived: tuple[str, ...]
    grouped: str


def owed_notice(ctx: ActContext, m: MeetingFacts) -> frozenset[str]:
    """The directors in office when the meeting opened: those notice was owed to (a director
    elected at the meeting was not; one removed during it was)."""
    return m.state_at_opening.directors if m.state_at_opening is not None else ctx.state.directors


def _per_director(ctx: ActContext, m: MeetingFacts, rule: NoticeRule) -> _Judged:
    """The judgement over every director owed notice.

    A live board judges every motion at a meeting, and every vote on it, against the same
    notices, so the caller may lend a memo (``ctx.memo``, kept with its record of the meeting)
    and the answer is remembered there by exactly what it reads: the votes only of directors
    who objected, and only where voting for the act withdraws an objection.  The rule and
    waiver objects are kept with the answer and compared by identity, so the ``id`` in the key
    cannot be a recycled one.  Without a memo the judgement is simply made."""
    waiver = ctx.bylaws.waiver
    memo = ctx.memo
    if memo is None:
        return _judge_each(ctx, m, rule, waiver)
    objectors: tuple[Vote, ...] = ()
    if waiver.objection == "at-start-and-not-voting-for":
        objectors = tuple(ctx.vote_of(p) for p in sorted(m.objected_at_start))
    key = (
        "notice",
        id(rule),
        id(waiver),
        owed_notice(ctx, m),
        m.id,
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
    hit = memo.get(key)
    if hit is None or hit[0] is not rule or hit[1] is not waiver:
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        hit = (rule, waiver, _judge_each(ctx, m, rule, waiver))
        memo[key] = hit
    judged: _Judged = hit[2]
    return judged


def _hours(value: float) -> str:
    """23.0 -> '23', 23.46 -> '23.5': hours as a person writes them."""
    return f"{value:.1f}".removesuffix(".0")


def _judge_each(ctx: ActContext, m: MeetingFacts, rule: NoticeRule, waiver: Waiver) -> _Judged:
    failures: list[str] = []
    unknowns: list[str] = []
    notes: list[str] = []
    missing: list[str] = []
    waived_short: list[str] = []
    outcomes: list[Outcome] = []
    notices_to: dict[str, list[tuple[str, dt.datetime, str, bool | None]]] = {}
    for n in m.notices:
        notices_to.setdefault(n[0], []).append(n)
    for person in sorted(owed_notice(ctx, m)):
        got = [n for n in notices_to.get(person, ()) if n[1] <= m.opened_at]
        adequate = Outcome.FAILED
        short: list[str] = []
        open_question = ""  # why an adequate notice is not known to have been given
        open_fact = ""
        for _, sent, channel, purpose in got:
            hours = rule.lead_time_hours.get(Channel(channel))
            lead = (m.opened_at - sent) / dt.timedelta(hours=1)
            question, fact = "", ""
            if channel == Channel.UNKNOWN.value:
                ok = Outcome.UNKNOWN
                question = f"notice given {_hours(lead)} h before by a channel not recorded"
                fact = f"the channel of the notice to {person} of {m.id}"
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
                    short.append(f"{channel} {_hours(lead)} h before, {hours:g} h required")
            if rule.purpose_required and ok is not Outcome.FAILED:
                if purpose is False:
                    ok = Outcome.FAILED
                    short.append("the notice did not state the purpose")
                elif purpose is None:
                    ok = Outcome.UNKNOWN
                    given = question or f"notice given ({channel} {_hours(lead)} h before)"
                    question = given + "; whether it stated the purpose is not recorded"
                    fact = (fact + "; " if fact else "") + (
                        f"whether the notice to {person} of {m.id} stated the purpose"
                    )
            if ok is Outcome.PASSED or (ok is Outcome.UNKNOWN and adequate is Outcome.FAILED):
                adequate = ok
                open_question, open_fact = question, fact
        if adequate is Outcome.PASSED:
            outcomes.append(Outcome.PASSED)
            continue
        # Not (adequately) notified: waived by attendance without objection at the start?
        waived = Outcome.FAILED
        objected = False
        if waiver.by_attendance and person in m.attended:
            if person in m.objected_at_start:
                objection_ok = Outcome.PASSED
                if (
                    waiver.objection == "at-start-and-not-voting-for"
                    and ctx.vote_of(person) is Vote.FOR
                ):
                    objection_ok = Outcome.FAILED
                waived = Outcome.FAILED if objection_ok is Outcome.PASSED else Outcome.PASSED
                objected = waived is Outcome.FAILED
            elif person in m.objection_unknown:
                waived = Outcome.UNKNOWN
            else:
                waived = Outcome.PASSED
        if waived is Outcome.PASSED:
            outcomes.append(Outcome.PASSED)
            notes.append(f"{person}: notice waived by attendance")
            known_short = short or (not got and (m.notices_complete or person in m.not_notified))
            if known_short and adequate is Outcome.FAILED:
                waived_short.append(f"{person}: {'; '.join(short) or 'no notice given'}")
            continue
        messages = [f"{frm} ({ch})" for frm, to, ch in m.private_messages if to == person]
        if short:
            why = "; ".join(short)
        elif adequate is Outcome.UNKNOWN:
            why = open_question
        else:
            why = "no notice recorded"
        if messages:
            why += (
                "; only a private message from " + ", ".join(messages) + ", which is not a notice"
            )
        if objected:
            why += "; attended but objected at the start, so attendance did not waive notice"
        if waived is Outcome.UNKNOWN:
            why += "; attended, but whether they objected at the start is not recorded"
        if adequate is Outcome.UNKNOWN or waived is Outcome.UNKNOWN:
            outcomes.append(Outcome.UNKNOWN)
            unknowns.append(person)
            notes.append(f"{person}: {why}")
            if adequate is Outcome.UNKNOWN:
                missing.append(open_fact)
            elif short or m.notices_complete or person in m.not_notified:
                missing.append(f"whether {person} objected at the start of {m.id}")
            else:
                missing.append("")
        elif short or m.notices_complete or person in m.not_notified:
            outcomes.append(Outcome.FAILED)
            failures.append(
                f"{person} ({why}, absent)" if person not in m.attended else f"{person} ({why})"
            )
        else:
            outcomes.append(Outcome.UNKNOWN)
            unknowns.append(person)
            notes.append(f"{person}: {why}")
            missing.append("")
    facts = [
        fact or f"notice to {person} of {m.id}"
        for person, fact in zip(unknowns, missing, strict=True)
    ]
    if failures:
        outcome = Outcome.FAILED
    else:
        outcome = combine(outcomes) if outcomes else Outcome.PASSED
    return _Judged(
        outcome=outcome,
        failures=tuple(failures),
        unknowns=tuple(unknowns),
        notes=tuple(notes),
        missing=tuple(facts),
        waived=tuple(waived_short),
        grouped=_grouped(notes),
    )


def _grouped(notes: list[str], people: tuple[str, ...] | None = None) -> str:
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
    warnings: list[Check] = []
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
        judged = _per_director(ctx, m, rule)
        outcome, failures, unknowns = judged.outcome, judged.failures, judged.unknowns
        total = len(owed_notice(ctx, m))
        if outcome is Outcome.FAILED:
            detail = (
                f"{ctx.subject_text} at {kind} meeting {m.id}: notice required to each of "
                f"{total} directors; not given and not waived for {len(failures)}: "
                + "; ".join(failures)
            )
            if unknowns:
                detail += "; not known for " + _grouped(list(judged.notes), unknowns)
        elif outcome is Outcome.UNKNOWN:
            detail = (
                f"notice required to each of {total} directors; not known whether given "
                f"as required to {names(unknowns)}: " + _grouped(list(judged.notes), unknowns)
            )
        else:
            detail = f"all {total} directors notified or waived"
            if judged.notes:  # each reason said once, with everyone it applies to
                detail += "; " + judged.grouped
        results.append(ctx.check(rid, rule.citation, outcome, detail, missing=judged.missing))
        if judged.waived and outcome is not Outcome.FAILED:
            warnings.append(
                ctx.check(
                    "notice.waived",
                    ctx.bylaws.waiver.citation,
                    Outcome.FAILED,
                    ("if special: " if m.type == "unknown" else "")
                    + f"notice of {kind} meeting {m.id} fell short for "
                    + _grouped(list(judged.waived))
                    + ", cured by attendance without objection at the start (waiver of notice)",
                    Severity.WARNING,
                )
            )
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
            ),
            *warnings,
        ]
    return [*results[:1], *warnings]
