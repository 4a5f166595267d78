"""Find a repository's files and load them into the model, collecting every diagnostic.

Layout: `teams.yaml`, `dependencies.yaml`, `meetings/<YYYY-MM-DD>/_meeting.yaml` and
`meetings/<YYYY-MM-DD>/<team>.yaml`. Listing the tree is cheap; parsing is not, so
callers may say which update files to parse (`sosgen check FILE` parses one), and may
read them through the parse cache (`sosgen.cache`), which plugs in as `documents`.
"""

from __future__ import annotations

import datetime as dt
import gc
import operator
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sosgen import model as m
from sosgen.diagnostics import Diagnostic, Pos, error

# The loader, validator and converter (and PyYAML) are imported by the functions that
# parse: a run whose files all come from the parse cache needs none of them.

TEAMS = "teams.yaml"
DEPENDENCIES = "dependencies.yaml"
MEETINGS = "meetings"
RECORD = "_meeting.yaml"

_DATE_DIR = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_UPDATE_FILE = re.compile(r"([a-z0-9][a-z0-9-]{0,39})\.yaml\Z")  # <team id>.yaml
_NAME = operator.attrgetter("name")  # of an os.DirEntry: listings are sorted by it

# A file's typed value (see `sosgen.schema`) and its diagnostics.
Parsed = tuple[Any, list[Diagnostic]]
# A file's model value (`to_model`) and its diagnostics.
Loaded = tuple[Any, list[Diagnostic]]
# One file read: (root, relpath, schema name) -> its typed value. Tests may replace it.
Reader = Callable[[Path, str, str], Parsed]
# Many files loaded: (root, [(relpath, schema name), ...]) -> a (relpath, model value)
# pair for each, in any order (so several processes can share the work). The parse
# cache is one (`sosgen.cache`).
Documents = Callable[[Path, Sequence[tuple[str, str]]], Iterable[tuple[str, Loaded]]]


def parse_document(data: bytes, relpath: str, schema: str) -> Parsed:
    """Parse and validate the bytes of one file (`relpath` names it in diagnostics)."""
    from sosgen.load import load_bytes
    from sosgen.schema import load_schema, validate

    node, problems = load_bytes(data, relpath)
    if problems:
        return None, problems
    return validate(node, load_schema(schema), relpath)


def read_document(root: Path, relpath: str, schema: str) -> Parsed:
    from sosgen.load import load_file
    from sosgen.schema import load_schema, validate

    node, problems = load_file(root / relpath, relpath)
    if problems:
        return None, problems
    return validate(node, load_schema(schema), relpath)


def to_model(relpath: str, schema: str, value: Any) -> Any:
    """The model value of a file's typed value: an `Org`, the dependencies and dismissals,
    a `MeetingRecord` or an `Update` (the last two dated, and named, by their path)."""
    from sosgen import convert

    if schema == "teams":
        return convert.org(value)
    if schema == "dependencies":
        return convert.dependencies(value)
    _, folder, name = relpath.split("/")
    day = dt.date.fromisoformat(folder)
    if schema == "meeting":
        return convert.record(value, meeting=day)
    return convert.update(value, team=name.removesuffix(".yaml"), meeting=day)


def load_document(data: bytes, relpath: str, schema: str) -> Loaded:
    """Parse, validate and convert the bytes of one file."""
    value, problems = parse_document(data, relpath, schema)
    return to_model(relpath, schema, value), problems


def each(reader: Reader) -> Documents:
    """`Documents` that read one file after the other with `reader`."""

    def documents(root: Path, wanted: Sequence[tuple[str, str]]) -> Iterator[tuple[str, Loaded]]:
        for relpath, schema in wanted:
            value, problems = reader(root, relpath, schema)
            yield relpath, (to_model(relpath, schema, value), problems)

    return documents


