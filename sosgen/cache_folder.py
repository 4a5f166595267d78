"""`.sosgen-cache/`: the one folder where sosgen keeps what it can recompute.

Opened once per run relative to the repository's descriptor, never through a
symbolic link (a linked cache folder, or a file in its place, is refused: no cache
this run). Every file in it is read and written relative to the folder's own
descriptor, without following links; writes go to a temporary file that is renamed
over the old one, so a reader sees the old file or the new one. Nothing here is
trusted: its users check what they read (`sosgen.cache`, `sosgen.build_state`,
`sosgen.svg_cache`). It carries its own `.gitignore` and a CACHEDIR.TAG.
"""

from __future__ import annotations

import errno
import os
import stat
from contextlib import suppress
from pathlib import Path

CACHE_DIR = ".sosgen-cache"
MAX_FILE = 64 * 1024 * 1024
_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC
_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_IGNORE = "# Created by sosgen: a cache of what it can recompute, safe to delete.\n*\n"
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# sosgen cache: safe to delete\n"


class CacheFolder:
    """The open cache folder; `open(root)` gives one, or a reason it cannot be used."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    @classmethod
    def open(cls, root: Path) -> CacheFolder | str:
        try:
            root_fd = os.open(root, _DIR)
        except OSError as exc:
            return f"cannot open {root}: {exc.strerror}"
        try:
            try:
                os.mkdir(CACHE_DIR, 0o777, dir_fd=root_fd)
                fresh = True
            except FileExistsError:
                fresh = False
            fd = os.open(CACHE_DIR, _DIR, dir_fd=root_fd)
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                return f"{CACHE_DIR} is not a folder (a symbolic link?); not using it"
            return f"cannot use {CACHE_DIR}: {exc.strerror}"
        finally:
            os.close(root_fd)
        folder = cls(fd)
        if fresh:
            folder.write(".gitignore", _IGNORE)
            folder.write("CACHEDIR.TAG", _TAG)
        return folder

    def close(self) -> None:
        os.close(self.fd)

    def __enter__(self) -> CacheFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, name: str) -> tuple[str, int] | None:
        """The text of a regular file `name` and its mtime, or None (missing, a link,
        too large, not UTF-8...)."""
        try:
            fd = os.open(name, _READ, dir_fd=self.fd)
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE:
                return None
            with os.fdopen(fd, "rb", closefd=False) as f:
                return f.read(MAX_FILE + 1).decode("utf-8"), info.st_mtime_ns
        except (OSError, UnicodeDecodeError):
            return None
        finally:
            os.close(fd)

    def write(self, name: str, text: str) -> bool:
        """Write `name` atomically; False (and no trace) if it cannot be written."""
        temp = f".tmp-{os.getpid()}-{os.urandom(4).hex()}"
        try:
            fd = os.open(temp, _NEW, 0o666, dir_fd=self.fd)
        except OSError:
            return False
        try:
            with os.fdopen(fd, "wb", closefd=False) as f:
                f.write(text.encode("utf-8"))
            os.replace(temp, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
            return True
        except OSError:
            with suppress(OSError):
                os.unlink(temp, dir_fd=self.fd)
            return False
        finally:
            os.close(fd)
