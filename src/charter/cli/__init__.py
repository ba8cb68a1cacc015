"""The ``charter`` command: a thin typer shell over the pure core.

Exit codes (docs/cli.md): 0 success; 1 the input has errors (or a check found a problem, e.g.
``verify`` found tampering); 2 usage error (bad option, missing file argument).
"""

from __future__ import annotations

import typer
from typer.core import TyperOption

from charter.cli import commands


def _flag_has_no_value(option: TyperOption, ctx: object) -> str | None:
    """Typer 0.29's help shows a type after every option, ``--json <bool>`` included, as if
    a flag took a value; a flag takes none, so its help shows none."""
    if option.is_flag:
        return None
    return _typed(option, ctx)  # type: ignore[arg-type]


_typed = TyperOption.display_type_rich
TyperOption.display_type_rich = _flag_has_no_value  # type: ignore[method-assign]

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
