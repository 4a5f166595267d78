"""Benchmark the Graphviz engines on a 20-node / 60-edge dependency board.

    python bench/graph_engines.py [-n 50] [--engine wasm --engine dot]

Each engine runs in a fresh process, so "first call" is what a build pays once: the
imports, the WebAssembly compile (wasm) and the first drawing. "median" is one more
drawing after that (to_dot, render, clean_svg).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sosgen.dot import Graph

ROOT = Path(__file__).resolve().parent.parent


def board_graph(teams: int = 20, dependencies: int = 60) -> Graph:
    from sosgen.dot import Graph, GraphCluster, GraphEdge, GraphNode

    clusters = (GraphCluster("shop", "Shop"), GraphCluster("core", "Core"))
    nodes = tuple(
        GraphNode(
            f"team-{i:02d}",
            f"Team {i}",
            url=f"teams/team-{i:02d}.html",
            tooltip=f"Team {i}: {i % 4} open dependencies",
            cluster=("shop", "core", "")[i % 3],
        )
        for i in range(teams)
    )
    edges = tuple(
        GraphEdge(
            f"team-{i % teams:02d}",
            f"team-{(i * 7 + 3) % teams:02d}",
            f"DEP-{i}",
            ("#2f855a", "#c53030", "#b7791f")[i % 3],
            style=("solid", "dashed")[i % 2],
            url=f"board.html#DEP-{i}",
            tooltip=f"needed by 2026-12-{i % 28 + 1:02d}",
        )
        for i in range(dependencies)
    )
    return Graph("Dependency board", nodes, edges, clusters)


def measure(engine_name: str, runs: int) -> dict[str, object]:
    """In this (fresh) process: the first drawing, then `runs` more."""
    start = time.perf_counter()
    from sosgen.graphviz_engine import draw, get_engine

    graph = board_graph()
    engine = get_engine(engine_name)
    first_svg = draw(graph, engine)
    first = time.perf_counter() - start
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        svg = draw(graph, engine)
        times.append(time.perf_counter() - t0)
        assert svg == first_svg, "the same graph drew different SVG"
    return {
        "engine": engine_name,
        "version": engine.version(),
        "first_ms": first * 1000,
        "median_ms": statistics.median(times) * 1000,
        "svg_bytes": len(first_svg),
    }


def run_fresh(engine_name: str, runs: int) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", engine_name, "-n", str(runs)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return {"engine": engine_name, "error": done.stderr.strip().splitlines()[-1:]}
    result: dict[str, object] = json.loads(done.stdout)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=50)
    parser.add_argument("--engine", action="append", choices=("wasm", "dot"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(measure(args.child, args.runs)))
        return 0
    print(f"20 nodes / 60 edges, {args.runs} drawings after the first, one process per engine")
    print(f"{'engine':<7} {'graphviz':<24} {'first call':>11} {'median':>9} {'svg':>8}")
    for name in args.engine or ["wasm", "dot"]:
        r = run_fresh(name, args.runs)
        if "error" in r:
            print(f"{name:<7} failed: {r['error']}")
            continue
        print(
            f"{name:<7} {r['version']!s:<24} {r['first_ms']:>8.0f} ms"
            f" {r['median_ms']:>6.1f} ms {r['svg_bytes']:>8}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
