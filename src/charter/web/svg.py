"""A very small SVG writer: the pages draw their charts server-side, so they show without
JavaScript and print well.  Only what the charts use: rectangles, lines, paths, circles, text with
naive word-wrapping, all escaped."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from html import escape

from markupsafe import Markup

#: Colours for parties and series; chosen to stay distinguishable for common colour-vision
#: deficiencies (Okabe-Ito), and every series is also labelled in text.
PHONE_TEXT_PX = 12.0
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


def attrs(**kw: object) -> str:
    parts = []
    for key, value in kw.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        if isinstance(value, float):
            value = f"{value:.2f}".rstrip("0").rstrip(".")
        parts.append(f'{name}="{escape(str(value), quote=True)}"')
    return " ".join(parts)


def wrap(text: str, width_px: float, font_px: float = 12) -> list[str]:
    """Lines of ``text`` that fit ``width_px`` (average glyph ~0.56 em)."""
    chars = max(4, int(width_px / (font_px * 0.56)))
    return textwrap.wrap(text, chars) or [""]


@dataclass
class Svg:
    width: float
    height: float
    title: str
    desc: str = ""
    parts: list[str] = field(default_factory=list)
    smallest: float = 16.0
    """The smallest font size used (user units; 16 where no size is given): on a phone the
    chart is drawn large enough for it to be :data:`PHONE_TEXT_PX` CSS pixels."""

    def add(self, raw: str) -> None:
        self.parts.append(raw)

    def rect(self, x: float, y: float, w: float, h: float, **kw: object) -> None:
        self.add(f"<rect {attrs(x=x, y=y, width=w, height=h, **kw)}/>")

    def line(self, x1: float, y1: float, x2: float, y2: float, **kw: object) -> None:
        self.add(f"<line {attrs(x1=x1, y1=y1, x2=x2, y2=y2, **kw)}/>")

    def path(self, d: str, **kw: object) -> None:
        self.add(f"<path {attrs(d=d, **kw)}/>")

    def circle(self, cx: float, cy: float, r: float, **kw: object) -> None:
        self.add(f"<circle {attrs(cx=cx, cy=cy, r=r, **kw)}/>")

    def text(self, x: float, y: float, text: str, **kw: object) -> None:
        size = kw.get("font_size")
        if isinstance(size, int | float):
            self.smallest = min(self.smallest, float(size))
        self.add(f"<text {attrs(x=x, y=y, **kw)}>{escape(text)}</text>")

    def lines(
        self, x: float, y: float, lines: list[str], *, size: float = 12, **kw: object
    ) -> float:
        """Stacked lines starting at baseline ``y``; returns the baseline after the last one."""
        for line in lines:
            self.text(x, y, line, font_size=size, **kw)
            y += size * 1.25
        return y

    def render(self, *, css_class: str = "chart") -> Markup:
        # on a narrow screen a chart scaled to the screen's width would print its labels at a
        # third of their size: it keeps a width at which its smallest text is 12 CSS px, and
        # its figure scrolls (charter.css)
        phone = self.width * max(1.0, PHONE_TEXT_PX / self.smallest)
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" role="img" '
            f'style="--phone-width: {phone:.0f}px" '
            f'viewBox="0 0 {self.width:.0f} {self.height:.0f}" '
            f'preserveAspectRatio="xMidYMin meet" aria-labelledby="{_id(self.title)}-t">'
            f'<title id="{_id(self.title)}-t">{escape(self.title)}</title>'
        )
        if self.desc:
            head += f"<desc>{escape(self.desc)}</desc>"
        head += (
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
            'fill="currentColor"/></marker></defs>'
        )
        return Markup(head + "".join(self.parts) + "</svg>")


def _id(text: str) -> str:
    return "svg-" + "".join(c if c.isalnum() else "-" for c in text.lower())[:40]
