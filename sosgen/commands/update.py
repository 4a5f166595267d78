"""Write an ambassador's skeleton: meetings/DATE/TEAM.yaml with the scheduled ambassador
filled in, the four questions left empty (`check` rejects them until answered) and the
team's blockers still open last time offered as commented lines. DATE defaults to the
next meeting: the earliest meeting folder from today on, else the next cadence day.
Never overwrites. Reads teams.yaml, dependencies.yaml and the team's own updates,
through the parse cache in .sosgen-cache/ if the repository has one."""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import sys
from pathlib import Path
from typing import TextIO

from sosgen import plan_meeting as plan
from sosgen import repo as r
from sosgen.commands._create import Outcome, create, load, refuse_on_errors, require_org
from sosgen.errors import UsageError
from sosgen.skeleton import update_text


def update(
    root: Path,
    team: str,
    *,
    day: dt.date | None,
    today: dt.date,
    dry_run: bool,
    out: TextIO,
    err: TextIO,
    cache: bool = True,
) -> int:
    # Only this team's updates are read (no meeting record: the skeleton needs none), and
    # only teams.yaml must be sound: another team's broken file must not stop an
    # ambassador from starting theirs.
    repo, problems = load(
        root,
        cache=cache,
        parse_update=lambda relpath: relpath.endswith(f"/{team}.yaml"),
        parse_records=False,
    )
    refuse_on_errors([d for d in problems if d.pos.path == r.TEAMS], "writing an update")
    org = require_org(repo)
    found = org.team(team)
    if found is None:
        known = [t.id for t in org.teams]
        close = difflib.get_close_matches(team, known, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"teams: {', '.join(known)}"
        raise UsageError(f"unknown team '{team}'; {hint}")
    day = day or plan.upcoming_meeting_day(org, repo, today)
    document, blockers = plan.plan_update(repo, team, day)
    last = plan.last_update(repo, team, day)
    text = update_text(
        document, team=team, day=day, blockers=blockers, since=last.meeting if last else None
    )
    relpath = f"{r.MEETINGS}/{day}/{team}.yaml"
    outcome = create(
        root, relpath, text, dry_run=dry_run, hint="edit it, or delete it to start again"
    )
    if outcome is Outcome.UP_TO_DATE:
        out.write(f"{relpath} already exists and is up to date; nothing to do\n")
        return 1  # nothing was written: a script must not take this run for a new file
    if outcome is Outcome.DRY_RUN:
        out.write(f"would create {relpath} (dry run, nothing written):\n{text}\n")
    else:
        out.write(f"created {relpath}\n")
    who = document["ambassador"]
    if who is None:
        err.write(
            f"sosgen: warning: the rotation of {team} in teams.yaml has no ambassador on "
            f"{day}; fill in `ambassador:`\n"
        )
    else:
        out.write(f"ambassador: {who} (the rotation's for {team} on {day})\n")
    if blockers and last is not None:
        out.write(
            f"offered {len(blockers)} blocker{'s' * (len(blockers) != 1)} still open in the "
            f"update of {last.meeting} as comments: uncomment the ones that still block you\n"
        )
    if not dry_run:
        out.write(f"answer the four questions, then run: sosgen check {relpath}\n")
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from sosgen.cli import add_no_cache, add_today, parse_date

    parser.add_argument("team", metavar="TEAM", help="the team id, as in teams.yaml")
    parser.add_argument(
        "--meeting",
        type=parse_date,
        metavar="DATE",
        help="the meeting's date (default: the next meeting)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print what would be written; write nothing"
    )
    add_no_cache(parser)
    add_today(parser)


def run(args: argparse.Namespace) -> int:
    from sosgen.cli import today

    return update(
        args.repo,
        args.team,
        day=args.meeting,
        today=today(args),
        dry_run=args.dry_run,
        out=sys.stdout,
        err=sys.stderr,
        cache=not args.no_cache,
    )
