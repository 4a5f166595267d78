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

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from sosgen import model as m
from sosgen.actions import ActionState
from sosgen.charts import bar_chart, describe
from sosgen.dot import Graph
from sosgen.health import MeetingHealth
from sosgen.views.actions import actions_view
from sosgen.views.agenda import agenda
from sosgen.views.board import board
from sosgen.views.board import team_graph as team_graph_of
from sosgen.views.briefing import briefing, meeting_briefing
from sosgen.views.history import ReviewLine, raised_by_meeting, review_lines
from sosgen.views.memo import Part, ViewMemo, no_memo
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


@dataclass(frozen=True, slots=True)
class History:
    """What the pages of every meeting share: the action items reviewed and raised at
    each meeting, and each meeting's health, by date. Cheap, and made once per plan."""

    reviews: Mapping[dt.date, tuple[ReviewLine, ...]]
    raised: Mapping[dt.date, tuple[ActionState, ...]]
    health: Mapping[dt.date, MeetingHealth]


def history(data: SiteData) -> History:
    limit = data.org.checks.escalate_after_meetings
    return History(
        review_lines(data.actions, escalate_after=limit),
        raised_by_meeting(data.actions),
        {h.date: h for h in data.health},
    )


def meeting_pages(
    data: SiteData, index: int, shared: History, part: Part = no_memo
) -> tuple[MinutesView, Page, Page]:
    """The minutes and the briefing of the meeting at `index`, and the minutes' view.
    They ask of `data` only its eager fields, `rotations`, `timeline` and the next
    meeting's date, never the intel (`risks`, `suggestions`, `backtest`)."""
    meeting = data.meetings[index]
    view = minutes(
        data, index, reviews=shared.reviews, raised=shared.raised, health=shared.health, part=part
    )
    day = meeting.date.isoformat()
    return (
        view,
        Page(
            f"meetings/{day}.html",
            "meeting.html",
            "meetings",
            {"minutes": view, "prefix": "", "heading": "h2"},
        ),
        Page(
            f"briefing/{day}.html",
            "briefing.html",
            "briefing",
            {
                "view": meeting_briefing(data, meeting, shared.reviews, shared.health, part),
                "charts": (),
            },
        ),
    )


def plan_pages(data: SiteData, memo: ViewMemo | None = None) -> Plan:
    """Every HTML page with its template and view model: pure, no rendering. With a
    `memo` of the previous plans in this process, parts of the views of unchanged
    meetings are the ones made before."""
    part = memo.part if memo is not None else no_memo
    shared = history(data)
    plan = Plan()
    for index in range(len(data.meetings)):
        view, *pages = meeting_pages(data, index, shared, part)
        plan.minutes.append(view)
        plan.pages.extend(pages)
    latest = data.latest_held()
    latest_view = next((v for v in plan.minutes if latest and v.date == latest.date), None)
    plan.pages.extend(overview_pages(data, shared, latest_view))
    return plan


# Overview pages with no graph that ask for no intel but the backtest (which only the
# briefing reads): `sosgen.site` lets either of its two processes plan and render them.
ALONE = ("actions.html", "briefing.html")


def overview_pages(
    data: SiteData, shared: History, latest: MinutesView | None, *, leave: bool = False
) -> list[Page]:
    """The pages that are not one meeting's: the home page (the next meeting's agenda
    and the `latest` minutes), the lists, the boards, the teams and the briefing for
    now. These ask for the intel. With `leave`, the pages of `ALONE` are left out
    (planned one at a time by `overview_page`)."""
    pages = [
        Page(
            "index.html",
            "index.html",
            "home",
            {"agenda": agenda(data), "minutes": latest, "prefix": "latest-", "heading": "h3"},
        ),
        Page(
            "meetings.html",
            "meetings.html",
            "meetings",
            {
                "rows": [
                    MeetingRow(mt, shared.health.get(mt.date)) for mt in reversed(data.meetings)
                ],
                "next_date": data.next_meeting_date(),
            },
        ),
    ]
    clusters = sorted(data.org.clusters.values(), key=lambda c: c.id)
    for key in ["", *(c.id for c in clusters)]:
        board_view = board(data, key)
        path = f"board/{key}.html" if key else "board.html"
        pages.append(
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
        pages.append(
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
    pages.append(Page("teams.html", "teams.html", "teams", {"rows": team_rows}))
    if not leave:
        pages += (overview_page(data, shared, path) for path in ALONE)
    return pages


def overview_page(data: SiteData, shared: History, path: str) -> Page:
    """One of the overview pages of `ALONE`."""
    if path == "actions.html":
        return Page("actions.html", "actions.html", "actions", {"view": actions_view(data)})
    if path != "briefing.html":
        raise ValueError(f"{path} is not planned alone")
    overview = briefing(data, shared.reviews)
    charts = tuple(
        Chart(
            t.title,
            bar_chart(f"chart-{t.key}", t.title, t.points, maximum=t.maximum, unit=t.unit),
            describe(t.points, t.unit),
        )
        for t in overview.trends
    )
    return Page("briefing.html", "briefing.html", "briefing", {"view": overview, "charts": charts})
