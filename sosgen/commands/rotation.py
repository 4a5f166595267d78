"""Print the ambassador rotation on a date (default: today): for each team, who is the
ambassador, since when, how many meetings they have served and for how many sprints;
a team whose ambassador has served more than `checks.ambassador_max_sprints` is
marked for rotation. Reads teams.yaml and the list of meetings, through the parse cache
in .sosgen-cache/ if the repository has one."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TextIO

from sosgen import model as m
from sosgen import repo as r
from sosgen.commands._create import load, refuse_on_errors, require_org
from sosgen.rotation import current_stint, sprints_served

HEADINGS = ("team", "ambassador", "since", "meetings served", "sprints", "")


def rotation_rows(repo: m.Repository, day: dt.date) -> list[tuple[str, ...]]:
    org = require_org(repo)
    rows: list[tuple[str, ...]] = []
    for team in org.teams:
        stint = current_stint(team, day)
        if stint is None:
            first = min((s.start for s in team.ambassadors), default=None)
            note = f"rotation starts {first}" if first else "no ambassador"
            rows.append((team.id, "-", "-", "-", "-", note))
            continue
        served = sum(1 for mt in repo.meetings if stint.start <= mt.date <= day)
        sprints = sprints_served(stint, day, org.cadence)
        limit = org.checks.ambassador_max_sprints
        note = f"rotate: more than {limit} sprints" if sprints > limit else ""
        rows.append((team.id, stint.person, str(stint.start), str(served), f"{sprints:.1f}", note))
    return rows


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in [HEADINGS, *rows]) for i in range(len(HEADINGS))]
    return "".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() + "\n"
        for row in [HEADINGS, *rows]
    )


def rotation(root: Path, *, day: dt.date, out: TextIO, cache: bool = True) -> int:
    # The table needs teams.yaml and the meetings' dates: no update, no meeting record.
    repo, problems = load(
        root, cache=cache, parse_update=lambda relpath: False, parse_records=False
    )
    refuse_on_errors([d for d in problems if d.pos.path == r.TEAMS], "printing the rotation")
    out.write(f"ambassadors on {day}:\n")
    out.write(table(rotation_rows(repo, day)))
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from sosgen.cli import add_no_cache, add_today

    add_no_cache(parser)
    add_today(parser)


def run(args: argparse.Namespace) -> int:
    from sosgen.cli import today

    return rotation(args.repo, day=today(args), out=sys.stdout, cache=not args.no_cache)
