"""`sosgen build`: every page is there and says what the data says, the same input gives
the same bytes, and the writer stays inside its output folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

SMALL = ROOT / "tests/fixtures/site-small"
TODAY = "2026-11-09"
PAGES = [
    "index.html",
    "meetings.html",
    "meetings/2026-11-02.html",
    "meetings/2026-11-09.html",
    "board.html",
    "board/shop.html",
    "board/core.html",
    "teams.html",
    "teams/payments.html",
    "teams/data.html",
    "actions.html",
    "briefing.html",
    "briefing/2026-11-06.html",
    "style.css",
    "feed.atom",
    "calendar.ics",
    "board.json",
]


@pytest.fixture
def small(tmp_path: Path) -> Path:
    root = tmp_path / "small"
    shutil.copytree(SMALL, root)
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small fixture built once: tests below only read it."""
    from sosgen.cli import main

    root = tmp_path_factory.mktemp("built") / "small"
    shutil.copytree(SMALL, root)
    assert main(["-C", str(root), "build", "--today", TODAY]) == 0
    return root / "site"


def page(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_build_prints_a_summary_naming_the_engine(small, run):
    result = run("-C", small, "build", "--today", TODAY)
    assert result.code == 0, result.err
    assert result.out.startswith("built 20 pages and 4 other files into ")
    assert "7 graphs drawn with wasm engine, Graphviz 16." in result.out
    assert result.out.rstrip().endswith("24 written, 0 unchanged, 0 removed")


def test_every_page_is_built(site):
    for path in PAGES:
        assert (site / path).is_file(), path


def test_home_orders_the_agenda_as_the_practice_asks(site):
    home = page(site, "index.html")
    order = [home.index(f'id="{ident}-h"') for ident in ("review", "risks", "heads-up")]
    order += [home.index(f'id="{ident}-h"') for ident in ("new-dependencies", "parking-lot")]
    assert order == sorted(order)
    assert "Next meeting: Monday 9 November 2026" in home
    # escalated first: A-2026-11-02-1 was reviewed open three times (limit 1)
    review = home[home.index('id="review-h"') : home.index('id="risks-h"')]
    assert review.index("A-2026-11-02-1") < review.index("A-2026-11-06-1")
    assert "Escalated" in review.split("A-2026-11-06-1")[0]
    # blockers and risks: the blocker citing no dependency first, then by risk score
    risks = home[home.index('id="risks-h"') : home.index('id="heads-up-h"')]
    assert risks.index("Nobody answers about the order stream") < risks.index("DEP-1")
    order = [risks.index(f'href="board.html#{d}"') for d in ("DEP-1", "DEP-6", "DEP-2", "DEP-4")]
    assert order == sorted(order)  # scores 5.12, 3.03, 2.56, 1.30
    assert "Risk high: committed 5 days after needed-by" in risks
    assert "carried over from the meeting of" in home
    assert "Latest minutes:" in home


def test_minutes_show_answers_missing_updates_and_links(site):
    minutes = page(site, "meetings/2026-11-06.html")
    assert 'id="team-payments"' in minutes
    assert "No update: Identity sent nothing for this meeting" in minutes
    assert "No update: Data sent nothing for this meeting" in minutes
    assert 'rel="prev" href="2026-11-04.html"' in minutes
    assert 'rel="next" href="2026-11-09.html"' in minutes
    assert "Payment webhooks change format on Nov 20" in minutes
    first = page(site, "meetings/2026-11-02.html")
    assert "<strong>Nov 5</strong>" in first  # Markdown rendered
    assert '<a href="https://example.com/notes">the notes</a>' in first
    assert "Checkout ships refunds behind a flag" in first


def test_board_colours_and_table(site):
    board = page(site, "board.html")
    assert board.count("<svg") == 1
    row = board[board.index('<tr id="DEP-1">') :].split("</tr>")[0]
    assert "At risk" in row and "conflict: committed for 2026-11-25" in row
    row = board[board.index('<tr id="DEP-4">') :].split("</tr>")[0]
    assert "Watch" in row and "no slack" in row
    assert board.index('<tr id="DEP-6">') < board.index('<tr id="DEP-2">')  # blocked first
    assert 'id="across-clusters"' in board
    data = json.loads(page(site, "board.json"))
    levels = {d["id"]: d["level"] for d in data["dependencies"]}
    assert levels == {
        "DEP-1": "red",
        "DEP-2": "amber",  # not committed, needed in 4 days (near_days 5)
        "DEP-3": "green",
        "DEP-4": "amber",
        "DEP-5": "done",
        "DEP-6": "red",
        "DEP-7": "done",
    }


def test_team_page_has_rotation_dependencies_and_actions(site):
    team = page(site, "teams/payments.html")
    for section in ("dependencies", "actions", "rotation", "updates"):
        assert f'id="{section}-h"' in team
    assert "Past the limit" in team  # alice since 2026-10-01, sprints of one week
    assert "A-2026-11-02-1" in team
    assert "../meetings/2026-11-06.html#team-payments" in team


def test_actions_page_lists_escalated_first_with_history(site):
    actions = page(site, "actions.html")
    assert actions.index('id="A-2026-11-02-1"') < actions.index('id="A-2026-11-06-1"')
    assert actions.index('id="escalated-h"') < actions.index('id="open-h"')
    assert "Draft shared" in actions and "age 3 meetings" in actions


def test_briefing_and_its_print_stylesheet(site):
    briefing = page(site, "briefing.html")
    assert 'class="page briefing"' in briefing
    assert briefing.count('<svg class="chart"') == 5
    assert "Escalations needing leadership" in briefing
    assert "@media print" in page(site, "style.css")
    assert "prefers-color-scheme: dark" in page(site, "style.css")


def test_feeds_are_well_formed(site):
    import xml.etree.ElementTree as ET

    feed = ET.fromstring(page(site, "feed.atom"))
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 3  # meetings held before the next one (2026-11-09)
    ics = (site / "calendar.ics").read_bytes()
    assert ics.startswith(b"BEGIN:VCALENDAR\r\n") and ics.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in ics.split(b"\r\n"))
    assert b"SUMMARY:Needed: DEP-3 Login events export (Identity from Data)" in ics


