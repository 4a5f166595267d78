"""What a long-running process (`sosgen serve`) keeps between builds: the loaded model
value of every file, and the pages of the last build.

`MemoryDocuments` is a `repo.Documents`: it answers a file from memory while the
file's stamp (size, times, inode) is the one taken just before it was loaded, and
passes the rest to the parse cache. A file whose stamp is too recent to prove it
unchanged (changed within two seconds of being stamped, as Git's racily clean files)
is loaded again each time until it is old enough. Files that are no longer asked for
are forgotten. When the caller knows which paths may have changed since the last
complete load (`changed`: the preview's inotify watcher saw them), a meeting file
below none of them is answered from memory without even a stat (at 450 meetings that
is 8,000 calls saved on every rebuild), a file too recent to trust by its stamp
included: any change to it since would have been named. A file loaded again whose bytes
are the very ones its kept value came from (saved unchanged, checked out again: the
parse cache says which bytes each answer came from) keeps that value too. Because
unchanged files keep their very objects, the views built from them compare equal by
identity, which is what makes `site.PageMemo` cheap.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sosgen.parse_pool import Stamp, stamp_of
from sosgen.repo import MEETINGS, Documents, Loaded

RACY_NS = 2_000_000_000


@dataclass
class MemoryDocuments:
    inner: Documents
    racy_ns: int = RACY_NS  # tests set 0: every stamp is then trusted at once
    # relpath -> schema, stamp (None: too recent to trust), model value, and the
    # bytes it came from (`_sha`; None: not told)
    known: dict[str, tuple[str, Stamp | None, Loaded, int | None]] = field(default_factory=dict)
    reused: int = 0
    loaded: int = 0
    stamped: int = 0
    resaved: int = 0  # of those loaded, the files whose bytes were the ones kept
    # For the next call only: absolute paths of the files (or folders, for everything
    # below them) that may have changed since the last complete call began; None:
    # any file may have, stamp them all.
    changed: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if hasattr(self.inner, "shas"):
            self.inner.shas = {}  # the parse cache: say which bytes each answer came from

    def __call__(
        self, root: Path, wanted: Sequence[tuple[str, str]]
    ) -> Iterator[tuple[str, Loaded]]:
        self.reused = self.loaded = self.stamped = self.resaved = 0
        changed, self.changed = self.changed, None
        unchanged = _unchanged(root, changed)
        misses: list[tuple[str, str]] = []
        stamps: dict[str, tuple[str, Stamp | None]] = {}
        kept: dict[str, tuple[str, Stamp | None, Loaded, int | None]] = {}
        now = time.time_ns()
        for relpath, schema in wanted:
            found = self.known.get(relpath)
            if found is not None and found[0] == schema and unchanged(relpath):
                kept[relpath] = found
                self.reused += 1
                yield relpath, found[2]
                continue
            self.stamped += 1
            try:
                stamp: Stamp | None = stamp_of(os.stat(os.path.join(root, relpath)))
            except OSError:
                stamp = None
            if found is not None and stamp is not None and found[:2] == (schema, stamp):
                kept[relpath] = found
                self.reused += 1
                yield relpath, found[2]
                continue
            stamps[relpath] = (schema, stamp)
            misses.append((relpath, schema))
        for relpath, loaded in self.inner(root, misses):
            self.loaded += 1
            schema, stamp = stamps[relpath]
            sha = _sha(self.inner, relpath)
            found = self.known.get(relpath)
            if sha is not None and found is not None and found[0] == schema and found[3] == sha:
                # The same bytes again (a file saved unchanged, checked out again): its
                # very object, so that what was worked out from it is still at hand.
                loaded = found[2]
                self.resaved += 1
            if stamp is not None and max(stamp[1], stamp[2]) < now - self.racy_ns:
                # Its bytes are worth keeping for the top-level files only, whose
                # objects everything is worked out from; a meeting file saved
                # unchanged is one file loaded again (and 27,000 of them would cost
                # a megabyte).
                kept[relpath] = (schema, stamp, loaded, None if "/" in relpath else sha)
            else:  # answered again only while the caller can tell it did not change
                kept[relpath] = (schema, None, loaded, sha)
            yield relpath, loaded
        self.known = kept


def _sha(documents: Documents, relpath: str) -> int | None:
    """The bytes `documents` answered `relpath` from, if it says: the first 64 bits of
    their SHA-256, taken out of what it says (kept for every file of a large history,
    a hex string would cost 4 MB of the preview's memory at 1,500 meetings)."""
    shas: dict[str, str] | None = getattr(documents, "shas", None)
    sha = shas.pop(relpath, None) if shas is not None else None
    return int(sha[:16], 16) if sha else None


def _unchanged(root: Path, changed: frozenset[str] | None) -> Callable[[str], bool]:
    """Whether a file is known not to have changed: a meeting file (meetings/ a real
    folder: links are not watched) neither in `changed` nor in a folder that is.
    teams.yaml and dependencies.yaml are always stamped: they may be links to files
    elsewhere."""
    if changed is None:
        return lambda relpath: False
    top = os.path.abspath(root)
    meetings = os.path.join(top, MEETINGS)
    if os.path.islink(meetings) or {top, meetings} & changed:
        return lambda relpath: False
    prefix = top + os.sep
    below = {p[len(prefix) :].replace(os.sep, "/") for p in changed if p.startswith(prefix)}

    def unchanged(relpath: str) -> bool:
        folder = relpath.rpartition("/")[0]
        return (
            relpath not in below
            and folder not in below
            and folder.startswith(f"{MEETINGS}/")
            and "/" not in folder[len(MEETINGS) + 1 :]
        )

    return unchanged
