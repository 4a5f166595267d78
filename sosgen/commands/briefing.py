"""Print the stakeholder briefing, for chat or e-mail: escalations, dependencies at
risk or late and why, decisions, heads-ups and the meeting's health. The same facts
as the site's briefing page."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TextIO

from sosgen.commands.build import load
from sosgen.errors import UsageError
from sosgen.render import Renderer
from sosgen.views.briefing import BriefingView, briefing, meeting_briefing
from sosgen.views.history import review_lines

TEMPLATES = {"text": "briefing.txt", "markdown": "briefing.md"}


def briefing_text(
    root: Path, *, today: dt.date, fmt: str, meeting: dt.date | None, err: TextIO
) -> str:
    data = load(root, today=today, err=err)
    reviews = review_lines(data.actions, escalate_after=data.org.checks.escalate_after_meetings)
    view: BriefingView
    if meeting is None:
        view = briefing(data, reviews)
    else:
        found = data.meeting(meeting)
        if found is None:
            raise UsageError(f"no meeting on {meeting}: meetings/{meeting}/ does not exist")
        health = {h.date: h for h in data.health}
        view = meeting_briefing(data, found, reviews, health)
    text = Renderer(root).render(TEMPLATES[fmt], {"view": view, "data": data})
    return text.strip() + "\n"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from sosgen.cli import add_today, parse_date

    parser.add_argument(
        "--format",
        choices=tuple(TEMPLATES),
        default="text",
        help="plain text (default) or Markdown for chat",
    )
    parser.add_argument(
        "--meeting",
        type=parse_date,
        metavar="DATE",
        help="the briefing of one meeting (default: as of now)",
    )
    add_today(parser)


def run(args: argparse.Namespace) -> int:
    from sosgen.cli import today

    text = briefing_text(
        args.repo, today=today(args), fmt=args.format, meeting=args.meeting, err=sys.stderr
    )
    sys.stdout.write(text)
    return 0
