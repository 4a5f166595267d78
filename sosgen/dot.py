"""A generic graph description and its DOT source: pure, deterministic, escaped.

The board (and any other picture) is described with the frozen values below; `to_dot`
turns one into DOT text with the `graphviz` package. Every piece of text from a user
is inert: `<...>` is never an HTML label, quotes and backslashes are literal, and
`\\N`-style Graphviz escapes are not expanded. Colours are `#rrggbb` only (Graphviz
2.43 draws 3-digit colours black).
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from typing import Any

_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_URL_SCHEMES = frozenset({"", "http", "https", "mailto"})
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~"  # RFC 3986 reserved and unreserved, never `"<>\` or space
STYLES = frozenset({"solid", "dashed", "dotted", "bold"})
FONT = "Helvetica"

GRAPH_ATTRS = {"rankdir": "LR", "fontname": FONT, "fontsize": "12", "bgcolor": "#ffffff"}
NODE_ATTRS = {
    "shape": "box",
    "style": "rounded,filled",
    "fillcolor": "#f4f6f8",
    "color": "#4a5568",
    "fontcolor": "#1a202c",
    "fontname": FONT,
    "fontsize": "12",
}
EDGE_ATTRS = {"fontname": FONT, "fontsize": "10", "fontcolor": "#1a202c", "arrowsize": "0.8"}
CLUSTER_ATTRS = {"style": "rounded", "color": "#a0aec0", "fontcolor": "#2d3748"}


def _check_id(kind: str, value: str) -> None:
    if not _ID.fullmatch(value):
        raise ValueError(f"{kind} id {value!r}: use letters, digits, '_', '.' and '-'")


def _check_url(url: str) -> None:
    scheme = urllib.parse.urlsplit(url).scheme.lower() if url else ""
    if scheme not in _URL_SCHEMES:
        raise ValueError(f"URL {url!r}: only relative, http(s) and mailto links are drawn")


@dataclass(frozen=True, slots=True)
class GraphCluster:
    id: str
    label: str

    def __post_init__(self) -> None:
        _check_id("cluster", self.id)


@dataclass(frozen=True, slots=True)
class GraphNode:
    id: str
    label: str
    url: str = ""
    tooltip: str = ""
    cluster: str = ""  # a GraphCluster id, or "" for none

    def __post_init__(self) -> None:
        _check_id("node", self.id)
        _check_url(self.url)


@dataclass(frozen=True, slots=True, order=True)
class GraphEdge:
    source: str
    target: str
    label: str
    color: str  # "#rrggbb"
    style: str = "solid"
    url: str = ""
    tooltip: str = ""

    def __post_init__(self) -> None:
        if not _COLOUR.fullmatch(self.color):
            raise ValueError(f"colour {self.color!r}: write it as #rrggbb")
        if self.style not in STYLES:
            raise ValueError(f"edge style {self.style!r}: use one of {sorted(STYLES)}")
        _check_url(self.url)


@dataclass(frozen=True, slots=True)
class Graph:
    title: str
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    clusters: tuple[GraphCluster, ...] = ()

    def __post_init__(self) -> None:
        if "\\" in self.title:
            raise ValueError(f"graph title {self.title!r}: a DOT name cannot hold a backslash")
        node_ids = _unique("node", [n.id for n in self.nodes])
        cluster_ids = _unique("cluster", [c.id for c in self.clusters])
        for node in self.nodes:
            if node.cluster and node.cluster not in cluster_ids:
                raise ValueError(f"node {node.id!r}: unknown cluster {node.cluster!r}")
        for edge in self.edges:
            for end in (edge.source, edge.target):
                if end not in node_ids:
                    raise ValueError(f"edge {edge.source!r} -> {edge.target!r}: no node {end!r}")


def _unique(kind: str, ids: list[str]) -> frozenset[str]:
    seen: set[str] = set()
    for value in ids:
        if value in seen:
            raise ValueError(f"duplicate {kind} id {value!r}")
        seen.add(value)
    return frozenset(seen)


def _graphviz() -> Any:
    """The `graphviz` package, imported only when a graph is drawn (it costs ~50 ms)."""
    import graphviz  # type: ignore[import-untyped]

    return graphviz


def text(value: str) -> str:
    """A label as DOT escString text shown literally: no escapes, entities or HTML."""
    escaped: str = _graphviz().escape(value.replace("&", "&amp;"))
    return escaped


def tooltip(value: str) -> str:
    """Tooltips pass through Graphviz's unescaping twice, so backslashes are doubled twice."""
    return text(value.replace("\\", "\\\\"))


def url(value: str) -> str:
    """A URL that needs no escaping in any Graphviz version (2.43 writes it raw into SVG)."""
    encoded = urllib.parse.quote(value, safe=_URL_SAFE).replace("&", "&amp;")
    nohtml: str = _graphviz().nohtml(encoded)
    return nohtml


def slug(title: str) -> str:
    """The prefix of the SVG element ids, so several graphs can share one HTML page."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "graph"


def _link_attrs(link: str, tip: str) -> dict[str, str]:
    attrs = {"URL": url(link)} if link else {}
    if tip:
        attrs["tooltip"] = tooltip(tip)
    return attrs


def _add_node(dot: Any, node: GraphNode) -> None:
    dot.node(node.id, label=text(node.label), **_link_attrs(node.url, node.tooltip))


def _add_edge(dot: Any, edge: GraphEdge) -> None:
    attrs = {"color": edge.color.lower(), "style": edge.style}
    attrs.update(_link_attrs(edge.url, edge.tooltip))
    dot.edge(edge.source, edge.target, label=text(edge.label), **attrs)


def to_dot(graph: Graph) -> str:
    """The DOT source of `graph`; the same for any order of its nodes, edges and clusters."""
    graphviz = _graphviz()
    dot = graphviz.Digraph(
        name=graphviz.nohtml(graph.title),
        graph_attr={**GRAPH_ATTRS, "id": slug(graph.title)},
        node_attr=NODE_ATTRS,
        edge_attr=EDGE_ATTRS,
    )
    nodes = sorted(graph.nodes, key=lambda n: n.id)
    for cluster in sorted(graph.clusters, key=lambda c: c.id):
        with dot.subgraph(name=f"cluster_{cluster.id}") as sub:
            sub.attr(label=text(cluster.label), **CLUSTER_ATTRS)
            for node in nodes:
                if node.cluster == cluster.id:
                    _add_node(sub, node)
    for node in nodes:
        if not node.cluster:
            _add_node(dot, node)
    for edge in sorted(graph.edges):
        _add_edge(dot, edge)
    source: str = dot.source
    return source
