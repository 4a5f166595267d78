"""The preview's watcher: inotify wakes it for every kind of change to an input (a
meeting folder renamed in whole, an edit, a removal, a template override added), not
for files that are no input, and the preview polls where inotify is unavailable."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import pytest

from sosgen import inotify
from sosgen.serve import Preview, inotify_watcher

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")
WAIT = 30.0  # seconds: only ever reached when an event is missed


@pytest.fixture
def no_inotify(monkeypatch: pytest.MonkeyPatch) -> None:
    """A system without inotify: the preview polls."""

    def unavailable() -> None:
        raise inotify.Unavailable("no inotify: test")

    monkeypatch.setattr(inotify, "_libc", unavailable)


def _org(tmp_path: Path) -> Path:
    root = tmp_path / "org"
    (root / "meetings" / "2023-01-04").mkdir(parents=True)
    (root / "meetings" / "2023-01-04" / "payments.yaml").write_text("a: 1\n")
    (root / "teams.yaml").write_text("teams: []\n")
    (root / "dependencies.yaml").write_text("dependencies: []\n")
    return root


@linux
def test_inotify_sees_every_change_to_an_input(tmp_path: Path) -> None:
    root = _org(tmp_path)
    with inotify_watcher(root, extra=()) as watcher:
        assert not watcher.wait(0.2)

        # a meeting prepared elsewhere and renamed in, with a folder inside
        staging = tmp_path / "staging" / "2023-01-11"
        (staging / "notes").mkdir(parents=True)
        (staging / "payments.yaml").write_text("a: 1\n")
        (staging / "notes" / "n.md").write_text("x\n")
        os.rename(staging, root / "meetings" / "2023-01-11")
        assert watcher.wait(WAIT)
        assert str(root / "meetings" / "2023-01-11" / "notes") in watcher.folders

        # a file inside the folder renamed in: edited, then removed
        (root / "meetings" / "2023-01-11" / "notes" / "n.md").write_text("y\n")
        assert watcher.wait(WAIT)
        (root / "meetings" / "2023-01-11" / "payments.yaml").unlink()
        assert watcher.wait(WAIT)

        (root / "teams.yaml").write_text("teams: [a]\n")
        assert watcher.wait(WAIT)

        # the overrides folder did not exist: created, then a template put in it
        (root / "templates").mkdir()
        assert watcher.wait(WAIT)
        (root / "templates" / "base.html").write_text("x")
        assert watcher.wait(WAIT)

        # a folder renamed away, and one of its old paths reused
        os.rename(root / "meetings" / "2023-01-11", tmp_path / "gone")
        assert watcher.wait(WAIT)
        assert not any(f.startswith(str(tmp_path / "gone")) for f in watcher.folders)
        (tmp_path / "gone" / "payments2.yaml").write_text("a: 1\n")
        assert not watcher.wait(0.2)

        # no input: the site built into the repository, other files, hidden folders
        (root / "site").mkdir()
        (root / "site" / "index.html").write_text("x")
        (root / "README.md").write_text("x")
        (root / "meetings" / ".git").mkdir()
        (root / "meetings" / ".git" / "x").write_text("x")
        assert not watcher.wait(0.2)


@linux
def test_the_watcher_names_what_changed(tmp_path: Path) -> None:
    root = _org(tmp_path)
    meetings = root / "meetings"
    with inotify_watcher(root, extra=()) as watcher:
        assert watcher.take() == set()
        (meetings / "2023-01-04" / "payments.yaml").write_text("a: 2\n")
        (root / "teams.yaml").write_text("teams: [a]\n")
        # taken at once, the events still queued included
        assert watcher.take() == {
            str(meetings / "2023-01-04" / "payments.yaml"),
            str(root / "teams.yaml"),
        }
        assert watcher.take() == set()

        # a folder renamed in stands for everything below it
        staging = tmp_path / "staging" / "2023-01-11"
        staging.mkdir(parents=True)
        (staging / "payments.yaml").write_text("a: 1\n")
        os.rename(staging, meetings / "2023-01-11")
        assert watcher.wait(WAIT)
        assert watcher.take() == {str(meetings / "2023-01-11")}
        (meetings / "2023-01-11" / "payments.yaml").unlink()
        assert watcher.take() == {str(meetings / "2023-01-11" / "payments.yaml")}

        # no input: nothing named
        (root / "README.md").write_text("x")
        assert watcher.take() == set()


@linux
def test_lost_events_leave_the_watcher_unable_to_name_what_changed(
    tmp_path: Path, monkeypatch
) -> None:
    root = _org(tmp_path)
    with inotify_watcher(root, extra=()) as watcher:
        real = os.read
        overflow = inotify._EVENT.pack(-1, inotify.IN_Q_OVERFLOW, 0, 0)

        def read(fd: int, size: int) -> bytes:
            return overflow + real(fd, size)

        (root / "teams.yaml").write_text("teams: [a]\n")
        monkeypatch.setattr(os, "read", read)
        assert watcher.wait(WAIT)
        monkeypatch.setattr(os, "read", real)
        assert watcher.take() is None
        (root / "teams.yaml").write_text("teams: [b]\n")
        assert watcher.take() == {str(root / "teams.yaml")}  # known again from here


@linux
def test_events_that_keep_coming_do_not_hold_the_rebuild_back(tmp_path: Path) -> None:
    root = _org(tmp_path)
    update = root / "meetings" / "2023-01-04" / "payments.yaml"
    stop = threading.Event()

    def keep_writing() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            update.write_text(f"a: {n}\n")
            time.sleep(0.01)

    with inotify_watcher(root, extra=()) as watcher:
        writer = threading.Thread(target=keep_writing)
        writer.start()
        try:
            assert watcher.wait(WAIT, quiet=0.05, longest=0.2)
            assert writer.is_alive()  # returned while the events were still coming
        finally:
            stop.set()
            writer.join()


@linux
def test_a_watch_limit_reached_is_unavailable(tmp_path: Path, monkeypatch) -> None:
    import errno

    root = _org(tmp_path)

    class Full:
        def inotify_init1(self, flags: int) -> int:
            return os.open(os.devnull, os.O_RDONLY)

        def inotify_add_watch(self, fd: int, path: bytes, mask: int) -> int:
            import ctypes

            ctypes.set_errno(errno.ENOSPC)
            return -1

        def inotify_rm_watch(self, fd: int, wd: int) -> int:
            return 0

    monkeypatch.setattr(inotify, "_libc", lambda: Full())
    with pytest.raises(inotify.Unavailable, match="No space left"):
        inotify_watcher(root, extra=())


class _Counting:
    def __init__(self) -> None:
        self.builds = 0
        self.done = threading.Condition()

    def __call__(self) -> None:
        with self.done:
            self.builds += 1
            self.done.notify_all()

    def wait_for(self, builds: int) -> None:
        with self.done:
            assert self.done.wait_for(lambda: self.builds >= builds, timeout=WAIT)


@linux
def test_the_preview_rebuilds_on_an_inotify_event(tmp_path: Path) -> None:
    root = _org(tmp_path)
    build = _Counting()
    with Preview(root, tmp_path / "out", build, interval=0.05) as preview:
        assert preview.watching == "inotify"
        build.wait_for(1)
        (root / "meetings" / "2023-01-04" / "payments.yaml").write_text("a: 2\n")
        build.wait_for(2)


@pytest.mark.usefixtures("no_inotify")
def test_the_preview_polls_where_inotify_is_unavailable(tmp_path: Path) -> None:
    root = _org(tmp_path)
    build = _Counting()
    lines: list[str] = []
    with Preview(root, tmp_path / "out", build, interval=0.05, log=lines.append) as preview:
        assert preview.watching == "polling"
        assert any("polling every" in line for line in lines)
        build.wait_for(1)
        time.sleep(0.01)  # a new modification time even on coarse clocks
        (root / "meetings" / "2023-01-04" / "payments.yaml").write_text("a: 22\n")
        build.wait_for(2)


@linux
def test_the_preview_polls_when_inotify_fails_while_running(tmp_path: Path, monkeypatch) -> None:
    root = _org(tmp_path)
    build = _Counting()
    failing = threading.Event()
    real = inotify.Watcher._drain

    def drain(self: inotify.Watcher) -> bool:
        if failing.is_set():
            raise inotify.Unavailable("reading inotify events: test")
        return real(self)

    monkeypatch.setattr(inotify.Watcher, "_drain", drain)
    with Preview(root, tmp_path / "out", build, interval=0.05) as preview:
        build.wait_for(1)
        failing.set()
        (root / "teams.yaml").write_text("teams: [b]\n")
        build.wait_for(2)  # the rebuild made on falling back
        deadline = time.monotonic() + WAIT
        while preview.watching != "polling" and time.monotonic() < deadline:
            time.sleep(0.01)
        assert preview.watching == "polling"
        time.sleep(0.01)
        (root / "teams.yaml").write_text("teams: [c, d]\n")
        build.wait_for(3)


@pytest.mark.parametrize("use_inotify", [True, False])
def test_the_preview_warms_up_before_serving_and_goes_on_if_that_fails(
    tmp_path: Path, use_inotify: bool
) -> None:
    root = _org(tmp_path)
    build = _Counting()
    warmed: list[str] = []

    def warm() -> None:
        warmed.append(threading.current_thread().name)
        assert build.builds == 1  # after the first build ...
        time.sleep(0.01)  # a new modification time even on coarse clocks
        (root / "teams.yaml").write_text("teams: [f]\n")  # (seen by the watcher)
        raise RuntimeError("no engine")

    preview = Preview(
        root, tmp_path / "out", build, interval=0.05, use_inotify=use_inotify, warm=warm
    )
    with preview:
        assert warmed == [threading.current_thread().name]  # ... before serving
        build.wait_for(2)  # the change made while warming up
        time.sleep(0.01)
        (root / "teams.yaml").write_text("teams: [e]\n")
        build.wait_for(3)


class _Failing(_Counting):
    """Fails while `broken` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.broken = threading.Event()

    def __call__(self) -> None:
        super().__call__()
        if self.broken.is_set():
            raise RuntimeError("broken data")


