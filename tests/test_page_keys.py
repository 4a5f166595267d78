"""A build leaves a meeting page alone only when the page would come out the same: one
repository is changed step by step, each kind of change that can reach an older
meeting's pages, and after every step the build into the same folder (meeting pages
kept by their keys) writes exactly the bytes of a build from nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from site_builds import quiet_build, tree
from synth import add_meeting, generate

from sosgen import model as m
from sosgen.diagnostics import Pos
from sosgen.page_keys import PageKeys
from sosgen.render import PACKAGED

TODAY = dt.date(2026, 11, 9)
KEPT = re.compile(r"\((\d+) meeting pages as the last build left them\)")


def kept(summary: str) -> int:
    found = KEPT.search(summary)
    return int(found.group(1)) if found else 0


def meetings(root: Path) -> list[Path]:
    return sorted(p for p in (root / "meetings").iterdir() if p.is_dir())


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def last_note(root: Path, out: Path) -> None:
    """A review's note in a later meeting: the minutes of the meeting that raised the
    item show it."""
    records = [p / "_meeting.yaml" for p in reversed(meetings(root))]
    record = next(p for p in records if "note:" in p.read_text(encoding="utf-8"))
    replace_in(record, "note: ", "note: edited, ")


def old_update(root: Path, out: Path) -> None:
    update = sorted(meetings(root)[3].glob("[!_]*.yaml"))[0]
    text = update.read_text(encoding="utf-8")
    update.write_text(text.replace("text: ", "text: Edited ", 1), encoding="utf-8")


def an_attendee_less(root: Path, out: Path) -> None:
    record = meetings(root)[5] / "_meeting.yaml"
    lines = record.read_text(encoding="utf-8").splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.startswith("- "))
    record.write_text("".join(lines[:first] + lines[first + 1 :]), encoding="utf-8")


def team_renamed(root: Path, out: Path) -> None:
    text = (root / "teams.yaml").read_text(encoding="utf-8")
    name = re.search(r"^    name: (.+)$", text, re.M)
    assert name is not None
    replace_in(root / "teams.yaml", f"name: {name.group(1)}", f"name: {name.group(1)} Squad")


def meeting_template(root: Path, out: Path) -> None:
    (root / "templates").mkdir(exist_ok=True)
    packaged = (PACKAGED / "meeting.html").read_text(encoding="utf-8")
    (root / "templates" / "meeting.html").write_text(packaged + "\n<!-- ours -->\n")


def page_edited(root: Path, out: Path) -> None:
    page = sorted((out / "meetings").glob("*.html"))[2]
    page.write_text("edited by hand", encoding="utf-8")


def page_deleted(root: Path, out: Path) -> None:
    sorted((out / "briefing").glob("*.html"))[4].unlink()


STEPS: list[tuple[str, Callable[[Path, Path], None]]] = [
    ("a new meeting", lambda root, out: add_meeting(root, seed=11) and None),
    ("a review note edited", last_note),
    ("an old update edited", old_update),
    ("an attendee removed", an_attendee_less),
    ("a team renamed", team_renamed),
    ("the meeting template overridden", meeting_template),
    ("a page edited by hand", page_edited),
    ("a page deleted", page_deleted),
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough meetings for a build in two processes (`site.FORK_FROM`)."""
    root = tmp_path_factory.mktemp("page-keys") / "org"
    generate(root, teams=4, meetings=110, seed=7, start=dt.date(2026, 1, 5))
    return root


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_step_builds_what_a_cold_build_does(
    generated: Path, tmp_path: Path, jobs: int
) -> None:
    root = tmp_path / "org"
    shutil.copytree(generated, root)
    out, cold = tmp_path / "site", tmp_path / "cold"

    def build(**options: object) -> str:
        return quiet_build(root, out, today=TODAY, jobs=jobs, **options)

    def from_nothing(**options: object) -> dict[str, bytes]:
        shutil.rmtree(cold, ignore_errors=True)
        quiet_build(root, cold, today=TODAY, jobs=jobs, cache=False, **options)
        return tree(cold)

    first = build()
    assert kept(first) == 0
    pages = 2 * len(meetings(root))
    for name, step in STEPS:
        step(root, out)
        summary = build()
        assert tree(out) == from_nothing(), name
        if name not in ("a team renamed", "the meeting template overridden"):
            assert kept(summary) >= pages - 12, (name, summary)
        pages = 2 * len(meetings(root))
    # The build's facts reach every page.
    summary = build(base_url="https://sos.example.org/")
    assert kept(summary) == 0
    assert tree(out) == from_nothing(base_url="https://sos.example.org/")


