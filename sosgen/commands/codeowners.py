"""Write CODEOWNERS from teams.yaml: each team's members own their team's update files,
the facilitator owns the meeting records, the maintainers own teams.yaml,
dependencies.yaml, the CI files and CODEOWNERS itself. Replaces only a file that sosgen
generated and nobody has edited since; a hand-written CODEOWNERS is never touched.
`sosgen check` fails while a generated CODEOWNERS disagrees with teams.yaml."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path, PurePosixPath
from typing import TextIO

from sosgen import codeowners as co
from sosgen import repo as r
from sosgen import safewrite
from sosgen.commands._create import refuse_on_errors, require_org
from sosgen.errors import UsageError

UP_TO_DATE = "up to date"


def codeowners(
    root: Path, *, fmt: str, output: str | None, to_stdout: bool, out: TextIO, err: TextIO
) -> int:
    repo, problems, _ = r.load_repository(root, parse_update=lambda relpath: False)
    refuse_on_errors([d for d in problems if d.pos.path == r.TEAMS], "writing CODEOWNERS", err=err)
    org = require_org(repo)
    relpath = _relpath(output or co.LOCATIONS[fmt][0])
    text = co.render(org, fmt=fmt, path=relpath)
    for problem in co.unowned(org, fmt=fmt, path=relpath):
        err.write(f"sosgen: warning: {problem}\n")
    if to_stdout:
        out.write(text)
        return 0
    with safewrite.repo_lock(root):
        outcome = write(root, relpath, text)
    if outcome == UP_TO_DATE:
        out.write(f"{relpath} already matches teams.yaml; nothing to do\n")
    else:
        out.write(f"{outcome} {relpath}; review it, then commit it (git add {relpath})\n")
    return 0


def write(root: Path, relpath: str, text: str) -> str:
    """Create or replace `relpath`; returns what was done, for the user."""
    target = root / relpath
    if not target.exists() and not target.is_symlink():
        safewrite.create_file(root, relpath, text, allowed=None)
        return "created"
    if target.is_symlink() or not target.is_file():
        raise safewrite.WriteRefused(
            f"{relpath} is not a regular file; sosgen does not write through links: "
            "move it away and run again"
        )
    try:
        found = co.CodeownersFile(relpath, target.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise safewrite.WriteRefused(f"cannot read {relpath}: {exc}; move it away") from None
    if found.text == text:
        return UP_TO_DATE
    if not found.generated:
        raise safewrite.WriteRefused(
            f"{relpath} was written by hand (it lacks the line '{co.MARKER} ...'); sosgen "
            "will not overwrite it: move it away (or merge it into teams.yaml) and run again, "
            "or write elsewhere with --output"
        )
    if not found.pristine:
        raise safewrite.WriteRefused(
            f"{relpath} was edited by hand since sosgen generated it (its checksum line no "
            "longer matches), so replacing it would lose those edits: move the changes into "
            "teams.yaml, delete the file, and run again"
        )
    _replace(root, relpath, text)
    return "updated"


def _replace(root: Path, relpath: str, text: str) -> None:
    """Write the new text beside the old file, then rename it over the old one."""
    rel = PurePosixPath(relpath)
    temp = rel.parent / f"{safewrite.TEMP_PREFIX}{rel.name}-{secrets.token_hex(4)}"
    written = safewrite.create_file(root, temp, text, allowed=None)
    try:
        os.replace(written, root / relpath)
    except OSError as exc:
        written.unlink(missing_ok=True)
        raise safewrite.WriteRefused(f"cannot replace {relpath}: {exc.strerror or exc}") from None


def _relpath(given: str) -> str:
    rel = PurePosixPath(given.replace(os.sep, "/"))
    if rel.is_absolute() or ".." in rel.parts or not rel.parts or rel.name != "CODEOWNERS":
        raise UsageError(
            f"--output {given}: give a path inside the repository ending in CODEOWNERS, "
            "such as .github/CODEOWNERS"
        )
    return rel.as_posix()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=co.FORMATS,
        default="github",
        help="GitHub's CODEOWNERS or GitLab's, with sections (default: github)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="where to write it, relative to the repository "
        "(default: .github/CODEOWNERS, or .gitlab/CODEOWNERS for gitlab)",
    )
    parser.add_argument(
        "--stdout", action="store_true", help="print the file instead of writing it"
    )


def run(args: argparse.Namespace) -> int:
    return codeowners(
        args.repo,
        fmt=args.format,
        output=args.output,
        to_stdout=args.stdout,
        out=sys.stdout,
        err=sys.stderr,
    )
