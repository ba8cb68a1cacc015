"""Invalid waterfall files get located errors that say what and where, all at once."""

from fractions import Fraction

from charter.waterfall import PreferenceWaterfall, TierWaterfall, load_waterfall
from charter.waterfall.model import Receives

TIERS = """\
waterfall: t
params:
  lp_cap: {default: 10}
parties:
  - id: lp
    capital: 50
    cap: {amount: $lp_cap}
  - id: gp
tiers:
  - name: roc
    split: {lp: 60, gp: 30}
    until: {party: lp, receives: 50}
  - name: rest
    split: {lp: 80, gpp: 20}
  - name: more
    split: {lp: 100}
    until: {party: gp, receives: -5}
residual: gp
capped_share_to: $capped
"""


def rendered(text: str, params: dict[str, str] | None = None) -> list[str]:
    wf, errors = load_waterfall("w.yaml", params, text=text)
    assert wf is None
    return [e.render() for e in errors]


def test_every_semantic_error_is_located_and_reported_at_once() -> None:
    assert rendered(TIERS) == [
        "w.yaml:11:12: error: tier 'roc': split adds up to 90%, expected 100%\n"
        "    hint: the percentages of a tier share each marginal dollar, so they must total 100",
        "w.yaml:12:12: error: tier 'roc' must pay 'lp' $50 in total, but its cap is $10\n"
        "    hint: raise the cap or lower the tier's target: the tier could never end",
        "w.yaml:13:5: error: tier 'rest' has no 'until' but is not the last tier\n"
        "    hint: only the last tier may go on for ever; add an 'until' condition",
        "w.yaml:14:21: error: tier 'rest' split: unknown party 'gpp'\n    hint: did you mean 'gp'?",
        "w.yaml:17:34: error: tiers[2].until.receives: an amount cannot be negative, found '-5'",
        "w.yaml:19:18: error: unknown parameter '$capped'\n    hint: parameters: lp_cap",
    ]


def test_a_bad_override_is_blamed_on_the_command_line_at_the_use_site() -> None:
    errors = rendered(TIERS, {"lp_cap": "abc"})
    assert errors[0] == (
        "w.yaml:7:19: error: --param lp_cap=abc: expected an amount such as 250000, 2.5e9, "
        "750K, 1.5M, 13B or 2T, found 'abc'"
    )


def test_an_unknown_override_is_an_error() -> None:
    good = "waterfall: t\nparams:\n  x: {default: 1}\nparties:\n  - id: a\n"
    good += "tiers:\n  - name: all\n    split: {a: 100}\n"
    wf, errors = load_waterfall("w.yaml", {"y": "1"}, text=good)
    assert wf is None
    assert [e.render() for e in errors] == [
        "w.yaml:2:1: error: --param y: no such parameter in this file (known: x)"
    ]
    wf, errors = load_waterfall("w.yaml", {"x": "2"}, text=good)
    assert errors == []
    assert isinstance(wf, TierWaterfall)


def test_unknown_key_gets_a_did_you_mean() -> None:
    text = "waterfall: s\nclasses:\n  - id: c\n    sharez: 3\n"
    assert rendered(text) == [
        "w.yaml:3:5: error: missing required key 'shares'\n    hint: add 'shares:' here",
        "w.yaml:4:5: error: unknown key 'sharez'\n    hint: did you mean 'shares'?",
    ]


def test_catch_up_that_cannot_reach_the_carry_is_refused() -> None:
    text = """\
waterfall: f
parties:
  - id: lp
    capital: 10
  - id: gp
tiers:
  - name: catch-up
    split: {gp: 20, lp: 80}
    until: {party: gp, profit_share: 20%}
  - name: carry
    split: {lp: 80, gp: 20}
"""
    assert rendered(text) == [
        "w.yaml:9:38: error: tier 'catch-up': 'gp' gets 20% here, so its share of profit can "
        "never reach 20%\n    hint: a catch-up rate must be above the carried-interest share "
        "it catches up to"
    ]


def test_a_tier_waiting_for_a_party_without_a_share_is_refused() -> None:
    text = """\
waterfall: f
parties:
  - id: a
  - id: b
tiers:
  - name: one
    split: {a: 100}
    until: {party: b, receives: 5}
residual: b
"""
    assert rendered(text) == [
        "w.yaml:8:20: error: tier 'one' waits for 'b' to receive $5, but 'b' has no share in "
        "this tier\n    hint: give 'b' a share in the split, or end the tier on another condition"
    ]


