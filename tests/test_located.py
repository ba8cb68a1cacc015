import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError

from charter.located import locate, parse_yaml, plain, read_yaml, validate
from charter.model.source import Diagnostic, Source


class Person(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    name: str


class Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")
    people: list[Person]


def test_unknown_key_is_located_with_a_did_you_mean() -> None:
    text = "people:\n  - id: a\n    name: A\n  - id: b\n    nmae: B\n"
    data, errors = read_yaml("x.yaml", text)
    assert errors == []
    model, errors = validate(Doc, data, "x.yaml")
    assert model is None
    rendered = sorted(e.render() for e in errors)
    assert any(r.startswith("x.yaml:5:5: error: unknown key 'nmae'") for r in rendered)
    assert any("did you mean 'name'?" in r for r in rendered)
    assert any("missing required key 'name'" in r and r.startswith("x.yaml:4:") for r in rendered)


def test_bad_yaml_is_located() -> None:
    data, errors = read_yaml("x.yaml", "people:\n  - id: a\n   name: [\n")
    assert data is None
    assert errors[0].source.path == "x.yaml"
    assert errors[0].message.startswith("invalid YAML")


def test_every_syntax_error_of_a_file_is_reported_and_nothing_is_loaded() -> None:
    text = "# a comment\n---\na: [1\nb: {2\nc: 3\nd:\n  - ok\n  - [x\n  - ok\n"
    data, errors = read_yaml("x.yaml", text)
    assert data is None
    assert [(e.source.line, e.source.column, e.message) for e in errors] == [
        (4, 2, "invalid YAML: expected ',' or ']', but got ':'"),
        (4, 6, "invalid YAML: expected ',' or '}', but got the end of the entry"),
        (8, 7, "invalid YAML: expected ',' or ']', but got the end of the entry"),
    ]


def test_recovery__keeps_what_parses_with_its_lines_and_names_what_does_not() -> None:
    text = "a: [1\r\nb: {x: 1}\r\nd:\r\n  - ok\r\n  - [x\r\n  - {y: 2}\r\n"
    parsed = parse_yaml("x.yaml", text)
    assert [(e.source.line, e.source.column) for e in parsed.errors] == [(2, 2), (5, 7)]
    assert parsed.broken == {("a",), ("d", 1)}
    assert plain(parsed.data) == {"b": {"x": 1}, "d": ["ok", None, {"y": 2}]}
    assert locate(parsed.data, ("b", "x"), "x.yaml").line == 2
    assert locate(parsed.data, ("d", 2, "y"), "x.yaml").line == 6


def test_recovery__skipped_locations_raise_no_schema_errors() -> None:
    text = "people:\n  - {id: a, name: A}\n  - {id: b, name: B\n  - {id: c, nmae: C}\nextra: 1\n"
    parsed = parse_yaml("x.yaml", text)
    found = [(e.source.line, e.message) for e in parsed.all_errors(Doc, "x.yaml")]
    assert found == [
        (4, "invalid YAML: expected ',' or '}', but got '{'"),
        (4, "missing required key 'name'"),
        (4, "unknown key 'nmae'"),
        (5, "unknown key 'extra'"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "{a: 1, b: [2}\n",  # one flow mapping: nothing to recover
        "- a\n- [b\n",  # a list at the top level
        "a: 1\na: 2\n",  # a duplicate key: one error, once
        "a: |\n  text\nb: [\n",  # a block scalar before the broken block
        "just words\nb: 1\n",
    ],
)
def test_recovery__never_raises_and_reports_the_first_error_first(text: str) -> None:
    _, first = read_yaml_strictly(text)
    parsed = parse_yaml("x.yaml", text)
    assert parsed.errors[0] == first
    assert len({(e.source.line, e.source.column) for e in parsed.errors}) == len(parsed.errors)


def read_yaml_strictly(text: str) -> tuple[None, Diagnostic]:
    """The first error of the whole text, as the parser alone reports it."""
    try:
        YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        assert mark is not None
        problem = exc.problem or ""
        if "duplicate key" in str(exc):
            return None, parse_yaml("x.yaml", text).errors[0]
        return None, Diagnostic(
            source=Source(path="x.yaml", line=mark.line + 1, column=mark.column + 1),
            message=f"invalid YAML: {problem}",
            hint="check indentation, colons and quotes near this line",
        )
    raise AssertionError("the text parses")


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_recovery__a_damaged_file_never_raises_and_keeps_its_first_error(
    data: st.DataObject,
) -> None:
    """Any one-character damage to a valid file: no exception, the whole text's first error
    first, every error inside the file."""
    text = CHARTERISH
    at = data.draw(st.integers(0, len(text) - 1))
    text = (
        text[:at]
        + data.draw(st.sampled_from(["[", "{", "]", ":", " ", "\n", "-", ""]))
        + (text[at + 1 :])
    )
    whole, whole_errors = read_yaml("x.yaml", text)
    parsed = parse_yaml("x.yaml", text)
    assert (whole is None) == bool(parsed.errors)
    if parsed.errors:
        assert parsed.errors[0] == whole_errors[0]
        assert all(1 <= e.source.line <= text.count("\n") + 2 for e in parsed.errors)
        assert parsed.all_errors(Doc, "x.yaml")


CHARTERISH = (
    "people:\n  - {id: a, name: A}\n  - id: b\n    name: B\n# c\nboard:\n  seats: 5\n"
    "  directors: [a, b]\njournal: [j.yaml]\n"
)
