"""The live-preview scenario: how long after a new meeting's files land on disk does
the running preview serve its page? `sosgen serve` and `hugo server`, each started
once, then fed one new meeting per run.

The new meeting is prepared first (untimed) and then made to appear at once: for
sosgen its folder is written in a staging copy of the repository (symbolic links to
the real files) and renamed into `meetings/`; for Hugo the changed Markdown files are
computed and then written. The clock starts just before the rename or the writes and
stops when the page answers 200 on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import synth_peers
from synth import add_meeting
from timing import Failed, TreePss, peak_of, wait_for_page
from tools import Tools


@dataclass(frozen=True)
class Served:
    seconds: list[float]
    peak_mb: float  # the server process's own peak resident set (VmHWM)
    tree_pss_mb: float = float("nan")  # the largest summed Pss of its process tree


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def stage_meeting(org: Path, seed: int) -> Path:
    """The repository's next meeting, written in a staging copy: its folder's path."""
    stage = org.parent / "stage"
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "meetings").mkdir(parents=True)
    for name in ("teams.yaml", "dependencies.yaml"):
        (stage / name).symlink_to(org / name)
    for folder in (org / "meetings").iterdir():
        (stage / "meetings" / folder.name).symlink_to(folder, target_is_directory=True)
    return add_meeting(stage, seed)


def sosgen_serve(tools: Tools, org: Path, *, today: str, runs: int, seed: int) -> Served:
    port = free_port()
    command = tools.sosgen(org, "serve", "--port", str(port), "--today", today)
    process = subprocess.Popen(
        [str(c) for c in command],
        env=tools.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    status = f"http://127.0.0.1:{port}/_sosgen/status"
    try:
        with TreePss(process.pid) as tree:
            wait_for_page(status, ready=lambda body: _state(body)[1] >= 1, timeout=900)
            seconds = []
            for run in range(runs):
                staged = stage_meeting(org, seed + run)
                before = _state(_get(status))[0]
                started = time.perf_counter()
                os.rename(staged, org / "meetings" / staged.name)
                shown = wait_for_page(f"http://127.0.0.1:{port}/meetings/{staged.name}.html")
                seconds.append(shown - started)
                wait_for_page(status, ready=lambda body, b=before: _state(body)[0] > b, timeout=300)
                shutil.rmtree(org.parent / "stage", ignore_errors=True)
        return Served(seconds, peak_of(process.pid), tree.peak_mb)
    finally:
        process.terminate()
        process.wait(timeout=30)


def hugo_server(tools: Tools, org: Path, site: Path, *, runs: int, seed: int) -> Served:
    if tools.hugo is None:
        raise Failed("no hugo")
    port = free_port()
    command = [tools.hugo, "server", "-s", site, "--port", str(port), "--bind", "127.0.0.1"]
    process = subprocess.Popen(
        [str(c) for c in command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for_page(f"http://127.0.0.1:{port}/", timeout=900)
        seconds = []
        for run in range(runs):
            day = add_meeting(org, seed + run).name
            changed = [
                (site / relpath, text.encode("utf-8"))
                for relpath, text in synth_peers.hugo_files(synth_peers.load(org))
                if not _same(site / relpath, text)
            ]
            started = time.perf_counter()
            for path, data in changed:
                path.write_bytes(data)
            shown = wait_for_page(f"http://127.0.0.1:{port}/meetings/{day}/")
            seconds.append(shown - started)
            time.sleep(1.0)  # let the server finish with the other changed pages
        return Served(seconds, peak_of(process.pid))
    finally:
        process.terminate()
        process.wait(timeout=30)


def _same(path: Path, text: str) -> bool:
    return path.is_file() and path.read_bytes() == text.encode("utf-8")


def _get(url: str) -> bytes:
    import urllib.request

    with urllib.request.urlopen(url, timeout=5) as response:
        body: bytes = response.read()
        return body


def _state(body: bytes) -> tuple[int, int]:
    state = json.loads(body)
    return int(state["generation"]), int(state["good"])
