"""The command line: parse arguments, call one function per command, turn errors into exit codes.

Command modules are imported only when their command runs, so `sosgen check FILE`
starts fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sosgen import __version__
from sosgen.errors import SosgenError, UsageError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sosgen",
        description="Run a scrum of scrums from a Git repository of YAML updates.",
    )
    parser.add_argument("--version", action="version", version=f"sosgen {__version__}")
    parser.add_argument(
        "-C",
        "--repo",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the data repository (default: the current folder)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    check = sub.add_parser(
        "check",
        help="validate every file; exit 1 on errors",
        description="Validate the repository, or PATHs against the rest of "
        "it. Prints path:line:col: severity: message [rule].",
    )
    check.add_argument("paths", nargs="*", metavar="PATH", help="files to check (default: all)")
    check.add_argument("--strict", action="store_true", help="warnings fail too")
    check.add_argument(
        "--format",
        choices=("text", "github", "json"),
        default="text",
        help="output format (default: text)",
    )
    check.add_argument(
        "--today",
        type=_date,
        metavar="DATE",
        help="the date for date-dependent warnings (default: today)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help, --version or a usage error
        return int(exc.code or 0)
    try:
        return _run(args)
    except SosgenError as exc:
        print(f"sosgen: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 1


def _today(args: argparse.Namespace) -> dt.date:
    today: dt.date | None = getattr(args, "today", None)
    if today is not None:
        return today
    epoch = os.environ.get("SOSGEN_TODAY")
    return dt.date.fromisoformat(epoch) if epoch else dt.date.today()


def _run(args: argparse.Namespace) -> int:
    root: Path = args.repo
    if not root.is_dir():
        raise UsageError(f"{root}: not a folder")
    if args.command == "check":
        from sosgen.commands.check import check

        return check(
            root,
            today=_today(args),
            paths=args.paths,
            strict=args.strict,
            fmt=args.format,
            out=sys.stdout,
        )
    raise UsageError(f"unknown command {args.command}")  # pragma: no cover
