"""``charter value``: what each claim of a waterfall is worth today under a lognormal model of
the profits (charter.valuation): exact, and checked by simulation on request."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.table import Table

from charter.cli.common import (
    EXIT_INPUT,
    EXIT_USAGE,
    console,
    counted,
    print_diagnostics,
    print_json,
    usage,
    working,
)
from charter.load.case import CHARTER_FILE, load_charter
from charter.valuation import Lognormal, Valuation, closed_form, monte_carlo
from charter.valuation.barrier import Warrant, warrant_monte_carlo, warrant_value
from charter.valuation.paths import path_monte_carlo
from charter.valuation.schedule import Schedule, yearly
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
            str | None,
            typer.Option("--value", help="Today's value of the whole profit claim (e.g. 30B)."),
        ] = None,
        vol: Annotated[
            float | None, typer.Option("--vol", help="Volatility a year (0.6 for 60%).")
        ] = None,
        scenarios: Annotated[
            Path | None,
            typer.Option(
                "--scenarios",
                help="Value on your own forecast instead: a CSV of amounts at the horizon "
                "(column amount, optional column weight).",
            ),
        ] = None,
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
        warrant: Annotated[
            str | None,
            typer.Option(
                "--warrant",
                help="Also value a warrant FRACTION:MULTIPLE:YEARS on --value as the company's "
                "value (e.g. 0.05:10:15: 5% more equity if it grows tenfold within 15 years).",
            ),
        ] = None,
        equity: Annotated[
            list[str] | None,
            typer.Option(
                "--equity",
                help="Compare with plain equity: PARTY=FRACTION of the company for a party of "
                "the waterfall (repeatable; e.g. microsoft=0.27).",
            ),
        ] = None,
        sweep_axes: Annotated[
            list[str] | None,
            typer.Option(
                "--sweep",
                help="Sweep an input: NAME=FROM:TO:STEPS or NAME=A,B,C (value, vol, rate, "
                "horizon). Repeatable; needs --out.",
            ),
        ] = None,
        out: Annotated[
            Path | None, typer.Option("--out", help="The sweep's rows: FILE.parquet or FILE.csv.")
        ] = None,
        chart: Annotated[
            Path | None,
            typer.Option("--chart", help="A chart of the sweep: FILE.png or FILE.svg."),
        ] = None,
        dask: Annotated[
            bool, typer.Option("--dask", help="Run the sweep on a local Dask cluster.")
        ] = False,
        workers: Annotated[
            int, typer.Option("--workers", min=1, max=256, help="Local cluster's processes.")
        ] = 2,
        scheduler: Annotated[
            str | None,
            typer.Option("--scheduler", help="A Dask scheduler's address (tcp://host:8786)."),
        ] = None,
        model_name: Annotated[
            str | None,
            typer.Option(
                "--model",
                help="lognormal (all at the horizon; the default), path (paid out along the "
                "way: needs --payout) or empirical (needs --scenarios).",
            ),
        ] = None,
        payout: Annotated[
            float | None,
            typer.Option(
                "--payout", help="Path model: share of the value paid out a year (0.05 for 5%)."
            ),
        ] = None,
        steps: Annotated[
            int | None,
            typer.Option(
                "--steps", min=1, help="Path model: distribution dates (default one a year)."
            ),
        ] = None,
        at: Annotated[
            str | None,
            typer.Option("--at", help="A case's economics at this date (the era's waterfall)."),
        ] = None,
        compare: Annotated[
            str | None,
            typer.Option(
                "--compare",
                help="DATE,DATE[,...]: each date's economics valued under the same inputs, "
                "side by side (the 2023 caps against the 2025 equity).",
            ),
        ] = None,
    ) -> None:
        """What each claim is worth today: the lognormal model's exact value per party (a sum of
        calls at the waterfall's breakpoints), its delta and vega, and with --paths a simulation
        that checks it. A model of value under the inputs given, not advice."""
        kind = _model_kind(model_name, scenarios, payout, steps)
        if (at is not None or compare is not None) and not target.is_dir():
            usage("--at and --compare read a case's economics", "give a case directory")
        if at is not None and compare is not None:
            usage("--at and --compare: give one")
        if compare is not None:
            if today is None or vol is None:
                usage("--compare needs --value and --vol")
            _compare(target, compare, today, vol, rate, horizon, param or [], as_json)
            return
        if scenarios is not None:
            _by_scenarios(target, scenarios, rate, horizon, param or [], as_json)
            return
        if today is None or vol is None:
            usage("--value and --vol are needed", "or --scenarios FILE.csv for your own forecast")
        model = _model(today, vol, rate, horizon)
        overrides: dict[str, str] = {}
        for pair in param or []:
            name, sep, text = pair.partition("=")
            if not sep:
                usage(f"--param {pair}: expected name=value")
            overrides[name.strip()] = text.strip()
        file = _file(target) if at is None else _era_file(target, at)
        spec, _, _ = read_spec(file)
        if spec is not None and unknown_overrides(spec, overrides):
            usage("; ".join(unknown_overrides(spec, overrides)))
        wf, errors = load_waterfall(file, overrides)
        if wf is None:
            print_diagnostics(errors)
            raise typer.Exit(
                EXIT_USAGE if any(d.message.startswith(OVERRIDE) for d in errors) else EXIT_INPUT
            )
        if chart is not None and chart.suffix.lower() not in (".png", ".svg"):
            usage(f"--chart {chart}: expected a .png or .svg file name")
        if sweep_axes:
            if out is None:
                usage("a sweep writes its rows to a file", "add --out sweep.parquet (or .csv)")
            if kind == "path":
                usage("--sweep values the lognormal model", "leave out --model path and --payout")
            axes = _axes(sweep_axes, model)
            rows = _run_sweep(file, overrides, axes, paths, seed, out, dask, workers, scheduler)
            if chart is not None:
                from charter.report.value_render import swept_axes, write_sweep_chart

                if not swept_axes(rows):
                    usage("--chart: the sweep varies no input", "sweep at least two values")
                names = {p.id: p.name or p.id for p in (spec.parties or ())} if spec else {}
                write_sweep_chart(rows, chart, names)
                typer.echo(f"chart written to {chart}")
            return
        schedule = _schedule(payout, steps, horizon) if kind == "path" else None
        terms = _warrant(warrant) if warrant else None
        stakes = _stakes(equity or [], spec.parties or () if spec else ())
        curves = compile_curves(wf)
        exact = closed_form(curves, model)
        names = {p.id: p.name or p.id for p in (spec.parties or ())} if spec else {}
        found, simulated = exact, None
        if schedule is not None:
            with counted("Simulating paths", paths or PATH_PATHS) as tick:
                found = path_monte_carlo(
                    curves, model, schedule, paths=paths or PATH_PATHS, seed=seed, progress=tick
                )
        elif paths:
            with counted("Simulating", paths) as tick:
                simulated = monte_carlo(curves, model, paths=paths, seed=seed, progress=tick)
        priced = None
        if terms is not None:
            worth = warrant_value(terms, model.value, model.rate, model.vol)
            sim = (
                warrant_monte_carlo(
                    terms, model.value, model.rate, model.vol, paths=paths, steps=120, seed=seed
                )
                if paths
                else None
            )
            priced = (worth, sim)
        if chart is not None:
            from charter.report.value_render import write_value_chart

            def valuate(value: float, vol: float) -> dict[str, float]:
                moved = Lognormal(value=value, vol=vol, rate=rate, horizon=horizon)
                if schedule is None:
                    return {p.party: p.value for p in closed_form(curves, moved).parties}
                priced = path_monte_carlo(
                    curves, moved, schedule, paths=CHART_PATHS, seed=seed, greeks=False
                )
                return {p.party: p.value for p in priced.parties}

            with working("Drawing the chart", after=1.0):
                write_value_chart(valuate, model, chart, names, schedule=schedule)
        if as_json:
            document = found.to_json()
            if schedule is not None:
                document["at_the_horizon"] = exact.to_json()
            if simulated is not None:
                document["simulation"] = simulated.to_json()
            if stakes:
                document["equity"] = [
                    {
                        "party": party,
                        "fraction": fraction,
                        "value": fraction * model.value,
                        "capped_claim_value": next(
                            p.value for p in found.parties if p.party == party
                        ),
                    }
                    for party, fraction in stakes.items()
                ]
            if priced is not None and terms is not None:
                document["warrant"] = {
                    "fraction": terms.fraction,
                    "multiple": terms.multiple,
                    "years": terms.years,
                    "value": priced[0],
                    "simulated_value": priced[1][0] if priced[1] else None,
                    "stderr": priced[1][1] if priced[1] else None,
                }
            print_json(document)
            return
        _print_table(spec, file, found, exact, simulated, stakes, names)
        if priced is not None and terms is not None:
            line = (
                f"Warrant for {terms.fraction:.1%} of the company once it is worth "
                f"{terms.multiple:g}x today ({format_money(terms.multiple * model.value)}) within "
                f"{terms.years:g} years: worth {format_money(priced[0])} today"
            )
            if priced[1] is not None:
                line += f" (simulated {format_money(priced[1][0])} ± {format_money(priced[1][1])})"
            console.print(line + ".", markup=False)
        if chart is not None:
            typer.echo(f"chart written to {chart}")


def _model(today: str, vol: float, rate: float, horizon: float) -> Lognormal:
    """The lognormal inputs, or a usage error naming the one out of range."""
    amount, problem = parse_amount(today)
    if amount is None:
        usage(f"--value {today}: {problem}")
    try:
        return Lognormal(value=float(amount), vol=vol, rate=rate, horizon=horizon)
    except ValueError as error:
        usage(f"--{error}")


PATH_PATHS = 200_000
"""Paths simulated by the path model when --paths does not say (it has no closed form)."""
CHART_PATHS = 20_000
"""Paths for each point of a path model's chart: a smooth line, not a priced figure."""
MODELS = ("lognormal", "path", "empirical")


