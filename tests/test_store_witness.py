"""Witnessed checkpoints (issue 11, item 16): ``charter witness`` and ``verify --witness-key``.

The log's own limit: whoever can write the database can append a forged event at the end with
every hash and the organisation's head recomputed (exactly what an honest append does), and sign
a new checkpoint with the deployment key that sits beside the database. An independent witness
co-signs a checkpoint only if it is consistent with what it co-signed before, so ``verify`` can
say how far the evidence reaches (``witnessed_size``) and report everything beyond as unwitnessed.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner, Result

from charter.cli import app
from charter.store.checkpoint import (
    key_id,
    load_private_key,
    public_key_pem,
    read_checkpoint,
    sign_checkpoint,
)
from charter.store.db import EventStore
from charter.store.merkle import MerkleTree, leaf_hash
from charter.store.witness import (
    WitnessRecordError,
    WitnessRefused,
    read_record,
    witness_checkpoint,
)
from test_store_verify import attack, rehash_from

runner = CliRunner()


class Deployment:
    """A store, its deployment key, and a witness with a key and a record of its own."""

    def __init__(self, tmp_path: Path, name: str = "store") -> None:
        self.dir = tmp_path
        self.db = str(tmp_path / f"{name}.db")
        self.key = tmp_path / f"{name}.signing.key"
        self.witness_key = tmp_path / "witness" / "witness.key"
        self.witness_key.parent.mkdir(exist_ok=True)
        self.checkpoint = tmp_path / f"{name}.checkpoint.json"

    @property
    def witness_pub(self) -> Path:
        return self.witness_key.with_name("witness.key.pub")

    @property
    def record(self) -> Path:
        return self.witness_key.with_name("witness.key.record.json")

    def append(self, *payloads: dict[str, object]) -> None:
        with EventStore.open(self.db) as store:
            store.append_many("acme", list(payloads))

    def sign(self, out: Path | None = None) -> Result:
        out = out or self.checkpoint
        args = ["checkpoint", "--db", self.db, "--org", "acme", "--out", str(out)]
        result = runner.invoke(app, [*args, "--key", str(self.key)])
        assert result.exit_code == 0, result.output
        return result

    def witness(self, *extra: str, checkpoint: Path | None = None, db: bool = True) -> Result:
        args = ["witness", str(checkpoint or self.checkpoint), "--key", str(self.witness_key)]
        if db:
            args += ["--db", self.db]
        return runner.invoke(app, [*args, *extra])

    def verify(self, *extra: str, checkpoint: Path | None = None) -> Result:
        args = ["verify", "--db", self.db, "--key", str(self.key)]
        args += ["--checkpoint", str(checkpoint or self.checkpoint)]
        return runner.invoke(app, [*args, *extra])

    def verify_json(self, *extra: str) -> dict[str, object]:
        result = self.verify("--json", *extra)
        document: dict[str, object] = json.loads(result.stdout)
        document["exit_code"] = result.exit_code
        return document


def _votes(first: int, last: int) -> list[dict[str, object]]:
    return [{"kind": "vote", "n": i} for i in range(first, last + 1)]


@pytest.fixture
def dep(tmp_path: Path) -> Deployment:
    """Five events, signed by the deployment and co-signed by the witness."""
    d = Deployment(tmp_path)
    d.append(*_votes(1, 5))
    d.sign()
    result = d.witness()
    assert result.exit_code == 0, result.output
    return d


def _log(document: dict[str, object]) -> dict[str, object]:
    logs = document["logs"]
    assert isinstance(logs, list)
    assert len(logs) == 1
    log: dict[str, object] = logs[0]
    return log


# --- sign and verify ---------------------------------------------------------------------------


def test_the_witness_co_signs_into_the_checkpoint_file(dep: Deployment) -> None:
    saved = json.loads(dep.checkpoint.read_text())
    [entry] = saved["witnesses"]
    assert list(entry) == ["key_id", "public_key", "timestamp", "signature"]
    assert list(saved)[:8] == [
        "format",
        "org",
        "size",
        "root",
        "timestamp",
        "key_id",
        "public_key",
        "signature",
    ]
    assert dep.witness_pub.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert oct(dep.witness_key.stat().st_mode & 0o777) == "0o600"
    record = json.loads(dep.record.read_text())
    assert record["format"] == "charter-witness-record/1"
    assert record["logs"]["acme"]["size"] == 5
    assert record["logs"]["acme"]["root"] == saved["root"]
    cp, errors = read_checkpoint(dep.checkpoint)
    assert cp is not None
    assert not errors
    assert cp.witness_error(cp.witnesses[0]) is None


def test_a_witnessed_log_verifies(dep: Deployment) -> None:
    result = dep.verify("--witness-key", str(dep.witness_pub), "--require-witnessed")
    assert result.exit_code == 0, result.output
    assert "acme: 5 events, root" in result.stdout
    assert result.stdout.rstrip().endswith("ok (all signed by a checkpoint; all witnessed)")
    document = dep.verify_json("--witness-key", str(dep.witness_pub))
    log = _log(document)
    assert (document["ok"], log["size"], log["witnessed_size"]) == (True, 5, 5)
    assert document["witness_keys"] == [str(dep.witness_pub)]
    checks = log["checkpoints"]
    assert isinstance(checks, list)
    assert [(c["origin"], c["witnesses"], c["witnessed"]) for c in checks] == [
        ("#1 in the store", 0, False),
        ("from the file", 1, True),
    ]


def test_without_witness_keys_nothing_counts_as_witnessed(dep: Deployment) -> None:
    log = _log(dep.verify_json())
    assert log["witnessed_size"] == 0
    assert dep.verify().stdout.rstrip().endswith("ok (all signed by a checkpoint)")


def test_the_witness_private_key_file_is_a_trusted_witness_key_too(dep: Deployment) -> None:
    log = _log(dep.verify_json("--witness-key", str(dep.witness_key)))
    assert log["witnessed_size"] == 5


# --- the forged tail ---------------------------------------------------------------------------


def test_a_forged_tail_is_unwitnessed_beyond_the_witnessed_size(dep: Deployment) -> None:
    # The attacker appends as the store does: correct leaf, tree head and organisation head.
    dep.append({"kind": "vote", "n": 666, "note": "forged"})
    plain = dep.verify()
    assert plain.exit_code == 0  # the limit: nothing in the log tells a forged tail
    witnessed = dep.verify("--witness-key", str(dep.witness_pub))
    assert witnessed.exit_code == 0, witnessed.output
    assert witnessed.stdout.rstrip().endswith(
        "ok (5 signed by a checkpoint, 1 not yet; unwitnessed beyond size 5)"
    )
    required = dep.verify("--witness-key", str(dep.witness_pub), "--require-witnessed")
    assert required.exit_code == 1
    assert required.stdout.splitlines()[0] == (
        "acme: seq 6: unwitnessed: seq 6 is not covered by a witnessed checkpoint (unwitnessed "
        "beyond size 5): an event forged at the end, with its hashes and the head recomputed, "
        "would look the same"
    )
    log = _log(dep.verify_json("--witness-key", str(dep.witness_pub), "--require-witnessed"))
    assert (log["ok"], log["size"], log["witnessed_size"]) == (False, 6, 5)


def test_a_forged_tail_with_a_fresh_deployment_checkpoint_is_still_unwitnessed(
    dep: Deployment,
) -> None:
    """The attacker holds the deployment key too (it sits beside the database)."""
    dep.append(*_votes(6, 8))
    forged_cp = dep.dir / "forged.json"
    dep.sign(out=forged_cp)
    result = dep.verify(
        "--witness-key", str(dep.witness_pub), "--require-witnessed", checkpoint=forged_cp
    )
    assert result.exit_code == 1
    assert "acme: seq 1: unwitnessed: seqs 1..8 are not covered" in result.stdout
    assert _log(dep.verify_json("--witness-key", str(dep.witness_pub)))["witnessed_size"] == 5


def test_an_honest_extension_witnessed_again_covers_the_whole_log(dep: Deployment) -> None:
    dep.append(*_votes(6, 9))
    dep.sign()
    result = dep.witness()
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("acme: witnessed checkpoint of 9 events, root ")
    log = _log(dep.verify_json("--witness-key", str(dep.witness_pub), "--require-witnessed"))
    assert (log["ok"], log["witnessed_size"]) == (True, 9)
    assert json.loads(dep.record.read_text())["logs"]["acme"]["size"] == 9


# --- rewrites before and after the witnessed size ----------------------------------------------


def _rewrite(db: str, seq: int) -> None:
    """The thorough attacker: edit one event, recompute every hash and the head, and drop the
    checkpoints kept in the store (which would otherwise betray the edit)."""
    with EventStore.open(db) as store:
        attack(
            store,
            f"UPDATE events SET payload = :p WHERE org = 'acme' AND seq = {seq}",
            "DELETE FROM checkpoints WHERE org = 'acme'",
            params={"p": '{"kind":"vote","n":0}'},
        )
        rehash_from(store)


def test_a_rewritten_prefix_is_detected(dep: Deployment) -> None:
    _rewrite(dep.db, 3)
    result = dep.verify("--witness-key", str(dep.witness_pub))
    assert result.exit_code == 1
    assert "acme: log: checkpoint: the log does not extend the checkpoint from the file" in (
        result.stdout
    )
    assert _log(dep.verify_json("--witness-key", str(dep.witness_pub)))["witnessed_size"] == 0


def test_a_rewrite_after_the_witnessed_size_is_unwitnessed(dep: Deployment) -> None:
    dep.append(*_votes(6, 8))
    _rewrite(dep.db, 7)
    result = dep.verify("--witness-key", str(dep.witness_pub), "--require-witnessed")
    assert result.exit_code == 1
    assert "acme: seq 6: unwitnessed: seqs 6..8 are not covered" in result.stdout


def test_a_rewrite_after_a_later_witnessed_checkpoint_is_detected(dep: Deployment) -> None:
    dep.append(*_votes(6, 8))
    dep.sign()
    assert dep.witness().exit_code == 0
    _rewrite(dep.db, 7)
    result = dep.verify("--witness-key", str(dep.witness_pub))
    assert result.exit_code == 1
    assert "does not extend the checkpoint from the file" in result.stdout


# --- wrong keys and altered co-signatures ------------------------------------------------------


def test_a_co_signature_by_another_key_does_not_count(dep: Deployment, tmp_path: Path) -> None:
    stranger_pub = tmp_path / "stranger.pub"
    stranger_pub.write_text(public_key_pem(Ed25519PrivateKey.generate().public_key()))
    result = dep.verify("--witness-key", str(stranger_pub), "--require-witnessed")
    assert result.exit_code == 1
    assert "unwitnessed beyond size 0" in result.stdout
    # Both keys given: all must have co-signed.
    both = dep.verify_json(
        "--witness-key", str(dep.witness_pub), "--witness-key", str(stranger_pub)
    )
    assert _log(both)["witnessed_size"] == 0


def test_an_altered_checkpoint_breaks_the_co_signature(dep: Deployment) -> None:
    """The deployment (holding its key) re-signs the file's checkpoint with a later timestamp:
    its own signature holds, the witness's does not."""
    cp, _ = read_checkpoint(dep.checkpoint)
    assert cp is not None
    resigned = sign_checkpoint(load_private_key(dep.key), cp.org, cp.size, cp.root)
    for w in cp.witnesses:
        resigned = resigned.with_witness(w)
    dep.checkpoint.write_text(resigned.to_text())
    result = dep.verify("--witness-key", str(dep.witness_pub))
    assert result.exit_code == 1
    assert "acme: log: witness: the checkpoint from the file" in result.stdout
    assert "does not verify (the checkpoint or the co-signature was altered)" in result.stdout


