"""Load a waterfall file: YAML -> schema -> parameters -> meaning, every error located.

``load_waterfall`` never raises on bad input.  It returns ``(waterfall, [])`` or
``(None, diagnostics)`` with all problems at once: schema errors from pydantic, then semantic ones
(percentages that do not add up, unknown parties, unknown parameters, negative amounts, a cap
below what a tier must pay, a tier that can never end).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from charter.located import did_you_mean, display_path, locate, parse_yaml, validate
from charter.model.source import Diagnostic, Source
from charter.waterfall.model import (
    PRO_RATA,
    CapBasis,
    Compounding,
    Condition,
    Distributed,
    Party,
    PreferenceWaterfall,
    ProfitShare,
    Receives,
    ShareClass,
    Tier,
    TierWaterfall,
    Waterfall,
)
from charter.waterfall.money import (
    format_money,
    parse_amount,
    parse_multiple,
    parse_number,
    parse_percent,
)
from charter.waterfall.schema import (
    CapSpec,
    ClassSpec,
    ConditionSpec,
    PartySpec,
    TierSpec,
    WaterfallSpec,
)

OVERRIDE = "--param"
_REF = re.compile(r"^\$([A-Za-z_][A-Za-z0-9_]*)$")
_KINDS = ("distributed", "receives", "multiple", "preferred_return", "profit_share")
Loc = tuple[int | str, ...]
Parser = Callable[[object], tuple[Fraction | None, str | None]]


def read_spec(
    path: str | Path, text: str | None = None
) -> tuple[WaterfallSpec | None, Any, list[Diagnostic]]:
    """Parse and schema-check a file: ``(spec, yaml_root, diagnostics)``."""
    parsed = parse_yaml(path, text)
    root = parsed.data
    if parsed.errors:
        return None, root, parsed.all_errors(WaterfallSpec, str(path))
    spec, errors = validate(WaterfallSpec, root, str(path))
    return spec, root, errors


def unknown_overrides(spec: WaterfallSpec, params: Mapping[str, str]) -> list[str]:
    """Messages for ``--param`` names the file does not declare (a usage error at the CLI)."""
    out = []
    for name in params:
        if name not in spec.params:
            guess = did_you_mean(name, spec.params)
            known = ", ".join(spec.params) or "none"
            extra = f"; did you mean '{guess}'?" if guess else ""
            out.append(f"{OVERRIDE} {name}: no such parameter in this file{extra} (known: {known})")
    return out


def load_waterfall(
    path: str | Path, params: Mapping[str, str] | None = None, *, text: str | None = None
) -> tuple[Waterfall | None, list[Diagnostic]]:
    """Load, resolve ``params`` overrides (name -> value as typed), check, build the model."""
    spec, root, errors = read_spec(path, text)
    if spec is None:
        return None, errors
    return build_waterfall(path, spec, root, params)


def build_waterfall(
    path: str | Path, spec: WaterfallSpec, root: Any, params: Mapping[str, str] | None = None
) -> tuple[Waterfall | None, list[Diagnostic]]:
    """The model of a file :func:`read_spec` has read, with ``params`` overrides: a caller that
    needs the spec too (a page, a report) reads the file once, not once for each."""
    params = dict(params or {})
    name = str(path)
    diags = [
        Diagnostic(source=locate(root, ("params",), name, key=True), message=m)
        for m in unknown_overrides(spec, params)
    ]
    ctx = _Context(path=name, root=root, spec=spec, overrides=params, diags=diags)
    wf = _build(ctx)
    if ctx.diags:
        return None, sorted(ctx.diags, key=lambda d: (d.source.line, d.source.column))
    return wf, []


@dataclass(slots=True)
class _Context:
    path: str
    root: Any
    spec: WaterfallSpec
    overrides: dict[str, str]
    diags: list[Diagnostic] = field(default_factory=list)

    def at(self, loc: Loc, *, key: bool = False) -> Source:
        return locate(self.root, loc, self.path, key=key)

    def error(self, loc: Loc, message: str, hint: str | None = None, *, key: bool = False) -> None:
        self.diags.append(Diagnostic(source=self.at(loc, key=key), message=message, hint=hint))

    def raw(self, value: object, loc: Loc) -> tuple[object, str | None] | None:
        """Substitute a ``$parameter``; returns (value, override note) or None on error."""
        if isinstance(value, str):
            match = _REF.match(value.strip())
            if match:
                pname = match.group(1)
                if pname in self.overrides:
                    given = self.overrides[pname]
                    return given, f"{OVERRIDE} {pname}={given}"
                if pname in self.spec.params:
                    return self.spec.params[pname].default, None
                guess = did_you_mean(pname, self.spec.params)
                known = ", ".join(self.spec.params) or "none declared"
                self.error(
                    loc,
                    f"unknown parameter '${pname}'",
                    f"did you mean '${guess}'?" if guess else f"parameters: {known}",
                )
                return None
        return value, None

    def parse(self, value: object, loc: Loc, parser: Parser) -> Fraction | None:
        got = self.raw(value, loc)
        if got is None:
            return None
        raw, note = got
        number, problem = parser(raw)
        if problem is not None:
            where = display_path(self.root, loc)
            prefix = f"{note}: " if note else f"{where}: "
            self.error(loc, prefix + problem)
        return number

    def word(self, value: object, loc: Loc) -> str | None:
        got = self.raw(value, loc)
        return None if got is None else str(got[0])

    def party(
        self, pid: str | None, loc: Loc, known: tuple[str, ...], what: str, *, key: bool = False
    ) -> str | None:
        if pid is None:
            return None
        if pid not in known:
            guess = did_you_mean(pid, known)
            self.error(
                loc,
                f"{what}: unknown party '{pid}'",
                f"did you mean '{guess}'?" if guess else "parties: " + ", ".join(known),
                key=key,
            )
            return None
        return pid


def _build(ctx: _Context) -> Waterfall | None:
    spec = ctx.spec
    src = ctx.at(())
    if spec.classes is not None:
        for key in ("parties", "tiers", "residual", "capped_share_to"):
            if getattr(spec, key) is not None:
                ctx.error(
                    (key,),
                    f"'{key}' cannot be combined with 'classes'",
                    "a file describes either tiers over parties, or share classes",
                    key=True,
                )
        return _build_classes(ctx, spec.classes, src)
    if spec.parties is None or spec.tiers is None:
        missing = "parties" if spec.parties is None else "tiers"
        ctx.error(
            (), f"missing required key '{missing}'", "give 'parties' and 'tiers', or 'classes'"
        )
        return None
    return _build_tiers(ctx, spec.parties, spec.tiers, src)


def _build_party(ctx: _Context, index: int, spec: PartySpec) -> Party | None:
    loc: Loc = ("parties", index)
    capital = ctx.parse(spec.capital, (*loc, "capital"), parse_amount)
    cap = _cap(ctx, spec.cap, capital, (*loc, "cap")) if spec.cap is not None else None
    if capital is None:
        return None
    return Party(
        id=spec.id,
        name=spec.name or spec.id,
        capital=capital,
        cap=cap,
        source=ctx.at(loc),
    )


def _cap(ctx: _Context, spec: CapSpec, capital: Fraction | None, loc: Loc) -> Fraction | None:
    basis = ctx.word(spec.on, (*loc, "on"))
    if basis not in (CapBasis.GROSS, CapBasis.PROFIT):
        if basis is not None:
            ctx.error((*loc, "on"), f"cap basis '{basis}' is not one of: gross, profit")
        return None
    if (spec.amount is None) == (spec.multiple is None):
        ctx.error(loc, "a cap needs exactly one of 'amount' or 'multiple'")
        return None
    if capital is None:
        return None
    if spec.amount is not None:
        amount = ctx.parse(spec.amount, (*loc, "amount"), parse_amount)
        if amount is None:
            return None
        return amount + capital if basis == CapBasis.PROFIT else amount
    multiple = ctx.parse(spec.multiple, (*loc, "multiple"), parse_multiple)
    if multiple is None:
        return None
    return capital + multiple * capital if basis == CapBasis.PROFIT else multiple * capital


def _build_tiers(
    ctx: _Context, party_specs: list[PartySpec], tier_specs: list[TierSpec], src: Source
) -> TierWaterfall | None:
    seen: set[str] = set()
    for i, p in enumerate(party_specs):
        if p.id in seen:
            ctx.error(("parties", i, "id"), f"duplicate party id '{p.id}'")
        seen.add(p.id)
    parties = [_build_party(ctx, i, p) for i, p in enumerate(party_specs)]
    ids = tuple(p.id for p in party_specs)
    by_id = {p.id: p for p in parties if p is not None}
    if not tier_specs:
        ctx.error(("tiers",), "a waterfall needs at least one tier")
    tiers = [_build_tier(ctx, i, t, ids, by_id) for i, t in enumerate(tier_specs)]
    for i, t in enumerate(tier_specs[:-1]):
        if t.until is None:
            ctx.error(
                ("tiers", i),
                f"tier '{t.name}' has no 'until' but is not the last tier",
                "only the last tier may go on for ever; add an 'until' condition",
            )
    open_ended = bool(tier_specs) and tier_specs[-1].until is None
    spec = ctx.spec
    residual = ctx.party(spec.residual, ("residual",), ids, "residual")
    if spec.residual is None and not open_ended:
        ctx.error(
            (),
            "missing required key 'residual'",
            "name the party that receives everything after the last tier",
        )
    elif residual is None and spec.residual is None and tiers and tiers[-1] is not None:
        # open-ended last tier: the residual only absorbs capped shares with nowhere else to go
        uncapped = [p for p, s in tiers[-1].split if s > 0 and by_id[p].cap is None]
        residual = uncapped[0] if uncapped else None
        if residual is None:
            ctx.error(
                (), "missing required key 'residual'", "every party of the last tier is capped"
            )
    target_raw = None
    if spec.capped_share_to is not None:
        target_raw = ctx.word(spec.capped_share_to, ("capped_share_to",))
    target = target_raw or (residual or PRO_RATA)
    if target_raw is not None and target_raw != PRO_RATA:
        target = ctx.party(target_raw, ("capped_share_to",), ids, "capped_share_to") or PRO_RATA
    checks = [("residual", residual)]
    if spec.capped_share_to is not None:
        checks.append(("capped_share_to", target))
    for key, who in checks:
        if who in by_id and by_id[who].cap is not None:
            ctx.error(
                (key,),
                f"{key} '{who}' has a cap, so it could not absorb what others leave",
                "name an uncapped party",
            )
    if ctx.diags or residual is None:
        return None
    built = tuple(t for t in tiers if t is not None)
    return TierWaterfall(
        name=spec.waterfall,
        parties=tuple(by_id[i] for i in ids),
        tiers=built,
        residual=residual,
        capped_share_to=target,
        source=src,
    )


def _build_tier(
    ctx: _Context, index: int, spec: TierSpec, ids: tuple[str, ...], by_id: dict[str, Party]
) -> Tier | None:
    loc: Loc = ("tiers", index)
    split: list[tuple[str, Fraction]] = []
    ok = True
    for pid, raw in spec.split.items():
        where = (*loc, "split", pid)
        if ctx.party(pid, where, ids, f"tier '{spec.name}' split", key=True) is None:
            ok = False
            continue
        share = ctx.parse(raw, (*loc, "split", pid), parse_percent)
        if share is None:
            ok = False
            continue
        split.append((pid, share))
    total = sum((s for _, s in split), Fraction(0))
    if ok and total != 1:
        ctx.error(
            (*loc, "split"),
            f"tier '{spec.name}': split adds up to {_pct(total)}%, expected 100%",
            "the percentages of a tier share each marginal dollar, so they must total 100",
        )
        ok = False
    conds: list[Condition] = []
    mode = "all"
    if spec.until is not None:
        u = spec.until
        given = [k for k in _KINDS if getattr(u, k) is not None]
        if (u.all_ is not None) + (u.any_ is not None) + bool(given) != 1:
            ctx.error(
                (*loc, "until"),
                f"tier '{spec.name}': 'until' needs one condition, or 'all:' / 'any:' with a list",
                "conditions: " + ", ".join(_KINDS),
            )
            return None
        parts: list[tuple[ConditionSpec, Loc]]
        if u.all_ is not None or u.any_ is not None:
            mode = "all" if u.all_ is not None else "any"
            items = u.all_ if u.all_ is not None else (u.any_ or [])
            parts = [(c, (*loc, "until", mode, j)) for j, c in enumerate(items)]
        else:
            parts = [(u, (*loc, "until"))]
        for cspec, cloc in parts:
            cond = _condition(ctx, spec, cspec, cloc, ids, by_id, dict(split))
            if cond is None:
                ok = False
            else:
                conds.append(cond)
    if not ok:
        return None
    return Tier(
        name=spec.name, split=tuple(split), until=tuple(conds), mode=mode, source=ctx.at(loc)
    )


def _condition(
    ctx: _Context,
    tier: TierSpec,
    spec: ConditionSpec,
    loc: Loc,
    ids: tuple[str, ...],
    by_id: dict[str, Party],
    split: dict[str, Fraction],
) -> Condition | None:
    given = [k for k in _KINDS if getattr(spec, k) is not None]
    if len(given) != 1:
        ctx.error(
            loc,
            f"tier '{tier.name}': a condition needs exactly one of: " + ", ".join(_KINDS),
            f"found: {', '.join(given) or 'none'}",
        )
        return None
    kind = given[0]
    src = ctx.at(loc)
    if kind == "distributed":
        amount = ctx.parse(spec.distributed, (*loc, "distributed"), parse_amount)
        return None if amount is None else Distributed(amount=amount, source=src)
    if spec.party is None:
        ctx.error(loc, f"tier '{tier.name}': condition '{kind}' needs 'party'")
        return None
    pid = ctx.party(spec.party, (*loc, "party"), ids, f"tier '{tier.name}' until")
    if pid is None or pid not in by_id:
        return None
    party = by_id[pid]
    if kind == "profit_share":
        share = ctx.parse(spec.profit_share, (*loc, "profit_share"), parse_percent)
        if share is None:
            return None
        if not 0 < share < 1 or split.get(pid, Fraction(0)) <= share:
            ctx.error(
                (*loc, "profit_share"),
                f"tier '{tier.name}': '{pid}' gets {_pct(split.get(pid, Fraction(0)))}% here, "
                f"so its share of profit can never reach {_pct(share)}%",
                "a catch-up rate must be above the carried-interest share it catches up to",
            )
            return None
        return ProfitShare(party=pid, share=share, source=src)
    target: Fraction | None
    if kind == "receives":
        target = ctx.parse(spec.receives, (*loc, "receives"), parse_amount)
    elif kind == "multiple":
        multiple = ctx.parse(spec.multiple, (*loc, "multiple"), parse_multiple)
        target = None if multiple is None else multiple * party.capital
    else:
        target = _preferred(ctx, spec, loc, party)
    if target is None:
        return None
    if split.get(pid, Fraction(0)) == 0:
        ctx.error(
            (*loc, "party"),
            f"tier '{tier.name}' waits for '{pid}' to receive {_money(target)}, "
            f"but '{pid}' has no share in this tier",
            f"give '{pid}' a share in the split, or end the tier on another condition",
        )
        return None
    if party.cap is not None and party.cap < target:
        ctx.error(
            loc,
            f"tier '{tier.name}' must pay '{pid}' {_money(target)} in total, "
            f"but its cap is {_money(party.cap)}",
            "raise the cap or lower the tier's target: the tier could never end",
        )
        return None
    return Receives(party=pid, amount=target, source=src)


def _preferred(ctx: _Context, spec: ConditionSpec, loc: Loc, party: Party) -> Fraction | None:
    pr = spec.preferred_return
    assert pr is not None
    ploc = (*loc, "preferred_return")
    rate = ctx.parse(pr.rate, (*ploc, "rate"), parse_percent)
    years = ctx.parse(pr.years, (*ploc, "years"), lambda v: parse_number(v, "a number of years"))
    how = ctx.word(pr.compounding, (*ploc, "compounding"))
    if how not in (Compounding.SIMPLE, Compounding.COMPOUND):
        if how is not None:
            ctx.error(
                (*ploc, "compounding"), f"compounding '{how}' is not one of: simple, compound"
            )
        return None
    if rate is None or years is None:
        return None
    if how == Compounding.SIMPLE:
        return party.capital * (1 + rate * years)
    if years.denominator != 1:
        ctx.error(
            (*ploc, "years"),
            "compound preferred return needs whole years to stay exact",
            "use compounding: simple for fractional years, or round the holding period",
        )
        return None
    return party.capital * (1 + rate) ** int(years)


def _build_classes(
    ctx: _Context, specs: list[ClassSpec], src: Source
) -> PreferenceWaterfall | None:
    out: list[ShareClass] = []
    seen: set[str] = set()
    for i, c in enumerate(specs):
        loc: Loc = ("classes", i)
        if c.id in seen:
            ctx.error((*loc, "id"), f"duplicate class id '{c.id}'")
        seen.add(c.id)
        shares = ctx.parse(c.shares, (*loc, "shares"), lambda v: parse_number(v, "a share count"))
        invested = ctx.parse(c.invested, (*loc, "invested"), parse_amount)
        multiple = ctx.parse(c.multiple, (*loc, "multiple"), parse_multiple)
        cap_multiple = (
            ctx.parse(c.cap, (*loc, "cap"), parse_multiple) if c.cap is not None else None
        )
        part_raw = ctx.raw(c.participating, (*loc, "participating"))
        participating = False
        if part_raw is not None:
            text = str(part_raw[0]).lower()
            if text not in ("true", "false"):
                ctx.error(
                    (*loc, "participating"),
                    f"participating must be true or false, found '{text}'",
                )
            participating = text == "true"
        if shares is None or invested is None or multiple is None:
            continue
        if c.cap is not None and cap_multiple is None:
            continue
        preference = invested * multiple
        cap = None if cap_multiple is None else cap_multiple * invested
        if cap is not None:
            if not participating:
                ctx.error(
                    (*loc, "cap"),
                    f"class '{c.id}': a participation cap needs participating: true",
                )
                continue
            if cap < preference:
                ctx.error(
                    (*loc, "cap"),
                    f"class '{c.id}': participation cap {_money(cap)} is below its "
                    f"preference {_money(preference)}",
                    "the cap counts preference plus participation, so it must be at least the "
                    "preference multiple",
                )
                continue
        out.append(
            ShareClass(
                id=c.id,
                name=c.name or c.id,
                shares=shares,
                invested=invested,
                preference=preference,
                seniority=c.seniority,
                participating=participating,
                cap=cap,
                convertible=preference > 0 and shares > 0,
                source=ctx.at(loc),
            )
        )
    if not ctx.diags and not any(c.preference == 0 and c.shares > 0 for c in out):
        ctx.error(
            ("classes",),
            "no common class: at least one class with shares and no preference is needed",
            "add the common stock (shares, no 'invested'), which takes what preferences leave",
        )
    if ctx.diags:
        return None
    return PreferenceWaterfall(name=ctx.spec.waterfall, classes=tuple(out), source=src)


def _pct(value: Fraction) -> str:
    text = f"{float(value * 100):.6f}".rstrip("0").rstrip(".")
    return text


def _money(value: Fraction) -> str:
    return format_money(value, digits=6)