def _model_kind(
    name: str | None, scenarios: Path | None, payout: float | None, steps: int | None
) -> str:
    """The model the options ask for, or a usage error naming what is missing."""
    kind = name or ("empirical" if scenarios is not None else "path" if payout else "lognormal")
    if kind not in MODELS:
        usage(f"--model {name}", f"one of {', '.join(MODELS)}")
    if kind == "empirical" and scenarios is None:
        usage("--model empirical values your own scenarios", "add --scenarios FILE.csv")
    if kind != "empirical" and scenarios is not None:
        usage(f"--scenarios is for --model empirical, not {kind}")
    if kind == "path" and payout is None:
        usage(
            "--model path needs --payout",
            "the share of the value paid out a year, e.g. --payout 0.05",
        )
    if kind != "path" and (payout is not None or steps is not None):
        usage(f"--payout and --steps are for --model path, not {kind}")
    return kind


def _schedule(payout: float | None, steps: int | None, horizon: float) -> Schedule:
    try:
        return Schedule(payout=payout or 0.0, steps=steps or yearly(horizon))
    except ValueError as error:
        usage(f"--{error}")


def _print_table(
    spec: Any,
    file: Path,
    found: Valuation,
    exact: Valuation,
    simulated: Valuation | None,
    stakes: dict[str, float],
    names: dict[str, str],
) -> None:
    model, schedule = found.model, found.schedule
    if schedule is None:
        how = "lognormal"
    else:
        how = (
            f"{schedule.payout * 100:.3g}% paid out a year on {schedule.steps} dates, "
            f"{found.paths:,} paths"
        )
    table = Table(
        title=f"Value today of each claim: {spec.waterfall if spec else file.name}",
        caption=f"{how}: value {format_money(model.value)}, vol {model.vol:.0%}, "
        f"rate {model.rate:.1%}, horizon {model.horizon:g} years; a model, not advice",
    )
    table.add_column("party")
    table.add_column("value", justify="right")
    if schedule is not None:
        table.add_column("±", justify="right")
    table.add_column("share", justify="right")
    table.add_column("delta", justify="right")
    table.add_column("vega, +1 pt", justify="right")
    if schedule is not None:
        table.add_column("all at the horizon", justify="right")
    if stakes:
        table.add_column("as equity", justify="right")
    if simulated is not None:
        table.add_column(f"simulated ({simulated.paths:,} paths)", justify="right")
    sims = {p.party: p for p in simulated.parties} if simulated else {}
    terminal = {p.party: p for p in exact.parties}
    for p in found.parties:
        row = [names.get(p.party, p.party), format_money(p.value)]
        if schedule is not None:
            row.append(format_money(p.stderr))
        row += [
            f"{p.share:.2%}",
            f"{p.delta:.3f}",
            format_money(p.vega / 100),
        ]
        if schedule is not None:
            row.append(format_money(terminal[p.party].value))
        if stakes:
            row.append(format_money(stakes[p.party] * model.value) if p.party in stakes else "—")
        if simulated is not None:
            s = sims[p.party]
            row.append(f"{format_money(s.value)} ± {format_money(s.stderr)}")
        table.add_row(*row)
    console.print(table)


