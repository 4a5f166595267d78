"""Suggest cross-team dependencies nobody has put on the board, each with its evidence:
from the updates' text (undeclared mentions, restated blockers, silent providers) and,
with --code-repo, from a product repository's git history (teams whose code changes
together, contract files changed by another team). Nothing is changed: confirm a
suggestion by adding the dependency to dependencies.yaml, or dismiss it there under
`dismissed:`. Exit 0, or 2 on a usage error."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from sosgen import model as m
from sosgen import repo as r
from sosgen.errors import SosgenError, UsageError
from sosgen.intel import (
    Kind,
    Status,
    Suggestion,
    gitlog,
    load_saved_suggestions,
    owners,
    text_suggestions,
)
from sosgen.intel.cochange import Thresholds, attribute, code_suggestions
from sosgen.intel.suggestion import ordered
from sosgen.intel.suggestions_file import FILE, Source, render, save

SHOWN_EVIDENCE = 10  # per suggestion in text output; JSON has all


def load(root: Path) -> m.Repository:
    repo, _, _ = r.load_repository(root)
    if repo.org is None:
        raise SosgenError("teams.yaml could not be read; run `sosgen check`")
    return repo


def ownership_for(repo: m.Repository, code_repo: Path, codeowners: Path | None) -> owners.Ownership:
    """--codeowners if given, else the teams' `owns` globs, else the product
    repository's own CODEOWNERS (at HEAD)."""
    assert repo.org is not None
    if codeowners is not None:
        try:
            text = codeowners.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"{codeowners}: cannot read it ({exc.strerror})") from None
        return owners.parse_codeowners(text, repo.org, source=str(codeowners))
    if any(t.owns for t in repo.org.teams):
        return owners.from_owns(repo.org.teams)
    for place in owners.CODEOWNERS_PLACES:
        found = gitlog.show(code_repo, place)
        if found is not None:
            return owners.parse_codeowners(found, repo.org, source=place)
    raise UsageError(
        "no team has `owns:` globs in teams.yaml and the code repository has no "
        "CODEOWNERS; add `owns:` or pass --codeowners FILE"
    )


def code_history(
    repo: m.Repository, args: argparse.Namespace
) -> tuple[list[Suggestion], Source, Thresholds]:
    code_repo: Path = args.code_repo
    gitlog.check_repository(code_repo)
    ownership = ownership_for(repo, code_repo, args.codeowners)
    thresholds = Thresholds(args.min_changes, args.min_shared, args.min_coupling, args.max_files)
    changes = gitlog.read_changes(code_repo, since=args.since)
    attributed = attribute(changes, ownership, max_files=thresholds.max_files)
    source = Source(
        repository=code_repo.resolve().name,
        head=gitlog.head(code_repo),
        since=args.since,
        ownership=ownership.source,
        changes=len(changes),
        skipped=attributed.skipped,
    )
    return code_suggestions(repo, changes, ownership, thresholds), source, thresholds


