"""Every error message of the governance loader: exact text, exact line:column, and a hint.

The default charter (tests/govkit.py) puts ``timezone`` on line 2, ``bylaws`` on line 3, the
people on lines 7-14, ``board.entity`` on line 16, ``authorized_seats`` on 17, the directors on
19-23 and ``chair`` on 24.  A journal's first event is on line 2.
"""

from __future__ import annotations

from pathlib import Path

from charter.load.case import load_case
from charter.model.kinds import Status
from charter.replay import replay
from govkit import charter_text, load, rendered, write_case


def errors(
    root: Path, events: str = "", *, edits: dict[str, str] | None = None, **kw: object
) -> list[str]:
    """Load a case whose charter had ``edits`` applied; return its rendered diagnostics."""
    write_case(root, events, **kw)  # type: ignore[arg-type]
    path = root / "charter.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in (edits or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    case, diagnostics = load_case(root)
    assert case is None
    return rendered(diagnostics, root)


def test_default_charter_layout_is_what_the_line_numbers_assume() -> None:
    lines = charter_text().splitlines()
    assert lines[1] == "timezone: UTC"
    assert lines[2] == "bylaws: delaware-stock"
    assert lines[15] == "  entity: org"
    assert lines[16] == "  authorized_seats: 5"
    assert lines[19] == "    - {person: bob}"
    assert lines[23] == "  chair: ann"


def test_a_clean_case_loads(tmp_path: Path) -> None:
    case, diagnostics = load(tmp_path, "- {at: 2023-05-01, kind: announcement, by: ann, text: hi}")
    assert diagnostics == []
    assert case is not None
    assert [e.event.kind for e in case.entries] == ["announcement"]


# -- YAML ------------------------------------------------------------------------------------


def test_bad_yaml_in_the_charter(tmp_path: Path) -> None:
    assert errors(tmp_path, edits={"charter: test-org": "charter: [test-org"}) == [
        "charter.yaml:2:9: error: invalid YAML: expected ',' or ']', but got ':'\n"
        "    hint: check indentation, colons and quotes near this line"
    ]


def test_bad_yaml_in_the_journal(tmp_path: Path) -> None:
    assert errors(tmp_path, "- {at: 2023-05-01, kind: announcement\n  by: ann}") == [
        "journal.yaml:3:7: error: invalid YAML: expected ',' or '}', but got ':'\n"
        "    hint: check indentation, colons and quotes near this line"
    ]


def test_duplicate_yaml_key(tmp_path: Path) -> None:
    (found,) = errors(tmp_path, edits={"timezone: UTC": "timezone: UTC\ntimezone: UTC"})
    assert found.startswith("charter.yaml:3:1: error: invalid YAML: duplicate key")
    assert found.endswith("hint: each key may appear once in a mapping")


SYNTAX_HINT = "\n    hint: check indentation, colons and quotes near this line"


def test_bad_yaml_does_not_hide_an_error_in_another_block(tmp_path: Path) -> None:
    """A syntax error in ``people:`` and a misspelt key under ``board:``: both, in one run."""
    edits = {"  - {id: bob, name: Bob}": "  - {id: bob, name: Bob", "authorized_seats": "seats"}
    assert errors(tmp_path, edits=edits) == [
        "charter.yaml:16:3: error: missing required key 'authorized_seats'\n"
        "    hint: add 'authorized_seats:' here",
        "charter.yaml:17:3: error: unknown key 'seats'\n"
        "    hint: allowed keys here: authorized_seats, chair, directors, elected_seats, entity, "
        "note, source",
        "charter.yaml:9:5: error: invalid YAML: expected ',' or '}', but got '{'" + SYNTAX_HINT,
    ]


def test_two_syntax_errors_in_two_blocks_are_both_reported(tmp_path: Path) -> None:
    edits = {
        "  - {id: bob, name: Bob}": "  - {id: bob name: Bob}",
        "  - {office: cfo, holder: gus}": "  - {office: cfo, holder: gus",
    }
    assert errors(tmp_path, edits=edits) == [
        "charter.yaml:27:30: error: invalid YAML: expected ',' or '}', but got the end of the "
        "entry" + SYNTAX_HINT,
        "charter.yaml:8:18: error: invalid YAML: expected ',' or '}', but got ':'" + SYNTAX_HINT,
    ]


