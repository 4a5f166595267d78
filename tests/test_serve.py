"""`sosgen serve`: the real command on a free port; it rebuilds on a change and keeps the
last good build, with the errors shown, while the data is broken."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from conftest import DAY, ROOT

if TYPE_CHECKING:
    from sosgen.serve import Preview

PAGE = f"meetings/{DAY}.html"
UPDATE = f"meetings/{DAY}/payments.yaml"
TIMEOUT = 60.0


class Served:
    """`sosgen serve --port 0` in a subprocess, read line by line."""

    def __init__(self, root):
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        }
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-X",
                "faulthandler",
                "-m",
                "sosgen",
                "-C",
                str(root),
                "serve",
                "--port",
                "0",
                "--today",
                DAY,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            # As from a terminal: a test run started in the background (`pytest &`)
            # hands its children SIGINT ignored, and Ctrl-C would never reach it.
            preexec_fn=_sigint_as_from_a_terminal,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.first = [self.next_line()]  # the first build's result, then the address
        while not self.first[-1].startswith("serving http://127.0.0.1:"):
            self.first.append(self.next_line())
        self.url = self.first[-1].split()[1]

    def _read(self):
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def next_line(self) -> str:
        return self.lines.get(timeout=TIMEOUT)

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            assert response.status == 200
            return response.read().decode("utf-8")

    def status(self) -> dict[str, object]:
        return json.loads(self.get("_sosgen/status"))

    def wait_for_build(self, generation: int) -> dict[str, object]:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            status = self.status()
            if status["generation"] >= generation:
                return status
            time.sleep(0.1)
        raise AssertionError(f"no build {generation} within {TIMEOUT} s")

    def stop(self, signum: int = signal.SIGINT) -> tuple[int, str]:
        self.proc.send_signal(signum)
        try:
            _, err = self.proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            # Still running after a minute: where each of its threads is (`-X
            # faulthandler` prints them on SIGABRT), for the failure's message.
            self.proc.send_signal(signal.SIGABRT)
            try:
                _, err = self.proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                _, err = self.proc.communicate()
        return self.proc.returncode, err


def _sigint_as_from_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.slow
def test_serve_rebuilds_and_keeps_the_last_good_build(repo):
    served = Served(repo.root)
    try:
        assert served.first[0].startswith("sosgen serve: built in ")
        status = served.status()
        assert status.pop("watching") in ("inotify", "polling")
        assert status == {"generation": 1, "good": 1, "errors": ""}
        assert "Refund flow v3 ships" not in served.get(PAGE)

        repo.write(UPDATE, repo.read(UPDATE).replace("New refund flow", "Refund flow v3 ships"))
        assert served.wait_for_build(2)["errors"] == ""
        assert served.next_line().startswith("sosgen serve: rebuilt in ")
        page = served.get(PAGE)
        assert "Refund flow v3 ships" in page

        repo.write(UPDATE, repo.read(UPDATE).replace("blockers: none", "blockers: [oops"))
        status = served.wait_for_build(3)
        assert status["good"] == 2
        assert f"{UPDATE}:7:9: error: invalid YAML" in str(status["errors"])
        assert (
            served.next_line() == "sosgen serve: build failed; still serving the last good build:"
        )
        page = served.get(PAGE)
        assert "Refund flow v3 ships" in page  # the last good build ...
        assert 'class="sosgen-serve-errors"' in page  # ... with the errors on it
        assert f"{UPDATE}:7:9: error: invalid YAML" in page
        assert f"{UPDATE}:7:9: error: invalid YAML" in served.get("_sosgen/errors")

        repo.write(UPDATE, repo.read(UPDATE).replace("blockers: [oops", "blockers: none"))
        status = served.wait_for_build(4)
        assert (status["generation"], status["good"], status["errors"]) == (4, 3, "")
        assert "sosgen-serve-errors" not in served.get(PAGE)
    finally:
        code, err = served.stop()
    assert code == 130, err
    assert "Traceback" not in err


@pytest.mark.slow
def test_serve_starts_on_broken_data_and_shows_the_errors(repo):
    repo.write("teams.yaml", "organization: [\n")
    served = Served(repo.root)
    try:
        assert served.first[0] == "sosgen serve: build failed; serving the errors:"
        assert served.status()["good"] == 0
        page = served.get("")
        assert "sosgen serve: errors" in page
        assert "teams.yaml:2:1: error: invalid YAML" in page
    finally:
        served.stop()


@pytest.mark.slow
def test_sigterm_stops_it_as_ctrl_c_does(repo, tmp_path):
    """A process manager's SIGTERM: the server closed, the temporary folder removed,
    exit 143 (128 + SIGTERM), no traceback."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    os.environ["TMPDIR"], before = str(scratch), os.environ.get("TMPDIR")
    try:
        served = Served(repo.root)
    finally:
        if before is None:
            del os.environ["TMPDIR"]
        else:
            os.environ["TMPDIR"] = before
    (folder,) = scratch.iterdir()  # the site it serves
    assert folder.name.startswith("sosgen-serve-")
    assert served.get(PAGE).startswith("<!DOCTYPE html>")
    code, err = served.stop(signal.SIGTERM)
    assert code == 143, err
    assert err == ""
    assert list(scratch.iterdir()) == []
    with pytest.raises(OSError):
        served.get("")


