"""What a structural event does to the state (issue 13).  Pure: (state, event) -> new state.

The loader has already refused references to entities, committees and agreements that do not
exist at the event's time, so each effect may rely on them."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from charter.model.charter import CharterFile
from charter.model.state import State
from charter.model.structure import (
    BoardView,
    CommitteeView,
    Economics,
    EntityView,
    RightView,
    Structure,
)
from charter.model.structure_events import (
    AgreementAmended,
    BoardSeated,
    CommitteeChanged,
    CommitteeFormed,
    ControlChanged,
    EntityConverted,
    EntityCreated,
    EntityRenamed,
    InterestsIssued,
    ObserverSeat,
    RightGranted,
    SeatsAllotted,
    StructuralEvent,
)
from charter.model.unknown import is_unknown


def initial_structure(c: CharterFile) -> Structure:
    """The structure the charter describes: its entities and controls, and the economics of the
    entity its waterfall pays out of (the entity of the interests that name waterfall parties)."""
    paying = [i.entity for i in c.interests if i.waterfall_party]
    economics: tuple[Economics, ...] = ()
    if c.waterfall is not None or c.interests:
        entity = paying[0] if paying else (c.interests[0].entity if c.interests else None)
        if entity is not None:
            economics = (
                Economics(
                    entity=entity,
                    since=None,
                    waterfall=c.waterfall,
                    interests=tuple(i for i in c.interests if i.entity == entity),
                ),
            )
    return Structure(
        entities=tuple(
            EntityView(id=e.id, name=e.name, kind=e.kind, jurisdiction=str(e.jurisdiction))
            for e in c.entities
        ),
        controls=tuple((x.controller, x.controlled, x.how) for x in c.controls),
        economics=economics,
    )


def _flag(value: object) -> bool | None:
    return None if is_unknown(value) else bool(value)


def apply_structural(state: State, ev: StructuralEvent, at: dt.datetime) -> State:
    s = state.structure
    day = at.date().isoformat()
    match ev:
        case EntityCreated():
            e = ev.entity
            view = EntityView(id=e.id, name=e.name, kind=e.kind, jurisdiction=str(e.jurisdiction))
            s = replace(s, entities=(*s.entities, view))
        case EntityRenamed() | EntityConverted():
            entities: list[EntityView] = []
            for view in s.entities:
                if view.id == ev.entity:
                    was = f"{view.name} ({view.kind}, until {day})"
                    kind = ev.to if isinstance(ev, EntityConverted) else view.kind
                    jurisdiction = view.jurisdiction
                    if isinstance(ev, EntityConverted) and ev.jurisdiction is not None:
                        jurisdiction = str(ev.jurisdiction)
                    view = replace(
                        view,
                        name=ev.name or view.name,
                        kind=kind,
                        jurisdiction=jurisdiction,
                        formerly=(*view.formerly, was),
                    )
                entities.append(view)
            s = replace(s, entities=tuple(entities))
        case ControlChanged():
            kept = tuple(c for c in s.controls if c[1] != ev.controlled)
            if ev.controller is not None:
                kept = (*kept, (ev.controller, ev.controlled, ev.how))
            s = replace(s, controls=kept)
        case InterestsIssued():
            before = s.economics_of(ev.entity)
            interests = (
                ev.interests
                if ev.replaces or before is None
                else (
                    *before.interests,
                    *ev.interests,
                )
            )
            warrants = (
                ev.warrants
                if ev.replaces or before is None
                else (
                    *before.warrants,
                    *ev.warrants,
                )
            )
            waterfall = ev.waterfall or (
                None if ev.replaces or before is None else before.waterfall
            )
            era = Economics(
                entity=ev.entity,
                since=day,
                waterfall=waterfall,
                interests=interests,
                warrants=warrants,
            )
            others = tuple(e for e in s.economics if e.entity != ev.entity)
            s = replace(s, economics=(*others, era))
        case RightGranted():
            right = RightView(
                holder=ev.holder,
                right=ev.right,
                over=ev.over,
                exclusive=_flag(ev.exclusive),
                via=ev.via,
                matters=ev.matters,
                since=day,
                acts=tuple(a.value for a in ev.acts),
            )
            s = replace(s, rights=(*s.rights, right))
        case ObserverSeat():
            seat = (ev.person, ev.board, ev.for_)
            rest = tuple(o for o in s.observers if o[:2] != seat[:2])
            s = replace(s, observers=rest if ev.action == "given-up" else (*rest, seat))
        case CommitteeFormed():
            committee = CommitteeView(
                id=ev.committee,
                name=ev.name,
                board=ev.board,
                members=ev.members,
                chair=ev.chair,
                powers=ev.powers,
                independent=_flag(ev.independent),
                since=day,
            )
            s = replace(s, committees=(*s.committees, committee))
        case CommitteeChanged():
            changed = []
            for c in s.committees:
                if c.id == ev.committee:
                    c = replace(
                        c,
                        members=c.members if ev.members is None else ev.members,
                        chair=ev.chair if ev.chair is not None else c.chair,
                        powers=c.powers if ev.powers is None else ev.powers,
                        independent=(
                            c.independent if ev.independent is None else _flag(ev.independent)
                        ),
                        board=ev.board or c.board,
                        since=day,
                    )
                changed.append(c)
            s = replace(s, committees=tuple(changed))
        case BoardSeated():
            board = BoardView(
                entity=ev.entity,
                directors=ev.directors,
                chair=ev.chair,
                since=day,
                bylaws=ev.bylaws,
            )
            s = replace(s, boards=(*(b for b in s.boards if b.entity != ev.entity), board))
        case AgreementAmended():
            return replace(state, agreements=_amended(state, ev, day), at=at)
        case SeatsAllotted():
            seats = dict(state.elected_seats) | {ev.elector: ev.seats}
            return replace(state, elected_seats=tuple(sorted(seats.items())), at=at)
    return replace(state, structure=s, at=at)


def _amended(state: State, ev: AgreementAmended, day: str) -> tuple:  # type: ignore[type-arg]
    out = []
    for a in state.agreements:
        if a.id == ev.agreement:
            terms = dict(a.terms)
            for key, value in (
                ("AGI determined by", ev.agi_determined_by),
                ("AGI verified by", ev.agi_verified_by),
                ("ends", ev.ends),
                *ev.clauses.items(),
            ):
                if value is not None:
                    terms[key] = value
            a = replace(
                a,
                covers=ev.covers if ev.covers is not None else a.covers,
                terms=tuple(terms.items()),
                amended=(*a.amended, day),
            )
        out.append(a)
    return tuple(out)


def describe_structural(ev: StructuralEvent) -> str:
    """The change in words, by ids (a report swaps in names): what a verdict's line says."""
    match ev:
        case EntityCreated():
            return f"{ev.entity.id} created ({ev.entity.kind})"
        case EntityRenamed():
            return f"{ev.entity} renamed {ev.name}"
        case EntityConverted():
            named = f" named {ev.name}" if ev.name else ""
            return f"{ev.entity} converted to a {ev.to}{named}"
        case ControlChanged():
            if ev.controller is None:
                return f"{ev.controlled} no longer controlled"
            return f"{ev.controller} controls {ev.controlled}" + (f" ({ev.how})" if ev.how else "")
        case InterestsIssued():
            verb = "recapitalised" if ev.replaces else "issues interests"
            holders = ", ".join(dict.fromkeys(i.holder for i in ev.interests))
            warrants = f" and a warrant to {ev.warrants[0].holder}" if ev.warrants else ""
            return f"{ev.entity} {verb}" + (f": {holders}" if holders else "") + warrants
        case RightGranted():
            matters = f" ({ev.matters})" if ev.matters else ""
            words = {
                "appoint-directors": f"appoints the directors of {ev.over}",
                "remove-directors": f"may remove the directors of {ev.over}",
                "veto": f"may veto acts of {ev.over}{matters}",
                "approve": f"must approve acts of {ev.over}{matters}",
                "advance-notice": f"is told in advance by {ev.over}{matters}",
            }
            return f"{ev.holder} {words[ev.right]}"
        case ObserverSeat():
            verb = "takes" if ev.action == "granted" else "gives up"
            return f"{ev.person} {verb} an observer seat on the board of {ev.board}"
        case CommitteeFormed():
            return f"committee {ev.committee} formed by the board of {ev.board}"
        case CommitteeChanged():
            return f"committee {ev.committee} changed"
        case BoardSeated():
            return f"board of {ev.entity} seated ({len(ev.directors)} directors)"
        case AgreementAmended():
            return f"agreement {ev.agreement} amended"
        case SeatsAllotted():
            return f"{ev.elector} elects {ev.seats} of the board's seats"
    return ev.kind
