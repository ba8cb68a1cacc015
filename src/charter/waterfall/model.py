"""The resolved waterfall: frozen, exact (Fraction) domain objects the engines run on.

A file is loaded into one of two shapes.  :class:`TierWaterfall` covers capped-profit structures
and fund waterfalls (ordered tiers that split marginal dollars until a stop condition).
:class:`PreferenceWaterfall` covers startup liquidation preferences (classes with preference
multiples, seniority, participation, caps and conversion), which are not sequential tiers because
each class's conversion decision depends on every other class's.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from charter.model.source import Source

PRO_RATA = "pro_rata"


class CapBasis(StrEnum):
    GROSS = "gross"
    PROFIT = "profit"


class Compounding(StrEnum):
    SIMPLE = "simple"
    COMPOUND = "compound"


@dataclass(frozen=True, slots=True, kw_only=True)
class Party:
    id: str
    name: str
    capital: Fraction
    cap: Fraction | None  # cumulative gross receipts it may not exceed (profit caps resolved)
    source: Source


@dataclass(frozen=True, slots=True, kw_only=True)
class Distributed:
    """The tier has paid out ``amount`` in total."""

    amount: Fraction
    source: Source


@dataclass(frozen=True, slots=True, kw_only=True)
class Receives:
    """``party``'s cumulative receipts (over all tiers) reach ``amount``.

    Multiples of capital and preferred returns are resolved to this form at load time.
    """

    party: str
    amount: Fraction
    source: Source


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfitShare:
    """Catch-up: ``party`` has received ``share`` of all profit distributed so far.

    Profit is total distributed minus all parties' capital; the condition is met when
    ``received[party] >= share * (total - capital)``.
    """

    party: str
    share: Fraction
    source: Source


Condition = Distributed | Receives | ProfitShare


@dataclass(frozen=True, slots=True, kw_only=True)
class Tier:
    name: str
    split: tuple[tuple[str, Fraction], ...]  # (party, share), shares sum to 1
    until: tuple[Condition, ...]  # empty: the tier never ends
    mode: str  # "all" (every condition met) or "any"
    source: Source


@dataclass(frozen=True, slots=True, kw_only=True)
class TierWaterfall:
    name: str
    parties: tuple[Party, ...]
    tiers: tuple[Tier, ...]
    residual: str
    capped_share_to: str  # a party id, or PRO_RATA
    source: Source

    @property
    def party_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.parties)


@dataclass(frozen=True, slots=True, kw_only=True)
class ShareClass:
    """A class of stock.  ``preference`` is the liquidation preference amount (multiple x invested).

    ``cap`` is the participation cap as a total (preference + participation) amount, or None.
    Common stock is a class with no preference.
    """

    id: str
    name: str
    shares: Fraction
    invested: Fraction
    preference: Fraction
    seniority: int
    participating: bool
    cap: Fraction | None
    convertible: bool
    source: Source


@dataclass(frozen=True, slots=True, kw_only=True)
class PreferenceWaterfall:
    name: str
    classes: tuple[ShareClass, ...]
    source: Source

    @property
    def party_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.classes)


Waterfall = TierWaterfall | PreferenceWaterfall


@dataclass(frozen=True, slots=True, kw_only=True)
class TierPaid:
    """What one tier (or preference level, or the residual) paid, in total and per party."""

    name: str
    amount: Fraction
    payouts: tuple[tuple[str, Fraction], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Result:
    """The exact outcome of distributing ``amount``."""

    amount: Fraction
    payouts: tuple[tuple[str, Fraction], ...]  # every party, in file order
    tiers: tuple[TierPaid, ...]
    converted: tuple[str, ...] = ()  # preference classes that chose to convert to common

    def payout(self, party: str) -> Fraction:
        return dict(self.payouts)[party]
