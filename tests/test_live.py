"""The preview's rebuilds (`sosgen.live`, `site.PageMemo`): a rebuild that reuses
files loaded and pages rendered before writes exactly what a cold build writes."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from site_builds import quiet_build, tree
from synth import add_meeting, generate

from sosgen.cache import ParseCache
from sosgen.commands.serve import site_builder
from sosgen.identity import keeping
from sosgen.live import MemoryDocuments
from sosgen.repo import load_repository

TODAY = dt.date(2023, 3, 1)


def _tree(out: Path) -> dict[str, bytes]:
    return tree(out, manifest=False)


def _cold(root: Path, out: Path) -> dict[str, bytes]:
    quiet_build(root, out, today=TODAY, cache=False)
    return _tree(out)


def test_memory_documents_reload_only_what_changed(tmp_path: Path) -> None:
    root = tmp_path / "org"
    generate(root, teams=4, meetings=6, seed=3)
    documents = MemoryDocuments(ParseCache(enabled=False), racy_ns=0)
    first, _, _ = load_repository(root, documents=documents)
    assert documents.reused == 0 and documents.loaded > 20
    again, _, _ = load_repository(root, documents=documents)
    assert documents.loaded == 0
    assert again == first
    assert again.meetings[0].record is first.meetings[0].record  # the very object

    update = next(root.glob("meetings/*/*.yaml"))
    if update.name == "_meeting.yaml":
        update = next(p for p in update.parent.glob("*.yaml") if p.name != "_meeting.yaml")
    update.write_text(update.read_text(encoding="utf-8").replace("heads_up: none", "heads_up: []"))
    third, _, _ = load_repository(root, documents=documents)
    assert documents.loaded == 1
    fresh, _, _ = load_repository(root)
    assert third == fresh


def test_memory_documents_told_what_changed_stamp_nothing_else(tmp_path: Path) -> None:
    root = tmp_path / "org"
    generate(root, teams=4, meetings=6, seed=3)
    documents = MemoryDocuments(ParseCache(enabled=False), racy_ns=0)
    load_repository(root, documents=documents)
    folders = sorted((root / "meetings").iterdir())
    edited, elsewhere = folders[1] / "_meeting.yaml", folders[2] / "_meeting.yaml"
    for path in (edited, elsewhere):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("facilitator: grace-okafor", "facilitator: someone-else"))

    # told about one file: only it is loaded again, and nothing else is even stamped
    # (but teams.yaml and dependencies.yaml, always)
    documents.changed = frozenset({str(edited)})
    told, _, _ = load_repository(root, documents=documents)
    assert documents.loaded == 1 and documents.stamped == 3
    assert [mt.record.facilitator for mt in told.meetings[1:3]] == [
        "someone-else",
        "grace-okafor",  # not told, not seen
    ]
    assert documents.changed is None  # for one load only
    # told nothing: every file is stamped, and the other edit is seen
    load_repository(root, documents=documents)
    assert documents.loaded == 1 and documents.stamped == len(documents.known)

    # a folder named stands for every file in it
    documents.changed = frozenset({str(folders[3])})
    load_repository(root, documents=documents)
    assert documents.stamped == 2 + len(list(folders[3].glob("*.yaml")))
    # meetings/ itself, or the repository, for every file
    for folder in (root / "meetings", root):
        documents.changed = frozenset({str(folder)})
        load_repository(root, documents=documents)
        assert documents.stamped == len(documents.known)
    again, _, _ = load_repository(root, documents=documents)
    fresh, _, _ = load_repository(root)
    assert again == fresh


def test_a_file_changed_within_two_seconds_is_read_again(tmp_path: Path) -> None:
    root = tmp_path / "org"
    generate(root, teams=3, meetings=2, seed=5)  # just written: too recent to trust
    documents = MemoryDocuments(ParseCache(enabled=False))
    load_repository(root, documents=documents)
    load_repository(root, documents=documents)
    assert documents.reused == 0  # nothing kept while its stamp cannot prove it
    # ... unless the caller can tell what changed since: then what it does not name
    documents.changed = frozenset({str(root / "meetings" / "x")})
    load_repository(root, documents=documents)
    assert documents.loaded == 2  # teams.yaml and dependencies.yaml: always stamped
    load_repository(root, documents=documents)
    assert documents.reused == 0


def test_preview_rebuilds_write_what_a_cold_build_writes(tmp_path: Path) -> None:
    root = tmp_path / "org"
    generate(root, teams=5, meetings=12, seed=7)
    out = tmp_path / "preview"
    rebuild = site_builder(root, out, engine="wasm", today=lambda: TODAY)
    rebuild()
    assert _tree(out) == _cold(root, tmp_path / "cold-1")

    add_meeting(root, 11)
    rebuild()
    assert _tree(out) == _cold(root, tmp_path / "cold-2")

    # an edit to an old update changes its meeting's page and what derives from it
    old = sorted(root.glob("meetings/*/*.yaml"))[3]
    text = old.read_text(encoding="utf-8")
    assert "text: " in text
    old.write_text(text.replace("text: ", "text: Changed since, ", 1))
    rebuild()
    assert _tree(out) == _cold(root, tmp_path / "cold-3")


def test_preview_renders_only_pages_whose_views_changed(tmp_path: Path) -> None:
    from sosgen.site import PageMemo

    root = tmp_path / "org"
    generate(root, teams=4, meetings=10, seed=9)
    memo = PageMemo()
    documents = MemoryDocuments(ParseCache(), racy_ns=0)

    def once() -> str:
        # cache=False: no build-state short cut, every call builds
        return quiet_build(
            root, tmp_path / "site", today=TODAY, documents=documents, memo=memo, cache=False
        )

    once()
    assert memo.reused == 0
    once()
    assert memo.reused == len(memo.pages)  # nothing changed: every page reused
    add_meeting(root, 4)
    once()
    assert 0 < memo.reused < len(memo.pages)
    # the parts of the views of the meetings before the new one are the ones made
    # before (three kinds a meeting); the new one's and those of today are made anew
    assert memo.views.made <= 3 * 2 and memo.views.reused >= 3 * 9
    assert f"meetings/{sorted(os.listdir(root / 'meetings'))[-1]}.html" in memo.pages
    assert _tree(tmp_path / "site") == _cold(root, tmp_path / "cold")


@pytest.mark.parametrize("cache", [True, False])
def test_a_file_saved_unchanged_keeps_its_very_object(tmp_path: Path, cache: bool) -> None:
    """teams.yaml loaded again (its stamp changed) but the very bytes: the kept object,
    so that what was worked out from it is still at hand; other bytes: a new one. A
    meeting file saved unchanged is one file loaded again: equal, not kept."""
    root = tmp_path / "org"
    generate(root, teams=4, meetings=6, seed=3)
    documents = MemoryDocuments(ParseCache(enabled=cache), racy_ns=0)
    first, _, _ = load_repository(root, documents=documents)
    teams = root / "teams.yaml"
    update = sorted(root.glob("meetings/*/[!_]*.yaml"))[0]
    for path in (teams, update):
        path.write_bytes(path.read_bytes())  # saved unchanged: a new stamp
        os.utime(path, ns=(1, 1))
    again, _, _ = load_repository(root, documents=documents)
    assert documents.loaded == 2 and documents.resaved == 1
    assert again.org is first.org
    assert again == first

    teams.write_text(teams.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    third, _, _ = load_repository(root, documents=documents)
    assert documents.loaded == 1 and documents.resaved == 0
    assert third.org is not first.org and third.org == first.org
    fresh, _, _ = load_repository(root)
    assert third == fresh


@pytest.mark.parametrize("cache", [True, False])
def test_files_too_recent_to_trust_keep_their_objects_when_read_again(
    tmp_path: Path, cache: bool
) -> None:
    """Files written just before the first load (a preview started right after a pull)
    are read again on the next: the very same bytes, so the very same objects."""
    root = tmp_path / "org"
    generate(root, teams=4, meetings=6, seed=3)  # just written: too recent to trust
    documents = MemoryDocuments(ParseCache(enabled=cache))
    first, _, _ = load_repository(root, documents=documents)
    again, _, _ = load_repository(root, documents=documents)
    assert documents.reused == 0 and documents.loaded == documents.resaved > 20
    assert again.org is first.org
    assert all(
        a.record is b.record and all(a.updates[t] is b.updates[t] for t in a.updates)
        for a, b in zip(first.meetings, again.meetings, strict=True)
    )


def test_a_teams_yaml_changed_in_no_value_renders_no_page_again(tmp_path: Path) -> None:
    """A comment added to teams.yaml: a new organisation object equal to the last, so
    every part of every view and every page is the one made before (the organisation
    compared once, not for every part and update), and the site is what a cold build
    writes."""
    from sosgen.site import PageMemo

    root = tmp_path / "org"
    generate(root, teams=4, meetings=10, seed=9)
    memo = PageMemo()
    documents = MemoryDocuments(ParseCache(), racy_ns=0)

    def once() -> None:
        with keeping():
            quiet_build(
                root, tmp_path / "site", today=TODAY, documents=documents, memo=memo, cache=False
            )

    once()
    teams = root / "teams.yaml"
    teams.write_text(teams.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    once()
    assert documents.loaded == 1 and documents.resaved == 0
    assert memo.views.made == 0 and memo.views.reused > 0
    assert memo.reused == len(memo.pages)
    assert _tree(tmp_path / "site") == _cold(root, tmp_path / "cold")


def test_a_meeting_after_today_leaves_the_backtest_as_worked_out_before(tmp_path: Path) -> None:
    import shutil

    from sosgen.views import plan

    root = tmp_path / "org"
    generate(root, teams=5, meetings=14, seed=7)
    folders = sorted((root / "meetings").iterdir())
    today = dt.date.fromisoformat(folders[-3].name)
    out = tmp_path / "preview"
    rebuild = site_builder(root, out, engine="wasm", today=lambda: today)

    def cold(n: int) -> dict[str, bytes]:
        quiet_build(root, tmp_path / f"cold-{n}", today=today, cache=False)
        return _tree(tmp_path / f"cold-{n}")

    rebuild()
    made = plan._BACKTEST.made
    added = add_meeting(root, 11)  # after the last one, so after today
    rebuild()
    assert plan._BACKTEST.made == made  # the one worked out before
    assert _tree(out) == cold(1)
    shutil.rmtree(added)
    rebuild()
    assert plan._BACKTEST.made == made
    assert _tree(out) == cold(2)
    # a meeting held by today (one that raised nothing later ones refer to): worked
    # out again
    shutil.rmtree(
        next(
            f
            for f in folders[4:-3]
            if not {"actions:", "topic:"} & set((f / "_meeting.yaml").read_text().split())
        )
    )
    rebuild()
    assert plan._BACKTEST.made == made + 1
    assert _tree(out) == cold(3)


def _close_an_open_action_at_the_last_meeting(root: Path) -> str:
    """Review an action raised long ago as done at the latest meeting: the pages of
    every meeting that reviewed it since, and of the one that raised it, change."""
    from sosgen.actions import derive_actions

    repo, _, _ = load_repository(root)
    last = repo.meetings[-1]
    assert last.record is not None
    reviewed_there = {r.id for r in last.record.review}
    states = derive_actions(repo, escalate_after=2)
    state = next(
        s
        for s in states.values()
        if s.is_open and s.action.meeting < repo.meetings[-3].date and s.id not in reviewed_there
    )
    path = root / "meetings" / last.date.isoformat() / "_meeting.yaml"
    text = path.read_text(encoding="utf-8")
    entry = f"- id: {state.id}\n  status: done\n  note: closed since\n"
    if "\nreview:\n" in text:
        text = text.replace("\nreview:\n", f"\nreview:\n{entry}", 1)
    else:
        text += f"review:\n{entry}"
    path.write_text(text, encoding="utf-8")
    return state.id


def _rebuilder(root: Path, out: Path, racy_ns: int):
    """`site_builder`'s build; with `racy_ns` 0 every file just written is kept, so
    the rebuilds reuse the very objects of the files an edit did not touch."""
    from sosgen.site import PageMemo

    documents = MemoryDocuments(ParseCache(), racy_ns=racy_ns)
    memo = PageMemo()

    def rebuild() -> None:
        with keeping():
            _build(root, out, documents, memo)

    return rebuild


def _build(root: Path, out: Path, documents: MemoryDocuments, memo) -> None:
    quiet_build(root, out, today=TODAY, documents=documents, memo=memo)


@pytest.mark.parametrize("racy_ns", [0, 2_000_000_000])
def test_preview_rebuilds_write_what_a_cold_build_writes_whatever_the_edit(
    tmp_path: Path, racy_ns: int
) -> None:
    from sosgen.errors import SosgenError

    root = tmp_path / "org"
    generate(root, teams=5, meetings=14, seed=7)
    out = tmp_path / "preview"
    rebuild = _rebuilder(root, out, racy_ns)
    rebuild()
    cold = iter(range(100))

    def same() -> None:
        rebuild()
        assert _tree(out) == _cold(root, tmp_path / f"cold-{next(cold)}")

    def fails() -> None:
        with pytest.raises(SosgenError):
            rebuild()

    _every_edit(root, same, fails)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")
@pytest.mark.parametrize("racy_ns", [0, 2_000_000_000])
def test_preview_rebuilds_told_what_changed_write_what_a_cold_build_writes(
    tmp_path: Path, racy_ns: int
) -> None:
    """As the preview runs them: each rebuild told what its inotify watcher saw change
    since the last good build, so the files it did not name are not even stamped."""
    from sosgen.serve import Preview, inotify_watcher

    root = tmp_path / "org"
    generate(root, teams=5, meetings=14, seed=7)
    out = tmp_path / "preview"
    builder = site_builder(root, out, engine="wasm", today=lambda: TODAY)
    builder.documents.racy_ns = racy_ns
    preview = Preview(root, out, builder, hint=builder.hint)
    cold = iter(range(100))
    try:
        with inotify_watcher(root) as watcher:
            watcher.take()
            assert not preview.rebuild().errors

            def same() -> None:
                assert not preview.rebuild(watcher.take()).errors
                assert _tree(out) == _cold(root, tmp_path / f"cold-{next(cold)}")

            def fails() -> None:
                assert preview.rebuild(watcher.take()).errors

            same()
            if racy_ns == 0:  # every file kept: none stamped but the two at the top
                assert builder.documents.stamped == 2
            _every_edit(root, same, fails)
    finally:
        preview.httpd.server_close()


def _every_edit(root: Path, same: Callable[[], None], fails: Callable[[], None]) -> None:
    """Edits of every kind, each followed by `same()` (a rebuild that must write what a
    cold build writes), and a broken update (`fails()`)."""
    import shutil

    # a meeting in the middle removed (one that raised nothing later ones refer to):
    # its neighbours' links, the team pages, ...; then the latest one
    folders = sorted((root / "meetings").iterdir())
    plain = next(
        f
        for f in folders[4:-1]
        if not {"actions:", "topic:"} & set((f / "_meeting.yaml").read_text().split())
    )
    shutil.rmtree(plain)
    same()
    shutil.rmtree(folders[-1])
    same()

    # teams.yaml and dependencies.yaml saved unchanged, then with a comment added:
    # nothing of the site changes
    for name in ("teams.yaml", "dependencies.yaml"):
        path = root / name
        path.write_bytes(path.read_bytes())
        same()
        path.write_text(path.read_text(encoding="utf-8") + "# said in a comment\n")
        same()

    # teams.yaml: a person renamed, a longer rotation limit
    teams = (root / "teams.yaml").read_text(encoding="utf-8")
    assert "name: Dana Silva" in teams and "ambassador_max_sprints: 2" in teams
    teams = teams.replace("name: Dana Silva", "name: Dana Silva-Berg")
    (root / "teams.yaml").write_text(
        teams.replace("ambassador_max_sprints: 2", "ambassador_max_sprints: 1")
    )
    same()

    # dependencies.yaml: a date moved earlier, so older meetings see it at risk
    deps = (root / "dependencies.yaml").read_text(encoding="utf-8")
    first = next(line for line in deps.splitlines() if "needed_by:" in line)
    (root / "dependencies.yaml").write_text(deps.replace(first, "  needed_by: 2023-01-12", 1))
    same()

    # a template override added, then removed
    from sosgen.render import PACKAGED

    (root / "templates").mkdir()
    page = (PACKAGED / "meeting.html").read_text(encoding="utf-8")
    (root / "templates" / "meeting.html").write_text(page.replace("<h1", "<h1 data-local", 1))
    same()
    shutil.rmtree(root / "templates")
    same()

    # an action closed at the latest meeting: older minutes and briefings change
    _close_an_open_action_at_the_last_meeting(root)
    same()

    # an update made invalid: the build fails and the last one stays; then fixed
    update = sorted(root.glob("meetings/*/*.yaml"))[-2]
    good = update.read_text(encoding="utf-8")
    update.write_text(good + "blockers: [oops\n")
    fails()
    update.write_text(good.replace("text: ", "text: Fixed, ", 1))
    same()

    add_meeting(root, 21)
    same()
