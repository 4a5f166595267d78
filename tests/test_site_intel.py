"""The coordination intelligence in the site, on the example organisation: the agenda
in risk order with every dependency's reasons and factors, the board's risk column,
the suggested dependencies with their evidence on the home page and the board, and
the backtest in the briefing, with its number of cases."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from html import unescape
from pathlib import Path

import pytest
from conftest import ROOT
from markupsafe import escape

from sosgen.intel import Evidence, Kind, Suggestion, backtest, rank, text_suggestions
from sosgen.intel.cochange import Thresholds
from sosgen.intel.suggestions_file import FILE, Source, render
from sosgen.model import Repository
from sosgen.repo import load_repository

TODAY = "2026-11-24"
NEXT = dt.date(2026, 11, 25)  # the next meeting after TODAY: the agenda's day
HEADING = "Possible dependencies — confirm or dismiss"


def copy_example(to: Path) -> Path:
    to.mkdir(parents=True)
    for name in ("teams.yaml", "dependencies.yaml"):
        shutil.copy(ROOT / name, to / name)
    shutil.copytree(ROOT / "meetings", to / "meetings")
    return to


def load(root: Path) -> Repository:
    repo, _, _ = load_repository(root)
    return repo


def section(html: str, ident: str) -> str:
    start = html.index(f'<section id="{ident}"')
    return html[start : html.index("</section>", start)]


def text(html: str) -> str:
    """What a reader sees of `html`, roughly: quotes for <q>, tags dropped, one space
    between words."""
    quoted = html.replace("<q>", "“").replace("</q>", "”")
    return " ".join(unescape(re.sub(r"<[^>]+>", "", quoted)).split())


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example organisation's site, built once for the tests that only read it."""
    from sosgen.cli import main

    out = tmp_path_factory.mktemp("intel") / "site"
    assert main(["-C", str(ROOT), "build", "--today", TODAY, "-o", str(out)]) == 0
    return out


