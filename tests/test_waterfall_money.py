from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from charter.waterfall.money import (
    format_money,
    largest_remainder,
    parse_amount,
    parse_multiple,
    parse_percent,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("250000", Fraction(250000)),
        ("2.5e9", Fraction(2_500_000_000)),
        ("13B", Fraction(13 * 10**9)),
        ("750K", Fraction(750_000)),
        ("1.5M", Fraction(1_500_000)),
        ("2T", Fraction(2 * 10**12)),
        ("$1,000.25", Fraction(100025, 100)),
        ("17.333333B", Fraction(17_333_333_000)),
        ("13b", Fraction(13 * 10**9)),
        (0, Fraction(0)),
        (2.5, Fraction(5, 2)),
    ],
)
def test_parse_amount__accepts_suffixes_and_exponents(text: object, expected: Fraction) -> None:
    assert parse_amount(text) == (expected, None)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("13Q", "expected an amount such as 250000, 2.5e9, 750K, 1.5M, 13B or 2T, found '13Q'"),
        ("", "expected an amount such as 250000, 2.5e9, 750K, 1.5M, 13B or 2T, found ''"),
        ("B", "expected an amount such as 250000, 2.5e9, 750K, 1.5M, 13B or 2T, found 'B'"),
        (
            "1.2.3M",
            "expected an amount such as 250000, 2.5e9, 750K, 1.5M, 13B or 2T, found '1.2.3M'",
        ),
        ("-5", "an amount cannot be negative, found '-5'"),
        (True, "expected an amount such as 250000, 2.5e9, 750K, 1.5M, 13B or 2T, found True"),
    ],
)
def test_parse_amount__says_what_was_expected(text: object, problem: str) -> None:
    assert parse_amount(text) == (None, problem)


def test_parse_percent_and_multiple() -> None:
    assert parse_percent(75) == (Fraction(3, 4), None)
    assert parse_percent("12.5%") == (Fraction(1, 8), None)
    assert parse_percent("120") == (None, "a percentage must be between 0 and 100, found '120'")
    assert parse_multiple("2x") == (Fraction(2), None)
    assert parse_multiple("1.5") == (Fraction(3, 2), None)
    assert parse_multiple("-1x") == (None, "a multiple cannot be negative, found '-1x'")


def test_largest_remainder__thirds_add_up_to_the_cent() -> None:
    third = Fraction(100, 3)
    got = largest_remainder({"a": third, "b": third, "c": third}, Fraction(100))
    assert got == {"a": Decimal("33.34"), "b": Decimal("33.33"), "c": Decimal("33.33")}


@given(
    st.lists(st.fractions(min_value=0, max_value=10**12, max_denominator=10**6), min_size=1),
    st.integers(min_value=0, max_value=6),
)
def test_largest_remainder__always_adds_up_and_moves_each_value_less_than_a_unit(
    values: list[Fraction], places: int
) -> None:
    named = {str(i): v for i, v in enumerate(values)}
    total = sum(values, Fraction(0))
    got = largest_remainder(named, total, places)
    unit = Fraction(1, 10**places)
    assert Fraction(sum(got.values(), Decimal(0))) == round(total / unit) * unit
    for key, value in named.items():
        assert abs(Fraction(got[key]) - value) < unit


def test_format_money__readable_units() -> None:
    assert format_money(13 * 10**9) == "$13B"
    assert format_money(Fraction(17_333_333_333)) == "$17.3B"
    assert format_money(750_000) == "$750K"
    assert format_money(2 * 10**12) == "$2T"
    assert format_money(12.5) == "$12.5"
