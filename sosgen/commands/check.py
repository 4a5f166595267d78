"""Validate the repository, or PATHs against the rest of it, and print every problem
as `path:line:col: severity: message [rule]`. Exit 0 clean, 1 on errors (or warnings
with --strict), 2 on a usage error."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from sosgen import repo as r
from sosgen.cache import ParseCache
from sosgen.diagnostics import Diagnostic, Severity
from sosgen.errors import UsageError
from sosgen.report import report
from sosgen.rules import kind_of, run_rules

if TYPE_CHECKING:  # imported where used: `check PATH` of meeting files reads no CODEOWNERS
    from sosgen import codeowners as co

GLOBAL_FILES = (r.TEAMS, r.DEPENDENCIES)


def collect(
    root: Path,
    *,
    today: dt.date,
    paths: Sequence[str] = (),
    change: co.Change | None = None,
    cache: bool = True,
) -> tuple[list[Diagnostic], int]:
    """Diagnostics for the repository, or for `paths` checked against the rest of it;
    with `change`, also the author check of a pull request. Files are read through
    the parse cache unless `cache` is false.

    Returns the diagnostics and the number of files read."""
    wanted = set(r.relpaths(root, paths))
    for path in sorted(wanted):
        if not (root / path).is_file():
            raise UsageError(f"{path}: no such file")
        if not _is_data_file(path):
            raise UsageError(
                f"{path}: not a sosgen data file (teams.yaml, dependencies.yaml "
                "or meetings/<date>/<name>.yaml)"
            )
    everything = not wanted or bool(wanted & set(GLOBAL_FILES))
    repo, problems, layout = r.load_repository(
        root,
        parse_update=lambda rel: everything or rel in wanted,
        # an action's history spans every meeting record; an update needs none of them
        parse_records=everything or any(p.endswith("/" + r.RECORD) for p in wanted),
        documents=ParseCache(enabled=cache),
    )
    if everything:
        problems += run_rules(repo, today=today, codeowners=load_codeowners(root), change=change)
    else:
        # Only the diagnostics of PATHs and of the global files are shown: run only the
        # rules that can report on those kinds of file (no CODEOWNERS file is one of them).
        kinds = {kind_of(path) for path in (*wanted, *GLOBAL_FILES)}
        problems += run_rules(repo, today=today, change=change, kinds=kinds)
        problems = [d for d in problems if d.pos.path in wanted or d.pos.path in GLOBAL_FILES]
    files = len(layout.all_files()) if everything else len(wanted)
    return problems, files


def check(
    root: Path,
    *,
    today: dt.date,
    paths: Sequence[str] = (),
    strict: bool = False,
    fmt: str = "text",
    change: co.Change | None = None,
    cache: bool = True,
    out: TextIO,
) -> int:
    problems, files = collect(root, today=today, paths=paths, change=change, cache=cache)
    report(problems, fmt, out, files=files)
    if any(d.severity is Severity.ERROR for d in problems):
        return 1
    return 1 if strict and problems else 0


def load_codeowners(root: Path) -> tuple[co.CodeownersFile, ...]:
    """The CODEOWNERS files sosgen generated, wherever GitHub or GitLab would look."""
    from sosgen import codeowners as co

    found = []
    for relpath in dict.fromkeys(p for where in co.LOCATIONS.values() for p in where):
        path = root / relpath
        if path.is_symlink() or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if text.startswith(co.MARKER):
            found.append(co.CodeownersFile(relpath, text))
    return tuple(found)


def change_of(root: Path, author: str | None, changed: Sequence[str] | None) -> co.Change | None:
    """The pull request of `--author` and `--changed`, both or neither."""
    if author is None and changed is None:
        return None
    if not author or changed is None:
        raise UsageError(
            "--author and --changed go together: the pull request's author and the files "
            "it changes (e.g. from `git diff --name-only`)"
        )
    from sosgen import codeowners as co

    return co.Change(author, tuple(r.relpaths(root, changed)))


def _is_data_file(path: str) -> bool:
    parts = path.split("/")
    return path in GLOBAL_FILES or (len(parts) == 3 and parts[0] == r.MEETINGS)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from sosgen.cli import add_no_cache, add_today

    parser.add_argument("paths", nargs="*", metavar="PATH", help="files to check (default: all)")
    parser.add_argument("--strict", action="store_true", help="warnings fail too")
    parser.add_argument(
        "--format",
        choices=("text", "github", "json"),
        default="text",
        help="output format (default: text)",
    )
    parser.add_argument(
        "--author",
        metavar="HANDLE",
        help="with --changed: warn when this pull request author (a GitHub handle or a "
        "person id) changes another team's update",
    )
    parser.add_argument(
        "--changed",
        nargs="*",
        action="extend",
        metavar="FILE",
        help="with --author: the files the pull request changes (may be none)",
    )
    add_no_cache(parser)
    add_today(parser)


def run(args: argparse.Namespace) -> int:
    from sosgen.cli import today

    return check(
        args.repo,
        today=today(args),
        paths=args.paths,
        strict=args.strict,
        fmt=args.format,
        change=change_of(args.repo, args.author, args.changed),
        cache=not args.no_cache,
        out=sys.stdout,
    )
