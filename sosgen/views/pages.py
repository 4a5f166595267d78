"""Every page of the site, planned: its path, template and view model. Pure: no
rendering, no I/O.

Paths are relative to the output folder; no two can collide, whatever the ids:

    index.html              the next meeting's agenda and the latest minutes
    meetings.html           every meeting
    meetings/<date>.html    the minutes of one meeting
    board.html              the dependency board across every team and cluster
    board/<cluster>.html    one cluster's board
    teams.html              every team
    teams/<team>.html       one team
    actions.html            every action item
    briefing.html           the stakeholder briefing, with trends
    briefing/<date>.html    the briefing of one meeting

(`style.css`, `feed.atom`, `calendar.ics` and `board.json` come from `sosgen.site`.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from sosgen import model as m
from sosgen.charts import bar_chart, describe
from sosgen.dot import Graph
from sosgen.health import MeetingHealth
from sosgen.views.actions import actions_view
from sosgen.views.agenda import agenda
from sosgen.views.board import board
from sosgen.views.board import team_graph as team_graph_of
from sosgen.views.briefing import briefing, meeting_briefing
from sosgen.views.history import raised_by_meeting, review_lines
from sosgen.views.memo import ViewMemo, no_memo
from sosgen.views.minutes import MinutesView, minutes
from sosgen.views.plan import SiteData
from sosgen.views.teams import team_view


@dataclass(frozen=True, slots=True)
class Page:
    path: str
    template: str
    nav: str
    context: Mapping[str, Any]
    graph: Graph | None = None  # drawn and passed to the template as `svg`

    @property
    def root(self) -> str:
        return "../" * self.path.count("/")


@dataclass(frozen=True, slots=True)
class MeetingRow:
    meeting: m.Meeting
    health: MeetingHealth | None


@dataclass(frozen=True, slots=True)
class TeamRow:
    team: m.Team
    ambassador: str | None
    waits_on: int
    waited_by: int
    actions: int


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    svg: Markup
    summary: str


@dataclass
class Plan:
    pages: list[Page] = field(default_factory=list)
    minutes: list[MinutesView] = field(default_factory=list)


def plan_pages(data: SiteData, memo: ViewMemo | None = None) -> Plan:
    """Every HTML page with its template and view model: pure, no rendering. With a
    `memo` of the previous plans in this process, parts of the views of unchanged
    meetings are the ones made before."""
    part = memo.part if memo is not None else no_memo
    limit = data.org.checks.escalate_after_meetings
    reviews = review_lines(data.actions, escalate_after=limit)
    raised = raised_by_meeting(data.actions)
    health = {h.date: h for h in data.health}
    plan = Plan()
    for index, meeting in enumerate(data.meetings):
        view = minutes(data, index, reviews=reviews, raised=raised, health=health, part=part)
        plan.minutes.append(view)
        day = meeting.date.isoformat()
        plan.pages.append(
            Page(
                f"meetings/{day}.html",
                "meeting.html",
                "meetings",
                {"minutes": view, "prefix": "", "heading": "h2"},
            )
        )
        plan.pages.append(
            Page(
                f"briefing/{day}.html",
                "briefing.html",
                "briefing",
                {"view": meeting_briefing(data, meeting, reviews, health, part), "charts": ()},
            )
        )
    latest = data.latest_held()
    latest_view = next((v for v in plan.minutes if latest and v.date == latest.date), None)
    plan.pages.append(
        Page(
            "index.html",
            "index.html",
            "home",
            {"agenda": agenda(data), "minutes": latest_view, "prefix": "latest-", "heading": "h3"},
        )
    )
    plan.pages.append(
        Page(
            "meetings.html",
            "meetings.html",
            "meetings",
            {
                "rows": [MeetingRow(mt, health.get(mt.date)) for mt in reversed(data.meetings)],
                "next_date": data.next_meeting_date(),
            },
        )
    )
    clusters = sorted(data.org.clusters.values(), key=lambda c: c.id)
    for key in ["", *(c.id for c in clusters)]:
        board_view = board(data, key)
        path = f"board/{key}.html" if key else "board.html"
        plan.pages.append(
            Page(
                path,
                "board.html",
                "board",
                {"view": board_view, "clusters": clusters},
                board_view.graph,
            )
        )
    team_rows = []
    for team in data.org.teams:
        tv = team_view(data, team)
        plan.pages.append(
            Page(
                f"teams/{team.id}.html",
                "team.html",
                "teams",
                {"view": tv},
                team_graph_of(data, team),
            )
        )
        current = tv.stints[0] if tv.stints and tv.stints[0].end is None else None
        team_rows.append(
            TeamRow(
                team,
                current.person if current else None,
                sum(1 for r in tv.waits_on if r.dep.is_open),
                sum(1 for r in tv.waited_by if r.dep.is_open),
                len(tv.actions),
            )
        )
    team_rows.sort(key=lambda r: (r.team.cluster == "", r.team.cluster, r.team.name, r.team.id))
    plan.pages.append(Page("teams.html", "teams.html", "teams", {"rows": team_rows}))
    plan.pages.append(Page("actions.html", "actions.html", "actions", {"view": actions_view(data)}))
    overview = briefing(data, reviews)
    charts = tuple(
        Chart(
            t.title,
            bar_chart(f"chart-{t.key}", t.title, t.points, maximum=t.maximum, unit=t.unit),
            describe(t.points, t.unit),
        )
        for t in overview.trends
    )
    plan.pages.append(
        Page("briefing.html", "briefing.html", "briefing", {"view": overview, "charts": charts})
    )
    return plan
