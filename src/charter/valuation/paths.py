"""Claims on profits distributed over time: a geometric Brownian path of the company's value
that pays out a share of itself at each distribution date, and everything that is left at the
horizon.

Why a path: a waterfall's tiers cap *cumulative* receipts (Microsoft's 75% until it recoups its
investment, then a smaller share up to its cap).  When profits arrive over years, a party paid
first is paid earlier and so is worth more, and a cap reached in a good early year is reached
whatever comes later: the order and timing of the distributions matter, and a single terminal
amount cannot say so.  The compiled curves are functions of the cumulative amount distributed, so
a party receives ``f(C_k) − f(C_(k−1))`` at the ``k``-th date, discounted from then.

Under the risk-neutral measure, the value just before a date grows at the rate ``r`` with
volatility ``σ``; a fraction ``1 − e^(−q·Δt)`` of it is paid out (``q`` is the payout yield a
year); at the horizon the rest is paid.  The discounted distributions then add up to ``V0`` in
expectation, whatever ``q``, so the parties' values add up to today's value as in the terminal
model, to which this model reduces when ``q = 0``.  No closed form exists for ``q > 0``: the
values come from simulation (antithetic pairs, with the total discounted distribution, whose
mean is ``V0``, as a control variate), and the deltas and vegas from pathwise derivatives
(exact almost everywhere, since the curves are piecewise linear).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from charter.valuation.lognormal import CHUNK, Lognormal, Valuation, _valuation
from charter.valuation.moments import ControlledMeans
from charter.valuation.schedule import Schedule
from charter.waterfall.curves import Curves

FloatArray = npt.NDArray[np.float64]
DRAWS = 2_000_000
"""Normal draws a chunk holds at most (paths x dates): with many dates, fewer paths a chunk,
so memory stays bounded (about 16 MB for the draws and their antithetic copy) whatever
``--steps``; up to 133 dates a chunk is the terminal model's."""


def path_monte_carlo(
    curves: Curves,
    model: Lognormal,
    schedule: Schedule,
    *,
    paths: int = 200_000,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
    greeks: bool = True,
) -> Valuation:
    """Each party's value when the profits are distributed along the path (see the module's
    docstring), with its standard error, and its delta and vega unless ``greeks`` is false
    (then 0: a chart's points need only the values)."""
    if paths < 2:
        raise ValueError("paths: at least 2")
    rng = np.random.default_rng(seed)
    pairs = paths // 2
    n = len(curves.parties)
    dt = model.horizon / schedule.steps
    root = model.vol * math.sqrt(dt)
    growth = (model.rate - 0.5 * model.vol * model.vol) * dt
    kept = math.exp(-schedule.payout * dt)
    # each estimate has a control of known mean: the total discounted distribution for the
    # values (V0), the same over V0 for the deltas (1), and the sum of the vegas (0: the total
    # is V0 whatever the volatility)
    means, deltas, vegas = ControlledMeans(n), ControlledMeans(n), ControlledMeans(n)
    done = 0
    while done < pairs:
        m = min(CHUNK, max(1, DRAWS // schedule.steps), pairs - done)
        z = rng.standard_normal((schedule.steps, m))
        up = _one_side(curves, model, schedule.steps, dt, root, growth, kept, z, greeks)
        down = _one_side(curves, model, schedule.steps, dt, root, growth, kept, -z, greeks)
        total = 0.5 * (up[0] + down[0])
        payouts = 0.5 * (up[1] + down[1])
        means.add(total, payouts)
        if greeks:
            delta = 0.5 * (up[2] + down[2])
            deltas.add(total / model.value, delta)
            vega = 0.5 * (up[3] + down[3])
            vegas.add(vega.sum(axis=0), vega)
        done += m
        if progress is not None:
            progress(2 * done)
    values, stderrs = means.finish(model.value)
    return _valuation(
        curves,
        model,
        "monte carlo on paths (antithetic, control variate; pathwise greeks)",
        values,
        deltas.finish(1.0)[0] if greeks else [0.0] * n,
        vegas.finish(0.0)[0] if greeks else [0.0] * n,
        stderrs,
        paths=pairs * 2,
        seed=seed,
        schedule=schedule,
    )


def _one_side(
    curves: Curves,
    model: Lognormal,
    steps: int,
    dt: float,
    root: float,
    growth: float,
    kept: float,
    z: FloatArray,
    greeks: bool,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """For the paths driven by ``z`` (steps × paths): the total discounted distribution, and
    per party (rows) the discounted payouts and their derivatives in V0 and in vol.

    Summation by parts keeps one term a step: ``Σ_k d_k·(f(C_k) − f(C_(k−1)))`` is
    ``Σ_k f(C_k)·(d_k − d_(k+1))`` with ``d_(n+1) = 0`` (and ``f(C_0) = f(0)`` paid at the
    first date, as in the closed form), and likewise for the derivatives ``f'(C_k)·C'_k``."""
    m = z.shape[1]
    value = np.full(m, model.value)
    brownian = np.zeros(m)
    cumulative = np.zeros(m)
    d_vol = np.zeros(m)  # d cumulative / d vol
    total = np.zeros(m)
    paid = np.zeros((len(curves.parties), m))
    delta = np.zeros_like(paid)
    vega = np.zeros_like(paid)
    step_root = math.sqrt(dt)
    scratch = np.empty(m)
    for k in range(steps):
        t = (k + 1) * dt
        discount = math.exp(-model.rate * t)
        weight = discount - (math.exp(-model.rate * (t + dt)) if k < steps - 1 else 0.0)
        if greeks:
            np.multiply(z[k], step_root, out=scratch)
            brownian += scratch
        np.multiply(z[k], root, out=scratch)
        scratch += growth
        np.exp(scratch, out=scratch)
        value *= scratch
        out = value.copy() if k == steps - 1 else value * (1.0 - kept)
        value *= kept
        cumulative += out
        if greeks:
            np.subtract(brownian, model.vol * t, out=scratch)
            scratch *= out
            d_vol += scratch
        out *= discount
        total += out
        now, slope = curves.with_slopes(cumulative)
        for j in range(len(paid)):  # row by row, in place: no temporaries of all parties
            np.multiply(now[j], weight, out=scratch)
            paid[j] += scratch
        if not greeks:
            continue
        by_value = cumulative * (weight / model.value)
        by_vol = d_vol * weight
        for j in range(len(paid)):
            np.multiply(slope[j], by_value, out=scratch)
            delta[j] += scratch
            np.multiply(slope[j], by_vol, out=scratch)
            vega[j] += scratch
    return total, paid, delta, vega
