"""The command line: parse arguments, call one function per command, turn errors into exit codes.

Each command lives in `sosgen/commands/<name>.py` with `add_arguments(parser)` and
`run(args) -> int`. Only the module of the command being run is imported, so
`sosgen check FILE` starts fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from sosgen import __version__
from sosgen.errors import SosgenError, UsageError

# name -> (module under sosgen.commands, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("check", "validate every file; exit 1 on errors"),
    "new-meeting": ("new_meeting", "open the next meeting, carrying open action items over"),
    "update": ("update", "write an ambassador's update skeleton for a team"),
    "rotation": ("rotation", "print who is ambassador of each team, since when"),
    "build": ("build", "build the static site: agenda, minutes, board, briefing, feeds"),
    "briefing": ("briefing", "print the stakeholder briefing (text or Markdown)"),
    "codeowners": ("codeowners", "write CODEOWNERS from teams.yaml: each team owns its updates"),
    "init": ("init", "scaffold a new organisation's repository that `check` accepts at once"),
    "serve": ("serve", "build, serve on localhost and rebuild on every change"),
    "summary": ("summary", "print a pull request's summary: new blockers, escalations, gaps"),
    "suggest": ("suggest", "suggest missing dependencies from the text and code history"),
    "risk": ("risk", "rank open dependencies by a risk score with its reasons; --backtest"),
}


def parse_date(text: str) -> dt.date:
    """argparse type for ISO dates."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def positive_int(text: str) -> int:
    """argparse type for a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' must be at least 1")
    return value


def today(args: argparse.Namespace) -> dt.date:
    """`--today` if given, else the clock: the one place sosgen reads it."""
    given: dt.date | None = getattr(args, "today", None)
    return given if given is not None else dt.date.today()


def add_today(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--today",
        type=parse_date,
        metavar="DATE",
        help="the date for date-dependent results (default: today)",
    )


def add_no_cache(parser: argparse.ArgumentParser, meaning: str = "parse every file") -> None:
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help=f"neither read nor write the cache in .sosgen-cache/ ({meaning})",
    )


def _parser(chosen: str | None) -> argparse.ArgumentParser:
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
    for name, (module, summary) in COMMANDS.items():
        if name == chosen:
            command = importlib.import_module(f"sosgen.commands.{module}")
            doc = (command.__doc__ or summary).strip()
            child = sub.add_parser(name, help=summary, description=doc)
            command.add_arguments(child)
        else:
            sub.add_parser(name, help=summary, add_help=False)
    return parser


def _chosen(argv: Sequence[str]) -> str | None:
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("-C", "--repo"):
            skip = True
        elif not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        args = _parser(_chosen(args_list)).parse_args(args_list)
    except SystemExit as exc:  # argparse: --help, --version or a usage error
        return int(exc.code or 0)
    try:
        if not args.repo.is_dir():
            raise UsageError(f"{args.repo}: not a folder")
        module = importlib.import_module(f"sosgen.commands.{COMMANDS[args.command][0]}")
        code: int = module.run(args)
        return code
    except SosgenError as exc:
        print(f"sosgen: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:  # Ctrl-C: 128 + SIGINT, as a shell reports it
        return int(getattr(exc, "exit_code", 130))
    except BrokenPipeError:
        return 1


def run() -> NoReturn:
    """The program: `main`, then exit. Once the command is done (its files written and
    closed, its workers joined), tearing the interpreter down only frees memory the
    kernel frees anyway: a second at 450 meetings, measured. So the process ends at
    once when nothing else runs in it; otherwise (a thread or child process still
    alive) it exits the ordinary way, which waits for them."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed or broken pipe: let the ordinary exit report
        sys.exit(code)
    if threading.active_count() > 1 or _children():
        sys.exit(code)
    os._exit(code)


def _children() -> bool:
    """Whether a child process of `multiprocessing` (a pool's worker) is still alive."""
    multiprocessing = sys.modules.get("multiprocessing")
    return multiprocessing is not None and bool(multiprocessing.active_children())