def test_port_in_use_is_a_usage_error(repo, run):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("-C", repo.root, "serve", "--port", str(port))
    assert result.code == 2
    assert result.err.startswith(f"sosgen: cannot listen on 127.0.0.1:{port} (")
    assert result.err.endswith("); choose another port with --port\n")


def test_the_warm_up_loads_the_loader_a_rebuild_parses_new_files_with():
    """A first build that found every file in the parse cache never loaded the YAML
    loader; the warm-up does, so the first rebuild after a new meeting does not."""
    code = (
        "import sys\n"
        "from sosgen.commands.serve import _engine\n"
        "_engine('dot')()\n"
        "print(sorted(m for m in ('yaml', 'sosgen.load', 'sosgen.schema', 'sosgen.convert')"
        " if m in sys.modules))\n"
    )
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    loaded = "['sosgen.convert', 'sosgen.load', 'sosgen.schema', 'yaml']"
    assert done.stdout.split("\n")[0] == loaded


class BlockedRebuild:
    """A preview's site, whose first build writes index.html and whose rebuilds wait
    for `release`; `running` is set once a rebuild waits, `asked` once a page request
    waits for the rebuild to end (`Preview.settled`)."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        from sosgen.serve import Preview

        self.root = tmp_path / "org"
        (self.root / "meetings").mkdir(parents=True)
        self.out = tmp_path / "out"
        self.out.mkdir()
        self.running, self.release, self.asked = (threading.Event() for _ in range(3))
        real = Preview.settled

        def settled(preview: Preview, timeout: float) -> None:
            self.asked.set()
            real(preview, timeout)

        monkeypatch.setattr(Preview, "settled", settled)

    def ask_mid_rebuild(self, preview: Preview, ask: Callable[[], None]) -> list[threading.Thread]:
        """A rebuild started and waiting, and `ask` waiting for it: both threads."""
        rebuilding = threading.Thread(target=preview.rebuild)
        rebuilding.start()
        assert self.running.wait(TIMEOUT)
        asking = threading.Thread(target=ask)
        asking.start()
        assert self.asked.wait(TIMEOUT)
        return [rebuilding, asking]

    def build(self) -> None:
        if not (self.out / "index.html").exists():
            (self.out / "index.html").write_text("first")
            return
        self.running.set()
        assert self.release.wait(TIMEOUT)
        (self.out / "new.html").write_text("made by the rebuild")


def test_a_page_asked_for_during_a_rebuild_is_answered_once_it_is_done(tmp_path, monkeypatch):
    """Never half a site, and no poll taking turns with the rebuild; the status page
    answers at once."""
    from sosgen.serve import Preview

    site = BlockedRebuild(tmp_path, monkeypatch)
    answers: list[str] = []

    def ask() -> None:
        with urllib.request.urlopen(preview.url + "new.html", timeout=TIMEOUT) as response:
            answers.append(response.read().decode())

    with Preview(site.root, site.out, site.build, use_inotify=False) as preview:
        threads = site.ask_mid_rebuild(preview, ask)
        with urllib.request.urlopen(preview.url + "_sosgen/status", timeout=TIMEOUT) as response:
            assert json.loads(response.read())["generation"] == 1  # at once, mid-rebuild
        site.release.set()
        for thread in threads:
            thread.join(TIMEOUT)
    assert answers == ["made by the rebuild"]


def test_stopping_does_not_wait_for_a_page_that_waits_for_a_rebuild(tmp_path, monkeypatch):
    from sosgen.serve import Preview

    site = BlockedRebuild(tmp_path, monkeypatch)

    def ask() -> None:
        with contextlib.suppress(OSError):
            urllib.request.urlopen(preview.url + "index.html", timeout=TIMEOUT).close()

    preview = Preview(site.root, site.out, site.build, use_inotify=False).start()
    threads = site.ask_mid_rebuild(preview, ask)
    stopping = threading.Thread(target=preview.stop)
    stopping.start()
    stopping.join(TIMEOUT)
    stopped = not stopping.is_alive()
    site.release.set()  # only now: had stopping waited for the page, it would still be waiting
    for thread in threads:
        thread.join(TIMEOUT)
    assert stopped
