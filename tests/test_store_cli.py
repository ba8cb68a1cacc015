"""``charter verify`` and ``charter checkpoint`` end to end, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

import store_helpers
from charter.cli import app
from charter.store.db import EventStore

# The fixtures this module uses (store_helpers.py holds the store tests' fixtures).
pg_url = store_helpers.pg_url
sqlite_url = store_helpers.sqlite_url
store_url = store_helpers.store_url

runner = CliRunner()


def _fill(url: str, n: int = 5) -> str:
    with EventStore.open(url) as store:
        store.append_many("acme", [{"kind": "vote", "n": i} for i in range(n)])
        return store.tree_head("acme").root.hex()


def test_checkpoint_then_verify_a_clean_log(store_url: str, tmp_path: Path) -> None:
    root = _fill(store_url)
    key = tmp_path / "keys" / "signing.key"
    out = tmp_path / "acme.checkpoint.json"
    result = runner.invoke(
        app,
        ["checkpoint", "--db", store_url, "--org", "acme", "--out", str(out), "--key", str(key)],
    )
    assert result.exit_code == 0, result.output
    saved = json.loads(out.read_text())
    assert result.stdout == (
        f"acme: signed checkpoint of 5 events, root {root}, key {saved['key_id'][:16]}…, "
        f"saved to {out}\n"
    )
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert (saved["org"], saved["size"], saved["root"]) == ("acme", 5, root)

    with EventStore.open(store_url) as store:
        store.append("acme", {"kind": "vote", "n": 5})
        root6 = store.tree_head("acme").root.hex()
    args = ["verify", "--db", store_url, "--checkpoint", str(out), "--key", str(key)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"acme: 6 events, root {root6}: ok (5 signed by a checkpoint, 1 not yet)\n"
    )


def test_verify_reports_tampering_with_exit_1(store_url: str, tmp_path: Path) -> None:
    _fill(store_url)
    key, out = tmp_path / "k.key", tmp_path / "cp.json"
    args = ["checkpoint", "--db", store_url, "--org", "acme", "--out", str(out), "--key", str(key)]
    assert runner.invoke(app, args).exit_code == 0
    with EventStore.open(store_url) as store, store.engine.begin() as connection:
        if store.dialect == "postgresql":
            connection.exec_driver_sql("DROP TRIGGER events_no_change ON events")
        else:
            connection.exec_driver_sql("DROP TRIGGER events_no_delete")
        connection.execute(sa.text("DELETE FROM events WHERE seq = 2"))
    result = runner.invoke(
        app, ["verify", "--db", store_url, "--checkpoint", str(out), "--key", str(key)]
    )
    assert result.exit_code == 1
    with EventStore.open(store_url) as store:
        root = _root_of_rows(store)
    stamp = json.loads(out.read_text())["timestamp"]
    lines = result.stdout.splitlines()
    assert lines == [
        "acme: seq 2: deleted: seq 2 missing: the log jumps from seq 1 to seq 3",
        f"acme: log: checkpoint: the checkpoint #1 in the store (size 5, {stamp}) signed 5 "
        "events; the log has 4",
        f"acme: log: checkpoint: the checkpoint from the file (size 5, {stamp}) signed 5 "
        "events; the log has 4",
        f"acme: 4 events, root {root}: FAILED (3 problems)",
    ]
    result = runner.invoke(app, ["verify", "--db", store_url, "--json", "--key", str(key)])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["ok"] is False
    assert document["trusted_key"] == str(key)
    (log,) = document["logs"]
    assert set(log) == {
        "org",
        "ok",
        "size",
        "root",
        "signed_size",
        "witnessed_size",
        "checkpoints",
        "findings",
    }
    assert log["findings"][0] == {
        "kind": "deleted",
        "seq": 2,
        "message": "seq 2 missing: the log jumps from seq 1 to seq 3",
    }
    assert log["checkpoints"] == [
        {
            "origin": "#1 in the store",
            "size": 5,
            "timestamp": stamp,
            "ok": False,
            "witnesses": 0,
            "witnessed": False,
        }
    ]
    # and a tampered log is never signed
    result = runner.invoke(
        app,
        [
            "checkpoint",
            "--db",
            store_url,
            "--org",
            "acme",
            "--out",
            str(tmp_path / "x.json"),
            "--key",
            str(key),
        ],
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-2:] == [
        "error: refusing to sign acme's log: it fails verification",
        "1 error found",
    ]
    assert not (tmp_path / "x.json").exists()


def _root_of_rows(store: EventStore) -> str:
    from charter.store.verify import verify_log

    return verify_log(store, "acme").root.hex()


def test_verify_input_errors(sqlite_url: str, tmp_path: Path) -> None:
    _fill(sqlite_url)
    missing = tmp_path / "none.db"
    result = runner.invoke(app, ["verify", "--db", str(missing)])
    expected = f"error: no database at {missing}\n1 error found\n"
    assert (result.exit_code, result.stderr) == (1, expected)
    result = runner.invoke(app, ["verify", "--db", sqlite_url, "--org", "acmee"])
    assert (result.exit_code, result.stderr) == (
        1,
        "error: no organisation 'acmee' in the store (known: acme)\n1 error found\n",
    )
    bad = tmp_path / "cp.json"
    bad.write_text('{"format": "charter-checkpoint/2"}\n')
    result = runner.invoke(app, ["verify", "--db", sqlite_url, "--checkpoint", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        f"{bad}:1:12: error: format: 'charter-checkpoint/2' is not one of the allowed values",
        "    hint: did you mean 'charter-checkpoint/1'? allowed: 'charter-checkpoint/1'",
    ]
    result = runner.invoke(app, ["verify"])
    assert result.exit_code == 2


def test_a_key_readable_by_others_is_refused_by_the_cli(sqlite_url: str, tmp_path: Path) -> None:
    _fill(sqlite_url)
    key = tmp_path / "k.key"
    out = tmp_path / "cp.json"
    args = ["checkpoint", "--db", sqlite_url, "--org", "acme", "--out", str(out), "--key", str(key)]
    assert runner.invoke(app, args).exit_code == 0
    key.chmod(0o640)
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {key}: the signing key is accessible by group or others (mode 0640); "
        f"run: chmod 600 {key}\n1 error found\n"
    )


def test_verify_every_log_and_an_empty_store(sqlite_url: str, tmp_path: Path) -> None:
    with EventStore.open(sqlite_url) as store:
        assert store.orgs() == []
    env = {"CHARTER_KEY_FILE": str(tmp_path / "absent.key")}
    result = runner.invoke(app, ["verify", "--db", sqlite_url], env=env)
    assert (result.exit_code, result.stdout) == (0, "the store holds no logs\n")
    root = _fill(sqlite_url, 2)
    with EventStore.open(sqlite_url) as store:
        store.append("beta", {"kind": "meeting"})
        beta = store.tree_head("beta").root.hex()
    result = runner.invoke(app, ["verify", "--db", sqlite_url], env=env)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"acme: 2 events, root {root}: ok (no checkpoint signs it yet)",
        f"beta: 1 event, root {beta}: ok (no checkpoint signs it yet)",
    ]


@pytest.mark.parametrize("org", ["acme"])
def test_the_default_key_comes_from_the_environment(
    sqlite_url: str,
    tmp_path: Path,
    org: str,
) -> None:
    _fill(sqlite_url)
    key = tmp_path / "env.key"
    out = tmp_path / "cp.json"
    env = {"CHARTER_KEY_FILE": str(key)}
    args = ["checkpoint", "--db", sqlite_url, "--org", org, "--out", str(out)]
    assert runner.invoke(app, args, env=env).exit_code == 0
    assert key.exists()
    result = runner.invoke(app, ["verify", "--db", sqlite_url, "--json"], env=env)
    assert json.loads(result.stdout)["trusted_key"] == str(key)
