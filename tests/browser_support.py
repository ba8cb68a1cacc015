"""Debian's Chromium and the flags every browser test launches it with (never a downloaded
browser): shared by tests/conftest.py's ``browser`` fixture and the browser test modules."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
