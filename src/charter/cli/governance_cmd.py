"""check, replay, state, demo."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def check(paths: list[str]) -> None:
        """Validate charter, journal, bylaws and waterfall files."""
        raise typer.Exit(0)
