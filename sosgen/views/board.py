"""The dependency board: the picture (a `dot.Graph`) and the table of the same facts,
each open dependency with its risk score (`sosgen.intel`), and the suggested
dependencies nobody has put on it yet.

One board across every team (teams grouped in their clusters: the scrum of scrum of
scrums view), one per cluster, and one small picture per team. An edge goes from the
team that waits to the team that delivers, labelled with what and by when, coloured
by `sosgen.board.assess`; dashed while the provider has not committed, bold when blocked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sosgen import model as m
from sosgen.board import Assessment, Level
from sosgen.dot import Graph, GraphCluster, GraphEdge, GraphNode
from sosgen.intel import Risk, Suggestion
from sosgen.views.plan import SiteData

STATUS_ORDER = ("blocked", "open", "committed", "delivered", "dropped")
STATUS_LABEL = {
    "blocked": "Blocked",
    "open": "Open: not committed yet",
    "committed": "Committed",
    "delivered": "Delivered",
    "dropped": "Dropped",
}
LABEL_WHAT = 40  # characters of `what` on an edge; the table and tooltip have it all


@dataclass(frozen=True, slots=True)
class DepRow:
    dep: m.Dependency
    assessment: Assessment  # the colour: the state of the date promise
    risk: Risk | None = None  # the evidence-based score of an open dependency

    @property
    def level(self) -> Level:
        return self.assessment.level


@dataclass(frozen=True, slots=True)
class StatusGroup:
    status: str
    label: str
    rows: tuple[DepRow, ...]


@dataclass(frozen=True, slots=True)
class ClusterLink:
    """Open dependencies from the teams of one cluster to those of another."""

    waiting: str  # cluster id ("" for teams in no cluster)
    delivering: str
    count: int
    worst: Level


@dataclass(frozen=True, slots=True)
class BoardView:
    key: str  # "" for the whole board, else the cluster id
    title: str
    graph: Graph
    open_groups: tuple[StatusGroup, ...]
    closed_groups: tuple[StatusGroup, ...]
    teams: tuple[m.Team, ...]
    cluster_links: tuple[ClusterLink, ...]
    suggestions: tuple[Suggestion, ...] = ()

    @property
    def open_count(self) -> int:
        return sum(len(g.rows) for g in self.open_groups)


def rows(data: SiteData, deps: Iterable[m.Dependency]) -> list[DepRow]:
    return [DepRow(d, data.assessments[d.id], data.risks.get(d.id)) for d in deps]


def grouped(found: list[DepRow]) -> tuple[StatusGroup, ...]:
    """By status (blocked, open, committed, delivered, dropped), each by needed-by."""
    return tuple(
        StatusGroup(
            status,
            STATUS_LABEL[status],
            tuple(sorted((r for r in found if r.dep.status == status), key=_by_need)),
        )
        for status in STATUS_ORDER
        if any(r.dep.status == status for r in found)
    )


def _by_need(row: DepRow) -> tuple[object, ...]:
    return (row.dep.needed_by, row.level.rank, row.dep.id)


def edge_label(dep: m.Dependency) -> str:
    what = " ".join(dep.what.split())
    if len(what) > LABEL_WHAT:
        what = what[: LABEL_WHAT - 1].rstrip() + "…"
    return f"{dep.id} {what} · by {dep.needed_by.isoformat()}"


def graph(
    data: SiteData,
    name: str,
    teams: Iterable[m.Team],
    found: Iterable[DepRow],
    *,
    team_url: Callable[[str], str],
    dep_url: Callable[[str], str],
) -> Graph:
    """Teams as nodes in their clusters; an edge per open dependency among them."""
    shown = {t.id: t for t in teams}
    edges = []
    for row in found:
        dep = row.dep
        if not dep.is_open or dep.team not in shown or dep.depends_on not in shown:
            continue
        style = "bold" if dep.status == "blocked" else "solid" if dep.committed else "dashed"
        edges.append(
            GraphEdge(
                source=dep.team,
                target=dep.depends_on,
                label=edge_label(dep),
                color=row.level.colour,
                style=style,
                url=dep_url(dep.id),
                tooltip=f"{dep.id}: {dep.what} — {row.level.label}: "
                + "; ".join(row.assessment.reasons),
            )
        )
    clusters = sorted({t.cluster for t in shown.values() if t.cluster})
    return Graph(
        title=name,
        nodes=tuple(
            GraphNode(t.id, t.name, url=team_url(t.id), tooltip=t.name, cluster=t.cluster)
            for t in shown.values()
        ),
        edges=tuple(edges),
        clusters=tuple(GraphCluster(c, data.cluster_name(c)) for c in clusters),
    )


def _cluster_links(data: SiteData, found: list[DepRow]) -> tuple[ClusterLink, ...]:
    pairs: dict[tuple[str, str], list[Level]] = {}
    for row in found:
        if not row.dep.is_open:
            continue
        waiting, delivering = data.teams.get(row.dep.team), data.teams.get(row.dep.depends_on)
        if waiting is None or delivering is None or waiting.cluster == delivering.cluster:
            continue
        pairs.setdefault((waiting.cluster, delivering.cluster), []).append(row.level)
    return tuple(
        ClusterLink(a, b, len(levels), min(levels, key=lambda lv: lv.rank))
        for (a, b), levels in sorted(pairs.items())
    )


def board(data: SiteData, cluster: str = "") -> BoardView:
    """The whole board (`cluster` empty), or one cluster's: its teams and every team
    their open dependencies touch."""
    deps = data.repo.dependencies
    members = {t.id for t in data.org.teams if not cluster or t.cluster == cluster}
    if cluster:
        deps = tuple(d for d in deps if d.team in members or d.depends_on in members)
        touched = (
            members
            | {d.team for d in deps if d.is_open}
            | {d.depends_on for d in deps if d.is_open}
        )
        teams = tuple(t for t in data.org.teams if t.id in touched)
        title = f"Dependency board: {data.cluster_name(cluster)}"
        root = "../"
    else:
        teams = data.org.teams
        title = "Dependency board"
        root = ""
    found = rows(data, deps)
    picture = graph(
        data,
        f"board-{cluster}" if cluster else "board",
        teams,
        found,
        team_url=lambda t: f"{root}teams/{t}.html",
        dep_url=lambda d: f"#{d}",
    )
    every = grouped(found)
    return BoardView(
        key=cluster,
        title=title,
        graph=picture,
        open_groups=tuple(g for g in every if g.status in m.OPEN_DEPENDENCY),
        closed_groups=tuple(g for g in every if g.status not in m.OPEN_DEPENDENCY),
        teams=teams,
        cluster_links=() if cluster else _cluster_links(data, found),
        suggestions=tuple(
            s for s in data.suggestions if not cluster or members.intersection(s.teams)
        ),
    )


def team_graph(data: SiteData, team: m.Team) -> Graph:
    """The team and the teams it waits on or that wait on it, through open dependencies."""
    deps = [d for d in data.repo.dependencies if d.is_open and team.id in (d.team, d.depends_on)]
    touched = {team.id} | {d.team for d in deps} | {d.depends_on for d in deps}
    return graph(
        data,
        f"team-{team.id}",
        (t for t in data.org.teams if t.id in touched),
        rows(data, deps),
        team_url=lambda t: f"{t}.html",
        dep_url=lambda d: f"../board.html#{d}",
    )
