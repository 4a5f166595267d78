"""The briefing for the chief product owner and stakeholders: what needs leadership,
which dependencies are at risk or late and why, the decisions taken, the heads-ups,
and whether the meeting is healthy. One for now, and one per meeting.

The briefing for now also says how well the risk score would have ranked this
repository's past (the backtest, with its number of cases). The backtest replays the
whole history, under a fifth of a second at 450 meetings, so the per-meeting briefings
go without it. Those ask about every meeting: the rotation and the dependencies as they
stood come from indexes made once (`SiteData.rotations`, `SiteData.timeline`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sosgen import model as m
from sosgen.board import Assessment, Level, assess
from sosgen.charts import Point
from sosgen.health import MeetingHealth
from sosgen.intel import BacktestResult
from sosgen.rotation import sprints_served
from sosgen.views.agenda import Said
from sosgen.views.board import DepRow
from sosgen.views.history import ReviewLine
from sosgen.views.memo import Part, no_memo
from sosgen.views.plan import SiteData, dependencies_on

CHART_MEETINGS = 30  # the charts show the last this many meetings


@dataclass(frozen=True, slots=True)
class Escalation:
    id: str
    text: str
    owner: str
    due: dt.date
    raised: dt.date
    open_reviews: int
    note: str  # the latest review note


@dataclass(frozen=True, slots=True)
class DatedDecision:
    date: dt.date
    decision: m.Decision


@dataclass(frozen=True, slots=True)
class Rotation:
    team: str
    person: str
    sprints: float
    over_limit: bool


@dataclass(frozen=True, slots=True)
class Trend:
    key: str
    title: str
    unit: str  # "%" for shares
    maximum: float | None
    points: tuple[Point, ...]


@dataclass(frozen=True, slots=True)
class BriefingView:
    as_of: dt.date
    meeting: dt.date | None  # the per-meeting briefing's meeting
    escalations: tuple[Escalation, ...]
    at_risk: tuple[DepRow, ...]  # red and amber, worst and soonest first
    decisions: tuple[DatedDecision, ...]
    decisions_since: dt.date | None
    heads_up: tuple[Said, ...]
    health: MeetingHealth | None
    rotation: tuple[Rotation, ...]
    trends: tuple[Trend, ...]
    sprint_limit: int
    backtest: BacktestResult | None = None  # the briefing for now only

    @property
    def late(self) -> tuple[DepRow, ...]:
        return tuple(r for r in self.at_risk if r.assessment.late)

    @property
    def backtest_verdict(self) -> str:
        """The backtest's verdict as a sentence: `Not enough history: ...`."""
        verdict = self.backtest.verdict if self.backtest else ""
        return verdict[:1].upper() + verdict[1:]


def _escalations(lines: Sequence[ReviewLine]) -> tuple[Escalation, ...]:
    return tuple(
        Escalation(
            id=line.state.id,
            text=line.state.action.text,
            owner=line.state.action.owner,
            due=line.state.action.due,
            raised=line.state.action.meeting,
            open_reviews=line.open_reviews,
            note=line.entry.note,
        )
        for line in sorted(lines, key=lambda ln: (ln.state.action.due, ln.state.id))
        if line.escalated
    )


def _at_risk(data: SiteData, day: dt.date) -> tuple[DepRow, ...]:
    if day == data.today:
        deps, verdict = data.repo.dependencies, data.assessments.__getitem__
    else:
        deps = dependencies_on(data, day)
        # `assess_all(deps, data.org, day)[id]`, for the open ones only: the last
        # dependency of an id gives its colour.
        last = {d.id: d for d in deps}
        near = data.org.checks.near_days

        def verdict(dep_id: str) -> Assessment:
            return assess(last[dep_id], today=day, near_days=near)

    found = [
        DepRow(d, colour)
        for d in deps
        if d.is_open and (colour := verdict(d.id)).level in (Level.RED, Level.AMBER)
    ]
    return tuple(
        sorted(
            found, key=lambda r: (r.level.rank, not r.assessment.late, r.dep.needed_by, r.dep.id)
        )
    )


