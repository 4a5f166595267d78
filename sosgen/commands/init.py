"""Start a new organisation's repository in DIR (default: the current folder):
teams.yaml with two placeholder teams, an empty dependencies.yaml, meetings/, the CI
workflows, the pre-commit configuration, CODEOWNERS and a README with the ambassadors'
guide. `sosgen check` accepts it at once. Refuses, writing nothing, if any of these
files already exists."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from sosgen import adopt, safewrite
from sosgen.errors import UsageError


def init(folder: Path, opts: adopt.Options, *, out: TextIO) -> int:
    files = adopt.scaffold(opts)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder}: exists and is not a folder")
    present = [rel for rel in files if (folder / rel).exists() or (folder / rel).is_symlink()]
    if present:
        raise safewrite.WriteRefused(
            f"{', '.join(present)} already exist{'s' * (len(present) == 1)} in {folder}; "
            "sosgen init never overwrites: run it in a new folder, or move these away"
        )
    folder.mkdir(parents=True, exist_ok=True)
    with safewrite.repo_lock(folder):
        for rel, text in files.items():
            safewrite.create_file(folder, rel, text, allowed=None)
            out.write(f"created {folder / rel}\n")
    out.write(_next_steps(folder, opts))
    return 0


def _next_steps(folder: Path, opts: adopt.Options) -> str:
    ci = (
        "Settings > Pages > Source: GitHub Actions, to publish the site"
        if opts.ci == "github"
        else "GitLab Pages publishes the site from main"
    )
    return (
        "\nnext:\n"
        f"  1. edit {folder / 'teams.yaml'}: your organisation, people, teams and ambassadors\n"
        "  2. sosgen codeowners (after giving people a github: handle), then sosgen check\n"
        "  3. git init, git add ., git commit; push it; pre-commit install in each clone\n"
        f"  4. {ci}\n"
        "  5. ambassadors: README.md says how to submit an update\n"
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from sosgen.cli import add_today

    parser.add_argument(
        "folder", nargs="?", type=Path, metavar="DIR", help="where (default: the current folder)"
    )
    parser.add_argument(
        "--organization", default="My Organisation", metavar="NAME", help="the organisation's name"
    )
    parser.add_argument(
        "--ci",
        choices=adopt.CI,
        default="github",
        help="GitHub Actions workflows or a .gitlab-ci.yml (default: github)",
    )
    parser.add_argument(
        "--install",
        default=adopt.INSTALL,
        metavar="REQUIREMENT",
        help=f"what CI installs with pip: a version or a Git URL (default: {adopt.INSTALL})",
    )
    parser.add_argument(
        "--hook-repo",
        default=adopt.HOOK_REPO,
        metavar="URL",
        help=f"the Git repository of the pre-commit hook (default: {adopt.HOOK_REPO})",
    )
    parser.add_argument(
        "--hook-rev",
        default=adopt.HOOK_REV,
        metavar="REV",
        help=f"the hook repository's tag or commit (default: {adopt.HOOK_REV})",
    )
    add_today(parser)


def run(args: argparse.Namespace) -> int:
    from sosgen.cli import today

    opts = adopt.Options(
        today=today(args),
        organization=args.organization,
        ci=args.ci,
        install=args.install,
        hook_repo=args.hook_repo,
        hook_rev=args.hook_rev,
    )
    folder: Path = args.folder if args.folder is not None else args.repo
    return init(folder, opts, out=sys.stdout)
