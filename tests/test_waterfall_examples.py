"""The bundled waterfalls against the published numbers (shared/facts/waterfalls.md) and the
reported OpenAI terms (shared/facts/openai-2023.md); expected values are derived from the terms."""

from fractions import Fraction
from pathlib import Path

import pytest

from charter.waterfall import (
    PreferenceWaterfall,
    TierWaterfall,
    compile_curves,
    evaluate,
    load_waterfall,
    marginal_split,
)

ROOT = Path(__file__).resolve().parent.parent / "examples"
OPENAI = ROOT / "openai-2023" / "waterfall.yaml"
B = 10**9


def load(path: Path, **params: str) -> TierWaterfall | PreferenceWaterfall:
    wf, errors = load_waterfall(path, params)
    assert errors == []
    assert wf is not None
    return wf


def payouts(wf: TierWaterfall | PreferenceWaterfall, amount: object) -> dict[str, Fraction]:
    return dict(evaluate(wf, amount).payouts)  # type: ignore[arg-type]


BUNDLED = [OPENAI, *sorted(ROOT.glob("funds/*.yaml")), *sorted(ROOT.glob("startups/*.yaml"))]


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_every_bundled_waterfall_loads_and_compiles(path: Path) -> None:
    wf = load(path)
    curves = compile_curves(wf)
    assert curves.starts[0] == 0


# -- OpenAI, January 2023 terms ------------------------------------------------------------


def test_openai__breakpoints_follow_from_the_reported_terms() -> None:
    wf = load(OPENAI)
    recouped = Fraction(13 * B) / Fraction(3, 4)  # microsoft 75% until it has 13B
    others_at_recoup = recouped / 4
    ms_capped = recouped + Fraction(92 * B - 13 * B) / Fraction(49, 100)
    others_then = others_at_recoup + Fraction(49, 100) * (ms_capped - recouped)
    others_capped = ms_capped + (150 * B - others_then) / Fraction(49, 100)
    assert compile_curves(wf).breakpoints == (recouped, ms_capped, others_capped)


def test_openai__everything_past_the_caps_goes_to_the_nonprofit() -> None:
    wf = load(OPENAI)
    got = payouts(wf, "500B")
    assert got == {
        "fcp": 0,
        "microsoft": 92 * B,
        "others": 150 * B,
        "nonprofit": 500 * B - 92 * B - 150 * B,
    }


def test_openai__tier_amounts_at_100B() -> None:
    wf = load(OPENAI)
    result = evaluate(wf, "100B")
    tiers = {t.name: t for t in result.tiers}
    recouped = Fraction(13 * B) / Fraction(3, 4)
    assert tiers["microsoft recoups its investment"].amount == recouped
    third = tiers["capped profit share"]
    assert third.amount == 100 * B - recouped
    assert dict(third.payouts)["nonprofit"] == Fraction(2, 100) * (100 * B - recouped)


def test_openai__capped_share_can_be_resplit_pro_rata() -> None:
    to_nonprofit = load(OPENAI)
    pro_rata = load(OPENAI, capped_share_to="pro_rata")
    after_ms_cap = Fraction(200 * B)
    assert marginal_split(to_nonprofit, after_ms_cap) == {
        "fcp": 0,
        "microsoft": 0,
        "others": Fraction(49, 100),
        "nonprofit": Fraction(51, 100),
    }
    assert marginal_split(pro_rata, after_ms_cap) == {
        "fcp": 0,
        "microsoft": 0,
        "others": Fraction(49, 51),
        "nonprofit": Fraction(2, 51),
    }


def test_openai__first_close_partners_recoup_first_when_given_capital() -> None:
    base = load(OPENAI)
    with_fcp = load(OPENAI, fcp_capital="2B")
    got = payouts(with_fcp, "50B")
    assert got["fcp"] == 2 * B
    shifted = payouts(base, "48B")
    assert {k: v for k, v in got.items() if k != "fcp"} == {
        k: v for k, v in shifted.items() if k != "fcp"
    }


def test_openai__incremental_cap_reading_is_a_parameter() -> None:
    wf = load(OPENAI, microsoft_cap="105B")
    assert payouts(wf, "2T")["microsoft"] == 105 * B


