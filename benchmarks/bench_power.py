"""Weighted voting games: charter.power.weighted against the PyPI package ``powerindex``.

Same run, same machine: Banzhaf and Shapley-Shubik on the EEC 1958 game, the US Electoral College
(51 players, quota 270) and random games of 200 and 1000 players (weights
``numpy.random.default_rng(0).integers(1, 101, size=n)``, quota floor(sum/2)+1).

US Electoral College weights: the apportionment after the 2010 Census, in force for the 2012, 2016
and 2020 elections (538 electors, DC 3), as listed by the U.S. National Archives, "Distribution of
Electoral Votes" (archives.gov/electoral-college/allocation).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import powerindex

from charter.power.weighted import weighted_indices

EEC = ([4, 4, 4, 2, 2, 1], 12)

US_2012_2020 = {
    "AL": 9, "AK": 3, "AZ": 11, "AR": 6, "CA": 55, "CO": 9, "CT": 7, "DE": 3, "DC": 3, "FL": 29,
    "GA": 16, "HI": 4, "ID": 4, "IL": 20, "IN": 11, "IA": 6, "KS": 6, "KY": 8, "LA": 8, "ME": 4,
    "MD": 10, "MA": 11, "MI": 16, "MN": 10, "MS": 6, "MO": 10, "MT": 3, "NE": 5, "NV": 6,
    "NH": 4, "NJ": 14, "NM": 5, "NY": 29, "NC": 15, "ND": 3, "OH": 18, "OK": 7, "OR": 7,
    "PA": 20, "RI": 4, "SC": 9, "SD": 3, "TN": 11, "TX": 38, "UT": 6, "VT": 3, "VA": 13,
    "WA": 12, "WV": 5, "WI": 10, "WY": 3,
}  # fmt: skip


def _random_game(n: int) -> tuple[list[int], int]:
    weights = np.random.default_rng(0).integers(1, 101, size=n).tolist()
    return weights, sum(weights) // 2 + 1


def _time(fn: Callable[[], Any], budget: float = 1.0) -> tuple[float, Any]:
    """Best of several runs for fast calls (noisy shared machine), one run for slow ones."""
    began = time.perf_counter()
    result = fn()
    best = time.perf_counter() - began
    runs = 1
    while time.perf_counter() - began < budget and runs < 20 and best < 0.2:
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
        runs += 1
    return best, result


def _pi_banzhaf(weights: list[int], quota: int) -> list[float]:
    game = powerindex.Game(quota, weights=list(weights))
    game.calc_banzhaf()
    return list(game.banzhaf)


def _pi_shapley(weights: list[int], quota: int) -> list[float]:
    game = powerindex.Game(quota, weights=list(weights))
    game.calc_shapley_shubik()
    return list(game.shapley_shubik)


def _fmt(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 0.001:
        return f"{seconds * 1e6:.0f} µs"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _ratio(base: float | None, ours: float | None) -> str:
    if base is None or ours is None:
        return "-"
    ratio = base / ours
    return f"{ratio:.1f}x" if ratio < 10 else f"{ratio:.0f}x"


def run() -> str:
    assert sum(US_2012_2020.values()) == 538
    assert len(US_2012_2020) == 51
    games = {
        "EEC 1958 (6)": EEC,
        "US Electoral College (51)": (list(US_2012_2020.values()), 270),
        "random 200": _random_game(200),
        "random 1000": _random_game(1000),
    }
    rows = []
    notes = []
    for label, (weights, quota) in games.items():
        n = len(weights)
        t_exact, exact = _time(lambda w=weights, q=quota: weighted_indices(w, q, shapley="skip"))
        t_float, approx = _time(
            lambda w=weights, q=quota: weighted_indices(w, q, exact=False, shapley="skip")
        )
        t_pi_bz, pi_bz = _time(lambda w=weights, q=quota: _pi_banzhaf(w, q))
        for ours_exact, ours_float, theirs in zip(
            exact.players, approx.players, pi_bz, strict=True
        ):
            want = float(ours_exact.banzhaf_normalized)
            assert abs(ours_float.banzhaf_normalized - want) <= 1e-9 * max(want, 1e-300)
            assert abs(theirs - want) <= 1e-9 * max(want, 1e-12), (label, theirs, want)
        t_ss_exact: float | None = None
        if n <= 200:
            t_ss_exact, ss_exact = _time(
                lambda w=weights, q=quota: weighted_indices(w, q, shapley="exact")
            )
        t_ss_float, ss_float = _time(
            lambda w=weights, q=quota: weighted_indices(w, q, exact=False, shapley="float")
        )
        values = [p.shapley_shubik for p in ss_float.players]
        assert min(values) >= 0, (label, min(values))
        assert abs(math.fsum(values) - 1) <= 1e-12, (label, math.fsum(values) - 1)
        if n >= 1000:
            # The CLI's default output: exact swings and counts, Shapley-Shubik exact when cheap.
            t_default, default = _time(
                lambda w=weights, q=quota: weighted_indices(w, q, shapley="auto")
            )
            kind = "exact" if default.shapley_exact else "float"
            notes.append(
                f"{label}: default output (`charter power` with no flag: exact swings and "
                f"counts, Shapley-Shubik {kind}) {_fmt(t_default)}"
            )
        if t_ss_exact is not None:
            err = max(
                abs(f.shapley_shubik - float(e.shapley_shubik)) / float(e.shapley_shubik)  # type: ignore[arg-type,operator]
                for e, f in zip(ss_exact.players, ss_float.players, strict=True)
                if e.shapley_shubik
            )
            notes.append(f"{label}: float Shapley-Shubik max relative error vs exact {err:.1e}")
        t_pi_ss: float | None = None
        try:
            # powerindex builds its full table first and only then divides by float(n!), which
            # overflows for n >= 171; at 1000 players the table alone would take hours, so the
            # overflow is shown directly instead of after the table.
            float(math.factorial(n))
        except OverflowError as exc:
            notes.append(
                f"{label}: powerindex Shapley-Shubik cannot finish: float(n!) raises "
                f"OverflowError ({exc}) after its O(n^2 q) table"
            )
        else:
            t_pi_ss, pi_ss = _time(lambda w=weights, q=quota: _pi_shapley(w, q))
            for ours, theirs in zip(ss_float.players, pi_ss, strict=True):
                assert math.isclose(ours.shapley_shubik, theirs, rel_tol=1e-6, abs_tol=1e-12)
        rows.append(
            f"| {label} | {_fmt(t_pi_bz)} | {_fmt(t_exact)} ({_ratio(t_pi_bz, t_exact)}) "
            f"| {_fmt(t_float)} ({_ratio(t_pi_bz, t_float)}) | {_fmt(t_pi_ss)} "
            f"| {_fmt(t_ss_exact)} | {_fmt(t_ss_float)} |"
        )
    head = (
        "## Power: weighted voting games\n\n"
        "Times are best-of-several for calls under 0.2 s, else one run. Ratios: powerindex time "
        "/ ours, same run. 'exact swings' = exact integer swings and coalition counts (all "
        "Banzhaf and Coleman indices); 'float' = `--float` (float64, no counts). Shapley-Shubik "
        "exact = Fractions (`--exact`); float = Owen's integral by exact Gauss-Legendre "
        "quadrature, leave-one-out without removal (every value checked >= 0, sum 1 within 1e-12). "
        "US Electoral College: 2010-Census apportionment "
        "(2012-2020 elections, 538 electors, DC 3), U.S. National Archives list.\n\n"
        "| game | powerindex Banzhaf | ours exact swings | ours float Banzhaf "
        "| powerindex Shapley-Shubik | ours Shapley-Shubik exact | ours Shapley-Shubik float |\n"
        "|---|---|---|---|---|---|---|\n"
    )
    return head + "\n".join(rows) + "\n\n" + "\n".join(f"- {n}" for n in notes) + "\n"
