"""``charter checkpoint`` and ``charter verify`` at their edges (issue "Nothing lost, nothing
read, nothing frozen", items 14 and 15): no traceback when the checkpoint file cannot be
written, and an inserted row reported where docs/cli.md says (at the foreign row)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter.cli import app
from charter.store.db import EventStore
from charter.store.verify import verify_log

runner = CliRunner()


def _fill(db: Path, n: int = 5) -> None:
    with EventStore.open(str(db)) as store:
        store.append_many("acme", [{"kind": "vote", "n": i} for i in range(n)])


def test_checkpoint__out_in_a_missing_directory_is_refused_before_signing(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    _fill(db)
    out = tmp_path / "missing-dir" / "x.json"
    key = tmp_path / "signing.key"
    args = ["checkpoint", "--db", str(db), "--org", "acme", "--out", str(out), "--key", str(key)]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert f"error: cannot write the checkpoint to {out}: no directory {out.parent}" in (
        result.output
    )
    with EventStore.open(str(db)) as store:
        assert store.checkpoints("acme") == []  # nothing was signed or kept
    assert not key.exists()


def test_checkpoint__an_unwritable_out_says_the_checkpoint_was_kept(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    _fill(db)
    out = tmp_path / "a-directory"
    out.mkdir()
    key = tmp_path / "signing.key"
    args = ["checkpoint", "--db", str(db), "--org", "acme", "--out", str(out), "--key", str(key)]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "the checkpoint of 5 events was kept in the store, but writing it to" in result.output
    with EventStore.open(str(db)) as store:
        assert len(store.checkpoints("acme")) == 1


def _raw(db: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(db)
    triggers = connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    for (name,) in triggers.fetchall():  # an attacker with the file drops the guards
        connection.execute(f"DROP TRIGGER {name}")
    return connection


@pytest.mark.parametrize("n", [1, 2, 3, 7])
def test_verify__a_copy_of_the_last_row_appended_is_the_inserted_one(
    tmp_path: Path, n: int
) -> None:
    db = tmp_path / "s.db"
    _fill(db, n)
    with _raw(db) as connection:
        connection.execute(
            "INSERT INTO events SELECT org, seq + 1, recorded_at, payload, leaf_hash, tree_root "
            "FROM events WHERE org = 'acme' AND seq = ?",
            (n,),
        )
    with EventStore.open(str(db), read_only=True) as store:
        report = verify_log(store, "acme")
    assert [(f.kind, f.seq) for f in report.findings] == [("inserted", n + 1)]
    result = runner.invoke(app, ["verify", "--db", str(db), "--json"])
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["logs"][0]["findings"]
    assert [(f["kind"], f["seq"]) for f in findings] == [("inserted", n + 1)]


@pytest.mark.parametrize(("n", "at"), [(4, 1), (4, 2), (6, 3), (6, 6)])
def test_verify__a_row_inserted_and_the_rest_renumbered_is_reported_at_the_foreign_row(
    tmp_path: Path, n: int, at: int
) -> None:
    db = tmp_path / "s.db"
    _fill(db, n)
    with _raw(db) as connection:
        for seq in range(n, at - 1, -1):
            connection.execute("UPDATE events SET seq = seq + 1 WHERE seq = ?", (seq,))
        connection.execute(
            "INSERT INTO events VALUES ('acme', ?, '2026-01-01T00:00:00.000000Z', "
            '\'{"kind":"vote","n":99}\', ?, ?)',
            (at, b"\x00" * 32, b"\x00" * 32),
        )
    with EventStore.open(str(db), read_only=True) as store:
        report = verify_log(store, "acme")
    assert [(f.kind, f.seq) for f in report.findings] == [("inserted", at)]
    count = n - at + 1
    assert f"the {count} records after it were renumbered to make room" in (
        report.findings[0].message
    )
