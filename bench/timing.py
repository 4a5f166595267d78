"""Run one command and measure it: wall time and the peak memory of its process tree.

The peak is the kernel's account of the child (the largest resident set of the child
and the processes it waited for, so a build that forks workers is counted whole),
taken by GNU time when it is installed: a child forked straight from this process
would be charged this process's own memory, which Linux counts into the peak of a
process that forks and then execs. Without GNU time the peak comes from `os.wait4`
and is an upper bound. `wait_for_page` polls a URL on 127.0.0.1 until a page
answers, for the time a live preview takes to show a change.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

GNU_TIME = "/usr/bin/time" if shutil.which("time", path="/usr/bin") else ""


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_mb: float
    code: int
    output: str
    load: float  # the 1-minute load average when it started: a busy machine shows here


class Failed(Exception):
    """A benchmarked command failed: the message carries its output."""


def run(
    command: Sequence[str | Path],
    *,
    env: Mapping[str, str],
    cwd: Path | None = None,
    ok: Sequence[int] = (0,),
) -> Sample:
    """Run `command` to completion; raise Failed unless its exit code is in `ok`."""
    load = os.getloadavg()[0]
    report = tempfile.NamedTemporaryFile(prefix="bench-rss-", delete=False)  # noqa: SIM115
    report.close()
    prefix = [GNU_TIME, "-f", "%M", "-o", report.name] if GNU_TIME else []
    started = time.perf_counter()
    process = subprocess.Popen(
        [*prefix, *(str(c) for c in command)],
        env=dict(env),
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert process.stdout is not None
    output = process.stdout.read()  # until the child closes it (at exit)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    text = output.decode("utf-8", "replace")
    peak_kb = float(usage.ru_maxrss)
    with contextlib.suppress(OSError, ValueError):
        peak_kb = float(Path(report.name).read_text().split()[-1])
    Path(report.name).unlink(missing_ok=True)
    if process.returncode not in ok:
        shown = " ".join(str(c) for c in command)
        raise Failed(f"{shown} exited {process.returncode}:\n{text[-3000:]}")
    return Sample(seconds, peak_kb / 1024, process.returncode, text, load)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def wait_for_page(
    url: str,
    *,
    ready: Callable[[bytes], bool] = lambda body: True,
    timeout: float = 60.0,
    every: float = 0.002,
) -> float:
    """Poll `url` until it answers 200 with a body `ready` accepts; returns when it did
    (a perf_counter time). Raises Failed after `timeout` seconds."""
    deadline = time.perf_counter() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                body = response.read()
                if response.status == 200 and ready(body):
                    return time.perf_counter()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.perf_counter() > deadline:
            raise Failed(f"{url} did not appear within {timeout:.0f} s")
        time.sleep(every)


def peak_of(pid: int) -> float:
    """The peak resident memory of a running process, in MB (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")
