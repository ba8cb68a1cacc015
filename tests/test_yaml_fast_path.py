"""The libyaml fast path of the YAML reader gives exactly what ruamel's round-trip loader gives:
the same values of the same types, the same line and column of every key and item, and the
same located errors (it declines whatever it does not build itself, and ruamel takes over)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from charter import located
from charter.located import _Declined, _fast_parse, _yaml, parse_yaml

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(
    p
    for folder in ("examples", "docs/examples", "src/charter/profiles")
    for p in (ROOT / folder).rglob("*.yaml")
)


def same(a: Any, b: Any, where: str = "") -> None:
    """``a`` (fast) and ``b`` (ruamel) hold the same values, types and positions."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(b, CommentedMap):
        assert list(a) == list(b), where
        assert (a.lc.line, a.lc.col) == (b.lc.line, b.lc.col), where
        for key in b:
            assert a.lc.key(key) == b.lc.key(key), f"{where}.{key}"
            assert a.lc.value(key) == b.lc.value(key), f"{where}.{key}"
            same(a[key], b[key], f"{where}.{key}")
    elif isinstance(b, CommentedSeq):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert a.lc.item(i) == b.lc.item(i), f"{where}[{i}]"
            same(x, y, f"{where}[{i}]")
    elif isinstance(b, float) and math.isnan(b):
        assert math.isnan(a), where
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_bundled_file__the_fast_path_gives_what_ruamel_gives(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if located._TAGGED.search(text):
        pytest.skip("tagged: the fast path declines it")
    same(_fast_parse(text), _yaml().load(text))


TRICKY = [
    "0o17", "0o78", "0x1F", "1e3", ".inf", "-.inf", "1_000", "12:30", "yes", "no", "on", "Off",
    "~", "null", "Null", "true", "False", "2023-11-17", "2023-11-17T12:00:00-08:00",
    "2023-11-17 12:00:00", "2023-1-5", "+1", "-2.5", "0", "00", "007", "0.", "1.5e-3", "unknown",
    "remove-officer", "a b c", "Sam Altman", "x:y", "-", "<", "=", "https://example.org/a?b=c",
]  # fmt: skip
scalars = st.one_of(
    st.sampled_from(TRICKY),
    st.sampled_from(TRICKY).map(lambda s: f"'{s}'"),
    st.sampled_from(TRICKY).map(lambda s: f'"{s}"'),
    st.integers(-(10**20), 10**20).map(str),
)
keys = st.sampled_from(["at", "kind", "by", "text", "votes", "id", "x1", "yes", "2023", "on"])


@st.composite
def documents(draw: st.DrawFn, depth: int = 0) -> str:
    """A block mapping whose values are scalars, flow lists, or nested block mappings and
    sequences, rendered as YAML text with indentation."""
    lines: list[str] = []
    pad = "  " * depth
    for key in draw(st.lists(keys, min_size=1, max_size=5, unique=True)):
        kind = draw(st.sampled_from(["scalar", "flow", "map", "seq"] if depth < 2 else ["scalar"]))
        if kind == "scalar":
            lines.append(f"{pad}{key}: {draw(scalars)}")
        elif kind == "flow":
            lines.append(f"{pad}{key}: [{', '.join(draw(st.lists(scalars, max_size=4)))}]")
        elif kind == "map":
            lines.append(f"{pad}{key}:")
            lines.append(draw(documents(depth + 1)))
        else:
            lines.append(f"{pad}{key}:")
            for item in draw(st.lists(scalars, min_size=1, max_size=3)):
                lines.append(f"{pad}  - {item}")
    return "\n".join(lines)


@settings(max_examples=200, deadline=None)
@given(documents())
def test_generated_documents__the_fast_path_gives_what_ruamel_gives(text: str) -> None:
    text += "\n"
    try:
        expected = _yaml().load(text)
    except Exception:
        with pytest.raises((_Declined, Exception)):
            _fast_parse(text)
        return
    try:
        got = _fast_parse(text)
    except _Declined:
        return  # ruamel builds it
    same(got, expected)


def _big(text: str) -> str:
    filler = "".join(f"# filler line {i}\n" for i in range(located.FAST_PARSE_CHARS // 16))
    return filler + text


def test_a_duplicate_key_in_a_big_file__ruamel_reports_it_located() -> None:
    text = _big("events:\n  - {at: 2023-11-17, kind: announcement}\nevents: []\n")
    parsed = parse_yaml("big.yaml", text)
    assert len(parsed.errors) == 1
    assert "duplicate key" in parsed.errors[0].message
    assert (
        parsed.errors[0].source.line == text.count("\n") - 1 + 1 or parsed.errors[0].source.line > 1
    )


def test_a_syntax_error_in_a_big_file__the_same_located_error_as_before() -> None:
    text = _big("events:\n  - at: 2023-11-17\n    kind: [announcement\n")
    fast = parse_yaml("big.yaml", text).errors
    original = located.FAST_PARSE_CHARS
    try:
        located.FAST_PARSE_CHARS = 10**12
        slow = parse_yaml("big.yaml", text).errors
    finally:
        located.FAST_PARSE_CHARS = original
    assert [(e.source.line, e.message) for e in fast] == [(e.source.line, e.message) for e in slow]


def test_a_tagged_big_file__declined_and_built_by_ruamel() -> None:
    text = _big("a: !!str 12\nb: 12\n")
    with pytest.raises(_Declined):
        _fast_parse(text)
    parsed = parse_yaml("big.yaml", text)
    assert str(parsed.data["a"].value) == "12"  # ruamel's tagged scalar, as for a small file
    assert parsed.data["b"] == 12


def test_aliases_stay_shared_so_the_bomb_check_sees_them() -> None:
    text = _big("base: &b {x: 1}\none: *b\ntwo: *b\n")
    data = _fast_parse(text)
    assert data["one"] is data["two"] is data["base"]
