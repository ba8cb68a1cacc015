"""Exact engine for tiered waterfalls (capped-profit structures, fund waterfalls).

A tiered waterfall is a state machine over the amount distributed: in any state (current tier,
who has reached a cap, cumulative receipts) the marginal dollar is split by a fixed vector, until
the next *event* - a tier's stop condition met or a party reaching its cap.  Walking from event
to event with Fractions gives the exact payout at any amount (``run`` with a budget) and, run to
the end, the breakpoints of the piecewise-linear payout curves (``segments``).  Both use the same
step function, so the exact engine and the compiled curves cannot drift apart by construction;
the vectorised evaluator and the property tests check the rest.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction

from charter.waterfall.model import (
    PRO_RATA,
    Condition,
    Distributed,
    ProfitShare,
    Receives,
    Result,
    Tier,
    TierPaid,
    TierWaterfall,
)

ZERO = Fraction(0)
Split = dict[str, Fraction]


@dataclass(slots=True)
class _State:
    """Mutable only inside this module's walk; never escapes (results are frozen)."""

    received: dict[str, Fraction]
    total: Fraction = ZERO
    tier: int = 0
    in_tier: Fraction = ZERO
    paid: dict[int, dict[str, Fraction]] = field(default_factory=dict)


def _caps(wf: TierWaterfall) -> dict[str, Fraction]:
    return {p.id: p.cap for p in wf.parties if p.cap is not None}


def _capital(wf: TierWaterfall) -> Fraction:
    return sum((p.capital for p in wf.parties), ZERO)


def _is_capped(party: str, state: _State, caps: dict[str, Fraction]) -> bool:
    cap = caps.get(party)
    return cap is not None and state.received[party] >= cap


def marginal_split_in(wf: TierWaterfall, state: _State, caps: dict[str, Fraction]) -> Split:
    """The split of the next dollar: the tier's split with capped parties' shares redirected."""
    if state.tier >= len(wf.tiers):
        return {wf.residual: Fraction(1)}
    tier = wf.tiers[state.tier]
    out: Split = {}
    open_shares = [(p, s) for p, s in tier.split if s > 0 and not _is_capped(p, state, caps)]
    open_total = sum((s for _, s in open_shares), ZERO)
    for party, share in tier.split:
        if share == 0:
            continue
        if not _is_capped(party, state, caps):
            out[party] = out.get(party, ZERO) + share
        elif wf.capped_share_to == PRO_RATA and open_total > 0:
            for other, other_share in open_shares:
                out[other] = out.get(other, ZERO) + share * other_share / open_total
        else:
            target = wf.residual if wf.capped_share_to == PRO_RATA else wf.capped_share_to
            out[target] = out.get(target, ZERO) + share
    return out


def _met(cond: Condition, state: _State, capital: Fraction) -> bool:
    if isinstance(cond, Distributed):
        return state.in_tier >= cond.amount
    if isinstance(cond, Receives):
        return state.received[cond.party] >= cond.amount
    return state.received[cond.party] >= cond.share * (state.total - capital)


def _distance(cond: Condition, state: _State, split: Split, capital: Fraction) -> Fraction | None:
    """How much more must be distributed at ``split`` until ``cond`` holds (None: never)."""
    if isinstance(cond, Distributed):
        return cond.amount - state.in_tier
    rate = split.get(cond.party, ZERO)
    if isinstance(cond, Receives):
        return (cond.amount - state.received[cond.party]) / rate if rate > 0 else None
    assert isinstance(cond, ProfitShare)
    if rate <= cond.share:
        return None
    gap = cond.share * (state.total - capital) - state.received[cond.party]
    return gap / (rate - cond.share)


def _tier_done(tier: Tier, state: _State, capital: Fraction) -> bool:
    if not tier.until:
        return False
    met = [_met(c, state, capital) for c in tier.until]
    return all(met) if tier.mode == "all" else any(met)


def _next_event(
    wf: TierWaterfall, state: _State, split: Split, caps: dict[str, Fraction], capital: Fraction
) -> Fraction | None:
    events: list[Fraction] = []
    if state.tier < len(wf.tiers):
        for cond in wf.tiers[state.tier].until:
            if not _met(cond, state, capital):
                d = _distance(cond, state, split, capital)
                if d is not None:
                    events.append(d)
    for party, cap in caps.items():
        rate = split.get(party, ZERO)
        if rate > 0 and state.received[party] < cap:
            events.append((cap - state.received[party]) / rate)
    return min(events) if events else None


def _pay(state: _State, split: Split, amount: Fraction) -> None:
    if amount <= 0:
        return
    bucket = state.paid.setdefault(state.tier, {})
    for party, share in split.items():
        state.received[party] += share * amount
        bucket[party] = bucket.get(party, ZERO) + share * amount
    state.total += amount
    state.in_tier += amount


def _walk(wf: TierWaterfall, budget: Fraction | None) -> Iterator[tuple[_State, Split]]:
    """Yield (state at the start of a segment, split on that segment) until the budget is spent.

    With ``budget=None`` the walk ends at the open-ended final segment.
    """
    caps, capital = _caps(wf), _capital(wf)
    state = _State(received=dict.fromkeys(wf.party_ids, ZERO))
    while True:
        while state.tier < len(wf.tiers) and _tier_done(wf.tiers[state.tier], state, capital):
            state.tier += 1
            state.in_tier = ZERO
        split = marginal_split_in(wf, state, caps)
        yield state, split
        step = _next_event(wf, state, split, caps, capital)
        if budget is not None:
            left = budget - state.total
            if step is None or left <= step:
                _pay(state, split, left)
                return
        if step is None:
            return
        _pay(state, split, step)


def _run(wf: TierWaterfall, budget: Fraction) -> _State:
    """The state after distributing ``budget`` (the walk's last yielded state, then paid)."""
    return deque(_walk(wf, budget), maxlen=1)[0][0]


def evaluate_tiers(wf: TierWaterfall, amount: Fraction) -> Result:
    state = _run(wf, amount)
    tiers: list[TierPaid] = []
    # an open-ended last tier leaves nothing for the residual: do not show an always-empty tier
    count = len(wf.tiers) + (1 if wf.tiers[-1].until else 0)
    for index in range(count):
        paid = state.paid.get(index, {})
        name = wf.tiers[index].name if index < len(wf.tiers) else f"residual to {wf.residual}"
        tiers.append(
            TierPaid(
                name=name,
                amount=sum(paid.values(), ZERO),
                payouts=tuple((p, paid.get(p, ZERO)) for p in wf.party_ids),
            )
        )
    return Result(
        amount=amount,
        payouts=tuple((p, state.received[p]) for p in wf.party_ids),
        tiers=tuple(tiers),
    )


def marginal_split_tiers(wf: TierWaterfall, amount: Fraction) -> Split:
    """The split of the dollar just after ``amount`` (the right derivative of every payout)."""
    caps, capital = _caps(wf), _capital(wf)
    final = _run(wf, amount)
    while final.tier < len(wf.tiers) and _tier_done(wf.tiers[final.tier], final, capital):
        final.tier += 1
        final.in_tier = ZERO
    split = marginal_split_in(wf, final, caps)
    return {p: split.get(p, ZERO) for p in wf.party_ids}


def segments_tiers(wf: TierWaterfall) -> list[tuple[Fraction, Split]]:
    """(start amount, split) for every segment of the walk, the last one open-ended."""
    out: list[tuple[Fraction, Split]] = []
    for state, split in _walk(wf, None):
        out.append((state.total, {p: split.get(p, ZERO) for p in wf.party_ids}))
    return out
