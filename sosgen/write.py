"""The one place that touches the output folder.

`SiteWriter` takes the site's files one at a time, as they are rendered, so a build
never holds the whole site in memory. A file whose bytes are already there is left
alone; any other goes to a temporary file beside its place. Only `commit` moves them
into place, removes the files an earlier build wrote that this one no longer makes
(it knows them from its manifest; it never removes anything else) and writes the
manifest: a build that fails before `commit` changes nothing (`abort` removes its
temporary files). The same path twice is refused (two pages fighting over one URL is
a bug, not a last-one-wins). It refuses an output folder that is, or holds, the data
repository or its `meetings/`.

Another process (the forked renderer of `sosgen.site`) can `stage` files too and hand
them over with `SiteWriter.adopt`.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sosgen.errors import SosgenError, UsageError

MANIFEST = ".sosgen-manifest.json"
TEMP_PREFIX = ".tmp-"


def _check_relpath(path: str) -> None:
    pure = PurePosixPath(path)
    if (
        not path
        or pure.is_absolute()
        or "\\" in path
        or any(part in ("", ".", "..") for part in path.split("/"))
        or path == MANIFEST
    ):
        raise SosgenError(f"refusing to write {path!r}: not a plain path inside the site")


@dataclass(frozen=True, slots=True)
class WriteResult:
    written: int
    unchanged: int
    removed: int


def check_output(out: Path, repo_root: Path) -> Path:
    """The resolved output folder, or UsageError if writing there could hurt the data."""
    target = out.resolve()
    root = repo_root.resolve()
    meetings = root / "meetings"
    if target == root or target in root.parents:
        raise UsageError(f"{out}: the output folder would contain the repository {repo_root}")
    if target == meetings or meetings.is_relative_to(target) or target.is_relative_to(meetings):
        raise UsageError(f"{out}: the output folder must not contain or be inside meetings/")
    if target.exists() and not target.is_dir():
        raise UsageError(f"{out}: exists and is not a folder")
    return target


class SiteWriter:
    def __init__(self, out: Path, *, repo_root: Path) -> None:
        self.target = check_output(out, repo_root)
        self.target.mkdir(parents=True, exist_ok=True)
        self.paths: list[str] = []  # every file of the site, in the order given
        self._seen: set[str] = set()
        self._staged: list[tuple[str, str]] = []  # (temporary file, relative path)
        self._safe: set[Path] = set()
        self.unchanged = 0

    def add(self, path: str, content: str | bytes) -> None:
        self._claim(path)
        data = content.encode("utf-8") if isinstance(content, str) else content
        self._take(path, stage(self.target, path, data, self._safe))

    def adopt(self, path: str, staged: str | None) -> None:
        """A file `stage`d by another process: its temporary file, or None if the
        bytes were already there."""
        self._claim(path)
        if staged is not None:
            tmp = Path(staged)
            beside = _inside(self.target, path, self._safe).parent
            if tmp.parent != beside or not tmp.name.startswith(TEMP_PREFIX):
                self.abort()
                raise SosgenError(f"refusing {staged}: not a temporary file beside {path}")
        self._take(path, staged)

    def _take(self, path: str, staged: str | None) -> None:
        if staged is None:
            self.unchanged += 1
        else:
            self._staged.append((staged, path))

    def _claim(self, path: str) -> None:
        _check_relpath(path)
        if path in self._seen:
            self.abort()
            raise SosgenError(f"the site would write {path} twice; two pages share one URL")
        self._seen.add(path)
        self.paths.append(path)

    def __len__(self) -> int:
        return len(self.paths)

    def commit(self) -> WriteResult:
        before = _manifest(self.target)
        for tmp, rel in self._staged:
            os.replace(tmp, _inside(self.target, rel, self._safe))
        written = len(self._staged)
        self._staged = []
        removed = 0
        for rel in sorted(before - self._seen):
            try:
                path = _inside(self.target, rel)
            except SosgenError:
                continue  # a manifest entry pointing outside: never follow it
            if path.is_file() or path.is_symlink():
                path.unlink()
                removed += 1
                _prune(path.parent, self.target)
        manifest = json.dumps(sorted(self._seen), indent=0) + "\n"
        (self.target / MANIFEST).write_text(manifest, encoding="utf-8")
        return WriteResult(written, self.unchanged, removed)

    def abort(self) -> None:
        """Remove the temporary files: the output folder is as it was."""
        for tmp, _ in self._staged:
            Path(tmp).unlink(missing_ok=True)
        self._staged = []


def stage(target: Path, rel: str, data: bytes, safe: set[Path] | None = None) -> str | None:
    """None if `target/rel` already holds `data`; else a new temporary file beside it
    holding `data`, for `SiteWriter.commit` to move into place."""
    path = _inside(target, rel, safe)
    try:
        info = os.stat(path, follow_symlinks=False)
        if stat.S_ISREG(info.st_mode) and info.st_size == len(data) and path.read_bytes() == data:
            return None
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX, suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def stamp(target: Path, rel: str) -> str:
    """Size, times and inode of `target/rel`, or "" if it is not a plain file."""
    try:
        info = os.stat(os.path.join(target, rel), follow_symlinks=False)
    except OSError:
        return ""
    return stamp_text(info) if stat.S_ISREG(info.st_mode) else ""


def stamp_text(info: os.stat_result) -> str:
    """A file's size, times and inode as one string (as Git's index tells a change)."""
    return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}"


def _manifest(target: Path) -> set[str]:
    try:
        listed = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    return {p for p in listed if isinstance(p, str)} if isinstance(listed, list) else set()


def _inside(target: Path, rel: str, safe: set[Path] | None = None) -> Path:
    """`rel` inside `target`; `safe` remembers the folders already seen to resolve
    inside it (a site has few folders and many files)."""
    _check_relpath(rel)
    path = target.joinpath(*rel.split("/"))
    if safe is not None and path.parent in safe:
        return path
    if not path.parent.resolve().is_relative_to(target):
        raise SosgenError(f"refusing to write {rel}: it resolves outside the output folder")
    if safe is not None and path.parent.is_dir() and not path.parent.is_symlink():
        safe.add(path.parent)
    return path


def _prune(folder: Path, target: Path) -> None:
    """Remove folders left empty by removals, up to (not including) the output folder."""
    while folder != target and folder.is_relative_to(target):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
