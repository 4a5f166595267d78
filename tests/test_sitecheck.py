"""Tests of tests/sitecheck.py: the link checker and the HTML validity check."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitecheck import describe_axe_violations, find_broken_links, html_pages, html_problems


def doc(body: str, head: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>T</title>\n{head}</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def write(site: Path, files: dict[str, str]) -> Path:
    for name, body in files.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(doc(body) if name.endswith(".html") else body, encoding="utf-8")
    return site


# ----------------------------------------------------------------- find_broken_links


def test_good_site_has_no_broken_links(tmp_path: Path) -> None:
    site = write(
        tmp_path,
        {
            "index.html": (
                '<a href="board/">board</a> <a href="board">board, no slash</a>'
                ' <a href="/meetings/2026-11-23.html#team-alpha">meeting</a>'
                ' <a href="#top" id="top">top</a> <a href="#">nowhere</a> <a href="">self</a>'
                ' <a href="teams/a%20b.html?x=1#sec">spaced</a>'
                ' <img src="img/logo.svg" alt="logo"> <img alt="x" srcset="img/logo.svg 2x">'
                ' <link rel="stylesheet" href="style.css"> <script src="app.js"></script>'
                ' <a href="https://example.org/nope.html">ext</a> <a href="//cdn.example/x">cdn</a>'
                ' <a href="mailto:a@example.org">mail</a> <a href="tel:+123">tel</a>'
                ' <a href="javascript:void(0)">js</a> <img alt="" src="data:image/gif;base64,R0=">'
                ' <a href="meetings/2026-11-23.html#:~:text=hello">text fragment</a>'
                '<svg><a href="board/#deps"><text>d</text></a>'
                '<use xlink:href="#sym"/><symbol id="sym"></symbol></svg>'
            ),
            "board/index.html": '<h2 id="deps">deps</h2><a href="../index.html#top">up</a>',
            "meetings/2026-11-23.html": '<section id="team-alpha"></section>'
            '<a href="../teams/a b.html#sec">team</a> <a href="../board/index.html">b</a>',
            "teams/a b.html": '<a name="sec">legacy anchor</a>',
            "img/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
            "style.css": "body{}",
            "app.js": "",
        },
    )
    assert find_broken_links(site) == []


def test_missing_file_and_missing_fragment(tmp_path: Path) -> None:
    site = write(
        tmp_path,
        {
            "index.html": (
                '<a href="missing.html">x</a> <a href="other.html#nope">y</a>'
                ' <a href="other.html#yes">ok</a> <a href="#alsonope">z</a>'
                ' <img src="gone.png" alt="g"> <a href="empty/">dir without index</a>'
                ' <a href="missing.html">repeated, reported once</a>'
                ' <a href="http://site.invalid/elsewhere.html">other host, ignored</a>'
                ' <a href="https://org.example/sos/nope.html">own host, checked</a>'
                ' <a href="https://org.example/sos/other.html#yes">own host, ok</a>'
            ),
            "other.html": '<p id="yes">yes</p>',
            "empty/readme.txt": "no index here",
        },
    )
    expected = [
        "index.html: broken link to missing.html",
        "index.html: broken link to other.html#nope",
        "index.html: broken link to #alsonope",
        "index.html: broken link to gone.png",
        "index.html: broken link to empty/",
    ]
    assert find_broken_links(site) == expected
    assert find_broken_links(site, site_url="https://org.example/sos") == [
        *expected,
        "index.html: broken link to https://org.example/sos/nope.html",
    ]


def test_nested_page_and_svg_links(tmp_path: Path) -> None:
    site = write(
        tmp_path,
        {
            "index.html": '<p id="graph"></p>',
            "teams/alpha.html": (
                '<a href="../index.html#graph">ok</a> <a href="index.html">wrong folder</a>'
                '<svg><a href="../board/#deps"><text>dep</text></a>'
                '<a xlink:href="../index.html#gone"><text>old</text></a>'
                '<use href="#nosuchsymbol"/></svg>'
            ),
        },
    )
    assert find_broken_links(site) == [
        "teams/alpha.html: broken link to index.html",
        "teams/alpha.html: broken link to ../board/#deps",
        "teams/alpha.html: broken link to ../index.html#gone",
        "teams/alpha.html: broken link to #nosuchsymbol",
    ]


def test_html_pages_lists_every_page(tmp_path: Path) -> None:
    write(tmp_path, {"b.html": "", "a/index.html": "", "c.css": ""})
    assert [p.relative_to(tmp_path).as_posix() for p in html_pages(tmp_path)] == [
        "a/index.html",
        "b.html",
    ]


# ----------------------------------------------------------------- html_problems


GOOD = doc(
    '<main><h1 id="top">Hi</h1><p>One<br>two</p><img src="x.png" alt="x">'
    '<svg id="g" role="img" aria-label="graph"><title>graph</title>'
    '<circle cx="5" cy="5" r="4"/><use xlink:href="#g"/></svg></main>',
    head='<meta name="viewport" content="width=device-width">\n',
)


def test_good_page_has_no_problems() -> None:
    assert html_problems(GOOD) == []


def test_good_page_with_omitted_optional_tags() -> None:
    # </p>, </li>, </body>, </html> are optional in HTML: not errors.
    assert html_problems(doc("<ul><li>a<li>b</ul><p>one<p>two")) == []


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (GOOD.replace("<!DOCTYPE html>\n", ""), "does not start with <!DOCTYPE html>"),
        (
            GOOD.replace("<!DOCTYPE html>", '<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN">'),
            "unknown-doctype",
        ),
        (GOOD.replace(' lang="en"', ""), "<html> has no lang attribute"),
        (GOOD.replace("<title>T</title>", ""), "exactly one non-empty <title>, found 0"),
        (GOOD.replace("<title>T</title>", "<title> </title>"), "found 1 (empty)"),
        (GOOD.replace('<meta charset="utf-8">', ""), "no <meta charset>"),
        (GOOD.replace('charset="utf-8"', 'charset="latin1"'), "expected utf-8"),
        (
            GOOD.replace('id="g"', 'id="top"'),
            "duplicate id 'top' on <svg> (first at line 9, col 7)",
        ),
        (GOOD.replace('id="g"', 'id="a b"'), "id 'a b' on <svg> is empty or has whitespace"),
        (GOOD.replace('alt="x"', 'alt="x" alt="y"'), "duplicate-attribute"),
        (GOOD.replace("<p>One", "<div/><p>One"), "non-void-element-with-trailing-solidus"),
        (GOOD.replace("<p>One", "</span><p>One"), "Unexpected end tag (span). Ignored."),
        (GOOD.replace("</main>", "<section></main>"), "End tag (main) seen too early"),
        (GOOD.replace("<svg", "<?xml version='1.0'?><svg"), "processing instructions"),
        (GOOD.replace("</main>", "<b><i>x</b></i></main>"), "adoption-agency"),
        (
            GOOD.replace('<img src="x.png"', '<img src="x.png><p'),
            "unexpected-character-after-attribute-value",
        ),
        (GOOD.split("</main>")[0], "expected-closing-tag-but-got-eof"),
    ],
)
def test_bad_page_is_reported(page: str, expected: str) -> None:
    problems = html_problems(page)
    assert any(expected in p for p in problems), problems


def test_parse_errors_carry_line_and_col() -> None:
    problems = html_problems(doc("<p>ok</p>\n</span>"))
    assert problems == ["line 9, col 7: Unexpected end tag (span). Ignored. [unexpected-end-tag]"]


def test_describe_axe_violations() -> None:
    text = describe_axe_violations(
        [
            {
                "id": "image-alt",
                "impact": "critical",
                "help": "Images must have alternative text",
                "helpUrl": "https://dequeuniversity.com/rules/axe/4.12/image-alt",
                "nodes": [{"target": ["img"], "html": "<img src=x>"}],
            }
        ]
    )
    assert text.startswith("image-alt (critical): Images must have alternative text")
    assert "['img']: <img src=x>" in text
