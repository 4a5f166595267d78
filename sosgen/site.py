"""Render the site: pages (planned by `sosgen.views.pages`) and graphs to strings, plus
the stylesheet and the data files, gathered in `SiteFiles` for the one writer.

Graphs are drawn in a second thread while pages render (the engine releases the
GIL while it lays out); with `jobs=2` a forked worker process renders half of the
pages. Neither changes a byte of the output.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import re
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass

from markupsafe import Markup

from sosgen import __version__, feeds
from sosgen.dot import Graph
from sosgen.graphviz_engine import Engine, draw
from sosgen.links import Links
from sosgen.render import Renderer
from sosgen.views.pages import Page, Plan, plan_pages
from sosgen.views.plan import SiteData
from sosgen.write import SiteFiles

CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'"
NAV = (
    ("home", "Next meeting", "index.html"),
    ("meetings", "Meetings", "meetings.html"),
    ("board", "Board", "board.html"),
    ("teams", "Teams", "teams.html"),
    ("actions", "Action items", "actions.html"),
    ("briefing", "Briefing", "briefing.html"),
)


@dataclass(frozen=True, slots=True)
class BuildInfo:
    """What the footer says about the build; nothing here may change between two builds
    of the same input."""

    commit: str = ""
    base_url: str = ""  # absolute links in the feeds when given
    stamp: dt.datetime | None = None  # SOURCE_DATE_EPOCH
    version: str = __version__
    csp: str = CSP
    nav: tuple[tuple[str, str, str], ...] = NAV


def _url(build: BuildInfo, path: str) -> str:
    return build.base_url.rstrip("/") + "/" + path if build.base_url else path


def data_files(data: SiteData, plan: Plan, renderer: Renderer, build: BuildInfo) -> dict[str, str]:
    """feed.atom, calendar.ics and board.json."""
    next_day = data.next_meeting_date()
    entries = [
        feeds.FeedEntry(
            date=view.date,
            title=f"Minutes of {view.date.isoformat()}",
            url=_url(build, f"meetings/{view.date.isoformat()}.html"),
            summary=f"{len([s for s in view.sections if s.update])} updates, "
            f"{len(view.decisions)} decisions, {len(view.raised)} action items raised",
            content_html=renderer.render(
                "feed_entry.html", {"minutes": view, "data": data, "root": _url(build, "")}
            ).strip(),
        )
        for view in plan.minutes
        if view.date < next_day
    ]
    org = data.org.organization
    events = [
        feeds.CalendarEvent(
            f"meeting:{mt.date}", mt.date, f"Scrum of scrums ({org})", categories="meeting"
        )
        for mt in data.meetings
    ]
    if data.meeting(next_day) is None:
        events.append(
            feeds.CalendarEvent(
                f"meeting:{next_day}", next_day, f"Scrum of scrums ({org})", categories="meeting"
            )
        )
    for state in data.actions.values():
        if state.is_open:
            a = state.action
            events.append(
                feeds.CalendarEvent(
                    f"action:{a.id}",
                    a.due,
                    f"Due: {a.id} {' '.join(a.text.split())}",
                    description=f"Owner: {data.person_name(a.owner)}",
                    url=_url(build, f"actions.html#{a.id}") if build.base_url else "",
                    categories="action item",
                )
            )
    for dep in data.repo.dependencies:
        if dep.is_open:
            events.append(
                feeds.CalendarEvent(
                    f"dependency:{dep.id}",
                    dep.needed_by,
                    f"Needed: {dep.id} {dep.what} ({data.team_name(dep.team)} from "
                    f"{data.team_name(dep.depends_on)})",
                    description="; ".join(data.assessments[dep.id].reasons),
                    url=_url(build, f"board.html#{dep.id}") if build.base_url else "",
                    categories="dependency",
                )
            )
    facilitator = data.person_name(data.org.facilitator)
    return {
        "feed.atom": feeds.atom_feed(
            org=org,
            author=facilitator,
            entries=entries,
            self_url=_url(build, "feed.atom"),
            home_url=_url(build, "index.html"),
            stamp=build.stamp,
        ),
        "calendar.ics": feeds.calendar(org=org, events=events, stamp=build.stamp or data.today),
        "board.json": feeds.board_json(
            org=data.org,
            dependencies=data.repo.dependencies,
            assessments=data.assessments,
            as_of=data.today,
        ),
    }


@dataclass(frozen=True, slots=True)
class BuildResult:
    files: SiteFiles
    pages: int
    graphs: int


def render_site(
    data: SiteData,
    *,
    renderer: Renderer,
    engine: Engine,
    build: BuildInfo,
    drawer: Callable[[Graph, Engine], str] = draw,
    jobs: int = 1,
) -> BuildResult:
    """Every file of the site as bytes."""
    plan = plan_pages(data)
    files = SiteFiles()
    plain = [p for p in plan.pages if p.graph is None]
    drawn = [p for p in plan.pages if p.graph is not None]
    links: dict[str, Links] = {}
    # Fork before any thread starts: the worker gets a copy of everything planned.
    worker, mine = _fork_half(plain, renderer, data, build) if jobs > 1 else (None, plain)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="graphviz") as pool:
        svgs = [pool.submit(drawer, p.graph, engine) for p in drawn if p.graph]
        for page in mine:
            files.add(page.path, _render(renderer, page, data, build, None, links))
        for page, future in zip(drawn, svgs, strict=True):
            svg = Markup(unique_ids(future.result()))
            files.add(page.path, _render(renderer, page, data, build, svg, links))
    if worker is not None:
        for path, content in worker.result():
            files.add(path, content)
    files.add("style.css", renderer.render("style.css", {}))
    for path, text in data_files(data, plan, renderer, build).items():
        files.add(path, text)
    return BuildResult(files, len(plan.pages), len(drawn))


_FORKED: tuple[Renderer, Sequence[Page], SiteData, BuildInfo] | None = None


def _fork_half(
    pages: list[Page], renderer: Renderer, data: SiteData, build: BuildInfo
) -> tuple[Future[list[tuple[str, bytes]]] | None, list[Page]]:
    """Hand every other page to a forked worker; where fork is missing, keep them all."""
    global _FORKED
    if "fork" not in multiprocessing.get_all_start_methods():
        return None, pages
    theirs, mine = pages[1::2], pages[0::2]
    _FORKED = (renderer, theirs, data, build)
    try:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
        future = pool.submit(_render_forked)
        pool.shutdown(wait=False)
    finally:
        _FORKED = None
    return future, mine


def _render_forked() -> list[tuple[str, bytes]]:
    assert _FORKED is not None, "only runs in a worker forked by _fork_half"
    renderer, pages, data, build = _FORKED
    links: dict[str, Links] = {}
    return [
        (page.path, _render(renderer, page, data, build, None, links).encode("utf-8"))
        for page in pages
    ]


_SVG_ID = re.compile(r'(<g id=")([^"]*)(")')


def unique_ids(svg: str) -> str:
    """Graphviz gives clusters the graph's `id` (subgraphs inherit it); an HTML page
    needs each id once, so repeats get a suffix."""
    seen: dict[str, int] = {}

    def once(match: re.Match[str]) -> str:
        ident = match.group(2)
        seen[ident] = seen.get(ident, 0) + 1
        if seen[ident] == 1:
            return match.group(0)
        return f"{match.group(1)}{ident}_{seen[ident] - 1}{match.group(3)}"

    return _SVG_ID.sub(once, svg)


def _render(
    renderer: Renderer,
    page: Page,
    data: SiteData,
    build: BuildInfo,
    svg: Markup | None,
    links: dict[str, Links],
) -> str:
    link = links.get(page.root)
    if link is None:
        link = links[page.root] = Links(page.root, data.org)
    context = {
        **page.context,
        "data": data,
        "build": build,
        "root": page.root,
        "nav": page.nav,
        "link": link,
    }
    if page.graph is not None:
        context["svg"] = svg
    return renderer.render(page.template, context)
