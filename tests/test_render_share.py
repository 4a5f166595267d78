"""The forked render worker and this process share the pages one at a time: each page
is rendered exactly once, the site is byte for byte the one a single process builds,
and a failure leaves no temporary file of either process behind. A whole site is
shared from before anything is planned: each process plans the pages it renders, and
only this one works out the intel the overview pages ask for."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import shutil
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from site_builds import quiet_build, tree
from synth import generate

import sosgen.views.plan as plan_module
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


SYNTH_TODAY = dt.date(2023, 5, 1)  # 70 of its 90 meetings held: 20 more than the feed shows


@pytest.fixture(scope="module")
def synth_org(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synth") / "org"
    generate(root, teams=3, meetings=90)
    return root


def _log(path: Path, *event: Any) -> None:
    """One line per event, appended by whichever process it happens in."""
    with path.open("a") as f:
        f.write(json.dumps([os.getpid(), *event]) + "\n")


def _events(path: Path) -> list[list[Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _join_children() -> None:
    """Every worker ended. The pool's own thread may be reaping one at the same moment:
    then `join` returns before that thread recorded the exit, so look again a little."""
    deadline = time.monotonic() + 30
    for child in multiprocessing.active_children():
        child.join(timeout=30)
        while child.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not child.is_alive()


def test_a_whole_site_forks_first_and_each_process_plans_what_it_renders(
    synth_org, tmp_path, monkeypatch
):
    monkeypatch.setattr(site, "FORK_FROM", 1)
    log = tmp_path / "events.jsonl"
    parent = os.getpid()
    meeting_pages, overview_pages, fork = site.meeting_pages, site.overview_pages, render_share.fork

    def planning_meeting(data, index, *args):
        _log(log, "meeting", index)
        return meeting_pages(data, index, *args)

    def planning_overview(*args, **kwargs):
        _log(log, "overview")
        return overview_pages(*args, **kwargs)

    def forking(*args):
        _log(log, "fork")
        return fork(*args)

    monkeypatch.setattr(site, "meeting_pages", planning_meeting)
    monkeypatch.setattr(site, "overview_pages", planning_overview)
    monkeypatch.setattr(render_share, "fork", forking)
    for name in ("rank", "text_suggestions", "backtest", "Rotations", "Timeline"):
        made = getattr(plan_module, name)

        def working_out(*args, _name=name, _made=made, **kwargs):
            _log(log, "intel", _name)
            return _made(*args, **kwargs)

        monkeypatch.setattr(plan_module, name, working_out)
    one, two = tmp_path / "one", tmp_path / "two"
    quiet_build(synth_org, two, today=SYNTH_TODAY, jobs=2, cache=False)
    _join_children()
    events = _events(log)
    log.unlink()
    quiet_build(synth_org, one, today=SYNTH_TODAY, jobs=1, cache=False)
    assert tree(one) == tree(two)

    # Nothing is planned before the fork; what the pages of both processes ask for
    # is worked out before it, once.
    before = events[: events.index([parent, "fork"])]
    assert sorted(e[2] for e in before) == ["Rotations", "Timeline"]
    assert [e for e in events if e[1] == "overview"] == [[parent, "overview"]]
    planned = Counter(e[2] for e in events if e[1] == "meeting")
    assert planned == Counter(range(90))  # every meeting planned once, by one process
    intel = [e for e in events if e[1] == "intel"]
    assert sorted(e[2] for e in intel) == [
        "Rotations",
        "Timeline",
        "backtest",
        "rank",
        "text_suggestions",
    ]  # each once
    # The worker works out none of them but the backtest, when it takes the briefing
    # (the backtest's only reader).
    assert {e[0] for e in intel if e[2] != "backtest"} == {parent}


def test_a_page_failing_in_the_worker_leaves_no_temporary_file(synth_org, tmp_path, monkeypatch):
    monkeypatch.setattr(site, "FORK_FROM", 1)
    parent = os.getpid()
    render, take = site._render, render_share.Turns.take
    rendered: list[str] = []

    def failing(renderer, page, *args):
        if os.getpid() != parent:
            rendered.append(page.path)
            if len(rendered) == 3:
                raise SosgenError(f"template {page.template}:1: broken")
        return render(renderer, page, *args)

    def worker_takes(turns):  # this process leaves every meeting to the worker
        return take(turns) if os.getpid() != parent else None

    monkeypatch.setattr(site, "_render", failing)
    monkeypatch.setattr(render_share.Turns, "take", worker_takes)
    out = tmp_path / "out"
    with pytest.raises(SosgenError, match="broken"):
        quiet_build(synth_org, out, today=SYNTH_TODAY, jobs=2, cache=False)
    _join_children()
    assert [p for p in out.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize(
    ("template", "broken", "worker_only", "said"),
    [
        # the first meeting's minutes: never among those this process renders itself
        (
            "meeting.html",
            "{% if minutes.previous is none %}{{ minutes.nowhere }}{% endif %}",
            True,
            "template meeting.html: ",
        ),
        ("meeting.html", "{% if %}", False, "/meeting.html:4: Expected"),  # either process
        ("index.html", "{{ agenda.nowhere }}", False, "template index.html: "),  # this one
    ],
)
def test_a_template_error_in_either_process_is_the_single_process_message(
    synth_org, tmp_path, monkeypatch, capsys, template, broken, worker_only, said
):
    monkeypatch.setattr(site, "FORK_FROM", 1)
    root = tmp_path / "org"
    shutil.copytree(synth_org, root)
    lines = (ROOT / "sosgen/templates" / template).read_text().splitlines(keepends=True)
    lines.insert(3, broken + "\n")  # the first line of `{% block main %}`
    (root / "templates").mkdir()
    (root / "templates" / template).write_text("".join(lines))
    args = ["-C", str(root), "build", "--today", SYNTH_TODAY.isoformat(), "--no-cache"]
    assert main([*args, "-o", str(tmp_path / "one"), "-j", "1"]) == 1
    single = capsys.readouterr().err
    if worker_only:  # this process leaves every meeting to the worker
        parent, take = os.getpid(), render_share.Turns.take
        monkeypatch.setattr(
            render_share.Turns, "take", lambda t: take(t) if os.getpid() != parent else None
        )
    out = tmp_path / "two"
    assert main([*args, "-o", str(out), "-j", "2"]) == 1
    _join_children()
    err = capsys.readouterr().err
    assert err == single
    assert err.startswith("sosgen: template ")
    assert said in err
    assert "Traceback" not in err
    assert not out.exists() or [p for p in out.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("where", ["this process, planning the overview", "the worker"])
def test_an_interrupt_in_either_process_leaves_no_file_and_no_worker(
    synth_org, tmp_path, monkeypatch, where
):
    monkeypatch.setattr(site, "FORK_FROM", 1)
    parent = os.getpid()
    if where == "the worker":
        render, take = site._render, render_share.Turns.take

        def interrupted(renderer, page, *args):
            if os.getpid() != parent:
                raise KeyboardInterrupt
            return render(renderer, page, *args)

        monkeypatch.setattr(site, "_render", interrupted)
        monkeypatch.setattr(  # this process leaves every meeting to the worker
            render_share.Turns, "take", lambda t: take(t) if os.getpid() != parent else None
        )
    else:

        def interrupted_plan(*args, **kwargs):
            raise KeyboardInterrupt

        monkeypatch.setattr(site, "overview_pages", interrupted_plan)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        quiet_build(synth_org, out, today=SYNTH_TODAY, jobs=2, cache=False)
    _join_children()
    assert [p for p in out.rglob("*") if p.is_file()] == []
