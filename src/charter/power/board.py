"""Who can pass what: the board's simple game for each act kind, derived from the bylaws by
asking the same rules that judge a journal (one engine, many shells).

A coalition S *can pass* an act if, with S voting for it, the act is valid whatever the other
directors do - stay away (so quorum must come from S) or attend and vote against (so the
threshold must hold against them) - under at least one form of action the profile allows (a duly
noticed special meeting called by S, written consent, or informal action without a meeting).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from charter.model.bylaws import Bylaws
from charter.model.journal import ActSpec, Subject
from charter.model.kinds import BOARD_ACTS, ActKind, Channel, Status, Vote
from charter.model.source import Source
from charter.model.state import State
from charter.power.simple_games import SimpleGame
from charter.rules import apply, rules_for
from charter.rules.base import ActContext, Form, MeetingFacts
from charter.rules.status import status_of

PASSING = {Status.VALID, Status.VALID_WITH_WARNINGS}
OUTSIDER = "(new person)"


@dataclass(frozen=True, slots=True, kw_only=True)
class ActPower:
    act: ActKind
    subject: Subject
    forms: tuple[str, ...]
    """Forms of action under which some coalition can pass the act."""
    notice_needed: bool
    blocked_by: str | None
    """Why no coalition of directors can pass it (e.g. no authority), if none can."""
    minimal_winning: tuple[tuple[str, ...], ...]
    swings: dict[str, int]
    shapley_shubik: dict[str, Fraction]
    veto_players: tuple[str, ...]

    def without(self, excluded: Iterable[str]) -> tuple[tuple[str, ...], ...]:
        out = set(excluded)
        return tuple(c for c in self.minimal_winning if not out & set(c))

    def to_json(self, excluded: Iterable[str] = ()) -> dict[str, Any]:
        total = sum(self.swings.values())
        data: dict[str, Any] = {
            "act": self.act.value,
            "subject": {"person": self.subject.person, "office": self.subject.office},
            "board_can_act": bool(self.minimal_winning),
            "blocked_by": self.blocked_by,
            "forms": list(self.forms),
            "notice_needed": self.notice_needed,
            "minimal_winning_coalitions": [list(c) for c in self.minimal_winning],
            "smallest_coalition": min((len(c) for c in self.minimal_winning), default=None),
            "veto_players": list(self.veto_players),
            "swings": self.swings,
            "banzhaf_normalized": {
                p: (s / total if total else 0.0) for p, s in self.swings.items()
            },
            "shapley_shubik": {p: float(v) for p, v in self.shapley_shubik.items()},
        }
        excluded = list(excluded)
        if excluded:
            avoiding = self.without(excluded)
            data["without"] = excluded
            data["can_pass_without"] = bool(avoiding)
            data["coalitions_without"] = [list(c) for c in avoiding]
        return data


def default_subject(act: ActKind, state: State) -> Subject:
    ceo = state.holder("ceo")
    match act:
        case ActKind.REMOVE_OFFICER:
            return Subject(person=ceo, office="ceo")
        case ActKind.APPOINT_OFFICER:
            return Subject(person=OUTSIDER, office="ceo")
        case ActKind.REMOVE_CHAIR:
            return Subject(person=state.chair)
        case ActKind.ELECT_CHAIR:
            return Subject(person=None)
        case ActKind.REMOVE_DIRECTOR:
            others = sorted(state.directors - {state.chair or ""})
            if ceo in state.directors:
                return Subject(person=ceo)
            return Subject(person=others[0] if others else None)
        case ActKind.ELECT_DIRECTOR | ActKind.FILL_VACANCY:
            return Subject(person=OUTSIDER)
        case _:
            return Subject()


def _spec(act: ActKind, subject: Subject, state: State) -> ActSpec:
    seats = state.authorized_seats + 1 if act is ActKind.CHANGE_BOARD_SIZE else None
    from charter.model.journal import Amendment

    amendment = Amendment(set={"quorum.floor": 1}) if act is ActKind.AMEND_BYLAWS else None
    return ActSpec(
        id=f"power-{act.value}",
        act=act,
        subject=subject,
        seats=seats,
        technology="AGI" if act is ActKind.DETERMINE_AGI else None,
        amendment=amendment,
    )


def _passes(
    spec: ActSpec,
    state: State,
    bylaws: Bylaws,
    at: dt.datetime,
    form: Form,
    coalition: frozenset[str],
    others_present: bool,
) -> bool:
    directors = state.directors
    others = directors - coalition
    votes = dict.fromkeys(coalition, Vote.FOR)
    votes.update(dict.fromkeys(others, Vote.AGAINST if others_present else Vote.ABSENT))
    if spec.act is ActKind.ELECT_CHAIR:
        spec = spec.model_copy(update={"subject": Subject(person=min(coalition))})
    meeting = None
    if form == "meeting":
        present = frozenset(coalition | (others if others_present else frozenset()))
        opened = at
        notices = tuple(
            (p, opened - dt.timedelta(days=7), Channel.PERSONAL.value, True)
            for p in sorted(directors)
        )
        meeting = MeetingFacts(
            id="power-analysis",
            type="special",
            opened_at=opened,
            called_by=tuple(sorted(coalition)),
            remote=False,
            present=present,
            present_at_open=present,
            max_present=len(present),
            attended=present,
            objected_at_start=frozenset(),
            objection_unknown=frozenset(),
            notices=notices,
            notices_complete=True,
            not_notified=frozenset(),
            purpose_withheld_from=frozenset(),
            source=Source(path="<power analysis>", line=1),
        )
    ctx = ActContext(
        spec=spec,
        form=form,
        at=at,
        state=state,
        bylaws=bylaws,
        source=Source(path="<power analysis>", line=1),
        votes=votes,
        meeting=meeting,
    )
    return status_of(apply(rules_for(form), ctx)) in PASSING


def winning_predicate(
    act: ActKind, state: State, at: dt.datetime, subject: Subject | None = None
) -> tuple[Callable[[frozenset[str]], bool], ActSpec, dict[str, bool]]:
    """``is_winning(S)`` for one act kind, plus which forms are usable at all."""
    bylaws = state.bylaws
    spec = _spec(act, subject or default_subject(act, state), state)
    forms: list[Form] = ["meeting", "written-consent", "without-meeting"]
    cache: dict[tuple[Any, ...], bool] = {}
    used: dict[str, bool] = dict.fromkeys(forms, False)
    special = bylaws.special_meetings

    def key(coalition: frozenset[str]) -> tuple[Any, ...]:
        # The rules see a coalition only through its size, whether it holds the subject, and
        # whether it may call a special meeting: cache on exactly that.
        roles = {r for p in coalition for r in state.offices_of(p)}
        if state.chair in coalition:
            roles.add("chair")
        can_call = (
            bool(roles & set(special.callers))
            or "any-director" in special.callers
            or (special.directors_together and len(coalition) >= special.directors_together)
        )
        subject_in = spec.subject.person in coalition
        return len(coalition), subject_in, bool(can_call)

    def is_winning(coalition: frozenset[str]) -> bool:
        if not coalition:
            return False
        k = key(coalition)
        if k not in cache:
            result = False
            for form in forms:
                ok = all(
                    _passes(spec, state, bylaws, at, form, coalition, present)
                    for present in (False, True)
                )
                if ok:
                    used[form] = True
                    result = True
            cache[k] = result
        return cache[k]

    return is_winning, spec, used


def act_power(
    act: ActKind, state: State, at: dt.datetime, subject: Subject | None = None
) -> ActPower:
    players = sorted(state.directors)
    is_winning, spec, used = winning_predicate(act, state, at, subject)
    game = SimpleGame.from_predicate(players, is_winning)
    mwc = sorted(
        (tuple(sorted(c)) for c in game.minimal_winning_coalitions()), key=lambda c: (len(c), c)
    )
    banzhaf = game.banzhaf()
    shapley = game.shapley_shubik()
    blocked = None if mwc else _why_blocked(spec, state, at)
    return ActPower(
        act=act,
        subject=spec.subject,
        forms=tuple(f for f, ok in used.items() if ok),
        notice_needed=state.bylaws.notice.special.required,
        blocked_by=blocked,
        minimal_winning=tuple(mwc),
        swings={p: banzhaf[p].swings for p in players},
        shapley_shubik={p: shapley[p] for p in players},
        veto_players=tuple(sorted(game.veto_players())) if mwc else (),
    )


def _why_blocked(spec: ActSpec, state: State, at: dt.datetime) -> str:
    everyone = frozenset(state.directors)
    ctx = ActContext(
        spec=spec,
        form="written-consent",
        at=at,
        state=state,
        bylaws=state.bylaws,
        source=Source(path="<power analysis>", line=1),
        votes=dict.fromkeys(everyone, Vote.FOR),
    )
    failed = [c.detail for c in apply(rules_for("written-consent"), ctx) if c.passed is False]
    return "; ".join(failed) or "no coalition of directors can pass it under this profile"


def board_power(
    state: State, at: dt.datetime, acts: Iterable[ActKind] = BOARD_ACTS
) -> list[ActPower]:
    return [act_power(act, state, at) for act in acts]
