"""The benchmark runs: `bench/run.py --quick` (a tiny organisation, once, sosgen only)
measures every scenario and writes its JSON. The timings themselves are not tested;
how memory is counted is."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import report
import run
from conftest import ROOT
from timing import TreePss


def test_quick_bench_measures_every_scenario(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--quick", "--work", tmp_path / "work", "--out", out],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(out.read_text())
    (size,) = result["sizes"].values()
    scenarios = size["scenarios"]
    assert set(scenarios) == {"cold", "nochange", "add", "check", "new_meeting"}
    assert all(s["median"] > 0 and s["peak_mb"] > 0 for s in scenarios.values())
    if sys.platform == "linux":
        assert all(s["tree_pss_mb"] > 0 for s in scenarios.values())
    assert "tree PSS MB" in done.stdout
    assert "build after one new meeting" in done.stdout


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_the_tree_figure_counts_every_process_of_the_tree() -> None:
    """Two processes holding 40 MB each: the tree holds about 80 MB, though neither
    process is larger than about 50 MB."""
    script = textwrap.dedent(
        """
        import os, sys
        child = os.fork()
        held = b"x" * (40 << 20)  # written, so resident: each process its own
        os.write(1, b"ready\\n")
        sys.stdin.read()
        if child:
            os.waitpid(child, 0)
        """
    )
    with subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    ) as process:
        assert process.stdin is not None and process.stdout is not None
        try:
            assert process.stdout.readline() == b"ready\n"
            assert process.stdout.readline() == b"ready\n"
            tree = TreePss(process.pid, every=3600)
            tree.sample()
        finally:
            process.stdin.close()
    assert tree.peak_mb > 80


def test_the_memory_target_is_judged_on_the_tree_against_a_baseline() -> None:
    def sizes(peak: float, tree: float) -> dict[str, object]:
        scenario = {"median": 1.0, "peak_mb": peak, "tree_pss_mb": tree}
        return {"1500": {"scenarios": {"cold": scenario}}}

    found = {t["target"]: t for t in report.targets(sizes(200, 420), sizes(260, 400))}
    peak = next(t for name, t in found.items() if name.startswith("peak memory"))
    tree = next(t for name, t in found.items() if "process tree" in name)
    assert peak["met"] and (peak["value"], peak["limit"]) == (200, 250)
    assert not tree["met"] and (tree["value"], tree["limit"]) == (420, 400)  # moved, not saved
    assert not any("process tree" in t["target"] for t in report.targets(sizes(200, 420)))
    assert math.isnan(report._tree({}, "cold"))


def test_a_result_of_the_same_day_is_never_written_over(tmp_path: Path) -> None:
    stem = "2026-11-24-20x50-450"
    assert run.unused(tmp_path, stem) == tmp_path / f"{stem}.json"
    (tmp_path / f"{stem}.json").write_text("{}")
    assert run.unused(tmp_path, stem) == tmp_path / "2026-11-24-r2-20x50-450.json"
    (tmp_path / "2026-11-24-r2-20x50-450.json").write_text("{}")
    assert run.unused(tmp_path, stem) == tmp_path / "2026-11-24-r3-20x50-450.json"
