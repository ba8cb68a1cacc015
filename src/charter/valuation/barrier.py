"""A claim that vests when a valuation milestone is reached by a date: the Foundation's
warrant of 2025 (more equity if the company's value rises more than tenfold within 15 years;
its exact terms are not public, so they are parameters).

Under a geometric Brownian motion of the company's value ``S`` (risk-neutral, no dividends), a
warrant for a fraction ``w`` of the company that vests the first time ``S`` reaches ``H`` (at
time ``τ``, if ``τ ≤ T``) is worth ``w·H·E[e^(−r·τ)·1{τ ≤ T}]``: from vesting on, the equity is
worth its value then, ``w·H``.  That expectation is the price of a one-touch paying at the hit,
which has a closed form (Reiner and Rubinstein, 1991).  The simulation walks the path in
``steps`` and, with the Brownian-bridge correction, counts the crossings between steps too; it
converges to the closed form as steps and paths grow (tests/test_valuation_barrier.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from charter.valuation.lognormal import _norm_cdf


@dataclass(frozen=True, slots=True, kw_only=True)
class Warrant:
    """A fraction of the company that vests when its value reaches ``multiple`` times today's
    within ``years``."""

    fraction: float
    multiple: float
    years: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.fraction) and 0 < self.fraction <= 1):
            raise ValueError("fraction: a share of the company between 0 and 1, e.g. 0.05")
        if not (math.isfinite(self.multiple) and self.multiple > 1):
            raise ValueError("multiple: the milestone as a multiple of today's value, above 1")
        if not (math.isfinite(self.years) and self.years > 0):
            raise ValueError("years: a positive number of years to reach the milestone")


def touch_at_hit(spot: float, barrier: float, rate: float, vol: float, years: float) -> float:
    """``E[e^(−r·τ)·1{τ ≤ T}]`` for the first time ``τ`` a GBM from ``spot`` (drift ``rate``,
    no dividends) reaches ``barrier`` above it: one unit of cash paid at the hit."""
    if barrier <= spot:
        return 1.0
    root = vol * math.sqrt(years)
    mu = (rate - 0.5 * vol * vol) / (vol * vol)
    lam = math.sqrt(mu * mu + 2 * rate / (vol * vol))
    ratio = barrier / spot
    z = math.log(ratio) / root + lam * root
    direct: float = ratio ** (mu + lam) * _norm_cdf(-z)
    reflected: float = ratio ** (mu - lam) * _norm_cdf(-z + 2 * lam * root)
    return direct + reflected


def warrant_value(warrant: Warrant, value: float, rate: float, vol: float) -> float:
    """The warrant's value today, exactly (see the module's docstring)."""
    barrier = warrant.multiple * value
    return warrant.fraction * barrier * touch_at_hit(value, barrier, rate, vol, warrant.years)


def warrant_monte_carlo(
    warrant: Warrant,
    value: float,
    rate: float,
    vol: float,
    *,
    paths: int,
    steps: int,
    seed: int = 0,
    bridge: bool = True,
) -> tuple[float, float]:
    """The warrant's value by simulating ``paths`` paths of ``steps`` steps (log-Euler, exact
    for GBM at the steps), and its standard error.  ``bridge``: a path that ends a step below
    the barrier still crosses it within the step with the Brownian bridge's probability, and
    the hit is then placed mid-step; without it, crossings between steps are missed."""
    if paths < 2 or steps < 1:
        raise ValueError("paths: at least 2; steps: at least 1")
    rng = np.random.default_rng(seed)
    dt = warrant.years / steps
    drift = (rate - 0.5 * vol * vol) * dt
    shock = vol * math.sqrt(dt)
    log_barrier = math.log(warrant.multiple)  # in units of log(today's value)
    payoff = np.zeros(paths)
    alive = np.ones(paths, dtype=bool)
    position = np.zeros(paths)
    for k in range(steps):
        step = drift + shock * rng.standard_normal(paths)
        after = position + step
        crossed = alive & (after >= log_barrier)
        if bridge:
            u = rng.random(paths)
            gap_before = np.maximum(log_barrier - position, 0.0)
            gap_after = np.maximum(log_barrier - after, 0.0)
            p = np.exp(-2.0 * gap_before * gap_after / (shock * shock))
            crossed |= alive & (after < log_barrier) & (u < p)
            hit_time = (k + 0.5) * dt
        else:
            hit_time = (k + 1) * dt
        payoff[crossed] = math.exp(-rate * hit_time)
        alive &= ~crossed
        position = after
    scale = warrant.fraction * warrant.multiple * value
    mean = float(payoff.mean())
    stderr = float(payoff.std(ddof=1) / math.sqrt(paths))
    return scale * mean, scale * stderr
