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

from charter.store.checkpoint import (
    Checkpoint,
    KeyFileError,
    load_or_create_key,
    load_public_key,
    read_checkpoint,
    write_checkpoint,
)
from charter.store.db import EventStore, StoreError
from charter.store.verify import VerifyReport, verify_log

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
    typer.echo(f"error: {message}", err=True)
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
        return f"{head}: ok (no checkpoint signs it yet)"
    if unsigned:
        return f"{head}: ok ({report.signed_size} signed by a checkpoint, {unsigned} not yet)"
    return f"{head}: ok (all signed by a checkpoint)"


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
        as_json: Annotated[bool, typer.Option("--json", help="Print the JSON report.")] = False,
    ) -> None:
        """Check every stored log: leaves, seqs, tree heads, checkpoints (exit 1 if tampered)."""
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
                        verify_log(store, name, cp, trusted_key=trusted, progress=advance)
                    )
        finally:
            store.close()
        ok = all(r.ok for r in reports)
        if as_json:
            document = {
                "ok": ok,
                "trusted_key": str(path) if trusted is not None else None,
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
