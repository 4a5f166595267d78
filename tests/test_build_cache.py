"""A build through the caches writes exactly the bytes a cold build writes: warm,
after a change, with the cache damaged, deleted or hostile; and a build that finds
nothing changed does nothing, but only then."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT
from site_builds import quiet_build, tree
from synth import add_meeting, generate

from sosgen.cache_folder import CACHE_DIR

TODAY = dt.date(2026, 11, 9)


def built(root: Path, out: Path, *, cache: bool = True, today: dt.date = TODAY) -> str:
    return quiet_build(root, out, today=today, commit="0" * 40, cache=cache)


def cold(root: Path, tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / "cold-site"
    shutil.rmtree(out, ignore_errors=True)
    built(root, out, cache=False)
    return tree(out)


@pytest.fixture
def small(tmp_path: Path) -> Path:
    root = tmp_path / "small"
    shutil.copytree(ROOT / "tests/fixtures/site-small", root)
    return root


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("build-cache") / "org"
    generate(root, teams=4, meetings=30, seed=5, start=dt.date(2026, 7, 1))
    return root


def test_warm_builds_equal_the_cold_build(small: Path, tmp_path: Path) -> None:
    expected = cold(small, tmp_path)
    out = tmp_path / "site"
    first = built(small, out)
    assert tree(out) == expected
    shutil.rmtree(out)  # the output is gone: a real build again, from the caches
    second = built(small, out)
    assert tree(out) == expected
    assert "graphs drawn with" in first
    assert "graphs as drawn before" in second


def test_a_build_after_a_new_meeting_equals_a_cold_one(generated: Path, tmp_path: Path) -> None:
    root = tmp_path / "org"
    shutil.copytree(generated, root)
    out = tmp_path / "site"
    built(root, out)
    add_meeting(root, seed=9)
    summary = built(root, out)
    assert "nothing changed" not in summary
    assert tree(out) == cold(root, tmp_path)


def test_nothing_changed_means_nothing_done(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    built(small, out)
    _age(small)
    assert "nothing changed" in built(small, out)
    assert "nothing changed" not in built(small, out, today=TODAY + dt.timedelta(days=1))


def _age(root: Path) -> None:
    """Make the last build's record older than the racy window (two seconds): as if the
    build had run a while ago."""
    import os

    for path in (root / CACHE_DIR).glob("build-*.json"):
        record = json.loads(path.read_text())
        record["stamped"] += 10**10
        path.write_text(json.dumps(record))
        os.utime(path, ns=(record["stamped"], record["stamped"]))


CHANGES: dict[str, Callable[[Path, Path], None]] = {
    "an output file edited": lambda root, out: (out / "index.html").write_text("edited"),
    "an output file deleted": lambda root, out: (out / "board.html").unlink(),
    "an update changed": lambda root, out: next((root / "meetings").glob("*/*.yaml")).write_text(
        next((root / "meetings").glob("*/*.yaml")).read_text() + "# changed\n"
    ),
    "a file added": lambda root, out: (next((root / "meetings").iterdir()) / "notes.md").write_text(
        "x"
    ),
    "a template override": lambda root, out: (
        (root / "templates").mkdir(),
        (root / "templates" / "style.css").write_text("body{}"),
    ),
    "the record damaged": lambda root, out: [
        p.write_text("{") for p in (root / CACHE_DIR).glob("build-*.json")
    ],
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_any_change_builds_again(small: Path, tmp_path: Path, change: str) -> None:
    out = tmp_path / "site"
    built(small, out)
    _age(small)
    CHANGES[change](small, out)
    summary = built(small, out)
    assert "nothing changed" not in summary
    assert tree(out) == cold(small, tmp_path)


DAMAGE: dict[str, Callable[[Path], None]] = {
    "deleted": lambda folder: shutil.rmtree(folder),
    "garbage": lambda folder: [p.write_bytes(b"\x00\xff garbage") for p in folder.iterdir()],
    "truncated": lambda folder: [
        p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]) for p in folder.iterdir()
    ],
    "hostile svg": lambda folder: [
        p.write_text(
            "\n".join(
                f"{line.split(chr(9))[0]}\t"
                + json.dumps('<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>')
                for line in p.read_text().splitlines()
            )
        )
        for p in folder.glob("svg-*.jsonl")
    ],
    "svg with a handler": lambda folder: [
        p.write_text(p.read_text().replace("<svg ", '<svg onload=\\"x()\\" '))
        for p in folder.glob("svg-*.jsonl")
    ],
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_cache_still_builds_the_same_site(
    small: Path, tmp_path: Path, damage: str
) -> None:
    expected = cold(small, tmp_path)
    out = tmp_path / "site"
    built(small, out)
    DAMAGE[damage](small / CACHE_DIR)
    shutil.rmtree(out)
    built(small, out)
    assert tree(out) == expected
    assert "<script" not in tree(out)["board.html"].decode()


def test_no_cache_builds_leave_no_cache(small: Path, tmp_path: Path) -> None:
    built(small, tmp_path / "site", cache=False)
    assert not (small / CACHE_DIR).exists()
