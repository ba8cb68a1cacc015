"""Every number read from a request or a file is bounded before it is expanded (issue 11, item 3).

``Fraction(Decimal('1e10000000'))`` builds a ten-million-digit integer: a Money page asked for
that amount froze the service for seconds, and amounts past 1.8e308 answered 500.  The parsers
check digits and size on the Decimal first, so every such request is answered at once."""

from __future__ import annotations

import time
from fractions import Fraction
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from charter.waterfall.money import (
    MAX_DIGITS,
    MAX_EXPONENT,
    parse_amount,
    parse_multiple,
    parse_number,
    parse_percent,
)
from charter.web import DirectoryCaseSource, create_app

CASE = Path(__file__).resolve().parent.parent / "examples" / "openai-2023"
HUGE = ["1e10000000", "1e-10000000", "9" * 5000, "1.8e309", "1e31", "0." + "0" * 60 + "1"]


@pytest.mark.parametrize("text", HUGE)
@pytest.mark.parametrize("parse", [parse_amount, parse_multiple, parse_percent])
def test_parsers__refuse_oversized_numbers_at_once(parse: object, text: str) -> None:
    started = time.perf_counter()
    value, reason = parse(text)  # type: ignore[operator]
    assert value is None
    assert reason is not None
    assert len(reason) < 200
    assert time.perf_counter() - started < 0.5


def test_parse_number__says_the_bounds() -> None:
    value, reason = parse_number("1e999", "a number of years")
    assert value is None
    assert reason is not None
    assert f"1e{MAX_EXPONENT}" in reason
    assert str(MAX_DIGITS) in reason


@given(
    st.integers(min_value=1, max_value=10**MAX_EXPONENT),
    st.integers(min_value=0, max_value=12),
)
def test_parse_amount__every_amount_within_bounds_is_exact(units: int, places: int) -> None:
    digits = str(units)
    if len(digits) > MAX_DIGITS:
        return
    text = f"{digits}e-{places}" if places else digits
    value, reason = parse_amount(text)
    assert reason is None
    assert value == Fraction(units, 10**places)


def test_parse_amount__zero_with_any_exponent_is_zero() -> None:
    assert parse_amount("0e-99999") == (Fraction(0), None)


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(DirectoryCaseSource([CASE])))


@pytest.mark.parametrize("page", ["money", "power"])
@pytest.mark.parametrize("amount", [*HUGE, "1e30000000", "NaN", "inf", "-1", "1e308"])
def test_pages__a_hostile_amount_is_an_error_on_the_page_not_a_freeze(
    client: TestClient, page: str, amount: str
) -> None:
    started = time.perf_counter()
    r = client.get(f"/orgs/openai-2023/{page}", params={"amount": amount})
    elapsed = time.perf_counter() - started
    assert r.status_code in (200, 400), r.text[:300]
    assert "is not an amount" in r.text
    assert amount[:30] not in r.text or len(amount) <= 24
    assert elapsed < 5, f"{page}?amount={amount[:20]} took {elapsed:.1f}s"


def test_service__a_slow_page_does_not_stall_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages are built in the thread pool (sync endpoints), never on the event loop: while one
    request spends 1.5 s building a Structure page, another is answered at once."""
    import threading

    import httpx

    from charter.web import structure as structure_page
    from service_support import ThreadedServer, make_portal

    portal = make_portal(tmp_path)
    real = structure_page.structure_svg

    def slow(*args: object, **kwargs: object) -> object:
        time.sleep(1.5)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(structure_page, "structure_svg", slow)
    server = ThreadedServer(portal.app)
    headers = {"Authorization": f"Bearer {portal.tokens['sec']}"}
    try:
        slow_done = threading.Event()

        def fetch_slow() -> None:
            httpx.get(f"{server.url}/orgs/acme/structure", headers=headers, timeout=30)
            slow_done.set()

        thread = threading.Thread(target=fetch_slow)
        thread.start()
        time.sleep(0.2)  # the slow one is in flight
        started = time.perf_counter()
        quick = httpx.get(f"{server.url}/api/me", headers=headers, timeout=30)
        elapsed = time.perf_counter() - started
        assert quick.status_code == 200
        assert not slow_done.is_set(), "the slow page was not slow: the test proves nothing"
        assert elapsed < 1.0
        thread.join()
    finally:
        server.close()
