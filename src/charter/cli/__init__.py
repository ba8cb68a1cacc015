"""The ``charter`` command: a thin typer shell over the pure core.

Exit codes (docs/cli.md): 0 success; 1 the input has errors (or a check found a problem, e.g.
``verify`` found tampering); 2 usage error (bad option, missing file argument).
"""

from __future__ import annotations

import typer

from charter.cli import commands

app = typer.Typer(
    name="charter",
    help="Governance as code: describe, replay and judge, compute the money, analyse power.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

commands.register(app)


def main() -> None:
    app()
