"""Weighted voting games [q; w1..wn]: Banzhaf, Shapley-Shubik and Coleman indices, exactly.

Why dynamic programming over weights: enumerating 2^n coalitions is hopeless past ~25 players,
while the number of coalitions by total weight (the coefficients of prod(1 + x^wi)) is a table
of size q.  Only losing weights (< q) matter, so every table is truncated at q.

* Exact counts use residues modulo several 31-bit primes (``_modular``): one int64 numpy add per
  player for all primes at once, the CRT at the end.  Counts pass 2^63 beyond ~62 players and are
  never held in a fixed-width integer.
* A player's swings are the coalitions without it whose weight lies in [q - w, q).  Removing a
  player from the product divides by (1 + x^w); the window sum of the quotient is an alternating
  sum of prefix sums P of the full table: sum_k (-1)^k (P[q - kw] - P[q - (k+1)w]).  That is exact
  modulo a prime, costs O(q / w), and players of equal weight share one removal.
* Shapley-Shubik needs the size of each swing coalition: the same with a table by (size, weight).
* ``--float`` (and Shapley-Shubik past the exact table's size): Owen's integral of each weight
  class's swing probability by exact Gauss-Legendre quadrature, the others' weight tables built
  by adding non-negative terms only (a divide and conquer over the classes, never a removal),
  so no value can cancel, go negative or overflow; see the section "Float" below.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from typing import Literal

import numpy as np
import numpy.typing as npt

from charter.power import _modular

Number = int | str | Decimal | Fraction | float
Index = Fraction | float
Progress = Callable[[str, int, int], None]
ShapleyMode = Literal["exact", "float", "auto", "skip"]

#: The largest reduced quota accepted: tables hold one entry per weight below the quota.
MAX_QUOTA = 20_000_000
#: Exact Shapley-Shubik holds (primes x sizes x quota) int64 entries, and its peak memory is
#: about 7 times their bytes (measured at 100, 200 and 300 players: 72, 309 and 893 MiB for 5,
#: 39 and 124 MiB of entries).  Its working memory is bounded by 1 GiB: beyond, use floats.
SS_BYTES_PER_ENTRY = 56
MAX_EXACT_SS_BYTES = 2**30
MAX_EXACT_SS_ENTRIES = MAX_EXACT_SS_BYTES // SS_BYTES_PER_ENTRY
#: "auto" takes the exact path only when it costs at most this many int64 additions (players x
#: primes x sizes x quota, about 1.5 ns each): a few seconds; beyond, the float path is faster.
MAX_AUTO_EXACT_SS_WORK = 2_000_000_000
#: Minimal winning coalitions are listed when there are at most this many.
LIST_LIMIT = 100


class GameError(ValueError):
    """A weighted game that cannot be analysed, with a message a person can act on."""


@dataclass(frozen=True, slots=True, kw_only=True)
class WeightedGame:
    """A validated game; ``int_weights``/``int_quota`` are the exact integer game it reduces to."""

    names: tuple[str, ...]
    weights: tuple[Decimal, ...]
    quota: Decimal
    int_weights: tuple[int, ...]
    int_quota: int

    @property
    def total_weight(self) -> Decimal:
        return sum(self.weights, Decimal(0))


@dataclass(frozen=True, slots=True, kw_only=True)
class PlayerPower:
    """One player's power; every index is a Fraction when exact, else a float."""

    name: str
    weight: Decimal
    swings: int | None
    banzhaf_absolute: Index
    banzhaf_normalized: Index
    shapley_shubik: Index | None
    coleman_prevent: Index
    coleman_initiate: Index


