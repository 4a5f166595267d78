"""Build the site, serve it on http://127.0.0.1:PORT/ and rebuild it whenever the data
or the templates change. While the data is broken the last good build stays up, with
the errors on every page, at /_sosgen/errors and in this console. Ctrl-C stops it."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from sosgen.commands.build import build
from sosgen.errors import SosgenError, UsageError
from sosgen.graphviz_engine import DEFAULT_ENGINE, ENGINES
from sosgen.serve import Preview


def site_builder(
    root: Path, out: Path, *, engine: str, today: Callable[[], dt.date]
) -> Callable[[], None]:
    """One build, as `sosgen build` does it; raises SosgenError with every error found.
    Between builds it keeps every file's model value and the pages it rendered
    (`sosgen.live`), and what it worked out from each unchanged update
    (`sosgen.identity`): a rebuild loads only the files that changed and renders only
    the pages whose views changed."""
    from sosgen.cache import ParseCache
    from sosgen.identity import keeping
    from sosgen.live import MemoryDocuments
    from sosgen.site import PageMemo

    documents = MemoryDocuments(ParseCache())
    memo = PageMemo()

    def run_build() -> None:
        errors = io.StringIO()
        try:
            with keeping():
                build(
                    root,
                    out=out,
                    today=today(),
                    engine_name=engine,
                    commit="",
                    stamp=None,
                    base_url="",
                    stdout=io.StringIO(),
                    stderr=errors,
                    documents=documents,
                    memo=memo,
                )
        except SosgenError as exc:
            raise SosgenError(f"{errors.getvalue()}{exc}") from None

    return run_build


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
                root, target, builder, port=port, log=_printer(console), warm=_engine(engine)
            )
        except OSError as exc:
            raise UsageError(
                f"cannot listen on 127.0.0.1:{port} ({exc.strerror or exc}); "
                "choose another port with --port"
            ) from None
        with preview:
            console.write(f"serving {preview.url} (Ctrl-C to stop)\n")
            console.flush()
            threading.Event().wait()  # until Ctrl-C
    return 0


def _engine(name: str) -> Callable[[], object]:
    """Start the Graphviz engine (compiling the WebAssembly one takes most of a second)."""

    def start() -> object:
        from sosgen.graphviz_engine import get_engine

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
