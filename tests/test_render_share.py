"""The forked render worker and this process share the pages one at a time: each page
is rendered exactly once, the site is byte for byte the one a single process builds,
and a failure leaves no temporary file of either process behind."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from site_builds import quiet_build

from sosgen import render_share, site
from sosgen.cli import main
from sosgen.errors import SosgenError

SMALL = ROOT / "tests/fixtures/site-small"
TODAY = "2026-11-09"


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture
def small(tmp_path: Path) -> Path:
    root = tmp_path / "small"
    shutil.copytree(SMALL, root)
    return root


def test_pages_taken_in_two_processes_are_each_rendered_once():
    pages = [f"page-{i}" for i in range(300)]
    turns = render_share.Turns(pages)  # type: ignore[arg-type]
    assert turns.share()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's own coverage is not collected
        os.close(read)
        taken = []
        while (page := turns.take()) is not None:
            taken.append(page)
        os.write(write, "\n".join(taken).encode())
        os._exit(0)
    os.close(write)
    mine = []
    while (page := turns.take()) is not None:
        mine.append(page)
    with os.fdopen(read, "rb") as f:
        theirs = f.read().decode().split("\n")
    os.waitpid(child, 0)
    theirs = [p for p in theirs if p]
    assert sorted(mine + theirs) == sorted(pages)
    assert turns.take() is None


def test_stopped_turns_hand_out_nothing():
    turns = render_share.Turns(["a", "b"])  # type: ignore[arg-type]
    assert turns.take() == "a"
    turns.stop()
    assert turns.take() is None


def test_overview_pages_come_first():
    class P:
        def __init__(self, template: str) -> None:
            self.template = template

    pages = [P("meeting.html"), P("team.html"), P("meeting.html"), P("actions.html")]
    order = [p.template for p in render_share.big_first(pages)]  # type: ignore[arg-type]
    assert order == ["team.html", "actions.html", "meeting.html", "meeting.html"]


def test_a_shared_build_is_the_single_process_build(small, tmp_path, monkeypatch):
    monkeypatch.setattr(site, "FORK_FROM", 1)
    forked: list[int] = []
    fork = render_share.fork

    def counting(*args, **kwargs):
        worker = fork(*args, **kwargs)
        forked.append(worker is not None)
        return worker

    monkeypatch.setattr(render_share, "fork", counting)
    one, two = tmp_path / "one", tmp_path / "two"
    args = ["-C", str(small), "build", "--today", TODAY, "--no-cache"]
    assert main([*args, "-o", str(one), "-j", "1"]) == 0
    assert main([*args, "-o", str(two), "-j", "2"]) == 0
    assert forked == [True]
    assert _tree(one) == _tree(two)


def test_a_failing_page_leaves_no_temporary_file(small, tmp_path, monkeypatch):
    monkeypatch.setattr(site, "FORK_FROM", 1)
    render = site._render
    parent = os.getpid()
    rendered: list[str] = []

    def failing(renderer, page, *args):
        if os.getpid() == parent:
            rendered.append(page.path)
            if len(rendered) == 3:
                raise SosgenError(f"template {page.template}:1: broken")
        return render(renderer, page, *args)

    monkeypatch.setattr(site, "_render", failing)
    out = tmp_path / "out"
    with pytest.raises(SosgenError, match="broken"):
        quiet_build(small, out, today=dt.date.fromisoformat(TODAY), jobs=2, cache=False)
    assert [p for p in out.rglob("*") if p.is_file()] == []
