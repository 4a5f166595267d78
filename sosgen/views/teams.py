"""A team's page: its updates over time, its ambassador rotation, the dependencies it
waits on and those waiting on it, and its open action items."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sosgen import model as m
from sosgen.actions import ActionState
from sosgen.rotation import sprints_served
from sosgen.views.board import DepRow, rows
from sosgen.views.history import review_order
from sosgen.views.plan import SiteData

RECENT = 3  # updates shown in full; the rest link to their minutes


@dataclass(frozen=True, slots=True)
class UpdateRow:
    date: dt.date
    update: m.Update | None  # None: expected, missing

    @property
    def counts(self) -> tuple[int, int, int, int]:
        u = self.update
        if u is None:
            return (0, 0, 0, 0)
        return (len(u.completed), len(u.next), len(u.blockers), len(u.heads_up))


@dataclass(frozen=True, slots=True)
class StintRow:
    person: str
    start: dt.date
    end: dt.date | None  # None: current
    sprints: float
    over_limit: bool


@dataclass(frozen=True, slots=True)
class TeamView:
    team: m.Team
    updates: tuple[UpdateRow, ...]  # newest first
    stints: tuple[StintRow, ...]  # newest first
    waits_on: tuple[DepRow, ...]
    waited_by: tuple[DepRow, ...]
    actions: tuple[ActionState, ...]
    sprint_limit: int

    @property
    def recent(self) -> tuple[UpdateRow, ...]:
        return tuple(row for row in self.updates if row.update is not None)[:RECENT]

    @property
    def missing(self) -> int:
        return sum(1 for row in self.updates if row.update is None)


def _dep_order(row: DepRow) -> tuple[object, ...]:
    return (0 if row.dep.is_open else 1, row.level.rank, row.dep.needed_by, row.dep.id)


def team_view(data: SiteData, team: m.Team) -> TeamView:
    today = data.today
    updates = []
    upcoming = data.next_meeting_date()
    for meeting in reversed(data.meetings):
        update = meeting.updates.get(team.id)
        if update is not None:
            updates.append(UpdateRow(meeting.date, update))
        elif meeting.date < upcoming and team.id in data.expected(meeting):
            updates.append(UpdateRow(meeting.date, None))
    limit = data.org.checks.ambassador_max_sprints
    stints = []
    rotation = data.rotations(team)
    for stint in reversed(team.ambassadors):
        end = rotation.end(stint)
        served = sprints_served(stint, min(end or today, today), data.org.cadence)
        stints.append(StintRow(stint.person, stint.start, end, served, served > limit))
    deps = data.repo.dependencies
    members = set(team.members)
    actions = [
        s
        for s in data.actions.values()
        if s.is_open
        and (s.action.team == team.id or (not s.action.team and s.action.owner in members))
    ]
    return TeamView(
        team=team,
        updates=tuple(updates),
        stints=tuple(stints),
        waits_on=tuple(sorted(rows(data, (d for d in deps if d.team == team.id)), key=_dep_order)),
        waited_by=tuple(
            sorted(rows(data, (d for d in deps if d.depends_on == team.id)), key=_dep_order)
        ),
        actions=tuple(sorted(actions, key=review_order)),
        sprint_limit=limit,
    )
