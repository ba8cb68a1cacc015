"""The weighted-game file (docs/formats.md, "Weighted game file"), read with located errors.

Like the waterfall file, it is read through ``charter.located`` so that its errors look
like every other Charter file's (file:line:column, did you mean, all at once).
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from charter.located import locate, read_yaml, validate
from charter.model.source import Diagnostic
from charter.power.weighted import GameError, weighted_game


class PlayerSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1)
    weight: Decimal = Field(allow_inf_nan=False)


class GameFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    title: str | None = None
    quota: Decimal = Field(allow_inf_nan=False)
    players: tuple[PlayerSpec, ...] = Field(min_length=1)


def load_game_file(path: str, text: str | None = None) -> tuple[GameFile | None, list[Diagnostic]]:
    """Parse and check a weighted-game file; every problem comes back located, none raised."""
    data, errors = read_yaml(path, text)
    if errors:
        return None, errors
    spec, errors = validate(GameFile, data, path)
    if spec is None:
        return None, errors
    problems: list[Diagnostic] = []
    seen: dict[str, int] = {}
    for i, player in enumerate(spec.players):
        if player.name in seen:
            problems.append(
                Diagnostic(
                    source=locate(data, ("players", i, "name"), path),
                    message=f"player '{player.name}' appears twice",
                    hint=f"first defined as player {seen[player.name] + 1}; names must be unique",
                )
            )
        seen.setdefault(player.name, i)
        if player.weight < 0:
            problems.append(
                Diagnostic(
                    source=locate(data, ("players", i, "weight"), path),
                    message=f"weight of {player.name} is {player.weight}: weights must be >= 0",
                    hint="a player without votes has weight 0",
                )
            )
    total = sum((p.weight for p in spec.players), Decimal(0))
    if spec.quota <= 0:
        problems.append(
            Diagnostic(
                source=locate(data, ("quota",), path),
                message=f"quota {spec.quota} must be positive",
                hint="the quota is the total weight a coalition needs to win",
            )
        )
    elif spec.quota > total:
        problems.append(
            Diagnostic(
                source=locate(data, ("quota",), path),
                message=f"quota {spec.quota} exceeds the total weight {total}: "
                "no coalition can win",
                hint="lower the quota or check the weights",
            )
        )
    if not problems:
        try:
            weighted_game(
                [p.weight for p in spec.players], spec.quota, [p.name for p in spec.players]
            )
        except GameError as exc:
            problems.append(Diagnostic(source=locate(data, ("players",), path), message=str(exc)))
    return (None, problems) if problems else (spec, [])
