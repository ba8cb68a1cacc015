from pydantic import BaseModel, ConfigDict

from charter.located import read_yaml, validate


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
