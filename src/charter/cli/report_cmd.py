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
from charter.model.case import Case
from charter.model.kinds import View
from charter.report.control import (
    DEFAULT_AMOUNTS,
    LoadedWaterfall,
    control_vs_economics,
    load_for_report,
)
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
        over: Annotated[
            str | None,
            typer.Option(
                "--over",
                help="START..END: the report at START and at each change of the economics or "
                "of who appoints the paying entity's board up to END.",
            ),
        ] = None,
        allow_outside: AllowOutsideOpt = False,
    ) -> None:
        """Each party's share of the controlling votes beside its share of the money."""
        case = load_or_exit(case_dir, bylaws, None, allow_outside=allow_outside)
        if case.charter.waterfall is None:
            usage(f"{case_dir} names no waterfall", "add 'waterfall: FILE' to charter.yaml")
        amounts = _amounts(amount, "--amount") or list(DEFAULT_AMOUNTS)
        if chart is not None and chart.suffix.lower() not in (".png", ".svg"):
            usage(f"--chart {chart}: expected a .png or .svg file")
        if over is not None:
            if at is not None:
                usage("--at and --over: give one", "--over START..END reports every era")
            _over(case, over, amounts, _params(param), chart, json_out)
            return
        timeline = replay_or_exit(case)
        when = parse_time(at, case) if at else case.start
        state = timeline.state_at(when, View.DE_JURE) if when else timeline.initial
        file = Path(case.root) / (state.structure.waterfall(case.charter.waterfall) or "")
        params = _params(param)
        spec, _, _ = read_spec(str(file))
        if spec is not None and (unknown := unknown_overrides(spec, params)):
            usage("; ".join(unknown))  # a --param the file does not declare: as `waterfall`
        loaded, diagnostics = load_for_report(file, params)
        if loaded is None:
            print_diagnostics(diagnostics)
            from_cli = any(d.message.startswith(OVERRIDE) for d in diagnostics)
            raise typer.Exit(EXIT_USAGE if from_cli else EXIT_INPUT)
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


def _over(
    case: Case,
    over: str,
    amounts: list[Fraction],
    params: dict[str, str],
    chart: Path | None,
    json_out: bool,
) -> None:
    from charter.report.eras import control_over
    from charter.report.eras_render import eras_table, write_eras_chart

    first, sep, last = over.partition("..")
    if not sep or not first or not last:
        usage(f"--over {over}", "START..END, e.g. --over 2023-01-01..2026-06-30")
    start, end = parse_time(first, case), parse_time(last, case)
    if end <= start:
        usage(f"--over {over}: END must come after START")
    timeline = replay_or_exit(case)

    declared: set[str] = set()

    def load(file: str) -> LoadedWaterfall:
        path = Path(case.root) / file
        spec, _, _ = read_spec(str(path))
        names = set(spec.params or {}) if spec is not None else set()
        declared.update(names)
        loaded, diagnostics = load_for_report(path, {k: v for k, v in params.items() if k in names})
        if loaded is None:
            print_diagnostics(diagnostics)
            from_cli = any(d.message.startswith(OVERRIDE) for d in diagnostics)
            raise typer.Exit(EXIT_USAGE if from_cli else EXIT_INPUT)
        return loaded

    eras = control_over(case, timeline, start, end, load, amounts=amounts, margins=())
    if unknown := sorted(set(params) - declared):
        usage(f"--param {', '.join(unknown)}: no era's waterfall declares it")
    if chart is not None:
        write_eras_chart(eras, chart, end)
    if json_out:
        print_json({"from": start.isoformat(), "to": end.isoformat(), "profile": timeline.profile,
                    "eras": [e.to_json() for e in eras]})  # fmt: skip
        return
    console.print(eras_table(eras, amounts))
    for era in eras:
        console.print(f"from {era.start:%Y-%m-%d} ({era.waterfall}):", markup=False)
        for p in era.report.parties:
            console.print(f"  {p.name}: {p.why}", markup=False)
    if chart is not None:
        console.print(f"chart written to {chart}")
