"""Imports only point down the layers of DESIGN.md, and nothing imports in a circle (STYLE.md
§15).  Every import counts, also one inside a function or under ``TYPE_CHECKING``: an import
moved into a function still ties the two modules together.

The table is DESIGN.md's ("Layers"), for every module of ``src/charter``.  Rooms the design's
table does not name sit where they are used: ``located`` (YAML read with file:line, and the
registry of files only the store may open) below every loader; ``web`` (the pages) above
``report``, below ``service``, which mounts them; ``profiles`` is data.  A new room fails
``test_every_module_has_a_layer`` until it is placed here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "charter"

CORE = {"model", "located", "load", "rules", "replay", "waterfall", "valuation", "power", "store"}
# Layer -> the layers it may import (itself included).
ALLOWED: dict[str, set[str]] = {
    "model": {"model"},
    "located": {"model", "located"},
    "load": {"model", "located", "load"},
    "rules": {"model", "rules"},
    "replay": {"model", "rules", "replay"},
    "waterfall": {"model", "located", "waterfall"},
    # prices the compiled payout curves (DESIGN.md, "Valuation": a layer above waterfall)
    "valuation": {"model", "waterfall", "valuation"},
    "power": {"model", "rules", "located", "power"},
    "store": {"model", "load", "located", "store"},
    "report": {"model", "replay", "waterfall", "valuation", "power", "report"},
    "web": {
        "model",
        "located",
        "load",
        "rules",
        "replay",
        "waterfall",
        "valuation",
        "power",
        "report",
        "web",
    },
    # the service mounts the pages (web) and serves papers drafted by report (minutes): both
    # sit below it, and neither imports the service
    "service": CORE | {"report", "web", "service"},
    "cli": CORE | {"report", "web", "service", "cli"},
    "profiles": {"profiles"},
    "": CORE | {"report", "web", "service", "cli", ""},  # charter/__init__.py: the facade
}


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    out: dict[str, Path] = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imports(module: str) -> Iterator[tuple[str, int]]:
    """(imported charter module, line) for every import of ``module``, relative ones resolved;
    ``from charter.x import y`` names the module ``charter.x.y`` when there is one."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                yield (sub if sub in MODULES else base), node.lineno


def _charter_imports(module: str) -> Iterator[tuple[str, int]]:
    for target, line in _imports(module):
        if target == "charter" or target.startswith("charter."):
            yield target, line


def test_every_module_has_a_layer() -> None:
    assert {_layer(m) for m in MODULES} <= set(ALLOWED)


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_imports_only_point_down(layer: str) -> None:
    wrong = [
        f"{MODULES[module].relative_to(SRC)}:{line} imports {target}"
        for module in MODULES
        if _layer(module) == layer
        for target, line in _charter_imports(module)
        if _layer(target) not in ALLOWED[layer]
    ]
    assert not wrong, wrong


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    found.append(sorted(component))
    return found


def _graph() -> dict[str, set[str]]:
    return {m: {t for t, _ in _charter_imports(m) if t in MODULES} for m in MODULES}


def test_no_module_imports_in_a_circle() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}, "f": set()}
    assert sorted(_cycles(graph)) == [["a", "b", "c"], ["e"]]


def test_pages_take_the_apps_helpers_from_one_place() -> None:
    """service/app.py mounts the pages; the pages never import it back (DESIGN.md)."""
    for module in ("charter.service.pages", "charter.service.portal"):
        assert "charter.service.app" not in {t for t, _ in _charter_imports(module)}


def test_check_dispatch_lives_in_the_cli() -> None:
    assert not (SRC / "load" / "checkers.py").exists()
    assert (SRC / "cli" / "checkers.py").exists()
