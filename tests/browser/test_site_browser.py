"""The example site in a real browser: a reader goes home -> board -> a meeting -> a
team -> the briefing. Every page renders without JavaScript errors or failed requests,
the dependency graph is drawn and visible, and axe-core finds no violation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sitecheck import describe_axe_violations

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-11-24"


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory, serve_site: Callable[..., str]) -> str:
    from sosgen.cli import main

    out = tmp_path_factory.mktemp("browser") / "site"
    assert main(["-C", str(ROOT), "build", "--today", TODAY, "-o", str(out)]) == 0
    return serve_site(out)


def _check(page: Any, axe_violations: Callable[..., list[dict[str, Any]]]) -> None:
    violations = axe_violations(page)
    assert violations == [], describe_axe_violations(violations)


def test_a_reader_walks_through_the_site(
    page: Any,
    page_errors: list[str],
    site_url: str,
    axe_violations: Callable[..., list[dict[str, Any]]],
    screenshot: Callable[..., Path],
) -> None:
    page.goto(site_url)
    assert page.locator("h1").first.inner_text().startswith("Next meeting:")
    assert page.locator("#suggestions-h").is_visible()
    factors = page.locator("#risks details.factors").first
    assert not factors.locator("li").first.is_visible()
    factors.locator("summary").click()  # no script: the browser opens <details> itself
    assert factors.locator("li").first.is_visible()
    _check(page, axe_violations)
    screenshot(page, "site-home")

    page.get_by_role("navigation", name="Site").get_by_role("link", name="Board").click()
    page.wait_for_url("**/board.html")
    graph = page.locator("figure.graph svg").first
    assert graph.is_visible()
    box = graph.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100
    assert page.locator("figure.graph svg g.edge").count() > 0
    assert page.locator("table.deps tbody tr").count() > 0
    assert page.locator("table.deps td.risk .badge.risk").count() > 0
    _check(page, axe_violations)
    screenshot(page, "site-board")

    page.get_by_role("navigation", name="Site").get_by_role("link", name="Meetings").click()
    page.wait_for_url("**/meetings.html")
    page.locator("table tbody tr th a").first.click()
    page.wait_for_url("**/meetings/*.html")
    assert page.locator("section.team-update").count() > 0
    _check(page, axe_violations)
    screenshot(page, "site-meeting")

    page.locator("section.team-update a", has_text="team page").first.click()
    page.wait_for_url("**/teams/*.html")
    assert page.locator("#rotation-h").is_visible()
    assert page.locator("figure.graph svg").first.is_visible()
    _check(page, axe_violations)
    screenshot(page, "site-team")

    page.get_by_role("navigation", name="Site").get_by_role("link", name="Briefing").click()
    page.wait_for_url("**/briefing.html")
    assert page.locator("svg.chart").count() == 5
    assert page.locator("#backtest-h").is_visible()
    _check(page, axe_violations)
    screenshot(page, "site-briefing")
    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="Site").is_visible()
    screenshot(page, "site-briefing-print")

    assert page_errors == []


def test_readable_on_a_phone_in_dark_mode(
    browser: Any,
    site_url: str,
    axe_violations: Callable[..., list[dict[str, Any]]],
    screenshot: Callable[..., Path],
) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, color_scheme="dark", java_script_enabled=True
    )
    try:
        phone = context.new_page()
        for path in ("index.html", "board.html", "actions.html"):
            phone.goto(site_url + path)
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{path} scrolls sideways on a phone ({width}px)"
            _check(phone, axe_violations)
            screenshot(phone, f"site-phone-dark-{path.removesuffix('.html')}")
    finally:
        context.close()


def test_every_page_works_without_javascript(browser: Any, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        plain = context.new_page()
        plain.goto(site_url + "board.html")
        assert plain.locator("figure.graph svg").first.is_visible()
        assert plain.locator("table.deps").first.is_visible()
    finally:
        context.close()
