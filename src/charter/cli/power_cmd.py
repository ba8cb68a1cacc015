"""``charter power``: voting power of a weighted game (from options or a file), or the
coalitions of a case's board (``charter.cli.board_power``).

The weighted-game file (docs/formats.md, "Weighted game file")::

    quota: 12
    players:
      - {name: FR, weight: 4}
      - {name: LU, weight: 1}

It is read with located errors (file:line:column), like every Charter file.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from charter.cli.common import console, error_found
from charter.power.game_file import load_game_file
from charter.power.weighted import GameError, GameReport, weighted_indices
from charter.report.terminal import readable_int

# ---------------------------------------------------------------------------------------------
# The weighted-game file


# ---------------------------------------------------------------------------------------------
# Output


def _fmt(value: Fraction | float | None, exact: bool) -> str:
    if value is None:
        return "-"
    if exact and isinstance(value, Fraction):
        return str(value)
    return f"{float(value):.6g}"


def _count(value: int | None) -> str:
    return "-" if value is None else readable_int(value)


def render_text(report: GameReport, console: Console, *, exact: bool) -> None:
    game = report.game
    table = Table(title=f"Weighted game [{game.quota}; {len(game.weights)} players]")
    for col in ("player", "weight", "swings", "Banzhaf abs", "Banzhaf norm", "Shapley-Shubik"):
        table.add_column(col, justify="left" if col == "player" else "right")
    table.add_column("Coleman prevent", justify="right")
    table.add_column("Coleman initiate", justify="right")
    for p in report.players:
        table.add_row(
            p.name,
            str(p.weight),
            "-" if p.swings is None else readable_int(p.swings),
            _fmt(p.banzhaf_absolute, exact),
            _fmt(p.banzhaf_normalized, exact),
            _fmt(p.shapley_shubik, exact),
            _fmt(p.coleman_prevent, exact),
            _fmt(p.coleman_initiate, exact),
        )
    console.print(table)
    if report.winning_coalitions is not None:
        console.print(
            f"winning coalitions: {_count(report.winning_coalitions)}; "
            f"minimal winning coalitions: {_count(report.minimal_winning_coalitions)}"
        )
    if report.minimal_winning_list is not None:
        for coalition in report.minimal_winning_list:
            console.print("  {" + ", ".join(coalition) + "}")
    if not report.shapley_exact and report.exact_counts:
        console.print(
            "(Shapley-Shubik at float precision: the exact table is too large or too slow; "
            "--exact forces it)"
        )


class _LateProgress:
    """A progress bar that appears only once a computation has run for more than a second."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.began = time.perf_counter()
        self.bar: Progress | None = None
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self.bar is None:
            if time.perf_counter() - self.began < 1.0:
                return
            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self.bar.start()
        if phase not in self.tasks:
            self.tasks[phase] = self.bar.add_task(phase, total=total)
        self.bar.update(self.tasks[phase], completed=done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


# ---------------------------------------------------------------------------------------------
# The command


def _numbers(option: str, text: str) -> list[Decimal]:
    out = []
    for part in text.split(","):
        try:
            value = Decimal(part.strip())
        except InvalidOperation:
            raise typer.BadParameter(
                f"'{part.strip()}' is not a number", param_hint=option
            ) from None
        if not value.is_finite():
            raise typer.BadParameter(f"'{part.strip()}' is not a finite number", param_hint=option)
        out.append(value)
    return out


def _usage(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def register(app: typer.Typer) -> None:
    @app.command()
    def power(
        case_dir: Annotated[str | None, typer.Argument(help="A case directory.")] = None,
        weights: Annotated[
            str | None, typer.Option(help="Comma-separated weights, e.g. 4,4,4,2,2,1.")
        ] = None,
        quota: Annotated[str | None, typer.Option(help="Weight a coalition needs to win.")] = None,
        names: Annotated[str | None, typer.Option(help="Comma-separated player names.")] = None,
        file: Annotated[
            Path | None, typer.Option("--file", help="A weighted-game YAML file.")
        ] = None,
        json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
        exact: Annotated[
            bool, typer.Option("--exact", help="Exact fractions (Shapley-Shubik exactly too).")
        ] = False,
        float_: Annotated[
            bool, typer.Option("--float", help="Float64 only: no exact counts, any size.")
        ] = False,
        at: Annotated[str | None, typer.Option(help="CASE_DIR: time of the board.")] = None,
        bylaws: Annotated[str | None, typer.Option(help="CASE_DIR: bylaws profile.")] = None,
        act: Annotated[str | None, typer.Option(help="CASE_DIR: act kind.")] = None,
        without: Annotated[
            list[str] | None, typer.Option(help="CASE_DIR: can it pass without X?")
        ] = None,
        entity: Annotated[
            str | None,
            typer.Option(
                help="CASE_DIR: the act on this entity, through the structure (its board, a "
                "holder's right to replace that board, control from above)."
            ),
        ] = None,
    ) -> None:
        """Voting power: Banzhaf, Shapley-Shubik, Coleman and coalitions of a weighted game."""
        if case_dir is not None:
            if weights is not None or quota is not None or file is not None or names is not None:
                raise _usage("give either CASE_DIR or a weighted game (--weights/--file), not both")
            from charter.cli.board_power import run_cli, run_structure

            if entity is not None:
                if without:
                    raise _usage("--without is for the case's own board; leave out --entity")
                code = run_structure(case_dir, entity=entity, at=at, act=act, json_out=json_out)
                raise typer.Exit(int(code))
            code = run_cli(
                case_dir, at=at, bylaws=bylaws, act=act, without=without, json_out=json_out
            )
            raise typer.Exit(int(code))
        if at is not None or bylaws is not None or act is not None or without or entity:
            raise _usage("--at, --bylaws, --act, --without and --entity need a CASE_DIR")
        if exact and float_:
            raise _usage("--exact and --float exclude each other")
        err = Console(stderr=True)
        if file is not None:
            if weights is not None or quota is not None or names is not None:
                raise _usage("give either --file or --weights/--quota/--names, not both")
            spec, problems = load_game_file(str(file))
            if spec is None:
                for d in problems:
                    typer.echo(d.render(), err=True)
                raise typer.Exit(1)
            game_weights: list[Decimal] = [p.weight for p in spec.players]
            game_quota = spec.quota
            game_names: list[str] | None = [p.name for p in spec.players]
        else:
            if weights is None or quota is None:
                raise _usage("give --weights and --quota, or --file FILE")
            game_weights = _numbers("--weights", weights)
            quota_values = _numbers("--quota", quota)
            if len(quota_values) != 1:
                raise _usage("--quota takes one number")
            game_quota = quota_values[0]
            game_names = [n.strip() for n in names.split(",")] if names is not None else None
        progress = _LateProgress(err)
        try:
            report = weighted_indices(
                game_weights,
                game_quota,
                game_names,
                exact=not float_,
                shapley="exact" if exact else ("float" if float_ else "auto"),
                progress=progress,
            )
        except GameError as exc:
            error_found(str(exc))
            raise typer.Exit(1) from None
        finally:
            progress.close()
        if json_out:
            typer.echo(json.dumps(report.to_json(exact_strings=exact), indent=2))
        else:
            render_text(report, console, exact=exact)
