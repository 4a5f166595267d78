"""Rules on meetings: one ambassador per team, the timebox, missing updates, the cadence."""

from __future__ import annotations

from collections.abc import Iterator

from sosgen import model as m
from sosgen.cadence import meeting_days
from sosgen.diagnostics import Pos, Severity
from sosgen.rotation import current_stint
from sosgen.rules import FOLDER, RECORD, Context, Rule

Found = Iterator[tuple[Pos, str]]


def id_dates(ctx: Context) -> Found:
    for rec in ctx.records():
        day = rec.date.isoformat()
        # Positions cost more than the check: only those of wrong ids are looked up.
        defined: list[tuple[m.Located, str, str]] = [(a, a.id, "action") for a in rec.actions]
        defined += [(p, p.id, "parking-lot topic") for p in rec.parking_lot if p.topic]
        for obj, ident, kind in defined:
            if ident[2:12] != day:
                yield (
                    obj.at("id"),
                    (
                        f"{kind} id '{ident}' does not carry this meeting's date; "
                        f"name it {ident[:2]}{day}-<n>"
                    ),
                )


def too_many_attendees(ctx: Context) -> Found:
    limit = len(ctx.org.teams) + 1
    for rec in ctx.records():
        if len(rec.attendees) > limit:
            yield (
                rec.at("attendees"),
                (
                    f"{len(rec.attendees)} attendees for {len(ctx.org.teams)} teams: "
                    "one ambassador per team plus the facilitator keeps the meeting short; "
                    "others can read the minutes"
                ),
            )


def estimate_minutes(meeting: m.Meeting, cadence: m.Cadence) -> int:
    """A rough agenda length: a minute per update, plus `minutes_per_item` for every
    blocker, heads-up, reviewed action and new action."""
    items = sum(len(u.blockers) + len(u.heads_up) for u in meeting.updates.values())
    if meeting.record is not None:
        items += len(meeting.record.review) + len(meeting.record.actions)
    return len(meeting.updates) + items * cadence.minutes_per_item


def over_timebox(ctx: Context) -> Found:
    box = ctx.org.cadence.timebox_minutes
    for meeting in ctx.repo.meetings:
        minutes = estimate_minutes(meeting, ctx.org.cadence)
        if minutes > box and meeting.record is not None:
            yield (
                meeting.record.pos,
                (
                    f"estimated agenda is {minutes} minutes, over the {box}-minute timebox; "
                    "move long discussions to the parking lot"
                ),
            )


def missing_update(ctx: Context) -> Found:
    for meeting in ctx.repo.meetings:
        if meeting.date >= ctx.today:
            continue
        for team in ctx.org.teams:
            if team.id not in meeting.update_files and current_stint(team, meeting.date):
                pos = meeting.record.pos if meeting.record else Pos(meeting.path)
                yield (
                    pos,
                    (
                        f"no update from {team.id} for the meeting of {meeting.date}; "
                        f"add {meeting.path}/{team.id}.yaml (or `none` answers)"
                    ),
                )


def skipped_meeting(ctx: Context) -> Found:
    if len(ctx.repo.meetings) < 2:
        return
    held = {meeting.date for meeting in ctx.repo.meetings}
    first, last = ctx.repo.meetings[0].date, ctx.repo.meetings[-1].date
    for day in meeting_days(ctx.org.cadence, first, last):
        if day not in held:
            following = next(mt for mt in ctx.repo.meetings if mt.date > day)
            pos = following.record.pos if following.record else Pos(following.path)
            yield (
                pos,
                (
                    f"no meeting on {day} ({day:%a}), a day of the cadence; coordination "
                    "gaps let dependencies slip"
                ),
            )


E, W = Severity.ERROR, Severity.WARNING
RULES = (
    Rule(
        "id-date",
        E,
        "an action or parking-lot id that does not carry its meeting's date",
        id_dates,
        (RECORD,),
    ),
    Rule(
        "too-many-attendees",
        W,
        "more attendees than one per team plus the facilitator",
        too_many_attendees,
        (RECORD,),
    ),
    Rule(
        "over-timebox",
        W,
        "the estimated agenda is longer than the timebox",
        over_timebox,
        (RECORD,),
    ),
    Rule(
        "missing-update",
        W,
        "a team without an update for a past meeting",
        missing_update,
        (RECORD, FOLDER),
    ),
    Rule(
        "skipped-meeting",
        W,
        "a day of the cadence with no meeting between the first and the last",
        skipped_meeting,
        (RECORD, FOLDER),
    ),
)
