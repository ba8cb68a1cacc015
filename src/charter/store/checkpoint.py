"""Signed checkpoints: a deployment's ed25519 signature over (org, tree size, root, time).

Why: the rows of a database can be rewritten by anyone who can write the file, hashes included.
A checkpoint signed with a key the attacker does not hold, and saved somewhere else (a file, an
email, a board minute), pins what the log looked like; a later log must extend it (a consistency
proof), so a rewritten or truncated history cannot pass ``charter verify``.

The checkpoint file is JSON (docs/formats.md, "Checkpoint file"); the signed message is the
canonical JSON of every field except ``public_key``, ``signature`` and ``witnesses``.

Why witnesses: the deployment key sits beside the database it signs, so whoever can rewrite the
database can often sign too, and events appended after the last checkpoint are covered by no
signature at all. A *witness* (charter.store.witness) is a second, independent key that co-signs
a checkpoint only if it is consistent with every checkpoint of that log it co-signed before; its
co-signatures travel in the checkpoint file's ``witnesses`` list, and ``charter verify
--witness-key`` says how much of the log they cover.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, field_validator

from charter.located import locate, read_yaml, validate
from charter.model.source import Diagnostic
from charter.store.canonical import canonical_json

FORMAT = "charter-checkpoint/1"
WITNESS_FORMAT = "charter-witness/1"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class KeyFileError(Exception):
    """The signing key file cannot be used (unreadable, not a key, readable by others)."""


def utc_now() -> str:
    """A UTC timestamp with microseconds, fixed width: ``2026-11-28T19:28:34.123456Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def key_id(public_key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw 32-byte public key, hex: names the key in checkpoints."""
    return hashlib.sha256(raw_public_key(public_key)).hexdigest()


def raw_public_key(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def load_or_create_key(path: str | Path) -> Ed25519PrivateKey:
    """The deployment's signing key, generated into ``path`` (mode 0600) on first use.

    An existing key file readable by group or others is refused, as ssh does: a signing key that
    others can read signs nothing.
    """
    path = Path(path)
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first: use theirs
            return load_private_key(path)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        return key
    return load_private_key(path)


def load_private_key(path: str | Path) -> Ed25519PrivateKey:
    path = Path(path)
    try:
        mode = path.stat().st_mode
        data = path.read_bytes()
    except OSError as error:
        raise KeyFileError(f"{path}: cannot read the signing key: {error.strerror}") from error
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(
            f"{path}: the signing key is accessible by group or others "
            f"(mode {stat.S_IMODE(mode):04o}); run: chmod 600 {path}"
        )
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except ValueError as error:
        raise KeyFileError(f"{path}: not a PEM private key") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path}: not an ed25519 key")
    return key


def load_public_key(path: str | Path) -> Ed25519PublicKey:
    """A trusted public key from a PEM file holding either the private or the public key."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise KeyFileError(f"{path}: cannot read the key: {error.strerror}") from error
    if b"PRIVATE KEY" in data:
        return load_private_key(path).public_key()
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError as error:
        raise KeyFileError(f"{path}: not a PEM public or private key") from error
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"{path}: not an ed25519 key")
    return key


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


