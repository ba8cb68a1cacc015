"""What each claim of a waterfall is worth today, given uncertainty about the profits (issue 14):
risk-neutral prices of the compiled payout curves, exact where mathematics allows (a lognormal
terminal value: every piecewise-linear curve is a sum of calls) and by simulation otherwise.

Pure and seeded: no I/O, and the same seed gives the same numbers.  This is a model of value
under stated inputs, not advice."""

from charter.valuation.lognormal import (
    Lognormal,
    PartyValue,
    Valuation,
    closed_form,
    monte_carlo,
)

__all__ = ["Lognormal", "PartyValue", "Valuation", "closed_form", "monte_carlo"]
