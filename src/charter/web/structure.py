"""The Structure diagram: entities as boxes in layers by control depth, the board above the
entity it governs, economic interests and agreements as labelled dashed and dotted lines.

The layout is computed here, in Python, so the picture is plain SVG in the page (no script, no
layout engine): row = control depth (controllers above what they control); an entity outside the
control chain sits in the row of the entity it holds an interest in or has an agreement with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from markupsafe import Markup

from charter.model.case import Case
from charter.model.charter import Agreement, Control, Entity, Interest
from charter.model.state import AgreementState, State
from charter.web.svg import Svg, wrap

BOX_W, BOX_H = 210.0, 78.0
COL_GAP = 300.0  # room for the labels of side-by-side relations
ROW_GAP = 120.0
LEFT = 150.0  # room for the labels of interests that skip rows
BOARD_H = 190.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Placed:
    entity: Entity
    row: int
    col: int
    x: float
    y: float

    @property
    def cx(self) -> float:
        return self.x + BOX_W / 2


def rows_of(case: Case) -> dict[str, int]:
    """Control depth of every entity (longest chain of controllers above it)."""
    c = case.charter
    ids = [e.id for e in c.entities]
    parents: dict[str, list[str]] = {i: [] for i in ids}
    for ctl in c.controls:
        if ctl.controlled in parents and ctl.controller in parents:
            parents[ctl.controlled].append(ctl.controller)
    depth: dict[str, int] = {}

    def depth_of(node: str, seen: tuple[str, ...] = ()) -> int:
        if node in depth:
            return depth[node]
        if node in seen:  # a control cycle: stop rather than recurse forever
            return 0
        d = max((depth_of(p, (*seen, node)) + 1 for p in parents[node]), default=0)
        depth[node] = d
        return d

    in_chain = {x for ctl in c.controls for x in (ctl.controller, ctl.controlled)}
    for i in ids:
        if i in in_chain:
            depth_of(i)
    for i in ids:
        if i in depth:
            continue
        linked = [x.entity for x in c.interests if x.holder == i and x.entity in depth]
        linked += [p for a in c.agreements if i in a.parties for p in a.parties if p in depth]
        depth[i] = depth[linked[0]] if linked else 0
    return depth


def layout(case: Case) -> list[Placed]:
    rows = rows_of(case)
    in_chain = {x for ctl in case.charter.controls for x in (ctl.controller, ctl.controlled)}
    ordered = sorted(
        case.charter.entities,
        key=lambda e: (rows[e.id], e.id not in in_chain),
    )
    cols: dict[int, int] = {}
    placed = []
    for e in ordered:
        r = rows[e.id]
        col = cols.get(r, 0)
        cols[r] = col + 1
        placed.append(
            Placed(
                entity=e,
                row=r,
                col=col,
                x=LEFT + col * (BOX_W + COL_GAP),
                y=BOARD_H + 40 + r * (BOX_H + ROW_GAP),
            )
        )
    return placed


def _short(name: str) -> str:
    parts = name.split()
    return parts[-1] if len(parts) > 1 else name


def agreement_scope(a: Agreement, state_agreement: AgreementState | None) -> str:
    covers = state_agreement.covers if state_agreement is not None else a.scope.covers
    scope = covers or "as written"
    if a.scope.excludes_after_agi:
        scope += "; excludes AGI"
    if state_agreement is not None and state_agreement.agi_excluded:
        scope += " (determined: " + ", ".join(
            f"{t} on {w}" for w, t in state_agreement.agi_excluded
        )
        scope += ")"
    return scope


def interest_label(x: Interest) -> str:
    cap = x.cap if x.cap != "unknown" else "not recorded"
    votes = {True: "; votes", False: "; no vote"}.get(x.voting, "; votes unknown")  # type: ignore[call-overload]
    vote = "" if "vote" in x.kind else votes
    return f"{x.kind}; cap: {cap}{vote}"


def structure_svg(case: Case, state: State, names: dict[str, str]) -> Markup:
    c = case.charter
    placed = layout(case)
    by_id = {p.entity.id: p for p in placed}
    ncols = max((p.col for p in placed), default=0) + 1
    nrows = max((p.row for p in placed), default=0) + 1
    width = max(LEFT + ncols * BOX_W + (ncols - 1) * COL_GAP + 30, 760.0)
    height = BOARD_H + 40 + nrows * (BOX_H + ROW_GAP) - ROW_GAP + 60
    svg = Svg(
        width=width,
        height=height,
        title=f"Structure of {c.title or c.charter}",
        desc="Entities in rows by control depth; arrows are control, dashed lines economic "
        "interests, dotted lines agreements. The same facts are in the tables below.",
    )
    _board(svg, case, state, names, by_id, width)
    for ctl in c.controls:
        a, b = by_id.get(ctl.controller), by_id.get(ctl.controlled)
        if a is None or b is None:
            continue
        y1, y2 = a.y + BOX_H, b.y - 2
        svg.line(a.cx, y1, b.cx, y2, class_="edge control", marker_end="url(#arrow)")
        label = wrap(("controls: " + ctl.how) if ctl.how else "controls", 230, 11)
        svg.lines(a.cx + 10, (y1 + y2) / 2 - 6 * (len(label) - 1), label, size=11, class_="lbl")
    agreements = {s.id: s for s in state.agreements}
    for p in placed:
        _entity_box(svg, p, c.board.entity == p.entity.id)
    lane = 0
    for x in c.interests:
        holder, entity = by_id.get(x.holder), by_id.get(x.entity)
        if holder is None or entity is None or holder is entity:
            continue
        text = interest_label(x)
        if holder.row == entity.row:
            _side_edge(svg, entity, holder, 0.3, text, "edge interest", above=True)
        else:
            lane += 1
            _left_curve(svg, holder, entity, lane, text)
    for agr in c.agreements:
        ends = [by_id[p] for p in agr.parties if p in by_id]
        if len(ends) < 2:
            continue
        a, b = ends[0], ends[1]
        text = f"{agr.kind}: " + agreement_scope(agr, agreements.get(agr.id))
        if a.row == b.row:
            _side_edge(svg, a, b, 0.75, text, "edge agreement", above=False)
        else:
            svg.line(a.cx, a.y + BOX_H, b.cx, b.y, class_="edge agreement")
    return svg.render(css_class="chart structure")


def _entity_box(svg: Svg, p: Placed, governed: bool) -> None:
    e = p.entity
    cls = "entity" + (" governed" if governed else "")
    svg.rect(p.x, p.y, BOX_W, BOX_H, rx=6, class_=cls)
    y = svg.lines(p.x + 10, p.y + 20, wrap(e.name, BOX_W - 20, 13), size=13, class_="name")
    jur = "" if e.jurisdiction == "unknown" else f", {e.jurisdiction}"
    svg.text(p.x + 10, y, f"{e.kind}{jur}", font_size=11, class_="lbl")


def _side_edge(
    svg: Svg, a: Placed, b: Placed, frac: float, text: str, cls: str, *, above: bool
) -> None:
    left, right = (a, b) if a.x < b.x else (b, a)
    y = left.y + BOX_H * frac
    x1, x2 = left.x + BOX_W, right.x
    svg.line(x1 + 2, y, x2 - 2, y, class_=cls)
    label = wrap(text, x2 - x1 - 16, 11)
    if above:
        y0 = y - 6 - 13.75 * (len(label) - 1)
    else:
        y0 = y + 16
    svg.lines(x1 + 8, y0, label, size=11, class_="lbl")


def _left_curve(svg: Svg, holder: Placed, entity: Placed, lane: int, text: str) -> None:
    x1, y1 = holder.x, holder.y + BOX_H / 2
    x2, y2 = entity.x, entity.y + BOX_H / 2
    bulge = max(20.0, holder.x - 20 * lane - 10)
    svg.path(
        f"M{x1:.0f},{y1:.0f} C{x1 - bulge:.0f},{y1:.0f} {x2 - bulge:.0f},{y2:.0f} "
        f"{x2 - 2:.0f},{y2:.0f}",
        class_="edge interest",
        fill="none",
    )
    label = wrap(text, holder.x - 24, 11)
    mid = (y1 + y2) / 2 - 6 * len(label)
    svg.lines(6, mid, label, size=11, class_="lbl")


def _board(
    svg: Svg,
    case: Case,
    state: State,
    names: dict[str, str],
    by_id: dict[str, Placed],
    width: float,
) -> None:
    c = case.charter
    entity = by_id.get(c.board.entity)
    ename = entity.entity.name if entity else c.board.entity
    svg.rect(10, 10, width - 20, BOARD_H - 20, rx=8, class_="board")
    svg.text(24, 34, f"Board of {ename}", font_size=14, class_="name")
    filled = len(state.directors)
    svg.text(
        24,
        52,
        f"{filled} of {state.authorized_seats} authorized seats filled"
        + (f"; chair: {names.get(state.chair, state.chair)}" if state.chair else "; no chair"),
        font_size=11,
        class_="lbl",
    )
    order = [d.person for d in c.board.directors if d.person in state.directors]
    order += sorted(state.directors - set(order))
    seats = max(state.authorized_seats, len(order))
    step = min(96.0, (width - 60) / max(seats, 1))
    for i in range(seats):
        cx, cy = 24 + step * i + step / 2, 86
        if i < len(order):
            person = order[i]
            chair = person == state.chair
            svg.circle(cx, cy, 16, class_="seat filled" + (" chair" if chair else ""))
            label = [_short(names.get(person, person))]
            if chair:
                svg.text(cx, cy + 5, "★", font_size=14, text_anchor="middle", class_="star")
                label.append("(chair)")
            offices = state.offices_of(person)
            if offices:
                label.append(", ".join(offices))
            for k, line in enumerate(label):
                svg.text(cx, cy + 32 + 13 * k, line, font_size=11, text_anchor="middle")
        else:
            svg.circle(cx, cy, 16, class_="seat vacant")
            svg.text(cx, cy + 32, "vacant", font_size=11, text_anchor="middle", class_="lbl")
    others = [
        f"{office}: {names.get(holder, holder)}"
        for office, holder in state.officers
        if holder not in state.directors
    ]
    if others:
        svg.lines(
            24,
            BOARD_H - 22,
            wrap("Officers not on the board: " + "; ".join(others), width - 60, 11),
            size=11,
            class_="lbl",
        )
    if entity is not None:
        svg.line(entity.cx, BOARD_H - 10, entity.cx, entity.y - 2, class_="edge control")
        svg.text(entity.cx + 8, (BOARD_H + entity.y) / 2 + 4, "governs", font_size=11)


def case_at(case: Case, state: State) -> Case:
    """The case as the diagram and tables draw it at ``state``'s moment: the charter's
    entities, controls and interests replaced by the structure replayed to then (an entity
    renamed or converted shows its new name and form; a recapitalization's interests replace
    the earlier ones in that entity)."""
    s = state.structure
    if not s.entities:
        return case
    c = case.charter
    entities = tuple(
        Entity(id=e.id, name=e.name, kind=e.kind, jurisdiction=e.jurisdiction)  # type: ignore[arg-type]
        for e in s.entities
    )
    controls = tuple(Control(controller=a, controlled=b, how=h) for a, b, h in s.controls)
    paying = {era.entity for era in s.economics}
    interests = tuple(x for x in c.interests if x.entity not in paying) + tuple(
        x for era in s.economics for x in era.interests
    )
    charter = c.model_copy(
        update={"entities": entities, "controls": controls, "interests": interests}
    )
    return replace(case, charter=charter)


def person_names(case: Case) -> dict[str, str]:
    return {p.id: p.name for p in case.charter.people}


def entity_names(case: Case) -> dict[str, str]:
    return {e.id: e.name for e in case.charter.entities}


def seat_rows(case: Case, state: State, names: dict[str, str]) -> list[dict[str, str]]:
    """The board as a table: one row per authorized seat (the diagram's text twin)."""
    since = {d.person: d.since for d in case.charter.board.directors}
    order = [d.person for d in case.charter.board.directors if d.person in state.directors]
    order += sorted(state.directors - set(order))
    rows = []
    for i in range(max(state.authorized_seats, len(order))):
        if i < len(order):
            p = order[i]
            rows.append(
                {
                    "seat": str(i + 1),
                    "holder": names.get(p, p),
                    "since": since.get(p, "after the charter"),
                    "role": ", ".join((["chair"] if p == state.chair else []) + state.offices_of(p))
                    or "director",
                }
            )
        else:
            rows.append({"seat": str(i + 1), "holder": "vacant", "since": "", "role": ""})
    return rows


def parties_text(parties: Sequence[str], names: dict[str, str]) -> str:
    return ", ".join(names.get(p, p) for p in parties)
