"""The Money page: the waterfall explorer.  Loads the organisation's waterfall with the parameters
edited in the form, compiles its exact payout curves, and draws them stacked with the breakpoints
marked and a marker at the chosen amount; the table at that amount is exact (Fractions) and
rounded by largest remainder so its rows add up to the amount."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from markupsafe import Markup

from charter.model.source import Diagnostic
from charter.web.source import WaterfallText
from charter.web.svg import PALETTE, Svg

SLIDER_MAX = Fraction(500 * 10**9)
SLIDER_STEP = 10**8  # $0.1B
DEFAULT_AMOUNT = Fraction(100 * 10**9)


def money(value: float | Fraction) -> str:
    """$13B, $18.3B, $250M: for axes, breakpoints and the slider's label."""
    number = float(value)
    for suffix, scale in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if number >= scale:
            return f"${number / scale:.3g}{suffix}"
    return f"${number:,.0f}"


def dollars(value: Any) -> str:
    return f"${int(value):,}"


def pct(value: Fraction | float) -> str:
    return f"{float(value) * 100:.1f}%"


@dataclass(frozen=True, slots=True, kw_only=True)
class Param:
    name: str
    value: str
    default: str
    doc: str
    choices: tuple[str, ...]
    """Non-empty for a parameter whose value names a party (a switch, drawn as a select)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PartyRow:
    id: str
    name: str
    colour: str
    payout: str
    share: str
    margin: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Breakpoint:
    at: str
    at_exact: str
    split: str
    payouts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ValueRow:
    name: str
    colour: str
    value: str
    share: str
    delta: str


@dataclass(frozen=True, slots=True)
class Valued:
    """Each claim's value today under the lognormal model (charter.valuation), with the inputs
    as typed (kept in the form) and the reason when one is out of range."""

    value_today: str
    vol: str
    rate: str
    horizon: str
    rows: tuple[ValueRow, ...] = ()
    total: str = ""
    error: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Explorer:
    title: str
    description: str
    params: tuple[Param, ...]
    diagnostics: tuple[Diagnostic, ...]
    amount: Fraction
    amount_label: str
    slider_max: int
    rows: tuple[PartyRow, ...]
    total: str
    tiers: tuple[tuple[str, str], ...]
    breakpoints: tuple[Breakpoint, ...]
    parties: tuple[tuple[str, str, str], ...]  # (id, name, colour)
    chart: Markup | None
    valued: Valued | None = None


def _str(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def explore(wf_text: WaterfallText, query: Mapping[str, str], amount: Fraction) -> Explorer:
    """Everything the Money page shows at ``amount`` with the parameters given in ``query``."""
    from charter.waterfall import compile_curves, evaluate, largest_remainder, marginal_split
    from charter.waterfall.load import build_waterfall, read_spec
    from charter.waterfall.money import parse_amount

    if wf_text.errors:
        return _broken(wf_text.label, list(wf_text.errors), amount)
    spec, root, errors = read_spec(wf_text.label, wf_text.text)  # once per request
    if spec is None:
        return _broken(wf_text.label, errors, amount)
    party_specs = list(spec.parties or ())
    party_ids = tuple(p.id for p in party_specs)
    params: list[Param] = []
    overrides: dict[str, str] = {}
    for name, p in spec.params.items():
        default = _str(p.default)
        given = query.get(name, "").strip()
        value = given or default
        if given and given != default:
            overrides[name] = given
        is_amount = parse_amount(default)[0] is not None and not isinstance(p.default, bool)
        choices: tuple[str, ...] = ()
        if not is_amount and (default in party_ids or default == "pro_rata"):
            choices = (*party_ids, "pro_rata")
        params.append(
            Param(
                name=name,
                value=value,
                default=default,
                doc=" ".join((p.doc or "").split()),
                choices=choices,
            )
        )
    wf, diagnostics = build_waterfall(wf_text.label, spec, root, overrides)
    names = {p.id: p.name or p.id for p in party_specs}
    if wf is None:
        return Explorer(
            title=spec.waterfall,
            description=" ".join((spec.description or "").split()),
            params=tuple(params),
            diagnostics=tuple(diagnostics),
            amount=amount,
            amount_label=money(amount),
            slider_max=int(max(SLIDER_MAX, amount)),
            rows=(),
            total="",
            tiers=(),
            breakpoints=(),
            parties=(),
            chart=None,
        )
    curves = compile_curves(wf)
    ids = curves.parties
    colours = {p: PALETTE[i % len(PALETTE)] for i, p in enumerate(ids)}
    result = evaluate(wf, amount)
    payouts = dict(result.payouts)
    rounded = largest_remainder(payouts, amount, places=0)
    shares = (
        largest_remainder({p: v / amount * 100 for p, v in payouts.items()}, Fraction(100), 1)
        if amount > 0
        else dict.fromkeys(ids)
    )
    margin = marginal_split(curves, amount)
    rows = tuple(
        PartyRow(
            id=p,
            name=names.get(p, p),
            colour=colours[p],
            payout=dollars(rounded[p]),
            share=f"{shares[p]}%" if shares[p] is not None else "—",
            margin=pct(margin[p]),
        )
        for p in ids
    )
    breakpoints = tuple(
        Breakpoint(
            at=money(x),
            at_exact=dollars(round(x)),
            split=", ".join(
                f"{names.get(p, p)} {pct(s)}" for p, s in curves.split_after(k + 1).items() if s
            ),
            payouts=tuple(money(v) for v in curves.exact(x).values()),
        )
        for k, x in enumerate(curves.breakpoints)
    )
    top = max(SLIDER_MAX, amount)
    valued = value_today(curves, names, colours, query, amount)
    return Explorer(
        title=spec.waterfall,
        description=" ".join((spec.description or "").split()),
        params=tuple(params),
        diagnostics=(),
        amount=amount,
        amount_label=money(amount),
        slider_max=int(top),
        rows=rows,
        total=dollars(round(amount)),
        tiers=tuple((t.name, money(t.amount)) for t in result.tiers),
        breakpoints=breakpoints,
        parties=tuple((p, names.get(p, p), colours[p]) for p in ids),
        chart=payout_chart(curves, amount, top, names, colours),
        valued=valued,
    )


VALUE_DEFAULTS = {"vol": "0.6", "rate": "0.04", "horizon": "10"}


def value_today(
    curves: Any,
    names: dict[str, str],
    colours: dict[str, str],
    query: Mapping[str, str],
    amount: Fraction,
) -> Valued:
    """What each party's claim is worth today (the closed form of charter.valuation), for the
    inputs in ``query``: today's value of the whole claim (default: the page's default amount),
    the volatility, the rate and the horizon."""
    from charter.valuation import Lognormal, closed_form
    from charter.waterfall.money import parse_amount

    typed = {k: query.get(k, "").strip() or v for k, v in VALUE_DEFAULTS.items()}
    # not the slider's amount: at $0 there would be nothing to value
    today_text = query.get("value_today", "").strip() or money(DEFAULT_AMOUNT).replace("$", "")
    inputs = {"value_today": today_text, **typed}
    today, problem = parse_amount(today_text)
    if today is None or today <= 0:
        return Valued(**inputs, error=f"today's value '{today_text[:24]}': {problem or 'zero'}")
    try:
        model = Lognormal(
            value=float(today),
            vol=float(typed["vol"]),
            rate=float(typed["rate"]),
            horizon=float(typed["horizon"]),
        )
    except ValueError as error:
        reason = str(error) if ":" in str(error) else f"not a number ({error})"
        return Valued(**inputs, error=reason)
    found = closed_form(curves, model)
    rows = tuple(
        ValueRow(
            name=names.get(p.party, p.party),
            colour=colours[p.party],
            value=money(p.value),
            share=f"{p.share:.1%}",
            delta=f"{p.delta:.3f}",
        )
        for p in found.parties
    )
    return Valued(**inputs, rows=rows, total=money(found.total))


def _broken(label: str, errors: list[Diagnostic], amount: Fraction) -> Explorer:
    return Explorer(
        title=label,
        description="",
        params=(),
        diagnostics=tuple(errors),
        amount=amount,
        amount_label=money(amount),
        slider_max=int(max(SLIDER_MAX, amount)),
        rows=(),
        total="",
        tiers=(),
        breakpoints=(),
        parties=(),
        chart=None,
    )


def payout_chart(
    curves: Any, amount: Fraction, top: Fraction, names: dict[str, str], colours: dict[str, str]
) -> Markup:
    """Stacked cumulative payouts against the amount distributed.  The curves are piecewise
    linear, so the polygons through the breakpoints are exact (no sampling)."""
    legend_rows = (len(curves.parties) + 1) // 2
    w, h = 720.0, 380.0 + 18 * legend_rows
    ml, mr, mt, mb = 64.0, 16.0, 34.0, 62.0 + 18 * legend_rows
    pw, ph = w - ml - mr, h - mt - mb
    xmax = float(top)
    xs = np.array([0.0, *[float(b) for b in curves.breakpoints if b < top], xmax])
    values = curves.evaluate(xs)

    def sx(x: float) -> float:
        return ml + pw * x / xmax

    def sy(y: float) -> float:
        return mt + ph - ph * y / xmax

    svg = Svg(
        width=w,
        height=h,
        title="Stacked payouts by amount distributed",
        desc="Each band is one party's cumulative payout; dashed lines are breakpoints where "
        "the split changes; the solid line is the chosen amount. The tables give the numbers.",
    )
    for k in range(6):
        y = xmax * k / 5
        svg.line(ml, sy(y), ml + pw, sy(y), class_="grid")
        svg.text(ml - 6, sy(y) + 4, money(y) if y else "$0", font_size=11, text_anchor="end")
        svg.text(sx(y), h - mb + 16, money(y) if y else "$0", font_size=11, text_anchor="middle")
    svg.text(ml + pw / 2, mt + ph + 34, "amount distributed", font_size=11, text_anchor="middle")
    base = np.zeros_like(xs)
    for p in curves.parties:
        upper = base + values[p]
        if float(values[p].max(initial=0.0)) > 0:
            top_pts = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in zip(xs, upper, strict=True))
            low_pts = " ".join(
                f"{sx(x):.1f},{sy(y):.1f}" for x, y in zip(xs[::-1], base[::-1], strict=True)
            )
            svg.path(
                f"M{top_pts} L{low_pts} Z",
                fill=colours[p],
                fill_opacity=0.75,
                class_="band",
                data_party=p,
            )
        base = upper
    shown = [b for b in curves.breakpoints if b < top]
    for k, b in enumerate(shown):
        svg.line(sx(float(b)), mt, sx(float(b)), mt + ph, class_="breakpoint")
        svg.text(
            sx(float(b)),
            mt - 6 - 12 * (k % 2),
            money(b),
            font_size=10,
            class_="lbl",
            text_anchor="middle",
        )
    svg.line(sx(float(amount)), mt, sx(float(amount)), mt + ph, class_="marker")
    svg.text(
        min(sx(float(amount)) + 4, ml + pw - 60),
        mt + ph - 6,
        money(amount),
        font_size=12,
        class_="marker-label",
    )
    svg.rect(ml, mt, pw, ph, fill="none", class_="frame")
    for k, p in enumerate(curves.parties):
        lx = ml + (k % 2) * pw / 2
        ly = mt + ph + 56 + 18 * (k // 2)
        svg.rect(lx, ly - 10, 12, 12, fill=colours[p])
        svg.text(lx + 18, ly, names.get(p, p), font_size=12)
    return svg.render(css_class="chart money")
