"""The explicit, ordered list of command modules (no registry magic): each exposes ``register``."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    from charter.cli import (
        casebook_cmd,
        demo_cmd,
        governance_cmd,
        minutes_cmd,
        power_cmd,
        report_cmd,
        service_cmd,
        store_cmd,
        value_cmd,
        waterfall_cmd,
    )

    governance_cmd.register(app)
    demo_cmd.register(app)
    power_cmd.register(app)
    store_cmd.register(app)
    waterfall_cmd.register(app)
    report_cmd.register(app)
    service_cmd.register(app)
    minutes_cmd.register(app)
    casebook_cmd.register(app)
    value_cmd.register(app)
