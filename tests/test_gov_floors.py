"""Statutory floors (charter.model.floors): every floor at its edge, in a profile, in an
amendment and in replay; and a majority's written consent judged under the rule that allows it.

The default board (tests/govkit.py): directors ann, bob, cat, dan, eve on 5 seats, ann chairs,
fay is CEO.  Times are UTC.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from charter.load.profiles import load_profile, shipped_profiles
from charter.model.floors import FLOORS, breaches, errors
from charter.model.kinds import Outcome, Status, View
from govkit import check, failed_rules, load, rendered, scenario, verdict


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def profile_errors(tmp_path: Path, text: str) -> list[str]:
    """The rendered errors of a profile file (its directory stripped)."""
    path = tmp_path / "p.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    _, diagnostics = load_profile(str(path))
    return rendered(diagnostics, tmp_path)


def stock(body: str) -> str:
    return "profile: p\nextends: delaware-stock\n" + textwrap.dedent(body)


def nonstock(body: str) -> str:
    return "profile: p\nextends: delaware-nonstock\n" + textwrap.dedent(body)


# -- the shipped profiles --------------------------------------------------------------------


def test_shipped_profiles__say_what_they_are_and_respect_every_floor() -> None:
    kinds = {}
    for name in shipped_profiles():
        bylaws, diagnostics = load_profile(name)
        assert bylaws is not None, diagnostics
        kinds[name] = bylaws.kind
        assert errors(bylaws) == [], name
    assert kinds == {
        "delaware-nonstock": "nonstock",
        "delaware-pbc": "stock",
        "delaware-stock": "stock",
        "openai-2016-reported": "nonstock",
        "roberts-rules": "none",
    }


def test_shipped_profiles__openai_relies_on_the_certificate_for_majority_action_only() -> None:
    bylaws, _ = load_profile("openai-2016-reported")
    assert bylaws is not None
    found = breaches(bylaws)
    assert all(b.conditional for b in found)
    assert {b.where for b in found} == {
        ("action_without_meeting", "threshold", "fraction"),
        ("action_without_meeting", "in_writing"),
        ("action_without_meeting", "signers_at_least_quorum"),
        ("action_without_meeting", "max_delay_days"),
    }


def test_floors__every_floor_is_cited() -> None:
    assert {f.citation.split(";")[0] for f in FLOORS} == {
        "DGCL §141(b)",
        "DGCL §141(f)",
        "DGCL §141(k)",
        "DGCL §141(a), §142(b)",
        "DGCL §229",
    }


# -- §141(b) quorum: not less than one third -------------------------------------------------


@pytest.mark.parametrize("fraction", ["1/3", "more-than 1/3", "2/5", "majority"])
def test_quorum__one_third_or_more_passes(tmp_path: Path, fraction: str) -> None:
    assert profile_errors(tmp_path, stock(f"quorum: {{fraction: {fraction}}}\n")) == []


@pytest.mark.parametrize("fraction", ["33/100", "1/4", "more-than 3/10"])
def test_quorum__just_below_one_third_fails_naming_the_statute(
    tmp_path: Path, fraction: str
) -> None:
    (found,) = profile_errors(tmp_path, stock(f"quorum: {{fraction: {fraction}}}\n"))
    assert found.startswith(
        f"p.yaml:3:20: error: quorum.fraction: a quorum of {fraction} of the authorized seats "
        "is below the statutory floor [DGCL §141(b): a quorum of not less than one third"
    )
    assert "hint: expected a quorum of at least 1/3 of the authorized seats" in found


def test_quorum__a_stock_corporations_certificate_cannot_go_below_one_third(
    tmp_path: Path,
) -> None:
    text = stock("quorum: {fraction: 1/4, source: certificate}\n")
    (found,) = profile_errors(tmp_path, text)
    assert "DGCL §141(b)" in found
    assert "only a nonstock corporation's certificate may provide otherwise" in found


def test_quorum__nonstock_certificate_may_go_below_one_third(tmp_path: Path) -> None:
    assert (
        profile_errors(tmp_path, nonstock("quorum: {fraction: 1/4, source: certificate}\n")) == []
    )
    # Written in the bylaws it is not an error either: it stands if the certificate says so.
    assert profile_errors(tmp_path, nonstock("quorum: {fraction: 1/4}\n")) == []


def test_quorum__none_kind_has_no_floor(tmp_path: Path) -> None:
    assert profile_errors(tmp_path, stock("kind: none\nquorum: {fraction: 1/10}\n")) == []


def regular_meeting(present: str) -> str:
    return f"""
    - at: 2023-05-01T10:00:00
      kind: meeting-opened
      meeting: m1
      type: regular
      remote: false
      present: {present}
    - id: fire-fay
      at: 2023-05-01T10:30:00
      kind: motion
      meeting: m1
      act: remove-officer
      subject: {{person: fay, office: ceo}}
      votes: {{ann: for, bob: for}}
    """


def test_quorum__in_replay_a_certificate_quorum_cites_the_certificate_not_141b(
    tmp_path: Path,
) -> None:
    # Eight seats: a quorum of a quarter is 2, below the statute's third (3).
    files = {"p.yaml": nonstock("quorum: {fraction: 1/4, source: certificate}\n")}
    t = scenario(tmp_path, regular_meeting("[ann, bob]"), files=files, profile="p.yaml", seats=8)
    v = verdict(t, "fire-fay")
    assert v.status is Status.VALID
    q = check(v, "quorum")
    assert q.detail == "required 2 of 8 authorized seats, present 2"
    assert q.citation.startswith("DGCL §141(j)")
    assert "141(b)" not in q.citation


def test_quorum__in_replay_a_nonstock_bylaw_below_one_third_is_conditional(
    tmp_path: Path,
) -> None:
    files = {"p.yaml": nonstock("quorum: {fraction: 1/4}\n")}
    t = scenario(tmp_path, regular_meeting("[ann, bob]"), files=files, profile="p.yaml", seats=8)
    v = verdict(t, "fire-fay")
    assert v.status is Status.CONDITIONAL
    assert check(v, "quorum").outcome is Outcome.UNKNOWN
    assert v.missing_facts == (
        "whether the certificate of incorporation authorises a quorum below one third of the "
        "directors (DGCL §141(j))",
    )
    # Three present: a quorum under the statute as well, nothing to ask.
    t = scenario(
        tmp_path / "b", regular_meeting("[ann, bob, cat]"), files=files, profile="p.yaml", seats=8
    )
    assert verdict(t, "fire-fay").status is Status.VALID


def test_quorum__counted_on_directors_in_office_never_below_a_third_of_the_seats(
    tmp_path: Path,
) -> None:
    # A majority of the three directors in office is 2; the statute asks a third of 9 seats: 3.
    files = {"p.yaml": stock("quorum: {base: in-office}\n")}
    kw = {"files": files, "profile": "p.yaml", "directors": ("ann", "bob", "cat"), "seats": 9}
    v = verdict(scenario(tmp_path, regular_meeting("[ann, bob]"), **kw), "fire-fay")
    assert v.status is Status.VOID
    q = check(v, "quorum")
    assert q.outcome is Outcome.FAILED
    assert q.detail.startswith("quorum not met: required 3 of 9 authorized seats (the statute's")
    assert q.citation.startswith("DGCL §141(b): a quorum of not less than one third")
    # At the edge: a third of 6 seats is 2, and so is a majority of the 3 in office.
    kw["seats"] = 6
    v = verdict(scenario(tmp_path / "b", regular_meeting("[ann, bob]"), **kw), "fire-fay")
    assert v.status is Status.VALID
    assert check(v, "quorum").detail == "required 2 of 3 directors in office, present 2"


# -- §141(b) act of the board: a majority of those present -----------------------------------


@pytest.mark.parametrize(
    "threshold",
    [
        "{fraction: majority, base: present}",
        "{fraction: more-than 1/2, base: present}",
        "{fraction: 2/3, base: in-office}",
        "{fraction: majority, base: authorized}",
    ],
)
def test_threshold__a_majority_of_those_present_or_more_passes(
    tmp_path: Path, threshold: str
) -> None:
    assert profile_errors(tmp_path, stock(f"thresholds:\n  default: {threshold}\n")) == []


@pytest.mark.parametrize(
    ("threshold", "field", "column"),
    [
        ("{fraction: 1/2, base: present}", "fraction", 30),
        ("{fraction: majority, base: cast}", "base", 46),
        ("{fraction: unanimous, base: cast}", "base", 47),
    ],
)
def test_threshold__below_a_majority_of_those_present_fails(
    tmp_path: Path, threshold: str, field: str, column: int
) -> None:
    (found,) = profile_errors(tmp_path, stock(f"thresholds:\n  remove-officer: {threshold}\n"))
    assert found.startswith(f"p.yaml:4:{column}: error: thresholds.remove-officer.{field}: ")
    assert "[DGCL §141(b): the act of the board is the vote of a majority" in found


def test_threshold__officer_removal_is_an_act_of_the_board_too(tmp_path: Path) -> None:
    text = stock("officer_removal:\n  threshold: {fraction: 1/2, base: present}\n")
    (found,) = profile_errors(tmp_path, text)
    assert "officer_removal.threshold.fraction" in found


def meeting_of_four(votes: str) -> str:
    return f"""
    - at: 2023-05-01T10:00:00
      kind: meeting-opened
      meeting: m1
      type: regular
      remote: false
      present: [ann, bob, cat, dan]
    - id: fire-fay
      at: 2023-05-01T10:30:00
      kind: motion
      meeting: m1
      act: remove-officer
      subject: {{person: fay, office: ceo}}
      votes: {votes}
    """


def test_threshold__nonstock_bylaw_below_majority_present_is_conditional(tmp_path: Path) -> None:
    half = "thresholds:\n  remove-officer: {fraction: 1/2, base: present}\n"
    tie = meeting_of_four("{ann: for, bob: for, cat: against, dan: against}")
    t = scenario(tmp_path, tie, files={"p.yaml": nonstock(half)}, profile="p.yaml")
    v = verdict(t, "fire-fay")
    assert v.status is Status.CONDITIONAL
    assert v.missing_facts == (
        "whether the certificate of incorporation authorises an act of the board by 1/2 of "
        "directors present (DGCL §141(j))",
    )
    # Three of four: a majority of those present as well, so it relies on nothing.
    three = meeting_of_four("{ann: for, bob: for, cat: for, dan: against}")
    t = scenario(tmp_path / "b", three, files={"p.yaml": nonstock(half)}, profile="p.yaml")
    assert verdict(t, "fire-fay").status is Status.VALID
    # Written in the certificate, the tie passes.
    cert = half.replace("present}", "present, source: certificate}")
    t = scenario(tmp_path / "c", tie, files={"p.yaml": nonstock(cert)}, profile="p.yaml")
    assert verdict(t, "fire-fay").status is Status.VALID


# -- §141(f) action without a meeting ---------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (
            "written_consent:\n  threshold: {fraction: majority, base: in-office}\n",
            "written_consent.threshold.fraction",
        ),
        (
            "written_consent:\n  threshold: {fraction: unanimous, base: present}\n",
            "written_consent.threshold.base",
        ),
        (
            "written_consent: {signers_at_least_quorum: false}\n",
            "written_consent.signers_at_least_quorum",
        ),
        ("written_consent: {in_writing: false}\n", "written_consent.in_writing"),
        ("written_consent: {max_delay_days: 61}\n", "written_consent.max_delay_days"),
        ("written_consent: {max_delay_days: null}\n", "written_consent.max_delay_days"),
        (
            "action_without_meeting:\n  allowed: true\n"
            "  threshold: {fraction: majority, base: in-office}\n",
            "action_without_meeting.threshold.fraction",
        ),
    ],
)
def test_consent__below_unanimous_written_consent_fails_for_stock(
    tmp_path: Path, body: str, where: str
) -> None:
    (found,) = profile_errors(tmp_path, stock(body))
    assert f"error: {where}: " in found
    assert "DGCL §141(f)" in found


def test_consent__sixty_days_and_unanimity_pass(tmp_path: Path) -> None:
    assert profile_errors(tmp_path, stock("written_consent: {max_delay_days: 60}\n")) == []
    text = stock("action_without_meeting:\n  allowed: true\n")  # unanimous, in writing
    assert profile_errors(tmp_path, text) == []


def test_consent__nonstock_majority_rule_is_not_an_error(tmp_path: Path) -> None:
    text = nonstock(
        "action_without_meeting:\n  allowed: true\n"
        "  threshold: {fraction: majority, base: in-office}\n"
    )
    assert profile_errors(tmp_path, text) == []


# -- §141(k) removal, §229 waiver -------------------------------------------------------------


def test_removal__a_stock_corporations_board_cannot_remove_a_director(tmp_path: Path) -> None:
    (found,) = profile_errors(tmp_path, stock("director_removal: {by: [board]}\n"))
    assert found.startswith("p.yaml:3:24: error: director_removal.by: removal of directors by")
    assert "[DGCL §141(k)" in found
    assert profile_errors(tmp_path, nonstock("director_removal: {by: [board]}\n")) == []


@pytest.mark.parametrize(
    "waiver",
    [
        "{objection: none}",
        "{objection: at-start-and-not-voting-for}",
        "{by_attendance: false}",
        "{in_writing: false}",
    ],
)
def test_waiver__section_229_is_not_the_bylaws_to_change(tmp_path: Path, waiver: str) -> None:
    (found,) = profile_errors(tmp_path, stock(f"waiver: {waiver}\n"))
    assert "[DGCL §229" in found
    assert profile_errors(tmp_path, stock("kind: none\n" + f"waiver: {waiver}\n")) == []


# -- amendments ---------------------------------------------------------------------------------


def amendment(settings: str, at_: str = "2023-04-01") -> str:
    return f"""
    - id: amend
      at: {at_}
      kind: motion
      form: written-consent
      act: amend-bylaws
      amendment: {{set: {{{settings}}}}}
    """


def test_amendment__below_a_floor_is_void_naming_the_statute(tmp_path: Path) -> None:
    """A bylaw below a statutory floor is a fact a board can adopt (Frechter v. Zier): the
    journal loads, and the act is void, citing the statute, and changes nothing."""
    t = scenario(tmp_path, amendment("quorum.fraction: 1/4"))
    v = verdict(t, "amend")
    assert v.status is Status.VOID
    floor = check(v, "amendment.floor")
    assert floor.citation.startswith("DGCL §141(b)")
    assert "a quorum of 1/4 of the authorized seats is below the statutory floor" in floor.detail
    assert t.state_at(v.at).bylaws.quorum.fraction == "majority"


@pytest.mark.parametrize(
    ("settings", "citation"),
    [
        ("director_removal.holders_fraction: two-thirds", "DGCL §141(k); Frechter v. Zier"),
        ("director_removal.holders_fraction: 1/3", "DGCL §141(k); Frechter v. Zier"),
        ("officer_removal.by: [board, stockholders]", "DGCL §141(a), §142(b); Gorman"),
    ],
)
def test_amendment__removal_votes_and_officers_are_not_the_bylaws_to_change(
    tmp_path: Path, settings: str, citation: str
) -> None:
    v = verdict(scenario(tmp_path, amendment(settings)), "amend")
    assert v.status is Status.VOID
    assert check(v, "amendment.floor").citation.startswith(citation)
    majority = verdict(
        scenario(tmp_path / "ok", amendment("director_removal.holders_fraction: majority")),
        "amend",
    )
    assert majority.status is not Status.VOID


def test_amendment__at_one_third_is_valid(tmp_path: Path) -> None:
    case, diagnostics = load(tmp_path, amendment("quorum.fraction: 1/3"))
    assert case is not None, diagnostics


def test_amendment__a_nonstock_bylaw_below_a_floor_is_conditional(tmp_path: Path) -> None:
    events = amendment("quorum.fraction: 1/4") + regular_meeting("[ann, bob]")
    t = scenario(tmp_path, events, profile="delaware-nonstock", seats=8)
    v = verdict(t, "amend")
    # Unanimity of the five in office is unknown (no signatures): judge only the floor here.
    a = check(v, "amendment.floor")
    assert a.outcome is Outcome.UNKNOWN
    assert a.missing == (
        "whether the certificate of incorporation authorises a quorum of 1/4 of the authorized "
        "seats (DGCL §141(j))",
    )


def test_amendment__cannot_change_the_kind_or_a_source(tmp_path: Path) -> None:
    for settings, key in (("kind: nonstock", "kind"), ("quorum.source: certificate", "quorum")):
        case, diagnostics = load(tmp_path / key, amendment(settings))
        assert case is None
        (found,) = rendered(diagnostics, tmp_path / key)
        assert "cannot be changed by amending the bylaws" in found


def test_amendment__replacing_the_profile_cannot_change_the_kind(tmp_path: Path) -> None:
    events = """
    - id: amend
      at: 2023-04-01
      kind: motion
      form: written-consent
      act: amend-bylaws
      amendment: {profile: delaware-nonstock}
    """
    case, diagnostics = load(tmp_path, events)
    assert case is None
    (found,) = rendered(diagnostics, tmp_path)
    assert found.startswith(
        "journal.yaml:7:26: error: a bylaws amendment cannot change kind: stock -> nonstock"
    )


# -- a majority's written consent (OpenAI's reported bylaws) ----------------------------------


def consent(signers: list[str]) -> str:
    text = textwrap.dedent("""
    - at: 2023-05-01T09:00:00
      kind: consent-circulated
      consent: c1
      acts:
        - {id: fire-fay, act: remove-officer, subject: {person: fay, office: ceo}}
    """)
    for i, person in enumerate(signers):
        text += (
            f"- {{at: 2023-05-01T1{i}:00:00, kind: consent-signed, consent: c1, by: {person}}}\n"
        )
    return text


MAJORITY_RULE_FACT = (
    "whether the certificate of incorporation authorises action without a meeting by majority "
    "of directors in office (DGCL §141(j))"
)


def test_majority_consent__adopted_at_the_last_needed_signature_conditional_on_the_certificate(
    tmp_path: Path,
) -> None:
    # Five in office: a majority is three; the third signature (12:00) adopts it.
    t = scenario(tmp_path, consent(["ann", "bob", "cat", "dan"]), profile="openai-2016-reported")
    (v,) = [x for x in t.verdicts if x.id == "fire-fay"]
    assert v.at == at("2023-05-01T12:00:00")
    assert v.form == "without-meeting"
    assert v.status is Status.CONDITIONAL
    assert v.missing_facts == (MAJORITY_RULE_FACT,)
    assert check(v, "without-meeting.threshold").outcome is Outcome.PASSED
    assert check(v, "without-meeting.certificate").citation.startswith("DGCL §141(f), (j)")
    assert t.state_at(at("2023-05-01T11:59:00")).holder("ceo") == "fay"
    assert t.state_at(at("2023-05-01T12:00:00")).holder("ceo") is None


def test_majority_consent__two_signatures_are_not_enough(tmp_path: Path) -> None:
    t = scenario(tmp_path, consent(["ann", "bob"]), profile="openai-2016-reported")
    v = verdict(t, "fire-fay")
    assert v.status is Status.FAILED
    assert v.declared == "not adopted"
    assert t.state_at(at("2023-06-01T00:00:00"), View.DE_FACTO).holder("ceo") == "fay"


def test_majority_consent__authorised_by_the_certificate_is_valid(tmp_path: Path) -> None:
    files = {
        "p.yaml": "profile: p\nextends: openai-2016-reported\n"
        "action_without_meeting: {source: certificate}\n"
    }
    t = scenario(tmp_path, consent(["ann", "bob", "cat"]), files=files, profile="p.yaml")
    v = verdict(t, "fire-fay")
    assert v.status is Status.VALID
    assert v.at == at("2023-05-01T12:00:00")


def test_majority_consent__without_the_rule_unanimity_is_needed(tmp_path: Path) -> None:
    t = scenario(tmp_path, consent(["ann", "bob", "cat", "dan"]), profile="delaware-nonstock")
    v = verdict(t, "fire-fay")
    assert v.status is Status.FAILED
    assert "consent.threshold" in failed_rules(v)


def test_majority_consent__an_informal_majority_is_conditional_too(tmp_path: Path) -> None:
    events = """
    - id: fire-fay
      at: 2023-05-01T10:30:00
      kind: motion
      form: without-meeting
      in_writing: false
      act: remove-officer
      subject: {person: fay, office: ceo}
      votes: {ann: for, bob: for, cat: for}
    """
    v = verdict(scenario(tmp_path, events, profile="openai-2016-reported"), "fire-fay")
    assert v.status is Status.CONDITIONAL
    assert v.missing_facts == (
        "whether the certificate of incorporation authorises action without a meeting by "
        "majority of directors in office, not in writing (DGCL §141(j))",
    )
    # Everyone agreeing, in writing, is a §141(f) consent: nothing to ask of the certificate.
    everyone = events.replace("in_writing: false", "in_writing: true").replace(
        "cat: for}", "cat: for, dan: for, eve: for}"
    )
    v = verdict(scenario(tmp_path / "b", everyone, profile="openai-2016-reported"), "fire-fay")
    assert v.status is Status.VALID