def _numbers(name: str, text: str) -> list[float]:
    """``FROM:TO:STEPS`` (evenly spaced, both ends included) or ``A,B,C``."""
    parse = (lambda t: float(parse_amount(t)[0] or "nan")) if name == "value" else float
    try:
        if ":" in text:
            lo, hi, steps = text.split(":")
            n = int(steps)
            if n < 2 or n > 10_000:
                raise ValueError
            # 12 significant digits: 0.6, not 0.6000000000000001, in the rows and file names
            return [float(f"{x:.12g}") for x in np.linspace(parse(lo), parse(hi), n)]
        return [parse(t) for t in text.split(",")]
    except ValueError:
        usage(f"--sweep {name}={text}", "FROM:TO:STEPS (2 to 10,000 steps) or A,B,C")


def _axes(specs: list[str], model: Lognormal) -> dict[str, list[float]]:
    axes: dict[str, list[float]] = {
        "value": [model.value],
        "vol": [model.vol],
        "rate": [model.rate],
        "horizon": [model.horizon],
    }
    for spec in specs:
        name, sep, text = spec.partition("=")
        if not sep or name not in axes:
            usage(
                f"--sweep {spec}", "NAME=FROM:TO:STEPS with NAME one of value, vol, rate, horizon"
            )
        values = _numbers(name, text)
        for v in values:  # each point must be a valid model: refused before anything runs
            try:
                Lognormal(**{**{k: x[0] for k, x in axes.items()}, name: v})
            except ValueError as error:
                usage(f"--sweep {spec}: {error}")
        axes[name] = values
    return axes


