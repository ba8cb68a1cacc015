"""Where the pages get their organisations from.

The pages are read-only views over the governance core; they never open a file or a database
themselves.  A :class:`CaseSource` hands them a loaded :class:`~charter.model.case.Case` and the
text of the case's waterfall file, so the same pages serve case directories on disk
(:class:`DirectoryCaseSource`, used by ``charter serve --demo`` and the tests) and organisations
imported into the service's event store (a source the service implements over its store).

The waterfall comes as *text* rather than as a loaded object because the Money page re-loads it
with the parameters a person edits in the form (``load_waterfall(label, params, text=...)``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from charter.load.case import CHARTER_FILE, load_case
from charter.located import read_text
from charter.model.case import Case
from charter.model.source import Diagnostic


@dataclass(frozen=True, slots=True, kw_only=True)
class WaterfallText:
    """A waterfall file's text and the label its diagnostics carry (a path, or a store name)."""

    label: str
    text: str
    errors: tuple[Diagnostic, ...] = ()
    """Why the file could not be read (then ``text`` is empty): shown, never guessed around."""


class CaseSource(Protocol):
    """What the pages need from wherever organisations live."""

    def orgs(self) -> list[str]:
        """The organisation ids to list, in display order."""
        ...

    def case(self, org: str) -> tuple[Case | None, list[Diagnostic]]:
        """The loaded case; ``(None, diagnostics)`` if it does not load.

        Raises :class:`KeyError` for an organisation it does not know (a 404 at the edge)."""
        ...

    def waterfall(self, org: str, name: str | None = None) -> WaterfallText | None:
        """The organisation's waterfall file, or None if it has none; ``name``: the file of a
        later era, as the replayed case names it (never a name from a request)."""
        ...


@dataclass(frozen=True, slots=True)
class _Cached:
    stamp: tuple[tuple[str, float], ...]
    case: Case | None
    diagnostics: tuple[Diagnostic, ...]


class DirectoryCaseSource:
    """Case directories on disk (``charter.yaml`` + journal files + an optional waterfall).

    The organisation id is the directory's name.  A case is loaded on first use and re-loaded
    when any of its files changes, so editing the YAML and reloading the page shows the edit.
    """

    def __init__(self, case_dirs: Sequence[str | Path]) -> None:
        self._dirs: dict[str, Path] = {}
        for d in case_dirs:
            path = Path(d)
            if path.is_file():
                path = path.parent
            self._dirs.setdefault(path.resolve().name, path)
        self._cache: dict[str, _Cached] = {}

    def orgs(self) -> list[str]:
        return list(self._dirs)

    def _root(self, org: str) -> Path:
        return self._dirs[org]  # KeyError: unknown organisation

    def _stamp(self, root: Path) -> tuple[tuple[str, float], ...]:
        files = sorted(p for p in root.glob("*.yaml") if p.is_file())
        return tuple((p.name, p.stat().st_mtime) for p in files)

    def case(self, org: str) -> tuple[Case | None, list[Diagnostic]]:
        root = self._root(org)
        stamp = self._stamp(root)
        cached = self._cache.get(org)
        if cached is None or cached.stamp != stamp:
            case, diagnostics = load_case(root)
            cached = _Cached(stamp=stamp, case=case, diagnostics=tuple(diagnostics))
            self._cache[org] = cached
        return cached.case, list(cached.diagnostics)

    def waterfall(self, org: str, name: str | None = None) -> WaterfallText | None:
        root = self._root(org)
        case, _ = self.case(org)
        if case is None:
            return None
        named = {case.charter.waterfall} | {
            getattr(e.event, "waterfall", None) for e in case.entries
        }
        name = name or case.charter.waterfall
        if name is None or name not in named:
            return None
        path = root / name
        if not path.is_file():
            return None
        text, errors = read_text(path)
        return WaterfallText(label=str(path), text=text or "", errors=tuple(errors))


def is_case_dir(path: Path) -> bool:
    return (path / CHARTER_FILE).is_file()
