"""Claims valued on a user's own forecast: scenarios of the profits distributed at the horizon
(with weights, or equally likely), instead of a lognormal model.

Why: a forecaster's scenarios (bear, base, bull, or thousands from their own model) carry
beliefs a two-parameter distribution cannot; each claim is worth the discounted weighted mean of
its payouts over them, with the standard error of that mean (for equally likely draws).  Note:
unlike the lognormal model's risk-neutral price, this is only as good as the scenarios' own
pricing measure: the total is the discounted mean of the scenarios, not today's market value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from charter.waterfall.curves import Curves


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenarioValue:
    party: str
    value: float
    share: float
    stderr: float


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenarioValuation:
    rate: float
    horizon: float
    scenarios: int
    effective: float
    """Kish's effective number of scenarios (the count, for equal weights)."""
    parties: tuple[ScenarioValue, ...]

    @property
    def total(self) -> float:
        return sum(p.value for p in self.parties)

    def to_json(self) -> dict[str, object]:
        return {
            "model": "empirical",
            "method": "weighted mean over the scenarios, discounted",
            "inputs": {"rate": self.rate, "horizon": self.horizon},
            "scenarios": self.scenarios,
            "effective_scenarios": self.effective,
            "total": self.total,
            "parties": [
                {"party": p.party, "value": p.value, "share": p.share, "stderr": p.stderr}
                for p in self.parties
            ],
        }


def empirical(
    curves: Curves,
    amounts: Sequence[float],
    weights: Sequence[float] | None,
    *,
    rate: float,
    horizon: float,
) -> ScenarioValuation:
    """Each party's discounted weighted mean payout over the scenarios."""
    x = np.asarray(amounts, dtype=np.float64)
    if x.size == 0:
        raise ValueError("scenarios: at least one")
    if not np.isfinite(x).all() or (x < 0).any():
        raise ValueError("scenarios: amounts must be finite and not negative")
    if weights is None:
        w = np.full(x.size, 1.0 / x.size)
    else:
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != x.shape or not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
            raise ValueError("weights: one per scenario, not negative, not all zero")
        w = w / w.sum()
    discount = math.exp(-rate * horizon)
    pays = curves.evaluate(x)
    values = {p: discount * float((w * pays[p]).sum()) for p in curves.parties}
    total = sum(values.values())
    effective = 1.0 / float((w * w).sum())  # Kish's effective number of scenarios
    parties = []
    for p in curves.parties:
        mean = values[p] / discount
        spread = float((w * (pays[p] - mean) ** 2).sum())
        parties.append(
            ScenarioValue(
                party=p,
                value=values[p],
                share=values[p] / total if total else 0.0,
                stderr=discount * math.sqrt(spread / effective) if effective > 1 else 0.0,
            )
        )
    return ScenarioValuation(
        rate=rate,
        horizon=horizon,
        scenarios=int(x.size),
        effective=effective,
        parties=tuple(parties),
    )
