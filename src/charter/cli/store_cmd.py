"""verify, checkpoint: check a stored log for tampering; sign and save its head.

Thin shells over :mod:`charter.store`; docs/cli.md ("Store") documents options, output and
exit codes (0 clean / saved, 1 tampering found or bad input).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from charter.cli.common import error_found
from charter.store.checkpoint import (
    Checkpoint,
    KeyFileError,
    key_id,
    load_or_create_key,
    load_public_key,
    public_key_pem,
    read_checkpoint,
    write_checkpoint,
)
from charter.store.db import EventStore, StoreError
from charter.store.merkle import leaf_hash
from charter.store.verify import VerifyReport, verify_log
from charter.store.witness import WitnessRecordError, WitnessRefused, witness_checkpoint

DEFAULT_KEY = ".charter/signing.key"
KEY_ENV = "CHARTER_KEY_FILE"

DbOption = Annotated[
    str,
    typer.Option(
        "--db", help="Database URL (sqlite:///file.db, postgresql+psycopg://…) or a SQLite path."
    ),
]
KeyOption = Annotated[
    Path | None,
    typer.Option(
        "--key",
        help=f"The deployment's ed25519 key (PEM). Default: ${KEY_ENV}, else {DEFAULT_KEY}.",
    ),
]


def key_path(option: Path | None) -> Path:
    """The signing key file: --key, else $CHARTER_KEY_FILE, else .charter/signing.key."""
    if option is not None:
        return option
    return Path(os.environ.get(KEY_ENV) or DEFAULT_KEY)


def _fail(message: str) -> typer.Exit:
    error_found(message)
    return typer.Exit(1)


def _open(db: str, *, read_only: bool = False) -> EventStore:
    try:
        return EventStore.open(db, create=False, read_only=read_only)
    except StoreError as error:
        raise _fail(str(error)) from error


def _summary(report: VerifyReport) -> str:
    noun = "event" if report.size == 1 else "events"
    head = f"{report.org}: {report.size} {noun}, root {report.root.hex()}"
    if not report.ok:
        count = len(report.findings)
        return f"{head}: FAILED ({count} problem{'s' if count != 1 else ''})"
    unsigned = report.size - report.signed_size
    if report.signed_size == 0:
        signed = "no checkpoint signs it yet"
    elif unsigned:
        signed = f"{report.signed_size} signed by a checkpoint, {unsigned} not yet"
    else:
        signed = "all signed by a checkpoint"
    if report.witnessing:
        if report.witnessed_size >= report.size:
            signed += "; all witnessed"
        else:
            signed += f"; unwitnessed beyond size {report.witnessed_size}"
    return f"{head}: ok ({signed})"


def _witness_keys(paths: list[Path]) -> list[Ed25519PublicKey]:
    """The trusted witnesses' public keys; an unusable file is a clear error (exit 1)."""
    keys = []
    for path in paths:
        try:
            keys.append(load_public_key(path))
        except KeyFileError as error:
            raise _fail(f"witness key: {error}") from error
    return keys