def test_an_unclosed_bracket_is_blamed_once_and_the_next_blocks_are_still_checked(
    tmp_path: Path,
) -> None:
    """``[UTC`` swallows the next line: the parser stops on line 3, in the next block; that
    block is still read on its own, and an error further down is found too."""
    edits = {"timezone: UTC": "timezone: [UTC", "  chair: ann": "  chair: ann\n  chiar: x"}
    assert errors(tmp_path, edits=edits) == [
        "charter.yaml:25:3: error: unknown key 'chiar'\n    hint: did you mean 'chair'?",
        "charter.yaml:3:7: error: invalid YAML: expected ',' or ']', but got ':'" + SYNTAX_HINT,
    ]


def test_bad_indentation_in_one_block_and_an_unknown_top_level_key(tmp_path: Path) -> None:
    edits = {
        "  entity: org": "  entity: org\n authorized: 3",
        "timezone:": "colour: red\ntimezone:",
    }
    (indent, colour) = errors(tmp_path, edits=edits)
    assert indent.startswith("charter.yaml:18:2: error: invalid YAML: expected <block end>")
    assert colour.startswith("charter.yaml:2:1: error: unknown key 'colour'")


def test_bad_yaml_in_one_event_does_not_hide_the_errors_of_the_others(tmp_path: Path) -> None:
    """Events are recovered one by one: each keeps its index (``events[2]``) and its lines."""
    events = """\
        - {at: 2023-05-01, kind: announcement, by: ann, text: hi
        - {at: 2023-05-02, kind: announcement, by: ann, txt: hi}
        - {at: 2023-05-03, kind: anouncement, by: ann, text: hi}
        - at: 2023-05-04
          kind: announcement
          by: ann
          text: [hi
        - {at: 2023-05-05, kind: announcement, by: bob, text: fine}
        - {at: 2023-02-30, kind: announcement, by: bob, text: no such day}
        """
    assert errors(tmp_path, events) == [
        "journal.yaml:10:10: error: impossible date or time '2023-02-30': day is out of range "
        "for month\n    hint: use a real calendar date and a time from 00:00:00 to 23:59:59",
        "journal.yaml:3:51: error: unknown key 'txt'\n    hint: did you mean 'text'?",
        "journal.yaml:3:5: error: invalid YAML: expected ',' or '}', but got '{'" + SYNTAX_HINT,
        "journal.yaml:3:5: error: missing required key 'text'\n    hint: add 'text:' here",
        "journal.yaml:4:5: error: events[2]: unknown kind 'anouncement'\n"
        "    hint: did you mean 'announcement'?",
        "journal.yaml:8:14: error: invalid YAML: expected ',' or ']', but got the end of the "
        "entry" + SYNTAX_HINT,
    ]


def test_bad_yaml_in_the_journals_header_and_an_error_in_an_event(tmp_path: Path) -> None:
    journal = "journal: [x\nevents:\n  - {at: 2023-05-01, kind: announcement, by: ann, txt: hi}\n"
    assert errors(tmp_path, journals={"journal.yaml": journal}) == [
        "journal.yaml:2:7: error: invalid YAML: expected ',' or ']', but got ':'" + SYNTAX_HINT,
        "journal.yaml:3:51: error: unknown key 'txt'\n    hint: did you mean 'text'?",
        "journal.yaml:3:5: error: missing required key 'text'\n    hint: add 'text:' here",
    ]


# -- schema ----------------------------------------------------------------------------------


def test_unknown_key_in_the_charter_with_did_you_mean(tmp_path: Path) -> None:
    assert errors(tmp_path, edits={"people:": "peeple:"}) == [
        "charter.yaml:1:1: error: missing required key 'people'\n    hint: add 'people:' here",
        "charter.yaml:6:1: error: unknown key 'peeple'\n    hint: did you mean 'people'?",
    ]


def test_an_invalid_charter_does_not_hide_its_journals_errors(tmp_path: Path) -> None:
    found = errors(
        tmp_path,
        "- {at: 2023-05-01, kind: announcement, by: ann, txt: hi}",
        edits={"people:": "peeple:"},
    )
    assert [f.split(": error: ")[0] for f in found] == [
        "charter.yaml:1:1",
        "charter.yaml:6:1",
        "journal.yaml:2:51",
        "journal.yaml:2:5",
    ]


def test_unknown_key_in_an_event_with_did_you_mean(tmp_path: Path) -> None:
    assert errors(tmp_path, "- {at: 2023-05-01, kind: announcement, by: ann, txt: hi}") == [
        "journal.yaml:2:51: error: unknown key 'txt'\n    hint: did you mean 'text'?",
        "journal.yaml:2:5: error: missing required key 'text'\n    hint: add 'text:' here",
    ]


