"""Signed checkpoints: key handling, signatures, and the checkpoint file format."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from charter.store.checkpoint import (
    Checkpoint,
    KeyFileError,
    load_or_create_key,
    load_public_key,
    public_key_pem,
    raw_public_key,
    read_checkpoint,
    sign_checkpoint,
    signed_message,
    write_checkpoint,
)
from charter.store.merkle import leaf_hash, tree_root

ROOT = tree_root([leaf_hash(b"a"), leaf_hash(b"b")])


def test_the_key_is_created_once_with_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "signing.key"
    key = load_or_create_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = load_or_create_key(path)
    assert raw_public_key(again.public_key()) == raw_public_key(key.public_key())


def test_a_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "signing.key"
    load_or_create_key(path)
    os.chmod(path, 0o644)
    with pytest.raises(KeyFileError) as info:
        load_or_create_key(path)
    assert str(info.value) == (
        f"{path}: the signing key is accessible by group or others (mode 0644); "
        f"run: chmod 600 {path}"
    )


def test_a_public_key_file_is_a_trusted_key(tmp_path: Path) -> None:
    key = load_or_create_key(tmp_path / "signing.key")
    (tmp_path / "public.pem").write_text(public_key_pem(key.public_key()))
    trusted = load_public_key(tmp_path / "public.pem")
    assert raw_public_key(trusted) == raw_public_key(key.public_key())
    (tmp_path / "junk.pem").write_text("hello")
    with pytest.raises(KeyFileError, match="not a PEM public or private key"):
        load_public_key(tmp_path / "junk.pem")


def test_a_signed_checkpoint_verifies_and_any_change_breaks_it() -> None:
    key = Ed25519PrivateKey.generate()
    cp = sign_checkpoint(key, "acme", 2, ROOT, "2026-01-01T00:00:00.000000Z")
    assert cp.signature_error() is None
    assert cp.signature_error(key.public_key()) is None
    fields = {
        "org": "other",
        "size": 3,
        "root": bytes(32),
        "timestamp": "2026-01-01T00:00:00.000001Z",
    }
    for name, value in fields.items():
        forged = Checkpoint(**{**_fields(cp), name: value})
        assert forged.signature_error() == "the signature does not verify", name
    stranger = Ed25519PrivateKey.generate()
    assert cp.signature_error(stranger.public_key()) == (
        f"signed by key {cp.key_id[:16]}…, not by the trusted deployment key"
    )
    swapped = Checkpoint(**{**_fields(cp), "public_key": raw_public_key(stranger.public_key())})
    assert swapped.signature_error() == "the key id does not match the public key"


def _fields(cp: Checkpoint) -> dict[str, object]:
    return {name: getattr(cp, name) for name in Checkpoint.__slots__}


def test_the_signed_message_is_canonical_json() -> None:
    message = signed_message("acme", 2, ROOT, "2026-01-01T00:00:00.000000Z", "ab" * 32)
    assert (
        message
        == (
            '{"format":"charter-checkpoint/1","key_id":"' + "ab" * 32 + '","org":"acme",'
            '"root":"' + ROOT.hex() + '","size":2,"timestamp":"2026-01-01T00:00:00.000000Z"}'
        ).encode()
    )


def test_a_checkpoint_file_round_trips(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    cp = sign_checkpoint(key, "acme", 2, ROOT)
    write_checkpoint(cp, tmp_path / "cp.json")
    data = json.loads((tmp_path / "cp.json").read_text())
    assert list(data) == [
        "format",
        "org",
        "size",
        "root",
        "timestamp",
        "key_id",
        "public_key",
        "signature",
    ]
    loaded, errors = read_checkpoint(tmp_path / "cp.json")
    assert errors == []
    assert loaded == cp


def test_a_broken_checkpoint_file_gets_located_errors(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    good = sign_checkpoint(key, "acme", 2, ROOT).to_text()
    text = good.replace('"size"', '"sise"').replace(ROOT.hex(), "xyz")
    loaded, errors = read_checkpoint("cp.json", text)
    assert loaded is None
    assert sorted(e.render() for e in errors) == [
        "cp.json:1:1: error: missing required key 'size'\n    hint: add 'size:' here",
        "cp.json:4:3: error: unknown key 'sise'\n    hint: did you mean 'size'?",
        "cp.json:5:11: error: root: must be 64 lowercase hexadecimal digits (a SHA-256 hash)",
    ]
    signature = json.loads(good)["signature"]
    loaded, errors = read_checkpoint("cp.json", good.replace(signature, "AAAA"))
    assert loaded is None
    assert [e.render() for e in errors] == [
        "cp.json:9:16: error: signature must be the base64 of 64 bytes (an ed25519 signature)"
    ]
    loaded, errors = read_checkpoint(tmp_path / "missing.json")
    assert loaded is None
    assert errors[0].message == "file not found"
