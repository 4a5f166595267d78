"""The README shows the real rules and the real `--help` output."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_readme_generated_sections_are_current():
    result = subprocess.run(
        [sys.executable, "scripts/readme.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
