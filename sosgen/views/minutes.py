"""The minutes of one meeting: each team's four answers (or the missing update), who
attended, the action items raised, reviewed and closed, decisions and the parking lot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sosgen import model as m
from sosgen.actions import ActionState, TopicState
from sosgen.health import MeetingHealth
from sosgen.views.history import ReviewLine
from sosgen.views.memo import Part, no_memo
from sosgen.views.plan import SiteData


@dataclass(frozen=True, slots=True)
class TeamSection:
    team: m.Team
    update: m.Update | None
    expected: bool
    scheduled: str | None  # the ambassador the rotation expects

    @property
    def missing(self) -> bool:
        return self.update is None and self.expected


@dataclass(frozen=True, slots=True)
class ParkingLine:
    entry: m.ParkingEntry
    topic: TopicState | None  # the topic it defines or moves


@dataclass(frozen=True, slots=True)
class MinutesView:
    meeting: m.Meeting
    upcoming: bool  # not held yet: the updates filed so far
    sections: tuple[TeamSection, ...]
    raised: tuple[ActionState, ...]
    reviewed: tuple[ReviewLine, ...]
    decisions: tuple[m.Decision, ...]
    parking: tuple[ParkingLine, ...]
    health: MeetingHealth | None
    previous: dt.date | None
    next: dt.date | None

    @property
    def date(self) -> dt.date:
        return self.meeting.date

    @property
    def record(self) -> m.MeetingRecord | None:
        return self.meeting.record

    @property
    def closed(self) -> tuple[ReviewLine, ...]:
        return tuple(line for line in self.reviewed if line.closed_here)

    @property
    def missing(self) -> tuple[TeamSection, ...]:
        return tuple(s for s in self.sections if s.missing)


def minutes(
    data: SiteData,
    index: int,
    *,
    reviews: Mapping[dt.date, tuple[ReviewLine, ...]],
    raised: Mapping[dt.date, tuple[ActionState, ...]],
    health: Mapping[dt.date, MeetingHealth],
    part: Part = no_memo,
) -> MinutesView:
    meetings = data.meetings
    meeting = meetings[index]
    record = meeting.record
    # Its inputs: the teams and their rotations (teams.yaml, the memo's context), the
    # updates, and who the facilitator expected (the record).
    sections = part(
        "sections",
        meeting.date,
        (record, meeting.updates),
        lambda: _sections(data, meeting),
    )
    return MinutesView(
        meeting=meeting,
        upcoming=meeting.date >= data.next_meeting_date(),
        sections=sections,
        raised=raised.get(meeting.date, ()),
        reviewed=reviews.get(meeting.date, ()),
        decisions=record.decisions if record else (),
        parking=tuple(
            ParkingLine(entry, data.parking.get(entry.id))
            for entry in (record.parking_lot if record else ())
        ),
        health=health.get(meeting.date),
        previous=meetings[index - 1].date if index > 0 else None,
        next=meetings[index + 1].date if index + 1 < len(meetings) else None,
    )


def _sections(data: SiteData, meeting: m.Meeting) -> tuple[TeamSection, ...]:
    expected = set(data.expected(meeting))
    return tuple(
        TeamSection(
            team=team,
            update=meeting.updates.get(team.id),
            expected=team.id in expected,
            scheduled=stint.person if stint else None,
        )
        for team, stint in zip(data.org.teams, data.stints(meeting.date), strict=True)
        if team.id in expected or team.id in meeting.updates
    )
