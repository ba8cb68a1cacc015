"""The path model (charter.valuation.paths): profits paid out along a geometric Brownian path,
through tiers that cap cumulative receipts.  It reduces to the closed form when nothing is paid
before the horizon, matches a hand computation when the path is certain, and its values, deltas
and vegas keep the sums that hold for any model in which everything is distributed."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charter.valuation import Lognormal, closed_form
from charter.valuation.paths import path_monte_carlo
from charter.valuation.schedule import Schedule, yearly
from charter.waterfall import compile_curves, load_waterfall

ROOT = Path(__file__).resolve().parent.parent
FILES = [
    p
    for p in sorted((ROOT / "examples").rglob("*.yaml"))
    if "\nwaterfall:" in "\n" + p.read_text(encoding="utf-8") and p.name != "charter.yaml"
]
OPENAI = ROOT / "examples" / "openai-2023" / "waterfall.yaml"


def curves_of(path: Path):  # type: ignore[no-untyped-def]
    wf, errors = load_waterfall(path)
    assert wf is not None, errors
    return compile_curves(wf)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_with_no_payout_before_the_horizon_it_is_the_terminal_model(path: Path, seed: int) -> None:
    """q = 0: everything is paid at the horizon, whatever the number of dates, so the closed
    form must agree with the values within their standard error, and with the pathwise
    deltas and vegas within a tolerance of their own noise."""
    curves = curves_of(path)
    model = Lognormal(value=3e10, vol=0.6, rate=0.03, horizon=8)
    exact = closed_form(curves, model)
    found = path_monte_carlo(curves, model, Schedule(payout=0.0, steps=4), paths=100_000, seed=seed)
    for e, s in zip(exact.parties, found.parties, strict=True):
        assert abs(e.value - s.value) <= 4.5 * s.stderr + 1e-9 * model.value, e.party
        assert abs(e.delta - s.delta) <= 0.02, e.party
        assert abs(e.vega - s.vega) <= 0.02 * model.value + 0.05 * abs(e.vega), e.party


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_a_certain_path_is_valued_as_computed_by_hand(path: Path) -> None:
    """With (almost) no volatility the path is certain: the value doubles at the rate, a share
    is paid out at each date and the rest at the horizon, and each party's value is the sum of
    its discounted increments on the exact curves."""
    curves = curves_of(path)
    model = Lognormal(value=2e9, vol=1e-9, rate=0.05, horizon=6)
    schedule = Schedule(payout=0.15, steps=6)
    found = {p.party: p.value for p in path_monte_carlo(curves, model, schedule, paths=4).parties}
    dt = model.horizon / schedule.steps
    value, cumulative = model.value, 0.0
    expected = dict.fromkeys(curves.parties, 0.0)
    before = curves.exact(Fraction(0))
    for k in range(schedule.steps):
        value *= math.exp(model.rate * dt)
        out = value if k == schedule.steps - 1 else value * (1 - math.exp(-schedule.payout * dt))
        value -= out
        cumulative += out
        now = curves.exact(Fraction(cumulative))
        for party in curves.parties:
            paid = float(now[party] - (before[party] if k else 0))
            expected[party] += math.exp(-model.rate * (k + 1) * dt) * paid
        before = now
    for party in curves.parties:
        assert math.isclose(found[party], expected[party], rel_tol=1e-6, abs_tol=1e-6 * 2e9)


MODELS = st.builds(
    Lognormal,
    value=st.floats(min_value=1e6, max_value=1e13),
    vol=st.floats(min_value=0.05, max_value=1.2),
    rate=st.floats(min_value=-0.02, max_value=0.1),
    horizon=st.floats(min_value=0.5, max_value=25),
)
SCHEDULES = st.builds(
    Schedule, payout=st.floats(min_value=0, max_value=0.5), steps=st.integers(1, 30)
)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
@settings(max_examples=15, deadline=None)
@given(model=MODELS, schedule=SCHEDULES, seed=st.integers(0, 2**32))
def test_values_are_never_negative_and_the_sums_hold(
    path: Path, model: Lognormal, schedule: Schedule, seed: int
) -> None:
    """Everything is distributed along every path: the values add up to today's value, the
    deltas to 1 and the vegas to 0 (the controls make these exact, not only in expectation)."""
    found = path_monte_carlo(curves_of(path), model, schedule, paths=2_000, seed=seed)
    assert all(p.value >= -1e-9 * model.value for p in found.parties)
    assert all(p.stderr >= 0 for p in found.parties)
    assert math.isclose(found.total, model.value, rel_tol=1e-9)
    assert math.isclose(sum(p.share for p in found.parties), 1.0, rel_tol=1e-9)
    assert math.isclose(sum(p.delta for p in found.parties), 1.0, abs_tol=1e-9)
    assert abs(sum(p.vega for p in found.parties)) <= 1e-7 * model.value


def test_the_pathwise_delta_is_the_derivative_of_the_value() -> None:
    """A bump of today's value with the same random numbers moves each value by its delta."""
    curves = curves_of(OPENAI)
    base = Lognormal(value=3e10, vol=0.5, rate=0.04, horizon=10)
    schedule = Schedule(payout=0.08, steps=10)
    found = {p.party: p for p in path_monte_carlo(curves, base, schedule, seed=5).parties}
    step = 1e-3 * base.value
    bumped = [
        path_monte_carlo(
            curves,
            Lognormal(value=v, vol=0.5, rate=0.04, horizon=10),
            schedule,
            seed=5,
        )
        for v in (base.value + step, base.value - step)
    ]
    for up, down in zip(bumped[0].parties, bumped[1].parties, strict=True):
        numeric = (up.value - down.value) / (2 * step)
        assert abs(numeric - found[up.party].delta) <= 0.01, up.party


