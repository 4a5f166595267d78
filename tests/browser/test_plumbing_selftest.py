"""Self-test of the browser plumbing on a tiny hand-made site (not sosgen's output)."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from sitecheck import describe_axe_violations, find_broken_links, html_pages, html_problems

CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'"


def _page(title: str, body: str, css: str = "site.css") -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<title>{title}</title>
<link rel="stylesheet" href="{css}">
</head>
<body>
<header><nav aria-label="Site"><a href="/">Home</a> <a href="/team/">Team</a></nav></header>
<main>
{body}
</main>
</body>
</html>
"""


GRAPH = """<svg id="graph" role="group" aria-labelledby="graph-title" width="320" height="160"
     viewBox="0 0 320 160" xmlns="http://www.w3.org/2000/svg"
     xmlns:xlink="http://www.w3.org/1999/xlink">
<title id="graph-title">Dependency graph: Alpha depends on Beta</title>
<defs><marker id="arrow" markerWidth="8" markerHeight="8" refX="8" refY="4" orient="auto">
<path d="M0,0 L8,4 L0,8 z" fill="#333333"/></marker></defs>
<a href="team/#alpha"><rect x="10" y="60" width="100" height="40" fill="#ddeeff"
 stroke="#333333"/><text x="60" y="85" text-anchor="middle">Alpha</text></a>
<line x1="110" y1="80" x2="210" y2="80" stroke="#333333" marker-end="url(#arrow)"/>
<a xlink:href="team/#beta"><rect x="210" y="60" width="100" height="40" fill="#ffeedd"
 stroke="#333333"/><text x="260" y="85" text-anchor="middle">Beta</text></a>
</svg>"""


def make_good_site(root: Path) -> Path:
    (root / "team").mkdir(parents=True)
    (root / "site.css").write_text(
        "body { font-family: sans-serif; color: #111111; background: #ffffff; }\n"
        "a { color: #0645ad; }\n",
        encoding="utf-8",
    )
    (root / "index.html").write_text(
        _page(
            "Home",
            '<h1>Scrum of scrums</h1>\n<p><a href="team/">Go to the team page</a></p>\n' + GRAPH,
        ),
        encoding="utf-8",
    )
    (root / "team" / "index.html").write_text(
        _page(
            "Team",
            '<h1>Teams</h1>\n<h2 id="alpha">Alpha</h2>\n<p>Depends on Beta.</p>\n'
            '<h2 id="beta">Beta</h2>\n<p><a href="../index.html#graph">Back to the graph</a></p>',
            css="../site.css",
        ),
        encoding="utf-8",
    )
    return root


def make_bad_site(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "site.css").write_text("body { color: #111111; }\n", encoding="utf-8")
    # A PNG-less <img> without alt: axe's "image-alt" rule must flag it.
    (root / "index.html").write_text(
        _page("Bad", '<h1>Bad</h1>\n<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'),
        encoding="utf-8",
    )
    return root


# ------------------------------------------------------------------ no browser needed


def test_selftest_site_passes_static_checks(tmp_path: Path) -> None:
    site = make_good_site(tmp_path / "site")
    assert find_broken_links(site) == []
    for page in html_pages(site):
        assert html_problems(page.read_text(encoding="utf-8")) == [], page


def test_serve_site_serves_folder(serve_site: Any, tmp_path: Path) -> None:
    site = make_good_site(tmp_path / "site")
    base = serve_site(site, headers={"X-Test": "1"})
    assert base.startswith("http://127.0.0.1:") and base.endswith("/")
    with urllib.request.urlopen(base + "team/") as resp:
        assert resp.status == 200
        assert resp.headers["X-Test"] == "1"
        assert b"<title>Team</title>" in resp.read()
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(base + "missing.html")
    assert err.value.code == 404
    err.value.close()


# ------------------------------------------------------------------ browser


@pytest.mark.browser
def test_walk_click_svg_axe_screenshot(
    page: Any,
    page_errors: list[str],
    serve_site: Any,
    axe_violations: Any,
    screenshot: Any,
    tmp_path: Path,
) -> None:
    base = serve_site(make_good_site(tmp_path / "site"))

    page.goto(base)
    assert page.title() == "Home"
    graph = page.locator("svg#graph")
    assert graph.is_visible()
    box = graph.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 50
    violations = axe_violations(page)
    assert violations == [], describe_axe_violations(violations)
    shot = screenshot(page, "selftest-home")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    page.get_by_role("link", name="Go to the team page").click()
    page.wait_for_url(base + "team/")
    assert page.get_by_role("heading", name="Teams").is_visible()
    violations = axe_violations(page)
    assert violations == [], describe_axe_violations(violations)
    screenshot(page, "selftest-team")

    # A link inside the SVG graph, then back to the graph by its #fragment.
    page.goto(base)
    page.locator("svg#graph a").first.click()
    page.wait_for_url(base + "team/#alpha")
    page.get_by_role("link", name="Back to the graph").click()
    page.wait_for_url(base + "index.html#graph")
    assert page.locator("svg#graph").is_visible()

    assert page_errors == []


@pytest.mark.browser
def test_axe_flags_img_without_alt(
    page: Any, serve_site: Any, axe_violations: Any, screenshot: Any, tmp_path: Path
) -> None:
    base = serve_site(make_bad_site(tmp_path / "bad"))
    page.goto(base)
    violations = axe_violations(page)
    assert violations, "axe found nothing wrong with an <img> without alt"
    assert "image-alt" in {v["id"] for v in violations}, describe_axe_violations(violations)
    screenshot(page, "selftest-bad")
