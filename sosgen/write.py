"""The one place that touches the output folder.

`SiteFiles` gathers every file of the site in memory and refuses the same path twice
(two pages fighting over one URL is a bug, not a last-one-wins). `write_site` then
writes them: only inside the output folder, only the files whose bytes changed, and
it removes the files an earlier build wrote that this one no longer makes (it knows
them from its manifest; it never removes anything else). It refuses an output folder
that is, or holds, the data repository or its `meetings/`.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sosgen.errors import SosgenError, UsageError

MANIFEST = ".sosgen-manifest.json"


class SiteFiles:
    """Relative POSIX path -> bytes; each path at most once."""

    def __init__(self) -> None:
        self._files: dict[str, bytes] = {}

    def add(self, path: str, content: str | bytes) -> None:
        _check_relpath(path)
        if path in self._files:
            raise SosgenError(f"the site would write {path} twice; two pages share one URL")
        data = content.encode("utf-8") if isinstance(content, str) else content
        self._files[path] = data

    def __contains__(self, path: str) -> bool:
        return path in self._files

    def __len__(self) -> int:
        return len(self._files)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._files))

    def get(self, path: str) -> bytes:
        return self._files[path]

    def items(self) -> list[tuple[str, bytes]]:
        return sorted(self._files.items())


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


def write_site(files: SiteFiles, out: Path, *, repo_root: Path) -> WriteResult:
    target = check_output(out, repo_root)
    target.mkdir(parents=True, exist_ok=True)
    before = _manifest(target)
    written = unchanged = 0
    safe: set[Path] = set()
    for rel, data in files.items():
        path = _inside(target, rel, safe)
        try:
            if path.is_file() and not path.is_symlink() and path.read_bytes() == data:
                unchanged += 1
                continue
        except OSError:
            pass
        _atomic_write(path, data)
        written += 1
    removed = 0
    for rel in sorted(before - set(files)):
        try:
            path = _inside(target, rel)
        except SosgenError:
            continue  # a manifest entry pointing outside: never follow it
        if path.is_file() or path.is_symlink():
            path.unlink()
            removed += 1
            _prune(path.parent, target)
    (target / MANIFEST).write_text(json.dumps(sorted(files), indent=0) + "\n", encoding="utf-8")
    return WriteResult(written, unchanged, removed)


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


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink():
        path.unlink()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _prune(folder: Path, target: Path) -> None:
    """Remove folders left empty by removals, up to (not including) the output folder."""
    while folder != target and folder.is_relative_to(target):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