def test_paid_first_is_worth_more_when_profits_come_early() -> None:
    """Microsoft's first tier takes 75% of the first profits: the more is paid out early, the
    sooner it is paid and the more of its cap it reaches before bad years, so its value rises
    with the payout; the nonprofit, paid last, loses what Microsoft gains."""
    curves = curves_of(OPENAI)
    model = Lognormal(value=3e10, vol=0.6, rate=0.04, horizon=10)
    by_payout = [
        {
            p.party: p.value
            for p in path_monte_carlo(
                curves, model, Schedule(payout=q, steps=10), paths=40_000, seed=1
            ).parties
        }
        for q in (0.0, 0.05, 0.15)
    ]
    assert by_payout[0]["microsoft"] < by_payout[1]["microsoft"] < by_payout[2]["microsoft"]
    assert by_payout[0]["nonprofit"] > by_payout[1]["nonprofit"] > by_payout[2]["nonprofit"]


def test_the_same_seed_gives_the_same_numbers() -> None:
    curves = curves_of(OPENAI)
    model = Lognormal(value=1e10, vol=0.5, rate=0.02, horizon=5)
    schedule = Schedule(payout=0.1, steps=5)
    first = path_monte_carlo(curves, model, schedule, paths=40_000, seed=7)
    assert first == path_monte_carlo(curves, model, schedule, paths=40_000, seed=7)
    assert first != path_monte_carlo(curves, model, schedule, paths=40_000, seed=8)
    assert first.to_json()["model"] == "path"
    assert first.to_json()["inputs"] == {
        "value": 1e10,
        "vol": 0.5,
        "rate": 0.02,
        "horizon": 5,
        "payout": 0.1,
        "steps": 5,
    }


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"payout": -0.1, "steps": 5}, "payout"),
        ({"payout": math.nan, "steps": 5}, "payout"),
        ({"payout": 0.1, "steps": 0}, "steps"),
        ({"payout": 0.1, "steps": 1_000_000}, "steps"),
    ],
)
def test_schedules_out_of_range_are_refused_with_the_reason(
    fields: dict[str, float], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Schedule(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(("horizon", "dates"), [(0.2, 1), (1, 1), (7.4, 7), (10, 10)])
def test_the_default_schedule_is_one_date_a_year(horizon: float, dates: int) -> None:
    assert yearly(horizon) == dates


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
@settings(max_examples=20, deadline=None)
@given(amounts=st.lists(st.floats(min_value=0, max_value=1e13), min_size=1, max_size=300))
def test_payouts_with_slopes_are_the_payouts_and_the_shares(
    path: Path, amounts: list[float]
) -> None:
    """The one-lookup path the simulation uses gives what the two public calls give."""
    import numpy as np

    curves = curves_of(path)
    a = np.array(amounts)
    values, slopes = curves.with_slopes(a)
    paid, shares = curves.evaluate(a), curves.shares(a)
    for j, party in enumerate(curves.parties):
        assert np.allclose(values[j], paid[party], rtol=1e-12, atol=1e-3)
        assert np.array_equal(slopes[j], shares[party])
