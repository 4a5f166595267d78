"""Meeting-health figures, one row per meeting: is this still a scrum of scrums?

- coordination share: the items that name another team, of all items (the rest is
  status reporting);
- updates missing: the teams expected at the meeting that sent no update;
- action closure: of the action items reviewed at the meeting, the share closed;
- dependency lead time: the median days from raised to delivered, over every
  dependency delivered by then;
- rotation: the teams whose ambassador has served longer than
  `checks.ambassador_max_sprints`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import statistics
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sosgen import model as m
from sosgen.actions import CLOSED, ActionState
from sosgen.identity import ByObject
from sosgen.rotation import Rotation, Rotations, sprints_served


@dataclass(frozen=True, slots=True)
class MeetingHealth:
    date: dt.date
    expected: tuple[str, ...]  # team ids
    missing: tuple[str, ...]  # expected team ids without an update
    items: int
    coordination_items: int
    reviewed: int
    closed: int
    lead_time_days: float | None
    over_rotation: tuple[str, ...]  # team ids

    @property
    def coordination_share(self) -> float | None:
        return self.coordination_items / self.items if self.items else None

    @property
    def closure_rate(self) -> float | None:
        return self.closed / self.reviewed if self.reviewed else None


def expected_teams(
    org: m.Org, meeting: m.Meeting, rotation: Callable[[m.Team], Rotation] | None = None
) -> tuple[str, ...]:
    """The teams that owe an update: those with an ambassador in force on the day, and
    any the facilitator listed under `expected:`, in the order of teams.yaml. Asking
    for many meetings, pass the teams' `Rotations`, made once."""
    rotation = rotation or Rotations(org.teams)
    listed = meeting.record.expected if meeting.record else {}
    day = meeting.date
    return tuple(t.id for t in org.teams if t.id in listed or rotation(t).started(day))


def names_other_team(item: m.Item, team: str) -> bool:
    teams = item.teams
    return teams.count(team) != len(teams)  # some team in it is not `team`


def _reviews_by_meeting(actions: Mapping[str, ActionState]) -> dict[dt.date, tuple[int, int]]:
    reviewed: Counter[dt.date] = Counter()
    closed: Counter[dt.date] = Counter()
    for state in actions.values():
        for entry in state.reviews:
            if entry.status is not None:
                reviewed[entry.meeting] += 1
                if entry.status in CLOSED:
                    closed[entry.meeting] += 1
    return {day: (reviewed[day], closed[day]) for day in reviewed}


def _lead_times(deps: Sequence[m.Dependency]) -> list[tuple[dt.date, int]]:
    done = [
        (d.delivered, (d.delivered - d.raised).days)
        for d in deps
        if d.status == "delivered" and d.delivered is not None
    ]
    return sorted(done)


_COUNTS: ByObject[m.Update, tuple[int, int]] = ByObject()


def _counter(team: str) -> Callable[[m.Update], tuple[int, int]]:
    def count(update: m.Update) -> tuple[int, int]:
        """An update's items, and those that name a team other than `team`."""
        items = update.items()
        # `names_other_team` of each item, without a call per item (40,000 at 450 meetings).
        return len(items), sum(1 for item in items if item.teams.count(team) != len(item.teams))

    return count


def meeting_health(
    repo: m.Repository, org: m.Org, actions: Mapping[str, ActionState]
) -> tuple[MeetingHealth, ...]:
    """The figures of every meeting, in date order."""
    reviews = _reviews_by_meeting(actions)
    lead = _lead_times(repo.dependencies)
    lead_days = [d for d, _ in lead]
    limit = org.checks.ambassador_max_sprints
    rotation = Rotations(org.teams)
    in_order = [(team.id, rotation(team)) for team in org.teams]
    _COUNTS.begin()  # an unchanged update's counts are the ones counted last time
    rows = []
    for meeting in repo.meetings:
        expected = expected_teams(org, meeting, rotation)
        items = coordination = 0
        for team, update in meeting.updates.items():
            n, named = _COUNTS.get(update, team, _counter(team))
            items += n
            coordination += named
        upto = bisect.bisect_right(lead_days, meeting.date)
        median = statistics.median(days for _, days in lead[:upto]) if upto else None
        over = []
        for team_id, team_rotation in in_order:
            stint = team_rotation.stint(meeting.date)
            if stint is not None and sprints_served(stint, meeting.date, org.cadence) > limit:
                over.append(team_id)
        reviewed, closed = reviews.get(meeting.date, (0, 0))
        rows.append(
            MeetingHealth(
                date=meeting.date,
                expected=expected,
                missing=tuple(t for t in expected if t not in meeting.update_files),
                items=items,
                coordination_items=coordination,
                reviewed=reviewed,
                closed=closed,
                lead_time_days=float(median) if median is not None else None,
                over_rotation=tuple(over),
            )
        )
    return tuple(rows)
