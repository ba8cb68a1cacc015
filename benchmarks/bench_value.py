"""Pricing the claims by simulation against evaluating the payouts alone (issue 14, "Speed").

On the bundled OpenAI waterfall: N lognormal terminal values drawn once, then (a) the payouts
alone at those values (`Curves.evaluate`, the vectorised engine) and (b) the whole Monte Carlo
valuation of N paths (`charter.valuation.monte_carlo`: drawing, the antithetic pair, the payouts,
the control variate and the sums); and the path model against the payouts alone at as many
amounts as it evaluates. The ratio (b)/(a), measured in the same run, is the cost of
valuation over evaluation; the target is at most 2. The closed form is timed too.

    python benchmarks/run.py value
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from charter.valuation import Lognormal, closed_form, monte_carlo
from charter.valuation.paths import path_monte_carlo
from charter.valuation.schedule import Schedule
from charter.waterfall import compile_curves, load_waterfall

ROOT = Path(__file__).resolve().parent.parent
PATH_PATHS = 200_000


def _best(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return min(times)


def _payouts_on_paths(curves, model, schedule, paths: int) -> None:  # type: ignore[no-untyped-def]
    """The paths of charter.valuation.paths and the payouts at each date, nothing else."""
    import math

    from charter.valuation.lognormal import CHUNK

    rng = np.random.default_rng(1)
    dt = model.horizon / schedule.steps
    root = model.vol * math.sqrt(dt)
    growth = (model.rate - 0.5 * model.vol * model.vol) * dt
    kept = math.exp(-schedule.payout * dt)
    done, pairs = 0, paths // 2
    while done < pairs:
        m = min(CHUNK, pairs - done)
        z = rng.standard_normal((schedule.steps, m))
        for side in (z, -z):
            value = np.full(m, model.value)
            cumulative = np.zeros(m)
            for k in range(schedule.steps):
                value = value * np.exp(growth + root * side[k])
                out = value if k == schedule.steps - 1 else value * (1.0 - kept)
                value = value * kept
                cumulative = cumulative + out
                curves.evaluate(cumulative)
        done += m


def run() -> str:
    wf, errors = load_waterfall(ROOT / "examples" / "openai-2023" / "waterfall.yaml")
    assert wf is not None, errors
    curves = compile_curves(wf)
    model = Lognormal(value=30e9, vol=0.6, rate=0.04, horizon=10)
    rows = []
    for n in (1_000_000, 4_000_000):
        rng = np.random.default_rng(1)
        root = model.vol * model.horizon**0.5
        amounts = model.forward * np.exp(root * rng.standard_normal(n) - 0.5 * root * root)
        evaluate_s = _best(lambda a=amounts: curves.evaluate(a))
        value_s = _best(lambda n=n: monte_carlo(curves, model, paths=n, seed=1))
        rows.append(
            f"| {n:,} | {evaluate_s:.3f} s ({n / evaluate_s / 1e6:.1f} M/s) | "
            f"{value_s:.3f} s ({n / value_s / 1e6:.1f} M/s) | {value_s / evaluate_s:.2f}x |"
        )
    path_rows = []
    for steps in (10, 40):
        n = PATH_PATHS
        schedule = Schedule(payout=0.05, steps=steps)
        rng = np.random.default_rng(1)
        amounts = model.value * np.exp(0.3 * rng.standard_normal(n * steps))
        evaluate_s = _best(lambda a=amounts: curves.evaluate(a))
        on_paths_s = _best(lambda s=schedule: _payouts_on_paths(curves, model, s, PATH_PATHS))
        value_s = _best(
            lambda s=schedule: path_monte_carlo(
                curves, model, s, paths=PATH_PATHS, seed=1, greeks=False
            )
        )
        greeks_s = _best(
            lambda s=schedule: path_monte_carlo(curves, model, s, paths=PATH_PATHS, seed=1)
        )
        path_rows.append(
            f"| {n:,} x {steps} | {evaluate_s:.3f} s | {on_paths_s:.3f} s | {value_s:.3f} s | "
            f"{value_s / evaluate_s:.2f}x / {value_s / on_paths_s:.2f}x | {greeks_s:.3f} s | "
            f"{greeks_s / evaluate_s:.2f}x / {greeks_s / on_paths_s:.2f}x |"
        )
    exact_s = _best(lambda: closed_form(curves, model), repeat=20)
    shape = f"{len(curves.parties)} parties, {len(curves.breakpoints)} breakpoints"
    return f"""## Valuation by simulation (`python benchmarks/run.py value`)

Monte Carlo valuation against evaluating the payouts alone, on the bundled OpenAI waterfall
({shape}); best of 3 runs each, in one process. Target: valuation within 2x of the payouts.

| paths | payouts alone (`Curves.evaluate`) | Monte Carlo valuation | ratio |
|---|---|---|---|
{chr(10).join(rows)}

The path model (`--payout 0.05`, profits paid out on each of `steps` dates) against the payouts
alone at as many amounts (paths x dates): the values alone, and with each party's pathwise delta
and vega (the curves' slopes at every amount, two more control-variate regressions), as
`charter value --payout` prints them.  "Payouts on the paths" simulates the same paths (both
antithetic sides, 15,000 at a time) and evaluates the payouts at every date, without
discounting, control variates or greeks: the evaluation the valuation cannot avoid.  Ratios:
against the payouts alone / against the payouts on the paths:

| paths x dates | payouts alone | payouts on the paths | values | ratios | with greeks | ratios |
|---|---|---|---|---|---|---|
{chr(10).join(path_rows)}

The closed form (every party, with delta and vega) takes {exact_s * 1e6:,.0f} µs: it is what the
simulation is checked against (tests/test_valuation.py: within 4.5 standard errors on every
bundled waterfall at three seeds).
"""
