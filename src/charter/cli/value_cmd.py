"""``charter value``: what each claim of a waterfall is worth today under a lognormal model of
the profits (charter.valuation): exact, and checked by simulation on request."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from charter.cli.common import EXIT_INPUT, EXIT_USAGE, console, print_diagnostics, print_json, usage
from charter.load.case import CHARTER_FILE, load_charter
from charter.valuation import Lognormal, closed_form, monte_carlo
from charter.waterfall import compile_curves, load_waterfall, read_spec, unknown_overrides
from charter.waterfall.load import OVERRIDE
from charter.waterfall.money import format_money, parse_amount


def _file(target: Path) -> Path:
    """A waterfall file, or the one a case's charter names."""
    if target.is_dir():
        charter, _, errors = load_charter(target / CHARTER_FILE)
        if charter is None:
            print_diagnostics(errors)
            raise typer.Exit(EXIT_INPUT)
        if charter.waterfall is None:
            usage(f"{target} names no waterfall", "give a waterfall file, or add waterfall: FILE")
        return target / charter.waterfall
    if not target.is_file():
        usage(f"no such file or case directory: {target}")
    return target


def register(app: typer.Typer) -> None:
    @app.command()
    def value(
        target: Annotated[
            Path, typer.Argument(help="A waterfall file, or a case directory that names one.")
        ],
        today: Annotated[
            str,
            typer.Option("--value", help="Today's value of the whole profit claim (e.g. 30B)."),
        ],
        vol: Annotated[float, typer.Option("--vol", help="Volatility a year (0.6 for 60%).")],
        rate: Annotated[float, typer.Option("--rate", help="Risk-free rate a year (0.04).")] = 0.04,
        horizon: Annotated[
            float, typer.Option("--horizon", help="Years until the profits are distributed.")
        ] = 10.0,
        paths: Annotated[
            int,
            typer.Option("--paths", min=0, help="Also simulate this many paths (0: exact only)."),
        ] = 0,
        seed: Annotated[int, typer.Option("--seed", help="The simulation's seed.")] = 0,
        param: Annotated[
            list[str] | None, typer.Option("--param", help="Override a waterfall parameter.")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """What each claim is worth today: the lognormal model's exact value per party (a sum of
        calls at the waterfall's breakpoints), its delta and vega, and with --paths a simulation
        that checks it. A model of value under the inputs given, not advice."""
        amount, problem = parse_amount(today)
        if amount is None:
            usage(f"--value {today}: {problem}")
        try:
            model = Lognormal(value=float(amount), vol=vol, rate=rate, horizon=horizon)
        except ValueError as error:
            usage(f"--{error}")
        overrides: dict[str, str] = {}
        for pair in param or []:
            name, sep, text = pair.partition("=")
            if not sep:
                usage(f"--param {pair}: expected name=value")
            overrides[name.strip()] = text.strip()
        file = _file(target)
        spec, _, _ = read_spec(file)
        if spec is not None and unknown_overrides(spec, overrides):
            usage("; ".join(unknown_overrides(spec, overrides)))
        wf, errors = load_waterfall(file, overrides)
        if wf is None:
            print_diagnostics(errors)
            raise typer.Exit(
                EXIT_USAGE if any(d.message.startswith(OVERRIDE) for d in errors) else EXIT_INPUT
            )
        curves = compile_curves(wf)
        exact = closed_form(curves, model)
        simulated = monte_carlo(curves, model, paths=paths, seed=seed) if paths else None
        if as_json:
            document = exact.to_json()
            if simulated is not None:
                document["simulation"] = simulated.to_json()
            print_json(document)
            return
        names = {p.id: p.name or p.id for p in (spec.parties or ())} if spec else {}
        table = Table(
            title=f"Value today of each claim: {spec.waterfall if spec else file.name}",
            caption=f"lognormal: value {format_money(model.value)}, vol {vol:.0%}, "
            f"rate {rate:.1%}, horizon {horizon:g} years; a model, not advice",
        )
        table.add_column("party")
        table.add_column("value", justify="right")
        table.add_column("share", justify="right")
        table.add_column("delta", justify="right")
        table.add_column("vega, +1 pt", justify="right")
        if simulated is not None:
            table.add_column(f"simulated ({simulated.paths:,} paths)", justify="right")
        sims = {p.party: p for p in simulated.parties} if simulated else {}
        for p in exact.parties:
            row = [
                names.get(p.party, p.party),
                format_money(p.value),
                f"{p.share:.2%}",
                f"{p.delta:.3f}",
                format_money(p.vega / 100),
            ]
            if simulated is not None:
                s = sims[p.party]
                row.append(f"{format_money(s.value)} ± {format_money(s.stderr)}")
            table.add_row(*row)
        console.print(table)
