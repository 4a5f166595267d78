"""`new-meeting`, `update` and `rotation` read through the parse cache: what they write
and print is the same with a warm cache, a damaged one, a stale one or none, they do
not start a cache in a repository that has none, and `--no-cache` leaves it alone."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from synth import generate
from test_cache import HOSTILE, SHARD_DAMAGE, Evil, corrupt_payloads

from sosgen import safewrite
from sosgen.cache_folder import CACHE_DIR

TODAY = "2023-02-04"  # the day after the generated organisation's last meeting
LAST = "meetings/2023-02-03/_meeting.yaml"
COMMANDS = {
    "new-meeting": ("new-meeting", "--today", TODAY),
    "update": ("update", "payments", "--today", TODAY),
    "rotation": ("rotation", "--today", TODAY),
}
WRITERS = ("new-meeting", "update")

Outcome = tuple[int, str, str, dict[str, bytes]]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lifecycle") / "org"
    generate(root, teams=4, meetings=15, seed=5)  # 67 files, action items carried over
    assert (root / LAST).is_file()
    return root


@pytest.fixture
def copy(generated: Path, tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Fresh copies of the generated organisation, by name."""

    def _copy(name: str) -> Path:
        root = tmp_path / name
        shutil.copytree(generated, root)
        return root

    yield _copy


def data_files(root: Path) -> dict[str, bytes]:
    """Every file of the repository but the cache's and the lock."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file()
        and p.name != safewrite.LOCK_NAME
        and p.relative_to(root).parts[0] != CACHE_DIR
    }


def cache_files(root: Path) -> dict[str, str]:
    folder = root / CACHE_DIR
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def outcome(run: Callable[..., Any], root: Path, command: str, *options: str) -> Outcome:
    """Exit code, output, and every file the command created, with its bytes."""
    before = data_files(root)
    result = run("-C", root, *COMMANDS[command], *options)
    after = data_files(root)
    assert {k: v for k, v in after.items() if k in before} == before  # nothing rewritten
    created = {k: v for k, v in after.items() if k not in before}
    return result.code, result.out.replace(str(root), "ORG"), result.err, created


def warm(run: Callable[..., Any], root: Path) -> None:
    """Make the cache (`check` does), dated well after the files: stamps are trusted."""
    assert run("-C", root, "check", "--today", TODAY).code == 0
    future = time.time() + 60
    for shard in (root / CACHE_DIR).glob("*.jsonl"):
        os.utime(shard, (future, future))


def expected(run: Callable[..., Any], copy: Callable[[str], Path], command: str) -> Outcome:
    found = outcome(run, copy("no-cache"), command, "--no-cache")
    assert found[0] == 0
    if command in WRITERS:
        assert len(found[3]) == 1 and b"\n" in next(iter(found[3].values()))
    return found


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_warm_cache_answers_every_file_and_changes_nothing(command, copy, run, parsed):
    want = expected(run, copy, command)
    assert parsed
    root = copy("warm")
    warm(run, root)
    parsed.clear()
    assert outcome(run, root, command) == want
    assert parsed == []


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_no_cache_is_started(command, copy, run):
    root = copy("org")
    outcome(run, root, command)
    assert not (root / CACHE_DIR).exists()


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_no_cache_neither_reads_nor_writes_the_cache(command, copy, run, parsed):
    root = copy("org")
    warm(run, root)
    before = cache_files(root)
    parsed.clear()
    outcome(run, root, command, "--no-cache")
    assert parsed
    assert cache_files(root) == before


@pytest.mark.parametrize("damage", sorted(HOSTILE))
@pytest.mark.parametrize("command", WRITERS)
def test_damaged_entries_write_the_same_bytes(command, damage, copy, run, tmp_path):
    Evil.marker = str(tmp_path / "pwned")
    want = expected(run, copy, command)
    root = copy("damaged")
    warm(run, root)
    corrupt_payloads(root, HOSTILE[damage])
    assert outcome(run, root, command) == want
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("damage", sorted(SHARD_DAMAGE))
@pytest.mark.parametrize("command", WRITERS)
def test_damaged_shards_write_the_same_bytes(command, damage, copy, run, tmp_path):
    Evil.marker = str(tmp_path / "pwned")
    want = expected(run, copy, command)
    root = copy("damaged")
    warm(run, root)
    for shard in sorted((root / CACHE_DIR).glob("*.jsonl")):
        SHARD_DAMAGE[damage](shard)
    assert outcome(run, root, command) == want
    assert not (tmp_path / "pwned").exists()


def _garbage_everywhere(folder: Path) -> None:
    for path in folder.iterdir():
        path.write_bytes(os.urandom(2048))
    (folder / "meeting-2023-02.jsonl").write_bytes(b"\xff\xfe" + os.urandom(512))


def _a_file(folder: Path) -> None:
    shutil.rmtree(folder)
    folder.write_bytes(b"not a cache\n")


def _a_link(folder: Path) -> None:
    elsewhere = folder.parent.parent / "elsewhere"
    shutil.move(folder, elsewhere)
    _garbage_everywhere(elsewhere)
    folder.symlink_to(elsewhere, target_is_directory=True)


FOLDER_DAMAGE: dict[str, Callable[[Path], None]] = {
    "garbage in every file": _garbage_everywhere,
    "a file in its place": _a_file,
    "a link to garbage": _a_link,
}


@pytest.mark.parametrize("damage", sorted(FOLDER_DAMAGE))
@pytest.mark.parametrize("command", WRITERS)
def test_a_garbage_cache_folder_writes_the_same_bytes(command, damage, copy, run):
    want = expected(run, copy, command)
    root = copy("damaged")
    warm(run, root)
    FOLDER_DAMAGE[damage](root / CACHE_DIR)
    left = (root / CACHE_DIR).resolve()
    before = {p: p.read_bytes() for p in [left, *left.glob("*")] if p.is_file()}
    assert outcome(run, root, command) == want
    if damage != "garbage in every file":  # not a usable folder: not touched
        assert {p: p.read_bytes() for p in [left, *left.glob("*")] if p.is_file()} == before


def _edit_keeping_size_and_mtime(path: Path, old: bytes, new: bytes) -> None:
    info = path.stat()
    data = path.read_bytes()
    assert len(old) == len(new) and old in data
    path.write_bytes(data.replace(old, new, 1))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


def test_a_stale_cache_is_not_believed(copy, run):
    """The last meeting closes an item after the cache was made, in an edit that keeps the
    file's size and modification time: the next meeting must not carry that item."""
    before_edit = outcome(run, copy("unedited"), "new-meeting", "--no-cache")
    fresh = copy("no-cache")
    _edit_keeping_size_and_mtime(fresh / LAST, b"status: open", b"status: done")
    want = outcome(run, fresh, "new-meeting", "--no-cache")
    assert want != before_edit  # the edit matters
    root = copy("stale")
    warm(run, root)
    _edit_keeping_size_and_mtime(root / LAST, b"status: open", b"status: done")
    assert outcome(run, root, "new-meeting") == want
