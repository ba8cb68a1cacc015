"""Who gets what: waterfall files, an exact engine, compiled curves and a vectorised evaluator.

The public API (what the CLI, the demo, the web UI and reports call)::

    wf, diagnostics = load_waterfall(path, {"fcp_capital": "5B"})
    result = evaluate(wf, Fraction("2.5e10"))          # exact payouts per party and per tier
    curves = compile_curves(wf)                        # exact breakpoints and slopes
    payouts = curves.evaluate(np.linspace(0, 5e11, 10))  # float64, {party: array}
    split = marginal_split(wf, Fraction(10**10))       # exact split of the next dollar
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from charter.waterfall.curves import Curves, compile_curves
from charter.waterfall.load import load_waterfall, read_spec, unknown_overrides
from charter.waterfall.model import (
    PreferenceWaterfall,
    Result,
    TierPaid,
    TierWaterfall,
    Waterfall,
)
from charter.waterfall.money import largest_remainder, parse_amount
from charter.waterfall.preferences import evaluate_preferences, marginal_split_preferences
from charter.waterfall.tiers import evaluate_tiers, marginal_split_tiers

__all__ = [
    "Curves",
    "PreferenceWaterfall",
    "Result",
    "TierPaid",
    "TierWaterfall",
    "Waterfall",
    "compile_curves",
    "evaluate",
    "largest_remainder",
    "load_waterfall",
    "marginal_split",
    "parse_amount",
    "read_spec",
    "unknown_overrides",
]


def _exact(amount: Fraction | Decimal | int | str) -> Fraction:
    if isinstance(amount, str):
        value, problem = parse_amount(amount)
        if value is None:
            raise ValueError(problem)
        return value
    value = Fraction(amount)
    if value < 0:
        raise ValueError(f"an amount cannot be negative, found {amount}")
    return value


def evaluate(wf: Waterfall, amount: Fraction | Decimal | int | str) -> Result:
    """Exact payouts to every party, and what each tier paid, when ``amount`` is distributed."""
    value = _exact(amount)
    if isinstance(wf, TierWaterfall):
        return evaluate_tiers(wf, value)
    return evaluate_preferences(wf, value)


def marginal_split(
    wf: Waterfall | Curves, amount: Fraction | Decimal | int | str
) -> dict[str, Fraction]:
    """The exact split of the dollar just after ``amount`` (the right derivative of payouts)."""
    value = _exact(amount)
    if isinstance(wf, Curves):
        return wf.split_after(wf.segment_of(value))
    if isinstance(wf, TierWaterfall):
        return marginal_split_tiers(wf, value)
    return marginal_split_preferences(wf, value)
