"""The one way sosgen creates files in a user's repository: new files only, never overwrites.

A file is written to a temporary name in its folder, synced, then hard-linked to its
name, which fails if that name exists, even if it appeared a moment ago. Folders are
walked with file descriptors opened without following symbolic links, so nothing is
written outside the repository or through a link. `repo_lock` keeps two sosgen
commands from writing in the same repository at once.
"""

from __future__ import annotations

import errno
import fcntl
import os
import secrets
import stat
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath

from sosgen.errors import SosgenError

LOCK_NAME = ".sosgen.lock"
TEMP_PREFIX = ".sosgen-tmp-"
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_LOCK_FLAGS = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
_NEW_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
# os.link fails with these where a filesystem has no hard links (some FUSE, SMB, FAT mounts).
_NO_HARD_LINKS = frozenset({errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS})

Hook = Callable[[str], None]


class WriteRefused(SosgenError):
    """sosgen would not, or could not, create a file; the message names it and says why."""


def create_file(
    root: Path,
    relpath: str | PurePosixPath,
    content: str | bytes,
    *,
    allowed: Sequence[str] | None = ("meetings",),
    fail_after: Hook | None = None,
) -> Path:
    """Create `root/relpath` with `content` (str is written as UTF-8); never overwrite.

    The first folder of `relpath` must be one of `allowed`; `allowed=None` allows any
    path inside `root`. Missing folders are created. `fail_after` is a test hook called
    after the stages "written", "synced" and "linked".
    """
    rel = _checked(relpath, allowed)
    data = content.encode("utf-8") if isinstance(content, str) else content
    created: list[str] = []
    try:
        parent_fd = _open_parent(root, rel, created)
        try:
            _write_new(parent_fd, rel, data, fail_after or _no_hook)
        finally:
            os.close(parent_fd)
    except OSError as exc:
        _remove_folders(root, created)
        raise WriteRefused(f"cannot write {rel}: {exc.strerror or exc}") from exc
    except BaseException:
        _remove_folders(root, created)
        raise
    return root / rel


@contextmanager
def repo_lock(root: Path) -> Iterator[None]:
    """Hold `<root>/.sosgen.lock` exclusively, or refuse at once if another command holds it."""
    try:
        fd = os.open(root / LOCK_NAME, _LOCK_FLAGS, 0o666)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise WriteRefused(f"{LOCK_NAME} is a symbolic link; delete it and retry") from None
        raise WriteRefused(f"cannot open the lock {LOCK_NAME}: {exc.strerror or exc}") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WriteRefused(
                "another sosgen command is writing in this repository "
                f"(lock {LOCK_NAME} held); try again when it finishes"
            ) from None
        yield  # the lock goes with the descriptor; the file stays (deleting it would race)
    finally:
        os.close(fd)


def _no_hook(stage: str) -> None:
    return None


def _checked(relpath: str | PurePosixPath, allowed: Sequence[str] | None) -> PurePosixPath:
    """`relpath` as a PurePosixPath, or WriteRefused if it could leave its allowed folders."""
    text = str(relpath)
    shown = text if text and text.isprintable() else repr(text)

    def refuse(why: str) -> WriteRefused:
        return WriteRefused(f"refusing to write {shown}: {why}")

    if "\\" in text:
        raise refuse("backslashes are not allowed; separate folders with '/'")
    if text.startswith("/"):
        raise refuse("the path is absolute; give it relative to the repository root")
    if not text.isprintable():
        raise refuse("the path contains control or separator characters; rename it")
    parts = text.split("/")
    if ".." in parts:
        raise refuse("'..' is not allowed; name a path inside the repository")
    if any(part in ("", ".") for part in parts):
        raise refuse("the path is not normalised; write it as folder/file without '.' or '//'")
    if ".git" in parts:
        raise refuse("sosgen never writes inside .git")
    if allowed is not None and (len(parts) < 2 or parts[0] not in allowed):
        folders = ", ".join(f"{name}/" for name in allowed)
        raise refuse(f"sosgen writes only under {folders} here")
    return PurePosixPath(text)