def _heads_up(meeting: m.Meeting | None) -> tuple[Said, ...]:
    if meeting is None:
        return ()
    return tuple(
        Said(team, meeting.date, item)
        for team in sorted(meeting.updates)
        for item in meeting.updates[team].heads_up
    )


def _rotation(data: SiteData, day: dt.date) -> tuple[Rotation, ...]:
    limit = data.org.checks.ambassador_max_sprints
    out = []
    for team, stint in zip(data.org.teams, data.stints(day), strict=True):
        if stint is not None:
            served = sprints_served(stint, day, data.org.cadence)
            out.append(Rotation(team.id, stint.person, served, served > limit))
    return tuple(out)


def trends(health: Sequence[MeetingHealth]) -> tuple[Trend, ...]:
    recent = health[-CHART_MEETINGS:]

    def points(get: Callable[[MeetingHealth], float | None]) -> tuple[Point, ...]:
        return tuple(Point(h.date.isoformat(), get(h)) for h in recent)

    return (
        Trend(
            "coordination",
            "Items that name another team",
            "%",
            1.0,
            points(lambda h: h.coordination_share),
        ),
        Trend("missing", "Updates missing", "", None, points(lambda h: float(len(h.missing)))),
        Trend(
            "closure", "Reviewed action items closed", "%", 1.0, points(lambda h: h.closure_rate)
        ),
        Trend(
            "lead-time",
            "Median dependency lead time",
            "days",
            None,
            points(lambda h: h.lead_time_days),
        ),
        Trend(
            "rotation",
            "Ambassadors past the rotation limit",
            "",
            None,
            points(lambda h: float(len(h.over_rotation))),
        ),
    )


def briefing(data: SiteData, reviews: Mapping[dt.date, tuple[ReviewLine, ...]]) -> BriefingView:
    """The briefing as of the latest meeting held: decisions of the last sprint."""
    latest = data.latest_held()
    day = latest.date if latest else data.today
    since = day - dt.timedelta(weeks=data.org.cadence.sprint_weeks)
    decisions = tuple(
        DatedDecision(mt.date, d)
        for mt in reversed(data.meetings)
        if since < mt.date <= day and mt.record
        for d in mt.record.decisions
    )
    open_now = [
        ReviewLine(s, s.reviews[-1], s.open_reviews, True)
        for s in data.actions.values()
        if s.escalated and s.reviews
    ]
    health = [h for h in data.health if h.date <= day]
    return BriefingView(
        as_of=data.today,
        meeting=None,
        escalations=_escalations(open_now),
        at_risk=_at_risk(data, data.today),
        decisions=decisions,
        decisions_since=since,
        heads_up=_heads_up(latest),
        health=health[-1] if health else None,
        rotation=_rotation(data, data.today),
        trends=trends(health),
        sprint_limit=data.org.checks.ambassador_max_sprints,
        backtest=data.backtest,
    )


def meeting_briefing(
    data: SiteData,
    meeting: m.Meeting,
    reviews: Mapping[dt.date, tuple[ReviewLine, ...]],
    health: Mapping[dt.date, MeetingHealth],
    part: Part = no_memo,
) -> BriefingView:
    """The briefing of one meeting, as things stood that day."""
    day = meeting.date
    return BriefingView(
        as_of=day,
        meeting=day,
        escalations=_escalations(reviews.get(day, ())),
        # Its inputs: the dependencies (as they stood on the day, or the board's
        # colours when the day is today) and the near-days threshold (teams.yaml, the
        # memo's context).
        at_risk=part(
            "at_risk",
            day,
            (data.repo.dependencies, day == data.today),
            lambda: _at_risk(data, day),
        ),
        decisions=tuple(
            DatedDecision(day, d) for d in (meeting.record.decisions if meeting.record else ())
        ),
        decisions_since=None,
        heads_up=_heads_up(meeting),
        health=health.get(day),
        rotation=part("rotation", day, (), lambda: _rotation(data, day)),  # teams.yaml
        trends=(),
        sprint_limit=data.org.checks.ambassador_max_sprints,
    )