@linux
def test_the_preview_tells_each_build_what_changed_since_the_last_good_one(
    tmp_path: Path,
) -> None:
    root = _org(tmp_path)
    update = root / "meetings" / "2023-01-04" / "payments.yaml"
    build = _Failing()
    told: list[frozenset[str] | None] = []
    with Preview(root, tmp_path / "out", build, interval=0.05, hint=told.append):
        build.wait_for(1)
        assert told == [None]  # the first build looks at every file
        update.write_text("a: 2\n")
        build.wait_for(2)
        assert told[1] == {str(update)}

        build.broken.set()
        (root / "teams.yaml").write_text("teams: [a]\n")
        build.wait_for(3)
        assert told[2] == {str(root / "teams.yaml")}
        build.broken.clear()
        (root / "dependencies.yaml").write_text("dependencies: [x]\n")
        build.wait_for(4)
        # the failed build may not have looked at teams.yaml: told again
        assert told[3] == {str(root / "teams.yaml"), str(root / "dependencies.yaml")}
        update.write_text("a: 3\n")
        build.wait_for(5)
        assert told[4] == {str(update)}


@pytest.mark.usefixtures("no_inotify")
def test_a_polling_preview_never_tells_what_changed(tmp_path: Path) -> None:
    root = _org(tmp_path)
    build = _Counting()
    told: list[frozenset[str] | None] = []
    with Preview(root, tmp_path / "out", build, interval=0.05, hint=told.append):
        build.wait_for(1)
        time.sleep(0.01)
        (root / "teams.yaml").write_text("teams: [a]\n")
        build.wait_for(2)
    assert told[:2] == [None, None]