@dataclass(frozen=True, slots=True, kw_only=True)
class GameReport:
    """Indices of every player and coalition counts of the game (None where not computed)."""

    game: WeightedGame
    players: tuple[PlayerPower, ...]
    exact_counts: bool
    shapley_exact: bool
    winning_coalitions: int | None
    losing_coalitions: int | None
    minimal_winning_coalitions: int | None
    minimal_winning_list: tuple[tuple[str, ...], ...] | None

    def to_json(self, *, exact_strings: bool = False) -> dict[str, object]:
        """The documented JSON shape (docs/cli.md); exact strings beside floats on request."""
        players: list[dict[str, object]] = []
        for p in self.players:
            row: dict[str, object] = {"name": p.name, "weight": _json_number(p.weight)}
            row["swings"] = p.swings
            for key in (
                "banzhaf_absolute",
                "banzhaf_normalized",
                "shapley_shubik",
                "coleman_prevent",
                "coleman_initiate",
            ):
                value: Index | None = getattr(p, key)
                row[key] = None if value is None else float(value)
                if exact_strings and isinstance(value, Fraction):
                    row[f"{key}_exact"] = str(value)
            players.append(row)
        out: dict[str, object] = {
            "quota": _json_number(self.game.quota),
            "total_weight": _json_number(self.game.total_weight),
            "players": players,
            "winning_coalitions": self.winning_coalitions,
            "losing_coalitions": self.losing_coalitions,
            "minimal_winning_coalitions": self.minimal_winning_coalitions,
        }
        if self.minimal_winning_list is not None:
            out["minimal_winning_list"] = [list(c) for c in self.minimal_winning_list]
        return out


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


# ---------------------------------------------------------------------------------------------
# Validation: decimals -> one exact integer game


def _decimal(value: Number, what: str) -> Decimal:
    if isinstance(value, bool):
        raise GameError(f"{what} must be a number, not {value!r}")
    if isinstance(value, Fraction):
        dec = Decimal(value.numerator) / Decimal(value.denominator)
        if Fraction(dec) != value:
            raise GameError(
                f"{what} {value} is not a terminating decimal, so it cannot be scaled to an "
                "integer exactly; multiply all weights and the quota by a common factor"
            )
        return dec
    try:
        dec = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, ValueError):
        raise GameError(f"{what} {value!r} is not a number") from None
    if not dec.is_finite():
        raise GameError(f"{what} {value!r} is not a finite number")
    return dec