def test_a_forged_co_signature_is_a_finding(dep: Deployment) -> None:
    data = json.loads(dep.checkpoint.read_text())
    raw = bytearray(base64.b64decode(data["witnesses"][0]["signature"]))
    raw[0] ^= 1
    data["witnesses"][0]["signature"] = base64.b64encode(bytes(raw)).decode()
    dep.checkpoint.write_text(json.dumps(data))
    document = dep.verify_json("--witness-key", str(dep.witness_pub))
    assert document["exit_code"] == 1
    log = _log(document)
    assert log["witnessed_size"] == 0
    findings = log["findings"]
    assert isinstance(findings, list)
    assert [f["kind"] for f in findings] == ["witness"]


def test_the_witness_refuses_to_use_the_deployment_key(tmp_path: Path) -> None:
    d = Deployment(tmp_path)
    d.append(*_votes(1, 3))
    d.sign()
    before = d.checkpoint.read_text()
    result = runner.invoke(app, ["witness", str(d.checkpoint), "--key", str(d.key)])
    assert result.exit_code == 1
    assert "a witness must hold a key of its own" in result.output
    assert d.checkpoint.read_text() == before


# --- the witness refuses a fork ----------------------------------------------------------------


def test_the_witness_refuses_a_fork(dep: Deployment, tmp_path: Path) -> None:
    """Another history of acme, signed by the same deployment key: the witness saw the first."""
    fork = Deployment(tmp_path, name="fork")
    fork.key = dep.key
    fork.witness_key = dep.witness_key
    fork.append(*_votes(1, 2), {"kind": "vote", "n": 99}, *_votes(4, 7))
    fork.sign()
    before = fork.checkpoint.read_text()
    record = dep.record.read_text()
    result = fork.witness()
    assert result.exit_code == 1
    assert f"error: refusing to witness {fork.checkpoint}: fork: the witness co-signed acme's" in (
        result.output
    )
    assert "is not consistent with it (the log was rewritten)" in result.output
    assert "Traceback" not in result.output
    assert fork.checkpoint.read_text() == before  # nothing co-signed
    assert dep.record.read_text() == record  # nothing recorded


