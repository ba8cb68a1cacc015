"""``charter power CASE_DIR``: who can pass which act on the board at a moment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Group
from rich.text import Text

from charter.cli.common import console, fail, print_json, usage
from charter.cli.governance_cmd import load_or_exit, parse_time, replay_or_exit
from charter.located import did_you_mean
from charter.model.case import Case
from charter.model.kinds import BOARD_ACTS, ActKind, View
from charter.power.board import ActPower, board_power
from charter.report.terminal import human_time

SHOWN = 6
"""Coalitions listed per act in text (JSON lists them all)."""


def _coalitions(coalitions: tuple[tuple[str, ...], ...]) -> str:
    shown = "; ".join("{" + ", ".join(c) + "}" for c in coalitions[:SHOWN])
    if len(coalitions) > SHOWN:
        shown += f"; … ({SHOWN} of {len(coalitions)} shown; --json lists all)"
    return shown


def entity_name(case: Case, ident: str) -> str:
    return next((e.name for e in case.charter.entities if e.id == ident and e.name), ident)


def power_blocks(results: list[ActPower], without: list[str]) -> Group:
    """One block per act, not a table: coalitions are lists of names, and a table squeezed to
    80 columns folded each name onto its own line.  With ``--without``, the coalitions listed
    are the ones that answer the question: those that leave every named director out."""
    lines: list[Text] = [Text("Minimal winning coalitions of the board", style="bold")]
    for r in results:
        subject = " as ".join(x for x in (r.subject.person, r.subject.office) if x) or "—"
        lines.append(Text.assemble((r.act.value, "bold"), f": {subject}"))
        if not r.minimal_winning:
            lines.append(Text(f"  none can pass it: {r.blocked_by}", style="red"))
            continue
        smallest = min(len(c) for c in r.minimal_winning)
        veto = ", ".join(r.veto_players) or "none"
        lines.append(
            Text(f"  forms: {', '.join(r.forms) or '—'} · smallest: {smallest} · veto: {veto}")
        )
        if without:
            avoiding = r.without(without)
            named = ", ".join(without)
            if avoiding:
                lines.append(
                    Text.assemble(
                        f"  without {named}: ",
                        ("yes", "green"),
                        f", {len(avoiding)} of {len(r.minimal_winning)} minimal winning "
                        f"coalitions {'leaves' if len(avoiding) == 1 else 'leave'} them out: "
                        + _coalitions(avoiding),
                    )
                )
            else:
                lines.append(
                    Text.assemble(
                        f"  without {named}: ",
                        ("no", "red"),
                        f": each of the {len(r.minimal_winning)} minimal winning coalitions "
                        "needs one of them",
                    )
                )
        else:
            count = len(r.minimal_winning)
            lines.append(
                Text(
                    f"  {count} minimal winning coalition{'s' if count != 1 else ''}: "
                    + _coalitions(r.minimal_winning)
                )
            )
    return Group(*lines)


def run_cli(
    case_dir: str,
    *,
    at: str | None,
    bylaws: str | None,
    act: str | None,
    without: list[str] | None,
    json_out: bool,
    view: str = "de-jure",
) -> int:
    case = load_or_exit(Path(case_dir), bylaws, None)
    if at is None:
        usage("CASE_DIR analysis needs --at TIME", "e.g. --at 2023-11-16")
    when = parse_time(at, case)
    timeline = replay_or_exit(case)
    try:
        chosen_view = View(view)
    except ValueError:
        usage(f"unknown view '{view}'", "use de-jure or de-facto")
    state = timeline.state_at(when, chosen_view)
    acts = list(BOARD_ACTS)
    if act is not None:
        names = [a.value for a in BOARD_ACTS]
        if act not in names:
            guess = did_you_mean(act, names)
            usage(
                f"unknown act kind '{act}'",
                f"did you mean '{guess}'?" if guess else "one of: " + ", ".join(names),
            )
        acts = [ActKind(act)]
    excluded = list(without or [])
    for person in excluded:
        if person not in state.directors:
            usage(
                f"'{person}' is not a director at {human_time(when)}",
                "directors then: " + ", ".join(sorted(state.directors)),
            )
    results = board_power(state, when, acts)
    if json_out:
        print_json(
            {
                "at": when.isoformat(),
                "profile": timeline.profile,
                "view": chosen_view.value,
                "directors": sorted(state.directors),
                "acts": [r.to_json(excluded) for r in results],
            }
        )
        return 0
    console.print(
        f"Board of {entity_name(case, case.charter.board.entity)} at {human_time(when)} under "
        f"{timeline.profile} ({chosen_view.value}): {', '.join(sorted(state.directors))}"
    )
    console.print(power_blocks(results, excluded))
    pivotal = {p for r in results for p in r.veto_players}
    console.print(
        "veto players (in every winning coalition): " + (", ".join(sorted(pivotal)) or "none")
    )
    return 0


DEFAULT_PROFILE = {
    "nonprofit": "delaware-nonstock",
    "trust": "delaware-nonstock",
    "pbc": "delaware-pbc",
}
"""A seated board's profile when its event names none: by the entity's form (a PBC: the PBC
profile; a corporation or an LLC with a board: Delaware stock-corporation defaults; a nonprofit
or a trust's trustees, a body of members without shares: the nonstock defaults)."""


def run_structure(
    case_dir: str, *, entity: str, at: str | None, act: str | None, json_out: bool
) -> int:
    """``charter power CASE --entity E --act ACT --at TIME``: every route by which a board of the
    case reaches E's act, and each board's coalitions on that route."""
    from dataclasses import replace

    from charter.load.profiles import load_profile
    from charter.power.structure_power import routes

    case = load_or_exit(Path(case_dir), None, None)
    if at is None:
        usage("--entity needs --at TIME", "e.g. --at 2026-01-01")
    when = parse_time(at, case)
    timeline = replay_or_exit(case)
    state = timeline.state_at(when, View.DE_JURE)
    structure = state.structure
    known = [e.id for e in structure.entities]
    if entity not in known:
        guess = did_you_mean(entity, known)
        usage(
            f"no entity '{entity}' at {human_time(when)}",
            f"did you mean '{guess}'?" if guess else "one of: " + ", ".join(known),
        )
    names = [a.value for a in BOARD_ACTS]
    if act is None or act not in names:
        guess = did_you_mean(act or "", names) if act else None
        usage(
            f"--entity needs --act (got {act!r})" if act is None else f"unknown act kind '{act}'",
            f"did you mean '{guess}'?" if guess else "one of: " + ", ".join(names),
        )
    kind = ActKind(act)
    named = {e.id: e.name for e in structure.entities} | {p.id: p.name for p in case.charter.people}
    found = routes(structure, entity, case.charter.board.entity, named)
    blocks: list[dict[str, Any]] = []
    for route in found:
        board = next((b for b in structure.boards if b.entity == route.body), None)
        if route.body == case.charter.board.entity or board is None:
            body_state, profile = state, timeline.profile
        else:
            form = structure.entity(route.body)
            profile = board.bylaws or DEFAULT_PROFILE.get(
                form.kind if form else "", "delaware-stock"
            )
            bylaws, problems = load_profile(profile, relative_to=Path(case.root))
            if bylaws is None:  # the loader checked it; a file changed since is reported
                fail(problems)
            body_state = replace(
                state,
                directors=frozenset(board.directors),
                authorized_seats=len(board.directors),
                chair=board.chair,
                bylaws=bylaws,
                bylaws_ref=profile,
            )
        asked = ActKind.APPROVE_TRANSACTION if route.replaces else kind
        (result,) = board_power(body_state, when, [asked])
        blocks.append(
            {
                "body": route.body,
                "body_name": named.get(route.body, route.body),
                "profile": profile,
                "profile_assumed": route.body != case.charter.board.entity
                and (board is None or board.bylaws is None),
                "path": list(route.path),
                "replaces_directors": route.replaces,
                "act": asked.value,
                "directors": sorted(body_state.directors),
                **{k: v for k, v in result.to_json().items() if k not in ("act",)},
            }
        )
    if json_out:
        print_json({"at": when.isoformat(), "entity": entity, "act": kind.value, "routes": blocks})
        return 0
    title = named.get(entity, entity)
    subject = blocks[0]["subject"] if blocks else {}
    about = ", ".join(
        f"{k}: {named.get(v, v)}" for k, v in (("office", subject.get("office")),
                                              ("person", subject.get("person"))) if v
    )  # fmt: skip
    console.print(
        f"Who can pass {kind.value}{f' ({about})' if about else ''} for {title} at "
        f"{human_time(when)}:",
        markup=False,
    )
    if not blocks:
        console.print("  no board in the case reaches it (no board, right or control recorded)")
    for i, b in enumerate(blocks, 1):
        how = " → ".join(b["path"]) or "its own board"
        assumed = " (assumed: its bylaws are not in the case)" if b["profile_assumed"] else ""
        what = (
            f"replacing the directors, an ordinary act of the board of {b['body_name']}"
            if b["replaces_directors"]
            else f"{kind.value} by the board of {b['body_name']}"
        )
        console.print(f"{i}. {what}", markup=False)
        console.print(f"   route: {how}", markup=False)
        console.print(
            f"   {len(b['directors'])} directors under {b['profile']}{assumed}: "
            + ", ".join(named.get(d, d) for d in b["directors"]),
            markup=False,
        )
        coalitions = b["minimal_winning_coalitions"]
        if not coalitions:
            console.print(f"   no coalition can: {b['blocked_by'] or 'blocked'}", markup=False)
        else:
            console.print(
                f"   smallest coalition: {b['smallest_coalition']} of {len(b['directors'])}; "
                f"{len(coalitions)} minimal winning coalitions; veto: "
                + (", ".join(b["veto_players"]) or "none"),
                markup=False,
            )
    return 0
