"""power layer: who can pass what (simple games from a rule) and how much each vote weighs
(weighted games, exact Banzhaf / Shapley-Shubik / Coleman by dynamic programming)."""

from charter.power.simple_games import SimpleGame
from charter.power.weighted import GameError, GameReport, PlayerPower, weighted_indices

__all__ = ["GameError", "GameReport", "PlayerPower", "SimpleGame", "weighted_indices"]
