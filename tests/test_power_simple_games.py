"""The generic simple-game engine: a board rule as a predicate, coalitions and indices from it."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charter.power import simple_games as sg
from charter.power.simple_games import SimpleGame
from charter.power.weighted import weighted_indices

BOARD_2023 = ("altman", "brockman", "sutskever", "dangelo", "mccauley", "toner")


def majority_of_six(coalition: frozenset[str]) -> bool:
    return len(coalition) >= 4


def test_four_of_six_can_act_without_altman_and_brockman() -> None:
    found = sg.can_pass_without(BOARD_2023, majority_of_six, ["altman", "brockman"])
    assert found == (frozenset({"sutskever", "dangelo", "mccauley", "toner"}),)


def test_cannot_pass_without_three_directors_when_four_are_needed() -> None:
    assert sg.can_pass_without(BOARD_2023, majority_of_six, ["altman", "brockman", "toner"]) == ()


def test_recusal_of_the_subject__rule_sees_eligibility() -> None:
    # Removing altman: altman may not vote, and 3 of the 5 others suffice.
    def remove_altman(coalition: frozenset[str]) -> bool:
        return len(coalition - {"altman"}) >= 3

    game = SimpleGame.from_predicate(BOARD_2023, remove_altman)
    assert game.dummy_players() == frozenset({"altman"})
    assert len(game.minimal_winning_coalitions()) == 10
    assert game.shapley_shubik()["altman"] == 0
    assert game.shapley_shubik()["toner"] == Fraction(1, 5)


def test_veto_and_pivotal_players() -> None:
    def chair_and_two(coalition: frozenset[str]) -> bool:
        return "chair" in coalition and len(coalition) >= 3

    game = SimpleGame.from_predicate(("chair", "a", "b", "c"), chair_and_two)
    assert game.veto_players() == frozenset({"chair"})
    assert game.pivotal_players({"chair", "a", "b"}) == frozenset({"chair", "a", "b"})
    assert game.pivotal_players({"chair", "a", "b", "c"}) == frozenset({"chair"})
    assert game.pivotal_players({"a", "b", "c"}) == frozenset()
    assert game.is_monotone()


def test_no_winning_coalition__no_veto_and_everyone_dummy() -> None:
    game = SimpleGame.from_predicate(("a", "b"), lambda c: False)
    assert game.veto_players() == frozenset()
    assert game.dummy_players() == frozenset({"a", "b"})
    assert game.winning_coalitions() == ()


def test_non_monotone_rule_is_detected() -> None:
    game = SimpleGame.from_predicate(("a", "b"), lambda c: len(c) == 1)
    assert not game.is_monotone()


def test_errors() -> None:
    with pytest.raises(ValueError, match=r"^players must be distinct"):
        SimpleGame.from_predicate(("a", "a"), majority_of_six)
    with pytest.raises(ValueError, match=r"^21 players: enumeration handles at most 20"):
        SimpleGame.from_predicate(tuple(str(i) for i in range(21)), majority_of_six)
    with pytest.raises(ValueError, match=r"^unknown player 'x'"):
        SimpleGame.from_predicate(("a",), majority_of_six).can_pass_without(["x"])


def test_minimal_winning_sorted_by_size_then_seat_order() -> None:
    coalitions = sg.minimal_winning_coalitions(("a", "b", "c"), lambda c: len(c) >= 2)
    assert coalitions == (frozenset("ab"), frozenset("ac"), frozenset("bc"))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 9), min_size=1, max_size=8).flatmap(
        lambda ws: st.tuples(st.just(ws), st.integers(1, max(1, sum(ws))))
    )
)
def test_agrees_with_the_weighted_engine(game: tuple[list[int], int]) -> None:
    weights, quota = game
    if sum(weights) < quota:
        return
    names = [f"p{i}" for i in range(len(weights))]
    by_name = dict(zip(names, weights, strict=True))
    simple = SimpleGame.from_predicate(names, lambda c: sum(by_name[p] for p in c) >= quota)
    report = weighted_indices(weights, quota, names)
    bz = simple.banzhaf()
    ss = simple.shapley_shubik()
    for p in report.players:
        assert bz[p.name].swings == p.swings
        assert bz[p.name].normalized == p.banzhaf_normalized
        assert ss[p.name] == p.shapley_shubik
    assert len(simple.winning_coalitions()) == report.winning_coalitions
    assert len(simple.minimal_winning_coalitions()) == report.minimal_winning_coalitions
    # Each minimal winning coalition: every member pivotal; every winning one contains one.
    minimal = simple.minimal_winning_coalitions()
    for c in minimal:
        assert simple.pivotal_players(c) == c
    for c in simple.winning_coalitions():
        assert any(m <= c for m in minimal)
    # Veto players are exactly those in every minimal winning coalition.
    common = frozenset(names).intersection(*minimal) if minimal else frozenset()
    assert simple.veto_players() == common
    # can_pass_without(X): exactly the minimal winning coalitions disjoint from X.
    for k in range(min(2, len(names)) + 1):
        for excluded in itertools.combinations(names, k):
            assert set(simple.can_pass_without(excluded)) == {
                c for c in minimal if not c & set(excluded)
            }
