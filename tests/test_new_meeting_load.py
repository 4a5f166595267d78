"""What `new-meeting` reads: every record, but only the updates of the last meetings (no
older one feeds the plan). It writes and prints exactly what it did when it read every
file, and an old broken update no longer stops it; a broken update it reads still does."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from synth import generate

from sosgen.commands import _create
from sosgen.commands import new_meeting as nm

LAST = "2023-02-03"  # the generated organisation's last meeting; the one before: 2023-02-01
BROKEN = "ambassador: [unclosed\n"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("load") / "org"
    generate(root, teams=4, meetings=15, seed=5)
    assert sorted(p.name for p in (root / "meetings").iterdir())[-2:] == ["2023-02-01", LAST]
    return root


def read_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """new-meeting as it was: every update read."""
    monkeypatch.setattr(nm, "_load", lambda root, *, cache: _create.load(root, cache=cache))


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.yaml")}


def story(run: Callable[..., Any], root: Path, steps: list[tuple[str, ...]]) -> list[object]:
    """Every step's exit code and output, then every YAML file of the repository."""
    seen: list[object] = []
    for argv in steps:
        result = run("-C", root, *argv)
        seen.append((result.code, result.out, result.err))
    seen.append(files(root))
    return seen


def _draft_early(root: Path) -> None:
    shutil.copytree(root / "meetings" / LAST, root / "meetings/2023-02-06")
    (root / "meetings/2023-02-06/_meeting.yaml").unlink()


def _break_the_last_record(root: Path) -> None:
    (root / "meetings" / LAST / "_meeting.yaml").write_text("facilitator: [unclosed\n")


def _break_the_last_two_records(root: Path) -> None:
    for day in ("2023-02-01", LAST):
        (root / "meetings" / day / "_meeting.yaml").write_text("facilitator: [unclosed\n")


def _no_last_record(root: Path) -> None:
    (root / "meetings" / LAST / "_meeting.yaml").unlink()


def _only_updates(root: Path) -> None:
    for record in (root / "meetings").glob("*/_meeting.yaml"):
        record.unlink()


SETUPS: dict[str, Callable[[Path], None]] = {
    "as generated": lambda root: None,
    "updates drafted for the next meeting": _draft_early,
    "the last record broken": _break_the_last_record,
    "the last two records broken": _break_the_last_two_records,
    "no record in the last meeting": _no_last_record,
    "no record at all": _only_updates,
}
STORIES: dict[str, list[tuple[str, ...]]] = {
    "the next meeting": [("new-meeting", "--today", "2023-02-04")],
    "opened, then run again on its day": [
        ("new-meeting", "--today", "2023-02-04"),
        ("new-meeting", "--today", "2023-02-06"),
        ("new-meeting", "--today", "2023-02-06", "--dry-run"),
    ],
    "a later date": [("new-meeting", "2023-03-01", "--today", "2023-02-04", "--dry-run")],
    "the last meeting's own date": [("new-meeting", LAST, "--today", LAST)],
    "a day between two meetings": [("new-meeting", "2023-01-31", "--today", "2023-01-31")],
    "on the day of the last meeting": [("new-meeting", "--today", LAST)],
}


@pytest.mark.parametrize("setup", sorted(SETUPS))
@pytest.mark.parametrize("name", sorted(STORIES))
def test_the_same_as_reading_every_update(setup, name, generated, tmp_path, run, monkeypatch):
    roots = [tmp_path / "read-less", tmp_path / "read-all"]
    for root in roots:
        shutil.copytree(generated, root)
        SETUPS[setup](root)
    read_less = story(run, roots[0], STORIES[name])
    read_everything(monkeypatch)
    assert read_less == story(run, roots[1], STORIES[name])


def test_reads_the_updates_of_the_last_two_meetings_only(generated, tmp_path, run, parsed):
    root = tmp_path / "org"
    shutil.copytree(generated, root)
    seen = parsed
    assert run("-C", root, "new-meeting", "--today", "2023-02-04", "--no-cache").code == 0
    records = [p for p in seen if p.endswith("/_meeting.yaml")]
    updates = {p.split("/")[1] for p in seen if p.startswith("meetings/") and p not in records}
    assert updates == {"2023-02-01", LAST}
    assert len(records) == 15
    assert len(seen) == 2 + 15 + len(list((root / "meetings").glob("2023-02-0[13]/[!_]*.yaml")))


def test_an_old_broken_update_does_not_stop_it(generated, tmp_path, run):
    intact, broken = tmp_path / "intact", tmp_path / "broken"
    for root in (intact, broken):
        shutil.copytree(generated, root)
    old = sorted((broken / "meetings/2023-01-30").glob("[!_]*.yaml"))[0]
    old.write_text(BROKEN)
    want = story(run, intact, [("new-meeting", "--today", "2023-02-04")])
    got = story(run, broken, [("new-meeting", "--today", "2023-02-04")])
    assert got[:-1] == want[:-1]
    assert isinstance(want[-1], dict)
    assert got[-1] == {**want[-1], old.relative_to(broken).as_posix(): BROKEN.encode()}


@pytest.mark.parametrize("meeting", ["2023-02-01", LAST])
def test_a_broken_update_it_reads_stops_it(meeting, generated, tmp_path, run):
    root = tmp_path / "org"
    shutil.copytree(generated, root)
    update = sorted((root / "meetings" / meeting).glob("[!_]*.yaml"))[0]
    update.write_text(BROKEN)
    result = run("-C", root, "new-meeting", "--today", "2023-02-04")
    relpath = update.relative_to(root).as_posix()
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"{relpath}:2:1: error: invalid YAML: did not find expected ',' or ']' [yaml-syntax]\n"
        "sosgen: 1 error in the repository; fix it (sosgen check) before opening a meeting\n"
    )
    assert not (root / "meetings/2023-02-06").exists()
