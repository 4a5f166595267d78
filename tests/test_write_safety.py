"""The writes of `new-meeting` and `update`, attacked: every case exits non-zero with a clear
message and leaves every file that existed byte-identical (a hash of the whole tree,
inside and outside the repository, before and after)."""

from __future__ import annotations

import errno
import functools
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, TEAMS

from sosgen import safewrite

PRECIOUS = b"I'm precious!\n"
MEETING = "meetings/2026-11-25/_meeting.yaml"
UPDATE = "meetings/2026-11-25/payments.yaml"
TODAY = ("--today", "2026-11-24")
COMMANDS = {
    "new-meeting": (("new-meeting", *TODAY), MEETING),
    "update": (("update", "payments", *TODAY), UPDATE),
}


def snapshot(*roots: Path) -> dict[str, object]:
    """Every folder, file (by hash) and link (by target) under `roots`, except sosgen's lock."""
    tree: dict[str, object] = {}
    for root in roots:
        for folder, dirs, files in os.walk(root):
            for name in dirs + files:
                path = Path(folder, name)
                key = str(path.relative_to(root.parent))
                if path.is_symlink():
                    tree[key] = ("link", os.readlink(path))
                elif path.is_dir():
                    tree[key] = "folder"
                elif name != safewrite.LOCK_NAME:
                    tree[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return tree


@pytest.fixture
def outside(tmp_path):
    """A folder next to the repository, with a file that must never change."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "precious.txt").write_bytes(PRECIOUS)
    return folder


def _refused(run, repo, outside, argv, message):
    before = snapshot(repo.root, outside)
    result = run("-C", repo.root, *argv)
    assert (result.code, result.out, result.err) == (1, "", f"sosgen: {message}\n")
    assert snapshot(repo.root, outside) == before


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_existing_file_is_never_overwritten(command, repo, run, outside):
    argv, target = COMMANDS[command]
    repo.write(target, PRECIOUS)
    hint = {
        "new-meeting": "it differs from what new-meeting writes (edited since it was opened?): "
        "edit it by hand, or give a later DATE",
        "update": "edit it, or delete it to start again",
    }[command]
    _refused(run, repo, outside, argv, f"{target} already exists, not overwriting; {hint}")
    assert (repo.root / target).read_bytes() == PRECIOUS


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_running_twice(command, repo, run, outside):
    argv, target = COMMANDS[command]
    assert run("-C", repo.root, *argv).code == 0
    before = snapshot(repo.root, outside)
    result = run("-C", repo.root, *argv)
    assert (result.code, result.out) == (
        1,
        f"{target} already exists and is up to date; nothing to do\n",
    )
    assert snapshot(repo.root, outside) == before
    # edited in between: the second run refuses and keeps the edit
    edited = (repo.root / target).read_bytes() + b"# my notes\n"
    (repo.root / target).write_bytes(edited)
    assert run("-C", repo.root, *argv).code == 1
    assert (repo.root / target).read_bytes() == edited


def _hold_lock(root: Path) -> subprocess.Popen[str]:
    code = (
        "import sys, time; from pathlib import Path; from sosgen.safewrite import repo_lock\n"
        "with repo_lock(Path(sys.argv[1])):\n"
        "    print('locked', flush=True); time.sleep(60)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(root)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    return holder


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_two_concurrent_runs(command, repo, run, outside):
    argv, target = COMMANDS[command]
    holder = _hold_lock(repo.root)
    try:
        _refused(
            run,
            repo,
            outside,
            argv,
            "another sosgen command is writing in this repository (lock .sosgen.lock held); "
            "try again when it finishes",
        )
    finally:
        holder.kill()
        holder.communicate()
    assert not (repo.root / target).exists()
    assert run("-C", repo.root, *argv).code == 0  # the lock is free again


def test_racing_processes_create_the_meeting_once(repo):
    argv = [sys.executable, "-m", "sosgen", "-C", str(repo.root), "new-meeting", *TODAY]
    procs = [
        subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    results = [(p.wait(), *p.communicate()) for p in procs]
    created = [r for r in results if r[1].startswith(f"created {MEETING}")]
    assert len(created) == 1
    for code, out, err in results:
        up_to_date = out.endswith("already exists and is up to date; nothing to do\n")
        assert ((code, err) in ((0, ""), (1, "")) and (code == 0) != up_to_date) or err.startswith(
            ("sosgen: another sosgen command is writing", f"sosgen: {MEETING} already exists")
        ), (code, out, err)
    again = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    assert again.stdout == f"{MEETING} already exists and is up to date; nothing to do\n"


@pytest.mark.parametrize("stage", ["written", "synced", "linked"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_write_that_fails_half_way(command, stage, repo, run, outside, monkeypatch):
    argv, target = COMMANDS[command]

    def disk_full(reached: str) -> None:
        if reached == stage:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    real = safewrite.create_file
    monkeypatch.setattr(safewrite, "create_file", functools.partial(real, fail_after=disk_full))
    _refused(run, repo, outside, argv, f"cannot write {target}: No space left on device")
    assert not (repo.root / "meetings/2026-11-25").exists()  # no temp file, no new folder
    monkeypatch.setattr(safewrite, "create_file", real)
    assert run("-C", repo.root, *argv).code == 0


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_symlinked_target(command, repo, run, outside):
    argv, target = COMMANDS[command]
    link = repo.root / target
    link.parent.mkdir(parents=True)
    link.symlink_to(outside / "precious.txt")
    hint = {
        "new-meeting": "it differs from what new-meeting writes (edited since it was opened?): "
        "edit it by hand, or give a later DATE",
        "update": "edit it, or delete it to start again",
    }[command]
    _refused(run, repo, outside, argv, f"{target} already exists, not overwriting; {hint}")
    assert (outside / "precious.txt").read_bytes() == PRECIOUS


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_symlinked_meeting_folder(command, repo, run, outside):
    argv, target = COMMANDS[command]
    (repo.root / "meetings/2026-11-25").symlink_to(outside, target_is_directory=True)
    _refused(
        run,
        repo,
        outside,
        argv,
        f"refusing to write {target}: meetings/2026-11-25 is a symbolic link; sosgen writes "
        "only into real folders of the repository, so replace the link with a folder",
    )
    assert sorted(p.name for p in outside.iterdir()) == ["precious.txt"]


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_meetings_leading_outside_the_repository(command, repo, run, outside, tmp_path):
    argv, target = COMMANDS[command]
    moved = tmp_path / "elsewhere"
    (repo.root / "meetings").rename(moved)
    (repo.root / "meetings").symlink_to(moved, target_is_directory=True)
    before = snapshot(repo.root, outside, moved)
    result = run("-C", repo.root, *argv)
    assert result.code == 1
    assert result.err == (
        f"sosgen: refusing to write {target}: meetings is a symbolic link; sosgen writes only "
        "into real folders of the repository, so replace the link with a folder\n"
    )
    assert snapshot(repo.root, outside, moved) == before


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_file_where_the_meeting_folder_should_be(command, repo, run, outside):
    argv, target = COMMANDS[command]
    repo.write("meetings/2026-11-25", PRECIOUS)
    _refused(
        run,
        repo,
        outside,
        argv,
        f"refusing to write {target}: meetings/2026-11-25 is a file, not a folder; move it "
        "out of the way",
    )


def test_a_team_id_that_would_leave_meetings(repo, run, outside):
    repo.write("teams.yaml", TEAMS.replace("id: identity", "id: ../../escape"))
    before = snapshot(repo.root, outside)
    result = run("-C", repo.root, "update", "../../escape", *TODAY)
    assert (result.code, result.out) == (1, "")
    assert result.err.splitlines() == [
        "teams.yaml:23:9: error: '../../escape' is not an id of lowercase letters, digits and "
        "'-' (at most 40) [schema]",
        "sosgen: 1 error in the repository; fix it (sosgen check) before writing an update",
    ]
    assert snapshot(repo.root, outside) == before
    assert not (repo.root.parent / "escape.yaml").exists()


@pytest.mark.parametrize(
    "relpath",
    ["../outside/x.yaml", "/etc/x.yaml", "teams.yaml", "meetings/../teams.yaml", ".git/x"],
)
def test_the_writer_refuses_paths_outside_meetings(relpath, repo, outside):
    before = snapshot(repo.root, outside)
    with pytest.raises(safewrite.WriteRefused, match=r"^refusing to write "):
        safewrite.create_file(repo.root, relpath, "x: 1\n")
    assert snapshot(repo.root, outside) == before
