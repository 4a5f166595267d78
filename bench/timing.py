"""Run one command and measure it: wall time and two figures of its memory.

`peak_mb` is the kernel's account of the child: the largest resident set of any ONE
process of the tree (the child and the processes it waited for), not their sum. It
is taken by GNU time when it is installed: a child forked straight from this process
would be charged this process's own memory, which Linux counts into the peak of a
process that forks and then execs. Without GNU time it comes from `os.wait4` and is
an upper bound.

`tree_pss_mb` is what the whole tree holds at once: every ~50 ms the proportional
set size (`Pss` of `/proc/<pid>/smaps_rollup`, shared pages split between the
processes sharing them) of the command and all its descendants is summed; the figure
is the largest sum seen. Moving memory from one process into another lowers the
first figure but not this one. Linux only (NaN elsewhere); a process shorter than a
sampling interval can be missed.

`wait_for_page` polls a URL on 127.0.0.1 until a page answers, for the time a live
preview takes to show a change.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
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
    tree_pss_mb: float = float("nan")  # the largest sum of Pss over the process tree


class Failed(Exception):
    """A benchmarked command failed: the message carries its output."""


def run(
    command: Sequence[str | Path],
    *,
    env: Mapping[str, str],
    cwd: Path | None = None,
    ok: Sequence[int] = (0,),
) -> Sample:
    """Run `command` to completion; raise Failed unless its exit code is in `ok`.

    The disk's dirty pages are written back first (`os.sync`, not timed), so the
    writeback of what the previous command wrote is not charged to this one."""
    os.sync()
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
    with TreePss(process.pid) as tree:
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
    return Sample(seconds, peak_kb / 1024, process.returncode, text, load, tree.peak_mb)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def wait_for_page(
    url: str,
    *,
    ready: Callable[[bytes], bool] = lambda body: True,
    timeout: float = 60.0,
    every: float = 0.01,
) -> float:
    """Poll `url` until it answers 200 with a body `ready` accepts; returns when it did
    (a perf_counter time). Raises Failed after `timeout` seconds.

    Every 10 ms: the figure is at most that late, and the polling leaves the server
    alone. At 2 ms a preview whose server shares an interpreter with its rebuild was
    measured half a second slower (5 runs at 450 meetings: 1.51 s against 1.09 s at
    20 ms), the cost of answering 500 requests a second, not of the rebuild."""
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


class TreePss:
    """Samples the summed Pss of a process and all its descendants in a thread, from
    entering the block to leaving it; `peak_mb` is the largest sum seen (NaN where
    /proc has no smaps_rollup)."""

    def __init__(self, pid: int, every: float = 0.05) -> None:
        self.pid = pid
        self.every = every
        self.peak_mb = float("nan")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreePss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def sample(self) -> None:
        """One sample now (also taken every `every` seconds by the thread)."""
        total = tree_pss_kb(self.pid)
        if total is not None and not total <= self.peak_mb * 1024:
            self.peak_mb = total / 1024

    def _sample(self) -> None:
        while True:
            self.sample()
            if self._stop.wait(self.every):
                return


def tree_pss_kb(pid: int) -> float | None:
    """The summed Pss of `pid` and its descendants, in kB; None if unreadable."""
    total, seen = 0.0, False
    for member in [pid, *descendants(pid)]:
        pss = _pss_kb(member)
        if pss is not None:
            total, seen = total + pss, True
    return total if seen else None


def descendants(pid: int) -> list[int]:
    """Every live descendant of `pid`, from each process's parent id in /proc."""
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue  # gone meanwhile
        parent = int(stat.rsplit(")", 1)[1].split()[1])  # the name may hold spaces
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), ()):
            found.append(child)
            todo.append(child)
    return found


def _pss_kb(pid: int) -> float | None:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return float(line.split()[1])
    return None
