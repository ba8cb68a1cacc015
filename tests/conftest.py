"""Fixtures shared by test modules: a service database on each backend, and for the browser
modules one headless Chromium for the whole session (Playwright's sync API allows one running
instance per thread) and pages that keep a screenshot of what the test saw and fail the test on
any console or page error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import ARGS, CHROMIUM
from service_support import drop_schema, postgres_url

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh SQLite file, then a fresh schema on the local PostgreSQL server (skipped, with the
    reason, where none is reachable)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'service.db'}"
        return
    url = postgres_url()
    if url is None:
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432 (database 'test', trust auth)")
    yield url
    drop_schema(url)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


SHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"


WIDTHS = (1440, 375)
"""Every browser test keeps what it saw last at a desktop's and a phone's width."""


def watched_page(browser: Any, name: str, **context: Any) -> tuple[Any, Any, list[str]]:
    """A page whose console errors and page errors are collected (a test fails on any)."""
    ctx = browser.new_context(**context)
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{name}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{name}: {e}"))
    return ctx, page, errors


def keep_screenshots(page: Any, name: str) -> None:
    """The page as it ends, at each of :data:`WIDTHS` (full page)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size or {"width": 1440, "height": 900}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": size["height"]})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(size)


def _page(browser: Any, request: pytest.FixtureRequest, **context: Any) -> Iterator[Any]:
    ctx, page, errors = watched_page(browser, request.node.name, **context)
    yield page
    keep_screenshots(page, request.node.name)
    ctx.close()
    assert not errors, f"console errors: {errors}"


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    yield from _page(browser, request, viewport={"width": 1440, "height": 900})


@pytest.fixture
def nojs_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    yield from _page(
        browser, request, viewport={"width": 1440, "height": 900}, java_script_enabled=False
    )


@pytest.fixture
def phone_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    yield from _page(browser, request, viewport={"width": 375, "height": 800})
