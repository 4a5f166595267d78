"""Everything the pages share, derived once: the model plus action states, parking-lot
topics, the board's colours on the day of the build, and the health figures; and,
worked out the first time a page asks, the risk of every open dependency, the
suggested dependencies and the risk score's backtest (`sosgen.intel`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

from sosgen import model as m
from sosgen.actions import ActionState, TopicState, derive_actions, derive_parking
from sosgen.board import Assessment, Timeline, assess
from sosgen.cadence import next_meeting_day
from sosgen.errors import SosgenError
from sosgen.health import MeetingHealth, expected_teams, meeting_health
from sosgen.identity import Kept
from sosgen.intel import BacktestResult, Risk, Suggestion, backtest, rank, text_suggestions
from sosgen.rotation import Rotation, Rotations


class Names:
    """Names for ids, for anything that has the organisation and its teams by id: the
    site's data, and what templates see of it (`sosgen.site.SiteGlobals`)."""

    __slots__ = ()
    org: m.Org
    teams: Mapping[str, m.Team]

    def person_name(self, person: str) -> str:
        found = self.org.people.get(person)
        return found.name if found else person

    def team_name(self, team: str) -> str:
        found = self.teams.get(team)
        return found.name if found else team

    def cluster_name(self, cluster: str) -> str:
        found = self.org.clusters.get(cluster)
        return found.name if found else cluster


@dataclass(frozen=True, repr=False)
class SiteData(Names):
    repo: m.Repository
    org: m.Org
    today: dt.date
    actions: Mapping[str, ActionState]
    parking: Mapping[str, TopicState]
    assessments: Mapping[str, Assessment]  # every dependency, on `today`
    health: tuple[MeetingHealth, ...]
    teams: Mapping[str, m.Team] = field(default_factory=dict)
    saved_suggestions: tuple[Suggestion, ...] = ()  # suggestions.yaml, read by the loader

    @property
    def meetings(self) -> tuple[m.Meeting, ...]:
        return self.repo.meetings

    def next_meeting_date(self) -> dt.date:
        return self._next_meeting_date

    @cached_property
    def _next_meeting_date(self) -> dt.date:
        """The first meeting folder dated today or later, else the first cadence day on or
        after today that follows the last meeting."""
        upcoming = [mt.date for mt in self.repo.meetings if mt.date >= self.today]
        if upcoming:
            return min(upcoming)
        last = max([self.today - dt.timedelta(days=1), *(mt.date for mt in self.repo.meetings)])
        return next_meeting_day(self.org.cadence, last)

    def latest_held(self) -> m.Meeting | None:
        """The last meeting before the next one: the latest minutes."""
        day = self.next_meeting_date()
        held = [mt for mt in self.repo.meetings if mt.date < day]
        return held[-1] if held else None

    def meeting(self, day: dt.date) -> m.Meeting | None:
        return next((mt for mt in self.repo.meetings if mt.date == day), None)

    def expected(self, meeting: m.Meeting) -> tuple[str, ...]:
        """`health.expected_teams` of one of the meetings: its health row worked it out."""
        found = self._expected.get(meeting.date)
        return found if found is not None else expected_teams(self.org, meeting, self.rotations)

    @cached_property
    def _expected(self) -> Mapping[dt.date, tuple[str, ...]]:
        return {h.date: h.expected for h in self.health}

    def stints(self, day: dt.date) -> tuple[m.Stint | None, ...]:
        """Each team's rotation entry in force on `day`, in the order of teams.yaml:
        the minutes and the briefing of every meeting ask for all of them."""
        return tuple(rotation.stint(day) for rotation in self._rotations_in_order)

    @cached_property
    def _rotations_in_order(self) -> tuple[Rotation, ...]:
        return tuple(map(self.rotations, self.org.teams))

    @cached_property
    def rotations(self) -> Rotations:
        """Every team's ambassador rotation, indexed once for the per-meeting pages."""
        return Rotations(self.org.teams)

    @cached_property
    def timeline(self) -> Timeline:
        """The dependencies as they stood on any day, for the per-meeting pages."""
        return Timeline(self.repo.dependencies)

    @cached_property
    def risks(self) -> Mapping[str, Risk]:
        """The risk of every dependency open on `today`, by id."""
        return {dep.id: risk for dep, risk in rank(self.repo, self.today)}

    @cached_property
    def suggestions(self) -> tuple[Suggestion, ...]:
        """Suggested dependencies, dismissed ones left out: from the updates' text,
        then the code-history ones saved in suggestions.yaml."""
        return (*text_suggestions(self.repo), *self.saved_suggestions)

    @cached_property
    def backtest(self) -> BacktestResult:
        """How well the risk score would have ranked this repository's past, until
        `today`. A replay of the whole history: only the overall briefing asks. Of
        the meetings it reads the dates and updates of those held by `today`, no later
        one (those add no case and cite no blocker before `today`), so a preview that
        gains a meeting after `today` hands back the one it worked out before. The
        key holds the update objects themselves, which the preview holds anyway, not
        a copy of the meetings."""
        held = tuple(
            x
            for mt in self.repo.meetings
            if mt.date <= self.today
            for x in (mt.date, *mt.updates.values())
        )
        inputs = (held, self.repo.dependencies, self.org, self.today)
        return _BACKTEST.get(inputs, lambda: backtest(self.repo, until=self.today))


_BACKTEST: Kept[BacktestResult] = Kept()


def site_data(
    repo: m.Repository, *, today: dt.date, saved: tuple[Suggestion, ...] = ()
) -> SiteData:
    if repo.org is None:
        raise SosgenError("teams.yaml could not be read; run `sosgen check`")
    org = repo.org
    actions = derive_actions(repo, escalate_after=org.checks.escalate_after_meetings)
    return SiteData(
        repo=repo,
        org=org,
        today=today,
        actions=actions,
        parking=derive_parking(repo),
        assessments=assess_all(repo.dependencies, org, today),
        health=meeting_health(repo, org, actions),
        teams={t.id: t for t in org.teams},
        saved_suggestions=saved,
    )


def assess_all(deps: tuple[m.Dependency, ...], org: m.Org, day: dt.date) -> dict[str, Assessment]:
    return {d.id: assess(d, today=day, near_days=org.checks.near_days) for d in deps}


def dependencies_on(data: SiteData, day: dt.date) -> tuple[m.Dependency, ...]:
    """The dependencies as they stood on `day`, as far as their dates tell."""
    return data.timeline.known(day)


def before(data: SiteData, day: dt.date) -> SiteData:
    """The data as it stood at the start of the meeting on `day`: earlier meetings only,
    dependencies as their dates tell, colours judged on that day."""
    meetings = tuple(mt for mt in data.repo.meetings if mt.date < day)
    if len(meetings) == len(data.repo.meetings) and day == data.today:
        return data
    repo = replace(data.repo, meetings=meetings, dependencies=dependencies_on(data, day))
    if len(meetings) == len(data.repo.meetings):
        # Action items and parking-lot topics are replayed from the meetings alone:
        # with every meeting before `day` (the next meeting's agenda), the data's own.
        actions, parking = data.actions, data.parking
    else:
        actions = derive_actions(repo, escalate_after=data.org.checks.escalate_after_meetings)
        parking = derive_parking(repo)
    return replace(
        data,
        repo=repo,
        today=day,
        actions=actions,
        parking=parking,
        assessments=assess_all(repo.dependencies, data.org, day),
        health=tuple(h for h in data.health if h.date < day),
    )
