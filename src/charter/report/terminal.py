"""Tables that fit the terminal they are printed in, without cutting a value.

Rich's default for a cell that does not fit is an ellipsis: an 80-column terminal showed
``openai-20…``, ``condition…`` and ``13,000,000…``, a profile name, a verdict and an amount that
the reader can no longer read.  Here every column *folds* instead (the value continues on the
next line, whole), headers break after hyphens rather than anywhere, and a table that is wider
than the terminal drops its vertical rules to give the columns the room.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from decimal import Decimal
from typing import Any, TextIO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

WORD = 14
"""A word up to this long (a verdict, a date, an amount) is never folded inside."""


def fit(table: Table, console: Console) -> Table:
    """``table`` made to fit ``console``: every column folds rather than cuts, short words keep
    whole, and where the natural width would not fit, the lighter box and headers that break
    after hyphens."""
    natural = console.measure(table, options=console.options.update_width(100_000)).maximum
    narrow = natural > console.width
    if narrow:
        table.box = box.SIMPLE_HEAD
        table.padding = (0, 1, 0, 0)  # one space between columns, none at the edges
        table.pad_edge = False
        table.show_edge = False
    for column in table.columns:
        column.overflow = "fold"
        if narrow and isinstance(column.header, str):
            column.header = header(column.header)
        words = [len(w) for cell in column.cells for w in _plain(cell).split()]
        longest = max((n for n in words if n <= WORD), default=0)
        column.min_width = max(column.min_width or 0, longest)
    return table


def _plain(cell: object) -> str:
    if isinstance(cell, Text):
        return cell.plain
    return cell if isinstance(cell, str) else ""


def header(name: str) -> str:
    """A column header that may break after each hyphen (``openai-2016-`` / ``reported``)."""
    return re.sub(r"-(?=\w)", "-\n", name) if len(name) > 12 else name


def readable_int(value: int, *, digits: int = 4) -> str:
    """An exact count as a person reads it: grouped below a million-million, scientific above
    (``8.362e+150``); the exact value belongs in JSON."""
    if abs(value) < 10**12:
        return f"{value:,}"
    return f"{Decimal(value):.{digits - 1}e}"  # Decimal: exact for any size (a float overflows)


class FittingConsole(Console):
    """A console whose every printed table is :func:`fit` to it: the one place the commands'
    tables are made to fit, so that no renderer has to remember."""

    def print(self, *objects: Any, **kwargs: Any) -> None:  # type: ignore[override]
        fitted = [fit(o, self) if isinstance(o, Table) else o for o in objects]
        super().print(*fitted, **kwargs)


def terminal_width(stream: TextIO) -> int | None:
    """The width for output to ``stream``: the terminal's own (None: rich asks it), else
    ``COLUMNS`` where set (a pipe, a file, a pseudo-terminal in a test), else 160, so that a
    report redirected to a file is not wrapped to a default 80."""
    if stream.isatty():
        return None
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) >= 20 else 160


def human_time(value: dt.datetime, tz: dt.tzinfo | None = None) -> str:
    """A moment as people write it: ``2023-11-17 12:00 PST``, in the case's zone where given
    (not ``2023-11-18T23:59:59.999999-08:00``; JSON keeps the exact ISO form)."""
    local = value.astimezone(tz) if tz is not None else value
    zone = local.strftime("%Z") or local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} {zone}".rstrip()
