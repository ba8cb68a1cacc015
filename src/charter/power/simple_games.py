"""Simple games given by a rule, not by weights: who can pass an act, and who matters.

A board rule (quorum, threshold base, eligibility, recusal) rarely reduces to one weighted game,
so this engine asks only for a predicate ``is_winning(frozenset_of_player_ids) -> bool`` and
evaluates it once on every coalition (2^n calls; boards have up to ~20 seats).  Everything else -
minimal winning coalitions, swings, veto players, dummies, Banzhaf and Shapley-Shubik - is then
read off one boolean table with numpy, exactly (ints and Fractions).

A coalition is the set of players voting yes.  "Minimal winning" means winning and losing once any
one member leaves; for a monotone rule (more support never hurts) that is the usual definition.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

IsWinning = Callable[[frozenset[str]], bool]
Coalition = frozenset[str]

#: 2^20 predicate calls take a second or two; beyond that enumeration is the wrong tool.
MAX_PLAYERS = 20


@dataclass(frozen=True, slots=True, kw_only=True)
class BanzhafEntry:
    """Swings of one player and its Banzhaf indices."""

    swings: int
    absolute: Fraction
    normalized: Fraction


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class SimpleGame:
    """A rule evaluated on every coalition; bit i of a mask stands for ``players[i]``."""

    players: tuple[str, ...]
    winning: npt.NDArray[np.bool_]

    @classmethod
    def from_predicate(cls, players: Sequence[str], is_winning: IsWinning) -> SimpleGame:
        names = tuple(players)
        if len(set(names)) != len(names):
            raise ValueError(f"players must be distinct: {list(names)}")
        if len(names) > MAX_PLAYERS:
            raise ValueError(
                f"{len(names)} players: enumeration handles at most {MAX_PLAYERS}; "
                "use charter.power.weighted for large weighted games"
            )
        table = np.fromiter(
            (bool(is_winning(_members(names, m))) for m in range(1 << len(names))),
            dtype=np.bool_,
            count=1 << len(names),
        )
        table.flags.writeable = False
        return cls(players=names, winning=table)

    # -- coalitions ---------------------------------------------------------------------------

    def mask(self, coalition: Iterable[str]) -> int:
        index = {p: i for i, p in enumerate(self.players)}
        m = 0
        for p in coalition:
            if p not in index:
                raise ValueError(f"unknown player '{p}'; players are {list(self.players)}")
            m |= 1 << index[p]
        return m

    def is_winning(self, coalition: Iterable[str]) -> bool:
        return bool(self.winning[self.mask(coalition)])

    def winning_coalitions(self) -> tuple[Coalition, ...]:
        return self._coalitions(self.winning)

    def minimal_winning_coalitions(self) -> tuple[Coalition, ...]:
        return self._coalitions(self._minimal())

    def can_pass_without(self, excluded: Iterable[str]) -> tuple[Coalition, ...]:
        """Minimal winning coalitions that include none of ``excluded`` (empty: they cannot)."""
        out = self._minimal() & ((self._masks() & self.mask(excluded)) == 0)
        return self._coalitions(out)

    def pivotal_players(self, coalition: Iterable[str]) -> frozenset[str]:
        """Members whose departure turns this winning coalition into a losing one."""
        m = self.mask(coalition)
        if not self.winning[m]:
            return frozenset()
        return frozenset(
            p for i, p in enumerate(self.players) if m >> i & 1 and not self.winning[m ^ (1 << i)]
        )

    def veto_players(self) -> frozenset[str]:
        """Players in every winning coalition (none if no coalition wins)."""
        masks = self._masks()
        win = masks[self.winning]
        if win.size == 0:
            return frozenset()
        common = int(np.bitwise_and.reduce(win))
        return frozenset(p for i, p in enumerate(self.players) if common >> i & 1)

    def dummy_players(self) -> frozenset[str]:
        """Players who are never pivotal: their vote never changes an outcome."""
        return frozenset(p for p, b in self.banzhaf().items() if b.swings == 0)

    def is_monotone(self) -> bool:
        masks = self._masks()
        for i in range(len(self.players)):
            without = masks & ~np.int64(1 << i)
            if bool(np.any(self.winning[without] & ~self.winning[masks | (1 << i)])):
                return False
        return True

    # -- indices ------------------------------------------------------------------------------

    def banzhaf(self) -> dict[str, BanzhafEntry]:
        swings = [int(self._swing_table(i).sum()) for i in range(len(self.players))]
        total = sum(swings)
        half = 1 << max(len(self.players) - 1, 0)
        return {
            p: BanzhafEntry(
                swings=s,
                absolute=Fraction(s, half),
                normalized=Fraction(s, total) if total else Fraction(0),
            )
            for p, s in zip(self.players, swings, strict=True)
        }

    def shapley_shubik(self) -> dict[str, Fraction]:
        """Sum over swings S of (|S|-1)! (n-|S|)! / n!: the share of orders where i is pivotal."""
        n = len(self.players)
        sizes = self._popcount()
        weights = [math.factorial(s - 1) * math.factorial(n - s) if s else 0 for s in range(n + 1)]
        out = {}
        for i, p in enumerate(self.players):
            by_size = np.bincount(sizes[self._swing_table(i)], minlength=n + 1)
            total = sum(int(c) * w for c, w in zip(by_size.tolist(), weights, strict=True))
            out[p] = Fraction(total, math.factorial(n))
        return out

    # -- internals ----------------------------------------------------------------------------

    def _masks(self) -> npt.NDArray[np.int64]:
        return np.arange(1 << len(self.players), dtype=np.int64)

    def _popcount(self) -> npt.NDArray[np.int64]:
        masks = self._masks()
        count = np.zeros_like(masks)
        for i in range(len(self.players)):
            count += (masks >> i) & 1
        return count

    def _swing_table(self, i: int) -> npt.NDArray[np.bool_]:
        masks = self._masks()
        member = ((masks >> i) & 1).astype(np.bool_)
        swings: npt.NDArray[np.bool_] = member & self.winning & ~self.winning[masks ^ (1 << i)]
        return swings

    def _minimal(self) -> npt.NDArray[np.bool_]:
        masks = self._masks()
        ok = self.winning.copy()
        for i in range(len(self.players)):
            member = ((masks >> i) & 1).astype(np.bool_)
            ok &= ~member | ~self.winning[masks ^ (1 << i)]
        return ok

    def _coalitions(self, selected: npt.NDArray[np.bool_]) -> tuple[Coalition, ...]:
        chosen = np.flatnonzero(selected).tolist()
        n = len(self.players)
        chosen.sort(key=lambda m: (m.bit_count(), [-(m >> i & 1) for i in range(n)]))
        return tuple(_members(self.players, m) for m in chosen)


def _members(players: Sequence[str], mask: int) -> Coalition:
    return frozenset(p for i, p in enumerate(players) if mask >> i & 1)


# -- the same as plain functions, for one-off questions ---------------------------------------


def winning_coalitions(players: Sequence[str], is_winning: IsWinning) -> tuple[Coalition, ...]:
    return SimpleGame.from_predicate(players, is_winning).winning_coalitions()


def minimal_winning_coalitions(
    players: Sequence[str], is_winning: IsWinning
) -> tuple[Coalition, ...]:
    return SimpleGame.from_predicate(players, is_winning).minimal_winning_coalitions()


def can_pass_without(
    players: Sequence[str], is_winning: IsWinning, excluded: Iterable[str]
) -> tuple[Coalition, ...]:
    return SimpleGame.from_predicate(players, is_winning).can_pass_without(excluded)


def pivotal_players(
    players: Sequence[str], is_winning: IsWinning, coalition: Iterable[str]
) -> frozenset[str]:
    return SimpleGame.from_predicate(players, is_winning).pivotal_players(coalition)


def veto_players(players: Sequence[str], is_winning: IsWinning) -> frozenset[str]:
    return SimpleGame.from_predicate(players, is_winning).veto_players()


def dummy_players(players: Sequence[str], is_winning: IsWinning) -> frozenset[str]:
    return SimpleGame.from_predicate(players, is_winning).dummy_players()


def banzhaf(players: Sequence[str], is_winning: IsWinning) -> dict[str, BanzhafEntry]:
    return SimpleGame.from_predicate(players, is_winning).banzhaf()


def shapley_shubik(players: Sequence[str], is_winning: IsWinning) -> dict[str, Fraction]:
    return SimpleGame.from_predicate(players, is_winning).shapley_shubik()
