"""``charter power CASE_DIR``: who can pass which act on the board at a moment."""

from __future__ import annotations

from pathlib import Path

from rich.console import Group
from rich.text import Text

from charter.cli.common import console, print_json, usage
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
