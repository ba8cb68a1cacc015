"""Import a case into the store, rebuild it from the records, export its journal back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from charter.cli import app
from charter.load.canonical import format_entries
from charter.load.case import load_case
from charter.model.case import Case
from charter.model.kinds import Vote
from charter.replay import replay
from charter.store.db import EventStore
from charter.store.journal_io import (
    case_from_records,
    event_record,
    export_journal,
    import_case,
    load_org,
    records_from_case,
)

CASE_DIR = Path(__file__).resolve().parents[1] / "examples" / "openai-2023"
runner = CliRunner()


@pytest.fixture(scope="module")
def openai() -> Case:
    case, diagnostics = load_case(CASE_DIR)
    assert case is not None, diagnostics
    return case


def _json_roundtrip(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the store gives back: canonical JSON, keys sorted."""
    return [json.loads(json.dumps(r, sort_keys=True)) for r in records]


def test_import_then_export__byte_identical_to_fmt(tmp_path: Path, openai: Case) -> None:
    db = str(tmp_path / "charter.db")
    result = runner.invoke(app, ["import", str(CASE_DIR), "--db", db])
    assert result.exit_code == 0, result.output
    n = len(openai.entries)
    assert result.output == f"openai-2023: imported {n} events (and the charter) into the store\n"
    exported = runner.invoke(app, ["export", "--db", db, "--org", "openai-2023"])
    fmt = runner.invoke(app, ["fmt", str(CASE_DIR)])
    assert exported.exit_code == 0
    assert fmt.exit_code == 0
    assert exported.stdout == fmt.stdout
    out = tmp_path / "journal.yaml"
    assert runner.invoke(app, ["export", "--db", db, "--org", "openai-2023", "--out", str(out)])
    assert out.read_text(encoding="utf-8") == fmt.stdout


def test_exported_journal_reloads_to_the_same_verdicts(tmp_path: Path, openai: Case) -> None:
    store = EventStore.open(str(tmp_path / "c.db"))
    import_case(store, openai)
    case, diagnostics = load_org(store, "openai-2023")
    store.close()
    assert case is not None, diagnostics
    ours, theirs = replay(case).to_json(), replay(openai).to_json()
    for act in ours["acts"] + theirs["acts"]:
        act.pop("journal")
        for check in act["checks"]:
            check.pop("source")
    assert ours == theirs


def test_replay_from_records__verdicts_point_at_the_stored_record(openai: Case) -> None:
    records = _json_roundtrip(records_from_case(openai))
    case, diagnostics = case_from_records(records, origin="store:openai-2023")
    assert case is not None, diagnostics
    verdict = next(v for v in replay(case).verdicts if v.id == "remove-altman-ceo")
    # record 1 is the charter, so the third journal event is record 4
    assert str(verdict.source) == "store:openai-2023:4:1"


def test_import__twice_is_refused(tmp_path: Path, openai: Case) -> None:
    store = EventStore.open(str(tmp_path / "c.db"))
    records = len(openai.entries) + 1  # the charter, then each event
    assert import_case(store, openai) == ("openai-2023", records)
    with pytest.raises(ValueError, match="organisation 'openai-2023' already has a log"):
        import_case(store, openai)
    assert import_case(store, openai, "openai-copy") == ("openai-copy", records)
    assert store.orgs() == ["openai-2023", "openai-copy"]
    store.close()