def _quote(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _evidence_line(e: Suggestion, index: int) -> str:
    ev = e.evidence[index]
    when = f" ({ev.date})" if ev.date else ""
    if ev.commit:
        where = f"{ev.where}{when}"
        path = f" {ev.path}" if ev.path else ""
        return f"    - {where}{path}: {_quote(ev.text)}"
    inside = f' in "{_quote(ev.context)}"' if ev.context and ev.context != ev.text else ""
    return f'    - {ev.where}{when}: "{_quote(ev.text)}"{inside}'


def report_text(
    text: Sequence[Suggestion], code: Sequence[Suggestion], source: Source | None, out: TextIO
) -> None:
    every = [*text, *code]
    if not every:
        print(
            "No suggestions: nothing in the text or code history points at a missing dependency.",
            file=out,
        )
    for s in every:
        figures = f", {s.support} shared changes, coupling {s.coupling}%" if s.support else ""
        teams = (" + " if s.kind is Kind.COCHANGE else " -> ").join(s.teams)
        print(f"{s.kind.value}: {teams} [{s.status.value}{figures}]", file=out)
        note = f"; {s.note}" if s.note else ""
        print(f"  {s.message}{note}", file=out)
        for i in range(min(len(s.evidence), SHOWN_EVIDENCE)):
            print(_evidence_line(s, i), file=out)
        if len(s.evidence) > SHOWN_EVIDENCE:
            print(f"    ... and {len(s.evidence) - SHOWN_EVIDENCE} more", file=out)
        print(file=out)
    new = sum(s.status is Status.NEW for s in every)
    origin = ""
    if source is not None:
        origin = (
            f"; code history: {source.changes} changes of {source.repository} "
            f"({source.skipped} too large, skipped), owners from {source.ownership}"
        )
    print(f"{len(every)} suggestions, {new} new{origin}", file=out)
    if every:
        print(
            "Confirm one by adding the dependency to dependencies.yaml; dismiss one there "
            "with `dismissed: [{teams: [a, b], reason: ...}]`.",
            file=out,
        )


def _json(s: Suggestion) -> dict[str, object]:
    return {
        "kind": s.kind.value,
        "teams": list(s.teams),
        "status": s.status.value,
        "message": s.message,
        "note": s.note,
        "support": s.support,
        "coupling": s.coupling,
        "changes": list(s.changes),
        "evidence": [
            {
                "text": e.text,
                "where": e.where,
                "path": e.path,
                "line": e.line,
                "column": e.column,
                "date": e.date.isoformat() if e.date else None,
                "commit": e.commit,
                "context": e.context,
                "team": e.team,
            }
            for e in s.evidence
        ],
    }


def report_json(
    text: Sequence[Suggestion], code: Sequence[Suggestion], source: Source | None, out: TextIO
) -> None:
    data = {
        "suggestions": [_json(s) for s in [*text, *code]],
        "source": None
        if source is None
        else {
            "repository": source.repository,
            "head": source.head,
            "since": source.since.isoformat() if source.since else None,
            "ownership": source.ownership,
            "changes": source.changes,
            "skipped": source.skipped,
        },
    }
    json.dump(data, out, indent=2, ensure_ascii=False)
    out.write("\n")


def suggest(args: argparse.Namespace, out: TextIO) -> int:
    root: Path = args.repo
    repo = load(root)
    text = text_suggestions(repo, include_dismissed=args.all)
    source = None
    if args.code_repo is not None:
        code, source, thresholds = code_history(repo, args)
        if args.save:
            saved = save(root, render(code, source=source, thresholds=thresholds))
            print(f"sosgen: wrote {len(code)} code suggestions to {saved}", file=sys.stderr)
    else:
        if args.save:
            raise UsageError("--save needs --code-repo: it saves the code-history suggestions")
        code = load_saved_suggestions(root, repo, include_dismissed=True)
    shown = ordered(code if args.all else [s for s in code if s.status is not Status.DISMISSED])
    if args.format == "json":
        report_json(text, shown, source, out)
    else:
        report_text(text, shown, source, out)
    return 0


def _percent(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"'{text}' is not a percentage from 0 to 100")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from sosgen.cli import parse_date, positive_int

    parser.add_argument(
        "--code-repo",
        type=Path,
        metavar="PATH",
        help="a product repository to read the git history of (merged pull requests)",
    )
    parser.add_argument(
        "--since", type=parse_date, metavar="DATE", help="only changes from DATE on"
    )
    parser.add_argument(
        "--codeowners",
        type=Path,
        metavar="FILE",
        help="map files to teams with this CODEOWNERS file (default: the teams' `owns` "
        "globs, else the code repository's CODEOWNERS)",
    )
    t = Thresholds()
    parser.add_argument(
        "--min-changes",
        type=positive_int,
        default=t.min_changes,
        metavar="N",
        help=f"changes each team needs before a pair counts (default: {t.min_changes})",
    )
    parser.add_argument(
        "--min-shared",
        type=positive_int,
        default=t.min_shared,
        metavar="N",
        help=f"changes the two teams share, at least (default: {t.min_shared})",
    )
    parser.add_argument(
        "--min-coupling",
        type=_percent,
        default=t.min_coupling,
        metavar="PCT",
        help="shared changes as a percentage of the two teams' average, at least "
        f"(default: {t.min_coupling})",
    )
    parser.add_argument(
        "--max-files",
        type=positive_int,
        default=t.max_files,
        metavar="N",
        help=f"skip changes touching more files than this (default: {t.max_files})",
    )
    parser.add_argument(
        "--save",
        action="store_true",
        help=f"write the code-history suggestions to {FILE} for the site",
    )
    parser.add_argument(
        "--all", action="store_true", help="also show suggestions dismissed in dependencies.yaml"
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )


def run(args: argparse.Namespace) -> int:
    return suggest(args, sys.stdout)