def weighted_game(
    weights: Sequence[Number], quota: Number, names: Sequence[str] | None = None
) -> WeightedGame:
    """Validate a game and reduce it to integers: decimals scaled by 10^d, then divided by the gcd.

    Raises GameError (quota not positive or above the total, negative weight, names that do not
    match) with a message that says what to change.
    """
    if not weights:
        raise GameError("a game needs at least one player")
    decs = tuple(_decimal(w, f"weight of player {i + 1}") for i, w in enumerate(weights))
    q = _decimal(quota, "quota")
    if names is None:
        names = tuple(f"P{i + 1}" for i in range(len(decs)))
    names = tuple(names)
    if len(names) != len(decs):
        raise GameError(f"{len(names)} names for {len(decs)} weights: give one name per weight")
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise GameError(f"player name '{name}' appears twice: names must be unique")
        seen.add(name)
    for name, w in zip(names, decs, strict=True):
        if w < 0:
            raise GameError(f"weight of {name} is {w}: weights must be zero or positive")
    if q <= 0:
        raise GameError(f"quota {q} must be positive: with it, the empty coalition would win")
    total = sum(decs, Decimal(0))
    if q > total:
        raise GameError(
            f"quota {q} exceeds the total weight {total}: no coalition can win "
            "(lower the quota or check the weights)"
        )
    places = max(max(0, -int(w.as_tuple().exponent)) for w in decs)
    scale = 10**places
    ints = [int(w * scale) for w in decs]
    iq = math.ceil(q * scale)
    g = math.gcd(*ints) or 1
    ints = [w // g for w in ints]
    iq = -(-iq // g)
    if iq > MAX_QUOTA:
        raise GameError(
            f"the quota becomes {iq} once weights are made integers ({places} decimal places "
            f"scaled by {scale}); the exact algorithms need memory in proportion to it and "
            f"accept at most {MAX_QUOTA}: round the weights to fewer decimals"
        )
    return WeightedGame(names=names, weights=decs, quota=q, int_weights=tuple(ints), int_quota=iq)


# ---------------------------------------------------------------------------------------------
# Exact: residues modulo primes


def _classes(weights: Sequence[int]) -> list[int]:
    """Distinct positive weights: each needs one removal step, shared by its players."""
    return sorted({w for w in weights if w > 0})


@dataclass(frozen=True, slots=True, kw_only=True)
class _ExactCounts:
    losing: int
    swings_by_weight: dict[int, int]
    minimal_winning: int


def _exact_counts(weights: Sequence[int], q: int) -> _ExactCounts:
    """Losing coalitions, swings per weight class, minimal winning coalitions (zero weights out)."""
    active = sorted((w for w in weights if w > 0), reverse=True)
    primes = _modular.primes_for_bits(len(active) + 1)
    mod = _modular.modulus_column(primes, 2)
    table = np.zeros((len(primes), q), dtype=np.int64)
    table[:, 0] = 1
    minimal = np.zeros(len(primes), dtype=np.int64)
    doublings = 0
    for w in active:
        # Before adding player j (heaviest first), coalitions T of heavier players with weight in
        # [q - w, q) become minimal winning with j as their lightest member.
        lo = max(0, q - w)
        window = np.remainder(table[:, lo:], mod).sum(axis=1)
        minimal = np.remainder(minimal + window, mod[:, 0])
        if w < q:
            table[:, w:] += table[:, : q - w]
            doublings += 1
            if doublings >= _modular.DOUBLINGS_BEFORE_REDUCE:
                np.remainder(table, mod, out=table)
                doublings = 0
    np.remainder(table, mod, out=table)
    prefix = np.zeros((len(primes), q + 1), dtype=np.int64)
    np.cumsum(table, axis=1, out=prefix[:, 1:])
    np.remainder(prefix, mod, out=prefix)
    classes = _classes(active)
    sums = np.zeros((len(primes), len(classes) + 2), dtype=np.int64)
    for c, w in enumerate(classes):
        ks = np.arange(-(-q // w), dtype=np.int64)
        hi = q - ks * w
        lo_idx = np.maximum(hi - w, 0)
        signs = np.where(ks % 2 == 0, 1, -1)
        terms = (prefix[:, hi] - prefix[:, lo_idx]) * signs
        sums[:, c] = terms.sum(axis=1)
    sums[:, -2] = prefix[:, q]
    sums[:, -1] = minimal
    values = _modular.reconstruct(sums, primes)
    return _ExactCounts(
        losing=values[-2],
        swings_by_weight=dict(zip(classes, values[: len(classes)], strict=True)),
        minimal_winning=values[-1],
    )


def _size_rows(active_ascending: Sequence[int], q: int) -> list[int]:
    """S_s = weight of the s lightest players, for every s with S_s < q (the rows that exist)."""
    rows = [0]
    for w in active_ascending:
        nxt = rows[-1] + w
        if nxt >= q:
            break
        rows.append(nxt)
    return rows


def _exact_shapley_counts(
    active: Sequence[int], q: int, progress: Progress | None
) -> dict[int, list[int]]:
    """For each weight class: swing coalitions of a member, by size (0..n-1), exactly."""
    n = len(active)
    asc = sorted(active)
    starts = _size_rows(asc, q)
    rows = len(starts)
    primes = _modular.primes_for_bits(n + 1)
    mod = _modular.modulus_column(primes, 3)
    table = np.zeros((len(primes), rows, q), dtype=np.int64)
    table[:, 0, 0] = 1
    doublings = 0
    for j, w in enumerate(asc, start=1):
        if w < q:
            for s in range(min(j, rows - 1), 0, -1):
                lo = max(w, starts[s])
                table[:, s, lo:] += table[:, s - 1, lo - w : q - w]
            doublings += 1
            if doublings >= _modular.DOUBLINGS_BEFORE_REDUCE:
                np.remainder(table, mod, out=table)
                doublings = 0
        if progress is not None:
            progress("Shapley-Shubik (exact)", j, n)
    np.remainder(table, mod, out=table)
    prefix = np.zeros((len(primes), rows + 1, q + 1), dtype=np.int64)  # last row stays zero
    np.cumsum(table, axis=2, out=prefix[:, :rows, 1:])
    del table
    np.remainder(prefix, mod, out=prefix)
    sizes = np.arange(n, dtype=np.int64)
    out: dict[int, list[int]] = {}
    for w in _classes(active):
        ks = np.arange(-(-q // w), dtype=np.int64)
        hi = q - ks * w
        low = np.maximum(hi - w, 0)
        shifted = sizes[:, None] - ks[None, :]
        row_of = np.where((shifted >= 0) & (shifted < rows), shifted, rows)  # the zero row
        signs = np.where(ks % 2 == 0, 1, -1)
        upper: npt.NDArray[np.int64] = prefix[:, row_of, hi[None, :]]
        lower: npt.NDArray[np.int64] = prefix[:, row_of, low[None, :]]
        terms = (upper - lower) * signs
        out[w] = _modular.reconstruct(terms.sum(axis=2), primes)
    return out


# ---------------------------------------------------------------------------------------------
# Float: probabilities at fixed inclusion rates, leave-one-out without removal
#
# Owen's multilinear extension: when every other player joins independently with probability p,
# a player of weight w swings when the others weigh in [q - w, q), and its Shapley-Shubik index
# is the integral over p in [0, 1] of that probability.  The integrand is a polynomial of degree
# n - 1 in p, so Gauss-Legendre quadrature with ceil(n/2) nodes is exact, and its weights are
# positive.  The absolute Banzhaf index is the same probability at p = 1/2.
#
# The swing probability of a weight class needs the distribution of the others' weight.  Dividing
# one player out of the whole game's table is an alternating sum that cancels catastrophically
# in float64 (it printed values of +-1e17 at 1,000 players), so here nothing is divided out: a
# divide and conquer over the weight classes hands each class the product of all other classes
# and of its own other members, built only by adding non-negative terms.  Every entry, hence
# every index, carries a relative error of at most about 2n unit roundings (2e-13 at n = 1000).


#: Quadrature nodes are taken a few at a time so that a table holds at most this many entries.
TABLE_ENTRIES_PER_CHUNK = 1 << 19
#: Every FLUSH_EVERY players, table entries below FLUSH_BELOW are set to zero: far-tail
#: probabilities would otherwise become subnormal floats, which the CPU handles ~100x slower.
#: The mass so dropped is bounded and checked against every index (else: no flushing).
FLUSH_EVERY = 16
FLUSH_BELOW = 1e-200

#: Quadrature nodes where Hoeffding's bound puts every swing probability below the first of these
#: are skipped, provided the skipped mass is below NODE_SKIP_RELATIVE of every index (else the
#: nodes above the next bound are added, and at last every node: exact quadrature).
NODE_SKIP_BOUNDS = (1e-22, 1e-40, -1.0)
NODE_SKIP_RELATIVE = 1e-15


@lru_cache(maxsize=16)
def _gauss_legendre(count: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Nodes (ascending) and weights (summing to 1) of ``count``-point Gauss-Legendre on [0, 1].

    Newton's method on the three-term recurrence of the Legendre polynomials from the usual
    asymptotic first guesses, to full float64 precision.
    """
    i = np.arange(1, count + 1, dtype=np.float64)
    x = np.cos(np.pi * (i - 0.25) / (count + 0.5))
    derivative = np.ones_like(x)
    for _ in range(100):
        p_prev, p_cur = np.ones_like(x), x.copy()
        for k in range(2, count + 1):
            p_prev, p_cur = p_cur, ((2 * k - 1) * x * p_cur - (k - 1) * p_prev) / k
        if count == 1:
            p_prev = np.ones_like(x)
        derivative = count * (x * p_cur - p_prev) / (x * x - 1)
        step = p_cur / derivative
        x = x - step
        if float(np.max(np.abs(step))) < 1e-15:
            break
    weights = 1.0 / ((1.0 - x * x) * derivative * derivative)
    return (1.0 - x) / 2.0, weights


def _weight_classes(active: Sequence[int]) -> list[tuple[int, int]]:
    """(weight, number of players) of each distinct positive weight, ascending."""
    counts: dict[int, int] = {}
    for w in active:
        counts[w] = counts.get(w, 0) + 1
    return sorted(counts.items())


def _swing_probabilities(
    classes: Sequence[tuple[int, int]],
    q: int,
    ps: npt.NDArray[np.float64],
    progress: Progress | None = None,
    *,
    flush: bool = True,
) -> tuple[npt.NDArray[np.float64], float]:
    """``out[c, j]``: the probability that the others of a member of class c weigh in
    [q - w_c, q) when every player joins independently with probability ``ps[j]``.

    The nodes are taken a few at a time (the tables then stay in cache).  For those nodes a
    table holds the weights in [base, q); ``base`` rises as players are added: a weight below q
    minus all the weight still to come cannot reach any swing window, so the tables narrow as
    they fill and the divide and conquer over the classes (split by count, depth log2 of their
    number) costs about two passes over the players.  Each side receives the other side's players
    heaviest first, which narrows its table soonest.

    Returns ``out`` and a bound on the absolute error that flushing tiny entries to zero may
    have made in any of its values (0.0 with ``flush=False``).
    """
    out = np.zeros((len(classes), len(ps)), dtype=np.float64)
    if not classes:
        return out, 0.0
    chunk = max(1, min(16, TABLE_ENTRIES_PER_CHUNK // q))
    starts = range(0, len(ps), chunk)
    flushes = 0
    for done, start in enumerate(starts, start=1):
        part = out[:, start : start + chunk]
        ran = _swing_chunk(
            classes, q, ps[start : start + chunk], part, FLUSH_BELOW if flush else 0.0
        )
        flushes = max(flushes, ran)
        if progress is not None:
            progress("Shapley-Shubik (float)", done, len(starts))
    # A flushed entry is a probability below FLUSH_BELOW (times (1 - p)^pending <= 1) that
    # could at most all have reached a swing window.
    return out, flushes * q * FLUSH_BELOW


@dataclass(slots=True)
class _Band:
    """Probabilities of the weights in [base, q) (zero from ``top`` on), for a few nodes, each
    divided by (1 - p)^pending: a player adds r = p / (1 - p) times the table shifted by its
    weight, one multiply-add, and the factor is paid every few dozen players."""

    rows: npt.NDArray[np.float64]
    base: int
    top: int
    remaining: int  # weight of the players still to be added below this table
    pending: int  # players added since the last payment of (1 - p)
    adds: int  # players added, for the flushes of tiny entries


def _swing_chunk(
    classes: Sequence[tuple[int, int]],
    q: int,
    ps: npt.NDArray[np.float64],
    out: npt.NDArray[np.float64],
    flush_below: float,
) -> int:
    """Fill ``out`` (classes x these nodes); return how many flushes ran (see FLUSH_BELOW)."""
    stay = (1.0 - ps)[:, None]
    ratio = (ps / (1.0 - ps))[:, None]
    # Between payments a table grows by at most (1 + r)^k: keep that below 2^300.
    period = max(1, int(300 // math.log2(1.0 + float(ratio.max()))))
    flushes = 0
    buffer = np.empty((len(ps), q), dtype=np.float64)

    def add(band: _Band, weight: int) -> None:
        band.remaining -= weight
        new_base = max(0, q - band.remaining)
        new_top = min(q, band.top + weight)
        lo = max(new_base, band.base + weight)  # x - weight -> x, for x in [lo, new_top)
        if new_top > lo:
            width = new_top - lo
            src = band.rows[:, lo - weight - band.base : new_top - weight - band.base]
            np.multiply(src, ratio, out=buffer[:, :width])
            band.rows[:, lo - band.base : new_top - band.base] += buffer[:, :width]
        band.rows = band.rows[:, new_base - band.base :]
        band.base, band.top = new_base, max(new_top, new_base)
        band.pending += 1
        band.adds += 1
        if band.pending >= period:
            band.rows *= stay**band.pending
            band.pending = 0
        if flush_below > 0 and band.adds % FLUSH_EVERY == 0:
            nonlocal flushes
            np.putmask(band.rows, band.rows < flush_below, 0.0)
            flushes += 1

    def copy(band: _Band) -> _Band:
        rows = np.zeros((len(ps), q - band.base), dtype=np.float64)
        rows[:, : band.top - band.base] = band.rows[:, : band.top - band.base]
        return _Band(
            rows=rows,
            base=band.base,
            top=band.top,
            remaining=band.remaining,
            pending=band.pending,
            adds=band.adds,
        )

    def solve(lo: int, hi: int, band: _Band) -> None:
        """``band`` (owned: changed in place) holds everyone outside classes [lo, hi)."""
        if hi - lo == 1:
            w, m = classes[lo]
            for _ in range(m - 1):
                add(band, w)
            # Now base = max(0, q - w): the table is exactly the swing window.
            out[lo] = band.rows.sum(axis=1) * stay[:, 0] ** band.pending
            return
        mid = (lo + hi) // 2
        for (a, b), (c, d), part in (
            ((lo, mid), (mid, hi), copy(band)),
            ((mid, hi), (lo, mid), band),
        ):
            for k in range(d - 1, c - 1, -1):
                w, m = classes[k]
                for _ in range(m):
                    add(part, w)
            solve(a, b, part)

    everyone = sum(w * m for w, m in classes)
    start = np.zeros((len(ps), q), dtype=np.float64)
    start[:, 0] = 1.0
    solve(0, len(classes), _Band(rows=start, base=0, top=1, remaining=everyone, pending=0, adds=0))
    return flushes


def _hoeffding_bounds(
    classes: Sequence[tuple[int, int]], q: int, ps: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Upper bounds on ``_swing_probabilities`` (Hoeffding: independent terms in [0, w_j])."""
    total = sum(w * m for w, m in classes)
    squares = sum(w * w * m for w, m in classes)
    out = np.ones((len(classes), len(ps)), dtype=np.float64)
    for c, (w, _) in enumerate(classes):
        others, spread = total - w, squares - w * w
        if spread == 0:
            continue
        mean = ps * others
        low = max(0, q - w)
        gap = np.maximum(np.maximum(low - mean, mean - (q - 1)), 0.0)
        out[c] = np.exp(-2.0 * gap * gap / spread)
    return out


def _chernoff_bounds(
    classes: Sequence[tuple[int, int]], q: int, ps: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Upper bounds, for every class at once, on ``_swing_probabilities`` (Chernoff).

    A member's others weigh at least q - w_max and at most q - 1 + w_max when it swings, so
    P(swing) <= min(P(W >= q - w_max), P(W <= q - 1 + w_max)) for the weight W of everyone, and
    P(W >= a) <= exp(-t a) E exp(t W) for every t >= 0 (and likewise below): any t on a grid
    gives a valid bound.  Unlike Hoeffding's, this one knows that a small p makes heavy
    coalitions unlikely (the nodes near 0 and 1, where Gauss-Legendre puts many).
    """
    w = np.array([c[0] for c in classes], dtype=np.float64)
    m = np.array([c[1] for c in classes], dtype=np.float64)
    top = float(w.max())
    above, below = q - top, q - 1 + top
    log_p = np.log(ps)[:, None]
    log_stay = np.log1p(-ps)[:, None]
    best = np.zeros(len(ps), dtype=np.float64)
    for t in np.geomspace(1e-6 / top, 40.0 / float(w.min()), 48):
        up = np.logaddexp(log_stay, log_p + t * w[None, :]) @ m - t * above
        down = np.log1p(ps[:, None] * np.expm1(-t * w[None, :])) @ m + t * below
        best = np.minimum(best, np.minimum(up, down))
    return np.exp(best)


def _is_null(classes: Sequence[tuple[int, int]], c: int, q: int) -> bool:
    """Exactly: no coalition of the others of a member of class c weighs in [q - w_c, q)."""
    mask = (1 << q) - 1
    reach = 1  # bit x: some coalition weighs x
    for k, (w, m) in enumerate(classes):
        for _ in range(m - 1 if k == c else m):
            reach = (reach | (reach << w)) & mask
    w = classes[c][0]
    return reach >> max(0, q - w) == 0


def _float_shapley(active: Sequence[int], q: int, progress: Progress | None) -> dict[int, float]:
    """Shapley-Shubik of each weight class in float64 (relative error ~1e-13, never negative).

    The game and its dual (quota W - q + 1) have the same values: the smaller quota is used.
    Quadrature nodes where Hoeffding's inequality bounds every swing probability below 1e-22
    are skipped, and that choice is checked against the result: the skipped mass must stay below
    1e-15 of every index that is not exactly zero (checked exactly, by subset sums); when it does
    not, more nodes are added, at last all of them (exact quadrature).
    """
    classes = _weight_classes(active)
    total = sum(active)
    q = min(q, total - q + 1)
    nodes, weights = _gauss_legendre(max(1, (len(active) + 1) // 2))
    bounds = _hoeffding_bounds(classes, q, nodes)
    rest = bounds.max(axis=0) > NODE_SKIP_BOUNDS[0]
    if rest.any():
        bounds[:, rest] = np.minimum(bounds[:, rest], _chernoff_bounds(classes, q, nodes[rest]))
    largest = bounds.max(axis=0)
    done = np.zeros(len(nodes), dtype=bool)
    values = np.zeros(len(classes), dtype=np.float64)
    flushed = 0.0
    nulls: dict[int, bool] = {}

    def trusted(c: int, error: float) -> bool:
        if error <= NODE_SKIP_RELATIVE * values[c]:
            return True
        if values[c] != 0:
            return False
        if c not in nulls:
            nulls[c] = _is_null(classes, c, q)
        return nulls[c]

    for skip_below in NODE_SKIP_BOUNDS:
        todo = (largest > skip_below) & ~done
        if todo.any():
            probabilities, error = _swing_probabilities(classes, q, nodes[todo], progress)
            values += probabilities @ weights[todo]
            flushed += error * float(weights[todo].sum())
            done |= todo
        skipped = bounds[:, ~done] @ weights[~done]
        if all(trusted(c, float(skipped[c])) for c in range(len(classes))):
            break
    if not all(trusted(c, flushed) for c in range(len(classes))):
        probabilities, _ = _swing_probabilities(classes, q, nodes[done], progress, flush=False)
        values = probabilities @ weights[done]
    return {w: float(v) for (w, _), v in zip(classes, values, strict=True)}


def _float_banzhaf(active: Sequence[int], q: int) -> tuple[float, float, dict[int, float]]:
    """(probability a random coalition loses, that it wins, swing probability of each class).

    The swing probability at p = 1/2 is the same in the game and its dual (quota W - q + 1); the
    lower quota puts the losing side in the thin lower tail, which is summed directly (positive
    terms, so a tiny probability keeps its relative precision, no 1 - (1 - tiny)).
    """
    classes = _weight_classes(active)
    total = sum(active)
    dual = total - q + 1
    low = min(q, dual)
    probabilities, flushed = _swing_probabilities(classes, low, np.array([0.5]))
    if any(
        v < flushed / NODE_SKIP_RELATIVE and not (v == 0 and _is_null(classes, c, low))
        for c, v in enumerate(probabilities[:, 0])
    ):
        probabilities, _ = _swing_probabilities(classes, low, np.array([0.5]), flush=False)
    swings = probabilities[:, 0]
    table = np.zeros(low, dtype=np.float64)
    table[0] = 1.0
    for w in active:
        if w < low:
            shifted = table[: low - w] * 0.5
            table *= 0.5
            table[w:] += shifted
        else:
            table *= 0.5
    below = float(table.sum())  # P(weight < low)
    by_class = {w: float(s) for (w, _), s in zip(classes, swings, strict=True)}
    if dual < q:
        return 1.0 - below, below, by_class
    return below, 1.0 - below, by_class


# ---------------------------------------------------------------------------------------------
# Minimal winning coalitions, listed when few


def _list_minimal(game: WeightedGame, limit: int) -> tuple[tuple[str, ...], ...]:
    """Enumerate minimal winning coalitions (heaviest first, lightest member last)."""
    order = sorted(
        (i for i, w in enumerate(game.int_weights) if w > 0),
        key=lambda i: (-game.int_weights[i], i),
    )
    ws = [game.int_weights[i] for i in order]
    q = game.int_quota
    suffix = [0] * (len(ws) + 1)
    for j in range(len(ws) - 1, -1, -1):
        suffix[j] = suffix[j + 1] + ws[j]
    found: list[tuple[str, ...]] = []

    def extend(j: int, chosen: list[int], weight: int) -> None:
        if len(found) >= limit or j >= len(ws) or weight + suffix[j] < q:
            return
        w = ws[j]
        if weight + w >= q:  # j completes a winning coalition as its lightest member
            found.append(tuple(game.names[order[k]] for k in [*chosen, j]))
        else:
            chosen.append(j)
            extend(j + 1, chosen, weight + w)
            chosen.pop()
        extend(j + 1, chosen, weight)

    extend(0, [], 0)
    return tuple(found)


# ---------------------------------------------------------------------------------------------
# The public entry point


def weighted_indices(
    weights: Sequence[Number],
    quota: Number,
    names: Sequence[str] | None = None,
    *,
    exact: bool = True,
    shapley: ShapleyMode | None = None,
    list_limit: int = LIST_LIMIT,
    progress: Progress | None = None,
) -> GameReport:
    """All indices of the game [quota; weights].

    ``exact=True``: swings and coalition counts as Python ints, indices as Fractions;
    ``exact=False``: float64 throughout (no counts), for any size.  ``shapley`` overrides how
    Shapley-Shubik is computed: "exact" (Fractions; GameError when the table would be too big),
    "float", "auto" (exact when its table fits and is quick, else float) or "skip".
    Default: "exact" if ``exact``.
    Raises GameError for an invalid game.
    """
    game = weighted_game(weights, quota, names)
    mode: ShapleyMode = shapley or ("exact" if exact else "float")
    q = game.int_quota
    active = [w for w in game.int_weights if w > 0]
    n_all = len(game.int_weights)
    n = len(active)
    zeros = n_all - n
    ss_exact = False
    ss: dict[int, Index] | None = None
    if mode in ("exact", "auto"):
        asc_rows = len(_size_rows(sorted(active), q))
        entries = len(_modular.primes_for_bits(n + 1)) * (asc_rows + 1) * (q + 1)
        cheap = entries * n <= MAX_AUTO_EXACT_SS_WORK
        if entries <= MAX_EXACT_SS_ENTRIES and (mode == "exact" or cheap):
            counts = _exact_shapley_counts(active, q, progress)
            fact_n = math.factorial(n)
            weights_by_size = [math.factorial(s) * math.factorial(n - 1 - s) for s in range(n)]
            ss = {
                w: Fraction(sum(c * f for c, f in zip(by, weights_by_size, strict=True)), fact_n)
                for w, by in counts.items()
            }
            ss_exact = True
        elif mode == "exact":
            raise GameError(
                f"exact Shapley-Shubik for {n} players with quota {q} needs about "
                f"{entries * SS_BYTES_PER_ENTRY // 2**20:,} MiB, over the bound of "
                f"{MAX_EXACT_SS_BYTES // 2**20:,} MiB; leave out --exact (exact counts, "
                "Shapley-Shubik in floats) or use --float (relative error below 1e-9)"
            )
    if ss is None and mode != "skip":
        ss = dict(_float_shapley(active, q, progress))

    players: list[PlayerPower] = []
    if exact:
        counts_ = _exact_counts(game.int_weights, q)
        factor = 1 << zeros  # each zero-weight player doubles every count and swing
        losing = counts_.losing * factor
        winning = (1 << n_all) - losing
        swings = [counts_.swings_by_weight[w] * factor if w > 0 else 0 for w in game.int_weights]
        total_swings = sum(swings)
        for name, dec, w, sw in zip(
            game.names, game.weights, game.int_weights, swings, strict=True
        ):
            players.append(
                PlayerPower(
                    name=name,
                    weight=dec,
                    swings=sw,
                    banzhaf_absolute=Fraction(sw, 1 << (n_all - 1)),
                    banzhaf_normalized=Fraction(sw, total_swings),
                    shapley_shubik=_ss_of(ss, w),
                    coleman_prevent=Fraction(sw, winning),
                    coleman_initiate=Fraction(sw, losing),
                )
            )
        minimal_count: int | None = counts_.minimal_winning
        listing = _list_minimal(game, list_limit) if counts_.minimal_winning <= list_limit else None
        return GameReport(
            game=game,
            players=tuple(players),
            exact_counts=True,
            shapley_exact=ss_exact,
            winning_coalitions=winning,
            losing_coalitions=losing,
            minimal_winning_coalitions=minimal_count,
            minimal_winning_list=listing,
        )
    lose_p, win_p, swing_p = _float_banzhaf(active, q)
    absolute = [swing_p[w] if w > 0 else 0.0 for w in game.int_weights]
    total = math.fsum(absolute)
    for name, dec, w, bz in zip(game.names, game.weights, game.int_weights, absolute, strict=True):
        players.append(
            PlayerPower(
                name=name,
                weight=dec,
                swings=None,
                banzhaf_absolute=bz,
                banzhaf_normalized=bz / total,
                shapley_shubik=_ss_of(ss, w),
                coleman_prevent=bz / (2.0 * win_p),
                coleman_initiate=bz / (2.0 * lose_p),
            )
        )
    return GameReport(
        game=game,
        players=tuple(players),
        exact_counts=False,
        shapley_exact=ss_exact,
        winning_coalitions=None,
        losing_coalitions=None,
        minimal_winning_coalitions=None,
        minimal_winning_list=None,
    )


def _ss_of(ss: dict[int, Index] | None, w: int) -> Index | None:
    if ss is None:
        return None
    if w == 0:
        return Fraction(0) if any(isinstance(v, Fraction) for v in ss.values()) else 0.0
    return ss[w]


__all__ = [
    "GameError",
    "GameReport",
    "PlayerPower",
    "WeightedGame",
    "weighted_game",
    "weighted_indices",
]
