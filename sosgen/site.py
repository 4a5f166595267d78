"""Render the site: pages (planned by `sosgen.views.pages`) and graphs to strings, plus
the stylesheet and the data files, handed one by one to the one writer (`sosgen.write`).

Graphs are drawn in a second thread while pages render (the engine releases the
GIL while it lays out); with `jobs=2` a forked worker process shares the pages with
this one, each taking the next page as it finishes one. A whole site is shared from
the start: the worker is forked before any page is planned and plans each meeting's
pages as it takes them, while this process plans the overview pages. Neither changes
a byte of the output.

A page's template sees its own view, the build's facts and `SiteGlobals` (the
organisation and the day), nothing else of the repository: so a page whose view is
equal to the one it had in the previous build of this process renders to the same
bytes, and `PageMemo` (kept by `sosgen serve` between rebuilds) hands them back
without rendering it again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from sosgen import __version__, feeds, render_share
from sosgen import model as m
from sosgen.dot import Graph
from sosgen.graphviz_engine import Engine, draw
from sosgen.links import Links
from sosgen.page_keys import PageKeys
from sosgen.render import OVERRIDES, PACKAGED, Renderer
from sosgen.render_share import Rendered, Turns, big_first
from sosgen.svg_fit import fit_text
from sosgen.views.memo import ViewMemo
from sosgen.views.minutes import MinutesView
from sosgen.views.pages import (
    ALONE,
    Page,
    history,
    meeting_pages,
    overview_page,
    overview_pages,
    plan_pages,
)
from sosgen.views.plan import Names, SiteData
from sosgen.write import SiteWriter, stamp

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


@dataclass(frozen=True, slots=True)
class SiteGlobals(Names):
    """What every template sees as `data`: the organisation, the day dates are judged
    on, and names for ids."""

    org: m.Org
    today: dt.date
    teams: Mapping[str, m.Team]

    @staticmethod
    def of(data: SiteData) -> SiteGlobals:
        return SiteGlobals(data.org, data.today, data.teams)


@dataclass
class PageMemo:
    """The pages of the previous build in this process: what each was rendered from
    and the stamp of the file written. A page whose path, template, view and graph are
    equal to last time's, in a build with equal globals, build facts and templates,
    and whose file still has its stamp, is not rendered again. Equality is cheap where
    it matters: the model objects of files that did not change are the very same
    objects (`sosgen.live.MemoryDocuments`), so comparing two views mostly compares
    identities."""

    key: tuple[Any, ...] = ()
    target: Path | None = None
    pages: dict[str, tuple[Page, str]] = field(default_factory=dict)  # path -> page, stamp
    pending: list[Page] = field(default_factory=list)  # rendered, waiting for `settle`
    feed: dict[dt.date, tuple[Any, str]] = field(default_factory=dict)
    views: ViewMemo = field(default_factory=ViewMemo)  # parts of the views of meetings
    reused: int = 0
    _renderer: tuple[str, Renderer] | None = None

    def renderer(self, root: Path) -> Renderer:
        """The last build's renderer (templates compiled) while no template changed."""
        sources = template_sources(root)
        if self._renderer is None or self._renderer[0] != sources:
            self._renderer = (sources, Renderer(root))
        return self._renderer[1]

    def begin(self, key: tuple[Any, ...], target: Path) -> None:
        self.reused = 0
        self.pending = []
        if key != self.key or target != self.target:
            self.key, self.target = key, target
            self.pages.clear()
            self.feed.clear()

    def kept(self, page: Page) -> bool:
        found = self.pages.get(page.path)
        if found is None or self.target is None or found[0] != page:
            return False
        if stamp(self.target, page.path) != found[1]:
            return False  # the file was changed or removed since
        self.reused += 1
        return True

    def settle(self) -> None:
        """After the commit: remember the pages of this build and their files' stamps."""
        pages: dict[str, tuple[Page, str]] = {}
        if self.target is not None:
            for page in self.pending:
                found = stamp(self.target, page.path)
                if found:
                    pages[page.path] = (page, found)
        self.pages, self.pending = pages, []

    def forget(self) -> None:
        """A build failed: trust nothing of the last one."""
        self.pages.clear()
        self.feed.clear()
        self.pending = []


def template_sources(root: Path) -> str:
    """A digest of every template a build of `root` can load, overrides included."""
    digest = hashlib.sha256()
    for folder in (root / OVERRIDES, PACKAGED):
        try:
            names = sorted(f.name for f in os.scandir(folder) if f.is_file())
        except OSError:
            names = []
        for name in names:
            try:
                data = (folder / name).read_bytes()
            except OSError:
                data = b"-"
            digest.update(f"{folder}/{name}\0{len(data)}\0".encode("utf-8", "surrogateescape"))
            digest.update(data)
    return digest.hexdigest()


def _url(build: BuildInfo, path: str) -> str:
    return build.base_url.rstrip("/") + "/" + path if build.base_url else path


