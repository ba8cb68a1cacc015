"""The milestone warrant (charter.valuation.barrier): the closed form (a one-touch paid at the
hit) against the simulation, which converges to it as steps grow and which agrees with it
within its standard error once the Brownian bridge counts the crossings between steps."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charter.valuation.barrier import (
    Warrant,
    touch_at_hit,
    warrant_monte_carlo,
    warrant_value,
)

TENFOLD = Warrant(fraction=0.05, multiple=10.0, years=15.0)  # the reported shape; terms unknown


@settings(max_examples=200, deadline=None)
@given(
    ratio=st.floats(min_value=1.01, max_value=50),
    rate=st.floats(min_value=0.0, max_value=0.1),
    vol=st.floats(min_value=0.05, max_value=1.5),
    years=st.floats(min_value=0.1, max_value=30),
)
def test_a_touch_is_a_discounted_probability(
    ratio: float, rate: float, vol: float, years: float
) -> None:
    """Between 0 and 1, and falling as the barrier rises (a higher milestone is worth less)."""
    value = touch_at_hit(1.0, ratio, rate, vol, years)
    assert 0.0 <= value <= 1.0
    assert touch_at_hit(1.0, ratio * 1.1, rate, vol, years) <= value + 1e-12
    assert touch_at_hit(1.0, 0.9, rate, vol, years) == 1.0  # already there: vested today


def test_with_no_drift_the_touch_is_the_reflection_principle() -> None:
    """r = 0, a driftless log: P(max ≥ b) = 2·P(end ≥ b) for Brownian motion with the
    −σ²/2 drift removed; checked through the closed form's own limit at tiny vol·√T."""
    vol, years, ratio = 0.3, 4.0, 1.5
    exact = touch_at_hit(1.0, ratio, 0.0, vol, years)
    root = vol * math.sqrt(years)
    # with r = 0 the log has drift −σ²/2: P(max ≥ a) = N((−a − m)/s) + e^{2ma/s²}·N((−a + m)/s)
    a, m, s = math.log(ratio), -0.5 * vol * vol * years, root
    phi = lambda x: 0.5 * math.erfc(-x / math.sqrt(2))  # noqa: E731
    expected = phi((-a + m) / s) + math.exp(2 * m * a / (s * s)) * phi((-a - m) / s)
    assert math.isclose(exact, expected, rel_tol=1e-12)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_simulation_agrees_with_the_closed_form_within_its_standard_error(seed: int) -> None:
    exact = warrant_value(TENFOLD, 1.0, 0.04, 0.6)
    simulated, stderr = warrant_monte_carlo(
        TENFOLD, 1.0, 0.04, 0.6, paths=100_000, steps=120, seed=seed
    )
    assert abs(simulated - exact) <= 4.5 * stderr


def test_without_the_bridge_the_simulation_converges_as_steps_grow() -> None:
    """Crossings between steps are missed, so the value is biased low; the bias shrinks as the
    steps grow (the error at 8 steps is at least twice the error at 128)."""
    exact = warrant_value(TENFOLD, 1.0, 0.04, 0.6)
    errors = []
    for steps in (8, 32, 128):
        simulated, _ = warrant_monte_carlo(
            TENFOLD, 1.0, 0.04, 0.6, paths=60_000, steps=steps, seed=11, bridge=False
        )
        errors.append(exact - simulated)
    assert errors[0] > 0
    assert errors[0] > 2 * abs(errors[2])
    assert errors[0] > errors[1]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"fraction": 0.0, "multiple": 10, "years": 15}, "fraction"),
        ({"fraction": 0.1, "multiple": 1.0, "years": 15}, "multiple"),
        ({"fraction": 0.1, "multiple": 10, "years": -1}, "years"),
    ],
)
def test_terms_out_of_range_are_refused(kwargs: dict[str, float], field: str) -> None:
    with pytest.raises(ValueError, match=field):
        Warrant(**kwargs)
