"""safewrite: sosgen creates new files only, inside its folders, and never damages what is there.

Every test snapshots the repository first and asserts that each file that was there is
still byte-identical afterwards, and that no temporary file is left behind. CI runs as
root, so no test relies on file permissions to make a write fail.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from conftest import ROOT, Repo

from sosgen.errors import SosgenError
from sosgen.safewrite import LOCK_NAME, TEMP_PREFIX, WriteRefused, create_file, repo_lock

TARGET = "meetings/2026-11-25/_meeting.yaml"
PRECIOUS = b"I'm precious!\r\n\xf0\x9f\x92\x8e no trailing newline"
CONTENT = "facilitator: dana\n"


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every entry under `root`: file bytes, `dir`, or `-> target` for links (not followed)."""
    entries: dict[str, bytes | str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                entries[rel] = f"-> {os.readlink(path)}"
            elif path.is_dir():
                entries[rel] = "dir"
            else:
                entries[rel] = path.read_bytes()
    return entries


def temp_files(root: Path) -> list[str]:
    return [
        str(Path(d, f)) for d, _, files in os.walk(root) for f in files if f.startswith(TEMP_PREFIX)
    ]


@pytest.fixture
def before(repo: Repo) -> Iterator[dict[str, bytes | str]]:
    """The repository as it was; after the test, no temp file may remain anywhere."""
    repo.write("meetings/2026-11-23/precious.yaml", PRECIOUS)
    yield snapshot(repo.root)
    assert temp_files(repo.root) == []


def refused(
    root: Path,
    relpath: str,
    *,
    allowed: Sequence[str] | None = ("meetings",),
    fail_after: Callable[[str], None] | None = None,
) -> str:
    """The message of the WriteRefused that writing `relpath` raises."""
    with pytest.raises(WriteRefused) as info:
        create_file(root, relpath, CONTENT, allowed=allowed, fail_after=fail_after)
    return str(info.value)


# --- success -------------------------------------------------------------------------------


def test_creates_the_file_and_its_folders(repo: Repo, before: dict[str, bytes | str]) -> None:
    path = create_file(repo.root, TARGET, "text: Ünïcode 🎉\r\nkept as is\n")
    assert path == repo.root / TARGET
    assert path.read_bytes() == "text: Ünïcode 🎉\r\nkept as is\n".encode()
    after = snapshot(repo.root)
    assert after == {**before, "meetings/2026-11-25": "dir", TARGET: after[TARGET]}


def test_bytes_are_written_exactly(repo: Repo, before: dict[str, bytes | str]) -> None:
    create_file(repo.root, "meetings/raw.bin", PRECIOUS)
    assert (repo.root / "meetings/raw.bin").read_bytes() == PRECIOUS


def test_new_files_get_ordinary_permissions(repo: Repo, before: dict[str, bytes | str]) -> None:
    old = os.umask(0o022)
    try:
        path = create_file(repo.root, TARGET, CONTENT)
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644  # not mkstemp's 0600


def test_allowed_none_means_anywhere_inside_root(
    repo: Repo, before: dict[str, bytes | str]
) -> None:
    create_file(repo.root, "CODEOWNERS", "* @dana\n", allowed=None)
    create_file(repo.root, ".github/workflows/sosgen.yml", "on: push\n", allowed=None)
    assert (repo.root / "CODEOWNERS").read_text() == "* @dana\n"
    assert (repo.root / ".github/workflows/sosgen.yml").read_text() == "on: push\n"
    assert {k: v for k, v in snapshot(repo.root).items() if k in before} == before


def test_several_allowed_folders(repo: Repo, before: dict[str, bytes | str]) -> None:
    create_file(repo.root, ".github/CODEOWNERS", "x\n", allowed=("meetings", ".github"))
    message = refused(repo.root, "docs/x.md", allowed=("meetings", ".github"))
    assert (
        message == "refusing to write docs/x.md: sosgen writes only under meetings/, .github/ here"
    )


# --- never overwrite -----------------------------------------------------------------------


def test_existing_file_survives_byte_for_byte(repo: Repo) -> None:
    repo.write(TARGET, PRECIOUS)
    before = snapshot(repo.root)
    assert refused(repo.root, TARGET) == f"{TARGET} already exists, not overwriting"
    assert (repo.root / TARGET).read_bytes() == PRECIOUS
    assert snapshot(repo.root) == before
    assert temp_files(repo.root) == []


def test_running_twice_keeps_the_first(repo: Repo, before: dict[str, bytes | str]) -> None:
    create_file(repo.root, TARGET, "first\n")
    first = snapshot(repo.root)
    with pytest.raises(WriteRefused) as info:
        create_file(repo.root, TARGET, "second\n")
    assert str(info.value) == f"{TARGET} already exists, not overwriting"
    assert (repo.root / TARGET).read_bytes() == b"first\n"
    assert snapshot(repo.root) == first


def test_existing_folder_at_the_target(repo: Repo, before: dict[str, bytes | str]) -> None:
    message = refused(repo.root, "meetings/2026-11-23")
    assert message == "meetings/2026-11-23 already exists, not overwriting"
    assert snapshot(repo.root) == before


@pytest.mark.parametrize("dangling", [False, True], ids=["to a file", "dangling"])
def test_symlink_at_the_target(repo: Repo, tmp_path: Path, dangling: bool) -> None:
    outside = tmp_path / "outside.txt"
    if not dangling:
        outside.write_bytes(PRECIOUS)
    (repo.root / "meetings/2026-11-25").mkdir(parents=True)
    (repo.root / TARGET).symlink_to(outside)
    before = snapshot(repo.root)
    assert refused(repo.root, TARGET) == f"{TARGET} already exists, not overwriting"
    assert snapshot(repo.root) == before
    if dangling:
        assert not outside.exists()  # not created through the link
    else:
        assert outside.read_bytes() == PRECIOUS
    assert temp_files(repo.root) == []


def test_target_appearing_during_the_write(repo: Repo, before: dict[str, bytes | str]) -> None:
    def intruder(stage: str) -> None:
        if stage == "synced":  # after the checks, before the link
            (repo.root / TARGET).write_bytes(PRECIOUS)

    message = refused(repo.root, TARGET, fail_after=intruder)
    assert message == f"{TARGET} already exists, not overwriting"
    assert (repo.root / TARGET).read_bytes() == PRECIOUS
    assert snapshot(repo.root) == {**before, "meetings/2026-11-25": "dir", TARGET: PRECIOUS}


# --- failures half-way ---------------------------------------------------------------------


class Boom(Exception):
    pass


def fail_at(wanted: str) -> Callable[[str], None]:
    def hook(stage: str) -> None:
        if stage == wanted:
            raise Boom(stage)

    return hook


STAGES = ["written", "synced", "linked"]


@pytest.mark.parametrize("stage", STAGES)
def test_failure_half_way_leaves_nothing(
    repo: Repo, before: dict[str, bytes | str], stage: str
) -> None:
    with pytest.raises(Boom):
        create_file(repo.root, TARGET, CONTENT, fail_after=fail_at(stage))
    assert snapshot(repo.root) == before  # no target, and the new folder is gone again


@pytest.mark.parametrize("stage", STAGES)
def test_failure_half_way_in_an_existing_folder(
    repo: Repo, before: dict[str, bytes | str], stage: str
) -> None:
    target = "meetings/2026-11-23/checkout-2.yaml"
    with pytest.raises(Boom):
        create_file(repo.root, target, CONTENT, fail_after=fail_at(stage))
    assert snapshot(repo.root) == before


def test_os_errors_become_a_message(repo: Repo, before: dict[str, bytes | str]) -> None:
    def disk_full(stage: str) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    message = refused(repo.root, TARGET, fail_after=disk_full)
    assert message == f"cannot write {TARGET}: No space left on device"
    assert snapshot(repo.root) == before


def test_refusal_is_a_sosgen_error_with_exit_code_1() -> None:
    assert issubclass(WriteRefused, SosgenError)
    assert WriteRefused.exit_code == 1


# --- filesystems without hard links ----------------------------------------------------------


@pytest.fixture
def no_hard_links(monkeypatch: pytest.MonkeyPatch) -> None:
    def link(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EPERM, os.strerror(errno.EPERM))

    monkeypatch.setattr(os, "link", link)


@pytest.mark.usefixtures("no_hard_links")
def test_without_hard_links_creates_exclusively(repo: Repo, before: dict[str, bytes | str]) -> None:
    create_file(repo.root, TARGET, CONTENT)
    assert (repo.root / TARGET).read_text() == CONTENT
    assert refused(repo.root, TARGET) == f"{TARGET} already exists, not overwriting"
    assert (repo.root / TARGET).read_text() == CONTENT


@pytest.mark.usefixtures("no_hard_links")
@pytest.mark.parametrize("stage", STAGES)
def test_without_hard_links_failure_leaves_nothing(
    repo: Repo, before: dict[str, bytes | str], stage: str
) -> None:
    with pytest.raises(Boom):
        create_file(repo.root, TARGET, CONTENT, fail_after=fail_at(stage))
    assert snapshot(repo.root) == before


@pytest.mark.usefixtures("no_hard_links")
def test_without_hard_links_a_target_appearing_survives(
    repo: Repo, before: dict[str, bytes | str]
) -> None:
    def intruder(stage: str) -> None:
        if stage == "synced":
            (repo.root / TARGET).write_bytes(PRECIOUS)

    message = refused(repo.root, TARGET, fail_after=intruder)
    assert message == f"{TARGET} already exists, not overwriting"
    assert (repo.root / TARGET).read_bytes() == PRECIOUS


# --- confinement ---------------------------------------------------------------------------

OUTSIDE = {
    "../x": "refusing to write ../x: '..' is not allowed; name a path inside the repository",
    "/etc/passwd": (
        "refusing to write /etc/passwd: the path is absolute; give it relative to the "
        "repository root"
    ),
    "meetings/../teams.yaml": (
        "refusing to write meetings/../teams.yaml: '..' is not allowed; "
        "name a path inside the repository"
    ),
    "teams.yaml": "refusing to write teams.yaml: sosgen writes only under meetings/ here",
    "meetings": "refusing to write meetings: sosgen writes only under meetings/ here",
    "meetingsx/a.yaml": (
        "refusing to write meetingsx/a.yaml: sosgen writes only under meetings/ here"
    ),
    "meetings\\..\\teams.yaml": (
        "refusing to write meetings\\..\\teams.yaml: backslashes are not allowed; "
        "separate folders with '/'"
    ),
    "meetings//a.yaml": (
        "refusing to write meetings//a.yaml: the path is not normalised; "
        "write it as folder/file without '.' or '//'"
    ),
    "./meetings/a.yaml": (
        "refusing to write ./meetings/a.yaml: the path is not normalised; "
        "write it as folder/file without '.' or '//'"
    ),
    "meetings/": (
        "refusing to write meetings/: the path is not normalised; "
        "write it as folder/file without '.' or '//'"
    ),
    "": (
        "refusing to write '': the path is not normalised; "
        "write it as folder/file without '.' or '//'"
    ),
    "meetings/a\nb.yaml": (
        "refusing to write 'meetings/a\\nb.yaml': the path contains control or separator "
        "characters; rename it"
    ),
    "meetings/.git/config": (
        "refusing to write meetings/.git/config: sosgen never writes inside .git"
    ),
}


@pytest.mark.parametrize("relpath", OUTSIDE)
def test_paths_outside_the_allowed_folders(
    repo: Repo, before: dict[str, bytes | str], relpath: str
) -> None:
    assert refused(repo.root, relpath) == OUTSIDE[relpath]
    assert snapshot(repo.root) == before


@pytest.mark.parametrize(
    ("relpath", "message"),
    [
        ("../x", "refusing to write ../x: '..' is not allowed; name a path inside the repository"),
        (".git/config", "refusing to write .git/config: sosgen never writes inside .git"),
        (
            "/tmp/x",
            "refusing to write /tmp/x: the path is absolute; give it relative to the "
            "repository root",
        ),
    ],
)
def test_anywhere_is_still_inside_root(
    repo: Repo, before: dict[str, bytes | str], relpath: str, message: str
) -> None:
    assert refused(repo.root, relpath, allowed=None) == message
    assert snapshot(repo.root) == before


def test_symlinked_parent_folder(repo: Repo, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (repo.root / "meetings").rename(tmp_path / "old-meetings")
    (repo.root / "meetings").symlink_to(elsewhere)
    before = snapshot(repo.root)
    assert refused(repo.root, TARGET) == (
        f"refusing to write {TARGET}: meetings is a symbolic link; sosgen writes only into "
        "real folders of the repository, so replace the link with a folder"
    )
    assert snapshot(repo.root) == before
    assert list(elsewhere.iterdir()) == []


def test_symlinked_folder_deeper_down_even_inside_root(
    repo: Repo, before: dict[str, bytes | str]
) -> None:
    (repo.root / "meetings/2026-11-25").symlink_to("2026-11-23")
    linked = snapshot(repo.root)
    assert refused(repo.root, TARGET) == (
        f"refusing to write {TARGET}: meetings/2026-11-25 is a symbolic link; sosgen writes "
        "only into real folders of the repository, so replace the link with a folder"
    )
    assert snapshot(repo.root) == linked


def test_root_reached_through_a_symlink_is_fine(
    repo: Repo, tmp_path: Path, before: dict[str, bytes | str]
) -> None:
    alias = tmp_path / "alias"
    alias.symlink_to(repo.root)
    create_file(alias, TARGET, CONTENT)
    assert (repo.root / TARGET).read_text() == CONTENT


def test_parent_that_is_a_file(repo: Repo) -> None:
    repo.write("meetings/2026-11-25", PRECIOUS)
    before = snapshot(repo.root)
    assert refused(repo.root, TARGET) == (
        f"refusing to write {TARGET}: meetings/2026-11-25 is a file, not a folder; "
        "move it out of the way"
    )
    assert snapshot(repo.root) == before
    assert temp_files(repo.root) == []


def test_missing_repository(tmp_path: Path) -> None:
    assert refused(tmp_path / "nope", TARGET) == (
        f"cannot open the repository folder {tmp_path / 'nope'}: No such file or directory"
    )
    assert not (tmp_path / "nope").exists()


# --- the repository lock -------------------------------------------------------------------

LOCKED = (
    "another sosgen command is writing in this repository "
    "(lock .sosgen.lock held); try again when it finishes"
)

HOLDER = textwrap.dedent(
    """\
    import sys
    from pathlib import Path
    from sosgen.safewrite import repo_lock
    with repo_lock(Path(sys.argv[1])):
        print("locked", flush=True)
        sys.stdin.read()  # hold the lock until the test closes stdin
    """
)


@pytest.fixture
def other_writer(repo: Repo) -> Iterator[subprocess.Popen[str]]:
    """A second process holding the lock of `repo` until the test ends."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(repo.root)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None and child.stdin is not None
    try:
        assert child.stdout.readline() == "locked\n"
        yield child
    finally:
        child.stdin.close()
        assert child.wait(timeout=30) == 0
        child.stdout.close()


def test_two_concurrent_writers(
    repo: Repo, before: dict[str, bytes | str], other_writer: subprocess.Popen[str]
) -> None:
    with pytest.raises(WriteRefused) as info, repo_lock(repo.root):
        create_file(repo.root, TARGET, CONTENT)
    assert str(info.value) == LOCKED
    assert snapshot(repo.root) == {**before, LOCK_NAME: b""}


def test_lock_is_free_again_when_the_other_finishes(
    repo: Repo, before: dict[str, bytes | str]
) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", HOLDER, str(repo.root)],
        input="",
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert done.stdout == "locked\n"
    with repo_lock(repo.root):
        create_file(repo.root, TARGET, CONTENT)
    assert (repo.root / TARGET).read_text() == CONTENT


def test_lock_within_one_process(repo: Repo) -> None:
    with repo_lock(repo.root):
        with pytest.raises(WriteRefused) as info, repo_lock(repo.root):
            pass
        assert str(info.value) == LOCKED
    with repo_lock(repo.root):
        pass


def test_lock_released_on_error_and_file_kept(repo: Repo) -> None:
    with pytest.raises(Boom), repo_lock(repo.root):
        raise Boom
    with repo_lock(repo.root):
        pass
    assert (repo.root / LOCK_NAME).read_bytes() == b""


def test_lock_file_that_is_a_symlink(repo: Repo, tmp_path: Path) -> None:
    (repo.root / LOCK_NAME).symlink_to(tmp_path / "elsewhere.lock")
    with pytest.raises(WriteRefused) as info, repo_lock(repo.root):
        pass
    assert str(info.value) == ".sosgen.lock is a symbolic link; delete it and retry"
    assert not (tmp_path / "elsewhere.lock").exists()
