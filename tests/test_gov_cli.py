"""The governance commands (check, replay, state) end to end, and the bundled OpenAI 2023 case.

What the bundled case must show (shared/facts/openai-2023.md): under the bylaws as Wired
reported them the 17 November removal of Altman as CEO is ``conditional`` (the tally and the form
of the action are not public); under Delaware defaults it is ``void`` (no notice reached Brockman,
and a written consent was not unanimous); de facto Murati was CEO on 18 November and Altman again
on 30 November, with Taylor (chair), Summers and D'Angelo on the board.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from charter.cli import app
from govkit import write_case

CASE = Path(__file__).resolve().parent.parent / "examples" / "openai-2023"
runner = CliRunner()

REPLAY_ACT_KEYS = {"id", "at", "kind", "subject", "status", "checks", "missing_facts"}
CHECK_KEYS = {"rule", "citation", "passed", "severity", "detail", "source"}


def run(*args: str) -> Any:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


def replay_json(bylaws: str) -> dict[str, Any]:
    result = run("replay", str(CASE), "--bylaws", bylaws, "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def act(data: dict[str, Any], act_id: str) -> dict[str, Any]:
    (found,) = [a for a in data["acts"] if a["id"] == act_id]
    return found


def state_json(at: str, view: str, *extra: str) -> dict[str, Any]:
    result = run("state", str(CASE), "--at", at, "--view", view, "--json", *extra)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


# -- the bundled case ------------------------------------------------------------------------


def test_openai__replay_json_schema() -> None:
    data = replay_json("openai-2016-reported")
    assert data["profile"] == "openai-2016-reported"
    assert data["acts"], "no acts replayed"
    for a in data["acts"]:
        assert set(a) >= REPLAY_ACT_KEYS
        assert "person" in a["subject"]
        assert set(a["subject"]) <= {"person", "office", "seat"}
        for c in a["checks"]:
            assert set(c) == CHECK_KEYS
            assert c["passed"] in (True, False, None)
            assert c["severity"] in ("failed", "void", "voidable", "warning")
            assert c["source"].startswith(
                (str(CASE / "journal.yaml") + ":", str(CASE / "journal-2024-2026.yaml") + ":")
            )


def test_openai__removal_as_ceo_is_conditional_under_the_reported_bylaws() -> None:
    a = act(replay_json("openai-2016-reported"), "remove-altman-ceo")
    assert a["kind"] == "remove-officer"
    assert a["subject"] == {"person": "altman", "office": "ceo"}
    assert a["at"] == "2023-11-17T12:00:00-08:00"
    assert a["status"] == "conditional"
    # Not notice: the reported bylaws let a majority act without it; what is missing is the tally.
    assert "the tally (votes of altman, dangelo, mccauley, sutskever, toner)" in a["missing_facts"]
    assert "form of the action (meeting, written consent or informal)" in a["missing_facts"]
    notice = [c for c in a["checks"] if c["rule"] == "notice.special-meeting"]
    assert [c["passed"] for c in notice] == [True]


@pytest.mark.parametrize("profile", ["delaware-stock", "delaware-nonstock"])
def test_openai__removal_as_ceo_is_void_under_delaware(profile: str) -> None:
    a = act(replay_json(profile), "remove-altman-ceo")
    assert a["status"] == "void"
    assert a["missing_facts"] == []
    failed = {c["rule"]: c["detail"] for c in a["checks"] if c["passed"] is False}
    # Whatever the form: at a meeting, Brockman had no notice; by consent, it was not unanimous;
    # informally, Delaware does not allow it.
    assert failed == {
        "notice.special-meeting": "if at a meeting: remove-officer altman as ceo at special "
        "meeting meet-2023-11-17: notice required to each of 6 directors; not given and not "
        "waived for 1: brockman (no notice recorded, absent); not known for altman (no notice "
        "recorded; only a private message from sutskever (text), which is not a notice; "
        "attended, but whether they objected at the start is not recorded); dangelo, mccauley, "
        "sutskever, toner (no notice recorded; attended, but whether they objected at the start "
        "is not recorded)",
        "consent.threshold": "if by written consent: remove-officer altman as ceo by written "
        "consent: needs unanimous of directors in office (6 of 6); signed: 0; not signed by "
        "brockman; unknown for altman, dangelo, mccauley, sutskever, toner",
        "without-meeting.allowed": "if without a meeting: remove-officer altman as ceo: action "
        "without a meeting is not allowed by this profile; expected a vote at a duly called "
        "meeting",
    }


def test_openai__every_seventeen_november_act_under_each_profile() -> None:
    acts = (
        "remove-altman-ceo",
        "remove-altman-director",
        "remove-brockman-chair",
        "remove-brockman-director",
        "appoint-murati-ceo",
    )
    for profile, status in (
        ("openai-2016-reported", "conditional"),
        ("delaware-stock", "void"),
        ("delaware-nonstock", "void"),
        ("roberts-rules", "void"),
    ):
        data = replay_json(profile)
        assert {act(data, a)["status"] for a in acts} == {status}, profile


def test_openai__de_facto_state_on_18_november() -> None:
    s = state_json("2023-11-18", "de-facto")
    assert s["view"] == "de-facto"
    assert s["at"] == "2023-11-18T23:59:59.999999-08:00"
    assert s["officers"]["ceo"] == "murati"
    assert s["directors"] == ["dangelo", "mccauley", "sutskever", "toner"]
    assert s["chair"] is None
    assert "president" not in s["officers"]  # Brockman quit on the 17th


def test_openai__de_facto_state_on_30_november() -> None:
    s = state_json("2023-11-30", "de-facto")
    assert s["officers"]["ceo"] == "altman"
    assert s["officers"]["president"] == "brockman"
    assert s["directors"] == ["dangelo", "summers", "taylor"]
    assert s["chair"] == "taylor"


def test_openai__de_jure_under_delaware_altman_never_left() -> None:
    # The removal was void: de jure Altman stayed CEO and a director on the 18th.
    s = state_json("2023-11-18", "de-jure", "--bylaws", "delaware-stock")
    assert s["officers"]["ceo"] == "altman"
    assert s["chair"] == "brockman"
    assert "altman" in s["directors"]
    assert "brockman" in s["directors"]
    assert s["profile"] == "delaware-stock"


def test_openai__state_json_schema() -> None:
    s = state_json("2023-11-18", "de-facto")
    assert {"at", "directors", "chair", "officers", "agreements", "authorized_seats"} <= set(s)
    assert s["agreements"]["microsoft-ip-licence"]["excludes_after_agi"] is True


def test_openai__replay_text_output() -> None:
    result = run("replay", str(CASE))
    assert result.exit_code == 0
    assert "remove-altman-ceo" in result.stdout
    assert "conditional" in result.stdout


def test_openai__check_is_clean() -> None:
    result = run("check", str(CASE))
    assert result.exit_code == 0
    assert result.stdout == "ok: 1 path checked, no errors\n"


# -- check: exit codes and output ------------------------------------------------------------


def test_check__input_errors_exit_1_with_all_errors_located(tmp_path: Path) -> None:
    events = """
    - {at: 2023-05-02, kind: announcement, by: ann, text: b}
    - {at: 2023-05-01, kind: anouncement, by: ann, text: b}
    - {at: 2023-02-30, kind: announcement, by: ann, text: b}
    """
    write_case(tmp_path, events, seats=4)
    result = run("check", str(tmp_path))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines == [
        f"{tmp_path}/charter.yaml:17:21: error: 5 directors but only 4 authorized seats",
        "    hint: raise authorized_seats or list fewer directors",
        # an impossible date no longer hides the other events' errors
        f"{tmp_path}/journal.yaml:3:5: error: events[1]: unknown kind 'anouncement'",
        "    hint: did you mean 'announcement'?",
        f"{tmp_path}/journal.yaml:4:10: error: impossible date or time '2023-02-30': day is "
        "out of range for month",
        "    hint: use a real calendar date and a time from 00:00:00 to 23:59:59",
        "3 errors found",
    ]
    assert result.stdout == ""


def test_check__json_output(tmp_path: Path) -> None:
    write_case(tmp_path, chair="hal")
    result = run("check", str(tmp_path), "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "ok": False,
        "diagnostics": [
            {
                "path": str(tmp_path / "charter.yaml"),
                "line": 24,
                "column": 10,
                "level": "error",
                "message": "chair 'hal' is not a director",
                "hint": "the chair must be one of board.directors",
            }
        ],
    }


def test_check__a_vote_by_a_non_director_is_judged_not_an_error(tmp_path: Path) -> None:
    # Who is a director is a consequence of the replay: the vote is disregarded and said.
    events = """
    - id: x
      at: 2023-05-01T10:30:00
      kind: motion
      form: without-meeting
      act: remove-officer
      subject: {person: fay, office: ceo}
      votes: {ann: for, hal: for}
    """
    write_case(tmp_path, events)
    result = run("check", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    result = run("replay", str(tmp_path), "--json")
    assert result.exit_code == 0, result.stderr
    (act,) = json.loads(result.stdout)["acts"]
    (c,) = [c for c in act["checks"] if c["rule"] == "votes.not-directors"]
    assert c["detail"].startswith("vote by hal disregarded: not a director at 2023-05-01 10:30")


def test_check__single_files(tmp_path: Path) -> None:
    write_case(tmp_path, "- {at: 2023-05-01, kind: joined, meeting: m9, person: ann}")
    result = run("check", str(tmp_path / "journal.yaml"))
    assert result.exit_code == 1
    assert "unknown meeting 'm9'" in result.stderr
    result = run("check", str(tmp_path / "charter.yaml"))
    assert result.exit_code == 0
    (tmp_path / "mine.yaml").write_text("profile: mine\nquorum: {fraction: banana}\n")
    result = run("check", str(tmp_path / "mine.yaml"))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{tmp_path}/mine.yaml:2:20: error: quorum.fraction: 'banana' is not a fraction"
    )
    (tmp_path / "other.yaml").write_text("hello: world\n")
    result = run("check", str(tmp_path / "other.yaml"))
    assert result.exit_code == 1
    assert "not a Charter file" in result.stderr


def test_check__usage_errors_exit_2(tmp_path: Path) -> None:
    result = run("check", str(tmp_path / "missing"))
    assert result.exit_code == 2
    assert "no such file or directory" in result.stderr
    assert run("check").exit_code == 2
    assert run("replay", str(CASE), "--frobnicate").exit_code == 2


def test_state__bad_time_and_view_are_usage_errors() -> None:
    result = run("state", str(CASE), "--at", "2023-11-31")
    assert result.exit_code == 2
    assert "'2023-11-31' is not a date or time" in result.stderr
    assert run("state", str(CASE), "--at", "2023-11-18", "--view", "de-luxe").exit_code == 2


def test_replay__unknown_profile_option(tmp_path: Path) -> None:
    # A bad option value is a usage error (exit 2), with the loader's did-you-mean.
    result = run("replay", str(CASE), "--bylaws", "delaware-stok")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:2] == [
        "error: unknown bylaws profile 'delaware-stok'",
        "    hint: did you mean 'delaware-stock'?",
    ]


def test_replay__what_if_file(tmp_path: Path) -> None:
    # What if every director had been sent notice by email the day before?
    what_if = tmp_path / "notice.yaml"
    what_if.write_text(
        "events:\n"
        "  - {at: 2023-11-16T09:00:00, kind: notice, meeting: meet-2023-11-17,\n"
        "     to: [altman, brockman, sutskever, dangelo, mccauley, toner], channel: email}\n"
    )
    result = run(
        "replay", str(CASE), "--bylaws", "delaware-stock", "--with", str(what_if), "--json"
    )
    assert result.exit_code == 0, result.output
    a = act(json.loads(result.stdout), "remove-altman-ceo")
    notice = [c for c in a["checks"] if c["rule"] == "notice.special-meeting"]
    assert [c["passed"] for c in notice] == [True]