def test_import_cli__existing_org_exits_1(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    assert runner.invoke(app, ["import", str(CASE_DIR), "--db", db]).exit_code == 0
    again = runner.invoke(app, ["import", str(CASE_DIR), "--db", db])
    assert again.exit_code == 1
    assert "error: organisation 'openai-2023' already has a log in this store" in again.stderr


def test_export_cli__unknown_org_and_missing_db(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    assert runner.invoke(app, ["import", str(CASE_DIR), "--db", db]).exit_code == 0
    result = runner.invoke(app, ["export", "--db", db, "--org", "nope"])
    assert result.exit_code == 1
    assert "no organisation 'nope' in the store (known: openai-2023)" in result.stderr
    missing = runner.invoke(app, ["export", "--db", str(tmp_path / "none.db"), "--org", "x"])
    assert missing.exit_code == 1
    assert "no database at" in missing.stderr


def test_import_cli__broken_case_prints_located_errors(tmp_path: Path) -> None:
    (tmp_path / "charter.yaml").write_text("charter: x\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(tmp_path), "--db", str(tmp_path / "c.db")])
    assert result.exit_code == 1
    assert "charter.yaml:1:1: error:" in result.stderr
    missing = runner.invoke(app, ["import", str(tmp_path / "no"), "--db", "x.db"])
    assert missing.exit_code == 2


def test_case_from_records__first_record_must_be_the_charter(openai: Case) -> None:
    records = records_from_case(openai)
    case, diagnostics = case_from_records(records[1:], origin="store:o")
    assert case is None
    assert [d.render() for d in diagnostics] == [
        "store:o:1:1: error: the first record of a log must be the charter"
    ]
    case, diagnostics = case_from_records([], origin="store:o")
    assert case is None
    assert diagnostics[0].message == "the log is empty: no charter record"


def test_case_from_records__bad_records_are_diagnostics_not_exceptions(openai: Case) -> None:
    records = records_from_case(openai)[:3]
    records.append({"type": "gossip"})
    records.append({"type": "event", "event": {"kind": "joined", "at": "2023-11-18"}})
    records.append(
        {
            "type": "event",
            "event": {
                "at": "2023-11-18T00:00:00+00:00",
                "kind": "left",
                "meeting": "nope",
                "person": "altman",
            },
        }
    )
    records.append(
        {
            "type": "event",
            "event": {
                "at": "2023-11-18T00:00:00+00:00",
                "kind": "resignation",
                "person": "ghost",
                "positions": ["director"],
            },
        }
    )
    records.append({"type": "service", "op": "vote-cast"})
    case, diagnostics = case_from_records(records, origin="store:o")
    assert case is None
    assert [str(d.source) for d in diagnostics] == [
        "store:o:4:1",
        "store:o:5:1",
        "store:o:6:1",
        "store:o:7:1",
    ]
    assert diagnostics[0].message == "unknown record type 'gossip'"
    assert diagnostics[1].message.startswith("bad event: joined.meeting: Field required")
    assert diagnostics[2].message == "unknown meeting 'nope'"
    assert diagnostics[3].message == "unknown person 'ghost'"


def test_case_from_records__bad_charter_record(openai: Case) -> None:
    records = records_from_case(openai)
    bad = dict(records[0], charter={"charter": "x"})
    case, diagnostics = case_from_records([bad], origin="s")
    assert case is None
    assert diagnostics[0].message.startswith("bad charter record: bylaws: Field required")
    unknown_profile = dict(records[0], bylaws="nope")
    case, diagnostics = case_from_records([unknown_profile], origin="s")
    assert diagnostics[0].message == "profile 'nope' is not embedded"


def test_charter_record__embeds_every_profile_so_replay_needs_no_files(openai: Case) -> None:
    record = records_from_case(openai)[0]
    assert record["bylaws"] == "openai-2016-reported"
    assert record["profiles"]["openai-2016-reported"]["profile"] == "openai-2016-reported"
    assert record["charter"]["charter"] == "openai-2023"


VOTES = st.dictionaries(
    st.sampled_from(["altman", "brockman", "sutskever", "dangelo", "mccauley", "toner"]),
    st.sampled_from(["for", "against", "abstain", "absent", "unknown"]),
    min_size=1,
)


@settings(max_examples=40, deadline=None)
@given(votes=VOTES)
def test_store_roundtrip__keeps_the_order_of_a_tally(openai: Case, votes: dict[str, str]) -> None:
    first = openai.entries[2]
    event = first.event.model_copy(update={"votes": {p: Vote(v) for p, v in votes.items()}})
    records = records_from_case(openai)
    records[3] = event_record(event, first.at)
    case, diagnostics = case_from_records(_json_roundtrip(records))
    assert case is not None, diagnostics
    expected = format_entries(openai.name, (*openai.entries[:2], *openai.entries[3:]))
    rebuilt = next(e for e in case.entries if e.event.id == "remove-altman-ceo")
    assert list(rebuilt.event.votes) == list(votes)  # type: ignore[arg-type]
    assert format_entries(case.name, [e for e in case.entries if e is not rebuilt]) == expected


def test_export_journal__library_api(tmp_path: Path, openai: Case) -> None:
    store = EventStore.open(str(tmp_path / "c.db"))
    import_case(store, openai, "o")
    text, diagnostics = export_journal(store, "o")
    store.close()
    assert diagnostics == []
    assert text == format_entries(openai.name, openai.entries)