def test_unknown_event_kind(tmp_path: Path) -> None:
    assert errors(tmp_path, "- {at: 2023-05-01, kind: anouncement, by: ann, text: hi}") == [
        "journal.yaml:2:5: error: events[0]: unknown kind 'anouncement'\n"
        "    hint: did you mean 'announcement'?"
    ]


def test_unknown_act_kind(tmp_path: Path) -> None:
    events = """
    - id: x
      at: 2023-05-01
      kind: motion
      form: without-meeting
      act: remove-oficer
      subject: {person: fay, office: ceo}
    """
    (found,) = errors(tmp_path, events)
    assert found.startswith(
        "journal.yaml:6:10: error: events[0].act: 'remove-oficer' is not one of the "
        "allowed values\n    hint: did you mean 'remove-officer'? allowed: 'remove-officer', "
    )


def test_act_without_its_subject(tmp_path: Path) -> None:
    events = "- {id: x, at: 2023-05-01, kind: motion, form: without-meeting, act: remove-officer}"
    assert errors(tmp_path, events) == [
        "journal.yaml:2:5: error: act 'remove-officer' needs subject.office\n"
        "    hint: add the office, e.g. 'subject: {person: ID, office: ceo}'",
        "journal.yaml:2:5: error: act 'remove-officer' needs subject.person\n"
        "    hint: add 'subject: {person: ID}'",
    ]


# -- times -----------------------------------------------------------------------------------


def test_impossible_date(tmp_path: Path) -> None:
    assert errors(tmp_path, "- {at: 2023-02-30T10:00:00, kind: announcement, by: a, text: b}") == [
        "journal.yaml:2:10: error: impossible date or time '2023-02-30T10:00:00': day is out "
        "of range for month\n"
        "    hint: use a real calendar date and a time from 00:00:00 to 23:59:59"
    ]


def test_impossible_hour_every_one_reported(tmp_path: Path) -> None:
    events = """
    - {at: 2023-05-01T25:00:00, kind: announcement, by: ann, text: b}
    - {at: 2023-05-31, kind: announcement, by: ann, text: b}
    - {at: 2023-06-31, kind: announcement, by: ann, text: b}
    """
    assert errors(tmp_path, events) == [
        "journal.yaml:2:10: error: impossible date or time '2023-05-01T25:00:00': hour must "
        "be in 0..23\n"
        "    hint: use a real calendar date and a time from 00:00:00 to 23:59:59",
        "journal.yaml:4:10: error: impossible date or time '2023-06-31': day is out of range "
        "for month\n"
        "    hint: use a real calendar date and a time from 00:00:00 to 23:59:59",
    ]


def test_events_out_of_time_order(tmp_path: Path) -> None:
    events = """
    - {at: 2023-05-02, kind: announcement, by: ann, text: b}
    - {at: 2023-05-01T12:00:00, kind: announcement, by: ann, text: b}
    """
    assert errors(tmp_path, events) == [
        "journal.yaml:3:10: error: event out of time order: 2023-05-01T12:00:00+00:00 is before "
        "the previous event's 2023-05-02T00:00:00+00:00\n"
        "    hint: write events in time order (or fix the date)"
    ]


def test_unknown_timezone(tmp_path: Path) -> None:
    assert errors(tmp_path, timezone="Mars/Olympus_Mons") == [
        "charter.yaml:2:11: error: unknown timezone 'Mars/Olympus_Mons'\n"
        "    hint: use an IANA name such as 'America/Los_Angeles' or 'UTC'"
    ]


# -- references ------------------------------------------------------------------------------


def test_unknown_person_in_the_board(tmp_path: Path) -> None:
    assert errors(tmp_path, edits={"{person: bob}": "{person: bobby}"}) == [
        "charter.yaml:20:16: error: unknown person 'bobby'\n    hint: did you mean 'bob'?"
    ]


def test_unknown_person_in_a_vote(tmp_path: Path) -> None:
    events = """
    - id: x
      at: 2023-05-01
      kind: motion
      form: without-meeting
      act: remove-officer
      subject: {person: fay, office: ceo}
      votes: {ann: for, zed: against}
    """
    assert errors(tmp_path, events) == [
        "journal.yaml:8:23: error: unknown person 'zed'\n"
        "    hint: define person 'zed' first under people: in charter"
    ]


