"""References of the structural events (issue 13), checked in replay's order: an entity must
exist when a change names it, is created once and converted only to a form it does not already
have; a committee is formed before it changes; an agreement amended is one of the charter's;
an act cited as the authority (``by:``) comes earlier in the journal; a waterfall file named
for a new era exists in the case."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from charter.load.confine import outside_error
from charter.load.profiles import load_profile, shipped_profiles
from charter.located import locate, unknown_ref
from charter.model.case import Entry
from charter.model.charter import CharterFile
from charter.model.journal import Acquiescence, Challenge, ConsentCirculated, Motion
from charter.model.source import Diagnostic, Source
from charter.model.structure_events import (
    STRUCTURAL_KINDS,
    AgreementAmended,
    BoardSeated,
    CommitteeChanged,
    CommitteeFormed,
    ControlChanged,
    EntityConverted,
    EntityCreated,
    EntityRenamed,
    HolderElection,
    HoldersVote,
    InterestsIssued,
    ObserverSeat,
    RightGranted,
    SeatsAllotted,
)
from charter.model.unknown import is_unknown

Loc = tuple[str | int, ...]


def check_structure(
    entries: Sequence[Entry],
    datas: dict[str, Any],
    c: CharterFile,
    case_dir: Path,
    confine: Path | None = None,
) -> list[Diagnostic]:
    """``confine``: the directory an era's waterfall file must lie in (None: any, as with
    ``--allow-outside``)."""
    out: list[Diagnostic] = []
    entities: dict[str, str] = {e.id: e.kind for e in c.entities}
    converted: dict[str, Source] = {}
    people = {p.id for p in c.people}
    committees: set[str] = set()
    agreements = {a.id for a in c.agreements}
    acts: set[str] = set()
    electors = set(c.board.elected_seats)
    for entry in sorted(entries, key=lambda e: (e.at, e.file_index, e.position)):
        ev, path = entry.event, entry.source.path
        data = datas[path]
        base: Loc = ("events", entry.position)

        def at(*loc: str | int, data: Any = data, path: str = path, base: Loc = base) -> Source:
            return locate(data, (*base, *loc), path)

        day = f"{entry.at:%Y-%m-%d}"

        def entity(ref: str | None, *loc: str | int, holders: bool = False, day: str = day) -> None:
            known = set(entities) | (people if holders else set())
            if ref is not None and ref not in known:
                what = "entity or person" if holders else "entity"
                out.append(
                    unknown_ref(
                        at(*loc),
                        what,
                        ref,
                        known,
                        f"add it under entities: in the charter, or create it earlier with "
                        f"an 'entity-created' event (on {day} it does not exist)",
                    )
                )

        if isinstance(ev, Motion | HoldersVote | HolderElection) and ev.id:
            acts.add(ev.id)
        if isinstance(ev, Motion) and ev.body is not None and ev.body not in committees:
            out.append(
                unknown_ref(
                    at("body"),
                    "committee",
                    ev.body,
                    committees,
                    "a committee acts once formed: add a 'committee-formed' event before it",
                )
            )
        if isinstance(ev, Motion) and ev.under is not None and ev.body is None:
            out.append(
                Diagnostic(
                    source=at("under"),
                    message="'under' names a committee's delegated power",
                    hint="add 'body: COMMITTEE' or remove 'under'",
                )
            )
        if (
            isinstance(ev, Motion)
            and ev.subject.seat is not None
            and ev.subject.seat not in electors
        ):
            out.append(
                unknown_ref(
                    at("subject", "seat"),
                    "elector",
                    ev.subject.seat,
                    electors,
                    "a seat is named by who elects it, as under board.elected_seats",
                )
            )
        if isinstance(ev, ConsentCirculated):
            acts.update(a.id for a in ev.acts if a.id)
        if isinstance(ev, Acquiescence | Challenge):
            named: list[tuple[Loc, str]] = (
                [(("act",), ev.act)]
                if isinstance(ev, Acquiescence)
                else [(("acts", j), a) for j, a in enumerate(ev.acts)]
            )
            for loc, ref in named:
                if ref not in acts:
                    out.append(
                        unknown_ref(
                            at(*loc),
                            "act",
                            ref,
                            acts,
                            "name the id of an act that comes earlier in the journal (a "
                            "motion's, a consent's act's, a holders' vote's)",
                        )
                    )
        by = getattr(ev, "by", None)
        if (
            ev.kind in STRUCTURAL_KINDS
            and isinstance(by, str)
            and not is_unknown(by)
            and by not in acts
        ):
            out.append(
                unknown_ref(
                    at("by"),
                    "act",
                    by,
                    acts,
                    "name the id of a motion or consent act that comes earlier in the journal, "
                    "or write 'by: unknown'",
                )
            )
        match ev:
            case EntityCreated():
                if ev.entity.id in entities:
                    out.append(
                        Diagnostic(
                            source=at("entity", "id"),
                            message=f"entity '{ev.entity.id}' already exists",
                            hint="give the new entity its own id, or convert or rename the "
                            "existing one",
                        )
                    )
                entities[ev.entity.id] = ev.entity.kind
            case EntityRenamed():
                entity(ev.entity, "entity")
            case EntityConverted():
                entity(ev.entity, "entity")
                if entities.get(ev.entity) == ev.to:
                    before = converted.get(ev.entity)
                    out.append(
                        Diagnostic(
                            source=at("to"),
                            message=f"entity '{ev.entity}' is already a {ev.to}"
                            + (f" (converted at {before})" if before else ""),
                            hint="a conversion changes the form: name the new form, or drop "
                            "the repeated event",
                        )
                    )
                elif ev.entity in entities:
                    entities[ev.entity] = ev.to
                    converted[ev.entity] = entry.source
            case ControlChanged():
                entity(ev.controlled, "controlled")
                entity(ev.controller, "controller")
            case InterestsIssued():
                entity(ev.entity, "entity")
                for j, interest in enumerate(ev.interests):
                    entity(interest.holder, "interests", j, "holder", holders=True)
                    if interest.entity != ev.entity:
                        out.append(
                            Diagnostic(
                                source=at("interests", j, "entity"),
                                message=f"an interest in '{interest.entity}' issued by "
                                f"'{ev.entity}'",
                                hint=f"write entity: {ev.entity} (the entity issuing them)",
                            )
                        )
                for j, warrant in enumerate(ev.warrants):
                    entity(warrant.holder, "warrants", j, "holder", holders=True)
                refused = (
                    outside_error(confine, ev.waterfall, at("waterfall"))
                    if ev.waterfall is not None and confine is not None
                    else None
                )
                if refused is not None:
                    out.append(refused)
                elif ev.waterfall is not None and not (case_dir / ev.waterfall).is_file():
                    out.append(
                        Diagnostic(
                            source=at("waterfall"),
                            message=f"no waterfall file '{ev.waterfall}' in {case_dir}",
                            hint="name a waterfall file of the case, relative to its directory",
                        )
                    )
            case RightGranted():
                entity(ev.holder, "holder", holders=True)
                entity(ev.over, "over")
            case ObserverSeat():
                entity(ev.board, "board")
                entity(ev.for_, "for")
            case CommitteeFormed():
                entity(ev.board, "board")
                if ev.committee in committees:
                    out.append(
                        Diagnostic(
                            source=at("committee"),
                            message=f"committee '{ev.committee}' is already formed",
                            hint="change it with a 'committee-changed' event",
                        )
                    )
                committees.add(ev.committee)
            case CommitteeChanged():
                if ev.committee not in committees:
                    out.append(
                        unknown_ref(
                            at("committee"),
                            "committee",
                            ev.committee,
                            committees,
                            "form it first with a 'committee-formed' event",
                        )
                    )
                entity(ev.board, "board")
            case BoardSeated():
                entity(ev.entity, "entity")
                if ev.bylaws is not None and ev.bylaws not in shipped_profiles():
                    _, problems = load_profile(
                        ev.bylaws, relative_to=case_dir, where=at("bylaws"), confine=confine
                    )
                    out.extend(problems)
            case SeatsAllotted():
                entity(ev.elector, "elector", holders=True)
                electors.add(ev.elector)
            case HolderElection():
                if ev.elector not in electors:
                    out.append(
                        unknown_ref(
                            at("elector"),
                            "elector",
                            ev.elector,
                            electors,
                            "name who elects the seat under board.elected_seats in the charter,"
                            " or allot it seats earlier with a 'seats-allotted' event",
                        )
                    )
            case HoldersVote():
                entity(ev.entity, "entity")
                for holder in ev.excluding:
                    entity(holder, "excluding", holders=True)
                if isinstance(ev.votes, dict):
                    for holder in ev.votes:
                        entity(holder, "votes", holder, holders=True)
            case AgreementAmended():
                if ev.agreement not in agreements:
                    out.append(
                        unknown_ref(
                            at("agreement"),
                            "agreement",
                            ev.agreement,
                            agreements,
                            "add it under agreements: in the charter",
                        )
                    )
            case _:
                pass
    return out
