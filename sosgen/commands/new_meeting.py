"""Open the next meeting: write meetings/DATE/_meeting.yaml with every open action item
under `review:` (status empty, oldest first, escalated ones marked), the open
parking-lot topics, the ambassador expected from each team and last meeting's
blockers and heads-ups to follow up. DATE defaults to the next day of the cadence
after the last meeting, or to the meeting already opened while it is still ahead.
Never overwrites; re-running changes nothing. Reads teams.yaml, dependencies.yaml,
every meeting record and the updates of the last meetings (no older update feeds the
plan), through the parse cache in .sosgen-cache/ if the repository has one."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TextIO

from sosgen import model as m
from sosgen import plan_meeting as plan
from sosgen import repo as r
from sosgen.commands._create import Outcome, create, load, refuse_on_errors, require_org
from sosgen.diagnostics import Diagnostic
from sosgen.errors import SosgenError
from sosgen.model import WEEKDAYS
from sosgen.rules import run_rules
from sosgen.skeleton import meeting_text


def new_meeting(
    root: Path,
    *,
    day: dt.date | None,
    today: dt.date,
    dry_run: bool,
    out: TextIO,
    cache: bool = True,
) -> int:
    repo, problems = _load(root, cache=cache)
    problems += run_rules(repo, today=today)
    if repo.org is None:
        refuse_on_errors(problems, "opening a meeting")
    org = require_org(repo)
    last = plan.last_recorded(repo)
    if day is None:
        pending = last is not None and _not_held(root, repo, org, last, today)
        day = last if pending and last is not None else plan.default_meeting_day(org, repo, today)
    refuse_on_errors([d for d in problems if _feeds(d, day)], "opening a meeting")
    if last is not None and day < last:
        raise SosgenError(
            f"{day} is before the last meeting ({last}); new-meeting opens the next meeting, "
            "it does not rewrite the past"
        )
    rollover = plan.rollover(repo, day=day)
    text = meeting_text(plan.meeting_document(org, rollover), day)
    relpath = f"{r.MEETINGS}/{day}/{r.RECORD}"
    outcome = create(
        root,
        relpath,
        text,
        dry_run=dry_run,
        hint="it differs from what new-meeting writes (edited since it was opened?): "
        "edit it by hand, or give a later DATE",
    )
    if outcome is Outcome.UP_TO_DATE:
        out.write(f"{relpath} already exists and is up to date; nothing to do\n")
        return 1  # nothing was written: a script must not take this run for a new file
    if outcome is Outcome.DRY_RUN:
        out.write(f"would create {relpath} (dry run, nothing written):\n{text}\n")
    else:
        out.write(f"created {relpath}\n")
    if day.weekday() not in org.cadence.days:
        days = ", ".join(WEEKDAYS[d] for d in org.cadence.days)
        out.write(f"note: {day} is a {day:%A}, not a day of the cadence ({days})\n")
    out.write(summary(rollover))
    return 0


def _load(root: Path, *, cache: bool) -> tuple[m.Repository, list[Diagnostic]]:
    """The repository as the plan reads it: teams.yaml, dependencies.yaml, every meeting
    record, and the updates from the meeting before the last recorded one on. Of the
    updates, the plan reads those of the last meeting before the day it opens, a day
    never before the last recorded meeting, and, to tell whether that meeting is still
    ahead (`_not_held`), those of the meeting before it. Older updates feed nothing (at
    450 meetings they are 94% of the files); their problems are `check`'s to report. If
    the records loaded disagree with the files listed (the last one did not load),
    every update is read."""
    meetings = r.scan(root).meetings
    recorded = [i for i, mf in enumerate(meetings) if mf.record is not None]
    if recorded:
        since = meetings[max(recorded[-1] - 1, 0)].date
        first = f"{r.MEETINGS}/{since}/"
        repo, problems = load(root, cache=cache, parse_update=lambda relpath: relpath >= first)
        last = plan.last_recorded(repo)
        before = [mt.date for mt in repo.meetings if last is not None and mt.date < last]
        if last is not None and (not before or before[-1] >= since):
            return repo, problems
    return load(root, cache=cache)


def _feeds(diagnostic: Diagnostic, day: dt.date) -> bool:
    """Whether the file of `diagnostic` feeds the plan of the meeting of `day`: everything
    read (`_load`) but the meetings from `day` on (updates drafted early, the meeting
    itself when re-run)."""
    parts = diagnostic.pos.path.split("/")
    if parts[0] != r.MEETINGS or len(parts) < 2:
        return True
    try:
        return dt.date.fromisoformat(parts[1]) < day
    except ValueError:
        return True


def _text(repo: m.Repository, org: m.Org, day: dt.date) -> str:
    return meeting_text(plan.meeting_document(org, plan.rollover(repo, day=day)), day)


def _not_held(root: Path, repo: m.Repository, org: m.Org, last: dt.date, today: dt.date) -> bool:
    """Whether the last opened meeting is still ahead: dated after today, or today and its
    file untouched since new-meeting wrote it. Then it, not the one after, is the default."""
    if last > today:
        return True
    if last < today:
        return False
    try:
        written = (root / r.MEETINGS / str(last) / r.RECORD).read_bytes()
    except OSError:
        return False
    return written == _text(repo, org, last).encode("utf-8")


def summary(plan_: plan.Rollover) -> str:
    lines = []
    carried = plan_.carried
    escalated = sum(s.escalated for s in carried)
    lines.append(
        f"review: {_count(len(carried), 'open action item')} carried, oldest first"
        + (f", {escalated} escalated" if escalated else "")
    )
    mark = "escalated  " if escalated else ""
    for s in carried:
        a = s.action
        age = (
            f"open after {_count(s.open_reviews, 'review')}"
            if s.open_reviews
            else "not reviewed yet"
        )
        lines.append(
            f"  {a.id}  {mark if s.escalated else ' ' * len(mark)}{a.owner}, due {a.due}: "
            f"{_one_line(a.text)} (raised {a.meeting}; {age})"
        )
    lines.append(f"parking lot: {_count(len(plan_.topics), 'open topic')}")
    for t in plan_.topics:
        teams = f" ({', '.join(t.teams)})" if t.teams else ""
        lines.append(f"  {t.id}  {_one_line(t.topic)}{teams}")
    lines.append(f"expected: {_count(len(plan_.expected), 'ambassador')}")
    width = max((len(team) for team in plan_.expected), default=0)
    lines += [f"  {team:<{width}}  {person}" for team, person in plan_.expected.items()]
    if plan_.previous is not None:
        blockers = sum(item.question == "blockers" for _, item in plan_.follow_up)
        heads_up = len(plan_.follow_up) - blockers
        lines.append(
            f"follow-up from {plan_.previous}: {_count(blockers, 'blocker')}, "
            f"{_count(heads_up, 'heads-up', 'heads-ups')}"
        )
    return "".join(f"{line}\n" for line in lines)


def _count(n: int, word: str, plural: str = "") -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 70 else line[:67] + "..."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from sosgen.cli import add_no_cache, add_today, parse_date

    parser.add_argument(
        "date",
        nargs="?",
        type=parse_date,
        metavar="DATE",
        help="the meeting's date (default: the next one; see above)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print what would be written; write nothing"
    )
    add_no_cache(parser)
    add_today(parser)


def run(args: argparse.Namespace) -> int:
    from sosgen.cli import today

    return new_meeting(
        args.repo,
        day=args.date,
        today=today(args),
        dry_run=args.dry_run,
        out=sys.stdout,
        cache=not args.no_cache,
    )