def test_unknown_meeting(tmp_path: Path) -> None:
    assert errors(tmp_path, "- {at: 2023-05-01, kind: joined, meeting: m9, person: ann}") == [
        "journal.yaml:2:45: error: unknown meeting 'm9'\n"
        "    hint: define meeting 'm9' first with a 'meeting-opened' event"
    ]


def test_unknown_consent_signed_or_adopted(tmp_path: Path) -> None:
    events = """
    - {at: 2023-05-01, kind: consent-signed, consent: c9, by: ann}
    - {at: 2023-05-02, kind: consent-adopted, consent: c9}
    """
    assert errors(tmp_path, events) == [
        "journal.yaml:2:53: error: unknown consent 'c9'\n"
        "    hint: define consent 'c9' first with a 'consent-circulated' event",
        "journal.yaml:3:54: error: unknown consent 'c9'\n"
        "    hint: define consent 'c9' first with a 'consent-circulated' event",
    ]


def test_unknown_entity(tmp_path: Path) -> None:
    assert errors(tmp_path, edits={"entity: org": "entity: orgg"}) == [
        "charter.yaml:16:11: error: unknown entity 'orgg'\n    hint: did you mean 'org'?"
    ]


def test_meeting_referenced_before_it_opens(tmp_path: Path) -> None:
    events = """
    - {at: 2023-05-01T09:00:00, kind: joined, meeting: m1, person: ann}
    - {at: 2023-05-01T10:00:00, kind: meeting-opened, meeting: m1, present: [bob]}
    """
    assert errors(tmp_path, events) == [
        "journal.yaml:2:54: error: meeting 'm1' has not opened yet at 2023-05-01T09:00:00+00:00\n"
        "    hint: a 'meeting-opened' event must come first (check the times)"
    ]


def test_meeting_referenced_after_it_closed(tmp_path: Path) -> None:
    events = """
    - {at: 2023-05-01T10:00:00, kind: meeting-opened, meeting: m1, present: [bob]}
    - {at: 2023-05-01T11:00:00, kind: meeting-closed, meeting: m1}
    - {at: 2023-05-01T12:00:00, kind: left, meeting: m1, person: bob}
    """
    (found,) = errors(tmp_path, events)
    assert found.startswith(
        "journal.yaml:4:52: error: meeting 'm1' already closed at 2023-05-01T11:00:00+00:00 ("
    )
    assert found.endswith(
        "journal.yaml:3:5)\n"
        "    hint: move the event before the meeting closes, or open a new meeting"
    )


def test_consent_signed_before_it_is_circulated(tmp_path: Path) -> None:
    events = """
    - {at: 2023-05-01T09:00:00, kind: consent-signed, consent: c1, by: ann}
    - at: 2023-05-01T10:00:00
      kind: consent-circulated
      consent: c1
      acts: [{act: remove-chair}]
    """
    assert errors(tmp_path, events) == [
        "journal.yaml:2:62: error: consent 'c1' has not been circulated yet at "
        "2023-05-01T09:00:00+00:00\n"
        "    hint: a 'consent-circulated' event must come first (check the times)"
    ]


def test_duplicate_ids(tmp_path: Path) -> None:
    events = """
    - {id: x, at: 2023-05-01, kind: announcement, by: ann, text: b}
    - {id: x, at: 2023-05-02, kind: announcement, by: ann, text: b}
    """
    found = errors(tmp_path, events, edits={"{id: cat, name: Cat}": "{id: bob, name: Cat}"})
    assert found == [
        "charter.yaml:21:16: error: unknown person 'cat'\n    hint: define person 'cat' first",
        "charter.yaml:9:10: error: duplicate id 'bob'\n"
        "    hint: every id must be unique within the case",
        "journal.yaml:3:10: error: duplicate id 'x'\n"
        "    hint: first used at journal.yaml:2:10; ids must be unique in a case",
    ]


# -- board -----------------------------------------------------------------------------------


def test_chair_not_a_director(tmp_path: Path) -> None:
    assert errors(tmp_path, chair="hal") == [
        "charter.yaml:24:10: error: chair 'hal' is not a director\n"
        "    hint: the chair must be one of board.directors"
    ]


def test_more_directors_than_seats(tmp_path: Path) -> None:
    assert errors(tmp_path, seats=4) == [
        "charter.yaml:17:21: error: 5 directors but only 4 authorized seats\n"
        "    hint: raise authorized_seats or list fewer directors"
    ]


def test_all_charter_errors_at_once(tmp_path: Path) -> None:
    found = errors(tmp_path, seats=4, chair="hal", timezone="Nowhere/Town")
    assert [f.split(": error: ")[0] for f in found] == [
        "charter.yaml:17:21",
        "charter.yaml:24:10",
        "charter.yaml:2:11",
    ]