@dataclass(frozen=True, slots=True, kw_only=True)
class WitnessSignature:
    """A witness's co-signature of a checkpoint (:func:`witness_message` says what it covers)."""

    key_id: str
    public_key: bytes
    timestamp: str
    signature: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "key_id": self.key_id,
            "public_key": base64.b64encode(self.public_key).decode("ascii"),
            "timestamp": self.timestamp,
            "signature": base64.b64encode(self.signature).decode("ascii"),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Checkpoint:
    """A signed tree head of one organisation's log, with any witnesses' co-signatures."""

    org: str
    size: int
    root: bytes
    timestamp: str
    key_id: str
    public_key: bytes
    signature: bytes
    witnesses: tuple[WitnessSignature, ...] = ()

    def signed_message(self) -> bytes:
        return signed_message(self.org, self.size, self.root, self.timestamp, self.key_id)

    def witness_message(self, witness_key_id: str, timestamp: str) -> bytes:
        return witness_message(self, witness_key_id, timestamp)

    def with_witness(self, cosigned: WitnessSignature) -> Checkpoint:
        """This checkpoint with ``cosigned`` added (replacing an earlier one by the same key)."""
        kept = tuple(w for w in self.witnesses if w.public_key != cosigned.public_key)
        return replace(self, witnesses=(*kept, cosigned))

    def witness_error(self, witness: WitnessSignature) -> str | None:
        """Why a co-signature does not hold (against the key it names), or None when it does."""
        name = f"the co-signature of witness key {witness.key_id[:16]}…"
        try:
            public = Ed25519PublicKey.from_public_bytes(witness.public_key)
        except ValueError:
            return f"{name}: its public key is not a valid ed25519 key"
        if key_id(public) != witness.key_id:
            return f"{name}: the key id does not match the public key"
        try:
            message = self.witness_message(witness.key_id, witness.timestamp)
            public.verify(witness.signature, message)
        except InvalidSignature:
            return f"{name} does not verify (the checkpoint or the co-signature was altered)"
        return None

    def witnessed_by(self, trusted: Ed25519PublicKey) -> bool:
        """True when a valid co-signature by ``trusted`` is attached."""
        raw = raw_public_key(trusted)
        return any(w.public_key == raw and self.witness_error(w) is None for w in self.witnesses)

    def signature_error(self, trusted: Ed25519PublicKey | None = None) -> str | None:
        """Why the signature does not hold, or None when it does.

        With ``trusted`` the checkpoint must be signed by that key; without it, only by the key
        it names (which proves integrity, not origin).
        """
        if trusted is not None and raw_public_key(trusted) != self.public_key:
            return f"signed by key {self.key_id[:16]}…, not by the trusted deployment key"
        try:
            public = Ed25519PublicKey.from_public_bytes(self.public_key)
        except ValueError:
            return "the public key is not a valid ed25519 key"
        if key_id(public) != self.key_id:
            return "the key id does not match the public key"
        try:
            public.verify(self.signature, self.signed_message())
        except InvalidSignature:
            return "the signature does not verify"
        return None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": FORMAT,
            "org": self.org,
            "size": self.size,
            "root": self.root.hex(),
            "timestamp": self.timestamp,
            "key_id": self.key_id,
            "public_key": base64.b64encode(self.public_key).decode("ascii"),
            "signature": base64.b64encode(self.signature).decode("ascii"),
        }
        if self.witnesses:
            data["witnesses"] = [w.to_json() for w in self.witnesses]
        return data

    def to_text(self) -> str:
        """The checkpoint file: the JSON object, keys in documented order, two-space indent."""
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"


def signed_message(org: str, size: int, root: bytes, timestamp: str, key: str) -> bytes:
    """The exact bytes the ed25519 signature covers (docs/formats.md)."""
    body = {
        "format": FORMAT,
        "key_id": key,
        "org": org,
        "root": root.hex(),
        "size": size,
        "timestamp": timestamp,
    }
    return canonical_json(body).encode("utf-8")


def witness_message(checkpoint: Checkpoint, witness_key_id: str, timestamp: str) -> bytes:
    """The exact bytes a witness signs: the checkpoint's own signed fields (so the co-signature
    holds only for that org, size, root, time and deployment key), the witness's key id and the
    time it co-signed (docs/formats.md, "Witness co-signatures")."""
    body = {
        "checkpoint": json.loads(checkpoint.signed_message()),
        "format": WITNESS_FORMAT,
        "timestamp": timestamp,
        "witness_key_id": witness_key_id,
    }
    return canonical_json(body).encode("utf-8")


def cosign(
    checkpoint: Checkpoint, key: Ed25519PrivateKey, timestamp: str | None = None
) -> WitnessSignature:
    """A witness's co-signature of ``checkpoint`` (checks nothing: see charter.store.witness)."""
    public = key.public_key()
    stamp = timestamp or utc_now()
    kid = key_id(public)
    return WitnessSignature(
        key_id=kid,
        public_key=raw_public_key(public),
        timestamp=stamp,
        signature=key.sign(witness_message(checkpoint, kid, stamp)),
    )


def sign_checkpoint(
    key: Ed25519PrivateKey, org: str, size: int, root: bytes, timestamp: str | None = None
) -> Checkpoint:
    public = key.public_key()
    stamp = timestamp or utc_now()
    kid = key_id(public)
    return Checkpoint(
        org=org,
        size=size,
        root=root,
        timestamp=stamp,
        key_id=kid,
        public_key=raw_public_key(public),
        signature=key.sign(signed_message(org, size, root, stamp, kid)),
    )