def _usage(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def register(app: typer.Typer) -> None:
    @app.command()
    def verify(
        db: DbOption,
        org: Annotated[
            str | None, typer.Option("--org", help="Only this organisation's log.")
        ] = None,
        checkpoint: Annotated[
            Path | None,
            typer.Option("--checkpoint", help="A saved checkpoint file the log must extend."),
        ] = None,
        key: KeyOption = None,
        witness_key: Annotated[
            list[Path] | None,
            typer.Option(
                "--witness-key",
                help="A trusted witness's public key (PEM); the checkpoint must carry its "
                "co-signature to count as witnessed. Repeatable (all must co-sign).",
            ),
        ] = None,
        require_witnessed: Annotated[
            bool,
            typer.Option(
                "--require-witnessed",
                help="Fail (exit 1) unless the witnessed checkpoint covers the whole log.",
            ),
        ] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print the JSON report.")] = False,
    ) -> None:
        """Check every stored log: leaves, seqs, tree heads, checkpoints (exit 1 if tampered)."""
        if witness_key and checkpoint is None:
            raise _usage(
                "--witness-key needs --checkpoint FILE: witnesses' co-signatures travel in "
                "checkpoint files"
            )
        if require_witnessed and not witness_key:
            raise _usage("--require-witnessed needs at least one --witness-key PUB")
        witnesses = _witness_keys(list(witness_key or []))
        saved: Checkpoint | None = None
        if checkpoint is not None:
            saved, diagnostics = read_checkpoint(checkpoint)
            if saved is None:
                for diagnostic in diagnostics:
                    typer.echo(diagnostic.render(), err=True)
                raise typer.Exit(1)
        trusted: Ed25519PublicKey | None = None
        path = key_path(key)
        if key is not None or path.exists():
            try:
                trusted = load_public_key(path)
            except KeyFileError as error:
                raise _fail(str(error)) from error
        store = _open(db, read_only=True)  # never checkpoints a live server's WAL away
        try:
            known = store.orgs()
            if org is None and saved is not None:
                org = saved.org
            if org is not None and org not in known:
                listed = ", ".join(known) if known else "none"
                raise _fail(f"no organisation {org!r} in the store (known: {listed})")
            chosen = [org] if org is not None else known
            reports = []
            with Progress(
                TextColumn("verifying {task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            ) as bar:
                for name in chosen:
                    task = bar.add_task(name, total=store.tree_head(name).size or None)
                    cp = saved if saved is not None and saved.org == name else None

                    def advance(done: int, task: TaskID = task) -> None:
                        bar.update(task, completed=done)

                    reports.append(
                        verify_log(
                            store,
                            name,
                            cp,
                            trusted_key=trusted,
                            witness_keys=witnesses if cp is not None else (),
                            require_witnessed=require_witnessed and cp is not None,
                            progress=advance,
                        )
                    )
        finally:
            store.close()
        ok = all(r.ok for r in reports)
        if as_json:
            document = {
                "ok": ok,
                "trusted_key": str(path) if trusted is not None else None,
                "witness_keys": [str(p) for p in witness_key or []],
                "logs": [r.to_json() for r in reports],
            }
            typer.echo(json.dumps(document, indent=2, ensure_ascii=False))
        else:
            for report in reports:
                for finding in report.findings:
                    typer.echo(finding.render(report.org))
                typer.echo(_summary(report))
            if trusted is None and any(r.checkpoints for r in reports):
                typer.echo(
                    "note: no trusted key given: checkpoint signatures were checked against "
                    "the keys they name",
                    err=True,
                )
            if not reports:
                typer.echo("the store holds no logs")
        raise typer.Exit(0 if ok else 1)

    @app.command("checkpoint")
    def checkpoint_cmd(
        db: DbOption,
        org: Annotated[str, typer.Option("--org", help="The organisation whose head to sign.")],
        out: Annotated[Path, typer.Option("--out", help="Write the checkpoint JSON here.")],
        key: KeyOption = None,
    ) -> None:
        """Verify a log, sign its head with the deployment key, keep it and save it to a file."""
        if not out.parent.is_dir():  # before anything is signed or stored
            raise _fail(
                f"cannot write the checkpoint to {out}: no directory {out.parent} "
                "(create it first, or give another --out)"
            )
        path = key_path(key)
        try:
            signing = load_or_create_key(path)
        except KeyFileError as error:
            raise _fail(str(error)) from error
        store = _open(db)
        try:
            if not store.has_org(org):
                listed = ", ".join(store.orgs()) or "none"
                raise _fail(f"no organisation {org!r} in the store (known: {listed})")
            report = verify_log(store, org, trusted_key=signing.public_key())
            if not report.ok:
                for finding in report.findings:
                    typer.echo(finding.render(org), err=True)
                raise _fail(f"refusing to sign {org}'s log: it fails verification")
            signed = store.checkpoint(org, signing)
        finally:
            store.close()
        try:
            write_checkpoint(signed, out)
        except OSError as error:
            raise _fail(
                f"the checkpoint of {signed.size} events was kept in the store, but writing it "
                f"to {out} failed: {error.strerror}; save it again with charter checkpoint"
            ) from error
        typer.echo(
            f"{org}: signed checkpoint of {signed.size} events, root {signed.root.hex()}, "
            f"key {signed.key_id[:16]}…, saved to {out}"
        )

    @app.command("witness")
    def witness_cmd(
        checkpoint: Annotated[
            Path, typer.Argument(help="The checkpoint file to co-sign (charter checkpoint --out).")
        ],
        key: Annotated[
            Path,
            typer.Option(
                "--key",
                help="The witness's own ed25519 key (PEM; created with mode 0600 on first use, "
                "its public key written beside it as KEY.pub). Never the deployment's key.",
            ),
        ],
        record: Annotated[
            Path | None,
            typer.Option(
                "--record",
                help="The witness's record of what it co-signed (default: KEY.record.json).",
            ),
        ] = None,
        db: Annotated[
            str | None,
            typer.Option(
                "--db",
                help="The store holding the log: needed to prove a checkpoint extends the one "
                "co-signed before (a consistency proof).",
            ),
        ] = None,
        log_key: Annotated[
            Path | None,
            typer.Option("--log-key", help="The deployment's public key the checkpoint must bear."),
        ] = None,
        out: Annotated[
            Path | None,
            typer.Option("--out", help="Write the co-signed checkpoint here (default: in place)."),
        ] = None,
    ) -> None:
        """Co-sign a checkpoint as an independent witness, unless it forks what it co-signed."""
        saved, diagnostics = read_checkpoint(checkpoint)
        if saved is None:
            for diagnostic in diagnostics:
                typer.echo(diagnostic.render(), err=True)
            raise typer.Exit(1)
        target = out or checkpoint
        if not target.parent.is_dir():
            raise _fail(f"cannot write the checkpoint to {target}: no directory {target.parent}")
        try:
            signing = load_or_create_key(key)
            deployment = load_public_key(log_key) if log_key is not None else None
        except KeyFileError as error:
            raise _fail(str(error)) from error
        public_file = key.with_name(key.name + ".pub")
        if not public_file.exists():
            try:
                public_file.write_text(public_key_pem(signing.public_key()), encoding="ascii")
            except OSError as error:
                raise _fail(
                    f"cannot write the witness's public key {public_file}: {error.strerror}"
                ) from error
        leaves = None
        if db is not None:
            store = _open(db, read_only=True)
            try:
                if not store.has_org(saved.org):
                    listed = ", ".join(store.orgs()) or "none"
                    raise _fail(f"no organisation {saved.org!r} in the store (known: {listed})")
                leaves = [leaf_hash(e.entry_bytes()) for e in store.iter_events(saved.org)]
            finally:
                store.close()
        record_file = record or key.with_name(key.name + ".record.json")
        try:
            cosigned = witness_checkpoint(
                saved, signing, record_file, leaves=leaves, log_key=deployment
            )
        except WitnessRefused as error:
            raise _fail(f"refusing to witness {checkpoint}: {error}") from error
        except WitnessRecordError as error:
            raise _fail(str(error)) from error
        try:
            write_checkpoint(cosigned, target)
        except OSError as error:
            raise _fail(
                f"co-signed, and recorded in {record_file}, but writing {target} failed: "
                f"{error.strerror}; run charter witness again to write it"
            ) from error
        typer.echo(
            f"{saved.org}: witnessed checkpoint of {saved.size} events, root "
            f"{saved.root.hex()}, witness key {key_id(signing.public_key())[:16]}…, "
            f"saved to {target}"
        )