def test_a_different_day_keeps_the_pages_it_can(generated: Path, tmp_path: Path) -> None:
    root = tmp_path / "org"
    shutil.copytree(generated, root)
    out, cold = tmp_path / "site", tmp_path / "cold"
    quiet_build(root, out, today=TODAY)
    later = TODAY + dt.timedelta(days=30)
    quiet_build(root, out, today=later)
    quiet_build(root, cold, today=later, cache=False)
    assert tree(out) == tree(cold)


def test_a_damaged_record_renders_every_page(generated: Path, tmp_path: Path) -> None:
    root = tmp_path / "org"
    shutil.copytree(generated, root)
    out = tmp_path / "site"
    quiet_build(root, out, today=TODAY)
    for record in (root / ".sosgen-cache").glob("build-*.json"):
        record.write_text('{"format": 2, "pages": {"x": 1}, "outputs": []}')
    assert kept(quiet_build(root, out, today=TODAY)) == 0
    assert kept(quiet_build(root, out, today=TODAY)) > 0


def _keys(tmp_path: Path) -> PageKeys:
    repo = m.Repository(org=None, dependencies=(), dismissed=(), meetings=())
    return PageKeys(repo, {}, ("context",), {}, tmp_path)


def test_a_key_follows_equality(tmp_path: Path) -> None:
    keys = _keys(tmp_path)
    here, there = Pos("a.yaml", 1, 1), Pos("a.yaml", 9, 9)
    team = m.Team(here, "web", "Web", ("ana",), ())
    same = dataclasses.replace(team, positions={"name": there})
    renamed = dataclasses.replace(team, name="Web squad")

    def key(value: object) -> str | None:
        return keys.key("meetings/x.html", "meeting.html", "meetings", {"v": value})

    assert key(team) == key(same)  # positions are not compared
    assert key(team) != key(renamed)
    assert key(frozenset({"a", "b", "c"})) == key(frozenset({"c", "b", "a"}))
    assert key(("a", "b")) != key(("ab",))
    assert key({"a": 1, "b": 2}) != key({"b": 2, "a": 1})  # pages list them in order
    assert key(object()) is None

    @dataclasses.dataclass
    class Mutable:
        text: str

    assert key(Mutable("a")) is None  # its digest could go stale within a build


def test_a_page_is_kept_only_with_its_key_and_stamp(tmp_path: Path) -> None:
    (tmp_path / "meetings").mkdir()
    page = tmp_path / "meetings" / "x.html"
    page.write_text("minutes")
    args = ("meetings/x.html", "meeting.html", "meetings", {"v": "one"})
    key = _keys(tmp_path).key(*args)
    assert key is not None
    from sosgen.write import stamp

    repo = m.Repository(org=None, dependencies=(), dismissed=(), meetings=())
    fresh = PageKeys(repo, {}, ("context",), {args[0]: (key, stamp(tmp_path, args[0]))}, tmp_path)
    assert fresh.kept(*args)
    assert not fresh.kept(args[0], args[1], args[2], {"v": "two"})
    page.write_text("edited")
    assert not fresh.kept(*args)
    other = PageKeys(repo, {}, ("other",), {args[0]: (key, stamp(tmp_path, args[0]))}, tmp_path)
    assert not other.kept(*args)