def _open_parent(root: Path, rel: PurePosixPath, created: list[str]) -> int:
    """A descriptor of the folder of `rel`, creating missing folders, following no link."""
    try:
        fd = os.open(root, _DIR_FLAGS & ~os.O_NOFOLLOW)
    except OSError as exc:
        raise WriteRefused(f"cannot open the repository folder {root}: {exc.strerror}") from exc
    walked = PurePosixPath()
    try:
        for part in rel.parts[:-1]:
            walked /= part
            fd = _enter(fd, walked, rel, created)
        _check_inside(root, fd, rel)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _enter(fd: int, walked: PurePosixPath, rel: PurePosixPath, created: list[str]) -> int:
    """Open the folder `walked` from its parent `fd` (creating it if missing); close `fd`."""
    part = walked.name
    try:
        info = os.stat(part, dir_fd=fd, follow_symlinks=False)
    except FileNotFoundError:
        os.mkdir(part, dir_fd=fd)
        created.append(str(walked))
        os.fsync(fd)
        info = os.stat(part, dir_fd=fd, follow_symlinks=False)
    if stat.S_ISLNK(info.st_mode):
        raise WriteRefused(
            f"refusing to write {rel}: {walked} is a symbolic link; "
            "sosgen writes only into real folders of the repository, so replace the link "
            "with a folder"
        )
    if not stat.S_ISDIR(info.st_mode):
        raise WriteRefused(
            f"refusing to write {rel}: {walked} is a file, not a folder; move it out of the way"
        )
    child = os.open(part, _DIR_FLAGS, dir_fd=fd)
    os.close(fd)
    return child


def _check_inside(root: Path, fd: int, rel: PurePosixPath) -> None:
    real = Path(os.path.realpath(root / rel.parent))
    if not real.is_relative_to(root.resolve()) or not os.path.samestat(os.fstat(fd), os.stat(real)):
        raise WriteRefused(
            f"refusing to write {rel}: its folder resolves to {real}, outside the repository"
        )


def _write_new(parent_fd: int, rel: PurePosixPath, data: bytes, hook: Hook) -> None:
    """Write `data` under a temporary name, sync it, then link it to `rel.name`."""
    name = rel.name
    if _exists(name, parent_fd):
        raise WriteRefused(f"{rel} already exists, not overwriting")
    temp, fd = _open_temp(parent_fd)
    ours: os.stat_result | None = None
    try:
        try:
            _write_all(fd, data)
            hook("written")
            os.fsync(fd)
            hook("synced")
            ours = _place(parent_fd, temp, name, data, rel)
        finally:
            os.close(fd)
        hook("linked")
        os.unlink(temp, dir_fd=parent_fd)
        os.fsync(parent_fd)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temp, dir_fd=parent_fd)
        if ours is not None:
            _unlink_if_ours(parent_fd, name, ours)
        raise


def _place(parent_fd: int, temp: str, name: str, data: bytes, rel: PurePosixPath) -> os.stat_result:
    """Give the synced temp file its real name; returns the identity of the file placed."""
    try:
        os.link(temp, name, src_dir_fd=parent_fd, dst_dir_fd=parent_fd, follow_symlinks=False)
    except FileExistsError:
        raise WriteRefused(f"{rel} already exists, not overwriting") from None
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
        return _create_direct(parent_fd, name, data, rel)
    return os.stat(name, dir_fd=parent_fd, follow_symlinks=False)


def _create_direct(parent_fd: int, name: str, data: bytes, rel: PurePosixPath) -> os.stat_result:
    """Fallback without hard links: exclusive create of the target itself, then write and sync."""
    try:
        fd = os.open(name, _NEW_FLAGS, 0o666, dir_fd=parent_fd)
    except FileExistsError:
        raise WriteRefused(f"{rel} already exists, not overwriting") from None
    ours = os.fstat(fd)
    try:
        _write_all(fd, data)
        os.fsync(fd)
    except BaseException:
        _unlink_if_ours(parent_fd, name, ours)
        raise
    finally:
        os.close(fd)
    return ours


def _open_temp(parent_fd: int) -> tuple[str, int]:
    """A new, empty temp file (mode 0666 less the umask, unlike mkstemp's 0600)."""
    for _ in range(100):
        name = TEMP_PREFIX + secrets.token_hex(8)
        try:
            return name, os.open(name, _NEW_FLAGS, 0o666, dir_fd=parent_fd)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name")  # pragma: no cover


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _exists(name: str, dir_fd: int) -> bool:
    try:
        os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return True


def _unlink_if_ours(dir_fd: int, name: str, ours: os.stat_result) -> None:
    with suppress(OSError):
        if os.path.samestat(os.stat(name, dir_fd=dir_fd, follow_symlinks=False), ours):
            os.unlink(name, dir_fd=dir_fd)


def _remove_folders(root: Path, created: list[str]) -> None:
    """Undo the folders this call created, deepest first, if they are still empty."""
    for folder in reversed(created):
        with suppress(OSError):
            os.rmdir(root / folder)