def test_the_witness_refuses_a_same_size_fork_even_without_the_log(
    dep: Deployment, tmp_path: Path
) -> None:
    fork = Deployment(tmp_path, name="fork")
    fork.key = dep.key
    fork.witness_key = dep.witness_key
    fork.append(*_votes(1, 4), {"kind": "vote", "n": 99})
    fork.sign()
    result = fork.witness(db=False)
    assert result.exit_code == 1
    assert "fork: the witness co-signed acme's log at size 5" in result.output


def test_the_witness_refuses_a_rewritten_prefix_of_its_own_log(dep: Deployment) -> None:
    dep.append(*_votes(6, 8))
    _rewrite(dep.db, 2)
    dep.sign()
    result = dep.witness()
    assert result.exit_code == 1
    assert "fork: the witness co-signed acme's log at size 5" in result.output


def test_the_witness_refuses_a_truncated_log(dep: Deployment) -> None:
    dep.append(*_votes(6, 8))
    dep.sign()
    assert dep.witness().exit_code == 0
    with EventStore.open(dep.db) as store:
        attack(
            store,
            "DELETE FROM events WHERE org = 'acme' AND seq > 6",
            "DELETE FROM checkpoints WHERE org = 'acme'",
        )
        rehash_from(store)
    dep.sign()
    result = dep.witness()
    assert result.exit_code == 1
    assert "the log shown has only 6 events (truncated)" in result.output


