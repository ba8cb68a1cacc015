"""Accessibility: axe-core (bundled with axe-playwright-python from PyPI, so it runs offline)
reports no serious or critical violation on any page, at a desktop's width and a phone's,
logged out, logged in, and on the pages a director reads (Portal with papers, Account, Audit,
the draft minutes)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import test_portal_browser
from browser_support import CHROMIUM
from conftest import WIDTHS, keep_screenshots, watched_page
from test_portal_browser import ORG

service = test_portal_browser.service  # the demo service (a module-scoped fixture)
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]
axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
PAGES = (
    "/",
    "/orgs",
    f"/orgs/{ORG}/structure",
    f"/orgs/{ORG}/timeline",
    f"/orgs/{ORG}/money",
    f"/orgs/{ORG}/power",
    f"/orgs/{ORG}/portal",
    f"/orgs/{ORG}/audit",
    "/account",
    f"/api/orgs/{ORG}/meetings/meet-2023-11-17/minutes?format=html",
    "/casebook",
    "/orgs/casebook-klaassen/timeline",
)


def serious(page: Any) -> list[str]:
    results = axe_module.Axe().run(page).response
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def signed_in(browser: Any, service: tuple[str, dict[str, str]]) -> Iterator[Any]:
    base, passwords = service
    ctx, page, errors = watched_page(browser, "dangelo", viewport={"width": 1440, "height": 900})
    page.goto(base + "/")
    logged_out = serious(page)
    assert not logged_out, f"the log-in page: {logged_out}"
    page.get_by_label("Username").fill("dangelo")
    page.get_by_label("Password", exact=True).fill(passwords["dangelo"])
    page.get_by_role("button", name="Log in").click()
    if page.url.endswith("/account"):
        own = "dangelo chooses a long passphrase"
        page.get_by_label("Current password").fill(passwords["dangelo"])
        page.get_by_label("New password").fill(own)
        page.get_by_role("button", name="Change password").click()
        passwords["dangelo"] = own
        page.goto(base + "/")
        page.get_by_label("Username").fill("dangelo")
        page.get_by_label("Password", exact=True).fill(own)
        page.get_by_role("button", name="Log in").click()
    yield page
    ctx.close()
    assert not errors, f"console errors: {errors}"


def test_no_serious_violation_on_any_page_at_either_width(
    signed_in: Any,
    service: tuple[str, dict[str, str]],
) -> None:
    page = signed_in
    found = []
    for path in PAGES:
        page.goto(service[0] + path)
        page.wait_for_load_state("networkidle")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            found += [f"{path} at {width}px: {v}" for v in serious(page)]
        name = path.strip("/").replace("/", "_").split("?")[0] or "home"
        keep_screenshots(page, f"axe-{name}")
    assert not found, "\n".join(found)
