"""Statutory floors: what a statute lets no bylaws profile go below, each with its citation.

Every rule of a profile is a parameter, but a parameter is not free.  The DGCL sets minimums that
bylaws may raise and never lower: a quorum of one third of the directors, the act of the board by
a majority of those present, action without a meeting only by everyone's written consent, a stock
corporation's directors removed only by its stockholders, notice waived by attendance only without
an objection at the start.  A nonstock corporation's *certificate* may depart from the first
three (§141(j)); the same departure written in the *bylaws* stands only if the certificate
authorises it.  That is a fact the record must show, so a verdict that relies on such a
departure is conditional on it (:attr:`Breach.conditional`), never simply valid.

A profile says what it governs (``kind: stock | nonstock | none``; ``none``, Robert's Rules, is
under no statute and has no floors) and where each departure is written (``source: certificate
| bylaws`` on a quorum, a threshold or a consent rule).  This module lists the floors
(:data:`FLOORS`, the table docs/formats.md shows under "Statutory floors") and judges a profile
(:func:`breaches`), an amendment (:func:`new_breaches`) and a quorum count
(:func:`quorum_floor`).  Pure functions of their arguments; facts from
``shared/facts/governance-law.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from charter.model.bylaws import (
    Bylaws,
    Kind,
    Threshold,
    WrittenConsent,
    apply_amendment,
    parse_fraction,
)

CERTIFICATE = "DGCL §141(j)"
"""A nonstock corporation's certificate may set a quorum below one third and may otherwise
provide how the business is managed."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Floor:
    """One statutory minimum: the statute, what it requires, whom it binds, and whether a
    nonstock corporation's certificate may depart from it."""

    id: str
    citation: str
    requires: str
    kinds: tuple[Kind, ...] = ("stock", "nonstock")
    certificate_may_depart: bool = False


QUORUM = Floor(
    id="quorum-one-third",
    citation="DGCL §141(b)",
    requires="a quorum of not less than one third of the total number of directors "
    "(the authorized seats, vacancies included: Bruch v. National Guarantee Credit Corp.)",
    certificate_may_depart=True,
)
ACT_OF_THE_BOARD = Floor(
    id="act-of-the-board",
    citation="DGCL §141(b)",
    requires="the act of the board is the vote of a majority of the directors present at a "
    "meeting with a quorum; the certificate or bylaws may require more, never less",
    certificate_may_depart=True,
)
CONSENT = Floor(
    id="consent-unanimous",
    citation="DGCL §141(f)",
    requires="the board acts without a meeting only by the consent of all directors in "
    "office, in writing or by electronic transmission",
    certificate_may_depart=True,
)
CONSENT_QUORUM = Floor(
    id="consent-signers-quorum",
    citation="DGCL §141(f); Applied Energetics v. Farley (Del. Ch. 2020)",
    requires="the signers of a written consent amount to a quorum",
    certificate_may_depart=True,
)
CONSENT_DELAY = Floor(
    id="consent-delay",
    citation="DGCL §141(f)",
    requires="a consent made effective later takes effect no more than 60 days after it is given",
    certificate_may_depart=True,
)
DIRECTOR_REMOVAL = Floor(
    id="director-removal",
    citation="DGCL §141(k)",
    requires="a stock corporation's directors are removed by the holders of a majority of the "
    "shares; the board has no power to remove a director",
    kinds=("stock",),
)
REMOVAL_VOTE = Floor(
    id="director-removal-vote",
    citation="DGCL §141(k); Frechter v. Zier (Del. Ch. 2017)",
    requires="the holders of a majority of the shares entitled to vote remove a director; a "
    "bylaw asking for another share is invalid (save a classified board or cumulative "
    "voting, which the certificate provides)",
    kinds=("stock",),
)
OFFICERS_BY_BOARD = Floor(
    id="officers-by-board",
    citation="DGCL §141(a), §142(b); Gorman v. Salamone (Del. Ch. 2015)",
    requires="officers are chosen and removed by the board or as the bylaws provide for the "
    "board; no bylaw lets the stockholders remove an officer",
    kinds=("stock",),
)
WAIVER = Floor(
    id="waiver-of-notice",
    citation="DGCL §229",
    requires="a written waiver equals notice, and attendance waives notice except for a "
    "director who attends to object, at the beginning of the meeting, that it was not lawfully "
    "called; bylaws change neither",
)