def test_a_larger_checkpoint_needs_the_log(dep: Deployment) -> None:
    dep.append(*_votes(6, 7))
    dep.sign()
    result = dep.witness(db=False)
    assert result.exit_code == 1
    assert "it must see the log (give --db)" in result.output


def test_the_witness_checks_consistency_both_ways(tmp_path: Path) -> None:
    """Pure: an older checkpoint of the same history is fine, of another history is not."""
    log_key, witness_key = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    leaves = [leaf_hash(f"event {i}".encode()) for i in range(10)]
    tree = MerkleTree(leaves)
    record = tmp_path / "record.json"
    big = sign_checkpoint(log_key, "acme", 10, tree.root(10))
    witness_checkpoint(big, witness_key, record, leaves=leaves)
    for size in (0, 1, 4, 7, 10):
        older = sign_checkpoint(log_key, "acme", size, tree.root(size))
        witness_checkpoint(older, witness_key, record, leaves=leaves)
    remembered = read_record(record, key_id(witness_key.public_key())).logs["acme"]
    assert (remembered.size, remembered.root) == (10, tree.root(10))
    other = [leaf_hash(f"other {i}".encode()) for i in range(10)]
    forked = sign_checkpoint(log_key, "acme", 7, MerkleTree(other).root(7))
    with pytest.raises(WitnessRefused, match="fork"):
        witness_checkpoint(forked, witness_key, record, leaves=other)
    with pytest.raises(WitnessRefused, match="not have the checkpoint's root"):
        witness_checkpoint(forked, witness_key, record, leaves=leaves)


def test_the_witness_pins_the_deployment_key(dep: Deployment, tmp_path: Path) -> None:
    cp, _ = read_checkpoint(dep.checkpoint)
    assert cp is not None
    other = sign_checkpoint(Ed25519PrivateKey.generate(), cp.org, cp.size, cp.root)
    other_file = tmp_path / "other.json"
    other_file.write_text(other.to_text())
    result = dep.witness(checkpoint=other_file)
    assert result.exit_code == 1
    assert "the witness co-signs one log per organisation" in result.output


