"""Whether a build can be skipped: everything it reads is as it was when it last ran
into the same folder, and everything it wrote there is still there, untouched.

A build reads teams.yaml, dependencies.yaml, suggestions.yaml, every file under
meetings/ and templates/, sosgen's own code and templates, and its options (the day,
the commit, the engine, the base URL, SOURCE_DATE_EPOCH). `inputs` stamps all of it
(size, times and inode of each file, as Git's index does) into one digest; `record`
keeps the digest and the stamps of the files written in `.sosgen-cache/`, with the
key of each meeting page (`sosgen.page_keys`); `unchanged` says whether a build now
would write the same bytes, and `previous` gives the keys and stamps of the last
build's meeting pages, for a build that must run to leave those alone. Anything in doubt
is a "no": a file changed within two seconds of the record (its stamp cannot prove
it unchanged), a missing or unreadable record, an output file changed or gone.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sosgen.cache_folder import CacheFolder
from sosgen.write import stamp_text

FORMAT = 2
RACY_NS = 2_000_000_000
PACKAGE = Path(__file__).resolve().parent
FILES = ("teams.yaml", "dependencies.yaml", "suggestions.yaml")
FOLDERS = ("meetings", "templates")


@dataclass(frozen=True)
class Inputs:
    digest: str
    newest_ns: int  # the latest change among the files stamped
    stamped_ns: int  # when they were stamped
    # the stamp (`write.stamp_text`) of each of the repository's plain files, by
    # relative path, for the parse cache not to stat them again
    stamps: dict[str, str] = field(default_factory=dict)


def inputs(root: Path, options: Mapping[str, str]) -> Inputs:
    stamped = time.time_ns()
    lines = [json.dumps(sorted(options.items()))]
    newest = 0
    stamps: dict[str, str] = {}
    for base, names, kept in (
        (root, FILES, stamps),
        (root, FOLDERS, stamps),
        (PACKAGE, (".",), None),
    ):
        for name in names:
            newest = max(newest, _walk(os.path.join(base, name), name, lines, kept))
    digest = hashlib.sha256("\n".join(lines).encode("utf-8", "surrogateescape"))
    return Inputs(digest.hexdigest(), newest, stamped, stamps)


def _walk(path: str, name: str, lines: list[str], stamps: dict[str, str] | None) -> int:
    """Add a line per file at `path` (or below it, skipping __pycache__, in name
    order) to `lines`: its name and stamp; and to `stamps`, if given, the stamp of
    each plain file. Returns the latest change seen."""
    try:
        info = os.stat(path)
    except OSError:
        lines.append(f"{name} missing")
        return 0
    if not stat.S_ISDIR(info.st_mode):
        text = stamp_text(info)
        lines.append(f"{name} {text}")
        if stamps is not None and stat.S_ISREG(info.st_mode):
            stamps[name] = text
        return max(info.st_mtime_ns, info.st_ctime_ns)
    newest = 0
    with os.scandir(path) as found:
        entries = sorted(found, key=lambda e: e.name)
    for entry in entries:
        if entry.name == "__pycache__":
            continue
        rel = f"{name}/{entry.name}"
        if entry.is_dir(follow_symlinks=False):
            newest = max(newest, _walk(entry.path, rel, lines, stamps))
        else:
            info = entry.stat(follow_symlinks=False)
            text = stamp_text(info)
            lines.append(f"{rel} {text}")
            newest = max(newest, info.st_mtime_ns, info.st_ctime_ns)
            if stamps is not None and stat.S_ISREG(info.st_mode):
                stamps[rel] = text
    return newest


def _record_name(out: Path) -> str:
    return "build-" + hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16] + ".json"


def unchanged(root: Path, out: Path, now: Inputs) -> bool:
    """True only if the last build into `out` read exactly these inputs and its
    output is intact."""
    found = _last_record(root, out)
    if found is None:
        return False
    record, written_ns = found
    if (
        record.get("inputs") != now.digest
        or not isinstance(record.get("stamped"), int)
        or now.newest_ns >= min(record["stamped"], written_ns) - RACY_NS
        or not isinstance(record.get("outputs"), dict)
    ):
        return False
    return _intact(out, record["outputs"])


def _intact(out: Path, outputs: dict[str, Any]) -> bool:
    for relpath, stamp in outputs.items():
        if not isinstance(relpath, str) or relpath.startswith("/") or ".." in relpath.split("/"):
            return False
        try:
            info = os.stat(os.path.join(out, relpath), follow_symlinks=False)
        except OSError:
            return False
        if stamp != stamp_text(info):
            return False
    return bool(outputs)


def _last_record(root: Path, out: Path) -> tuple[dict[str, Any], int] | None:
    """The record of the last build into `out`, in this format, and when it was
    written; None if there is none."""
    folder = CacheFolder.open(root)
    if isinstance(folder, str):
        return None
    with folder:
        found = folder.read(_record_name(out))
    if found is None:
        return None
    text, written_ns = found
    try:
        record: Any = json.loads(text)
    except ValueError:
        return None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        return None
    return record, written_ns


def previous(root: Path, out: Path) -> dict[str, tuple[str, str]]:
    """The key of each meeting page the last build into `out` rendered, with the stamp
    its file had then (`sosgen.page_keys`); empty if there is no such record."""
    found = _last_record(root, out)
    if found is None:
        return {}
    pages, outputs = found[0].get("pages"), found[0].get("outputs")
    if not isinstance(pages, dict) or not isinstance(outputs, dict):
        return {}
    return {
        path: (key, stamp)
        for path, key in pages.items()
        if isinstance(key, str) and isinstance(stamp := outputs.get(path), str)
    }


def record(
    root: Path,
    out: Path,
    now: Inputs,
    written: Iterable[str],
    pages: Mapping[str, str] | None = None,
) -> None:
    """Remember that a build into `out` read `now` and wrote the files `written`, the
    meeting pages among them with their `pages` keys."""
    outputs = {}
    for relpath in written:
        try:
            outputs[relpath] = stamp_text(
                os.stat(os.path.join(out, relpath), follow_symlinks=False)
            )
        except OSError:
            return  # something moved under us: no record, the next build builds
    folder = CacheFolder.open(root)
    if isinstance(folder, str):
        return
    with folder:
        text = json.dumps(
            {
                "format": FORMAT,
                "inputs": now.digest,
                "stamped": now.stamped_ns,
                "outputs": outputs,
                "pages": {path: key for path, key in (pages or {}).items() if path in outputs},
            }
        )
        folder.write(_record_name(out), text)