def data_files(
    data: SiteData,
    minutes: Iterable[MinutesView],
    renderer: Renderer,
    build: BuildInfo,
    memo: PageMemo | None = None,
) -> dict[str, str]:
    """feed.atom, calendar.ics and board.json; the feed shows `minutes`, the views of
    the meetings `feed_meetings` chose."""
    next_day = data.next_meeting_date()
    globals_ = SiteGlobals.of(data)

    def content(view: MinutesView) -> str:
        known = memo.feed.get(view.date) if memo else None
        if known is not None and known[0] == view:
            return str(known[1])
        context = {"minutes": view, "data": globals_, "root": _url(build, "")}
        text = renderer.render("feed_entry.html", context).strip()
        if memo is not None:
            memo.feed[view.date] = (view, text)
        return text

    entries = [
        feeds.FeedEntry(
            date=view.date,
            title=f"Minutes of {view.date.isoformat()}",
            url=_url(build, f"meetings/{view.date.isoformat()}.html"),
            summary=f"{len([s for s in view.sections if s.update])} updates, "
            f"{len(view.decisions)} decisions, {len(view.raised)} action items raised",
            content_html=content(view),
        )
        for view in minutes
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
    files: int
    pages: int
    graphs: int
    rendered: int  # pages rendered this time (the others were kept from the last build)


def render_site(
    data: SiteData,
    *,
    renderer: Renderer,
    engine: Engine,
    build: BuildInfo,
    writer: SiteWriter,
    drawer: Callable[[Graph, Engine], str] = draw,
    keep: Callable[[Graph, Engine], None] | None = None,
    jobs: int = 1,
    memo: PageMemo | None = None,
    keys: PageKeys | None = None,
) -> BuildResult:
    """Render every file of the site into `writer`, one at a time. With a `memo` of
    this process's previous build, a page whose inputs are equal to last time's and
    whose file is as that build left it is not rendered again; `keep` is told the
    graph of each such page, which is not drawn (`SvgCache.keep`). With the `keys` of
    the last build into this folder, so is a meeting page whose key is the one that
    build recorded (`sosgen.page_keys`)."""
    if memo is None and jobs > 1 and 2 * len(data.meetings) >= FORK_FROM:
        return _render_shared(
            data,
            renderer=renderer,
            engine=engine,
            build=build,
            writer=writer,
            drawer=drawer,
            keys=keys,
        )
    if memo is not None:
        memo.views.begin(data.org)
    plan = plan_pages(data, memo.views if memo is not None else None)
    globals_ = SiteGlobals.of(data)
    if memo is not None:
        memo.begin((globals_, build, engine.name, renderer), writer.target)
    kept = {p.path for p in plan.pages if memo is not None and memo.kept(p)}
    if keys is not None:  # the meeting pages come first, two a meeting
        kept.update(p.path for p in plan.pages[: 2 * len(plan.minutes)] if _kept(keys, p))
    if keep is not None:
        for shown in plan.pages:
            if shown.graph is not None and shown.path in kept:
                keep(shown.graph, engine)
    todo = [p for p in plan.pages if p.path not in kept]
    plain = [p for p in todo if p.graph is None]
    drawn = [p for p in todo if p.graph is not None]
    links: dict[str, Links] = {}
    if len(plain) < FORK_FROM:
        jobs = 1
    # Fork before any thread starts: the worker gets a copy of everything planned,
    # templates compiled.
    if jobs > 1:
        renderer.prepare()
    turns = Turns(big_first(plain))

    def render_plain(page: Page) -> str:
        return _render(renderer, page, globals_, build, None, links)

    def render_forked(page: Page) -> Rendered:
        return [(page.path, render_plain(page), None)]

    for path in sorted(kept):
        writer.adopt(path, None)
    sharing = render_share.shared(turns, render_forked, writer) if jobs > 1 else nullcontext()
    with sharing, ThreadPoolExecutor(max_workers=1, thread_name_prefix="graphviz") as pool:
        waiting = deque((p, pool.submit(drawer, p.graph, engine)) for p in drawn if p.graph)

        def render_drawn() -> None:
            page, future = waiting.popleft()
            svg = Markup(unique_ids(fit_text(future.result())))
            writer.add(page.path, _render(renderer, page, globals_, build, svg, links))

        while (page := turns.take()) is not None:
            while waiting and waiting[0][1].done():
                render_drawn()
            writer.add(page.path, render_plain(page))
        while waiting:
            render_drawn()
    _finish(data, [plan.minutes[i] for i in feed_meetings(data)], renderer, build, writer, memo)
    if memo is not None:
        memo.pending = plan.pages
    graphs = sum(1 for p in plan.pages if p.graph is not None)
    return BuildResult(len(writer), len(plan.pages), graphs, len(todo))


def feed_meetings(data: SiteData) -> list[int]:
    """The indexes of the meetings the feed shows (`data_files`): the latest held (the
    meetings are in date order). Only their entries are rendered."""
    next_day = data.next_meeting_date()
    held = [i for i, mt in enumerate(data.meetings) if mt.date < next_day]
    return held[-feeds.FEED_ENTRIES :]


def _render_shared(
    data: SiteData,
    *,
    renderer: Renderer,
    engine: Engine,
    build: BuildInfo,
    writer: SiteWriter,
    drawer: Callable[[Graph, Engine], str],
    keys: PageKeys | None = None,
) -> BuildResult:
    """`render_site` of a whole site in two processes, forked before anything is
    planned: the worker plans and renders what it takes, the briefing and the action
    items first, then the pages of one meeting at a time; this process plans the
    other overview pages (with the briefing, the only ones that ask for the intel:
    risks, suggestions; the backtest is the briefing's alone), has their graphs drawn
    and renders them, renders the meetings the feed and home page show (it needs
    their minutes), then takes what is left as the worker does. Each process
    compiles only the templates it renders, and holds the views of the pages it
    renders only while it renders them. A meeting page that `keys` keeps is planned,
    not rendered."""
    globals_ = SiteGlobals.of(data)
    shared = history(data)
    # What the pages of every meeting ask of `data` besides its fields: worked out
    # here, once, rather than in both processes.
    data.next_meeting_date()
    _ = data.rotations, data.timeline
    mine = feed_meetings(data)
    reserved = set(mine)
    # The briefing (the backtest's only reader) and the action items first: the worker
    # starts on them while this process plans the other overview pages.
    items: list[int | str] = [*reversed(ALONE)]
    items += (i for i in range(len(data.meetings)) if i not in reserved)
    turns = Turns(items)
    links: dict[str, Links] = {}

    def render_page(page: Page, svg: Markup | None = None) -> str:
        return _render(renderer, page, globals_, build, svg, links)

    def rendered(pages: Iterable[Page]) -> Rendered:
        for page in pages:
            if keys is not None and _kept(keys, page):
                yield page.path, None, keys.made[page.path]
            else:
                yield page.path, render_page(page), keys.made.get(page.path) if keys else None

    def render_meeting(item: int | str) -> Rendered:
        """The pages of the meeting at index `item`, or the overview page `item`."""
        if isinstance(item, str):
            page = overview_page(data, shared, item)
            return [(page.path, render_page(page), None)]
        _, *pages = meeting_pages(data, item, shared)
        return list(rendered(pages))

    def add(done: Rendered) -> None:
        for path, text, _ in done:
            if text is None:
                writer.adopt(path, None)
            else:
                writer.add(path, text)

    # Fork before any thread starts (the graph drawing's): the worker counts its kept
    # pages in its own copy of `keys`, and hands them back.
    with render_share.shared(turns, render_meeting, writer, keys):
        views: list[MinutesView] = []
        own: list[Page] = []
        for index in mine:
            view, *pages = meeting_pages(data, index, shared)
            views.append(view)
            own.extend(pages)
        latest = data.latest_held()
        latest_view = next((v for v in views if latest and v.date == latest.date), None)
        overview = overview_pages(data, shared, latest_view, leave=True)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="graphviz") as pool:
            waiting = deque(
                (p, pool.submit(drawer, p.graph, engine)) for p in overview if p.graph is not None
            )

            def render_drawn() -> None:
                page, future = waiting.popleft()
                svg = Markup(unique_ids(fit_text(future.result())))
                writer.add(page.path, render_page(page, svg))

            def drawn_ready() -> None:
                while waiting and waiting[0][1].done():
                    render_drawn()

            for page in big_first([p for p in overview if p.graph is None]):
                drawn_ready()
                writer.add(page.path, render_page(page))
            for page in own:
                drawn_ready()
                add(rendered([page]))
            while (taken := turns.take()) is not None:
                drawn_ready()
                add(render_meeting(taken))
            while waiting:
                render_drawn()
    _finish(data, views, renderer, build, writer)
    count = 2 * len(data.meetings) + len(overview) + len(ALONE)
    graphs = sum(1 for p in overview if p.graph is not None)
    return BuildResult(len(writer), count, graphs, count - (keys.kept_count if keys else 0))


def _finish(
    data: SiteData,
    minutes: Iterable[MinutesView],
    renderer: Renderer,
    build: BuildInfo,
    writer: SiteWriter,
    memo: PageMemo | None = None,
) -> None:
    """The files that follow the pages: the stylesheet, the feeds and board.json."""
    writer.add("style.css", renderer.render("style.css", {}))
    for path, text in data_files(data, minutes, renderer, build, memo).items():
        writer.add(path, text)


FORK_FROM = 200  # pages to render: below this, forking costs more than it saves


def _kept(keys: PageKeys, page: Page) -> bool:
    return keys.kept(page.path, page.template, page.nav, page.context)


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
    data: SiteGlobals,
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
