"""How the program ends: at once after a command when nothing else runs in the process
(nothing left to tear down but memory), the ordinary way otherwise; either way with
every line printed and the command's exit code."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import ROOT

from sosgen import cli

SMALL = ROOT / "tests/fixtures/site-small"


class Exited(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


@pytest.fixture
def fast_exit(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    codes: list[int] = []

    def _exit(code: int) -> None:
        codes.append(code)
        raise Exited(code)

    monkeypatch.setattr(cli.os, "_exit", _exit)
    return codes


def test_a_finished_command_ends_the_process_at_once_with_its_code(monkeypatch, fast_exit):
    monkeypatch.setattr(cli, "main", lambda: 3)
    # whatever else runs in pytest's process: threads, a worker of an earlier test exiting
    monkeypatch.setattr(cli.threading, "active_count", lambda: 1)
    monkeypatch.setattr(cli, "_children", lambda: False)
    with pytest.raises(Exited):
        cli.run()
    assert fast_exit == [3]


def test_a_thread_still_running_gets_the_ordinary_exit(monkeypatch, fast_exit):
    monkeypatch.setattr(cli, "main", lambda: 0)
    monkeypatch.setattr(cli, "_children", lambda: False)
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        with pytest.raises(SystemExit) as exited:
            cli.run()
    finally:
        release.set()
        thread.join()
    assert exited.value.code == 0
    assert fast_exit == []


def test_output_on_a_pipe_is_complete_and_the_code_kept(tmp_path: Path):
    root = tmp_path / "small"
    shutil.copytree(SMALL, root)
    built = _sosgen(root, "build", "--today", "2026-11-09", "-j", "2")
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("built ") and built.stdout.endswith(" removed\n")
    assert (root / "site" / "index.html").is_file()
    (root / "teams.yaml").write_text("teams: [\n", encoding="utf-8")
    checked = _sosgen(root, "check", "--today", "2026-11-09")
    assert checked.returncode == 1
    assert "teams.yaml:" in checked.stdout + checked.stderr


def test_a_child_process_still_running_gets_the_ordinary_exit(monkeypatch, fast_exit):
    monkeypatch.setattr(cli, "main", lambda: 0)
    monkeypatch.setattr(cli.threading, "active_count", lambda: 1)
    monkeypatch.setattr(cli, "_children", lambda: True)
    with pytest.raises(SystemExit):
        cli.run()
    assert fast_exit == []


def _sosgen(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sosgen", "-C", str(root), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
