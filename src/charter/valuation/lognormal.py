"""Claims on a lognormal terminal value: the closed form per breakpoint, and Monte Carlo.

Under the model, the profits distributed at the horizon are
``X = V0·e^(R·T)·exp(S·√T·Z − S²·T/2)`` with ``Z`` standard normal, and a claim paying ``f(X)``
is worth ``e^(−R·T)·E[f(X)]``.  A compiled curve is piecewise linear and continuous:
``f(X) = f(0) + s0·X + Σ_k (s_k − s_(k−1))·max(X − b_k, 0)``, a sum of calls struck at its
breakpoints, each priced by Black's formula.  Since every segment's slopes sum to 1 over the
parties, the parties' values add up to ``V0`` (everything is distributed).

The simulation prices the same curves on simulated ``X`` (antithetic pairs, and ``X`` itself,
whose mean is known, as a control variate) so that it can be checked against the closed form
within its standard error, and carried to models with no closed form.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from charter.valuation.moments import ControlledMeans
from charter.waterfall.curves import Curves

if TYPE_CHECKING:
    from charter.valuation.schedule import Schedule


@dataclass(frozen=True, slots=True, kw_only=True)
class Lognormal:
    """The model's inputs: today's value of the whole profit claim, the volatility a year, the
    risk-free rate a year (continuous) and the horizon in years."""

    value: float
    vol: float
    rate: float
    horizon: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.value) and self.value > 0):
            raise ValueError("value: a positive amount (today's value of the profit claim)")
        if not (math.isfinite(self.vol) and self.vol > 0):
            raise ValueError("vol: a positive volatility, e.g. 0.6 for 60% a year")
        if not (math.isfinite(self.rate) and -1 < self.rate < 1):
            raise ValueError("rate: a yearly rate between -100% and 100%, e.g. 0.04")
        if not (math.isfinite(self.horizon) and self.horizon > 0):
            raise ValueError("horizon: a positive number of years")

    @property
    def forward(self) -> float:
        return self.value * math.exp(self.rate * self.horizon)

    @property
    def discount(self) -> float:
        return math.exp(-self.rate * self.horizon)


@dataclass(frozen=True, slots=True, kw_only=True)
class PartyValue:
    party: str
    value: float
    share: float
    """Of the total value (which is the model's ``value`` when everything is distributed)."""
    delta: float
    """d value / d V0: how much of each extra dollar of today's value the party gets."""
    vega: float
    """d value / d vol (per unit of volatility, i.e. per 100 percentage points)."""
    stderr: float = 0.0
    """The simulation's standard error (0 for the closed form)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Valuation:
    model: Lognormal
    method: str
    parties: tuple[PartyValue, ...]
    paths: int = 0
    seed: int | None = None
    schedule: Schedule | None = None
    """The path model's distribution dates (None: everything at the horizon)."""

    @property
    def total(self) -> float:
        return sum(p.value for p in self.parties)

    def to_json(self) -> dict[str, object]:
        inputs: dict[str, float] = {
            "value": self.model.value,
            "vol": self.model.vol,
            "rate": self.model.rate,
            "horizon": self.model.horizon,
        }
        if self.schedule is not None:
            inputs |= {"payout": self.schedule.payout, "steps": self.schedule.steps}
        return {
            "model": "lognormal" if self.schedule is None else "path",
            "method": self.method,
            "inputs": inputs,
            "paths": self.paths,
            "seed": self.seed,
            "total": self.total,
            "parties": [
                {
                    "party": p.party,
                    "value": p.value,
                    "share": p.share,
                    "delta": p.delta,
                    "vega": p.vega,
                    "stderr": p.stderr,
                }
                for p in self.parties
            ],
        }


def _norm_cdf(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def _norm_pdf(x: float) -> float:
    return math.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


def _call(model: Lognormal, strike: float) -> tuple[float, float, float]:
    """Undiscounted ``E[max(X − strike, 0)]``, its derivative in V0 (undiscounted, per unit of
    forward) and in vol: Black's formula on the forward."""
    f = model.forward
    if strike <= 0:
        return f - strike, 1.0, 0.0
    root = model.vol * math.sqrt(model.horizon)
    d1 = (math.log(f / strike) + 0.5 * root * root) / root
    d2 = d1 - root
    price = f * _norm_cdf(d1) - strike * _norm_cdf(d2)
    return price, _norm_cdf(d1), f * _norm_pdf(d1) * math.sqrt(model.horizon)


def _legs(curves: Curves) -> tuple[list[float], list[list[float]], list[float]]:
    """Per party: the value at zero, and the slope changes at each breakpoint (with the first
    segment's slope as the change at 0)."""
    strikes = [0.0, *(float(b) for b in curves.breakpoints)]
    n = len(curves.parties)
    at_zero = [float(curves.values[0][j]) for j in range(n)]
    changes: list[list[float]] = []
    for j in range(n):
        previous = 0.0
        row = []
        for k in range(len(strikes)):
            slope = float(curves.slopes[k][j])
            row.append(slope - previous)
            previous = slope
        changes.append(row)
    return at_zero, changes, strikes


def closed_form(curves: Curves, model: Lognormal) -> Valuation:
    """Each party's exact value under the lognormal model, with its delta and vega."""
    at_zero, changes, strikes = _legs(curves)
    calls = [_call(model, k) for k in strikes]
    d = model.discount
    values, deltas, vegas = [], [], []
    for j in range(len(curves.parties)):
        price = at_zero[j] + sum(c * call[0] for c, call in zip(changes[j], calls, strict=True))
        delta = sum(c * call[1] for c, call in zip(changes[j], calls, strict=True))
        vega = sum(c * call[2] for c, call in zip(changes[j], calls, strict=True))
        values.append(d * price)
        deltas.append(delta)  # d(e^-rT F N(d1))/dV0 = N(d1): the discount and growth cancel
        vegas.append(d * vega)
    return _valuation(curves, model, "closed form", values, deltas, vegas)


def _valuation(
    curves: Curves,
    model: Lognormal,
    method: str,
    values: list[float],
    deltas: list[float],
    vegas: list[float],
    stderrs: list[float] | None = None,
    paths: int = 0,
    seed: int | None = None,
    schedule: Schedule | None = None,
) -> Valuation:
    total = sum(values)
    parties = tuple(
        PartyValue(
            party=p,
            value=v,
            share=v / total if total else 0.0,
            delta=dl,
            vega=vg,
            stderr=(stderrs or [0.0] * len(values))[j],
        )
        for j, (p, v, dl, vg) in enumerate(zip(curves.parties, values, deltas, vegas, strict=True))
    )
    return Valuation(
        model=model, method=method, parties=parties, paths=paths, seed=seed, schedule=schedule
    )


CHUNK = 15_000
"""Draws simulated and summed at a time: fixed, so that a seed gives the same sums (the order
of floating-point additions is part of the result) and memory is bounded whatever ``paths``.
Each array of a chunk stays under glibc's 128 KiB mmap threshold: a Dask worker sets
``MALLOC_TRIM_THRESHOLD_``, and larger temporaries were then mapped and unmapped at every
step (a 16x larger chunk ran 4x slower in a worker)."""


def monte_carlo(
    curves: Curves,
    model: Lognormal,
    *,
    paths: int = 200_000,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> Valuation:
    """Each party's value by simulation: ``paths`` draws in antithetic pairs, with ``X`` (whose
    discounted mean is ``V0``) as a control variate; the standard error is of the pair means.
    Deltas and vegas are the closed form's (the simulation is the check, not the source)."""
    if paths < 2:
        raise ValueError("paths: at least 2")
    rng = np.random.default_rng(seed)
    pairs = paths // 2
    root = model.vol * math.sqrt(model.horizon)
    drift = math.log(model.forward) - 0.5 * root * root
    means = ControlledMeans(len(curves.parties))
    done = 0
    while done < pairs:
        m = min(CHUNK, pairs - done)
        z = rng.standard_normal(m)
        up = np.exp(drift + root * z)
        down = np.exp(drift - root * z)
        pay_up = curves.evaluate(up)
        pay_down = curves.evaluate(down)
        means.add(0.5 * (up + down), [0.5 * (pay_up[p] + pay_down[p]) for p in curves.parties])
        done += m
        if progress is not None:
            progress(2 * done)
    values, stderrs = means.finish(model.forward, model.discount)
    exact = closed_form(curves, model)
    return _valuation(
        curves,
        model,
        "monte carlo (antithetic, control variate)",
        values,
        [p.delta for p in exact.parties],
        [p.vega for p in exact.parties],
        stderrs,
        paths=pairs * 2,
        seed=seed,
    )
