"""The web UI in a real browser: Debian's /usr/bin/chromium driven headless by Playwright.

Each test asserts what a person would see, keeps a screenshot in artifacts/screenshots/, and
fails on any console error or uncaught page error.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import CHROMIUM


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# The journal line of the 17 November removal (the event's first line, "- id: ...").
REMOVAL_LINE = _line_of(
    (Path(__file__).resolve().parent.parent / "examples/openai-2023/journal.yaml").read_text(),
    "id: remove-altman-ceo",
)


ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "examples" / "openai-2023"
ORG = "openai-2023"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def _has_waterfall() -> bool:
    return (CASE / "waterfall.yaml").is_file()


needs_waterfall = pytest.mark.skipif(
    not _has_waterfall(),
    reason="the waterfall engine or examples/openai-2023/waterfall.yaml is not on this branch",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    import uvicorn

    from charter.web import DirectoryCaseSource, create_app

    port = _free_port()
    config = uvicorn.Config(
        create_app(DirectoryCaseSource([CASE])), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)


def test_structure__shows_the_control_chain_board_and_licence(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/orgs/{ORG}/structure")
    expect(page.get_by_role("heading", name="Structure", exact=True)).to_be_visible()
    diagram = page.locator("svg.structure")
    expect(diagram).to_be_visible()
    expect(diagram).to_contain_text("OpenAI GP LLC")
    expect(diagram).to_contain_text("excludes AGI")
    expect(diagram).to_contain_text("no vote")
    expect(diagram).to_contain_text("6 of 7 authorized seats filled; chair: Greg Brockman")
    expect(page.get_by_role("rowheader", name="vacant")).to_be_visible()


def test_timeline__find_the_removal_void_under_one_profile_conditional_under_another(
    page: Any, base_url: str
) -> None:
    page.goto(f"{base_url}/orgs/{ORG}/timeline")
    page.get_by_label("Bylaws profile").select_option("delaware-nonstock")
    expect(page).to_have_url(re.compile(r"profile=delaware-nonstock"))
    act = page.locator("#act-remove-altman-ceo")
    expect(act.locator("summary .badge")).to_have_text("void")
    act.locator("summary").click()
    notice = act.locator("li.out-failed", has_text="notice.special-meeting")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("not given and not waived for 1: brockman")
    expect(notice).to_contain_text("Schroder v. Scotten")
    expect(act).to_contain_text(f"journal.yaml:{REMOVAL_LINE}")

    page.get_by_label("Bylaws profile").select_option("openai-2016-reported")
    act = page.locator("#act-remove-altman-ceo")
    expect(act.locator("summary .badge")).to_have_text("conditional")
    act.locator("summary").click()
    expect(act.locator(".missing")).to_contain_text(
        "form of the action (meeting, written consent or informal)"
    )


def test_timeline__date_control_and_view_show_the_state_at_that_moment(
    page: Any, base_url: str
) -> None:
    page.goto(f"{base_url}/orgs/{ORG}/timeline?profile=delaware-nonstock")
    page.get_by_label("Moment").fill("2023-11-17T12:30")
    page.get_by_label("Moment").dispatch_event("change")
    state = page.locator("section.state")
    expect(state).to_contain_text("State at 17 Nov 2023 12:30")
    ceo = state.get_by_role("row", name="ceo")
    expect(ceo).to_contain_text("Sam Altman")  # the removal is void de jure
    page.get_by_label("de facto (as acted on)").check()
    expect(state.get_by_role("row", name="ceo")).to_contain_text("Mira Murati")
    expect(page).to_have_url(re.compile(r"view=de-facto"))


@needs_waterfall
def test_money__moving_the_slider_updates_the_table_and_marker(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/orgs/{ORG}/money")
    label = page.locator("#amount-label")
    expect(label).to_have_text("$100B")
    slider = page.get_by_role("slider", name="Amount distributed")
    slider.focus()
    page.keyboard.press("End")
    expect(label).to_have_text("$500B")
    expect(page.get_by_role("heading", name="At $500B")).to_be_visible()
    expect(page.locator("svg.money .marker-label")).to_have_text("$500B")
    page.keyboard.press("Home")
    expect(page.get_by_role("heading", name="At $0")).to_be_visible()
    page.goto(f"{base_url}/orgs/{ORG}/money?amount=10B")
    payouts = page.locator("section[aria-labelledby=h-at]")
    microsoft = payouts.get_by_role("row", name=re.compile("^Microsoft"))
    expect(microsoft).to_contain_text("75.0%")


@needs_waterfall
def test_money__editing_a_parameter_moves_the_breakpoints(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/orgs/{ORG}/money")
    breakpoints = page.locator("#h-bp + .scroll table tbody tr th")
    expect(breakpoints.first).to_have_text("$17.3B")
    page.get_by_label("fcp_capital").fill("5B")
    page.get_by_label("fcp_capital").press("Enter")
    expect(breakpoints.first).to_have_text("$5B")
    page.get_by_label("capped_share_to").select_option("pro_rata")
    expect(page.locator("#money-body")).to_contain_text("Other investors and employees 96.1%")


@needs_waterfall
def test_power__control_against_economics(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/orgs/{ORG}/power")
    expect(page.locator("svg.control")).to_be_visible()
    microsoft = page.locator("#h-ctl ~ div table tr", has_text="Microsoft")
    expect(microsoft.locator("td").first).to_have_text("0.0%")
    expect(microsoft).to_contain_text("75.0%")


def test_power__coalitions_and_indices_by_profile(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/orgs/{ORG}/power")
    row = page.get_by_role("row", name=re.compile("^remove-officer"))
    expect(row).to_contain_text("any 4 of the 6 directors (15 coalitions)")
    expect(page.locator("svg.power")).to_be_visible()
    page.get_by_label("Bylaws profile").select_option("delaware-nonstock")
    expect(page).to_have_url(re.compile(r"profile=delaware-nonstock"))
    expect(page.locator("#power-body > p").first).to_contain_text("(de-jure, delaware-nonstock)")


def test_keyboard__tab_to_the_nav_and_open_a_page_with_enter(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/orgs/{ORG}/structure")
    for _ in range(12):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        if focused == "Timeline":
            break
    else:
        pytest.fail("Tab never reached the Timeline link")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/timeline$"))
    expect(page.get_by_role("heading", name="Timeline", exact=True)).to_be_visible()
    # the acts open from the keyboard too
    page.locator("#act-remove-altman-ceo summary").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#act-remove-altman-ceo .missing")).to_be_visible()


def test_no_javascript__pages_still_show_the_timeline_and_tables(
    nojs_page: Any, base_url: str
) -> None:
    page = nojs_page
    page.goto(f"{base_url}/orgs/{ORG}/timeline")
    page.get_by_label("Bylaws profile").select_option("delaware-nonstock")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"profile=delaware-nonstock"))
    act = page.locator("#act-remove-altman-ceo")
    expect(act.locator("summary .badge")).to_have_text("void")
    act.locator("summary").click()
    expect(act.locator("li.out-failed", has_text="notice.special-meeting")).to_be_visible()
    if _has_waterfall():
        page.goto(f"{base_url}/orgs/{ORG}/money?amount=50B")
        expect(page.get_by_role("heading", name="At $50B")).to_be_visible()
        total = page.get_by_role("row", name=re.compile("^Total"))
        expect(total).to_contain_text("$50,000,000,000")
    page.goto(f"{base_url}/orgs/{ORG}/power")
    expect(page.get_by_role("row", name=re.compile("^remove-director"))).to_be_visible()


@pytest.mark.parametrize("page_name", ["structure", "timeline", "money", "power"])
def test_phone_width__no_horizontal_scroll(phone_page: Any, base_url: str, page_name: str) -> None:
    phone_page.goto(f"{base_url}/orgs/{ORG}/{page_name}")
    expect(phone_page.get_by_role("heading", level=1)).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{page_name} is {width}px wide at 375px"


# the smallest rendered size (CSS px) of any chart text on the page: its font size times the
# scale its SVG is drawn at
SMALLEST_TEXT = """() => Math.min(...[...document.querySelectorAll('svg.chart text')].map(t => {
    const svg = t.ownerSVGElement;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return parseFloat(getComputedStyle(t).fontSize) * scale;
}))"""


@pytest.mark.parametrize("page_name", ["structure", "money", "power"])
def test_phone_width__chart_text_is_at_least_12px_and_its_figure_scrolls_by_keyboard(
    phone_page: Any, base_url: str, page_name: str
) -> None:
    """issue 15: chart text at least 12 CSS px at 375 px width; a chart wider than the screen
    scrolls inside its figure (which Tab reaches), never the page."""
    page = phone_page
    page.goto(f"{base_url}/orgs/{ORG}/{page_name}")
    page.wait_for_load_state("networkidle")
    assert page.locator("svg.chart text").count() > 5
    smallest = page.evaluate(SMALLEST_TEXT)
    assert smallest >= 11.99, f"{page_name}: chart text drawn at {smallest:.1f}px"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    figure = page.locator("figure.diagram, figure.chart-box").first
    assert figure.get_attribute("tabindex") == "0"
    figure.focus()
    before = figure.evaluate("f => f.scrollLeft")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    wider = figure.evaluate("f => f.scrollWidth > f.clientWidth")
    if wider:  # the arrow keys scroll it (smoothly: wait for it)
        scrolled = "document.querySelector('figure.diagram, figure.chart-box').scrollLeft"
        page.wait_for_function(f"() => {scrolled} > {before}")
