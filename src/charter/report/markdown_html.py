"""A resolution's Markdown as HTML a director can read, and nothing that can run.

Why markdown-it-py in CommonMark mode with raw HTML off: the text is typed by one director and
shown to all the others inside the portal; raw HTML in it is shown as text, and links are kept
only for schemes that cannot run code (markdown-it's ``validateLink`` drops ``javascript:``,
``vbscript:``, ``file:`` and non-image ``data:`` links).
"""

from __future__ import annotations

import functools

from markdown_it import MarkdownIt


@functools.cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        "table"
    )


def markdown_html(text: str) -> str:
    """``text`` (CommonMark, tables allowed) as an HTML fragment with no raw HTML in it."""
    return _parser().render(text)