# --- bad and missing files: clear errors, never a traceback ------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "witness key: {path}: cannot read the key: No such file or directory"),
        (b"not a key\n", "witness key: {path}: not a PEM public or private key"),
        (b"", "witness key: {path}: not a PEM public or private key"),
    ],
)
def test_a_bad_witness_key_file_is_a_clear_error(
    dep: Deployment, tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "bad.pub"
    if content is not None:
        path.write_bytes(content)
    result = dep.verify("--witness-key", str(path))
    assert result.exit_code == 1
    assert result.output.strip().removesuffix("\n1 error found") == "error: " + message.format(
        path=path
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_witness_key_of_another_kind_is_a_clear_error(dep: Deployment, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    path = tmp_path / "ec.pub"
    path.write_bytes(pem)
    result = dep.verify("--witness-key", str(path))
    assert result.exit_code == 1
    assert (
        result.output.strip().removesuffix("\n1 error found")
        == f"error: witness key: {path}: not an ed25519 key"
    )


def test_a_witness_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    d = Deployment(tmp_path)
    d.append(*_votes(1, 2))
    d.sign()
    d.witness_key.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    os.chmod(d.witness_key, 0o644)
    result = d.witness()
    assert result.exit_code == 1
    assert result.output.strip().removesuffix("\n1 error found") == (
        f"error: {d.witness_key}: the signing key is accessible by group or others "
        f"(mode 0644); run: chmod 600 {d.witness_key}"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not a witness record (invalid JSON"),
        ('{"format": "x"}', "not a witness record ('format' must be"),
        (
            '{"format": "charter-witness-record/1", "witness_key_id": "ab", "logs": {}}',
            "this record belongs to witness key ab…",
        ),
    ],
)
def test_a_bad_record_file_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    d = Deployment(tmp_path)
    d.append(*_votes(1, 2))
    d.sign()
    d.record.write_text(text)
    result = d.witness()
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert "witnesses" not in d.checkpoint.read_text()


def test_a_record_with_a_bad_entry_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(
        '{"format": "charter-witness-record/1", "witness_key_id": "k", "logs": {"acme": {}}}'
    )
    with pytest.raises(WitnessRecordError, match="bad entry for 'acme'"):
        read_record(path, "k")


def test_a_broken_witnesses_entry_in_a_checkpoint_file_is_located(dep: Deployment) -> None:
    data = json.loads(dep.checkpoint.read_text())
    data["witnesses"][0]["signature"] = "AAAA"
    dep.checkpoint.write_text(json.dumps(data, indent=2))
    result = dep.verify("--witness-key", str(dep.witness_pub))
    assert result.exit_code == 1
    assert "a witness's signature must be the base64 of 64 bytes" in result.output
    assert "Traceback" not in result.output


def test_witness_options_need_a_checkpoint_and_a_key(dep: Deployment) -> None:
    no_file = runner.invoke(app, ["verify", "--db", dep.db, "--witness-key", str(dep.witness_pub)])
    assert no_file.exit_code == 2
    assert "--witness-key needs --checkpoint FILE" in no_file.output
    no_key = dep.verify("--require-witnessed")
    assert no_key.exit_code == 2
    assert "--require-witnessed needs at least one --witness-key" in no_key.output


def test_a_missing_checkpoint_file_for_the_witness(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["witness", str(tmp_path / "nope.json"), "--key", str(tmp_path / "w.key")]
    )
    assert result.exit_code == 1
    assert "file not found" in result.output


def test_an_unwritable_record_is_a_clear_error_and_nothing_is_co_signed(tmp_path: Path) -> None:
    d = Deployment(tmp_path)
    d.append(*_votes(1, 2))
    d.sign()
    before = d.checkpoint.read_text()
    result = d.witness("--record", str(tmp_path / "no-such-dir" / "record.json"))
    assert result.exit_code == 1
    assert result.output.strip().removesuffix("\n1 error found") == (
        f"error: {tmp_path / 'no-such-dir' / 'record.json'}: cannot write the witness record: "
        "No such file or directory"
    )
    assert d.checkpoint.read_text() == before
