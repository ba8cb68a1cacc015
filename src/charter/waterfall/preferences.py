"""Exact engine for startup liquidation preferences, with conversion as a fixed point.

Allocation for a fixed set of converted classes: the preference stack is paid by seniority (higher
first; a level shares pro rata to preference amounts), then what is left is shared as-converted
among common, converted classes and participating classes, with participation caps water-filled
(a capped holder's excess is re-shared among the others).  Which classes convert is a fixed point:
each convertible class converts when that pays it strictly more given the others' choices
(best-response iteration, cheapest preference per share first; enumerated if it ever cycles).

Everything is computed on :class:`Lin` numbers ``v + d*eps`` (eps an infinitesimal) compared
lexicographically.  With ``d = 0`` this is plain exact arithmetic; with ``d = +1`` every min, cap
and conversion choice is decided just *after* the amount, so the ``d`` parts of the payouts are
the exact right derivative (the marginal split).  That is what lets the compiler find every kink
exactly without guessing step sizes.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

from charter.waterfall.model import PreferenceWaterfall, Result, ShareClass, TierPaid

ZERO = Fraction(0)
_MAX_ROUNDS = 64


@dataclass(frozen=True, slots=True, order=True)
class Lin:
    """``v + d*eps``: a value and its direction of change, ordered lexicographically."""

    v: Fraction
    d: Fraction = ZERO

    def __add__(self, other: Lin) -> Lin:
        return Lin(self.v + other.v, self.d + other.d)

    def __sub__(self, other: Lin) -> Lin:
        return Lin(self.v - other.v, self.d - other.d)

    def scale(self, k: Fraction) -> Lin:
        return Lin(self.v * k, self.d * k)


LZERO = Lin(ZERO)


def _lmin(a: Lin, b: Lin) -> Lin:
    return a if a <= b else b


def convertible(c: ShareClass) -> bool:
    """Only classes that can gain by converting: a preference, shares, and no unlimited upside."""
    return c.preference > 0 and c.shares > 0 and (not c.participating or c.cap is not None)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Allocation:
    pay: dict[str, Lin]
    levels: tuple[tuple[int, dict[str, Lin]], ...]
    pool: dict[str, Lin]


def _allocate(wf: PreferenceWaterfall, converted: frozenset[str], amount: Lin) -> _Allocation:
    pay = {c.id: LZERO for c in wf.classes}
    remaining = amount
    levels: list[tuple[int, dict[str, Lin]]] = []
    stack = [c for c in wf.classes if c.id not in converted and c.preference > 0]
    for level in sorted({c.seniority for c in stack}, reverse=True):
        members = [c for c in stack if c.seniority == level]
        owed = sum((c.preference for c in members), ZERO)
        paid = _lmin(remaining, Lin(owed))
        got = {c.id: paid.scale(c.preference / owed) for c in members}
        for cid, value in got.items():
            pay[cid] = pay[cid] + value
        remaining = remaining - paid
        levels.append((level, got))
    in_pool = [
        c
        for c in wf.classes
        if c.shares > 0 and (c.id in converted or c.preference == 0 or c.participating)
    ]
    pool = _water_fill(in_pool, converted, pay, remaining)
    for cid, value in pool.items():
        pay[cid] = pay[cid] + value
    return _Allocation(pay=pay, levels=tuple(levels), pool=pool)


def _water_fill(
    members: list[ShareClass], converted: frozenset[str], pay: dict[str, Lin], pool: Lin
) -> dict[str, Lin]:
    """Share ``pool`` pro rata to shares; a capped participant stops at its cap (total amount)."""
    out: dict[str, Lin] = {}
    active = list(members)
    while active:
        shares = sum((c.shares for c in active), ZERO)
        per_share = pool.scale(1 / shares)
        full = [
            c
            for c in active
            if c.cap is not None
            and c.id not in converted
            and Lin(c.cap) - pay[c.id] < per_share.scale(c.shares)
        ]
        if not full:
            for c in active:
                out[c.id] = per_share.scale(c.shares)
            return out
        for c in full:
            room = Lin(c.cap) - pay[c.id] if c.cap is not None else LZERO
            out[c.id] = room
            pool = pool - room
            active.remove(c)
    return out


def _better(wf: PreferenceWaterfall, cid: str, converted: frozenset[str], amount: Lin) -> bool:
    with_c = _allocate(wf, converted | {cid}, amount).pay[cid]
    without = _allocate(wf, converted - {cid}, amount).pay[cid]
    return with_c > without


def is_stable(wf: PreferenceWaterfall, converted: frozenset[str], amount: Lin) -> bool:
    return all(
        _better(wf, c.id, converted, amount) == (c.id in converted)
        for c in wf.classes
        if convertible(c)
    )


def conversions(wf: PreferenceWaterfall, amount: Lin) -> frozenset[str]:
    """The classes that convert: best-response iteration from 'nobody converts'."""
    order = sorted(
        (c for c in wf.classes if convertible(c)),
        key=lambda c: (c.preference / c.shares, c.id),
    )
    converted: frozenset[str] = frozenset()
    for _ in range(_MAX_ROUNDS):
        changed = False
        for c in order:
            want = _better(wf, c.id, converted, amount)
            if want != (c.id in converted):
                converted = converted | {c.id} if want else converted - {c.id}
                changed = True
        if not changed:
            return converted
    # a cycle: take the stable set with the fewest conversions (deterministic), if any
    ids = [c.id for c in order]
    for size in range(len(ids) + 1):
        for combo in combinations(ids, size):
            if is_stable(wf, frozenset(combo), amount):
                return frozenset(combo)
    raise RuntimeError(f"no stable conversion decision in {wf.name} at {amount}")


def allocate(
    wf: PreferenceWaterfall, converted: frozenset[str], amount: Fraction
) -> dict[str, Fraction]:
    """Exact payouts for a given set of converted classes (whether or not it is stable)."""
    return {cid: v.v for cid, v in _allocate(wf, converted, Lin(amount)).pay.items()}


def allocate_lin(wf: PreferenceWaterfall, amount: Lin) -> tuple[dict[str, Lin], frozenset[str]]:
    """Payouts (as Lin) and the converted set at ``amount``."""
    converted = conversions(wf, amount)
    return _allocate(wf, converted, amount).pay, converted


def evaluate_preferences(wf: PreferenceWaterfall, amount: Fraction) -> Result:
    converted = conversions(wf, Lin(amount))
    alloc = _allocate(wf, converted, Lin(amount))
    ids = wf.party_ids
    tiers = [
        TierPaid(
            name=f"preference, seniority {level}",
            amount=sum((v.v for v in got.values()), ZERO),
            payouts=tuple((p, got[p].v if p in got else ZERO) for p in ids),
        )
        for level, got in alloc.levels
    ]
    tiers.append(
        TierPaid(
            name="as-converted and participation",
            amount=sum((v.v for v in alloc.pool.values()), ZERO),
            payouts=tuple((p, alloc.pool[p].v if p in alloc.pool else ZERO) for p in ids),
        )
    )
    return Result(
        amount=amount,
        payouts=tuple((p, alloc.pay[p].v) for p in ids),
        tiers=tuple(tiers),
        converted=tuple(c for c in ids if c in converted),
    )


def marginal_split_preferences(wf: PreferenceWaterfall, amount: Fraction) -> dict[str, Fraction]:
    pay, _ = allocate_lin(wf, Lin(amount, Fraction(1)))
    return {p: pay[p].d for p in wf.party_ids}


def final_bound(wf: PreferenceWaterfall) -> Fraction:
    """An amount past which no decision, level or cap changes (so payouts are linear beyond).

    Past ``sum(preferences) + max(preference_i, cap_i) * total_shares / shares_i`` every
    convertible class's as-converted share exceeds anything it could get unconverted, whatever
    the others do, and every preference level is paid in full.
    """
    prefs = sum((c.preference for c in wf.classes), ZERO)
    total = sum((c.shares for c in wf.classes), ZERO)
    worst = ZERO
    for c in wf.classes:
        if convertible(c):
            worst = max(worst, max(c.preference, c.cap or ZERO) * total / c.shares)
    return prefs + worst + 1
