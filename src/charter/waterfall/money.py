"""Money, percentages and multiples as people write them, parsed to exact Fractions.

Amounts in waterfalls run from cents to trillions, so the file format and the command line accept
``250000``, ``2.5e9``, ``13B``, ``750K``, ``1.5M``, ``2T`` (an optional ``$`` and ``_``/``,``
digit separators too).  Every parser returns ``(value, None)`` or ``(None, what_was_expected)`` so
that callers can put the explanation into a located Diagnostic or a usage error: never a raise.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from fractions import Fraction

SUFFIXES: dict[str, int] = {"K": 10**3, "M": 10**6, "B": 10**9, "T": 10**12}
AMOUNT_EXPECTED = "an amount such as 250000, 2.5e9, 750K, 1.5M, 13B or 2T"
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


MAX_DIGITS = 40
"""Significant digits a number may carry (a cent on a quadrillion needs 18)."""
MAX_EXPONENT = 30
"""Numbers lie between 1e-30 and 1e30 in size: far past any real amount, far below what would
make the exact conversion slow (``Fraction(Decimal('1e10000000'))`` builds a ten-million-digit
integer and froze the service for seconds)."""
BOUNDS = f"at most {MAX_DIGITS} digits and a size between 1e-{MAX_EXPONENT} and 1e{MAX_EXPONENT}"


def _number(text: str) -> Fraction | None:
    parsed, _ = _bounded_number(text)
    return parsed


def _bounded_number(text: str) -> tuple[Fraction | None, str | None]:
    """``text`` as an exact Fraction, or why not: the size is checked on the Decimal (which reads
    any exponent in constant time) before the conversion that would expand it."""
    if len(text) > 4 * MAX_DIGITS or not _NUMBER.match(text):
        return None, None
    try:
        decimal = Decimal(text)
    except (InvalidOperation, ValueError):
        return None, None
    digits = len(decimal.as_tuple().digits)
    if decimal and (digits > MAX_DIGITS or abs(decimal.adjusted()) > MAX_EXPONENT):
        return None, f"numbers have {BOUNDS}, found '{_shown(text)}'"
    if not decimal:
        return Fraction(0), None
    return Fraction(decimal), None


def _shown(text: str) -> str:
    return text if len(text) <= 24 else text[:21] + "..."


def _scalar_text(value: object) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal | Fraction | str):
        return str(value).strip()
    return None


def parse_amount(value: object) -> tuple[Fraction | None, str | None]:
    """``'13B'`` -> ``Fraction(13_000_000_000)``; negative amounts are refused."""
    number: Fraction
    if isinstance(value, Fraction):
        number = value
    else:
        text = _scalar_text(value)
        if text is None or not text:
            return None, f"expected {AMOUNT_EXPECTED}, found {value!r}"
        cleaned = text.replace("_", "").replace(",", "").lstrip("$").strip()
        scale = 1
        if cleaned and cleaned[-1].upper() in SUFFIXES:
            scale = SUFFIXES[cleaned[-1].upper()]
            cleaned = cleaned[:-1].strip()
        parsed, reason = _bounded_number(cleaned)
        if parsed is None:
            return None, reason or f"expected {AMOUNT_EXPECTED}, found '{_shown(text)}'"
        number = parsed * scale
    if number < 0:
        return None, f"an amount cannot be negative, found '{value}'"
    return number, None


def parse_percent(value: object) -> tuple[Fraction | None, str | None]:
    """``75``, ``'75%'`` or ``'12.5 %'`` -> the fraction 3/4, 1/8 (between 0 and 100 percent)."""
    text = _scalar_text(value)
    if text is None or not text:
        return None, f"expected a percentage such as 75 or '12.5%', found {value!r}"
    parsed, reason = _bounded_number(text.removesuffix("%").strip())
    if parsed is None:
        expected = "a percentage such as 75 or '12.5%'"
        return None, reason or f"expected {expected}, found '{_shown(text)}'"
    if not 0 <= parsed <= 100:
        return None, f"a percentage must be between 0 and 100, found '{text}'"
    return parsed / 100, None


def parse_multiple(value: object) -> tuple[Fraction | None, str | None]:
    """``2``, ``'2x'``, ``'1.5x'`` -> Fraction; a multiple of capital, never negative."""
    text = _scalar_text(value)
    if text is None or not text:
        return None, f"expected a multiple such as 1, 1.5 or '2x', found {value!r}"
    parsed, reason = _bounded_number(text.removesuffix("x").removesuffix("X").strip())
    if parsed is None:
        expected = "a multiple such as 1, 1.5 or '2x'"
        return None, reason or f"expected {expected}, found '{_shown(text)}'"
    if parsed < 0:
        return None, f"a multiple cannot be negative, found '{text}'"
    return parsed, None


def parse_number(value: object, what: str) -> tuple[Fraction | None, str | None]:
    """A plain non-negative number (years, share counts)."""
    text = _scalar_text(value)
    parsed, reason = _bounded_number(text) if text else (None, None)
    if parsed is None:
        return None, reason or f"expected {what}, found {value!r}"
    if parsed < 0:
        return None, f"{what} cannot be negative, found '{text}'"
    return parsed, None


def to_decimal(value: Fraction, places: int = 2) -> Decimal:
    """Round half-even to ``places`` decimals, for display of a single number."""
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        quantum, rounding=ROUND_HALF_EVEN
    )


def largest_remainder(
    values: dict[str, Fraction], total: Fraction, places: int = 2
) -> dict[str, Decimal]:
    """Round ``values`` to ``places`` decimals so that they add up exactly to ``total`` rounded.

    Each value is floored to the unit (a cent by default); the units left over go one each to the
    values with the largest remainders (ties: the order given), so a printed table always adds up.
    """
    unit = Fraction(1, 10**places)
    target_units = round(total / unit)  # half-even on exact Fractions
    floors: dict[str, int] = {}
    remainders: list[tuple[Fraction, int, str]] = []
    for index, (key, value) in enumerate(values.items()):
        units = value / unit
        floors[key] = units.numerator // units.denominator
        remainders.append((units - floors[key], -index, key))
    missing = target_units - sum(floors.values())
    order = sorted(remainders, reverse=True)
    if missing >= 0:
        for _, _, key in order[:missing]:
            floors[key] += 1
    else:  # only when the values do not add up to total (a caller's choice); stay exact-ish
        for _, _, key in sorted(remainders)[: -missing or None]:
            floors[key] -= 1
    quantum = Decimal(1).scaleb(-places)
    return {k: (Decimal(v) * quantum).quantize(quantum) for k, v in floors.items()}


def format_money(value: float | Fraction | Decimal, *, digits: int = 3) -> str:
    """``13_000_000_000`` -> ``'$13B'``; for axes and breakpoint labels (not for exact tables)."""
    number = float(value)
    sign = "-" if number < 0 else ""
    number = abs(number)
    for suffix, scale in (("T", 10**12), ("B", 10**9), ("M", 10**6), ("K", 10**3)):
        if number >= scale:
            text = f"{number / scale:.{digits}g}"
            return f"{sign}${text}{suffix}"
    return f"{sign}${number:,.{max(digits - 1, 0)}f}".rstrip("0").rstrip(".")
