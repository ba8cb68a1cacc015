"""When the path model pays out: the distribution dates and the yearly payout."""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_STEPS = 1_000


@dataclass(frozen=True, slots=True, kw_only=True)
class Schedule:
    """How the profits come: ``payout`` of the value a year (continuous yield, e.g. 0.05), on
    ``steps`` evenly spaced dates up to the horizon, the last of which pays out everything."""

    payout: float
    steps: int

    def __post_init__(self) -> None:
        if not (math.isfinite(self.payout) and 0 <= self.payout <= 1):
            raise ValueError("payout: the share of the value paid out a year, e.g. 0.05")
        if not 1 <= self.steps <= MAX_STEPS:
            raise ValueError(f"steps: between 1 and {MAX_STEPS:,} distribution dates")


def yearly(horizon: float) -> int:
    """One distribution date a year (at least one): the default schedule."""
    return max(1, min(MAX_STEPS, round(horizon)))
