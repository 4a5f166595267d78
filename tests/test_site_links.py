"""The example organisation's site: no broken internal link, every page valid HTML."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tests"))
from sitecheck import find_broken_links, html_pages, html_problems


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from sosgen.cli import main

    out = tmp_path_factory.mktemp("example") / "site"
    assert main(["-C", str(ROOT), "build", "--today", "2026-11-24", "-o", str(out)]) == 0
    return out


def test_the_example_builds_every_kind_of_page(example_site):
    for path in ("index.html", "meetings.html", "board.html", "teams.html", "actions.html"):
        assert (example_site / path).is_file(), path
    assert (example_site / "briefing.html").is_file()
    assert list((example_site / "meetings").glob("*.html"))
    assert list((example_site / "briefing").glob("*.html"))
    assert list((example_site / "teams").glob("*.html"))
    assert list((example_site / "board").glob("*.html"))


def test_no_broken_internal_link(example_site):
    assert find_broken_links(example_site) == []


def test_every_page_is_valid_html(example_site):
    problems = {
        page.relative_to(example_site).as_posix(): html_problems(page.read_text("utf-8"))
        for page in html_pages(example_site)
    }
    assert {page: found for page, found in problems.items() if found} == {}
