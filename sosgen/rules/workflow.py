"""Rules on the Git workflow: a generated CODEOWNERS that still matches teams.yaml, and
(with `check --author --changed`) a pull request that changes another team's update.

`codeowners-drift` is an error: it depends only on what is in the repository, and a
CODEOWNERS that disagrees with teams.yaml silently asks the wrong people to review
(a new member cannot approve their own team's update; a member who left still can).
One command fixes it. It looks only at files that carry sosgen's generated marker: a
hand-written CODEOWNERS is the organisation's own business.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from sosgen import model as m
from sosgen.diagnostics import Pos, Severity
from sosgen.rotation import scheduled_ambassador
from sosgen.rules import OTHER, RECORD, UPDATE, Context, Rule

Found = Iterator[tuple[Pos, str]]

_MEETING_FILE = re.compile(r"meetings/([0-9]{4}-[0-9]{2}-[0-9]{2})/([a-z0-9_][a-z0-9-]*)\.yaml\Z")


def codeowners_drift(ctx: Context) -> Found:
    from sosgen import codeowners as co  # not imported by `check` of a meeting's files

    for found in ctx.codeowners:
        if not found.generated:
            continue
        fmt = found.format
        wanted = co.render(ctx.org, fmt=fmt, path=found.path)
        if found.text == wanted:
            continue
        line, was, now = co.first_difference(found.text, wanted)
        command = "sosgen codeowners" + (" --format gitlab" if fmt == "gitlab" else "")
        if found.path != co.LOCATIONS[fmt][0]:
            command += f" --output {found.path}"
        if was is None:
            where = f"it ends before line {line}, {now!r}"
        elif now is None:
            where = f"line {line}, {was!r}, is not in what teams.yaml gives"
        else:
            where = f"line {line} is {was!r} where teams.yaml gives {now!r}"
        yield (
            Pos(found.path, line),
            (
                f"{found.path} no longer matches teams.yaml ({where}); "
                f"run `{command}` and commit the result"
            ),
        )


def _author(org: m.Org, handle: str) -> m.Person | None:
    wanted = handle.lstrip("@").lower()
    for person in org.people.values():
        if person.id == wanted or (person.github and person.github.lstrip("@").lower() == wanted):
            return person
    return None


def update_author(ctx: Context) -> Found:
    change = ctx.change
    if change is None:
        return
    touched = [
        (path, match.group(1), match.group(2))
        for path in change.paths
        if (match := _MEETING_FILE.match(path)) is not None
    ]
    if not touched:
        return
    person = _author(ctx.org, change.author)
    who = "@" + change.author.lstrip("@")
    if person is None:
        path = touched[0][0]
        yield (
            Pos(path),
            (
                f"the author {who} is not a person in teams.yaml (by id or `github:`), so "
                "sosgen cannot tell whose update this is; add them under `people:` with "
                "their handle, or have the team's ambassador review the change"
            ),
        )
        return
    for path, day, name in touched:
        if name == "_meeting":
            if person.id != ctx.org.facilitator:
                yield (
                    Pos(path),
                    (
                        f"{who} ({person.name}) changes the meeting record, which the "
                        f"facilitator ({ctx.org.facilitator}) keeps; ask them to review it"
                    ),
                )
            continue
        team = ctx.teams.get(name)
        if team is not None and person.id not in team.members:
            ambassador = _ambassador(team, day)
            ask = f"ask {ambassador}, its ambassador, to review it" if ambassador else "ask them"
            yield (
                Pos(path),
                (
                    f"{who} ({person.name}) is not a member of {team.name} but changes its "
                    f"update; each team writes its own update: {ask}"
                ),
            )


def _ambassador(team: m.Team, day: str) -> str:
    try:
        return scheduled_ambassador(team, dt.date.fromisoformat(day)) or ""
    except ValueError:  # not a real date: the layout rule says so
        return ""


RULES = (
    Rule(
        "codeowners-drift",
        Severity.ERROR,
        "a generated CODEOWNERS that no longer matches teams.yaml",
        codeowners_drift,
        (OTHER,),
    ),
    Rule(
        "update-author",
        Severity.WARNING,
        "a pull request changes another team's update (`check --author ... --changed ...`)",
        update_author,
        (UPDATE, RECORD),
    ),
)
