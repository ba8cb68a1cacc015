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


def _page(browser: Any, request: pytest.FixtureRequest, **context: Any) -> Iterator[Any]:
    ctx = browser.new_context(**context)
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{request.node.name}.png"), full_page=True)
    ctx.close()
    assert not errors, f"console errors: {errors}"


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    yield from _page(browser, request, viewport={"width": 1280, "height": 900})


@pytest.fixture
def nojs_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    yield from _page(
        browser, request, viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )


@pytest.fixture
def phone_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    yield from _page(browser, request, viewport={"width": 375, "height": 800})
