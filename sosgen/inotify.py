"""Linux inotify through ctypes: wake the preview the moment an input changes instead
of polling the stamps of thousands of files several times a second.

`Watcher` watches folders recursively, and adds a watch for every folder created in or
renamed into a watched one (a meeting's folder is often prepared elsewhere and moved
in whole). Files beside the watched folders (teams.yaml, dependencies.yaml) are
watched through their parent, by name. `take()` says which paths events named since
it was last asked (a folder created or moved stands for everything below it), or
that it cannot tell (events were lost), so a rebuild can leave the stamps of the
other files alone. Anything that goes wrong (no
inotify on this system, the watch limit reached, an overflowing event queue that
cannot be recovered) raises `Unavailable`, and the caller goes back to polling.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import select
import struct
import time
from collections.abc import Iterable

IN_MODIFY = 0x00000002
IN_ATTRIB = 0x00000004
IN_CLOSE_WRITE = 0x00000008
IN_MOVED_FROM = 0x00000040
IN_MOVED_TO = 0x00000080
IN_CREATE = 0x00000100
IN_DELETE = 0x00000200
IN_DELETE_SELF = 0x00000400
IN_MOVE_SELF = 0x00000800
IN_Q_OVERFLOW = 0x00004000
IN_IGNORED = 0x00008000
IN_ONLYDIR = 0x01000000
IN_DONT_FOLLOW = 0x02000000
IN_ISDIR = 0x40000000
IN_NONBLOCK = 0o4000
IN_CLOEXEC = 0o2000000

CHANGES = (
    IN_MODIFY
    | IN_ATTRIB
    | IN_CLOSE_WRITE
    | IN_MOVED_FROM
    | IN_MOVED_TO
    | IN_CREATE
    | IN_DELETE
    | IN_DELETE_SELF
    | IN_MOVE_SELF
)
_EVENT = struct.Struct("iIII")


class Unavailable(Exception):
    """inotify cannot watch these folders: poll instead."""


def _libc() -> ctypes.CDLL:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        libc.inotify_init1, libc.inotify_add_watch, libc.inotify_rm_watch  # noqa: B018
    except (OSError, AttributeError) as exc:
        raise Unavailable(f"no inotify: {exc}") from None
    return libc


class Watcher:
    """Watches `trees` (folders, recursively, hidden folders skipped as the polling
    snapshot skips them) and the entries named `names[parent]` inside the folders
    `names` maps (not recursively; a tree of `trees` appearing there is watched from
    then on). `wait()` blocks until something changed."""

    def __init__(self, trees: Iterable[str], names: dict[str, set[str]]) -> None:
        self._libc = _libc()
        self._trees = [os.path.abspath(t) for t in trees]
        self._names = {os.path.abspath(p): set(n) for p, n in names.items()}
        self._paths: dict[int, str] = {}  # watch descriptor -> folder
        self._changed: set[str] | None = set()  # paths events named; None: events lost
        self._fd = self._libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if self._fd < 0:
            raise Unavailable(f"inotify_init1: {os.strerror(ctypes.get_errno())}")
        try:
            self._rewatch()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> Watcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def folders(self) -> set[str]:
        return set(self._paths.values())

    def wait(self, timeout: float | None, quiet: float = 0.05, longest: float = 1.0) -> bool:
        """True once an input changed and then `quiet` seconds passed without another
        event (an editor's save, a checkout: several events, one rebuild), or at most
        `longest` seconds after the change; False when `timeout` passed first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not self._ready(left):
                return False
            if self._drain():
                break
        until = time.monotonic() + longest
        while self._ready(min(quiet, max(0.0, until - time.monotonic()))):
            self._drain()
            if time.monotonic() >= until:
                break
        return True

    def take(self) -> set[str] | None:
        """The paths named by events since the last `take` (files, or folders standing
        for everything below them), the events still queued included; None when
        some were lost and any input may have changed."""
        while self._ready(0) and self._read() is not None:
            pass
        changed, self._changed = self._changed, set()
        return changed

    def _ready(self, timeout: float | None) -> bool:
        ready, _, _ = select.select([self._fd], [], [], timeout)
        return bool(ready)

    def _drain(self) -> bool:
        """Read the queued events; True if one concerns an input."""
        return self._read() is True

    def _read(self) -> bool | None:
        """Read the queued events: True if one concerns an input, False if none does,
        None if there were none to read."""
        try:
            data = os.read(self._fd, 1 << 16)
        except BlockingIOError:
            return None
        except OSError as exc:
            raise Unavailable(f"reading inotify events: {exc}") from None
        changed = False
        rewatch = False
        at = 0
        while at + _EVENT.size <= len(data):
            wd, mask, _, size = _EVENT.unpack_from(data, at)
            name = data[at + _EVENT.size : at + _EVENT.size + size].rstrip(b"\0")
            at += _EVENT.size + size
            if mask & IN_Q_OVERFLOW:
                changed = rewatch = True  # events were lost, folders created among them
                self._changed = None
                continue
            folder = self._paths.get(wd)
            if mask & IN_IGNORED:
                self._paths.pop(wd, None)  # the folder is gone
                continue
            if folder is None:
                continue
            path = os.path.join(folder, os.fsdecode(name)) if name else folder
            if (mask & IN_ISDIR and name.startswith(b".")) or not self._concerns(folder, path):
                continue  # hidden folders are no input
            changed = True
            if self._changed is not None:
                self._changed.add(path)
            if mask & IN_ISDIR and mask & (IN_CREATE | IN_MOVED_TO):
                self._watch_tree(path)
            elif (mask & IN_ISDIR and mask & IN_MOVED_FROM) or mask & IN_MOVE_SELF:
                rewatch = True  # paths of the watches below it are stale
        if rewatch:
            self._rewatch()
        return changed

    def _concerns(self, folder: str, path: str) -> bool:
        if folder in self._names and os.path.basename(path) in self._names[folder]:
            return True
        return any(folder == t or folder.startswith(t + os.sep) for t in self._trees)

    def _rewatch(self) -> None:
        """Watch every folder as it is now, forget watches of folders moved away."""
        old = dict(self._paths)
        self._paths.clear()
        for parent in self._names:
            self._add(parent)
        for tree in self._trees:
            self._watch_tree(tree)
        for wd in old.keys() - self._paths.keys():
            self._libc.inotify_rm_watch(self._fd, wd)

    def _watch_tree(self, top: str) -> None:
        if not self._add(top):
            return
        try:
            entries = list(os.scandir(top))
        except OSError:
            return
        for entry in entries:
            try:
                folder = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if folder and not entry.name.startswith("."):
                self._watch_tree(entry.path)

    def _add(self, folder: str) -> bool:
        """Watch `folder`; False when it does not exist (or is no folder)."""
        wd = self._libc.inotify_add_watch(
            self._fd, os.fsencode(folder), CHANGES | IN_ONLYDIR | IN_DONT_FOLLOW
        )
        if wd < 0:
            code = ctypes.get_errno()
            if code in (errno.ENOENT, errno.ENOTDIR, errno.EACCES):
                return False
            raise Unavailable(f"watching {folder}: {os.strerror(code)}")
        self._paths[wd] = folder
        return True