# -- bylaws profiles -------------------------------------------------------------------------


def test_unknown_bylaws_profile_with_did_you_mean(tmp_path: Path) -> None:
    assert errors(tmp_path, profile="delaware-stok") == [
        "charter.yaml:3:9: error: unknown bylaws profile 'delaware-stok'\n"
        "    hint: did you mean 'delaware-stock'?"
    ]


def test_unknown_bylaws_profile_without_a_guess_lists_the_shipped_ones(tmp_path: Path) -> None:
    assert errors(tmp_path, profile="bermuda") == [
        "charter.yaml:3:9: error: unknown bylaws profile 'bermuda'\n"
        "    hint: use a shipped profile (delaware-nonstock, delaware-pbc, delaware-stock, "
        "openai-2016-reported, roberts-rules) or a file"
    ]


def test_unknown_profile_given_on_the_command_line(tmp_path: Path) -> None:
    write_case(tmp_path)
    case, diagnostics = load_case(tmp_path, bylaws="roberts-rule")
    assert case is None
    assert [d.render() for d in diagnostics] == [
        "roberts-rule:1:1: error: unknown bylaws profile 'roberts-rule'\n"
        "    hint: did you mean 'roberts-rules'?"
    ]


def test_bad_threshold_fraction_in_a_profile_file(tmp_path: Path) -> None:
    profile = """\
    profile: mine
    extends: delaware-stock
    thresholds:
      default: {fraction: 3/2, base: present}
      remove-officer: {fraction: two-third, base: cast}
    quorum: {fraction: banana}
    """
    found = errors(tmp_path, profile="mine.yaml", files={"mine.yaml": profile})
    assert found == [
        "mine.yaml:4:23: error: thresholds.default.fraction: '3/2' is outside (0, 1]\n"
        "    hint: a fraction of a body is between 0 and 1",
        "mine.yaml:5:30: error: thresholds.remove-officer.fraction: 'two-third' is not a "
        "fraction\n"
        "    hint: use majority, two-thirds, unanimous, 'N/D' (at least) or 'more-than N/D'",
        "mine.yaml:6:20: error: quorum.fraction: 'banana' is not a fraction\n"
        "    hint: use majority, two-thirds, unanimous, 'N/D' (at least) or 'more-than N/D'",
    ]


def test_unknown_act_kind_in_profile_thresholds(tmp_path: Path) -> None:
    profile = """\
    profile: mine
    thresholds:
      remove-oficer: {fraction: two-thirds, base: cast}
    """
    assert errors(tmp_path, profile="mine.yaml", files={"mine.yaml": profile}) == [
        "mine.yaml:3:3: error: thresholds: unknown act kind 'remove-oficer'\n"
        "    hint: did you mean 'remove-officer'?"
    ]


def test_profile_extends_an_unknown_profile(tmp_path: Path) -> None:
    profile = "profile: mine\nextends: delaware-stok\n"
    assert errors(tmp_path, profile="mine.yaml", files={"mine.yaml": profile}) == [
        "mine.yaml:2:10: error: unknown bylaws profile 'delaware-stok'\n"
        "    hint: did you mean 'delaware-stock'?"
    ]


def test_profile_that_extends_itself(tmp_path: Path) -> None:
    files = {"a.yaml": "profile: a\nextends: b.yaml\n", "b.yaml": "profile: b\nextends: a.yaml\n"}
    (found,) = errors(tmp_path, profile="a.yaml", files=files)
    assert found.endswith(
        "error: profile extends itself through 'a.yaml'\n    hint: remove the cycle in 'extends'"
    )


def test_amendment_of_a_parameter_that_does_not_exist(tmp_path: Path) -> None:
    events = """
    - id: amend
      at: 2023-05-01
      kind: motion
      form: written-consent
      act: amend-bylaws
      amendment: {set: {quorum.fractoin: 1/3}}
    """
    assert errors(tmp_path, events) == [
        "journal.yaml:7:22: error: no bylaws parameter 'quorum.fractoin'\n"
        "    hint: name a parameter of the profile, e.g. 'quorum.fraction'"
    ]


# -- votes by people who are not directors: judged, never an error of the journal ----------


