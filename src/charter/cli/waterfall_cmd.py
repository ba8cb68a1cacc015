"""``charter waterfall``: who gets what at given amounts, breakpoints, sweeps and charts."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from charter.cli.common import (
    EXIT_INPUT,
    EXIT_USAGE,
    console,
    err_console,
    print_diagnostics,
    print_json,
    usage,
)
from charter.report import waterfall_render as render
from charter.waterfall import (
    compile_curves,
    evaluate,
    load_waterfall,
    parse_amount,
    read_spec,
    unknown_overrides,
)
from charter.waterfall.load import OVERRIDE

CHART_SUFFIXES = (".png", ".svg")


def _amount(text: str, option: str) -> Fraction:
    value, problem = parse_amount(text)
    if value is None:
        usage(f"{option} {text}: {problem}")
    return value


def _overrides(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            usage(f"--param {pair}: expected name=value (e.g. fcp_capital=5B)")
        out[name.strip()] = value.strip()
    return out


def register(app: typer.Typer) -> None:
    @app.command()
    def waterfall(
        file: Annotated[Path, typer.Argument(help="A waterfall YAML file (docs/formats.md).")],
        at: Annotated[
            list[str] | None,
            typer.Option("--at", help="An amount to distribute: 250000, 2.5e9, 750K, 13B, 2T."),
        ] = None,
        param: Annotated[
            list[str] | None,
            typer.Option("--param", help="Override a file parameter: name=value."),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
        precision: Annotated[
            int, typer.Option("--precision", min=0, max=12, help="Decimals shown (2: cents).")
        ] = 2,
        breakpoints: Annotated[
            bool, typer.Option("--breakpoints", help="List breakpoints and marginal splits.")
        ] = False,
        sweep: Annotated[
            tuple[str, str, int] | None,
            typer.Option("--sweep", help="FROM TO STEPS for --csv and --chart."),
        ] = None,
        csv_path: Annotated[
            Path | None, typer.Option("--csv", help="Write the sweep as CSV to this file.")
        ] = None,
        chart: Annotated[
            Path | None, typer.Option("--chart", help="Write a chart (FILE.png or FILE.svg).")
        ] = None,
    ) -> None:
        """Who gets what: exact payouts per party and tier, breakpoints, sweeps and charts."""
        exact_amounts = [_amount(a, "--at") for a in at or []]
        overrides = _overrides(param or [])
        lo = hi = None
        steps = 0
        if sweep is not None:
            lo, hi = float(_amount(sweep[0], "--sweep")), float(_amount(sweep[1], "--sweep"))
            steps = sweep[2]
            if steps < 2 or hi <= lo:
                given = f"{sweep[0]} {sweep[1]} {steps}"
                usage(f"--sweep {given}: expected FROM < TO and at least 2 steps")
        if chart is not None and chart.suffix.lower() not in CHART_SUFFIXES:
            usage(f"--chart {chart}: expected a .png or .svg file name")
        spec, _root, errors = read_spec(file)
        if spec is not None:
            unknown = unknown_overrides(spec, overrides)
            if unknown:
                usage("; ".join(unknown))
        wf, errors = load_waterfall(file, overrides)
        if wf is None:
            print_diagnostics(errors)
            from_cli = any(d.message.startswith(OVERRIDE) for d in errors)
            raise typer.Exit(EXIT_USAGE if from_cli else EXIT_INPUT)
        out = console
        document: dict[str, object] = {}
        results = [evaluate(wf, a) for a in exact_amounts]
        if results:
            if as_json:
                document.update(render.results_json(results, precision))
            else:
                for r in results:
                    out.print(render.result_table(wf, r, precision))
        nothing = not (results or csv_path or chart)
        curves = compile_curves(wf) if (breakpoints or csv_path or chart or nothing) else None
        if curves is not None and (breakpoints or nothing):
            if as_json:
                document.update(render.breakpoints_json(curves, precision))
            else:
                out.print(render.breakpoints_table(wf, curves, precision))
        if curves is not None and csv_path is not None:
            if lo is None or hi is None:
                csv_lo, csv_hi = render.default_range(curves)
                csv_steps = 2001
            else:
                csv_lo, csv_hi, csv_steps = lo, hi, steps
            render.write_csv(
                curves,
                csv_path,
                np.linspace(csv_lo, csv_hi, csv_steps),
                progress=csv_steps > 200_000,
            )
            err_console.print(f"wrote {csv_path}")
        if curves is not None and chart is not None:
            marks = [float(a) for a in exact_amounts]
            if sweep is not None and lo is not None and hi is not None:
                outside = [t for t, m in zip(at or [], marks, strict=True) if not lo <= m <= hi]
                if outside:
                    err_console.print(
                        f"note: --at {', '.join(outside)} lies outside --sweep {sweep[0]} "
                        f"{sweep[1]}: not marked on the chart"
                    )
            render.write_chart(
                curves,
                chart,
                start=lo,
                stop=hi,
                steps=steps or 2001,
                title=wf.name,
                names=render.party_names(wf),
                marks=marks,
            )
            err_console.print(f"wrote {chart}")
        if as_json:
            print_json(document)
