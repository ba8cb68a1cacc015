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
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

WORD = 20
"""A word up to this long (a verdict, a date, an amount with cents) is never folded inside."""


def fit(table: Table, console: Console) -> RenderableType:
    """``table`` made to fit ``console``: every column folds rather than cuts; where the
    natural width would not fit, the lighter box, headers that break after hyphens, and widths
    given out so that short words (a verdict, a date, an amount) keep whole; and where even
    that would not fit, one block per row (a label and its value per line)."""
    for column in table.columns:
        column.overflow = "fold"
    natural = console.measure(table, options=console.options.update_width(100_000)).maximum
    if natural <= console.width or not table.columns:
        return table
    gaps = len(table.columns) - 1
    if sum(_words(table)) + gaps > console.width:
        return _stacked(table)
    table.box = box.SIMPLE_HEAD  # its column divider is one space: the gap between columns
    table.padding = (0, 0)
    table.pad_edge = False
    table.show_edge = False
    for column in table.columns:
        if isinstance(column.header, str):
            column.header = header(column.header)
    _allot(table, console.width - gaps)
    return table


def _words(table: Table) -> list[int]:
    """Per column, its longest short word (what :func:`fit` keeps whole)."""
    return [
        max(
            (
                len(w)
                for c in (*column.cells, column.header)
                for w in _plain(c).split()
                if len(w) <= WORD
            ),
            default=1,
        )
        for column in table.columns
    ]


def _stacked(table: Table) -> Group:
    """The table as one block per row: the first column's header and cell as the block's heading
    (``party: Microsoft``), then each other column's header and value on a line of its own."""
    blocks: list[RenderableType] = []
    if table.title:
        blocks.append(Text(_plain(table.title), style="bold"))
    columns = table.columns
    rows = zip(*(list(c.cells) for c in columns), strict=True) if columns else iter(())
    for cells in rows:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", overflow="fold")
        grid.add_column(overflow="fold")
        for column, cell in zip(columns[1:], cells[1:], strict=True):
            grid.add_row(_plain(column.header) or " ", cell)
        label = _plain(columns[0].header)
        heading = Text(f"{label}: ", style="dim") if label else Text()
        heading.append_text(cells[0] if isinstance(cells[0], Text) else Text(_plain(cells[0])))
        blocks.append(heading)
        blocks.append(Padding(grid, (0, 0, 0, 2)))
    return Group(*blocks)


def _allot(table: Table, room: int) -> None:
    """Widths for the columns of ``table`` in ``room`` characters: each first gets its longest
    short word (or nothing, for the widest, until the rest fit), then what is left goes to the
    columns in proportion to what more they would show."""
    texts = [
        [_plain(c) for c in column.cells] + [_plain(column.header)] for column in table.columns
    ]
    longest = [
        max((len(line) for t in cells for line in t.split("\n")), default=1) for cells in texts
    ]
    words = [
        max((len(w) for t in cells for w in t.split() if len(w) <= WORD), default=1)
        for cells in texts
    ]
    floor = list(words)
    for i in sorted(range(len(floor)), key=lambda i: -floor[i]):
        if sum(floor) <= room:
            break
        floor[i] = 1
    spare = max(0, room - sum(floor))
    wants = [max(0, n - f) for n, f in zip(longest, floor, strict=True)]
    total = sum(wants) or 1
    widths = [f + spare * w // total for f, w in zip(floor, wants, strict=True)]
    leftover = room - sum(widths)
    for i in sorted(range(len(widths)), key=lambda i: -wants[i]):
        if leftover <= 0:
            break
        if widths[i] < longest[i]:
            widths[i] += 1
            leftover -= 1
    for column, width, most in zip(table.columns, widths, longest, strict=True):
        column.width = max(1, min(width, most))


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
