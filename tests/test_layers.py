"""Imports only point down the layers of DESIGN.md (every import, also inside functions)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "charter"

# Layer -> the layers it may import (itself included).  ``located`` (YAML read with file:line)
# sits below every loader: load, waterfall, power and store read their files through it.
ALLOWED: dict[str, set[str]] = {
    "model": {"model"},
    "located": {"model", "located"},
    "load": {"model", "located", "load"},
    "rules": {"model", "rules"},
    "replay": {"model", "rules", "replay"},
    "waterfall": {"model", "located", "waterfall"},
    "power": {"model", "rules", "located", "power"},
    "store": {"model", "load", "located", "store"},
}

# Known exceptions, each to be removed (not to be added to).
KNOWN = {("power/board.py", "replay")}


def _layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "charter" else None


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _files(layer: str) -> list[Path]:
    folder = SRC / layer
    return sorted(folder.rglob("*.py")) if folder.is_dir() else [SRC / f"{layer}.py"]


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_imports_only_point_down(layer: str) -> None:
    wrong = []
    for path in _files(layer):
        rel = path.relative_to(SRC).as_posix()
        for module in _imports(path):
            target = _layer_of(module)
            if target is None or target.startswith("_"):
                continue
            if target not in ALLOWED[layer] and (rel, target) not in KNOWN:
                wrong.append(f"{rel} imports {module}")
    assert not wrong, wrong


def test_check_dispatch_lives_in_the_cli() -> None:
    assert not (SRC / "load" / "checkers.py").exists()
    assert (SRC / "cli" / "checkers.py").exists()
