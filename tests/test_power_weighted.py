"""Weighted games: published values, brute force on random games, edge cases, float accuracy."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charter.power.weighted import GameError, weighted_game, weighted_indices


def brute_force(weights: list[int], quota: int) -> dict[str, object]:
    """Every coalition, the definitions of power-indices.md read literally."""
    n = len(weights)
    wins = {m: sum(w for i, w in enumerate(weights) if m >> i & 1) >= quota for m in range(1 << n)}
    swings = [0] * n
    ss = [Fraction(0)] * n
    minimal = 0
    for m, won in wins.items():
        if not won:
            continue
        size = m.bit_count()
        crit = [i for i in range(n) if m >> i & 1 and not wins[m ^ (1 << i)]]
        if len(crit) == size:
            minimal += 1
        for i in crit:
            swings[i] += 1
            ss[i] += Fraction(
                math.factorial(size - 1) * math.factorial(n - size), math.factorial(n)
            )
    winning = sum(wins.values())
    return {"swings": swings, "ss": ss, "winning": winning, "minimal": minimal}


def test_eec_1958__published_banzhaf_and_null_luxembourg() -> None:
    report = weighted_indices([4, 4, 4, 2, 2, 1], 12, ["FR", "DE", "IT", "BE", "NL", "LU"])
    by = {p.name: p for p in report.players}
    for big in ("FR", "DE", "IT"):
        assert by[big].banzhaf_normalized == Fraction(5, 21)
    for medium in ("BE", "NL"):
        assert by[medium].banzhaf_normalized == Fraction(1, 7)
    assert by["LU"].banzhaf_normalized == 0
    assert by["LU"].shapley_shubik == 0
    assert by["FR"].shapley_shubik == Fraction(7, 30)


def test_un_security_council__shapley_and_minimal_winning() -> None:
    report = weighted_indices([7] * 5 + [1] * 10, 39)
    assert [p.shapley_shubik for p in report.players[:5]] == [Fraction(421, 2145)] * 5
    assert [p.shapley_shubik for p in report.players[5:]] == [Fraction(4, 2145)] * 10
    assert report.minimal_winning_coalitions == math.comb(10, 4)
    assert report.minimal_winning_list is None  # 210 > the listing limit


def test_textbook_6_4321__normalized_banzhaf() -> None:
    report = weighted_indices([4, 3, 2, 1], 6)
    assert [p.banzhaf_normalized for p in report.players] == [
        Fraction(5, 12),
        Fraction(1, 4),
        Fraction(1, 4),
        Fraction(1, 12),
    ]


def test_minimal_winning_list__eec() -> None:
    report = weighted_indices([4, 4, 4, 2, 2, 1], 12, ["FR", "DE", "IT", "BE", "NL", "LU"])
    assert report.minimal_winning_list is not None
    assert {frozenset(c) for c in report.minimal_winning_list} == {
        frozenset({"FR", "DE", "IT"}),
        frozenset({"FR", "DE", "BE", "NL"}),
        frozenset({"FR", "IT", "BE", "NL"}),
        frozenset({"DE", "IT", "BE", "NL"}),
    }


games = st.lists(st.integers(0, 12), min_size=1, max_size=9).flatmap(
    lambda ws: st.tuples(st.just(ws), st.integers(1, max(1, sum(ws))))
)


@settings(max_examples=150, deadline=None)
@given(games)
def test_matches_brute_force_on_random_small_games(game: tuple[list[int], int]) -> None:
    weights, quota = game
    if sum(weights) < quota:
        with pytest.raises(GameError):
            weighted_indices(weights, quota)
        return
    expected = brute_force(weights, quota)
    report = weighted_indices(weights, quota)
    assert [p.swings for p in report.players] == expected["swings"]
    assert [p.shapley_shubik for p in report.players] == expected["ss"]
    assert report.winning_coalitions == expected["winning"]
    assert report.losing_coalitions == 2 ** len(weights) - expected["winning"]
    assert report.minimal_winning_coalitions == expected["minimal"]
    total = sum(expected["swings"])  # type: ignore[arg-type]
    for p, s in zip(report.players, expected["swings"], strict=True):  # type: ignore[call-overload]
        assert p.banzhaf_absolute == Fraction(s, 2 ** (len(weights) - 1))
        assert p.banzhaf_normalized == Fraction(s, total)
        assert p.coleman_prevent == Fraction(s, expected["winning"])
        assert p.coleman_initiate == Fraction(s, 2 ** len(weights) - expected["winning"])
    if report.minimal_winning_list is not None:
        assert len(report.minimal_winning_list) == expected["minimal"]


@settings(max_examples=40, deadline=None)
@given(games)
def test_shapley_shubik_sums_to_one(game: tuple[list[int], int]) -> None:
    weights, quota = game
    if sum(weights) < quota:
        return
    report = weighted_indices(weights, quota)
    assert sum(p.shapley_shubik for p in report.players) == 1  # type: ignore[misc]


def test_swings_exact_beyond_int64() -> None:
    # 100 equal players, simple majority: swings = C(99, 50), far beyond 2^63.
    report = weighted_indices([1] * 100, 51)
    expected = math.comb(99, 50)
    assert expected > 2**63
    assert all(p.swings == expected for p in report.players)
    assert report.winning_coalitions == sum(math.comb(100, k) for k in range(51, 101))
    assert report.players[0].shapley_shubik == Fraction(1, 100)


def test_swings_exact_with_mixed_weights_beyond_int64() -> None:
    weights = [1] * 70 + [3, 5]
    quota = 40
    report = weighted_indices(weights, quota)
    # A weight-5 player swings iff the others hold 35..39; the others are 70 ones and one 3.
    big = sum(math.comb(70, k) + math.comb(70, k - 3) for k in range(35, 40))
    assert report.players[-1].swings == big
    assert big > 2**63


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_float_path_within_1e_9_of_exact(seed: int) -> None:
    n = 120 + 40 * seed
    weights = np.random.default_rng(seed).integers(1, 101, size=n).tolist()
    quota = sum(weights) // 2 + 1
    exact = weighted_indices(weights, quota)
    approx = weighted_indices(weights, quota, exact=False)
    for e, a in zip(exact.players, approx.players, strict=True):
        for key in (
            "banzhaf_absolute",
            "banzhaf_normalized",
            "shapley_shubik",
            "coleman_prevent",
            "coleman_initiate",
        ):
            want = float(getattr(e, key))
            got = getattr(a, key)
            assert isinstance(got, float)
            assert abs(got - want) <= 1e-9 * want, (key, e.name)


def test_float_path_supermajority_quota_within_1e_9() -> None:
    weights = np.random.default_rng(7).integers(1, 30, size=80).tolist()
    quota = (2 * sum(weights)) // 3
    exact = weighted_indices(weights, quota)
    approx = weighted_indices(weights, quota, exact=False)
    for e, a in zip(exact.players, approx.players, strict=True):
        for key in ("banzhaf_absolute", "shapley_shubik"):
            want = float(getattr(e, key))
            assert abs(getattr(a, key) - want) <= 1e-9 * want


def test_float_shapley_for_more_than_1000_players_does_not_overflow() -> None:
    weights = [1] * 1030
    report = weighted_indices(weights, 516, exact=False)
    assert all(abs(p.shapley_shubik - 1 / 1030) < 1e-12 for p in report.players)  # type: ignore[operator]
    assert all(abs(p.banzhaf_normalized - 1 / 1030) < 1e-12 for p in report.players)  # type: ignore[operator]


def test_player_meeting_quota_alone_is_a_dictator() -> None:
    report = weighted_indices([10, 1, 1], 10)
    assert [p.shapley_shubik for p in report.players] == [1, 0, 0]
    assert [p.swings for p in report.players] == [4, 0, 0]
    assert report.minimal_winning_list == (("P1",),)


def test_zero_weight_players_are_null_and_double_counts() -> None:
    base = weighted_indices([4, 3, 2, 1], 6)
    with_zero = weighted_indices([4, 3, 2, 1, 0], 6)
    assert with_zero.players[-1].swings == 0
    assert with_zero.players[-1].shapley_shubik == 0
    assert [p.swings for p in with_zero.players[:4]] == [2 * p.swings for p in base.players]  # type: ignore[operator]
    assert [p.shapley_shubik for p in with_zero.players[:4]] == [
        p.shapley_shubik for p in base.players
    ]
    assert with_zero.minimal_winning_coalitions == base.minimal_winning_coalitions


def test_decimal_weights_are_scaled_exactly() -> None:
    decimal = weighted_indices(["0.4", "0.3", "0.2", "0.1"], "0.6")
    integer = weighted_indices([4, 3, 2, 1], 6)
    assert [p.shapley_shubik for p in decimal.players] == [
        p.shapley_shubik for p in integer.players
    ]
    # A quota between two integer sums rounds up: weight 5.5 needs 6.
    assert [p.swings for p in weighted_indices([4, 3, 2, 1], "5.5").players] == [
        p.swings for p in integer.players
    ]
    assert weighted_game([2.5, 1.5], 3).int_weights == (5, 3)


def test_errors_are_clear() -> None:
    with pytest.raises(GameError, match=r"^quota 11 exceeds the total weight 10: no coalition"):
        weighted_indices([4, 3, 2, 1], 11)
    with pytest.raises(GameError, match=r"^quota 0 must be positive"):
        weighted_indices([1], 0)
    with pytest.raises(GameError, match=r"^weight of P2 is -1: weights must be zero or positive"):
        weighted_indices([1, -1], 1)
    with pytest.raises(GameError, match=r"^weight of player 1 1/3 is not a terminating decimal"):
        weighted_indices([Fraction(1, 3), 1], 1)
    with pytest.raises(GameError, match=r"^2 names for 3 weights"):
        weighted_indices([1, 1, 1], 2, ["a", "b"])
    with pytest.raises(GameError, match=r"^player name 'a' appears twice"):
        weighted_indices([1, 1], 2, ["a", "a"])
    with pytest.raises(GameError, match=r"^the quota becomes 10000000000 once weights"):
        weighted_indices(["0.0000000001", "1"], 1)
    with pytest.raises(GameError, match=r"weight of player 1 'x' is not a number"):
        weighted_indices(["x"], 1)
