"""A local preview: serve the built site on 127.0.0.1, rebuild when the data or the
templates change, and keep serving the last good build while the data is broken.

Two threads: the HTTP server, and a watcher of teams.yaml, dependencies.yaml,
meetings/ and the templates. On Linux the watcher sleeps until inotify reports a
change (`sosgen.inotify`), so a new meeting is rebuilt within a few milliseconds;
where inotify is missing or fails it polls the modification times of every input
every `interval` seconds (no dependency, works on every file system). While the
latest build has failed, every page carries a banner with the errors, and
`/_sosgen/errors` lists them.
`/_sosgen/status` answers JSON for scripts and tests.

A page asked for while a rebuild runs is answered once it is done (as `mkdocs serve`
does): the browser never gets a site half old and half new, and a page the rebuild
is making is there. It also keeps a browser or script that polls for a page from
taking turns with the rebuild (answering costs this process most of a millisecond).
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from sosgen import inotify
from sosgen import repo as r
from sosgen.render import OVERRIDES, PACKAGED

ERRORS_PAGE = "/_sosgen/errors"
STATUS_PAGE = "/_sosgen/status"
STYLE_PAGE = "/_sosgen/serve.css"
_BODY = re.compile(rb"<body[^>]*>", re.I)
_STYLE = b"""\
.sosgen-serve-errors{border:3px solid #b00020;background:#fff4f4;color:#1a1a1a;
margin:0;padding:1rem 1.5rem;font:1rem/1.4 system-ui,sans-serif}
.sosgen-serve-errors pre{white-space:pre-wrap;font-size:.9rem;margin:.5rem 0 0}
"""

# A build: returns nothing on success; raises with a message a person can act on.
Build = Callable[[], None]
# Told before each build which input paths may have changed since the last good one
# (files, or folders for everything below them); None when that is not known.
Hint = Callable[[frozenset[str] | None], None]
Snapshot = dict[str, tuple[int, int]]
SETTLE_WAIT = 60.0  # seconds a page waits for a rebuild, at most: then it is served as is


@dataclass(frozen=True, slots=True)
class State:
    generation: int  # completed builds, good or bad
    good: int  # completed good builds
    errors: str  # the last build's errors, "" when it succeeded


def watched(root: Path, extra: Iterable[Path] = (PACKAGED,)) -> Snapshot:
    """Modification time and size of every input of the site."""
    snap: Snapshot = {}
    for name in (r.TEAMS, r.DEPENDENCIES):
        _stat(os.path.join(root, name), snap)
    for folder in (root / r.MEETINGS, root / OVERRIDES, *extra):
        _walk(str(folder), snap)
    return snap


def inotify_watcher(root: Path, extra: Iterable[Path] = (PACKAGED,)) -> inotify.Watcher:
    """The same inputs as `watched`, through inotify; raises `inotify.Unavailable`."""
    trees = [str(root / r.MEETINGS), str(root / OVERRIDES), *map(str, extra)]
    names = {str(root): {r.TEAMS, r.DEPENDENCIES, r.MEETINGS, OVERRIDES}}
    return inotify.Watcher(trees, names)


def _walk(folder: str, snap: Snapshot) -> None:
    """Every file below `folder`, skipping hidden folders; os.scandir, no Path objects:
    at 450 meetings this runs over 9,000 files every poll."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir():
                if not entry.name.startswith(".") and not entry.is_symlink():
                    _walk(entry.path, snap)  # as os.walk: a link to a folder is not entered
                continue
            info = entry.stat()
        except OSError:
            continue
        snap[entry.path] = (info.st_mtime_ns, info.st_size)


def _stat(path: str, snap: Snapshot) -> None:
    try:
        info = os.stat(path)
    except OSError:
        return
    snap[path] = (info.st_mtime_ns, info.st_size)