# -- fund waterfalls ---------------------------------------------------------------------


def test_pe1__cfa_catch_up_example_tier_by_tier() -> None:
    wf = load(ROOT / "funds" / "pe1-cfa-catch-up.yaml")
    result = evaluate(wf, 100)
    by_tier = [(t.name, dict(t.payouts)) for t in result.tiers]
    assert by_tier == [
        ("return of capital", {"lp": 50, "gp": 0}),
        ("preferred return", {"lp": 4, "gp": 0}),
        ("GP catch-up", {"lp": 0, "gp": 1}),
        ("carried interest", {"lp": 36, "gp": 9}),
    ]
    assert dict(result.payouts) == {"lp": 90, "gp": 10}


@pytest.mark.parametrize("catch_up", [100, 80, 50])
def test_pe1__catch_up_tranche_matches_the_formula(catch_up: int) -> None:
    wf = load(
        ROOT / "funds" / "pe1-cfa-catch-up.yaml",
        catch_up=str(catch_up),
        lp_catch_up=str(100 - catch_up),
    )
    c, k, pref = Fraction(catch_up, 100), Fraction(20, 100), Fraction(4)
    tranche = k * pref / (c - k)
    tier = next(t for t in evaluate(wf, 100).tiers if t.name == "GP catch-up")
    assert tier.amount == tranche
    assert dict(tier.payouts)["gp"] == c * tranche
    # after the catch-up the GP holds exactly its carry share of all profit
    assert payouts(wf, 54 + tranche)["gp"] == k * (pref + tranche)


def test_pe2__plumule_with_and_without_a_preferred_return() -> None:
    path = ROOT / "funds" / "pe2-plumule-no-catch-up.yaml"
    assert payouts(load(path), 200) == {"lp": Fraction("181.6"), "gp": Fraction("18.4")}
    assert payouts(load(path, hurdle="0"), 200) == {"lp": 180, "gp": 20}


# -- startup liquidation preferences -----------------------------------------------------


@pytest.mark.parametrize(
    ("params", "investor"),
    [
        ({}, 3_000_000),  # 1x non-participating: converts
        ({"multiple": "2"}, 4_000_000),  # 2x non-participating: takes the preference
        ({"participating": "true"}, 4_400_000),  # 1x participating: 2M + 30% of 8M
    ],
)
def test_lp1__gust_example(params: dict[str, str], investor: int) -> None:
    wf = load(ROOT / "startups" / "lp1-gust.yaml", **params)
    got = payouts(wf, "10M")
    assert got == {"investor": investor, "common": 10_000_000 - investor}


def test_lp1__conversion_is_reported() -> None:
    wf = load(ROOT / "startups" / "lp1-gust.yaml")
    assert evaluate(wf, "10M").converted == ("investor",)
    assert evaluate(wf, "5M").converted == ()


def test_lp3__capshare_example() -> None:
    wf = load(ROOT / "startups" / "lp3-capshare.yaml")
    assert payouts(wf, 750_000) == {"series_a": 500_000, "common": 250_000}


def test_capped_participating_class_converts_past_its_dead_zone() -> None:
    wf = load(ROOT / "startups" / "stack-capped.yaml")
    cap = 9_000_000  # 3x of 3M invested
    assert payouts(wf, "55M")["series_a"] == cap
    assert payouts(wf, "58M")["series_a"] == cap  # the flat dead zone
    # past it, Series A converts: 3/9 of what is left after C's 20M and B's 12M preferences
    got = payouts(wf, "100M")
    assert got["series_a"] == Fraction(3, 9) * (100_000_000 - 20_000_000 - 12_000_000)
    assert got["series_a"] > cap
    assert "series_a" in evaluate(wf, "100M").converted


def test_pari_passu_level_shares_pro_rata_to_preference_amounts() -> None:
    wf = load(ROOT / "startups" / "stack-capped.yaml")
    # 20M pays C in full; the next 7.5M is half of level 1's 12M + 3M = 15M
    got = payouts(wf, "27.5M")
    assert got["series_b"] == Fraction(12, 15) * 7_500_000
    assert got["series_a"] == Fraction(3, 15) * 7_500_000
