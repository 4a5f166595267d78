"""The benchmark runs: `bench/run.py --quick` (a tiny organisation, once, sosgen only)
measures every scenario and writes its JSON. The timings themselves are not tested."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


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
    assert "build after one new meeting" in done.stdout
