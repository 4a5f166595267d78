"""The SVG cache keeps every graph of the last build, drawn or not: a preview rebuild
that keeps a graph's page (`site.PageMemo`) keeps its SVG too, so the next build
draws nothing it drew before."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from site_builds import quiet_build
from synth import generate

from sosgen.cache import ParseCache
from sosgen.cache_folder import CACHE_DIR
from sosgen.errors import SosgenError
from sosgen.live import MemoryDocuments
from sosgen.site import PageMemo

TODAY = dt.date(2023, 3, 1)


def _build(root: Path, out: Path, **preview: object) -> str:
    return quiet_build(root, out, today=TODAY, **preview)


def _cached(root: Path) -> set[str]:
    text = (root / CACHE_DIR / "svg-wasm.jsonl").read_text(encoding="utf-8")
    return {line.split("\t")[0] for line in text.splitlines() if line}


def test_a_preview_rebuild_keeps_the_svg_of_the_graphs_it_did_not_draw(tmp_path: Path) -> None:
    root = tmp_path / "org"
    generate(root, teams=4, meetings=6, seed=3)
    preview = {"documents": MemoryDocuments(ParseCache(), racy_ns=0), "memo": PageMemo()}
    _build(root, tmp_path / "preview", **preview)
    before = _cached(root)

    # One dependency's wording changes: the board's graph and its two teams' graphs
    # are drawn again; the other teams' pages, graphs included, are kept.
    dependencies = root / "dependencies.yaml"
    text = dependencies.read_text(encoding="utf-8")
    first = text.index("  what: ") + len("  what: ")
    dependencies.write_text(text[:first] + "reworded " + text[first:], encoding="utf-8")
    summary = _build(root, tmp_path / "preview", **preview)
    memo = preview["memo"]
    assert isinstance(memo, PageMemo) and memo.reused > 0
    assert "graphs drawn with wasm engine" in summary  # some were drawn anew

    after = _cached(root)
    assert len(after) == len(before)  # one SVG per graph of the site, kept ones too
    assert 0 < len(after - before) < len(before)

    summary = _build(root, tmp_path / "site")
    assert "graphs as drawn before" in summary


def test_a_kept_graph_whose_cache_entry_was_damaged_is_not_kept(tmp_path: Path) -> None:
    root = tmp_path / "org"
    generate(root, teams=3, meetings=4, seed=5)
    preview = {"documents": MemoryDocuments(ParseCache(), racy_ns=0), "memo": PageMemo()}
    _build(root, tmp_path / "preview", **preview)
    cache = root / CACHE_DIR / "svg-wasm.jsonl"
    lines = cache.read_text(encoding="utf-8").splitlines()
    key = lines[0].split("\t")[0]
    hostile = '<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>'
    cache.write_text("\n".join([f"{key}\t{json.dumps(hostile)}", *lines[1:]]) + "\n")

    _build(root, tmp_path / "preview", **preview)  # every page kept, nothing drawn
    summary = _build(root, tmp_path / "site")
    assert "graphs drawn with wasm engine" in summary  # the damaged one, drawn again
    assert "<script" not in cache.read_text(encoding="utf-8")


def test_a_build_with_no_graph_drawn_before_starts_graphviz_after_the_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Graphviz process compiles while the views and page plan run (one core busy),
    not during the render (both busy); with every graph in the SVG cache it is not
    started at all, nor for a repository the checks refuse."""
    import sosgen.graphviz_engine as ge
    import sosgen.rules
    import sosgen.views.plan

    events: list[str] = []
    start, run_rules, site_data = ge.start, sosgen.rules.run_rules, sosgen.views.plan.site_data

    def started(engine: ge.Engine) -> None:
        events.append("graphviz")
        start(engine)

    def checked(*args: Any, **kwargs: Any) -> Any:
        events.append("rules")
        return run_rules(*args, **kwargs)

    def viewed(*args: Any, **kwargs: Any) -> Any:
        events.append("views")
        return site_data(*args, **kwargs)

    monkeypatch.setattr(ge, "start", started)
    monkeypatch.setattr(sosgen.rules, "run_rules", checked)
    monkeypatch.setattr(sosgen.views.plan, "site_data", viewed)
    root = tmp_path / "org"
    generate(root, teams=3, meetings=4, seed=7)
    assert "graphs drawn with wasm engine" in _build(root, tmp_path / "site")
    assert events == ["rules", "graphviz", "views"]

    events.clear()
    assert "graphs as drawn before" in _build(root, tmp_path / "again")
    assert events == ["rules", "views"]

    events.clear()
    assert "graphs drawn with wasm engine" in _build(root, tmp_path / "fresh", cache=False)
    assert events == ["rules", "graphviz", "views"]

    events.clear()
    (root / "teams.yaml").write_text("teams: [\n", encoding="utf-8")
    with pytest.raises(SosgenError):
        _build(root, tmp_path / "broken", cache=False)
    assert events == ["rules"]


def test_graphs_drawn_before_need_neither_graphviz_nor_their_dot_source(tmp_path: Path) -> None:
    """A build after a new meeting whose graphs are all in the cache: answered by the
    graphs' values, so the `graphviz` package is not even imported; a changed graph
    is drawn again."""
    import os
    import subprocess
    import sys

    from synth import add_meeting

    root = tmp_path / "org"
    generate(root, teams=4, meetings=6, seed=3)
    out = tmp_path / "site"
    script = (
        "import sys\n"
        "from sosgen.cli import main\n"
        "code = main(['-C', sys.argv[1], 'build', '--today', '2023-03-01', '-o', sys.argv[2]])\n"
        "print(code, 'graphviz' in sys.modules)\n"
    )

    def build() -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", script, str(root), str(out)],
            capture_output=True,
            text=True,
            env={**os.environ, "SOSGEN_COMMIT": "x"},
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.split()[-2:]

    assert build() == ["0", "True"]  # every graph drawn
    add_meeting(root, 4)
    assert build() == ["0", "False"]
    assert "graphs as drawn before" in _build(root, tmp_path / "again")
    deps = root / "dependencies.yaml"
    text = deps.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if "needed_by:" in line)
    deps.write_text(text.replace(first, "  needed_by: 2023-01-12", 1), encoding="utf-8")
    assert build() == ["0", "True"]  # the board changed: drawn again