@contextmanager
def paused_gc() -> Iterator[None]:
    """Building a large tree of new objects triggers the cycle collector again and again,
    and each pass walks everything built so far (it doubled the load time, measured).
    The model is acyclic, so reference counting frees it: pause the collector while
    loading, then move what was built out of its sight (`gc.freeze`)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()


@dataclass(frozen=True, slots=True)
class MeetingFiles:
    date: dt.date
    path: str  # meetings/<date>
    record: str | None  # relpath of _meeting.yaml if present
    updates: dict[str, str] = field(default_factory=dict)  # team id -> relpath


@dataclass
class Layout:
    """What is on disk, before anything is parsed."""

    root: Path
    teams: str | None
    dependencies: str | None
    meetings: list[MeetingFiles]
    problems: list[Diagnostic]

    def all_files(self) -> list[str]:
        files = [f for f in (self.teams, self.dependencies) if f]
        for meeting in self.meetings:
            files.extend(f for f in [meeting.record, *meeting.updates.values()] if f)
        return files


def scan(root: Path) -> Layout:
    problems: list[Diagnostic] = []
    teams = TEAMS if (root / TEAMS).is_file() else None
    if teams is None:
        problems.append(
            error(
                Pos(TEAMS), "layout", "teams.yaml not found; run `sosgen init` or check the folder"
            )
        )
    deps = DEPENDENCIES if (root / DEPENDENCIES).is_file() else None
    meetings: list[MeetingFiles] = []
    meetings_dir = root / MEETINGS
    if meetings_dir.is_dir():
        with os.scandir(meetings_dir) as entries:
            listed = sorted(entries, key=_NAME)
        for entry in listed:
            meeting = _scan_meeting(entry, problems)
            if meeting is not None:
                meetings.append(meeting)
    meetings.sort(key=lambda mf: mf.date)
    return Layout(root, teams, deps, meetings, problems)


def _scan_meeting(entry: os.DirEntry[str], problems: list[Diagnostic]) -> MeetingFiles | None:
    rel = f"{MEETINGS}/{entry.name}"
    if entry.name.startswith(".") or entry.name.lower().startswith("readme"):
        return None
    if not entry.is_dir(follow_symlinks=False):
        problems.append(
            error(
                Pos(rel),
                "layout",
                "unexpected file in meetings/; updates go in meetings/<YYYY-MM-DD>/<team>.yaml",
            )
        )
        return None
    day = _parse_date(entry.name)
    if day is None:
        problems.append(
            error(Pos(rel), "layout", "folder name is not a meeting date; name it YYYY-MM-DD")
        )
        return None
    updates: dict[str, str] = {}
    record = None
    with os.scandir(entry.path) as files:
        listed = sorted(files, key=_NAME)
    for file in listed:  # thousands in a large repository: the common case comes first
        name = file.name
        team = _UPDATE_FILE.match(name)
        if team is not None and file.is_file(follow_symlinks=False):
            updates[team.group(1)] = f"{rel}/{name}"
            continue
        frel = f"{rel}/{name}"
        if name.startswith("."):
            continue
        if name == RECORD:
            record = frel
        elif not file.is_file(follow_symlinks=False):
            problems.append(
                error(
                    Pos(frel),
                    "layout",
                    "not a regular file; updates are plain files named <team>.yaml",
                )
            )
        elif name.lower().endswith((".yaml", ".yml")):
            problems.append(error(Pos(frel), "layout", _bad_name(name, entry.path)))
        elif not name.lower().endswith((".md", ".txt")):
            problems.append(error(Pos(frel), "layout", "unexpected file in a meeting folder"))
    return MeetingFiles(day, rel, record, updates)


def _bad_name(name: str, folder: str) -> str:
    wanted = name.rsplit(".", 1)[0].lower() + ".yaml"
    if wanted != name and os.path.exists(os.path.join(folder, wanted)):
        return (
            f"{name} and {wanted} differ only in case and collide on macOS and Windows; "
            "keep one file, named with the lowercase team id"
        )
    return f"file name is not a team id; rename it to {wanted} (lowercase team id, .yaml)"


def _parse_date(name: str) -> dt.date | None:
    if not _DATE_DIR.match(name):
        return None
    try:
        return dt.date.fromisoformat(name)
    except ValueError:
        return None


def load_repository(
    root: Path,
    *,
    parse_update: Callable[[str], bool] = lambda relpath: True,
    parse_records: bool = True,
    reader: Reader = read_document,
    documents: Documents | None = None,
) -> tuple[m.Repository, list[Diagnostic], Layout]:
    """Load everything under `root`. Only update files for which `parse_update` is true
    are parsed (the others still count as present), and meeting records only with
    `parse_records` (no rule on an update reads them). Files are read through `documents`
    if given (the parse cache: `sosgen.cache.ParseCache`), else one by one with `reader`."""
    if documents is None:
        documents = each(reader)
    layout = scan(root)
    wanted = _wanted(layout, parse_update, parse_records)
    found: dict[str, list[Diagnostic]] = {}
    models: dict[str, Any] = {}
    with paused_gc():
        for relpath, (value, problems) in documents(root, wanted):
            found[relpath] = problems
            models[relpath] = value
    problems = list(layout.problems)
    for relpath, _ in wanted:  # in reading order, whatever order they came in
        problems += found[relpath]
    org = models.get(layout.teams) if layout.teams else None
    deps, dismissed = models.get(layout.dependencies or "", ((), ()))
    meetings = tuple(_meeting(mf, models) for mf in layout.meetings)
    repo = m.Repository(org=org, dependencies=deps, dismissed=dismissed, meetings=meetings)
    return repo, problems, layout


def _wanted(
    layout: Layout, parse_update: Callable[[str], bool], parse_records: bool
) -> list[tuple[str, str]]:
    """Every file to parse, with its schema, in date order."""
    wanted = [(layout.teams, "teams")] if layout.teams else []
    if layout.dependencies:
        wanted.append((layout.dependencies, "dependencies"))
    for mf in layout.meetings:
        if mf.record and parse_records:
            wanted.append((mf.record, "meeting"))
        wanted += ((rel, "update") for rel in mf.updates.values() if parse_update(rel))
    return wanted


def _meeting(mf: MeetingFiles, models: dict[str, Any]) -> m.Meeting:
    record = models.get(mf.record) if mf.record else None
    updates = {
        team: update
        for team, relpath in mf.updates.items()
        if (update := models.get(relpath)) is not None
    }
    return m.Meeting(mf.date, mf.path, record, updates, frozenset(mf.updates))


def relpaths(root: Path, paths: Iterable[str]) -> list[str]:
    """Repository-relative POSIX paths for command-line PATHs (which may be absolute)."""
    out = []
    base = root.resolve()
    for p in paths:
        full = (Path.cwd() / p).resolve() if not Path(p).is_absolute() else Path(p).resolve()
        try:
            out.append(full.relative_to(base).as_posix())
        except ValueError:
            out.append(Path(p).as_posix())
    return out