FLOORS: tuple[Floor, ...] = (
    QUORUM,
    ACT_OF_THE_BOARD,
    CONSENT,
    CONSENT_QUORUM,
    CONSENT_DELAY,
    DIRECTOR_REMOVAL,
    REMOVAL_VOTE,
    OFFICERS_BY_BOARD,
    WAIVER,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Breach:
    """A profile's provision below a floor.  ``where`` is its key path in the profile (for a
    located error); ``conditional``: a nonstock corporation's departure written in the bylaws,
    which stands only if the certificate authorises it (DGCL §141(j))."""

    floor: Floor
    where: tuple[str, ...]
    found: str
    expected: str
    conditional: bool = False

    @property
    def message(self) -> str:
        return (
            f"{'.'.join(self.where)}: {self.found} is below the statutory floor "
            f"[{self.floor.citation}: {self.floor.requires}]"
        )

    @property
    def hint(self) -> str:
        hint = f"expected {self.expected}"
        if self.floor.certificate_may_depart:
            hint += (
                "; only a nonstock corporation's certificate may provide otherwise "
                f"({CERTIFICATE}: kind: nonstock and source: certificate)"
            )
        return hint

    @property
    def fact(self) -> str:
        """The missing fact a conditional breach leaves open."""
        return f"whether the certificate of incorporation authorises {self.found} ({CERTIFICATE})"


def at_least_majority_present(th: Threshold) -> bool:
    """Whether ``th`` never passes a vote that a majority of the directors present would not:
    a base of directors present or more, and more than half of it.  Votes cast never qualify
    (an abstaining director present counts against passage, DGCL §141(b))."""
    if th.base == "cast":
        return False
    frac, strict = parse_fraction(th.fraction)
    return frac > Fraction(1, 2) or (frac == Fraction(1, 2) and strict)


def _departs(kind: Kind, floor: Floor, source: str) -> tuple[bool, bool]:
    """(is a breach, is conditional) for a provision below ``floor`` written in ``source``."""
    if kind == "nonstock" and floor.certificate_may_depart:
        return source != "certificate", True
    return True, False


def _thresholds(b: Bylaws) -> list[tuple[tuple[str, ...], Threshold]]:
    """Every threshold of an act the board takes by vote at a meeting, with its key path."""
    out: list[tuple[tuple[str, ...], Threshold | None]] = [
        (("thresholds", key), th) for key, th in b.thresholds.items()
    ]
    out.append((("officer_removal", "threshold"), b.officer_removal.threshold))
    for name, rule in (
        ("director_removal", b.director_removal),
        ("director_election", b.director_election),
    ):
        if "board" in rule.by:
            out.append(((name, "threshold"), rule.threshold))
    return [(where, th) for where, th in out if th is not None]


def _consent(b: Bylaws, name: str, rule: WrittenConsent) -> list[Breach]:
    if not rule.allowed:
        return []
    out: list[Breach | None] = []
    th = rule.threshold
    frac, _ = parse_fraction(th.fraction)
    if frac < 1 or th.base not in ("in-office", "authorized"):
        field = "fraction" if frac < 1 else "base"
        out.append(
            _breach(
                b,
                CONSENT,
                (name, "threshold", field),
                rule.source,
                found=f"action without a meeting by {th.describe()}",
                expected="unanimous of directors in office",
            )
        )
    if not rule.in_writing:
        out.append(
            _breach(
                b,
                CONSENT,
                (name, "in_writing"),
                rule.source,
                found="action without a meeting not in writing",
                expected="in_writing: true",
            )
        )
    if not rule.signers_at_least_quorum:
        out.append(
            _breach(
                b,
                CONSENT_QUORUM,
                (name, "signers_at_least_quorum"),
                rule.source,
                found="action without a meeting by signers fewer than a quorum",
                expected="signers_at_least_quorum: true",
            )
        )
    if rule.max_delay_days is None or rule.max_delay_days > 60:
        delay = "no limit" if rule.max_delay_days is None else f"{rule.max_delay_days} days"
        out.append(
            _breach(
                b,
                CONSENT_DELAY,
                (name, "max_delay_days"),
                rule.source,
                found=f"a consent made effective after {delay}",
                expected="max_delay_days: 60 or fewer",
            )
        )
    return [x for x in out if x is not None]


def _breach(
    b: Bylaws, floor: Floor, where: tuple[str, ...], source: str, *, found: str, expected: str
) -> Breach | None:
    breach, conditional = _departs(b.kind, floor, source)
    if not breach:
        return None
    return Breach(floor=floor, where=where, found=found, expected=expected, conditional=conditional)


def breaches(b: Bylaws) -> list[Breach]:
    """Every provision of ``b`` below a floor that binds its kind of corporation, in the order
    of :data:`FLOORS`.  A quorum counted on the directors in office is judged when it is
    counted (:func:`quorum_floor`): only vacancies can take it below one third."""
    if b.kind == "none":
        return []
    found: list[Breach | None] = []
    q = b.quorum
    frac, _ = parse_fraction(q.fraction)
    if frac < Fraction(1, 3):
        base = "authorized seats" if q.base == "authorized" else "directors in office"
        found.append(
            _breach(
                b,
                QUORUM,
                ("quorum", "fraction"),
                q.source,
                found=f"a quorum of {q.fraction} of the {base}",
                expected="a quorum of at least 1/3 of the authorized seats",
            )
        )
    for where, th in _thresholds(b):
        field = "base" if th.base == "cast" else "fraction"
        if not at_least_majority_present(th):
            found.append(
                _breach(
                    b,
                    ACT_OF_THE_BOARD,
                    (*where, field),
                    th.source,
                    found=f"an act of the board by {th.describe()}",
                    expected="majority of directors present, or more",
                )
            )
    found.extend(_consent(b, "written_consent", b.written_consent))
    found.extend(_consent(b, "action_without_meeting", b.action_without_meeting))
    if b.kind in DIRECTOR_REMOVAL.kinds and "board" in b.director_removal.by:
        found.append(
            _breach(
                b,
                DIRECTOR_REMOVAL,
                ("director_removal", "by"),
                "bylaws",
                found="removal of directors by the board",
                expected="director_removal: {by: [stockholders]}",
            )
        )
    # §141(k) fixes the vote itself, not a minimum: neither more nor less than a majority
    if b.kind in REMOVAL_VOTE.kinds and parse_fraction(b.director_removal.holders_fraction) != (
        Fraction(1, 2),
        True,
    ):
        found.append(
            _breach(
                b,
                REMOVAL_VOTE,
                ("director_removal", "holders_fraction"),
                "bylaws",
                found=f"removal of directors by {b.director_removal.holders_fraction} of "
                "the shares entitled to vote",
                expected="director_removal: {holders_fraction: majority}",
            )
        )
    if b.kind in OFFICERS_BY_BOARD.kinds and "stockholders" in b.officer_removal.by:
        found.append(
            _breach(
                b,
                OFFICERS_BY_BOARD,
                ("officer_removal", "by"),
                "bylaws",
                found="removal of officers by the stockholders",
                expected="officer_removal: {by: [board]}",
            )
        )
    w = b.waiver
    if not w.by_attendance or w.objection != "at-start":
        where = ("waiver", "objection" if w.by_attendance else "by_attendance")
        what = (
            "attendance that does not waive notice"
            if not w.by_attendance
            else f"waiver by attendance with objection '{w.objection}'"
        )
        found.append(
            _breach(
                b,
                WAIVER,
                where,
                "bylaws",
                found=what,
                expected="waiver: {by_attendance: true, objection: at-start}",
            )
        )
    if not w.in_writing:
        found.append(
            _breach(
                b,
                WAIVER,
                ("waiver", "in_writing"),
                "bylaws",
                found="a written waiver that does not count",
                expected="waiver: {in_writing: true}",
            )
        )
    return [x for x in found if x is not None]


def errors(b: Bylaws) -> list[Breach]:
    """The breaches no record can cure: ``charter check`` rejects a profile that has one."""
    return [x for x in breaches(b) if not x.conditional]


def new_breaches(before: Bylaws, after: Bylaws) -> list[Breach]:
    """The breaches an amendment from ``before`` to ``after`` brings in (those already in force
    are not the amendment's doing)."""
    old = {(x.floor.id, x.where) for x in breaches(before)}
    return [x for x in breaches(after) if (x.floor.id, x.where) not in old]


def certificate_changes(before: Bylaws, after: Bylaws) -> list[str]:
    """What an amendment of the bylaws cannot change: what the corporation is, and provisions
    the profile says its certificate makes."""
    out = []
    if before.kind != after.kind:
        out.append(f"kind: {before.kind} -> {after.kind}")
    pairs: list[tuple[str, object, object]] = [
        ("quorum", before.quorum, after.quorum),
        ("written_consent", before.written_consent, after.written_consent),
        ("action_without_meeting", before.action_without_meeting, after.action_without_meeting),
    ]
    pairs += [
        (f"thresholds.{k}", before.thresholds.get(k), after.thresholds.get(k))
        for k in sorted(set(before.thresholds) | set(after.thresholds))
    ]
    for name, old, new in pairs:
        sources = {getattr(old, "source", None), getattr(new, "source", None)}
        if "certificate" in sources and old != new:
            out.append(f"{name} (a provision of the certificate)")
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class AmendmentProblem:
    """Why an amendment of the bylaws cannot take effect (or, ``conditional``, takes effect only
    if the certificate authorises it).  ``key``: the amendment's own key it is about (``profile``
    or a dotted parameter), None when only the whole ``set`` can be named."""

    message: str
    hint: str
    citation: str = ""
    key: str | None = None
    conditional: bool = False
    fact: str = ""


def judge_amendment(
    before: Bylaws, replacement: Bylaws | None, settings: Mapping[str, Any]
) -> tuple[Bylaws | None, list[AmendmentProblem]]:
    """The bylaws an amendment adopts, and what is wrong with it: a parameter that does not
    exist or a value it cannot take, a provision below a statutory floor, a change to what
    the certificate provides.  The one judgement the loader (``charter check``), the replay
    (the ``amendment`` rule) and the service (a proposal) all make.  The bylaws are None when
    a problem that no fact can cure was found."""
    after = replacement if replacement is not None else before
    problems = [
        AmendmentProblem(
            message=f"a bylaws amendment cannot change {change}",
            hint="amend the certificate of incorporation, not the bylaws",
            citation=CERTIFICATE,
            key="profile",
        )
        for change in certificate_changes(before, after)
    ]
    if settings:
        amended, why = apply_amendment(after, dict(settings))
        if amended is None:
            unknown = str(why).startswith("no bylaws parameter")
            problems.append(
                AmendmentProblem(
                    message=str(why),
                    key=next((k for k in settings if str(why).startswith(f"{k}:")), None),
                    hint="name a parameter of the profile, e.g. 'quorum.fraction'"
                    if unknown
                    else "give a value the parameter can take (docs/formats.md, bylaws profile)",
                )
            )
            return None, problems
        after = amended
    dotted = {tuple(k.split(".")): k for k in settings}
    for breach in new_breaches(before, after):
        key = next((k for parts, k in dotted.items() if breach.where[: len(parts)] == parts), None)
        problems.append(
            AmendmentProblem(
                message=f"amendment: {breach.message}",
                hint=breach.hint,
                citation=breach.floor.citation,
                key=key if key is not None else ("profile" if replacement is not None else None),
                conditional=breach.conditional,
                fact=breach.fact if breach.conditional else "",
            )
        )
    if any(not p.conditional for p in problems):
        return None, problems
    return after, problems


def quorum_floor(b: Bylaws, authorized: int) -> tuple[int, bool]:
    """The fewest directors the statute lets count as a quorum of ``authorized`` seats, and
    whether a smaller quorum in the profile is conditional (a nonstock corporation's bylaws: it
    stands only if the certificate authorises it).  (0, False) where no floor binds."""
    if b.kind == "none" or (b.kind == "nonstock" and b.quorum.source == "certificate"):
        return 0, False
    return math.ceil(Fraction(authorized, 3)), b.kind == "nonstock"


__all__ = [
    "CERTIFICATE",
    "FLOORS",
    "AmendmentProblem",
    "Breach",
    "Floor",
    "at_least_majority_present",
    "breaches",
    "certificate_changes",
    "errors",
    "judge_amendment",
    "new_breaches",
    "quorum_floor",
]