def test_a_vote_by_someone_who_is_not_a_director(tmp_path: Path) -> None:
    events = """
    - at: 2023-05-01T10:00:00
      kind: meeting-opened
      meeting: m1
      type: regular
      present: [ann, bob, cat, hal]
    - id: x
      at: 2023-05-01T10:30:00
      kind: motion
      meeting: m1
      act: remove-officer
      subject: {person: fay, office: ceo}
      votes: {ann: for, bob: for, cat: for, hal: for}
    """
    write_case(tmp_path, events)
    case, diagnostics = load_case(tmp_path)
    assert diagnostics == []
    assert case is not None
    timeline = replay(case)
    assert timeline.diagnostics == ()
    v = timeline.verdicts[0]
    assert v.status is Status.VALID_WITH_WARNINGS
    c = next(c for c in v.checks if c.rule == "votes.not-directors")
    assert c.detail == (
        "vote by hal disregarded: not a director at 2023-05-01 10:30 "
        "(only directors in office vote; not counted)"
    )


def test_a_vote_by_a_director_who_has_resigned(tmp_path: Path) -> None:
    events = """
    - {at: 2023-05-01T09:00:00, kind: resignation, person: bob, positions: [director]}
    - id: x
      at: 2023-05-01T10:30:00
      kind: motion
      form: without-meeting
      act: remove-officer
      subject: {person: fay, office: ceo}
      votes: {ann: for, bob: for}
    """
    write_case(tmp_path, events)
    case, _ = load_case(tmp_path)
    assert case is not None
    timeline = replay(case)
    assert timeline.diagnostics == ()
    v = timeline.verdicts[-1]
    c = next(c for c in v.checks if c.rule == "votes.not-directors")
    assert c.detail.startswith(
        "vote by bob disregarded: not a director at 2023-05-01 10:30, resigned, "
        "effective 2023-05-01 09:00"
    )


def test_loader__a_meeting_opened_twice(tmp_path: Path) -> None:
    events = """
    - {at: 2023-05-01T10:00:00, kind: meeting-opened, meeting: m1}
    - {at: 2023-05-02T10:00:00, kind: meeting-opened, meeting: m1}
    """
    case, diagnostics = load(tmp_path, events)
    assert case is None
    assert rendered(diagnostics, tmp_path) == [
        "journal.yaml:3:62: error: meeting 'm1' is opened twice\n"
        "    hint: first opened at journal.yaml:2:5; give each meeting its own id"
    ]


def test_profile__an_override_cites_the_overriding_profile_not_the_template(
    tmp_path: Path,
) -> None:
    """A profile that changes the notice lead time without a citation of its own must not be
    cited with the template's "24 hours" (issue 12)."""
    from charter.load.profiles import load_profile

    path = tmp_path / "slow-notice.yaml"
    path.write_text(
        "profile: slow-notice\n"
        "extends: delaware-stock\n"
        "notice:\n"
        "  special:\n"
        "    lead_time_hours: {personal: 48, phone: 48, email: 48, mail: 96}\n",
        encoding="utf-8",
    )
    bylaws, diagnostics = load_profile(str(path))
    assert bylaws is not None, diagnostics
    citation = bylaws.notice.special.citation
    assert "24 hours" not in citation
    assert citation == "slow-notice: lead_time_hours as this profile sets them"
    untouched, _ = load_profile("delaware-stock")
    assert untouched is not None
    assert bylaws.waiver.citation == untouched.waiver.citation  # what it did not change


def test_profile__an_override_with_its_own_citation_keeps_it(tmp_path: Path) -> None:
    from charter.load.profiles import load_profile

    path = tmp_path / "p.yaml"
    path.write_text(
        "profile: p\nextends: delaware-stock\nnotice:\n  special:\n"
        "    lead_time_hours: {email: 48}\n    citation: 'Bylaws art. 3.4: 48 hours'\n",
        encoding="utf-8",
    )
    bylaws, diagnostics = load_profile(str(path))
    assert bylaws is not None, diagnostics
    assert bylaws.notice.special.citation == "Bylaws art. 3.4: 48 hours"


def test_a_mistyped_act_is_never_offered_an_act_no_file_writes(tmp_path: Path) -> None:
    """'resign' and 'restructure' are made from events of their own: a hint that offered them
    would lead to the next error."""
    events = """
    - {id: x, at: 2023-04-01, kind: motion, form: written-consent, act: resgn}
    """
    case, diagnostics = load(tmp_path, events)
    assert case is None
    (found,) = rendered(diagnostics, tmp_path)
    assert "'resgn' is not one of the allowed values" in found
    assert "resign" not in found.replace("'resgn'", "")
    assert "restructure" not in found
    assert "'approve-minutes'" in found
