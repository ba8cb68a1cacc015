"""A case's files lie inside its case directory.

Why: a case directory is data, often someone else's (a repository cloned, an archive unpacked,
a directory a service was pointed at). Its charter names other files (journals, the bylaws
profile, the waterfall, amended profiles, a profile's ``extends``); if those names could be
``/etc/shadow`` or ``../../config.yaml``, loading the case would read any file the user can read,
store it in the permanent log (``charter import`` embeds the waterfall's text) and print its
lines in error messages. So a name must be relative, and once symbolic links are resolved it must
still lie inside the case directory. The person at the command line, who can read those files
anyway, may lift this with ``--allow-outside`` (:data:`OutsideMode` ``"read"``); nothing else can.
"""

from __future__ import annotations

import os.path
from pathlib import Path
from typing import Literal

from charter.model.source import Diagnostic, Source

OutsideMode = Literal["refuse", "read"]
"""``refuse``: a file named by a case outside its directory is an error and is never opened;
``read``: it is read like any other (the CLI's ``--allow-outside``)."""

ALLOW_HINT = "move the file into the case directory and name it relative to it"


def outside_reason(
    root: str | Path, name: str | Path, *, base: str | Path | None = None
) -> str | None:
    """Why the file ``name`` (as a case wrote it, relative to ``base``, default ``root``) lies
    outside the case directory ``root``; None when it lies inside.

    The file need not exist: the decision depends only on the name and on the symbolic links
    already on disk, so a refused file is never opened (not even to see whether it is there).
    """
    written = Path(name)
    directory = Path(root)
    if written.is_absolute():
        return (
            f"file '{name}' is an absolute path: a case names its files relative to its "
            f"case directory {directory}; pass --allow-outside to read it"
        )
    start = Path(base) if base is not None else directory
    inside = directory.resolve()
    lexical = Path(_normalise(start / written))
    target = (start / written).resolve()
    if target.is_relative_to(inside):
        return None
    via_link = lexical.is_relative_to(Path(_normalise(directory.absolute())))
    how = " (through a symbolic link)" if via_link else ""
    return (
        f"file '{name}' lies outside the case directory {directory}{how}; "
        "pass --allow-outside to read it"
    )


def _normalise(path: Path) -> str:
    """``path`` made absolute with ``..`` folded away, without following symbolic links."""
    return os.path.normpath(path.absolute())


def outside_error(
    root: str | Path, name: str | Path, where: Source, *, base: str | Path | None = None
) -> Diagnostic | None:
    """:func:`outside_reason` as a located diagnostic (at the key that names the file)."""
    reason = outside_reason(root, name, base=base)
    if reason is None:
        return None
    return Diagnostic(source=where, message=reason, hint=ALLOW_HINT)


class OutsideCase(Exception):
    """A case names a file outside its directory and the caller did not allow reading it."""


__all__ = ["ALLOW_HINT", "OutsideCase", "OutsideMode", "outside_error", "outside_reason"]