class Preview:
    """The server and the watcher; `start()`, then `stop()` (or use it as a context)."""

    def __init__(
        self,
        root: Path,
        out: Path,
        build: Build,
        *,
        port: int = 0,
        interval: float = 0.3,
        log: Callable[[str], None] = lambda line: None,
        use_inotify: bool = True,
        warm: Callable[[], object] | None = None,
        hint: Hint | None = None,
    ) -> None:
        self.root, self.out, self._build, self.interval, self.log = root, out, build, interval, log
        self.use_inotify = use_inotify
        self._warm = warm
        self._hint = hint
        # What the watcher saw change since the last good build began (a good build
        # has looked at every file); None until then, and when events were lost.
        self._since_good: set[str] | None = None
        self.watching = ""  # "inotify" or "polling" once started
        self._lock = threading.Lock()
        self._state = State(0, 0, "")
        self._idle = threading.Condition()
        self._rebuilding = False
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False  # a page waiting for a rebuild does not hold up Ctrl-C

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    @property
    def state(self) -> State:
        with self._lock:
            return self._state

    def rebuild(self, changed: set[str] | None = None) -> State:
        """Build once; `changed`: the paths the watcher saw change since the last
        call, None when not known (the first build, polling, events lost)."""
        with self._idle:
            self._rebuilding = True
        try:
            return self._rebuild(changed)
        finally:
            with self._idle:
                self._rebuilding = False
                self._idle.notify_all()

    def settled(self, timeout: float) -> None:
        """Return once no rebuild runs, or after `timeout` seconds."""
        with self._idle:
            self._idle.wait_for(lambda: not self._rebuilding or self._stop.is_set(), timeout)

    def _rebuild(self, changed: set[str] | None) -> State:
        started = time.perf_counter()
        before = self.state
        since = None if changed is None or self._since_good is None else self._since_good | changed
        if self._hint is not None:
            self._hint(None if since is None else frozenset(since))
        try:
            self._build()
        except Exception as exc:  # any failure: keep serving the last good build
            self._since_good = since
            errors = str(exc).strip() or type(exc).__name__
            kept = "still serving the last good build" if before.good else "serving the errors"
            self.log(f"build failed; {kept}:\n{errors}")
        else:
            self._since_good = set()
            errors = ""
            verb = "rebuilt" if before.generation else "built"
            self.log(f"{verb} in {time.perf_counter() - started:.2f} s")
        with self._lock:
            s = self._state
            self._state = State(s.generation + 1, s.good + (not errors), errors)
            return self._state

    def start(self) -> Preview:
        # Watch before the first build: a change made while it runs is not missed.
        watcher = None
        if self.use_inotify:
            try:
                watcher = inotify_watcher(self.root)
            except inotify.Unavailable as exc:
                self.log(f"{exc}; polling every {self.interval} s instead")
        snapshot = None if watcher else watched(self.root)
        self.watching = "inotify" if watcher else "polling"
        if watcher is not None:
            watcher.take()  # the first build looks at every file
        self.rebuild()
        if self._warm is not None:
            # What a rebuild would otherwise wait for (the Graphviz engine, when the
            # first build found every graph drawn before), made before serving: not
            # while a rebuild waits, nor beside one. A change made meanwhile is seen.
            with contextlib.suppress(Exception):  # the rebuild that needs it says why
                self._warm()
        self._threads = [
            threading.Thread(target=self.httpd.serve_forever, name="sosgen-http", daemon=True),
            threading.Thread(
                target=self._watch, args=(watcher, snapshot), name="sosgen-watch", daemon=True
            ),
        ]
        for thread in self._threads:
            thread.start()
        return self

    def _watch(self, watcher: inotify.Watcher | None, snapshot: Snapshot | None) -> None:
        if watcher is not None:
            with watcher:
                try:
                    while not self._stop.is_set():
                        if watcher.wait(self.interval):
                            self.rebuild(watcher.take())
                    return
                except inotify.Unavailable as exc:
                    self.log(f"{exc}; polling every {self.interval} s instead")
                    self.watching = "polling"
            snapshot = watched(self.root)
            self.rebuild()  # what changed since the last event is not known
        assert snapshot is not None
        while not self._stop.wait(self.interval):
            now = watched(self.root)
            if now != snapshot:
                snapshot = now
                self.rebuild()

    def stop(self) -> None:
        self._stop.set()
        with self._idle:
            self._idle.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=10)

    def __enter__(self) -> Preview:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _handler(preview: Preview) -> type[SimpleHTTPRequestHandler]:
    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(preview.out), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            return None  # the console is for build results

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def do_GET(self) -> None:
            path = unquote(urlsplit(self.path).path)
            if path not in (STATUS_PAGE, STYLE_PAGE):
                preview.settled(SETTLE_WAIT)
            state = preview.state
            if path == STATUS_PAGE:
                body = json.dumps(
                    {
                        "generation": state.generation,
                        "good": state.good,
                        "errors": state.errors,
                        "watching": preview.watching,
                    }
                ).encode()
                return self._send(HTTPStatus.OK, "application/json", body)
            if path == STYLE_PAGE:
                return self._send(HTTPStatus.OK, "text/css", _STYLE)
            if path == ERRORS_PAGE or (state.good == 0 and state.errors):
                return self._send(HTTPStatus.OK, "text/html; charset=utf-8", _errors_page(state))
            if state.errors:
                page = self._html_file(path)
                if page is not None:
                    body = _BODY.sub(lambda m: m.group(0) + _banner(state), page.read_bytes(), 1)
                    return self._send(HTTPStatus.OK, "text/html; charset=utf-8", body)
            super().do_GET()

        def _html_file(self, path: str) -> Path | None:
            local = Path(self.translate_path(path))
            if local.is_dir():
                local = local / "index.html"
            return local if local.suffix == ".html" and local.is_file() else None

        def _send(self, status: HTTPStatus, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _banner(state: State) -> bytes:
    return (
        f'<link rel="stylesheet" href="{STYLE_PAGE}">'
        '<section class="sosgen-serve-errors" role="alert"><strong>sosgen serve: the last '
        "build failed; this is the last good build.</strong> Fix the errors and save: the "
        f"site rebuilds by itself.<pre>{html.escape(state.errors)}</pre></section>"
    ).encode()


def _errors_page(state: State) -> bytes:
    title = "sosgen serve: errors" if state.errors else "sosgen serve: no errors"
    body = _banner(state).decode() if state.errors else "<p>The last build succeeded.</p>"
    return (
        f'<!DOCTYPE html><html lang="en"><meta charset="utf-8"><title>{title}</title>'
        f'<body><h1>{title}</h1>{body}<p><a href="/">the site</a></p></body></html>'
    ).encode()
