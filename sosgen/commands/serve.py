"""Build the site, serve it on http://127.0.0.1:PORT/ and rebuild it whenever the data
or the templates change. While the data is broken the last good build stays up, with
the errors on every page, at /_sosgen/errors and in this console. Ctrl-C (or SIGTERM)
stops it."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from sosgen.commands.build import build
from sosgen.errors import SosgenError, UsageError
from sosgen.graphviz_engine import DEFAULT_ENGINE, ENGINES
from sosgen.serve import Preview


class SiteBuilder:
    """One build, as `sosgen build` does it; raises SosgenError with every error found.
    Between builds it keeps every file's model value and the pages it rendered
    (`sosgen.live`), and what it worked out from each unchanged update
    (`sosgen.identity`): a rebuild loads only the files that changed and renders only
    the pages whose views changed. `hint` passes on what the watcher saw change, so
    the files it did not see change are not even stamped."""

    def __init__(self, root: Path, out: Path, *, engine: str, today: Callable[[], dt.date]) -> None:
        from sosgen.cache import ParseCache
        from sosgen.live import MemoryDocuments
        from sosgen.site import PageMemo

        self.root, self.out, self.engine, self.today = root, out, engine, today
        self.documents = MemoryDocuments(ParseCache())
        self.memo = PageMemo()

    def hint(self, changed: frozenset[str] | None) -> None:
        self.documents.changed = changed

    def __call__(self) -> None:
        from sosgen.identity import keeping

        errors = io.StringIO()
        try:
            with keeping():
                build(
                    self.root,
                    out=self.out,
                    today=self.today(),
                    engine_name=self.engine,
                    commit="",
                    stamp=None,
                    base_url="",
                    stdout=io.StringIO(),
                    stderr=errors,
                    documents=self.documents,
                    memo=self.memo,
                )
        except SosgenError as exc:
            raise SosgenError(f"{errors.getvalue()}{exc}") from None


def site_builder(
    root: Path, out: Path, *, engine: str, today: Callable[[], dt.date]
) -> SiteBuilder:
    return SiteBuilder(root, out, engine=engine, today=today)


def serve(
    root: Path,
    *,
    port: int,
    out: Path | None,
    engine: str,
    today: Callable[[], dt.date],
    console: TextIO,
) -> int:
    with tempfile.TemporaryDirectory(prefix="sosgen-serve-") as scratch:
        target = out if out is not None else Path(scratch) / "site"
        builder = site_builder(root, target, engine=engine, today=today)
        try:
            preview = Preview(
                root,
                target,
                builder,
                port=port,
                log=_printer(console),
                warm=_engine(engine),
                hint=builder.hint,
            )
        except OSError as exc:
            raise UsageError(
                f"cannot listen on 127.0.0.1:{port} ({exc.strerror or exc}); "
                "choose another port with --port"
            ) from None
        with preview, _stopped_by_sigterm():
            console.write(f"serving {preview.url} (Ctrl-C to stop)\n")
            console.flush()
            threading.Event().wait()  # until Ctrl-C, or SIGTERM
    return 0


class Terminated(KeyboardInterrupt):
    """SIGTERM (a process manager, `kill`, a container stopping) stops the preview as
    Ctrl-C does: the server closed, the temporary folder removed. A KeyboardInterrupt,
    so that whatever runs is unwound the same way; the exit code is 128 + SIGTERM."""

    exit_code = 128 + signal.SIGTERM


@contextlib.contextmanager
def _stopped_by_sigterm() -> Iterator[None]:
    """While serving, SIGTERM raises `Terminated` in this (the main) thread."""

    def stop(signum: int, frame: object) -> None:
        raise Terminated

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread (an embedding program): leave it be
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _engine(name: str) -> Callable[[], object]:
    """Start the Graphviz engine (compiling the WebAssembly one takes most of a second)
    and load the YAML loader, the validator and the converter (a first build that found
    every file in the parse cache never did, and the first rebuild parses new files)."""

    def start() -> object:
        from sosgen.graphviz_engine import get_engine
        from sosgen.repo import load_document

        for schema in ("meeting", "update"):
            load_document(b"{}\n", "meetings/2000-01-03/team.yaml", schema)
        return get_engine(name).version()

    return start


def _printer(console: TextIO) -> Callable[[str], None]:
    def log(line: str) -> None:
        console.write(f"sosgen serve: {line}\n")
        console.flush()

    return log


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from sosgen.cli import add_today

    parser.add_argument(
        "--port", type=int, default=8000, help="the port on 127.0.0.1 (default: 8000; 0: any free)"
    )
    parser.add_argument(
        "-o",
        "--out",
        type=Path,
        metavar="DIR",
        help="where to build (default: a temporary folder, removed on exit)",
    )
    parser.add_argument(
        "--graphviz",
        choices=ENGINES,
        default=DEFAULT_ENGINE,
        help="the Graphviz engine: wasm, pinned by pip (default), or the system's dot",
    )
    add_today(parser)


def run(args: argparse.Namespace) -> int:
    from sosgen.cli import today

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: give a port from 1 to 65535 (0: any free port)")
    return serve(
        args.repo,
        port=args.port,
        out=args.out,
        engine=args.graphviz,
        today=lambda: today(args),
        console=sys.stdout,
    )