def _run_sweep(
    file: Path,
    overrides: dict[str, str],
    axes: dict[str, list[float]],
    paths: int,
    seed: int,
    out: Path,
    dask: bool,
    workers: int,
    scheduler: str | None,
) -> list[dict[str, Any]]:
    from charter.valuation.sweep import grid, local_cluster, sweep, write_rows

    points = grid(axes)
    text = file.read_text(encoding="utf-8")
    with contextlib.ExitStack() as stack:
        client = None
        if scheduler is not None or dask:
            import distributed

            if scheduler is not None:
                client = stack.enter_context(distributed.Client(scheduler, timeout="10s"))
            else:
                cluster = stack.enter_context(local_cluster(workers))
                client = stack.enter_context(distributed.Client(cluster))
        tick = stack.enter_context(counted(f"Valuing {len(points):,} points", len(points)))
        rows = sweep(
            text,
            str(file),
            overrides,
            points,
            paths=paths,
            seed=seed,
            client=client,
            progress=tick,
        )
    write_rows(rows, str(out))
    where = f"on {scheduler}" if scheduler else f"on {workers} local workers" if dask else "here"
    typer.echo(f"wrote {out}: {len(points):,} points, {len(rows):,} rows (computed {where})")
    return rows


def _warrant(text: str) -> Warrant:
    try:
        fraction, multiple, years = (float(x) for x in text.split(":"))
        return Warrant(fraction=fraction, multiple=multiple, years=years)
    except ValueError as error:
        reason = str(error) if ":" in str(error) else "FRACTION:MULTIPLE:YEARS, e.g. 0.05:10:15"
        usage(f"--warrant {text}: {reason}")


