"""``charter power CASE_DIR``: who can pass which act on the board at a moment."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from charter.cli.common import console, print_json, usage
from charter.cli.governance_cmd import load_or_exit, parse_time, replay_or_exit
from charter.located import did_you_mean
from charter.model.kinds import BOARD_ACTS, ActKind, View
from charter.power.board import ActPower, board_power


def power_table(results: list[ActPower], without: list[str]) -> Table:
    table = Table(title="Minimal winning coalitions of the board", header_style="bold")
    table.add_column("act")
    table.add_column("subject")
    table.add_column("forms")
    table.add_column("smallest")
    table.add_column("minimal winning coalitions")
    table.add_column("veto")
    if without:
        table.add_column(f"without {', '.join(without)}")
    for r in results:
        coalitions = "; ".join("{" + ", ".join(c) + "}" for c in r.minimal_winning[:6])
        if len(r.minimal_winning) > 6:
            coalitions += f"; … ({len(r.minimal_winning)} in all)"
        if not r.minimal_winning:
            coalitions = f"[red]none: {r.blocked_by}[/red]"
        subject = " as ".join(x for x in (r.subject.person, r.subject.office) if x) or "—"
        row = [
            r.act.value,
            subject,
            ", ".join(r.forms) or "—",
            str(min((len(c) for c in r.minimal_winning), default="—")),
            coalitions,
            ", ".join(r.veto_players) or "—",
        ]
        if without:
            avoiding = r.without(without)
            row.append(f"[green]yes[/green] ({len(avoiding)})" if avoiding else "[red]no[/red]")
        table.add_row(*row)
    return table


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
                f"'{person}' is not a director at {when.isoformat()}",
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
        f"Board of {case.charter.board.entity} at {when.isoformat()} under "
        f"{timeline.profile} ({chosen_view.value}): {', '.join(sorted(state.directors))}"
    )
    console.print(power_table(results, excluded))
    pivotal = {p for r in results for p in r.veto_players}
    console.print(
        "veto players (in every winning coalition): " + (", ".join(sorted(pivotal)) or "none")
    )
    return 0