class WitnessEntry(BaseModel):
    """One element of a checkpoint file's ``witnesses`` list."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key_id: str
    public_key: str
    timestamp: str
    signature: str

    @field_validator("key_id")
    @classmethod
    def _hex(cls, value: str) -> str:
        if not _HEX64.match(value):
            raise ValueError("must be 64 lowercase hexadecimal digits (a SHA-256 hash)")
        return value


class CheckpointFile(BaseModel):
    """The schema of a checkpoint file (docs/formats.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["charter-checkpoint/1"]
    org: str
    size: int
    root: str
    timestamp: str
    key_id: str
    public_key: str
    signature: str
    witnesses: list[WitnessEntry] = []

    @field_validator("size")
    @classmethod
    def _size(cls, value: int) -> int:
        if value < 0:
            raise ValueError("size must be 0 or more")
        return value

    @field_validator("root", "key_id")
    @classmethod
    def _hex(cls, value: str) -> str:
        if not _HEX64.match(value):
            raise ValueError("must be 64 lowercase hexadecimal digits (a SHA-256 hash)")
        return value


def _b64(value: str, length: int) -> bytes | None:
    try:
        data = base64.b64decode(value, validate=True)
    except ValueError:
        return None
    return data if len(data) == length else None


def read_checkpoint(
    path: str | Path, text: str | None = None
) -> tuple[Checkpoint | None, list[Diagnostic]]:
    """Load a checkpoint file; every problem is a located diagnostic, never an exception."""
    name = str(path)
    data, errors = read_yaml(path, text)
    if errors:
        return None, errors
    model, errors = validate(CheckpointFile, data, name)
    if model is None:
        return None, errors
    public = _b64(model.public_key, 32)
    signature = _b64(model.signature, 64)
    problems = []
    if public is None:
        problems.append(
            Diagnostic(
                source=locate(data, ("public_key",), name),
                message="public_key must be the base64 of 32 bytes (a raw ed25519 key)",
            )
        )
    if signature is None:
        problems.append(
            Diagnostic(
                source=locate(data, ("signature",), name),
                message="signature must be the base64 of 64 bytes (an ed25519 signature)",
            )
        )
    witnesses: list[WitnessSignature] = []
    for i, entry in enumerate(model.witnesses):
        w_public = _b64(entry.public_key, 32)
        w_signature = _b64(entry.signature, 64)
        if w_public is None:
            problems.append(
                Diagnostic(
                    source=locate(data, ("witnesses", i, "public_key"), name),
                    message="a witness's public_key must be the base64 of 32 bytes",
                )
            )
        if w_signature is None:
            problems.append(
                Diagnostic(
                    source=locate(data, ("witnesses", i, "signature"), name),
                    message="a witness's signature must be the base64 of 64 bytes",
                )
            )
        if w_public is not None and w_signature is not None:
            witnesses.append(
                WitnessSignature(
                    key_id=entry.key_id,
                    public_key=w_public,
                    timestamp=entry.timestamp,
                    signature=w_signature,
                )
            )
    if public is None or signature is None or problems:
        return None, problems
    return (
        Checkpoint(
            org=model.org,
            size=model.size,
            root=bytes.fromhex(model.root),
            timestamp=model.timestamp,
            key_id=model.key_id,
            public_key=public,
            signature=signature,
            witnesses=tuple(witnesses),
        ),
        [],
    )


def write_checkpoint(checkpoint: Checkpoint, path: str | Path) -> None:
    """Write the checkpoint file whole or not at all (a temporary file renamed over it), so a
    witness that rewrites a file in place never leaves half of it behind."""
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(checkpoint.to_text(), encoding="utf-8")
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


__all__ = [
    "FORMAT",
    "WITNESS_FORMAT",
    "Checkpoint",
    "CheckpointFile",
    "KeyFileError",
    "WitnessSignature",
    "cosign",
    "key_id",
    "load_or_create_key",
    "load_private_key",
    "load_public_key",
    "public_key_pem",
    "raw_public_key",
    "read_checkpoint",
    "sign_checkpoint",
    "signed_message",
    "utc_now",
    "witness_message",
    "write_checkpoint",
]