MAX_SCENARIOS = 10_000_000


def read_scenarios(path: Path) -> tuple[list[float], list[float] | None]:
    """The amounts (and weights) of a scenarios CSV, or a located usage error."""
    import csv
    import io

    from charter.located import read_text

    text, problems = read_text(path)
    if text is None:
        usage(problems[0].render())
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or "amount" not in reader.fieldnames:
        usage(f"{path}:1: no 'amount' column", "a header line: amount[,weight]")
    weighted = "weight" in reader.fieldnames
    amounts: list[float] = []
    weights: list[float] = []
    for row in reader:
        line = reader.line_num
        if len(amounts) >= MAX_SCENARIOS:
            usage(f"{path}:{line}: more than {MAX_SCENARIOS:,} scenarios", "sample them")
        value, problem = parse_amount((row.get("amount") or "").strip())
        if value is None:
            usage(f"{path}:{line}: amount '{(row.get('amount') or '')[:24]}': {problem}")
        amounts.append(float(value))
        if weighted:
            try:
                weights.append(float(row.get("weight") or ""))
            except ValueError:
                usage(f"{path}:{line}: weight '{(row.get('weight') or '')[:24]}' is not a number")
    if not amounts:
        usage(f"{path}: no scenarios", "one line per scenario after the header")
    return amounts, weights if weighted else None


def _by_scenarios(
    target: Path, path: Path, rate: float, horizon: float, params: list[str], as_json: bool
) -> None:
    from charter.valuation.empirical import empirical

    file = _file(target)
    overrides = dict(p.partition("=")[::2] for p in params)
    wf, errors = load_waterfall(file, overrides)
    if wf is None:
        print_diagnostics(errors)
        raise typer.Exit(EXIT_INPUT)
    amounts, weights = read_scenarios(path)
    try:
        found = empirical(compile_curves(wf), amounts, weights, rate=rate, horizon=horizon)
    except ValueError as error:
        usage(f"--scenarios {path}: {error}")
    if as_json:
        print_json(found.to_json())
        return
    spec, _, _ = read_spec(file)
    names = {p.id: p.name or p.id for p in (spec.parties or ())} if spec else {}
    table = Table(
        title=f"Value of each claim on {found.scenarios:,} scenarios",
        caption=f"the scenarios' weighted mean, discounted at {rate:.1%} over {horizon:g} years;"
        " a model, not advice",
    )
    for column in ("party", "value", "share", "standard error"):
        table.add_column(column, justify="left" if column == "party" else "right")
    for p in found.parties:
        table.add_row(
            names.get(p.party, p.party),
            format_money(p.value),
            f"{p.share:.2%}",
            format_money(p.stderr),
        )
    console.print(table)


def _stakes(pairs: list[str], parties: Any) -> dict[str, float]:
    """``PARTY=FRACTION`` pairs for parties of the waterfall, adding up to at most 1."""
    known = {p.id for p in parties}
    out: dict[str, float] = {}
    for pair in pairs:
        party, sep, text = pair.partition("=")
        party = party.strip()
        if not sep or party not in known:
            usage(f"--equity {pair}", f"PARTY=FRACTION, PARTY one of {', '.join(sorted(known))}")
        try:
            fraction = float(text)
        except ValueError:
            fraction = -1.0
        if not 0 <= fraction <= 1:
            usage(f"--equity {pair}: a fraction between 0 and 1, e.g. 0.27")
        out[party] = fraction
    if sum(out.values()) > 1 + 1e-9:
        usage(f"--equity: the fractions add up to {sum(out.values()):.4g}, more than 1")
    return out


