"""The gates of pyproject.toml, run as part of the test suite: ruff and mypy --strict."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import ROOT


def _tool(name: str) -> list[str]:
    if shutil.which(name) is None and not (ROOT / ".venv/bin" / name).exists():
        pytest.fail(f"{name} is not installed: install the test extras (pip install -e '.[test]')")
    return [sys.executable, "-m", name]


def test_ruff_check():
    result = subprocess.run(
        [*_tool("ruff"), "check", "sosgen", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format():
    result = subprocess.run(
        [*_tool("ruff"), "format", "--check", "sosgen", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict():
    result = subprocess.run([*_tool("mypy")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
