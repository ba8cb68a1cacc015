"""``charter report CASE_DIR``: control set against economics for a case and its waterfall."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Annotated

import typer

from charter.cli.common import (
    EXIT_INPUT,
    EXIT_USAGE,
    AllowOutsideOpt,
    console,
    print_diagnostics,
    print_json,
    usage,
)
from charter.cli.governance_cmd import BylawsOpt, load_or_exit, parse_time, replay_or_exit
from charter.model.kinds import View
from charter.report.control import DEFAULT_AMOUNTS, control_vs_economics, load_for_report
from charter.report.control_render import board_sentence, control_table, write_control_chart
from charter.waterfall import read_spec, unknown_overrides
from charter.waterfall.load import OVERRIDE
from charter.waterfall.money import parse_amount


def _amounts(values: list[str] | None, option: str) -> list[Fraction]:
    out = []
    for text in values or []:
        value, problem = parse_amount(text)
        if value is None or value <= 0:
            usage(
                f"{option} {text}: {problem or 'an amount must be positive'}",
                "amounts look like 250000, 2.5e9, 750K, 1.5M, 13B, 2T",
            )
        out.append(value)
    return out


def _params(values: list[str] | None) -> dict[str, str]:
    params = {}
    for item in values or []:
        name, sep, value = item.partition("=")
        if not sep or not name:
            usage(f"--param {item}: expected name=value", "e.g. --param fcp_capital=1B")
        params[name] = value
    return params


def register(app: typer.Typer) -> None:
    @app.command()
    def report(
        case_dir: Annotated[Path, typer.Argument(help="A case directory with a waterfall.")],
        at: Annotated[
            str | None,
            typer.Option("--at", help="Board at this time (default: when the journal starts)."),
        ] = None,
        bylaws: BylawsOpt = None,
        amount: Annotated[
            list[str] | None,
            typer.Option("--amount", help="Profit levels (repeatable); default 10B, 100B, 500B."),
        ] = None,
        param: Annotated[
            list[str] | None,
            typer.Option("--param", help="Waterfall parameter name=value (repeatable)."),
        ] = None,
        chart: Annotated[
            Path | None, typer.Option("--chart", help="Write the chart (.png or .svg).")
        ] = None,
        json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
        allow_outside: AllowOutsideOpt = False,
    ) -> None:
        """Each party's share of the controlling votes beside its share of the money."""
        case = load_or_exit(case_dir, bylaws, None, allow_outside=allow_outside)
        if case.charter.waterfall is None:
            usage(f"{case_dir} names no waterfall", "add 'waterfall: FILE' to charter.yaml")
        amounts = _amounts(amount, "--amount") or list(DEFAULT_AMOUNTS)
        if chart is not None and chart.suffix.lower() not in (".png", ".svg"):
            usage(f"--chart {chart}: expected a .png or .svg file")
        file = Path(case.root) / case.charter.waterfall
        params = _params(param)
        spec, _, _ = read_spec(str(file))
        if spec is not None and (unknown := unknown_overrides(spec, params)):
            usage("; ".join(unknown))  # a --param the file does not declare: as `waterfall`
        loaded, diagnostics = load_for_report(file, params)
        if loaded is None:
            print_diagnostics(diagnostics)
            from_cli = any(d.message.startswith(OVERRIDE) for d in diagnostics)
            raise typer.Exit(EXIT_USAGE if from_cli else EXIT_INPUT)
        timeline = replay_or_exit(case)
        when = parse_time(at, case) if at else case.start
        state = timeline.state_at(when, View.DE_JURE) if when else timeline.initial
        result = control_vs_economics(case, state, loaded, amounts=amounts, margins=amounts)
        if chart is not None:
            write_control_chart(result, chart)
        if json_out:
            data = result.to_json()
            data["at"] = when.isoformat() if when else None
            data["profile"] = timeline.profile
            print_json(data)
            return
        console.print(control_table(result))
        for p in result.parties:
            console.print(f"  {p.name}: {p.why}")
        console.print(board_sentence(result, timeline.profile))
        if chart is not None:
            console.print(f"chart written to {chart}")