def _eras(target: Path, dates: list[str]) -> list[tuple[str, Path]]:
    """(the date as given, the waterfall file of the case's economics then) for each date."""
    from charter.cli.governance_cmd import load_or_exit, parse_time, replay_or_exit
    from charter.model.kinds import View

    case = load_or_exit(target, None, None)
    timeline = replay_or_exit(case)
    out = []
    for text in dates:
        state = timeline.state_at(parse_time(text, case), View.DE_JURE)
        name = state.structure.waterfall(case.charter.waterfall)
        if name is None:
            usage(f"{target} has no economics at {text}", "name a waterfall in the charter")
        out.append((text, Path(case.root) / name))
    return out


def _era_file(target: Path, at: str) -> Path:
    return _eras(target, [at])[0][1]


def _compare(
    target: Path,
    dates: str,
    today: str,
    vol: float,
    rate: float,
    horizon: float,
    params: list[str],
    as_json: bool,
) -> None:
    """Each date's economics valued under the same lognormal inputs, per party side by side:
    what the capped claims were worth against the equity that replaced them."""
    model = _model(today, vol, rate, horizon)
    wanted = [d.strip() for d in dates.split(",") if d.strip()]
    if len(wanted) < 2:
        usage(f"--compare {dates}", "two dates or more, e.g. 2023-06-01,2026-01-01")
    overrides = dict(p.partition("=")[::2] for p in params)
    columns: list[tuple[str, Path, dict[str, float]]] = []
    names: dict[str, list[str]] = {}
    residuals: list[str | None] = []
    for text, file in _eras(target, wanted):
        spec, _, _ = read_spec(file)
        known = set(spec.params or {}) if spec is not None else set()
        wf, errors = load_waterfall(file, {k: v for k, v in overrides.items() if k in known})
        if wf is None:
            print_diagnostics(errors)
            raise typer.Exit(EXIT_INPUT)
        for p in spec.parties or () if spec is not None else ():
            seen = names.setdefault(p.id, [])
            if (p.name or p.id) not in seen:
                seen.append(p.name or p.id)
        residuals.append(getattr(spec, "residual", None) if spec is not None else None)
        found = closed_form(compile_curves(wf), model)
        columns.append((text, file, {p.party: p.value for p in found.parties}))
    parties = list(dict.fromkeys(p for _, _, values in columns for p in values))
    if as_json:
        print_json(
            {
                "model": "lognormal",
                "inputs": {"value": model.value, "vol": vol, "rate": rate, "horizon": horizon},
                "eras": [
                    {"at": text, "waterfall": file.name, "values": values}
                    for text, file, values in columns
                ],
            }
        )
        return
    table = Table(
        title="Value today of each claim, era by era (same inputs)",
        caption=f"lognormal: value {format_money(model.value)}, vol {vol:.0%}, rate {rate:.1%}, "
        f"horizon {horizon:g} years; a model, not advice",
    )
    table.add_column("party")
    for text, file, _ in columns:
        table.add_column(f"{text}\n{file.stem}", justify="right")
    table.add_column("change", justify="right")
    for party in parties:
        values = [v.get(party) for _, _, v in columns]
        cells = [format_money(v) if v is not None else "—" for v in values]
        first, last = values[0] or 0.0, values[-1] or 0.0
        table.add_row(" → ".join(names.get(party, [party])), *cells, format_money(last - first))
    console.print(table)
    residual, first_values = residuals[0], columns[0][2]
    capped = any(v for v in first_values.values()) and residual in first_values
    if capped and residual is not None and len(set(first_values)) > 1:
        worth = first_values[residual]
        console.print(
            f"Under {columns[0][1].name}, {names.get(residual, [residual])[0]} takes what the "
            f"other claims leave: worth {format_money(worth)} of {format_money(model.value)} "
            f"({worth / model.value:.1%}) under these inputs.",
            markup=False,
        )
