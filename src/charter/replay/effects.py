"""What an act does to the state once it takes effect.  Pure: (state, act) -> new state."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from charter.model.bylaws import Bylaws, apply_amendment
from charter.model.journal import ActSpec
from charter.model.kinds import ActKind
from charter.model.state import State


def apply_act(state: State, spec: ActSpec, at: dt.datetime, profiles: dict[str, Bylaws]) -> State:
    s, person = spec.subject, spec.subject.person
    match spec.act:
        case ActKind.REMOVE_OFFICER if s.office and state.holder(s.office) == person:
            state = state.with_officer(s.office, None)
        case ActKind.APPOINT_OFFICER if s.office and person:
            state = state.with_officer(s.office, person)
        case ActKind.REMOVE_DIRECTOR if person:
            chair = None if state.chair == person else state.chair
            state = replace(state, directors=state.directors - {person}, chair=chair)
            state = _unseat(state, person)
        case ActKind.ELECT_DIRECTOR | ActKind.FILL_VACANCY if person:
            seat = state.seat_filled(s.seat) if person not in state.directors else None
            state = replace(state, directors=state.directors | {person})
            if seat is not None:
                state = seat_elected(state, person, seat)
        case ActKind.REMOVE_CHAIR:
            if not person or state.chair == person:
                state = replace(state, chair=None)
        case ActKind.ELECT_CHAIR if person:
            state = replace(state, chair=person)
        case ActKind.CHANGE_BOARD_SIZE if spec.seats is not None:
            state = replace(state, authorized_seats=spec.seats)
        case ActKind.AMEND_BYLAWS if spec.amendment is not None:
            bylaws, ref = state.bylaws, state.bylaws_ref
            if spec.amendment.profile is not None and spec.amendment.profile in profiles:
                bylaws, ref = profiles[spec.amendment.profile], spec.amendment.profile
            if spec.amendment.set:
                amended, _ = apply_amendment(bylaws, dict(spec.amendment.set))
                if amended is not None:
                    bylaws, ref = amended, f"{ref} (amended {at.date().isoformat()})"
            state = replace(state, bylaws=bylaws, bylaws_ref=ref)
        case ActKind.DETERMINE_AGI:
            tech = spec.technology or "AGI"
            when = at.date().isoformat()
            agreements = tuple(
                replace(a, agi_excluded=(*a.agi_excluded, (when, tech)))
                if a.excludes_after_agi
                else a
                for a in state.agreements
            )
            state = replace(
                state,
                agreements=agreements,
                agi_determinations=(*state.agi_determinations, (when, tech)),
            )
        case _:
            pass
    return replace(state, at=at)


def seat_elected(state: State, person: str, elector: str) -> State:
    """``person`` now sits in a seat ``elector`` elects."""
    rest = tuple(x for x in state.electors if x[0] != person)
    return replace(state, electors=(*rest, (person, elector)))


def _unseat(state: State, person: str) -> State:
    """A director who leaves frees the seat: a seat an elector elects stays that elector's."""
    if not any(p == person for p, _ in state.electors):
        return state
    return replace(state, electors=tuple(x for x in state.electors if x[0] != person))


def resign(state: State, person: str, positions: tuple[str, ...], at: dt.datetime) -> State:
    for pos in positions:
        if pos == "director":
            chair = None if state.chair == person else state.chair
            state = replace(state, directors=state.directors - {person}, chair=chair)
            state = _unseat(state, person)
        elif pos == "chair":
            if state.chair == person:
                state = replace(state, chair=None)
        elif state.holder(pos) == person:
            state = state.with_officer(pos, None)
    return replace(state, at=at)