def test_residual_must_be_uncapped_and_required_after_a_closed_last_tier() -> None:
    text = """\
waterfall: f
parties:
  - id: a
    cap: {amount: 5}
tiers:
  - name: one
    split: {a: 100}
    until: {distributed: 5}
"""
    assert rendered(text) == [
        "w.yaml:1:1: error: missing required key 'residual'\n"
        "    hint: name the party that receives everything after the last tier"
    ]
    assert rendered(text + "residual: a\n") == [
        "w.yaml:9:11: error: residual 'a' has a cap, so it could not absorb what others leave\n"
        "    hint: name an uncapped party"
    ]


def test_preference_classes_are_checked() -> None:
    text = """\
waterfall: s
classes:
  - id: a
    shares: 10
    invested: 5
    multiple: 2x
    participating: true
    cap: 1x
  - id: b
    shares: 10
    invested: 5
    cap: 3x
"""
    assert rendered(text) == [
        "w.yaml:8:10: error: class 'a': participation cap $5 is below its preference $10\n"
        "    hint: the cap counts preference plus participation, so it must be at least the "
        "preference multiple",
        "w.yaml:12:10: error: class 'b': a participation cap needs participating: true",
    ]


def test_preference_stack_needs_common() -> None:
    text = "waterfall: s\nclasses:\n  - id: a\n    shares: 10\n    invested: 5\n"
    assert rendered(text) == [
        "w.yaml:3:3: error: no common class: at least one class with shares and no preference "
        "is needed\n    hint: add the common stock (shares, no 'invested'), which takes what "
        "preferences leave"
    ]
    wf, errors = load_waterfall("w.yaml", text=text + "  - id: common\n    shares: 5\n")
    assert errors == []
    assert isinstance(wf, PreferenceWaterfall)


def test_bad_yaml_and_missing_file_do_not_raise() -> None:
    wf, errors = load_waterfall("w.yaml", text="waterfall: [\n")
    assert wf is None
    assert errors[0].render().startswith("w.yaml:2:1: error: invalid YAML")
    wf, errors = load_waterfall("/nonexistent/w.yaml")
    assert wf is None
    assert [e.render() for e in errors] == [
        "/nonexistent/w.yaml:1:1: error: file not found\n    hint: check the path"
    ]


def _one_party(cap: str, until: str = "{distributed: 1}") -> str:
    return f"""\
waterfall: c
parties:
  - id: a
    capital: 10
    cap: {cap}
  - id: r
tiers:
  - name: one
    split: {{a: 100}}
    until: {until}
residual: r
"""


def test_caps_on_gross_or_on_profit_resolve_to_gross_receipts() -> None:
    cases = {
        "{amount: 50}": 50,
        "{amount: 50, on: profit}": 60,
        "{multiple: 100x}": 1000,
        "{multiple: 100x, on: profit}": 1010,
    }
    for cap, gross in cases.items():
        wf, errors = load_waterfall("w.yaml", text=_one_party(cap))
        assert errors == []
        assert isinstance(wf, TierWaterfall)
        assert wf.parties[0].cap == gross


def test_preferred_return_simple_or_compound() -> None:
    compound = "{party: a, preferred_return: {rate: 8%, years: 2}}"
    simple = "{party: a, preferred_return: {rate: 8%, years: 2.5, compounding: simple}}"
    expected = {compound: Fraction("11.664"), simple: Fraction(12)}
    for until, target in expected.items():
        wf, errors = load_waterfall("w.yaml", text=_one_party("{amount: 1T}", until))
        assert errors == []
        assert isinstance(wf, TierWaterfall)
        assert wf.tiers[0].until[0] == Receives(
            party="a", amount=target, source=wf.tiers[0].until[0].source
        )
    fractional = "{party: a, preferred_return: {rate: 8%, years: 1.5}}"
    assert rendered(_one_party("{amount: 1T}", fractional)) == [
        "w.yaml:10:59: error: compound preferred return needs whole years to stay exact\n"
        "    hint: use compounding: simple for fractional years, or round the holding period"
    ]


def test_bad_yaml_in_one_block_does_not_hide_a_schema_error_in_another() -> None:
    text = "waterfall: t\nparties:\n  - {id: lp\n  - id: gp\ntiers:\n  - name: all\n    splt: 1\n"
    assert rendered(text) == [
        "w.yaml:4:7: error: invalid YAML: expected ',' or '}', but got ':'\n"
        "    hint: check indentation, colons and quotes near this line",
        "w.yaml:6:5: error: missing required key 'split'\n    hint: add 'split:' here",
        "w.yaml:7:5: error: unknown key 'splt'\n    hint: did you mean 'split'?",
    ]