def test_footer_names_the_commit(small, run, monkeypatch):
    monkeypatch.setenv("SOSGEN_COMMIT", "0123456789abcdef0123")
    assert run("-C", small, "build", "--today", TODAY).code == 0
    assert 'title="0123456789abcdef0123">0123456789ab</code>' in page(small / "site", "index.html")


def test_briefing_command_prints_markdown(small, run):
    result = run("-C", small, "briefing", "--format", "markdown", "--today", TODAY)
    assert result.code == 0, result.err
    assert result.out.startswith("## Small Org: scrum of scrums briefing\n")
    assert "- A-2026-11-02-1: Publish the refund API schema (Alice Ng" in result.out
    assert "**At risk** DEP-1: Checkout waits on Payments" in result.out
    assert "**Watch** DEP-2" in result.out
    assert "\n\n**Dependencies at risk or late**\n" in result.out
    text = run("-C", small, "briefing", "--meeting", "2026-11-02", "--today", TODAY)
    assert "DECISIONS" in text.out and "Checkout ships refunds behind a flag" in text.out


def test_rebuild_writes_nothing_and_removes_stale_pages(small, run):
    assert run("-C", small, "build", "--today", TODAY).code == 0
    (small / "site/notes.txt").write_text("mine", encoding="utf-8")
    again = run("-C", small, "build", "--today", TODAY)
    assert again.out.rstrip().endswith("0 written, 24 unchanged, 0 removed")
    shutil.rmtree(small / "meetings/2026-11-09")
    third = run("-C", small, "build", "--today", TODAY)
    assert third.code == 0
    assert not (small / "site/meetings/2026-11-09.html").exists()
    assert not (small / "site/briefing/2026-11-09.html").exists()
    assert "2 removed" in third.out
    assert (small / "site/notes.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("out", [".", "..", "meetings", "meetings/site"])
def test_refuses_an_output_folder_holding_the_data(small, run, out):
    before = sorted(p.relative_to(small) for p in small.rglob("*"))
    result = run("-C", small, "build", "--today", TODAY, "-o", small / out)
    assert result.code == 2
    assert "output folder" in result.err
    assert sorted(p.relative_to(small) for p in small.rglob("*")) == before


def test_refuses_to_build_with_errors(small, run):
    (small / "meetings/2026-11-02/payments.yaml").write_text("ambassador: zed\n", "utf-8")
    result = run("-C", small, "build", "--today", TODAY)
    assert result.code == 1
    assert "error(s) in the repository: fix them, then build" in result.err
    assert "meetings/2026-11-02/payments.yaml:1:1: error:" in result.err
    assert not (small / "site").exists()


def test_templates_of_the_data_repository_override_by_name(small, run):
    (small / "templates").mkdir()
    (small / "templates/style.css").write_text("body { color: rebeccapurple; }\n", "utf-8")
    (small / "templates/macros.html").write_text(
        (ROOT / "sosgen/templates/macros.html")
        .read_text(encoding="utf-8")
        .replace("At risk: committed after", "OVERRIDDEN legend: committed after"),
        "utf-8",
    )
    assert run("-C", small, "build", "--today", TODAY).code == 0
    assert page(small / "site", "style.css") == "body { color: rebeccapurple; }\n"
    assert "OVERRIDDEN legend" in page(small / "site", "board.html")


def test_a_typo_in_a_template_fails_the_build(small, run):
    (small / "templates").mkdir()
    (small / "templates/teams.html").write_text("{{ no_such_name }}", "utf-8")
    result = run("-C", small, "build", "--today", TODAY)
    assert result.code == 1
    assert "template teams.html" in result.err and "no_such_name" in result.err


def test_a_build_that_fails_while_rendering_leaves_the_site_as_it_was(small, run):
    assert run("-C", small, "build", "--today", TODAY).code == 0
    site = small / "site"
    before = {p: p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}
    # a change every page shows, then a template that fails after many pages are rendered
    teams = small / "teams.yaml"
    teams.write_text(teams.read_text("utf-8").replace("organization: ", "organization: New "))
    (small / "templates").mkdir()
    (small / "templates/teams.html").write_text("{{ no_such_name }}", "utf-8")
    assert run("-C", small, "build", "--today", TODAY).code == 1
    assert {p: p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()} == before


def _build_in_subprocess(
    root: Path, out: Path, *, seed: str, tz: str, cwd: Path, jobs: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOSGEN_")}
    env.update(PYTHONHASHSEED=seed, TZ=tz, PYTHONPATH=str(ROOT), SOURCE_DATE_EPOCH="1762646400")
    done = subprocess.run(
        [sys.executable, "-m", "sosgen", "-C", str(root), "build", "-o", str(out), "-j", jobs],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.slow
def test_same_input_same_bytes_across_hash_seed_timezone_path_and_processes(tmp_path):
    one, two = tmp_path / "a", tmp_path / "deeper/checkout b"
    shutil.copytree(SMALL, one)
    shutil.copytree(SMALL, two)
    _build_in_subprocess(one, tmp_path / "out1", seed="1", tz="UTC", cwd=tmp_path, jobs="1")
    _build_in_subprocess(
        two, tmp_path / "out2", seed="4242", tz="Pacific/Chatham", cwd=two, jobs="2"
    )
    first, second = _tree(tmp_path / "out1"), _tree(tmp_path / "out2")
    assert sorted(first) == sorted(second)
    different = [path for path in first if first[path] != second[path]]
    assert different == []
    assert len(first) == 25  # 24 files and the writer's manifest
