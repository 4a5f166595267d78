"""The preview's rebuilds (`sosgen.live`, `site.PageMemo`): a rebuild that reuses
files loaded and pages rendered before writes exactly what a cold build writes."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from synth import add_meeting, generate

from sosgen.cache import ParseCache
from sosgen.commands.build import build
from sosgen.commands.serve import site_builder
from sosgen.live import MemoryDocuments
from sosgen.repo import load_repository

TODAY = dt.date(2023, 3, 1)


def _tree(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != ".sosgen-manifest.json"
    }


def _cold(root: Path, out: Path) -> dict[str, bytes]:
    import io

    build(
        root,
        out=out,
        today=TODAY,
        engine_name="wasm",
        commit="",
        stamp=None,
        base_url="",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
        cache=False,
    )
    return _tree(out)


def test_memory_documents_reload_only_what_changed(tmp_path: Path) -> None:
    root = tmp_path / "org"
    generate(root, teams=4, meetings=6, seed=3)
    documents = MemoryDocuments(ParseCache(enabled=False), racy_ns=0)
    first, _, _ = load_repository(root, documents=documents)
    assert documents.reused == 0 and documents.loaded > 20
    again, _, _ = load_repository(root, documents=documents)
    assert documents.loaded == 0
    assert again == first
    assert again.meetings[0].record is first.meetings[0].record  # the very object

    update = next(root.glob("meetings/*/*.yaml"))
    if update.name == "_meeting.yaml":
        update = next(p for p in update.parent.glob("*.yaml") if p.name != "_meeting.yaml")
    update.write_text(update.read_text(encoding="utf-8").replace("heads_up: none", "heads_up: []"))
    third, _, _ = load_repository(root, documents=documents)
    assert documents.loaded == 1
    fresh, _, _ = load_repository(root)
    assert third == fresh


def test_a_file_changed_within_two_seconds_is_read_again(tmp_path: Path) -> None:
    root = tmp_path / "org"
    generate(root, teams=3, meetings=2, seed=5)  # just written: too recent to trust
    documents = MemoryDocuments(ParseCache(enabled=False))
    load_repository(root, documents=documents)
    load_repository(root, documents=documents)
    assert documents.reused == 0  # nothing kept while its stamp cannot prove it


def test_preview_rebuilds_write_what_a_cold_build_writes(tmp_path: Path) -> None:
    root = tmp_path / "org"
    generate(root, teams=5, meetings=12, seed=7)
    out = tmp_path / "preview"
    rebuild = site_builder(root, out, engine="wasm", today=lambda: TODAY)
    rebuild()
    assert _tree(out) == _cold(root, tmp_path / "cold-1")

    add_meeting(root, 11)
    rebuild()
    assert _tree(out) == _cold(root, tmp_path / "cold-2")

    # an edit to an old update changes its meeting's page and what derives from it
    old = sorted(root.glob("meetings/*/*.yaml"))[3]
    text = old.read_text(encoding="utf-8")
    assert "text: " in text
    old.write_text(text.replace("text: ", "text: Changed since, ", 1))
    rebuild()
    assert _tree(out) == _cold(root, tmp_path / "cold-3")


def test_preview_renders_only_pages_whose_views_changed(tmp_path: Path) -> None:
    from sosgen.site import PageMemo

    root = tmp_path / "org"
    generate(root, teams=4, meetings=10, seed=9)
    memo = PageMemo()
    documents = MemoryDocuments(ParseCache(), racy_ns=0)
    import io

    def once() -> str:
        out = io.StringIO()
        build(
            root,
            out=tmp_path / "site",
            today=TODAY,
            engine_name="wasm",
            commit="",
            stamp=None,
            base_url="",
            stdout=out,
            stderr=io.StringIO(),
            documents=documents,
            memo=memo,
            cache=False,  # no build-state short cut: every call builds
        )
        return out.getvalue()

    once()
    assert memo.reused == 0
    once()
    assert memo.reused == len(memo.pages)  # nothing changed: every page reused
    add_meeting(root, 4)
    once()
    assert 0 < memo.reused < len(memo.pages)
    assert f"meetings/{sorted(os.listdir(root / 'meetings'))[-1]}.html" in memo.pages
    assert _tree(tmp_path / "site") == _cold(root, tmp_path / "cold")
