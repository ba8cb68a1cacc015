"""What the claims are worth (charter.valuation): the closed form per breakpoint under the
lognormal model, checked against its own sums and derivatives and against the simulation within
its standard error, on every bundled waterfall."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charter.valuation import Lognormal, closed_form, monte_carlo
from charter.waterfall import compile_curves, load_waterfall

ROOT = Path(__file__).resolve().parent.parent
FILES = [
    p
    for folder in ("examples",)
    for p in sorted((ROOT / folder).rglob("*.yaml"))
    if "\nwaterfall:" in "\n" + p.read_text(encoding="utf-8") and p.name != "charter.yaml"
]
MODELS = st.builds(
    Lognormal,
    value=st.floats(min_value=1e6, max_value=1e13),
    vol=st.floats(min_value=0.05, max_value=1.5),
    rate=st.floats(min_value=-0.02, max_value=0.1),
    horizon=st.floats(min_value=0.25, max_value=30),
)


def curves_of(path: Path):  # type: ignore[no-untyped-def]
    wf, errors = load_waterfall(path)
    assert wf is not None, errors
    return compile_curves(wf)


def test_the_bundled_waterfalls_are_found() -> None:
    assert len(FILES) >= 5


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
@settings(max_examples=40, deadline=None)
@given(model=MODELS)
def test_values_are_never_negative_and_add_up_to_todays_value(path: Path, model: Lognormal) -> None:
    """Everything is distributed, so the claims are worth the whole; deltas share each extra
    dollar (they sum to 1) and vegas only move value between parties (they sum to 0)."""
    found = closed_form(curves_of(path), model)
    assert all(p.value >= -1e-9 * model.value for p in found.parties)
    assert math.isclose(found.total, model.value, rel_tol=1e-9)
    assert math.isclose(sum(p.share for p in found.parties), 1.0, rel_tol=1e-9)
    assert math.isclose(sum(p.delta for p in found.parties), 1.0, abs_tol=1e-9)
    assert abs(sum(p.vega for p in found.parties)) <= 1e-7 * model.value


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_delta_and_vega_are_the_derivatives_of_the_value(path: Path) -> None:
    curves = curves_of(path)
    base = Lognormal(value=5e10, vol=0.6, rate=0.04, horizon=8)
    found = {p.party: p for p in closed_form(curves, base).parties}
    h = 1e-4
    for name, bump in (("delta", "value"), ("vega", "vol")):
        step = getattr(base, bump) * h
        up = closed_form(curves, _with(base, bump, getattr(base, bump) + step))
        down = closed_form(curves, _with(base, bump, getattr(base, bump) - step))
        for u, dn in zip(up.parties, down.parties, strict=True):
            numeric = (u.value - dn.value) / (2 * step)
            exact = getattr(found[u.party], name)
            assert math.isclose(numeric, exact, rel_tol=1e-4, abs_tol=1e-6 * base.value), name


def _with(model: Lognormal, name: str, value: float) -> Lognormal:
    fields = {"value": model.value, "vol": model.vol, "rate": model.rate, "horizon": model.horizon}
    fields[name] = value
    return Lognormal(**fields)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_simulation_agrees_with_the_closed_form_within_its_standard_error(
    path: Path, seed: int
) -> None:
    curves = curves_of(path)
    model = Lognormal(value=3e10, vol=0.7, rate=0.03, horizon=10)
    exact = closed_form(curves, model)
    simulated = monte_carlo(curves, model, paths=200_000, seed=seed)
    for e, s in zip(exact.parties, simulated.parties, strict=True):
        assert abs(e.value - s.value) <= 4.5 * s.stderr + 1e-9 * model.value, e.party


def test_the_same_seed_gives_the_same_numbers() -> None:
    curves = curves_of(FILES[0])
    model = Lognormal(value=1e9, vol=0.5, rate=0.02, horizon=5)
    first = monte_carlo(curves, model, paths=20_000, seed=7)
    assert first == monte_carlo(curves, model, paths=20_000, seed=7)
    assert first != monte_carlo(curves, model, paths=20_000, seed=8)


@pytest.mark.parametrize(
    ("field", "value"),
    [("value", 0.0), ("value", math.nan), ("vol", -0.1), ("rate", 5.0), ("horizon", 0.0)],
)
def test_inputs_out_of_range_are_refused_with_the_reason(field: str, value: float) -> None:
    fields = {"value": 1e9, "vol": 0.5, "rate": 0.02, "horizon": 5.0, field: value}
    with pytest.raises(ValueError, match=field):
        Lognormal(**fields)