def page(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_the_agenda_lists_dependencies_in_risk_order_with_their_reasons(example):
    risks = section(page(example, "index.html"), "risks")
    shown = re.findall(r'risk</span> <a href="board.html#(DEP-\d+)">', risks)
    ranked = rank(load(ROOT), NEXT)
    assert shown == [dep.id for dep, _ in ranked if dep.id in shown]
    # every dependency the score calls high or medium is on the agenda, and more
    assert {d.id for d, r in ranked if r.level in ("high", "medium")} <= set(shown)
    assert shown[:3] == ["DEP-5", "DEP-9", "DEP-8"]
    for dep, risk in ranked:
        if dep.id not in shown:
            continue
        item = risks[risks.index(f'href="board.html#{dep.id}"') :].split("</li>\n<li>\n")[0]
        assert f'<span class="badge risk risk-{risk.level}">{risk.level} risk</span>' in risks
        assert f"Risk {escape(risk.summary)}</span>" in item
        assert "Date promise: " in item  # the colour, with its reasons, beside it
        assert f"<summary>Risk score {risk.score:.2f}: how it adds up</summary>" in item
        for factor in risk.factors:
            assert f"{factor.name} (value " in item and str(escape(factor.reason)) in item
    assert "Risk high: committed 5 days after needed-by; needed in 2 days" in risks


def test_the_board_shows_each_open_dependency_with_its_risk(example):
    board = page(example, "board.html")
    ranked = rank(load(ROOT), dt.date.fromisoformat(TODAY))
    assert ranked
    for dep, risk in ranked:
        row = board[board.index(f'<tr id="{dep.id}">') :].split("</tr>")[0]
        assert f'<span class="badge risk risk-{risk.level}">{risk.level} risk</span>' in row
        assert str(escape(risk.summary)) in row
        assert f"<summary>Risk score {risk.score:.2f}: how it adds up</summary>" in row
    delivered = board[board.index('<tr id="DEP-3">') :].split("</tr>")[0]
    assert "none: closed" in delivered and "Risk score" not in delivered


@pytest.mark.parametrize("path", ["index.html", "board.html"])
def test_suggestions_show_on_home_and_board_with_their_evidence(example, path):
    found = section(page(example, path), "suggestions")
    assert f'<h2 id="suggestions-h">{HEADING}</h2>' in found
    assert "under <code>dismissed:</code> in <code>dependencies.yaml</code>" in found
    suggestions = text_suggestions(load(ROOT))
    assert {(s.kind, s.teams) for s in suggestions} == {
        (Kind.MENTION, ("mobile", "checkout")),
        (Kind.RESTATED, ("checkout", "platform")),
        (Kind.SILENT, ("checkout", "platform")),
    }
    for s in suggestions:
        assert str(escape(s.evidence[0].text)) in found
        for e in s.evidence:  # every piece, the first five shown and the rest one click away
            assert f"<code>{e.where}</code> (" in found
    shown = text(found)
    # checkout's blocker, word for word, three times
    for day in ("2026-11-16", "2026-11-18", "2026-11-20"):
        assert (
            f"meetings/{day}/checkout.yaml:7:11 ({day}): “Blue/green deploys are not "
            "available, so every checkout release still needs a maintenance window”" in shown
        )
    # platform never plans DEP-9: each of its `next` answers since 2026-11-06
    assert "Checkout waits on Platform for DEP-9 (Blue/green deploys for checkout-web)" in shown
    assert "meetings/2026-11-06/platform.yaml:4:7 (2026-11-06): “next: none”" in shown
    assert "3 more pieces of evidence" in shown
    assert "meetings/2026-11-23/platform.yaml:7:3" in shown
    # the mention, quoted in its item, with the line to add to dismiss it
    assert (
        "meetings/2026-11-06/mobile.yaml:7:11 (2026-11-06): “checkout” in “Apple Pay "
        "button in the checkout sheet, pending merchant validation”" in shown
    )
    assert "add - {teams: [mobile, checkout], reason: ...}" in shown


def test_a_dismissed_pair_leaves_the_site_and_saved_code_suggestions_join_it(tmp_path, run):
    root = copy_example(tmp_path / "org")
    deps = (root / "dependencies.yaml").read_text(encoding="utf-8")
    deps += "  - {teams: [checkout, mobile], reason: the checkout sheet is Apple's}\n"
    (root / "dependencies.yaml").write_text(deps, encoding="utf-8")
    saved = Suggestion(
        Kind.COCHANGE,
        ("identity", "mobile"),
        "Identity and Mobile changed together in 6 changes (coupling 57%: Identity 6 "
        "changes, Mobile 15)",
        (Evidence("Price rounding for bundles, part 1", date=NEXT, commit="ead2384121" * 4),),
        support=6,
        coupling=57,
        changes=(6, 15),
    )
    source = Source("shop", "f" * 40, None, "owns", 30, 0)
    (root / FILE).write_text(render([saved], source=source, thresholds=Thresholds()), "utf-8")
    assert run("-C", root, "build", "--today", TODAY).code == 0
    for path in ("index.html", "board.html", "board/checkout.html"):
        found = section(page(root / "site", path), "suggestions")
        assert "mobile.yaml:7:11" not in found, path
        assert "checkout.yaml:7:11" in found, path  # the restated blocker stays
        assert (
            '<code title="ead2384121ead2384121ead2384121ead2384121">ead2384121</code> '
            "(2026-11-25): Price rounding for bundles, part 1"
        ) in found
        assert "6 changes (coupling 57%: Identity 6 changes, Mobile 15)" in found
    # a cluster's board shows the suggestions about its own teams
    assert "Price rounding" not in page(root / "site", "board/catalog.html")


def test_the_briefing_shows_the_backtest_with_its_number_of_cases(example, run):
    result = backtest(load(ROOT), until=dt.date.fromisoformat(TODAY))
    assert not result.enough and result.cases == 26
    verdict = result.verdict[0].upper() + result.verdict[1:]
    assert verdict.startswith("Not enough history: 5 dependencies with a known outcome (3 late)")
    found = section(page(example, "briefing.html"), "backtest")
    assert f"<p>{verdict}.</p>" in found
    assert "26 cases (a dependency open and not yet due, at a meeting) in 8 meetings" in found
    assert "<td>0.90</td><td>0.84</td><td>1.00</td>" in found  # the score
    assert "<td>0.72</td><td>0.63</td><td>0.75</td>" in found  # days left alone
    assert "Risk score backtest" not in page(example, "briefing/2026-11-23.html")
    plain = run("-C", ROOT, "briefing", "--today", TODAY)
    assert f"RISK SCORE BACKTEST\n  {verdict}.\n" in plain.out
    assert "  Risk score:      AUC 0.90, precision@3 0.84, recall@3 1.00\n" in plain.out
    markdown = run("-C", ROOT, "briefing", "--today", TODAY, "--format", "markdown")
    assert f"**Risk score backtest**\n- {verdict}.\n" in markdown.out
    one = run("-C", ROOT, "briefing", "--today", TODAY, "--meeting", "2026-11-23")
    assert "BACKTEST" not in one.out
