"""Print a short Markdown summary for a pull request: the new blockers and heads-ups in
the changed updates (or the latest meeting's), escalated action items and missing
updates. CI appends it to the job summary. It reads what it can and never fails on
broken data: that is `sosgen check`'s job."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from sosgen import repo as r
from sosgen.pr_summary import markdown, summarize


def summary(root: Path, *, changed: Sequence[str] | None, out: TextIO) -> int:
    repo, _, _ = r.load_repository(root)
    if repo.org is None:
        out.write("## sosgen\n\nteams.yaml is missing or broken: see `sosgen check`.\n")
        return 0
    paths = None if changed is None else set(r.relpaths(root, changed))
    found = summarize(repo, repo.org, changed=paths)
    out.write(markdown(found, repo.org))
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--changed",
        nargs="*",
        action="extend",
        metavar="FILE",
        help="the files a pull request changes: only their updates count as new "
        "(default: the latest meeting's updates)",
    )


def run(args: argparse.Namespace) -> int:
    return summary(args.repo, changed=args.changed, out=sys.stdout)
